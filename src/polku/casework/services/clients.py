"""Writes for the client record: register, update, duplicate detection, merge, emergency access."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku.casework import extensions
from polku.casework.models import (
    CareTeamMembership,
    Client,
    ClientLanguage,
    ClientLegalStatus,
    ClientStatus,
    Meeting,
    Note,
    PathEvent,
    PathEventKind,
    PlanStatus,
    ScreeningResponse,
    ServicePlan,
    WorkTime,
)
from polku.casework.selectors.clients import require_organising_access
from polku.casework.services.client_details import (
    DETAIL_FIELDS,
    ROW_FIELDS,
    CleanedDetails,
    ClientDetails,
    clean_details,
    normalise_immigration_number,
    normalise_name,
)
from polku.casework.services.path_events import record_path_event
from polku.core import access
from polku.core.errors import AccessDenied, Conflict, DomainError
from polku.core.models import AccessAction, AccessBasis, BreakTheGlassGrant, Organisation, User

__all__ = ["ClientDetails", "DuplicateCandidate", "current_details", "find_possible_duplicates", "merge_clients",
           "open_client_in_emergency", "register_client", "update_client"]


@dataclass(frozen=True)
class DuplicateCandidate:
    """Minimum data about a possibly identical client, enough to recognise it and no more."""

    client_id: int
    display_name: str
    birth_year: int | None
    registered_at: datetime
    reasons: tuple[str, ...]


def _duplicate_identity_code_error() -> DomainError:
    return DomainError("duplicate_identity_code",
                       _("A client with this identity code is already registered. Search for the client instead "
                         "of registering again."), field="identity_code")


def _require_client_worker(actor: User, organisation: Organisation) -> None:
    if not actor.has_perm("core.work_with_clients"):
        raise AccessDenied("client_work_not_permitted", _("Your role does not include client work."))
    if organisation is None or actor.organisation_id != organisation.pk:
        raise AccessDenied("other_organisation", _("You can register clients only in your own organisation."))


def find_possible_duplicates(*, actor: User, organisation: Organisation, identity_code: str = "",
                             given_names_latin: str = "", family_name_latin: str = "",
                             birth_date: date | None = None, birth_year: int | None = None,
                             immigration_number: str = "", exclude_client_id: int | None = None
                             ) -> list[DuplicateCandidate]:
    """Clients of the organisation that may be the same person: same identity code, same Migri number, or
    same Latin name (case, spaces, diacritics folded) with the same birth date or year. Logs what it shows."""
    _require_client_worker(actor, organisation)
    birth_year = birth_date.year if birth_date else birth_year
    code = identity_code.strip().upper()
    number = normalise_immigration_number(immigration_number)
    family, given = normalise_name(family_name_latin), normalise_name(given_names_latin)
    match = Q(pk__in=[])
    if code:
        match |= Q(identity_code=code)
    if number:
        match |= Q(immigration_number=number)
    if family and given and birth_year:
        match |= Q(birth_year=birth_year)
    rows = (Client.objects.filter(match, organisation=organisation).exclude(status=ClientStatus.MERGED)
            .exclude(pk=exclude_client_id).only("id", "given_names_latin", "family_name_latin", "birth_date",
                                                 "birth_year", "identity_code", "immigration_number", "created_at"))
    candidates = []
    for row in rows.order_by("pk"):
        reasons = []
        if code and row.identity_code == code:
            reasons.append("identity_code")
        if number and row.immigration_number == number:
            reasons.append("immigration_number")
        row_family, row_given = normalise_name(row.family_name_latin), normalise_name(row.given_names_latin)
        same_name = (row_family == family and row_given.split()[:1] == given.split()[:1]) or (
            sorted(f"{row_family} {row_given}".split()) == sorted(f"{family} {given}".split()))
        same_birth = (row.birth_date == birth_date) if (row.birth_date and birth_date) else row.birth_year == birth_year
        if family and given and same_name and same_birth:
            reasons.append("name_and_birth")
        if reasons:
            candidates.append(DuplicateCandidate(client_id=row.pk, display_name=row.display_name,
                                                 birth_year=row.birth_year, registered_at=row.created_at,
                                                 reasons=tuple(reasons)))
    if candidates:
        access.log_list_read(actor=actor, client_ids=[c.client_id for c in candidates],
                             object_type="duplicate_check", basis=AccessBasis.ADMINISTRATIVE)
    return candidates


def _sync_languages(client: Client, languages: Iterable[tuple[str, str]]) -> None:
    wanted = dict(languages)
    client.languages.exclude(language__in=wanted).delete()
    existing = {row.language: row for row in client.languages.all()}
    for code, proficiency in wanted.items():
        row = existing.get(code)
        if row is None:
            ClientLanguage.objects.create(client=client, language=code, proficiency=proficiency)
        elif row.proficiency != proficiency:
            row.proficiency = proficiency
            row.save(update_fields=["proficiency"])


def register_client(*, actor: User, organisation: Organisation, details: ClientDetails,
                    confirm_not_duplicate: bool = False, today: date | None = None) -> Client:
    """Register a client. Refuses a registered identity code; a name-and-birth match needs confirmation.

    The registering worker gets no care relationship from this: the team lead assigns the care team,
    or a professional takes the client (care_team.take_client).
    """
    _require_client_worker(actor, organisation)
    cleaned = clean_details(details, today=today or timezone.localdate())
    code = cleaned.row["identity_code"]
    if code and Client.objects.filter(identity_code=code, merged_into__isnull=True).exists():
        raise _duplicate_identity_code_error()
    if not confirm_not_duplicate:
        candidates = find_possible_duplicates(
            actor=actor, organisation=organisation, given_names_latin=cleaned.row["given_names_latin"],
            family_name_latin=cleaned.row["family_name_latin"], birth_date=cleaned.row["birth_date"],
            birth_year=cleaned.row["birth_year"], immigration_number=cleaned.row["immigration_number"])
        if candidates:
            raise DomainError("possible_duplicates",
                              _("This client may already be registered. Check the records below; register "
                                "anyway only if this is a different person."), params={"candidates": candidates})
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint, so that a lost race on the identity code is reported
                client = Client.objects.create(organisation=organisation, created_by=actor, **cleaned.row)
        except IntegrityError as exc:
            if "identity_code" in str(exc):
                raise _duplicate_identity_code_error() from None
            raise
        ClientLanguage.objects.bulk_create(ClientLanguage(client=client, language=code, proficiency=proficiency)
                                           for code, proficiency in cleaned.languages)
        if cleaned.legal_status:
            ClientLegalStatus.objects.create(client=client, status=cleaned.legal_status,
                                             valid_from=cleaned.legal_status_valid_from, recorded_by=actor)
        record_path_event(client=client, activity=PathEventKind.CLIENT_REGISTERED, actor=actor, subject=client,
                          organisation=organisation,
                          attributes={"interpreter_needed": client.interpreter_needed,
                                      "has_identity_code": bool(code)})
    return client


def current_details(client: Client) -> ClientDetails:
    """The client's stored details in the shape update_client and the edit form take."""
    legal = client.legal_statuses.filter(valid_to__isnull=True).order_by("-valid_from", "-id").first()
    values = {name: getattr(client, name) for name in ROW_FIELDS}
    values["identity_code"] = client.identity_code or ""
    return ClientDetails(
        **values, languages=tuple(client.languages.order_by("id").values_list("language", "proficiency")),
        legal_status=legal.status if legal else "", legal_status_valid_from=legal.valid_from if legal else None)


