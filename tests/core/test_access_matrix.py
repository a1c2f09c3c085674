"""The access matrix: every URL pattern of the site × every kind of user, against the expected allow/deny,
and every allowed request of a client-data page writes an access-log row (enumerated, not sampled).

The URL patterns are enumerated from the resolver, so a new page cannot slip past: a pattern without an
expectation fails the test. Each URL is filled with real objects of a small simulated world; who may open
it is stated here, from the roles and the care-team memberships in the database — not by calling the
access core. The hard requirement is **no unexpected allow**; each URL must also be reachable by at least
one of the users expected to reach it, so a wrong id cannot make a row pass by denying everyone.
Every request runs inside a rolled-back savepoint, so POST-only pages can be tried without side effects.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

UNTIL = date(2026, 11, 1)
# Kinds of user. "member" works in the care team of the client the URL is about; "colleague" is a
# professional of the same organisation outside that team; "stranger" one of another organisation.
USERS = ("anonymous", "member", "colleague", "stranger", "lead", "recipient", "dispatcher", "interpreter",
         "coordinator", "steering", "researcher", "admin")
EVERYONE = frozenset(USERS)
LOGGED_IN = EVERYONE - {"anonymous"}
CLIENT_WORKERS = frozenset({"member", "colleague", "stranger", "lead", "recipient"})  # work_with_clients
AGGREGATES = frozenset({"lead", "coordinator", "steering", "researcher"})  # view_aggregate_reports


@dataclass(frozen=True)
class Expect:
    allowed: frozenset
    # URLs whose object is deliberately absent or not in a state where anyone may act on it (all deny).
    nobody_ok: bool = False


def only(*users: str) -> Expect:
    return Expect(frozenset(users))


# Care-team pages: the member only. The team lead of the client's organisation reaches the organising pages.
CARE = only("member")
EXPECTED: dict[str, Expect] = {
    "home": Expect(LOGGED_IN),
    "login": Expect(EVERYONE),
    "logout": Expect(EVERYONE, nobody_ok=True),  # answers every user with a redirect to the login page
    "set_language": Expect(EVERYONE),
    # Load balancers' and monitors' probes: public, they say ok or which check failed (core.health).
    "health_live": Expect(EVERYONE), "health_ready": Expect(EVERYONE),
    "access_log": only("admin"),
    # Account pages: everyone logged in manages their own password, authenticator and recovery codes.
    # With two-step login off (the test profile) the verification and recovery-code pages send everyone on;
    # tests/security covers them with it on.
    "two_factor_verify": Expect(LOGGED_IN, nobody_ok=True), "two_factor_enroll": Expect(LOGGED_IN),
    "account_security": Expect(LOGGED_IN), "two_factor_recovery_codes": Expect(LOGGED_IN, nobody_ok=True),
    "reauthenticate": Expect(LOGGED_IN), "password_change": Expect(LOGGED_IN),
    "password_change_done": Expect(LOGGED_IN),
    "review_break_the_glass": only("admin"),
    "casework:my_clients": Expect(CLIENT_WORKERS),
    "casework:client_register": Expect(CLIENT_WORKERS),
    "casework:team": only("lead"),
    "casework:care_team_assign": only("lead"),
    "casework:client_detail": CARE,
    "casework:client_edit": CARE,
    "casework:care_team_change": only("member", "lead"),
    "casework:client_merge": only("member", "lead"),  # organising: the care team or the team lead
    "casework:break_the_glass": Expect(CLIENT_WORKERS),  # the form to ask for emergency access
    "casework:meeting_list": CARE, "casework:meeting_plan": CARE, "casework:meeting_record": CARE,
    "casework:meeting_record_outcome": CARE, "casework:meeting_edit": CARE,
    "casework:work_time_new": CARE, "casework:work_time_edit": CARE,
    "casework:todo": Expect(CLIENT_WORKERS),
    "casework:note_list": CARE, "casework:note_new": CARE, "casework:note_detail": CARE,
    "casework:note_edit": CARE, "casework:note_sign": CARE, "casework:note_correct": CARE,
    "casework:screening_list": CARE, "casework:screening_choose": CARE, "casework:screening_new": CARE,
    "casework:screening_detail": CARE, "casework:screening_fhir": CARE,
    "casework:plan_new": CARE, "casework:plan_detail": CARE, "casework:plan_edit": CARE,
    "casework:plan_activate": CARE, "casework:plan_close": CARE, "casework:plan_action_done": CARE,
    "referrals:client_referrals": CARE, "referrals:new": CARE, "referrals:path_timeline": CARE,
    "referrals:detail": CARE, "referrals:consent": CARE, "referrals:step": CARE,
    "referrals:inbox": Expect(CLIENT_WORKERS),
    "referrals:inbox_detail": only("recipient"), "referrals:inbox_step": only("recipient"),
    "referrals:breaks": Expect(CLIENT_WORKERS),
    "referrals:wait_times": Expect(CLIENT_WORKERS | AGGREGATES),
    "referrals:process_map": Expect(CLIENT_WORKERS | AGGREGATES),
    "interpreting:queue": only("dispatcher"), "interpreting:dispatch_booking": only("dispatcher"),
    "interpreting:dispatch_confirm": only("dispatcher"), "interpreting:dispatch_no_interpreter": only("dispatcher"),
    "interpreting:propose": only("dispatcher"),
    "interpreting:proposals": Expect(frozenset({"dispatcher"}), nobody_ok=True),  # no proposal batch exists
    "interpreting:my_assignments": only("interpreter"),
    "interpreting:answer": Expect(frozenset({"interpreter"}), nobody_ok=True),  # only an offered assignment
    "interpreting:my_bookings": Expect(CLIENT_WORKERS),
    "interpreting:client_bookings": CARE, "interpreting:booking_new": CARE,
    "interpreting:booking_detail": CARE, "interpreting:booking_cancel": CARE,
    "interpreting:booking_letter": CARE,
    "interpreting:booking_ics": Expect(frozenset({"member"}), nobody_ok=True),  # only once confirmed
    # The state-compensation claim and purchase summary are the team lead's (they organise the work).
    "interpreting:claim": only("lead"), "interpreting:purchases_summary": only("lead"),
    "directory:search": Expect(LOGGED_IN), "directory:service": Expect(LOGGED_IN),
    "directory:project": Expect(LOGGED_IN), "directory:training": Expect(LOGGED_IN),
    "directory:publication": Expect(LOGGED_IN), "directory:expert": Expect(LOGGED_IN),
    "directory:organisation": Expect(LOGGED_IN),
    "directory:stale": only("coordinator"), "directory:edit": only("coordinator"),
    "directory:verify": only("coordinator"),
    "findhelp:find_help": Expect(EVERYONE),
    "lifecycle:index": only("admin"), "lifecycle:plan": only("admin"), "lifecycle:run": only("admin"),
    "lifecycle:apply": only("admin"), "lifecycle:client_export": only("admin"), "lifecycle:restrict": only("admin"),
    "lifecycle:lift": only("admin"),
}
NETWORK_ASKERS = CLIENT_WORKERS | {"coordinator"}  # core.ask_consultation
EXPECTED.update({
    "network:overview": Expect(LOGGED_IN),  # the network's front page: news and one's own requests
    "network:new": Expect(NETWORK_ASKERS),
    "network:workload": Expect(AGGREGATES | {"coordinator"}),  # suppressed aggregates
    "network:research": Expect(LOGGED_IN), "network:research_applications": only("coordinator"),
    "network:research_call_new": only("coordinator"),
    "network:news": Expect(LOGGED_IN), "network:news_item": Expect(LOGGED_IN), "network:area_news": Expect(LOGGED_IN),
    "network:news_feed": Expect(EVERYONE), "network:area_news_feed": Expect(EVERYONE),  # Atom: readers can't log in
    "network:news_new": only("coordinator"),
    "network:notifications": Expect(LOGGED_IN), "network:notifications_read": Expect(LOGGED_IN),
    "network:notification_settings": Expect(LOGGED_IN),
    "network:notification_open": only("member"),  # the world's message is the member's
    "trainings:event_list": Expect(LOGGED_IN), "trainings:event_detail": Expect(LOGGED_IN),
    "trainings:my_trainings": Expect(LOGGED_IN),
    "trainings:course_list": Expect(LOGGED_IN), "trainings:course_detail": Expect(LOGGED_IN),
    "trainings:enrol": Expect(NETWORK_ASKERS),
    # The confirmation page answers anyone with their own enrolment (or none); cancelling needs one.
    "trainings:cancel_enrolment": Expect(LOGGED_IN),
    "trainings:event_new": only("coordinator"), "trainings:event_edit": only("coordinator"),
    "trainings:event_manage": only("coordinator"), "trainings:event_cancel": only("coordinator"),
    "trainings:verify_certificate": Expect(EVERYONE),  # anyone shown a certificate can check its code
})
EXPECTED.update({
    "reporting:steering:report": Expect(AGGREGATES), "reporting:steering:pdf": Expect(AGGREGATES),
    "reporting:steering:xlsx": Expect(AGGREGATES),
    "reporting:steering:drill": Expect(AGGREGATES, nobody_ok=True),  # needs a cell; tests/reporting/steering
    "reporting:generated_report_list": Expect(AGGREGATES),
    "reporting:generated_report": Expect(AGGREGATES, nobody_ok=True),  # the world has no delivered report
    "reporting:quality_dashboard": only("lead"),
    # Drilling into one client needs a care relationship as well; the world's lead has none with the client.
    "reporting:quality_client": Expect(frozenset(), nobody_ok=True),
    "reporting:extract_list": only("researcher", "admin"), "reporting:extract_new": only("researcher"),
    # No extract exists in the world; tests/reporting covers requester, controller and outsiders.
    "reporting:extract_detail": Expect(frozenset({"researcher", "admin"}), nobody_ok=True),
    "reporting:extract_decide": Expect(frozenset({"admin"}), nobody_ok=True),
    "reporting:extract_generate": Expect(frozenset({"researcher"}), nobody_ok=True),
    "reporting:extract_download": Expect(frozenset({"researcher"}), nobody_ok=True),
    "reporting:access_report_start": only("admin"),
    "reporting:access_report": only("admin", "member"), "reporting:access_report_pdf": only("admin", "member"),
    "api_ui:tokens": Expect(LOGGED_IN), "api_ui:token_create": Expect(LOGGED_IN),
    "api_ui:token_revoke": Expect(LOGGED_IN, nobody_ok=True),  # only one's own token; the world has none
})

# Expectations that depend on the world's data (who asked, who was routed, who attended), set in `world`.
DATA_DEPENDENT = {"network:detail", "network:message", "network:close", "network:route", "network:escalate",
                  "network:attachment", "network:referral_bridge", "trainings:invitation_ics",
                  "trainings:event_certificate", "trainings:feedback", "trainings:course_certificate"}

# Public machine interfaces (reference data, the HSDS directory API and the API documents).
PUBLIC_PREFIXES = ("api/hsds/", "api/v1/openapi.json", "api/v1/docs", "api/v1/areas", "api/v1/collaboration-areas")
# The token-authenticated interfaces have their own matrices: tests/api/test_access.py (every client-data
# operation with tokens of the client's own and of another organisation, and the access log of each read) and
# tests/api/fhir/ (every client-data resource type likewise).
MACHINE_PREFIXES = ("api/v1/", "fhir/")
SKIPPED_PREFIXES = ("django-admin/", "static/")


def url_patterns() -> list[tuple[str, str, URLPattern]]:
    """(route, namespaced name, pattern) of every page."""
    found = []

    def walk(patterns, prefix: str, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern),
                     f"{namespace}:{inner}" if namespace and inner else (inner or namespace))
            else:
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or "")
                found.append((prefix + str(pattern.pattern), name, pattern))

    walk(get_resolver().url_patterns, "", None)
    return [row for row in found if not row[0].startswith(SKIPPED_PREFIXES)]


@pytest.fixture
def world(areas):
    """A small simulated demo: organisations, the demo users, the directory, clients with everything."""
    from polku.casework.models import Client, Meeting, Note, PlanAction, ScreeningResponse, WorkTime
    from polku.core.access import break_the_glass
    from polku.core.models import User
    from polku.demo.organisations import create_demo_users, load_demo_organisations
    from polku.demo.simulator import simulate_caseload
    from polku.directory.loader import load_directory_facts
    from polku.directory.models import DirectoryOrganisation, Expert, Project, Publication, Service, Training
    from polku.interpreting.demo import seed_interpreting_demo
    from polku.interpreting.models import Booking
    from polku.lifecycle.models import ProcessingRestriction, RetentionRun
    from polku.referrals.demo import load_demo_referral_services
    from polku.referrals.models import Referral
    from tests.factories import OrganisationFactory, add_to_care_team, make_user

    organisations = load_demo_organisations()
    create_demo_users(organisations=organisations)
    load_directory_facts()
    load_demo_referral_services()
    simulate_caseload(clients=12, seed=5, until=UNTIL)
    nurse = User.objects.get(username="hoitaja")
    seed_interpreting_demo(organisation=organisations["unit"], created_by=nurse, period_start=date(2026, 7, 1))
    users = {key: User.objects.get(username=name) for key, name in (
        ("lead", "tiiminvetaja"), ("recipient", "poliklinikka"), ("dispatcher", "valittaja"),
        ("interpreter", "tulkki"), ("coordinator", "koordinaattori"), ("steering", "ohjausryhma"),
        ("researcher", "tutkija"), ("admin", "yllapitaja"))}
    users["stranger"] = make_user(role="professional", profession="nurse", organisation=OrganisationFactory(),
                                  username="vieras")
    referral = Referral.objects.filter(status__in=("sent", "received", "accepted"),
                                       direction="outgoing").order_by("pk").first()
    client = referral.client
    members = list(client.care_memberships.filter(ended_at__isnull=True).values_list("worker", flat=True))
    users["member"] = User.objects.get(pk=members[0])
    users["colleague"] = (User.objects.filter(organisation=client.organisation, groups__name="role:professional")
                          .exclude(pk__in=members).first())
    meeting = Meeting.objects.filter(client=client).first()
    booking = Booking.objects.order_by("pk").first()
    # The dispatcher of the centre the booking went to; the interpreter is one of that centre's interpreters.
    from polku.interpreting.models import Interpreter
    from polku.referrals.models import ReferralService

    users["dispatcher"].organisation = booking.centre
    users["dispatcher"].save(update_fields=["organisation"])
    Interpreter.objects.filter(pk=Interpreter.objects.filter(user__isnull=True).order_by("pk").values("pk")[:1]
                               ).update(user=users["interpreter"])
    # The referral went to the recipient's service.
    Referral.objects.filter(pk=referral.pk).update(target_service=ReferralService.objects.filter(
        organisation=users["recipient"].organisation, uses_polku=True).first())
    if not booking.client.care_memberships.filter(worker=users["member"], ended_at__isnull=True).exists():
        add_to_care_team(client=booking.client, worker=users["member"])
    grant = break_the_glass(actor=users["stranger"], client_id=client.pk, reason="matrix test")
    restriction = ProcessingRestriction.objects.create(client_id=Client.objects.exclude(pk=client.pk).first().pk,
                                                       reason="matrix test", restricted_by=users["admin"])
    from polku.core.models import BreakTheGlassGrant

    # Expired, so it gives no access, but the review page has a grant to show.
    BreakTheGlassGrant.objects.filter(pk=grant.pk).update(granted_at=grant.granted_at - timedelta(days=2),
                                                          expires_at=grant.granted_at - timedelta(days=1))
    plan_action = PlanAction.objects.filter(plan__client=client).first()
    ids = {
        "client_id": client.pk, "meeting_id": meeting.pk if meeting else 0,
        "work_time_id": getattr(WorkTime.objects.filter(client=client).first(), "pk", 0),
        "note_id": getattr(Note.objects.filter(client=client).first(), "pk", 0),
        "screening_id": getattr(ScreeningResponse.objects.filter(client=client).first(), "pk", 0),
        "instrument_code": "phq9", "plan_id": plan_action.plan_id if plan_action else 0,
        "action_id": plan_action.pk if plan_action else 0, "referral_id": referral.pk, "booking_id": booking.pk,
        "batch": uuid.uuid4(), "grant_id": grant.pk, "run_id": RetentionRun.objects.create().pk,
        "restriction_id": restriction.pk, "extract_id": 0, "file_format": "csv", "report_id": 0,
        "token_id": 0, "pk": DirectoryOrganisation.objects.first().organisation_id,
    }
    from polku.directory.models import ServiceAtLocation, Taxonomy, TaxonomyTerm

    uuids = {"hsds-service": Service.objects.first().uuid,
             "hsds-organization": DirectoryOrganisation.objects.first().uuid,
             "hsds-service-at-location": ServiceAtLocation.objects.first().uuid,
             "hsds-taxonomy": Taxonomy.objects.first().uuid, "hsds-taxonomy-term": TaxonomyTerm.objects.first().uuid,
             "service": Service.objects.first().uuid, "project": Project.objects.first().uuid,
             "training": Training.objects.first().uuid, "publication": Publication.objects.first().uuid,
             "expert": Expert.objects.first().uuid}
    booking_members = set(booking.client.care_memberships.filter(ended_at__isnull=True)
                          .values_list("worker", flat=True))
    ids.update(_network_and_trainings(users))
    return {"users": users, "ids": ids, "uuids": uuids, "booking_client_members": booking_members,
            "expected": _data_dependent_expectations(users, ids)}


def _network_and_trainings(users) -> dict:
    from polku.core.models import Area
    from polku.interpreting.models import OutboxMessage
    from polku.network.demo import seed_network_demo
    from polku.network.services import ask_consultation
    from polku.trainings.demo import seed_trainings_demo
    from polku.trainings.models import Enrolment, SelfPacedCourse

    seed_network_demo()
    consultation = ask_consultation(actor=users["colleague"], title="Tulkattu traumatyö",
                                    description="Miten tulkkia kannattaa ohjeistaa traumakeskustelussa?",
                                    topics=["interpreter_mediated"], urgency="normal",
                                    area=users["colleague"].organisation.home_area or Area.objects.first())
    message = OutboxMessage.objects.create(kind="consultation.answered", recipient_kind="professional",
                                           recipient_user=users["member"], subject="s", body="b", link="/")
    seed_trainings_demo(organiser=users["coordinator"], participants=[users["member"], users["lead"]])
    attended = Enrolment.objects.filter(attended=True, user=users["member"]).first()
    enrolled = Enrolment.objects.filter(status="enrolled", user=users["member"]).exclude(pk=getattr(
        attended, "pk", None)).first() or attended
    from polku.network.models import NewsItem
    from polku.trainings.services import issue_event_certificate

    certificate = issue_event_certificate(actor=users["member"], event=attended.event)
    return {"consultation_id": consultation.pk, "attachment_id": 0, "message_id": message.pk,
            "item_id": NewsItem.objects.first().pk,
            "area_code": consultation.collaboration_area.code if consultation.collaboration_area_id else "",
            "event_id": enrolled.event_id, "attended_event_id": attended.event_id,
            "slug": SelfPacedCourse.objects.first().slug, "code": certificate.code}


def _data_dependent_expectations(users, ids) -> dict[str, Expect]:
    """Who may act on the world's consultation and training objects, from the rows themselves."""
    from polku.network.models import Consultation
    from polku.trainings.models import Enrolment

    consultation = Consultation.objects.get(pk=ids["consultation_id"])
    routed = set(consultation.recipients.values_list("user", flat=True))
    keys = {key for key, user in users.items() if user.pk in routed}
    asker = {key for key, user in users.items() if user.pk == consultation.asker_id}
    enrolled = {key for key, user in users.items()
                if Enrolment.objects.filter(event_id=ids["event_id"], user=user, status="enrolled").exists()}
    attended = {key for key, user in users.items()
                if Enrolment.objects.filter(event_id=ids["attended_event_id"], user=user, attended=True).exists()}
    viewers = frozenset(asker | keys | {"coordinator"})
    # Only those who see the request reach its action pages; which of them may act (the asker closes, the
    # coordinator routes) is refused on the form and tested in tests/network.
    return {
        "network:detail": Expect(viewers), "network:message": Expect(viewers),
        "network:attachment": Expect(viewers, nobody_ok=True),  # the world's request has no attachment
        "network:close": Expect(viewers), "network:referral_bridge": Expect(viewers),
        "network:route": Expect(viewers), "network:escalate": Expect(viewers),
        "trainings:invitation_ics": Expect(frozenset(enrolled)),
        "trainings:event_certificate": Expect(frozenset(attended)),
        # The feedback form refuses non-attendees on the form (tests/trainings); the data is their own rating.
        "trainings:feedback": Expect(LOGGED_IN),
        "trainings:course_certificate": Expect(frozenset(), nobody_ok=True),  # nobody has finished the course
    }


