"""Which directory taxonomy terms (the experts' topics) answer which consultation topic."""

from __future__ import annotations

from collections.abc import Iterable

# Directory experts carry service-type terms (src/polku/directory/data/taxonomy.json).
TOPIC_TERMS: dict[str, frozenset[str]] = {
    "trauma": frozenset({"trauma-therapy", "torture-rehabilitation", "psychotherapy", "crisis"}),
    "torture_survivors": frozenset({"torture-rehabilitation", "trauma-therapy"}),
    "children_families": frozenset({"family-counselling", "parenting"}),
    "substance_use": frozenset({"substance-use"}),
    "psychosis": frozenset({"psychiatric-outpatient"}),
    "interpreter_mediated": frozenset({"interpreting"}),
    "cultural": frozenset({"native-language-guidance", "conversation-support"}),
    "service_paths": frozenset({"service-guidance", "consultation"}),
    "legal_status": frozenset({"service-guidance", "consultation"}),
}


def terms_for(topics: Iterable[str]) -> set[str]:
    """The taxonomy codes that match any of the consultation's topics."""
    codes: set[str] = set()
    for topic in topics:
        codes |= TOPIC_TERMS.get(topic, frozenset())
    return codes
