"""k-anonymity by generalisation: raise quasi-identifiers up their ladders until every combination occurs ≥ k times.

Pure Python over polars, no Django, so that it is testable alone. The algorithm is Datafly's greedy full-domain
generalisation (Sweeney 2002): while some combination of quasi-identifiers is rarer than k, generalise the
quasi-identifier with the most distinct values one step. Ladders stop short of removing a quasi-identifier
altogether: an extract that would need that is blocked and the failing combinations are named (with counts,
never persons), so that the researcher can ask for fewer fields or a longer period.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import polars as pl

UNKNOWN = "unknown"
OTHER = "other"

# Regions of origin: coarse enough that a region is never a proxy for a small community.
REGIONS: dict[str, str] = {
    **dict.fromkeys(("IQ", "SY", "IR", "TR", "YE", "PS", "LB", "JO", "EG", "LY", "TN", "MA", "DZ", "KW", "SA"),
                    "middle_east_north_africa"),
    **dict.fromkeys(("AF", "PK", "IN", "BD", "LK", "NP", "TJ", "UZ", "TM", "KG", "KZ"), "south_central_asia"),
    **dict.fromkeys(("SO", "ER", "ET", "SD", "SS", "KE", "UG", "DJ", "TZ", "RW", "BI"), "east_africa"),
    **dict.fromkeys(("CD", "CG", "CM", "NG", "GH", "CI", "GN", "SL", "LR", "ML", "SN", "CF", "TD", "NE", "GM"),
                    "west_central_africa"),
    **dict.fromkeys(("RU", "UA", "BY", "MD", "GE", "AM", "AZ", "EE", "LV", "LT"), "eastern_europe"),
    **dict.fromkeys(("XK", "AL", "BA", "RS", "HR", "ME", "MK", "SI", "BG", "RO"), "balkans"),
    **dict.fromkeys(("MM", "VN", "TH", "CN", "KH", "LA", "PH", "ID", "MY", "KP"), "east_southeast_asia"),
    **dict.fromkeys(("CO", "VE", "CU", "HN", "SV", "GT", "NI", "MX", "BR", "PE", "EC"), "latin_america"),
}

# International protection vs other grounds: the distinction research needs most.
LEGAL_STATUS_GROUPS: dict[str, str] = {
    "asylum_seeker": "protection_applicant", "quota_refugee": "international_protection",
    "asylum_granted": "international_protection", "subsidiary_protection": "international_protection",
    "temporary_protection": "temporary_protection", "family_member": "other_ground",
    "citizen": "other_ground", "other": "other_ground",
}

GENDER_GROUPS = {"woman": "woman", "man": "man"}


def _band(width: int) -> Callable[[pl.Expr], pl.Expr]:
    def generalise(column: pl.Expr) -> pl.Expr:
        year = column.cast(pl.Int32, strict=False)
        start = (year // width) * width
        return (pl.when(year.is_null()).then(pl.lit(UNKNOWN))
                .otherwise(start.cast(pl.String) + pl.lit("–") + (start + width - 1).cast(pl.String)))
    return generalise


def _mapped(mapping: dict[str, str], default: str) -> Callable[[pl.Expr], pl.Expr]:
    def generalise(column: pl.Expr) -> pl.Expr:
        return (pl.when(column.is_null() | (column == "") | (column == UNKNOWN)).then(pl.lit(UNKNOWN))
                .otherwise(column.replace_strict(mapping, default=default, return_dtype=pl.String)))
    return generalise


def _identity(column: pl.Expr) -> pl.Expr:
    return column.cast(pl.String).fill_null(UNKNOWN)


RARE = "rare→other"  # a ladder step that recodes values rarer than k (in the whole column) as "other"


@dataclass(frozen=True)
class Ladder:
    """Steps from the most detailed to the most general value; each step a named expression or RARE."""

    steps: tuple[tuple[str, Callable[[pl.Expr], pl.Expr] | str], ...]


LADDERS: dict[str, Ladder] = {
    "birth_year": Ladder((("year", _identity), ("5-year band", _band(5)), ("10-year band", _band(10)),
                          ("20-year band", _band(20)))),
    "gender": Ladder((("as stated", _identity), ("woman / man / other", _mapped(GENDER_GROUPS, OTHER)))),
    "origin": Ladder((("country", _identity), ("region", _mapped(REGIONS, OTHER)), ("rare regions", RARE))),
    # municipality values are "<municipality>|<area>|<collaboration area>" codes, split by the steps.
    "municipality": Ladder((("municipality", lambda c: c.str.split("|").list.get(0, null_on_oob=True)),
                            ("wellbeing services area", lambda c: c.str.split("|").list.get(1, null_on_oob=True)),
                            ("collaboration area", lambda c: c.str.split("|").list.get(2, null_on_oob=True)),
                            ("rare collaboration areas", RARE))),
    "legal_status": Ladder((("status", _identity), ("group", _mapped(LEGAL_STATUS_GROUPS, OTHER)),
                            ("rare groups", RARE))),
    "language": Ladder((("language", _identity), ("rare languages", RARE))),
    "arrival_year": Ladder((("year", _identity), ("5-year band", _band(5)), ("10-year band", _band(10)))),
}


@dataclass(frozen=True)
class KCheck:
    """The outcome: k achieved, the step each quasi-identifier ended at, and failing combinations if blocked."""

    passed: bool
    k_required: int
    k_achieved: int
    generalisations: dict[str, str]
    failing: list[dict] = field(default_factory=list)  # {quasi-identifier: value, ..., "count": n}
    frame: pl.DataFrame | None = None

    def as_report(self) -> dict:
        return {"passed": self.passed, "k_required": self.k_required, "k_achieved": self.k_achieved,
                "generalisations": self.generalisations, "failing": self.failing}


def _apply(frame: pl.DataFrame, qis: Sequence[str], levels: dict[str, int], k: int) -> pl.DataFrame:
    out = frame
    for qi in qis:
        value = pl.col(qi)
        steps = LADDERS[qi].steps
        # Apply every step up to the level: a RARE step works on the previous step's values.
        expr = _identity(value)
        for _name, step in steps[: levels[qi] + 1]:
            if step == RARE:
                expr = pl.when(expr.count().over(expr) < k).then(pl.lit(OTHER)).otherwise(expr)
            else:
                expr = step(value).cast(pl.String).fill_null(UNKNOWN)
        out = out.with_columns(expr.alias(qi))
    return out


def _groups(frame: pl.DataFrame, qis: Sequence[str]) -> pl.DataFrame:
    return frame.group_by(list(qis)).len("count").sort("count", *qis)


def anonymise(frame: pl.DataFrame, *, quasi_identifiers: Sequence[str], k: int = 5) -> KCheck:
    """Generalise the quasi-identifier columns of `frame` until every combination occurs ≥ k times, or give up."""
    qis = [qi for qi in quasi_identifiers if qi in LADDERS]
    unknown = [qi for qi in quasi_identifiers if qi not in LADDERS]
    if unknown:
        raise ValueError(f"no generalisation ladder for {', '.join(unknown)}")
    levels = dict.fromkeys(qis, 0)
    while True:
        current = _apply(frame, qis, levels, k)
        names = {qi: LADDERS[qi].steps[levels[qi]][0] for qi in qis}
        if not qis or current.height == 0:
            # No quasi-identifiers: every row is in one class; an empty extract discloses nothing.
            achieved = current.height
            passed = current.height == 0 or current.height >= k
            failing = [] if passed else [{"count": current.height}]
            return KCheck(passed, k, achieved, names, failing, current if passed else None)
        groups = _groups(current, qis)
        smallest = int(groups["count"].min())
        if smallest >= k:
            return KCheck(True, k, smallest, names, [], current)
        raisable = [qi for qi in qis if levels[qi] + 1 < len(LADDERS[qi].steps)]
        if not raisable:
            failing = groups.filter(pl.col("count") < k).to_dicts()
            return KCheck(False, k, smallest, names, failing, None)
        # Datafly: generalise the attribute with the most distinct values first.
        widest = max(raisable, key=lambda qi: (current[qi].n_unique(), -qis.index(qi)))
        levels[widest] += 1
