"""Simulated services, organisations, experts and self-help materials for the demo directory.

Everything here is made up for the demo and labelled so (`is_demo`, "(demo)" in names): the seeds name
no services and no people. Phone numbers are in the 050 000 range that no operator hands out to
subscribers in these demos, addresses are marked "demo". The real facts (projects, trainings,
publications) are loaded separately by polku.directory.loader.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from polku.directory.inputs import (
    CostOptionInput,
    ExpertInput,
    LanguageInput,
    LocationInput,
    NetworkMemberInput,
    PhoneInput,
    ScheduleInput,
    ServiceInput,
    Texts,
    TrainingInput,
)

ALL_AREAS = ("EK", "HEL", "IU", "KU", "KY", "LU", "PH", "VK", "PS", "KS", "ES", "PK", "PI", "KH", "EP", "VS",
             "SA", "PO", "PP", "KP", "KA", "LA")
FREE = (CostOptionInput(option="Maksuton", amount=Decimal("0"), amount_description="Free of charge"),)
VISIT_FEE = (CostOptionInput(option="Poliklinikkamaksu", amount=Decimal("41.80"),
                             amount_description="Client fee per outpatient visit"),)
REFERRAL = (Texts(fi="Lähete (terveysasema, työterveyshuolto tai muu lääkäri)", sv="Remiss (hälsostation eller läkare)",
                  en="Referral (health station, occupational health or another doctor)"),)
WEEKDAYS = (ScheduleInput(byday="MO,TU,WE,TH,FR", opens_at=dt.time(9), closes_at=dt.time(15),
                          description=Texts(fi="Arkisin 9–15", sv="Vardagar 9–15", en="Weekdays 9–15")),)
ALWAYS = (ScheduleInput(byday="MO,TU,WE,TH,FR,SA,SU", opens_at=dt.time(0), closes_at=dt.time(23, 59),
                        description=Texts(fi="Ympäri vuorokauden", sv="Dygnet runt", en="Around the clock")),)


def _langs(staff: str, interpreter: str = "") -> tuple[LanguageInput, ...]:
    return (tuple(LanguageInput(code=code) for code in staff.split())
            + tuple(LanguageInput(code=code, provision="interpreter") for code in interpreter.split()))


# key, name (fi, sv, en), kind, home area, PALOMA area-actor role (collaboration area) or ""
ORGANISATIONS = [
    ("tre-mh", "Tampereen maahanmuuttajien mielenterveyspalvelut (demo)", "", "Mental-health services for "
     "immigrants, Tampere (demo)", "unit", "PI", "TAYS"),
    ("tre-crisis", "Kriisikeskus Tampere (demo)", "", "Tampere Crisis Centre (demo)", "ngo", "PI", ""),
    ("pi-trauma", "Pirkanmaan traumapoliklinikka (demo)", "", "Pirkanmaa trauma outpatient clinic (demo)", "hospital",
     "PI", "TAYS"),
    ("tku-team", "Turun monikulttuurinen mielenterveystiimi (demo)", "", "Turku multicultural mental-health team "
     "(demo)", "unit", "VS", "TYKS"),
    ("vs-torture", "Varsinais-Suomen kidutettujen kuntoutuskeskus (demo)", "", "Rehabilitation centre for torture "
     "survivors, Southwest Finland (demo)", "ngo", "VS", "TYKS"),
    ("tku-women", "Naisten vertaistukiyhdistys Turku (demo)", "", "Women's peer-support association Turku (demo)",
     "ngo", "VS", ""),
    ("hel-psy", "Kulttuuripsykiatrian poliklinikka (demo)", "Polikliniken för kulturpsykiatri (demo)",
     "Cultural psychiatry outpatient clinic (demo)", "hospital", "HEL", "HUS"),
    ("hel-youth", "Nuorten mielenterveyspiste Helsinki (demo)", "Ungdomarnas mentalvårdspunkt Helsingfors (demo)",
     "Youth mental-health point Helsinki (demo)", "unit", "HEL", ""),
    ("crisis-line", "Valtakunnallinen kriisipuhelinpalvelu (demo)", "Riksomfattande kristelefon (demo)",
     "National crisis line service (demo)", "ngo", "", ""),
    ("vk-minors", "Vantaan yksin tulleiden tukipalvelu (demo)", "", "Support for unaccompanied minors, Vantaa (demo)",
     "unit", "VK", ""),
    ("oulu-mh", "Oulun mielenterveysneuvonta (demo)", "", "Oulu mental-health advice (demo)", "unit", "PP", "OYS"),
    ("oulu-families", "Oulun perheiden vertaistuki (demo)", "", "Family peer support Oulu (demo)", "ngo", "PP", ""),
    ("east-trauma", "Itä-Suomen traumatyön osaamiskeskus (demo)", "", "Eastern Finland trauma-work centre (demo)",
     "hospital", "PS", "KYS"),
    ("ks-elderly", "Keski-Suomen ikääntyneiden hyvinvointipalvelu (demo)", "", "Wellbeing service for older "
     "people, Central Finland (demo)", "unit", "KS", ""),
    ("pk-guidance", "Joensuun omakielinen ohjaus (demo)", "", "Native-language guidance Joensuu (demo)", "ngo", "PK",
     ""),
    ("po-crisis", "Pohjanmaan kriisityö (demo)", "Österbottens krisarbete (demo)", "Ostrobothnia crisis work (demo)",
     "ngo", "PO", ""),
    ("lahti-substance", "Lahden päihdeneuvonta (demo)", "", "Lahti substance-use advice (demo)", "unit", "PH", ""),
    ("la-remote", "Lapin etävastaanotto (demo)", "", "Lapland remote clinic (demo)", "unit", "LA", ""),
    ("ep-interpreting", "Etelä-Pohjanmaan tulkkikeskus (demo)", "", "South Ostrobothnia interpreter centre (demo)",
     "interpreter_centre", "EP", ""),
]

# key, organisation key, municipality, street address, how to get there (fi, en), latitude, longitude
LOCATIONS = [
    ("tre-centre", "tre-mh", "837", "Hämeenkatu 10 (demo-osoite)", "Keskustorin pysäkiltä 200 metriä; esteetön "
     "sisäänkäynti pihan puolelta.", "200 metres from the Keskustori stop; step-free entrance from the yard.",
     61.4981, 23.7610),
    ("tre-crisis", "tre-crisis", "837", "Pellavatehtaankatu 5 (demo-osoite)", "Ratikalla Hämeenkadun pysäkille, "
     "kävelyä 5 minuuttia.", "Tram to the Hämeenkatu stop, then a 5-minute walk.", 61.5010, 23.7590),
    ("tre-trauma", "pi-trauma", "837", "Teiskontie 35 (demo-osoite)", "Bussit 20 ja 25 sairaalan pysäkille.",
     "Buses 20 and 25 to the hospital stop.", 61.5060, 23.8120),
    ("tku-centre", "tku-team", "853", "Linnankatu 22 (demo-osoite)", "Kauppatorilta 10 minuuttia kävellen.",
     "A 10-minute walk from the Market Square.", 60.4510, 22.2600),
    ("hel-centre", "hel-psy", "091", "Mannerheimintie 100 (demo-osoite)", "Raitiovaunut 2 ja 4; hissi kolmanteen "
     "kerrokseen.", "Trams 2 and 4; lift to the third floor.", 60.1890, 24.9250),
    ("oulu-centre", "oulu-mh", "564", "Kirkkokatu 3 (demo-osoite)", "Keskustan bussipysäkeiltä 300 metriä.",
     "300 metres from the central bus stops.", 65.0120, 25.4700),
]


def _service(name_fi: str, name_en: str, desc_fi: str, desc_en: str, *, types: str, groups: str, staff: str,
             interpreter: str = "", municipalities: str = "", areas: str = "", name_sv: str = "", desc_sv: str = "",
             costs=FREE, phones=(), schedules=WEEKDAYS, documents=(), min_age=None, max_age=None,
             how_fi: str = "", how_en: str = "") -> ServiceInput:
    return ServiceInput(
        name=Texts(fi=name_fi, sv=name_sv, en=name_en), description=Texts(fi=desc_fi, sv=desc_sv, en=desc_en),
        application_process=Texts(fi=how_fi, en=how_en),
        fees_description=Texts(fi="Maksuton." if costs == FREE else "Käyntimaksu 41,80 €.",
                               en="Free of charge." if costs == FREE else "Visit fee 41.80 €."),
        interpretation_services=Texts(fi="Tulkki järjestetään maksutta." if interpreter else "",
                                      en="An interpreter is arranged free of charge." if interpreter else ""),
        interpretation_available=bool(interpreter), service_types=tuple(types.split()),
        target_groups=tuple(groups.split()), languages=_langs(staff, interpreter),
        municipality_codes=tuple(municipalities.split()), area_codes=tuple(areas.split()), cost_options=costs,
        phones=phones, schedules=schedules, required_documents=documents, minimum_age=min_age, maximum_age=max_age,
        is_demo=True)


def _phone(number: str, fi: str, en: str, languages: str) -> tuple[PhoneInput, ...]:
    return (PhoneInput(number=number, description=Texts(fi=fi, en=en), languages=tuple(languages.split())),)


# organisation key, location keys, service
SERVICES = [
    ("tre-mh", ("tre-centre",), _service(
        "Olohuone – matalan kynnyksen keskustelupiste (demo)", "Olohuone – low-threshold drop-in (demo)",
        "Maksutonta keskusteluapua ilman ajanvarausta ja ilman lähetettä. Voit tulla puhumaan huolista, stressistä, "
        "unettomuudesta tai yksinäisyydestä. Arabiankielinen ohjaaja on paikalla tiistaisin ja torstaisin; muilla "
        "kielillä tulkki järjestetään puhelimitse.",
        "Free conversation support without an appointment or referral: come and talk about worries, stress, "
        "sleeplessness or loneliness. An Arabic-speaking counsellor is there on Tuesdays and Thursdays; for other "
        "languages an interpreter joins by phone.",
        types="low-threshold conversation-support service-guidance", groups="adults refugees asylum-seekers",
        staff="fi ar en", interpreter="prs so fa ckb", municipalities="837",
        phones=_phone("+358 50 000 0101", "Olohuone, ohjaajat", "Olohuone, counsellors", "fi ar en"),
        how_fi="Tule paikalle aukioloaikana tai soita. Ajanvarausta ei tarvita.",
        how_en="Come in during opening hours or call. No appointment needed.")),
    ("tre-crisis", ("tre-crisis",), _service(
        "Kriisiapu arabiaksi ja suomeksi, Tampere (demo)", "Crisis help in Arabic and Finnish, Tampere (demo)",
        "Kriisityöntekijä tapaa sinut, kun elämässä on tapahtunut jotain järkyttävää: läheisen kuolema, väkivalta, "
        "onnettomuus tai muu äkillinen kriisi. Kriisipuhelimeen voi soittaa nimettömänä. Arabiankielinen "
        "kriisityöntekijä, muille kielille tulkki.",
        "A crisis worker meets you after something shocking has happened: the death of someone close, violence, an "
        "accident or another sudden crisis. You can call the crisis line anonymously. An Arabic-speaking crisis "
        "worker; an interpreter for other languages.",
        types="crisis crisis-phone conversation-support low-threshold", groups="adults refugees young-people",
        staff="fi ar en", interpreter="prs fa so ru uk", areas="PI",
        phones=_phone("+358 50 000 0102", "Kriisipuhelin (arabia ja suomi)", "Crisis line (Arabic and Finnish)",
                      "fi ar"),
        how_fi="Soita kriisipuhelimeen tai tule käymään. Aika järjestyy yleensä saman päivän aikana.",
        how_en="Call the crisis line or come in. A time is usually found the same day.")),
    ("pi-trauma", ("tre-trauma",), _service(
        "Traumapoliklinikka pakolaistaustaisille, Pirkanmaa (demo)", "Trauma clinic for people of refugee "
        "background, Pirkanmaa (demo)",
        "Erikoissairaanhoidon traumaterapia ja psykiatrinen arvio pakolaistaustaisille aikuisille, joilla on "
        "traumaperäisiä oireita, kuten painajaisia, ahdistusta tai masennusta. Kidutettujen ja sodan kokeneiden "
        "kuntoutus. Hoito annetaan arabiaksi, dariksi tai tulkin välityksellä.",
        "Specialised trauma therapy and psychiatric assessment for adults of refugee background with trauma-related "
        "symptoms such as nightmares, anxiety or depression; rehabilitation of people who survived torture or war. "
        "Care in Arabic, Dari or through an interpreter.",
        types="trauma-therapy torture-rehabilitation psychiatric-outpatient psychotherapy",
        groups="adults refugees torture-survivors asylum-seekers", staff="fi ar prs en",
        interpreter="fa ckb so ku ti", areas="PI", costs=VISIT_FEE, documents=REFERRAL,
        how_fi="Tarvitset lähetteen terveysasemalta. Kerro lähetteessä, mitä kieltä puhut.",
        how_en="You need a referral from a health station. Say in the referral which language you speak.")),
    ("tre-mh", (), _service(
        "Päihde- ja mielenterveysneuvonta, Pirkanmaa (demo)", "Substance-use and mental-health advice, Pirkanmaa "
        "(demo)",
        "Neuvontaa ja hoitoa päihdeongelmiin: alkoholi, lääkkeet, huumeet ja rahapelit. Myös omaiset ovat "
        "tervetulleita. Venäjän- ja ukrainankielinen työntekijä.",
        "Advice and treatment for substance-use problems: alcohol, medicines, drugs and gambling. Family members "
        "are welcome too. Russian- and Ukrainian-speaking staff.",
        types="substance-use conversation-support", groups="substance-use-problems adults", staff="fi ru uk",
        interpreter="ar", areas="PI")),
    ("tre-mh", (), _service(
        "Perheneuvola lapsiperheille, Pirkanmaa (demo)", "Family counselling for families with children, "
        "Pirkanmaa (demo)",
        "Tukea lapsiperheille, kun vanhemmuus tai lapsen käytös huolestuttaa. Perheneuvoja, psykologi ja "
        "sosiaalityöntekijä. Tukea myös ilman huoltajaa tulleille alaikäisille ja heidän sijaisperheilleen.",
        "Support for families with children when parenting or a child's behaviour worries you: family counsellor, "
        "psychologist and social worker. Also for unaccompanied minors and their foster families.",
        types="family-counselling parenting", groups="children-families unaccompanied-minors", staff="fi en",
        interpreter="ar so prs", areas="PI")),
    ("tku-team", ("tku-centre",), _service(
        "Traumaterapia maahanmuuttajille, Turku (demo)", "Trauma therapy for immigrants, Turku (demo)",
        "Lyhyt- ja pitkäkestoinen traumaterapia ja psykoterapia maahanmuuttajataustaisille aikuisille. Menetelminä "
        "EMDR, narratiivinen altistusterapia ja ryhmät. Terapeutti ja sama tuttu tulkki koko hoidon ajan.",
        "Short and long trauma therapy and psychotherapy for adults of immigrant background: EMDR, narrative "
        "exposure therapy and groups, with the same therapist and the same familiar interpreter throughout.",
        types="trauma-therapy psychotherapy group", groups="adults refugees torture-survivors", staff="fi en",
        interpreter="ar prs ku so fa", areas="VS", documents=REFERRAL,
        how_fi="Lähete terveysasemalta tai mielenterveystiimistä.", how_en="Referral from a health station or a "
        "mental-health team.")),
    ("tku-team", ("tku-centre",), _service(
        "Monikulttuurinen mielenterveys- ja päihdetiimi, Turku (demo)", "Multicultural mental-health and "
        "substance-use team, Turku (demo)",
        "Sairaanhoitajan ja sosiaaliohjaajan työpari tapaa sinut ensin yhdessä. Tukea mielenterveys- ja "
        "päihdeongelmiin sekä palveluohjausta sosiaali- ja terveyspalveluissa. Tulkki varataan tulkkikeskuksesta; "
        "voit toivoa nais- tai miestulkkia.",
        "A nurse and a social counsellor meet you together first. Support for mental-health and substance-use "
        "problems and guidance through social and health services. The interpreter is booked from the interpreter "
        "centre; you may ask for a female or male interpreter.",
        types="substance-use psychiatric-outpatient service-guidance",
        groups="adults refugees substance-use-problems", staff="fi en", interpreter="ar so sq ru prs",
        municipalities="853")),
    ("tku-women", (), _service(
        "Vertaistukiryhmä maahanmuuttajanaisille, Turku (demo)", "Peer-support group for immigrant women, Turku "
        "(demo)",
        "Naisten vertaistukiryhmä, jossa jaetaan kokemuksia kotoutumisesta, yksinäisyydestä ja jaksamisesta. "
        "Ohjaajina arabian-, somalin- ja darinkieliset kokemusasiantuntijat. Lastenhoito on järjestetty.",
        "A women's peer group sharing experiences of settling in, loneliness and coping, led by Arabic-, Somali- "
        "and Dari-speaking experts by experience. Childcare is arranged.",
        types="peer-support group low-threshold", groups="women refugees", staff="ar so prs fi",
        municipalities="853")),
    ("vs-torture", (), _service(
        "Kidutettujen kuntoutus, Varsinais-Suomi (demo)", "Rehabilitation of torture survivors, Southwest Finland "
        "(demo)",
        "Moniammatillinen kuntoutus kidutuksesta ja sotatraumasta selviytyneille: traumaterapia, fysioterapia ja "
        "sosiaalityö. Koko perheen tukeminen ja lasten huomioiminen.",
        "Multiprofessional rehabilitation for survivors of torture and war trauma: trauma therapy, physiotherapy "
        "and social work, supporting the whole family and the children.",
        types="torture-rehabilitation trauma-therapy", groups="torture-survivors children-families refugees",
        staff="fi en fa", interpreter="ar ckb prs", areas="VS")),
    ("hel-psy", ("hel-centre",), _service(
        "Kulttuuripsykiatrian poliklinikka (demo)", "Cultural psychiatry outpatient clinic (demo)",
        "Psykiatrinen arvio ja hoito maahanmuuttajille, joilla on vakavia mielenterveyden häiriöitä, kuten psykoosi "
        "tai vaikea masennus. Konsultaatioita ammattilaisille.",
        "Psychiatric assessment and treatment for immigrants with severe mental disorders such as psychosis or "
        "severe depression; consultation for professionals.",
        types="psychiatric-outpatient consultation", groups="adults refugees professionals", staff="fi sv en",
        interpreter="ar so fa prs ru", municipalities="091", costs=VISIT_FEE, documents=REFERRAL,
        name_sv="Polikliniken för kulturpsykiatri (demo)",
        desc_sv="Psykiatrisk bedömning och vård för invandrare med svåra psykiska störningar.")),
    ("hel-youth", (), _service(
        "Nuorten matalan kynnyksen mielenterveyspiste, Helsinki (demo)", "Low-threshold mental-health point for "
        "young people, Helsinki (demo)",
        "Nuorille 13–25-vuotiaille keskusteluapua ja ohjausta ilman ajanvarausta: stressi, koulu, yksinäisyys, "
        "ahdistus ja kiusaaminen. Tervetulleita myös ilman huoltajaa tulleet nuoret.",
        "Conversation support and guidance without an appointment for young people aged 13–25: stress, school, "
        "loneliness, anxiety and bullying. Young people who came without a guardian are welcome.",
        types="low-threshold conversation-support", groups="young-people unaccompanied-minors students",
        staff="fi sv en so ar fa prs", municipalities="091", min_age=13, max_age=25,
        name_sv="Lågtröskelpunkt för ungas psykiska hälsa, Helsingfors (demo)",
        desc_sv="Samtalsstöd utan tidsbokning för unga 13–25 år.")),
    ("crisis-line", (), _service(
        "Kriisipuhelin monella kielellä (demo)", "Crisis line in many languages (demo)",
        "Valtakunnallinen kriisipuhelin, johon voi soittaa nimettömänä ja maksutta ympäri vuorokauden. Päivystäjät "
        "puhuvat suomea, ruotsia ja englantia; arabian-, venäjän-, ukrainan- ja persiankielinen päivystys "
        "tiettyinä päivinä. Jos sinulla on itsetuhoisia ajatuksia, soita heti.",
        "A national crisis line you can call anonymously and free of charge around the clock, in Finnish, Swedish "
        "and English, with Arabic, Russian, Ukrainian and Persian on set days. If you have thoughts of harming "
        "yourself, call now.",
        types="crisis crisis-phone low-threshold", groups="adults young-people refugees",
        staff="fi sv en ar ru uk fa", areas=" ".join(ALL_AREAS), schedules=ALWAYS,
        phones=_phone("+358 50 000 0112", "Kriisipuhelin", "Crisis line", "fi sv en ar ru uk fa"),
        name_sv="Kristelefon på många språk (demo)", desc_sv="Riksomfattande kristelefon dygnet runt.")),
    ("crisis-line", (), _service(
        "Uni ja ahdistus – verkkoryhmä (demo)", "Sleep and anxiety – online group (demo)",
        "Kahdeksan viikon verkkoryhmä unettomuuteen ja ahdistukseen: harjoituksia, mielenterveystietoa ja ohjaajan "
        "tuki chatissa. Ryhmiä suomeksi, englanniksi, arabiaksi, venäjäksi ja ukrainaksi.",
        "An eight-week online group for sleeplessness and anxiety: exercises, mental-health information and a "
        "counsellor in chat. Groups in Finnish, English, Arabic, Russian and Ukrainian.",
        types="digital group psychoeducation", groups="adults", staff="fi en ar ru uk",
        areas=" ".join(ALL_AREAS))),
    ("vk-minors", (), _service(
        "Yksin tulleiden alaikäisten tukipalvelu, Vantaa (demo)", "Support for unaccompanied minors, Vantaa (demo)",
        "Ilman huoltajaa Suomeen tulleille lapsille ja nuorille keskusteluapua, palveluohjausta ja tukea "
        "perheenyhdistämisen odotukseen. Omakielinen ohjaus dariksi, paštuksi, somaliksi ja arabiaksi.",
        "Conversation support, service guidance and help while waiting for family reunification, for children "
        "and young people who came to Finland without a guardian; native-language guidance in Dari, Pashto, "
        "Somali and Arabic.",
        types="conversation-support service-guidance native-language-guidance",
        groups="unaccompanied-minors young-people asylum-seekers", staff="fi prs ps so ar", areas="VK",
        min_age=12, max_age=21)),
    ("oulu-mh", ("oulu-centre",), _service(
        "Masennus- ja ahdistusneuvonta, Oulu (demo)", "Advice on depression and anxiety, Oulu (demo)",
        "Lyhytterapeuttista keskusteluapua lievään ja keskivaikeaan masennukseen ja ahdistukseen. Sairaanhoitaja "
        "tai psykologi; ajan voi varata itse. Tulkki tarvittaessa.",
        "Short-term conversation therapy for mild and moderate depression and anxiety with a nurse or a "
        "psychologist; book a time yourself. An interpreter when needed.",
        types="conversation-support psychoeducation", groups="adults", staff="fi en", interpreter="ar so",
        municipalities="564")),
    ("oulu-families", (), _service(
        "Perheiden vertaistukiryhmät, Oulu (demo)", "Peer groups for families, Oulu (demo)",
        "Vertaistukea lapsiperheiden vanhemmille: vanhemmuus uudessa maassa, lasten kasvatus ja jaksaminen. "
        "Somalin- ja arabiankieliset ryhmät.",
        "Peer support for parents of families with children: parenting in a new country, raising children, coping. "
        "Groups in Somali and Arabic.",
        types="peer-support parenting group", groups="children-families women", staff="so ar fi", areas="PP")),
    ("east-trauma", (), _service(
        "Traumatyön konsultaatio ammattilaisille, Itä-Suomi (demo)", "Trauma-work consultation for professionals, "
        "Eastern Finland (demo)",
        "Konsultaatiota ja työnohjausta ammattilaisille, jotka työskentelevät traumatisoituneiden pakolaisten ja "
        "turvapaikanhakijoiden kanssa. Myös koulutusta tulkin kanssa työskentelyyn.",
        "Consultation and work supervision for professionals working with traumatised refugees and asylum "
        "seekers, and training in working with an interpreter.",
        types="consultation", groups="professionals", staff="fi en", areas="PS KS ES PK")),
    ("east-trauma", (), _service(
        "Suru- ja menetysryhmä, Kuopio (demo)", "Grief and loss group, Kuopio (demo)",
        "Keskusteluapua ja ryhmä surussa oleville: läheisen kuolema, kodin ja kotimaan menetys tai perheestä erossa "
        "eläminen.",
        "Conversation support and a group for people in grief: the death of someone close, the loss of home and "
        "homeland, or living apart from family.",
        types="grief group conversation-support", groups="adults refugees", staff="fi en", interpreter="ar",
        municipalities="297")),
    ("ks-elderly", (), _service(
        "Ikääntyneiden maahanmuuttajien mielen hyvinvointi, Keski-Suomi (demo)", "Mental wellbeing of older "
        "immigrants, Central Finland (demo)",
        "Kotikäyntejä ja kohtaamisryhmiä ikääntyneille maahanmuuttajille, joita yksinäisyys, muistihuolet tai "
        "masennus painavat. Venäjän- ja arabiankieliset työntekijät.",
        "Home visits and meeting groups for older immigrants weighed down by loneliness, memory worries or "
        "depression. Russian- and Arabic-speaking staff.",
        types="low-threshold group", groups="elderly", staff="ru ar fi", areas="KS")),
    ("pk-guidance", (), _service(
        "Omakielinen ohjaus venäjäksi ja ukrainaksi, Pohjois-Karjala (demo)", "Native-language guidance in Russian "
        "and Ukrainian, North Karelia (demo)",
        "Ohjausta ja neuvontaa omalla kielellä sosiaali- ja terveyspalveluihin hakeutumisessa: apua ajanvaraukseen, "
        "lomakkeisiin ja tulkin tilaamiseen.",
        "Guidance in your own language for finding social and health services: help with booking times, forms and "
        "ordering an interpreter.",
        types="native-language-guidance service-guidance", groups="adults refugees", staff="ru uk fi",
        areas="PK")),
    ("po-crisis", (), _service(
        "Kriisityö ruotsiksi ja suomeksi, Pohjanmaa (demo)", "Crisis work in Swedish and Finnish, Ostrobothnia "
        "(demo)",
        "Kriisiapua ruotsiksi ja suomeksi äkillisissä kriiseissä; tapaamiset Vaasassa ja puhelimitse.",
        "Crisis help in Swedish and Finnish after sudden crises; meetings in Vaasa and by phone.",
        types="crisis conversation-support", groups="adults", staff="sv fi en", areas="PO",
        name_sv="Krisarbete på svenska och finska, Österbotten (demo)",
        desc_sv="Krishjälp på svenska och finska vid plötsliga kriser; möten i Vasa och per telefon.")),
    ("lahti-substance", (), _service(
        "Matalan kynnyksen päihdetuki, Lahti (demo)", "Low-threshold substance-use support, Lahti (demo)",
        "Päihdeongelmiin apua ilman ajanvarausta: neuvontaa, terveysneuvontaa ja vertaistukea. Myös omaisille.",
        "Help for substance-use problems without an appointment: advice, health counselling and peer support, also "
        "for family members.",
        types="substance-use low-threshold peer-support", groups="substance-use-problems adults", staff="fi en ru",
        municipalities="398")),
    ("la-remote", (), _service(
        "Psykologin etävastaanotto, Lappi (demo)", "Remote psychologist, Lapland (demo)",
        "Psykologin vastaanotto videoyhteydellä pitkien välimatkojen alueella: keskusteluapua ahdistukseen, "
        "masennukseen ja elämänmuutoksiin. Tulkki voi osallistua etänä.",
        "A psychologist by video across long distances: conversation support for anxiety, depression and life "
        "changes. An interpreter can join remotely.",
        types="digital conversation-support", groups="adults", staff="fi en", interpreter="ar", areas="LA")),
    ("ep-interpreting", (), _service(
        "Tulkkauspalvelu mielenterveystyöhön, Etelä-Pohjanmaa (demo)", "Interpreting for mental-health work, South "
        "Ostrobothnia (demo)",
        "Koulutetut asioimistulkit mielenterveys- ja sosiaalityön tapaamisiin paikan päällä tai puhelimitse. Tulkin "
        "voi toivoa samaksi koko asiakassuhteen ajan, ja nais- tai miestulkin toive huomioidaan.",
        "Trained community interpreters for mental-health and social-work meetings on site or by phone. The same "
        "interpreter can be kept through a client relationship, and a wish for a female or male interpreter is "
        "honoured.",
        types="interpreting", groups="professionals refugees", staff="ar prs fa so ku ckb ru uk ti", areas="EP")),
]

# name, profession, languages, topics, area, takes consultations, roles, description (fi, en)
EXPERTS = [
    ("Aino Mielikoski (demo)", "psychologist", "fi en ar", "trauma-therapy torture-rehabilitation", "PI", True,
     (("area_actor", "TAYS"),), "Traumapsykologi, kidutettujen kuntoutus.", "Trauma psychologist, rehabilitation "
     "of torture survivors."),
    ("Samir Haddad (demo)", "psychiatrist", "ar fi en", "psychiatric-outpatient trauma-therapy", "PI", True,
     (("area_actor", "TAYS"),), "Psykiatri, arabiankielinen vastaanotto.", "Psychiatrist, sees patients in "
                                                                          "Arabic."),
    ("Liisa Kuuslahti (demo)", "nurse", "fi sv en", "substance-use low-threshold", "VS", True,
     (("area_actor", "TYKS"),), "Päihde- ja mielenterveyshoitaja, työparityö.", "Mental-health and substance-use "
     "nurse, pair work."),
    ("Hodan Warsame (demo)", "social_counsellor", "so fi en", "native-language-guidance service-guidance", "VS",
     False, (), "Sosiaaliohjaaja, omakielinen ohjaus somaliksi.", "Social counsellor, guidance in Somali."),
    ("Mikko Rantavuori (demo)", "researcher", "fi en", "psychoeducation", "HEL", False,
     (("research_network", ""),), "Tutkija, maahanmuuttajien palvelujen käyttö.", "Researcher, immigrants' "
     "service use."),
    ("Farah Rahimi (demo)", "psychotherapist", "fa prs fi en", "psychotherapy trauma-therapy", "HEL", True,
     (("area_actor", "HUS"),), "Psykoterapeutti, persian- ja darinkielinen terapia.", "Psychotherapist, therapy in "
     "Persian and Dari."),
    ("Olena Koval (demo)", "psychologist", "uk ru fi en", "crisis conversation-support", "PS", True,
     (("area_actor", "KYS"),), "Kriisipsykologi, ukrainan- ja venäjänkielinen tuki.", "Crisis psychologist, support "
     "in Ukrainian and Russian."),
    ("Kaisa Pohjanheimo (demo)", "social_worker", "fi sv en", "family-counselling parenting", "PP", True,
     (("area_actor", "OYS"),), "Sosiaalityöntekijä, lapsiperheiden ja yksin tulleiden tuki.", "Social worker, "
     "support for families and unaccompanied minors."),
    ("Karwan Aziz (demo)", "expert_by_experience", "ckb ar fi", "peer-support", "VS", False, (),
     "Kokemusasiantuntija, vertaistuki ja koulutukset.", "Expert by experience, peer support and trainings."),
    ("Tuomas Järvenhelmi (demo)", "doctor", "fi en", "psychiatric-outpatient", "KS", True,
     (("area_actor", "KYS"),), "Lääkäri, turvapaikanhakijoiden terveystarkastukset.", "Doctor, health checks of "
     "asylum seekers."),
    ("Noora Salmivaara (demo)", "coordinator", "fi sv en", "consultation", "", False,
     (("national_coordinator", ""),), "Verkoston koordinaattori, konsultaatioiden ohjaus.", "Network coordinator, "
     "routes consultation requests."),
    ("Ahmad Noori (demo)", "nurse", "prs ps fa fi", "trauma-therapy conversation-support", "VK", True, (),
     "Psykiatrinen sairaanhoitaja, yksin tulleiden nuorten tuki.", "Psychiatric nurse, support for unaccompanied "
     "young people."),
]

SELF_HELP = [
    TrainingInput(kind="material", source="demo", is_demo=True, self_help=True, free_of_charge=True,
                  languages=("fi", "sv", "en", "ar", "fa", "prs", "so", "ru", "uk", "ckb"),
                  name=Texts(fi="Uni, stressi ja mieli – omahoito-opas (demo)", sv="Sömn, stress och sinne – "
                             "självhjälpsguide (demo)", en="Sleep, stress and mind – self-help guide (demo)"),
                  description=Texts(fi="Lyhyt selkokielinen opas unettomuuteen ja stressiin: rauhoittumisharjoituksia "
                                       "ja neuvoja, milloin hakea apua.",
                                    en="A short plain-language guide to sleeplessness and stress: calming exercises "
                                       "and advice on when to seek help."),
                  topics=("psychoeducation",), audience=("refugees",)),
    TrainingInput(kind="material", source="demo", is_demo=True, self_help=True, free_of_charge=True,
                  languages=("ar", "fa", "prs", "so", "ckb", "ru", "uk", "en"),
                  name=Texts(fi="Kun mieli on raskas – videot omalla kielellä (demo)", en="When your mind feels "
                             "heavy – videos in your language (demo)"),
                  description=Texts(fi="Kolme lyhyttä videota surusta, pelosta ja koti-ikävästä, ja siitä miten "
                                       "Suomessa saa apua.",
                                    en="Three short videos about grief, fear and homesickness, and how to get help "
                                       "in Finland."),
                  topics=("psychoeducation", "grief"), audience=("refugees",)),
]

AREA_ACTOR_DESCRIPTION = Texts(
    fi="PALOMA-verkoston alueellinen toimija (demo): asiakastyötä, konsultaatiota ja koulutusta alueen "
       "ammattilaisille.",
    en="Regional actor of the PALOMA network (demo): client work, consultation and training for professionals in "
       "the area.")


def network_member_input(collaboration_area: str, area: str) -> NetworkMemberInput:
    """A demo organisation's PALOMA membership as a collaboration-area actor."""
    return NetworkMemberInput(description=AREA_ACTOR_DESCRIPTION, tasks=("client_work", "support", "development"),
                              area_code=area, roles=(("area_actor", collaboration_area),), is_demo=True)


def expert_inputs() -> list[ExpertInput]:
    """The simulated experts as service inputs."""
    return [ExpertInput(name=name, profession=profession, languages=tuple(languages.split()),
                        topics=tuple(topics.split()), area_code=area, takes_consultations=consults, roles=roles,
                        description=Texts(fi=fi, en=en), is_demo=True)
            for name, profession, languages, topics, area, consults, roles, fi, en in EXPERTS]


def location_inputs() -> list[tuple[str, str, LocationInput]]:
    """(key, organisation key, input) of the demo locations."""
    return [(key, org, LocationInput(name=Texts(fi=address.split(" (")[0], en=address.split(" (")[0]),
                                     municipality_code=municipality, address_1=address,
                                     transportation=Texts(fi=how_fi, en=how_en), latitude=lat, longitude=lon,
                                     is_demo=True))
            for key, org, municipality, address, how_fi, how_en, lat, lon in LOCATIONS]