def fill(route: str, name: str, world) -> str:
    """A concrete URL for a route, with the world's objects for its parameters."""
    import re

    from polku.referrals.machine import HANDLER_STEPS, SENDER_STEPS

    def value(match) -> str:
        converter, parameter = match.group(1), match.group(2)
        if parameter == "uuid":
            kind = {"directory:service": "service", "directory:project": "project", "directory:training": "training",
                    "directory:publication": "publication", "directory:expert": "expert"}.get(name, "service")
            return str(world["uuids"][kind])
        if parameter == "kind":
            return "service"
        if parameter == "step":
            return sorted(SENDER_STEPS if name == "referrals:step" else HANDLER_STEPS)[0]
        if parameter == "id":
            return str(world["uuids"][name])
        if parameter == "event_id" and name in ("trainings:event_certificate", "trainings:feedback"):
            return str(world["ids"]["attended_event_id"])
        if parameter not in world["ids"]:
            raise KeyError(f"{name}: no object for the URL parameter {parameter!r} ({converter})")
        return str(world["ids"][parameter])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def allowed(response, url: str = "") -> bool:
    if url.endswith((".pdf", ".ics")):  # a download is allowed only when the file itself is served
        return response.status_code == 200
    if response.status_code in (401, 403, 404):
        return False
    return not (response.status_code == 302 and "/kirjaudu/" in response["Location"])