def update_client(*, actor: User, client: Client, expected_version: int, today: date | None = None,
                  **changes) -> Client:
    """Change a client's details. A stale version is a Conflict; a legal-status change appends history."""
    unknown = set(changes) - DETAIL_FIELDS
    if unknown:
        raise TypeError(f"update_client got unknown fields: {sorted(unknown)}")
    access.require_client_access(actor=actor, client_id=client.pk, action=AccessAction.WRITE,
                                 object_type="client", object_id=client.pk)
    today = today or timezone.localdate()
    with transaction.atomic():
        current = Client.objects.select_for_update().get(pk=client.pk)
        if current.status == ClientStatus.MERGED:
            raise DomainError("client_merged", _("This record has been merged into another one; edit that record."))
        if current.version != expected_version:
            raise Conflict("stale_version", _("Someone else saved this client's details first. Your changes were "
                                              "not saved: reload the page to see the latest details, then make "
                                              "your changes again."))
        before = current_details(current)
        cleaned = clean_details(replace(before, **changes), today=today)
        code = cleaned.row["identity_code"]
        if code and Client.objects.filter(identity_code=code, merged_into__isnull=True).exclude(pk=current.pk).exists():
            raise _duplicate_identity_code_error()
        if cleaned.legal_status != before.legal_status or (
                cleaned.legal_status and cleaned.legal_status_valid_from != before.legal_status_valid_from):
            _append_legal_status(actor=actor, client=current, before=before, cleaned=cleaned)
        for name, value in cleaned.row.items():
            setattr(current, name, value)
        current.version += 1
        current.updated_at = timezone.now()
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError as exc:
            if "identity_code" in str(exc):
                raise _duplicate_identity_code_error() from None
            raise
        _sync_languages(current, cleaned.languages)
    return current


