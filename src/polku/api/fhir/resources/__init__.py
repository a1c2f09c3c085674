"""The resource types of the facade; importing this package fills the registry."""

from polku.api.fhir.resources import (  # noqa: F401 - imported to register the types
    audit,
    careplan,
    careteam,
    directory,
    meetings,
    patient,
    referrals,
    screening,
)
from polku.api.fhir.resources.base import REGISTRY

__all__ = ["REGISTRY"]