def attempt(http: HttpClient, url: str) -> tuple[object, int]:
    """The response, and how many access-log rows the request wrote (counted before the rollback)."""
    from polku.core.models import AccessLog

    with transaction.atomic():
        before = AccessLog.objects.count()
        response = http.get(url)
        if response.status_code == 405:
            response = http.post(url, {})
        logged = AccessLog.objects.count() - before
        transaction.set_rollback(True)
    return response, logged


# Pages that show or change one client's data, beyond the care-team pages: each must log every access.
# (The data controller's export is not here: with an empty form it shows nothing; tests/lifecycle checks
# that an export is logged.)
CLIENT_DATA_PAGES = {"referrals:inbox_detail", "referrals:inbox_step", "interpreting:dispatch_booking",
                     "interpreting:dispatch_confirm", "interpreting:dispatch_no_interpreter",
                     "casework:care_team_change", "casework:client_merge",
                     "casework:care_team_assign"}


def test_every_page_allows_exactly_the_expected_users_and_no_one_else(world):
    clients: dict[str, HttpClient] = {"anonymous": HttpClient()}
    for key, user in world["users"].items():
        clients[key] = HttpClient()
        clients[key].force_login(user)
    unexpected_allows, unreachable, unclassified, unlogged = [], [], [], []
    # Logging out ends the sessions the other requests need, so it comes last.
    for route, name, _pattern in sorted(url_patterns(), key=lambda row: row[1] == "logout"):
        if route.startswith(PUBLIC_PREFIXES) or name.startswith("hsds-"):
            expectation = Expect(EVERYONE)
        elif route.startswith(MACHINE_PREFIXES):
            continue
        elif name in DATA_DEPENDENT:
            expectation = world["expected"][name]
        elif name in EXPECTED:
            expectation = EXPECTED[name]
        else:
            unclassified.append(f"{route} ({name})")
            continue
        url = fill(route, name, world)
        expected_users = set(expectation.allowed)
        if name.startswith("interpreting:booking") or name == "interpreting:client_bookings":
            # The booking's own client decides (the world's booking may belong to another of the member's clients).
            expected_users = {key for key in expected_users if key != "member"} | (
                {"member"} if world["users"]["member"].pk in world["booking_client_members"] else set())
        reached = set()
        client_data = expectation is CARE or name in CLIENT_DATA_PAGES
        for key, http in clients.items():
            response, logged = attempt(http, url)
            if allowed(response, url):
                reached.add(key)
                if key not in expected_users:
                    unexpected_allows.append(f"{url} ({name}) allowed {key}: {response.status_code}")
                elif client_data and not logged:
                    unlogged.append(f"{url} ({name}) by {key}: {response.status_code} without an access-log row")
        if not reached and not expectation.nobody_ok:
            unreachable.append(f"{url} ({name}): nobody reached it, expected {sorted(expected_users)}")
    assert not unclassified, "URL patterns without an expectation:\n" + "\n".join(unclassified)
    assert not unexpected_allows, "\n".join(unexpected_allows)
    assert not unreachable, "\n".join(unreachable)
    assert not unlogged, "client data shown or changed without logging:\n" + "\n".join(unlogged)
