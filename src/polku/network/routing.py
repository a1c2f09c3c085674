"""Who a consultation goes to: the collaboration area's actors and matching experts first, national level later.

Only experts linked to a Polku user (ExpertAccount) can be notified and answer. An expert matches when
they take consultations, know one of the topics, and share a language with the request (or it names none).
Coordinators are added to follow the request: the area's coordinators at area level, national ones later.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from polku.core.models import CollaborationArea, User
from polku.core.roles import CoordinatorScope, Role
from polku.directory.models import NetworkRoleKind
from polku.network.models import ExpertAccount, RecipientReason, RoutingLevel
from polku.network.topics import terms_for


@dataclass(frozen=True)
class Route:
    user: User
    reason: str


def _speaks(account: ExpertAccount, languages: list[str]) -> bool:
    return not languages or bool(set(account.expert.languages) & set(languages))


def _accounts():
    return (ExpertAccount.objects.filter(user__is_active=True)
            .select_related("user", "expert__area").prefetch_related("expert__topics", "expert__roles"))


def _matching(accounts, *, topics: list[str], languages: list[str]) -> list[ExpertAccount]:
    wanted = terms_for(topics)
    return [a for a in accounts if a.expert.takes_consultations and _speaks(a, languages)
            and wanted & {term.code for term in a.expert.topics.all()}]


def area_routes(*, collaboration_area: CollaborationArea, topics: list[str], languages: list[str],
                exclude: User) -> list[Route]:
    """The area's actors, the area's matching experts and the area's coordinators."""
    routes: dict[int, Route] = {}
    actors = _accounts().filter(expert__roles__role=NetworkRoleKind.AREA_ACTOR,
                                expert__roles__collaboration_area=collaboration_area).distinct()
    for account in actors:
        routes.setdefault(account.user_id, Route(account.user, RecipientReason.AREA_ACTOR))
    in_area = _accounts().filter(expert__area__collaboration_area=collaboration_area)
    for account in _matching(in_area, topics=topics, languages=languages):
        routes.setdefault(account.user_id, Route(account.user, RecipientReason.MATCHING_EXPERT))
    coordinators = User.objects.filter(is_active=True, role=Role.COORDINATOR, coordinator_scope=CoordinatorScope.AREA,
                                       coordinator_area=collaboration_area)
    for user in coordinators:
        routes.setdefault(user.pk, Route(user, RecipientReason.AREA_COORDINATOR))
    routes.pop(exclude.pk, None)
    return list(routes.values())


def national_routes(*, topics: list[str], languages: list[str], exclude: User) -> list[Route]:
    """The national coordinators (experts with that role and coordinator users) and matching experts anywhere."""
    routes: dict[int, Route] = {}
    for account in _accounts().filter(expert__roles__role=NetworkRoleKind.NATIONAL_COORDINATOR).distinct():
        routes.setdefault(account.user_id, Route(account.user, RecipientReason.NATIONAL_COORDINATOR))
    national_users = User.objects.filter(is_active=True, role=Role.COORDINATOR).filter(
        Q(coordinator_scope=CoordinatorScope.NATIONAL) | Q(coordinator_scope=""))
    for user in national_users:
        routes.setdefault(user.pk, Route(user, RecipientReason.NATIONAL_COORDINATOR))
    for account in _matching(_accounts(), topics=topics, languages=languages):
        routes.setdefault(account.user_id, Route(account.user, RecipientReason.NATIONAL_EXPERT))
    routes.pop(exclude.pk, None)
    return list(routes.values())


def can_answer(user: User) -> bool:
    """Answering needs the permission and a link to a directory expert."""
    return user.has_perm("core.answer_consultation") and ExpertAccount.objects.filter(user=user).exists()


__all__ = ["Route", "RoutingLevel", "area_routes", "can_answer", "national_routes"]