def _append_legal_status(*, actor: User, client: Client, before: ClientDetails, cleaned: CleanedDetails) -> None:
    """A new status closes the previous one the day before it starts; earlier rows are never rewritten."""
    if not cleaned.legal_status:
        raise DomainError("legal_status_removed", _("A legal status cannot be removed; record the new status."),
                          field="legal_status")
    previous = client.legal_statuses.filter(valid_to__isnull=True).order_by("-valid_from", "-id").first()
    if previous is not None:
        if cleaned.legal_status_valid_from <= previous.valid_from:
            raise DomainError("legal_status_not_after_previous",
                              _("The new legal status should start after the previous one (valid from "
                                "%(date)s).") % {"date": f"{previous.valid_from:%d.%m.%Y}"},
                              field="legal_status_valid_from")
        previous.valid_to = cleaned.legal_status_valid_from - timedelta(days=1)
        previous.save(update_fields=["valid_to"])
    ClientLegalStatus.objects.create(client=client, status=cleaned.legal_status,
                                     valid_from=cleaned.legal_status_valid_from, recorded_by=actor)


# Blank fields of the kept record that the duplicate may fill; nothing the kept record holds is overwritten.
_MERGE_FILLABLE = ("given_names", "family_name", "birth_date", "identity_code", "immigration_number",
                   "reception_centre_id", "interpreter_language", "interpreter_dialect", "preferred_interpreter",
                   "refused_interpreters", "country_of_origin", "arrival_year", "municipality", "phone", "email",
                   "emergency_contact_name", "emergency_contact_phone", "emergency_contact_relation")


