"""Roles are permission sets. Each role maps to a Django group holding exactly these permissions.

Checked server-side with `user.has_perm("core.<codename>")`; the templates only hide what the
server would refuse anyway.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional")
    TEAM_LEAD = "team_lead", _("Team lead")
    INTERPRETER_DISPATCHER = "interpreter_dispatcher", _("Interpreter dispatcher")
    INTERPRETER = "interpreter", _("Interpreter")
    COORDINATOR = "coordinator", _("Coordinator")
    STEERING_GROUP = "steering_group", _("Steering group member")
    RESEARCHER = "researcher", _("Researcher")
    ADMINISTRATOR = "administrator", _("Administrator / data controller")


class Profession(models.TextChoices):
    NURSE = "nurse", _("Nurse")
    SOCIAL_COUNSELLOR = "social_counsellor", _("Social counsellor")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    DOCTOR = "doctor", _("Doctor")


class CoordinatorScope(models.TextChoices):
    NATIONAL = "national", _("National")
    AREA = "area", _("Collaboration area")


# Permission codenames (declared on core.User.Meta.permissions) and the roles that hold them.
PERMISSIONS: dict[str, str] = {
    "work_with_clients": "Can work with clients through a care relationship",
    "assign_clients": "Can assign clients to care teams",
    "break_the_glass": "Can open a client without a care relationship, stating a reason",
    "dispatch_interpreting": "Can see and assign interpreter bookings (no clinical content)",
    "interpret": "Can see own interpreting assignments",
    "curate_directory": "Can edit the network and knowledge directory",
    "view_aggregate_reports": "Can view aggregated, small-number-suppressed reports",
    "request_research_extract": "Can request pseudonymised research extracts",
    "review_access_log": "Can search the access and disclosure logs",
    "manage_users": "Can manage users and roles",
    "ask_consultation": "Can ask the expert network for consultation and enrol in trainings",
    "answer_consultation": "Can answer consultation requests routed to them as a network expert",
    "coordinate_network": "Can route and escalate consultations, run trainings, approve research-network members "
                          "and publish news",
    "act_as_data_controller": "Can approve research extracts, retention deletions and client data exports",
}

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.PROFESSIONAL: frozenset({"work_with_clients", "break_the_glass", "ask_consultation",
                                  "answer_consultation"}),
    Role.TEAM_LEAD: frozenset({"work_with_clients", "assign_clients", "break_the_glass",
                               "view_aggregate_reports", "ask_consultation", "answer_consultation"}),
    Role.INTERPRETER_DISPATCHER: frozenset({"dispatch_interpreting"}),
    Role.INTERPRETER: frozenset({"interpret"}),
    Role.COORDINATOR: frozenset({"curate_directory", "view_aggregate_reports", "ask_consultation",
                                 "answer_consultation", "coordinate_network"}),
    Role.STEERING_GROUP: frozenset({"view_aggregate_reports"}),
    Role.RESEARCHER: frozenset({"view_aggregate_reports", "request_research_extract"}),
    Role.ADMINISTRATOR: frozenset({"review_access_log", "manage_users", "act_as_data_controller"}),
}


def group_name(role: Role | str) -> str:
    return f"role:{Role(role).value}"
