"""The process map of service paths: path events through the paths engine, drawn with the engine's SVG map.

Over a worker's own clients the figures stay in the care team and are shown as they are. For aggregate
viewers they leave it: every activity, transition and variant seen fewer than SMALL_NUMBER times is dropped
from the map and shown as "<5" in the tables, so that no client can be recognised.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

import polars as pl
from django import forms
from django.db.models import QuerySet
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from polku import paths
from polku.casework.models import Team
from polku.casework.models.client import LegalStatus
from polku.core.models import Area
from polku.paths.columns import ACTIVITY, CASE, TIMESTAMP
from polku.paths.html_report import human_duration, process_map_svg
from polku.referrals.events import ReferralEventKind, activity_label
from polku.referrals.models import ReferralService

SMALL_NUMBER = 5
HIDDEN = "<5"
TOP_VARIANTS = 10
# Activities that mean the path stalled or ended badly: highlighted on the map and in the tables.
BREAK_ACTIVITIES = frozenset({ReferralEventKind.PATH_BROKEN, ReferralEventKind.REFERRAL_EXPIRED,
                              ReferralEventKind.APPOINTMENT_MISSED, ReferralEventKind.CALLBACK_MISSED,
                              ReferralEventKind.CLIENT_UNREACHABLE})


@dataclass(frozen=True)
class MapFilters:
    start: date | None = None
    end: date | None = None
    country: str = ""
    language: str = ""
    legal_status: str = ""
    # The map's scope within what the viewer may see: one referral service (the steps of referrals to it),
    # one work team (clients in the care of its members) and/or one wellbeing services area (clients living
    # there, or of an organisation there when the municipality is not known). None: no narrowing.
    service_id: int | None = None
    team_id: int | None = None
    area_id: int | None = None


class _TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Team) -> str:
        return f"{obj.name} ({obj.organisation})"


def selectable_teams(viewer) -> QuerySet[Team]:
    """Teams the viewer may scope the map to: every team for national report roles, else their organisation's.

    The choice only narrows what the role shows anyway; a team outside this list is refused by the form.
    """
    teams = Team.objects.select_related("organisation").order_by("organisation__name", "name", "pk")
    if viewer.has_perm("core.view_aggregate_reports") and not viewer.has_perm("core.assign_clients"):
        return teams
    return teams.filter(organisation_id=viewer.organisation_id)


class ProcessMapFilterForm(forms.Form):
    palvelu = forms.ModelChoiceField(
        label=_("Referral service"), required=False, queryset=ReferralService.objects.none(),
        empty_label=_("Any service"), help_text=_("Only the steps of referrals to this service."),
        error_messages={"invalid_choice": _("Choose a service from the list.")})
    tiimi = _TeamChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.none(), empty_label=_("Any team"),
        help_text=_("Clients in the care of this team's workers."),
        error_messages={"invalid_choice": _("Choose one of the teams you may see from the list.")})
    alue = forms.ModelChoiceField(
        label=_("Wellbeing services area"), required=False, queryset=Area.objects.none(), empty_label=_("Any area"),
        help_text=_("Clients living in the area (or, if their municipality is not known, of an organisation there)."),
        error_messages={"invalid_choice": _("Choose an area from the list.")})

    alkaen = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    asti = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    maa = forms.RegexField(label=_("Country of origin"), required=False, regex=r"^[A-Za-z]{2}$",
                           help_text=_("Two-letter code, e.g. SY."),
                           error_messages={"invalid": _("Enter a two-letter country code, e.g. SY.")})
    kieli = forms.RegexField(label=_("Preferred language"), required=False, regex=r"^[A-Za-z]{2,3}$",
                             help_text=_("Language code, e.g. ar."),
                             error_messages={"invalid": _("Enter a two- or three-letter language code, e.g. ar.")})
    asema = forms.ChoiceField(label=_("Legal status"), required=False,
                              choices=[("", _("Any")), *LegalStatus.choices])

    def __init__(self, data=None, *, viewer) -> None:
        super().__init__(data)
        self.fields["palvelu"].queryset = ReferralService.objects.order_by("name_fi", "pk")
        self.fields["tiimi"].queryset = selectable_teams(viewer)
        self.fields["alue"].queryset = Area.objects.order_by("short_name_fi", "pk")

    def clean(self):
        data = super().clean()
        if data.get("alkaen") and data.get("asti") and data["asti"] < data["alkaen"]:
            self.add_error("asti", _("The end of the period is before its start."))
        return data

    def filters(self) -> MapFilters:
        """The validated filters (call after is_valid())."""
        data = self.cleaned_data
        return MapFilters(start=data.get("alkaen"), end=data.get("asti"), country=(data.get("maa") or "").upper(),
                          language=(data.get("kieli") or "").lower(), legal_status=data.get("asema") or "",
                          service_id=_pk(data.get("palvelu")), team_id=_pk(data.get("tiimi")),
                          area_id=_pk(data.get("alue")))

    def scope_labels(self) -> list[tuple[str, str]]:
        """(field label, chosen name) of each scope chosen, for the page to say what the map covers."""
        if not self.is_bound or self.errors:
            return []
        return [(str(self.fields[name].label), self.fields[name].label_from_instance(self.cleaned_data[name]))
                for name in ("palvelu", "tiimi", "alue") if self.cleaned_data.get(name) is not None]


def _pk(obj) -> int | None:
    return obj.pk if obj is not None else None


@dataclass(frozen=True)
class MapEvents:
    """Path events of the clients a viewer may see in the map: (client id, activity, time) in path order."""

    scope: str  # "own", "organisation" or "all"
    suppressed: bool
    rows: list[tuple[int, str, datetime]]


@dataclass(frozen=True)
class EdgeRow:
    source: str
    target: str
    count: str
    median_wait: str
    is_break: bool


@dataclass(frozen=True)
class VariantRow:
    activities: list[str]
    count: str
    mean_duration: str


@dataclass(frozen=True)
class ProcessMap:
    scope: str
    suppressed: bool
    cases: str
    events: str
    svg: SafeString
    edges: list[EdgeRow]
    variants: list[VariantRow]
    break_labels: list[str]


def _frame(rows: list[tuple[int, str, datetime]]) -> pl.DataFrame:
    return pl.DataFrame({
        CASE: [str(client_id) for client_id, _activity, _at in rows],
        ACTIVITY: [activity_label(activity) for _client, activity, _at in rows],
        # Naive UTC then tagged, the same on SQLite and PostgreSQL.
        TIMESTAMP: pl.Series([at.astimezone(UTC).replace(tzinfo=None) for _c, _a, at in rows],
                             dtype=pl.Datetime("us")).dt.replace_time_zone("UTC"),
    }, schema_overrides={CASE: pl.String, ACTIVITY: pl.String})


def _visible(result: paths.PathsResult) -> paths.PathsResult:
    """The result without any activity or transition seen fewer than SMALL_NUMBER times (for the map)."""
    activities = result.activities.filter(pl.col("events") >= SMALL_NUMBER)
    kept = activities["activity"].implode()
    return replace(
        result, activities=activities,
        directly_follows=result.directly_follows.filter(
            (pl.col("frequency") >= SMALL_NUMBER) & pl.col("source").is_in(kept) & pl.col("target").is_in(kept)),
        start_activities=result.start_activities.filter((pl.col("count") >= SMALL_NUMBER)
                                                        & pl.col("activity").is_in(kept)),
        end_activities=result.end_activities.filter((pl.col("count") >= SMALL_NUMBER)
                                                    & pl.col("activity").is_in(kept)))


def build_process_map(events: MapEvents) -> ProcessMap:
    """Analyse the events with the paths engine and prepare the map and tables, suppressed when they must be."""
    break_labels = sorted(activity_label(code) for code in BREAK_ACTIVITIES)

    def shown(count: int) -> str:
        return HIDDEN if events.suppressed and count < SMALL_NUMBER else str(count)

    if not events.rows:
        return ProcessMap(scope=events.scope, suppressed=events.suppressed, cases="0", events="0",
                          svg=mark_safe(""), edges=[], variants=[], break_labels=break_labels)
    result = paths.analyze(_frame(events.rows))
    drawn = _visible(result) if events.suppressed else result
    # process_map_svg escapes every label it writes, so its output is safe to put in the page as it is.
    svg = mark_safe(process_map_svg(drawn, highlight=set(break_labels)))  # noqa: S308
    breaks = set(break_labels)
    edges = [EdgeRow(source=row["source"], target=row["target"], count=shown(row["frequency"]),
                     median_wait=(human_duration(row["wait_median_s"]) if shown(row["frequency"]) != HIDDEN
                                  else HIDDEN),
                     is_break=row["source"] in breaks or row["target"] in breaks)
             for row in result.directly_follows.to_dicts()]
    variants = [VariantRow(activities=row["variant"], count=shown(row["count"]),
                           mean_duration=(human_duration(row["mean_duration_s"]) if shown(row["count"]) != HIDDEN
                                          else HIDDEN))
                for row in result.variants.head(TOP_VARIANTS).to_dicts()]
    return ProcessMap(scope=events.scope, suppressed=events.suppressed, cases=shown(result.case_count),
                      events=shown(result.event_count), svg=svg, edges=edges, variants=variants,
                      break_labels=break_labels)
