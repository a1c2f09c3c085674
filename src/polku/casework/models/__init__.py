"""Client work: clients, care teams, meetings, work time, notes, screenings, service plans, path events."""

from polku.casework.models.client import (
    Client,
    ClientLanguage,
    ClientLegalStatus,
    ClientStatus,
    Gender,
    InterpreterGenderPreference,
    LanguageProficiency,
    LegalStatus,
)
from polku.casework.models.licensed_text import LicensedInstrumentText
from polku.casework.models.meeting import (
    Meeting,
    MeetingOutcome,
    MeetingParticipant,
    MeetingPlace,
    ParticipantKind,
    WorkActivity,
    WorkTime,
)
from polku.casework.models.note import Note, NoteStatus, NoteTopic
from polku.casework.models.path import PathEvent, PathEventKind
from polku.casework.models.plan import PlanAction, PlanCloseReason, PlanGoal, PlanStatus, ServicePlan
from polku.casework.models.screening import ScreeningResponse
from polku.casework.models.team import CareTeamMembership, CareTeamRole, Team, TeamMember

__all__ = [
    "CareTeamMembership", "CareTeamRole", "Client", "ClientLanguage", "ClientLegalStatus", "ClientStatus",
    "Gender", "InterpreterGenderPreference", "LanguageProficiency", "LegalStatus", "LicensedInstrumentText",
    "Meeting", "MeetingOutcome",
    "MeetingParticipant", "MeetingPlace", "Note", "NoteStatus", "NoteTopic", "ParticipantKind", "PathEvent",
    "PathEventKind", "PlanAction", "PlanCloseReason", "PlanGoal", "PlanStatus", "ScreeningResponse", "ServicePlan",
    "Team", "TeamMember", "WorkActivity", "WorkTime",
]
