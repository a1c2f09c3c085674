"""Simulated referral services in Varsinais-Suomi (Turku) for the demo; every name is labelled (demo)."""

from __future__ import annotations

from django.db import transaction

from polku.core.models import Area, OrganisationType
from polku.core.services import get_or_create_organisation
from polku.referrals.models import ReferralService, ServiceType
from polku.referrals.services.breaks import load_default_break_rules

# name fi, sv, en, type, organisation key, works in Polku's inbox
DEMO_SERVICES = [
    ("Psykiatrian poliklinikka (demo)", "Psykiatrisk poliklinik (demo)", "Psychiatric outpatient clinic (demo)",
     ServiceType.PSYCHIATRIC_OUTPATIENT, "county", True),
    ("Terveysaseman lääkärin vastaanotto (demo)", "Hälsostationens läkarmottagning (demo)",
     "Health-centre doctor's surgery (demo)", ServiceType.HEALTH_CENTRE_DOCTOR, "county", False),
    ("Mielenterveys- ja päihdeneuvola (demo)", "Mental- och missbruksrådgivning (demo)",
     "Mental-health and substance-abuse clinic (demo)", ServiceType.SUBSTANCE_ABUSE, "county", True),
    ("A-klinikka (demo)", "A-klinik (demo)", "Addiction clinic (demo)", ServiceType.SUBSTANCE_ABUSE, "ngo", False),
    ("Kidutettujen kuntoutus (demo)", "Rehabilitering för tortyroffer (demo)",
     "Rehabilitation of torture victims (demo)", ServiceType.TRAUMA_CENTRE, "ngo", True),
    ("Traumapsykiatrian työryhmä (demo)", "Traumapsykiatriska teamet (demo)", "Trauma psychiatry team (demo)",
     ServiceType.TRAUMA_CENTRE, "county", True),
    ("Perheneuvola (demo)", "Familjerådgivning (demo)", "Family counselling (demo)",
     ServiceType.CHILD_AND_FAMILY, "county", True),
    ("Lapsiperheiden sosiaalityö (demo)", "Socialt arbete för barnfamiljer (demo)",
     "Social work with families with children (demo)", ServiceType.CHILD_AND_FAMILY, "county", False),
    ("Työllisyys- ja kotoutumispalvelut (demo)", "Sysselsättnings- och integrationstjänster (demo)",
     "Employment and integration services (demo)", ServiceType.EMPLOYMENT_AND_INTEGRATION, "city", False),
    ("Matalan kynnyksen kohtaamispaikka (demo)", "Lågtröskelmötesplats (demo)", "Low-threshold meeting point (demo)",
     ServiceType.NGO_ACTIVITY, "ngo", False),
    ("Omakielinen ohjaus, arabia ja dari (demo)", "Handledning på eget språk, arabiska och dari (demo)",
     "Native-language counselling, Arabic and Dari (demo)", ServiceType.NATIVE_LANGUAGE_COUNSELLOR, "ngo", False),
    ("Kokemusasiantuntijan vertaistuki (demo)", "Erfarenhetsexperts kamratstöd (demo)",
     "Peer support from an expert by experience (demo)", ServiceType.EXPERT_BY_EXPERIENCE, "ngo", False),
]


@transaction.atomic
def load_demo_referral_services() -> list[ReferralService]:
    """Twelve simulated services in Turku / Varsinais-Suomi, and the default break rules (idempotent)."""
    area = Area.objects.get(code="VS")
    organisations = {
        # The same organisation the demo's organisation loader makes for the wellbeing services county.
        "county": get_or_create_organisation(name=area.name_fi, name_sv=area.name_sv,
                                             type=OrganisationType.WELLBEING_SERVICES_COUNTY, home_area=area),
        "city": get_or_create_organisation(name="Turun kaupunki (demo)", name_en="City of Turku (demo)",
                                           type=OrganisationType.MUNICIPALITY, home_area=area),
        "ngo": get_or_create_organisation(name="Monikulttuurinen tukiyhdistys ry (demo)",
                                          name_en="Multicultural support association (demo)",
                                          type=OrganisationType.NGO, home_area=area),
    }
    services = []
    for name_fi, name_sv, name_en, service_type, org_key, uses_polku in DEMO_SERVICES:
        service, _created = ReferralService.objects.update_or_create(
            organisation=organisations[org_key], name_fi=name_fi,
            defaults={"name_sv": name_sv, "name_en": name_en, "service_type": service_type, "area": area,
                      "uses_polku": uses_polku, "active": True})
        services.append(service)
    load_default_break_rules()
    return services
