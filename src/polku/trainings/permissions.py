"""Who may enrol and who may organise: checked in services; views and templates only mirror it."""

from __future__ import annotations

from polku.core.models import CollaborationArea, User
from polku.core.roles import CoordinatorScope

# Professionals, team leads and coordinators: "can ask the expert network for consultation and enrol in trainings".
ENROL = "core.ask_consultation"
# Coordinators run trainings (and the rest of the network's coordination).
ORGANISE = "core.coordinate_network"


def can_enrol(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm(ENROL)


def can_organise_in(user: User, area: CollaborationArea | None) -> bool:
    """A national coordinator organises everywhere; an area coordinator only the events of their own area."""
    if not (user.is_authenticated and user.is_active and user.has_perm(ORGANISE)):
        return False
    if user.coordinator_scope == CoordinatorScope.AREA:
        return area is not None and area.pk == user.coordinator_area_id
    # A coordinator without a recorded scope is treated as national: the role is given by THL's network.
    return True


def can_organise(user: User, event) -> bool:
    return can_organise_in(user, event.area)
