"""Directory models, split by part: HSDS services, the PALOMA network, the good-practice base, search."""

from polku.directory.models.base import TEXT_LANGUAGES, ChangeAction, ChangeRecord, localised
from polku.directory.models.knowledge import FundingRound, Project, Publication, Training, TrainingKind
from polku.directory.models.network import (
    Expert,
    ExpertProfession,
    NetworkMember,
    NetworkRole,
    NetworkRoleKind,
    PalomaTask,
)
from polku.directory.models.search import DocumentKind, SearchDocument, SearchIndexState, SearchLexeme
from polku.directory.models.services import (
    Contact,
    CostOption,
    DirectoryOrganisation,
    LanguageProvision,
    Location,
    LocationType,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceLanguage,
    ServiceStatus,
)
from polku.directory.models.taxonomy import Taxonomy, TaxonomyCode, TaxonomyTerm

__all__ = [
    "TEXT_LANGUAGES", "ChangeAction", "ChangeRecord", "Contact", "CostOption", "DirectoryOrganisation",
    "DocumentKind", "Expert", "ExpertProfession", "FundingRound", "LanguageProvision", "Location", "LocationType",
    "NetworkMember", "NetworkRole", "NetworkRoleKind", "PalomaTask", "Phone", "Project", "Publication",
    "RequiredDocument", "Schedule", "SearchDocument", "SearchIndexState", "SearchLexeme", "Service", "ServiceArea",
    "ServiceAtLocation", "ServiceLanguage", "ServiceStatus", "Taxonomy", "TaxonomyCode", "TaxonomyTerm", "Training",
    "TrainingKind", "localised",
]