def merge_clients(*, actor: User, keep: Client, duplicate: Client, reason: str) -> Client:
    """Move everything of a duplicate record to the kept one in one transaction; the duplicate stays, MERGED."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("State why these records are the same client."), field="reason")
    if keep.pk == duplicate.pk:
        raise DomainError("merge_into_self", _("Choose two different records."), field="duplicate")
    # Both checks before the transaction: a refusal's log rows must survive the rollback.
    require_organising_access(actor=actor, client=keep, object_type="merge")
    require_organising_access(actor=actor, client=duplicate, object_type="merge")
    with transaction.atomic():
        # Lock in id order so that two merges of the same pair cannot deadlock.
        locked = {c.pk: c for c in Client.objects.select_for_update().filter(pk__in=[keep.pk, duplicate.pk])
                  .order_by("pk")}
        keep, duplicate = locked[keep.pk], locked[duplicate.pk]
        if ClientStatus.MERGED in (keep.status, duplicate.status):
            raise Conflict("already_merged", _("One of these records has already been merged."))
        if keep.organisation_id != duplicate.organisation_id:
            raise DomainError("different_organisations",
                              _("Records of different organisations cannot be merged."), field="duplicate")
        if (ServicePlan.objects.filter(client=keep).exclude(status=PlanStatus.CLOSED).exists()
                and ServicePlan.objects.filter(client=duplicate).exclude(status=PlanStatus.CLOSED).exists()):
            raise DomainError("two_open_plans", _("Both records have a service plan in force; close one of them "
                                                  "before merging."), field="duplicate")
        moved = _move_related(keep=keep, duplicate=duplicate)
        filled = [name for name in _MERGE_FILLABLE
                  if getattr(duplicate, name) not in (None, "") and getattr(keep, name) in (None, "")]
        if keep.birth_year is None and duplicate.birth_year is not None:
            filled.append("birth_year")
        if not keep.interpreter_needed and duplicate.interpreter_needed:
            filled.append("interpreter_needed")
        duplicate.status, duplicate.merged_into = ClientStatus.MERGED, keep
        duplicate.closed_at = timezone.now()
        duplicate.version += 1
        duplicate.save()  # first, so that the identity code is free for the kept record
        for name in filled:
            setattr(keep, name, getattr(duplicate, name))
        if "identity_code" in filled:
            keep.identity_code_is_temporary = duplicate.identity_code_is_temporary
        if keep.birth_date is not None:
            keep.birth_year = keep.birth_date.year
        keep.version += 1
        keep.updated_at = timezone.now()
        keep.save()
        record_path_event(client=keep, activity=PathEventKind.RECORDS_MERGED, actor=actor, subject=duplicate,
                          attributes={"duplicate_id": duplicate.pk, "reason": reason, "moved": moved,
                                      "filled_fields": filled})
    return keep


def _move_related(*, keep: Client, duplicate: Client) -> dict[str, int]:
    """Re-point the duplicate's rows to the kept record; rows that would break a unique rule stay behind."""
    moved = {}
    for label, model in (("meetings", Meeting), ("notes", Note), ("screenings", ScreeningResponse),
                         ("plans", ServicePlan), ("path_events", PathEvent), ("work_times", WorkTime),
                         ("legal_statuses", ClientLegalStatus)):
        moved[label] = model.objects.filter(client=duplicate).update(client=keep)
    # A worker active in both teams keeps one active membership; the other is ended, then moved as history.
    both = CareTeamMembership.objects.filter(client=keep, ended_at__isnull=True).values("worker_id")
    CareTeamMembership.objects.filter(client=duplicate, ended_at__isnull=True, worker_id__in=both).update(
        ended_at=timezone.now(), end_reason="merged: already in the kept record's care team")
    moved["care_memberships"] = CareTeamMembership.objects.filter(client=duplicate).update(client=keep)
    kept_languages = keep.languages.values("language")
    moved["languages"] = duplicate.languages.exclude(language__in=kept_languages).update(client=keep)
    # Apps that own client rows with rules of their own (referrals: one open break per kind) move them here.
    for handler in extensions.merge_handlers():
        moved.update(handler(keep=keep, duplicate=duplicate))
    # Any other app's rows about the client follow the client as they are.
    for relation in Client._meta.related_objects:
        name = relation.get_accessor_name()
        if name in moved or name == "merged_records" or not relation.one_to_many:
            continue
        field = relation.field.name
        moved[name] = relation.related_model._default_manager.filter(**{field: duplicate}).update(**{field: keep})
    return moved


def open_client_in_emergency(*, actor: User, client_id: int, reason: str) -> BreakTheGlassGrant:
    """Break-the-glass for one client number; refused for a number that is no (active) client."""
    if not Client.objects.filter(pk=client_id).exclude(status=ClientStatus.MERGED).exists():
        # The same refusal as for a client the actor may not see; a grant must never wait for a future id.
        raise AccessDenied("client_not_found", _("No such client."))
    return access.break_the_glass(actor=actor, client_id=client_id, reason=reason)
