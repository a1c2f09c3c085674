"""Hooks through which later apps (referrals, interpreting) join client work without casework importing them.

Registered once at start-up from those apps' AppConfig.ready(), like the access core's care-relationship check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

MergeHandler = Callable[..., dict[str, int]]  # (keep=, duplicate=) -> {relation name: rows moved}


@dataclass(frozen=True)
class ClientPageSection:
    context: Callable[..., dict]  # (viewer=, client=) -> template context; the client is access-checked
    templates: tuple[str, ...]


_merge_handlers: list[MergeHandler] = []
_page_sections: list[ClientPageSection] = []


def register_merge_handler(handler: MergeHandler) -> None:
    """Run `handler(keep=, duplicate=)` inside merge_clients' transaction to move the app's client rows."""
    if handler not in _merge_handlers:
        _merge_handlers.append(handler)


def merge_handlers() -> tuple[MergeHandler, ...]:
    return tuple(_merge_handlers)


def register_client_page_section(*, context: Callable[..., dict], templates: tuple[str, ...]) -> None:
    """Add a section (context function + partial templates) to the client page, after casework's own."""
    section = ClientPageSection(context=context, templates=templates)
    if section not in _page_sections:
        _page_sections.append(section)


def client_page_sections() -> tuple[ClientPageSection, ...]:
    return tuple(_page_sections)


@dataclass(frozen=True)
class TodoProvider:
    context: Callable[..., dict]  # (viewer=, today=) -> template context; empty dict when nothing to show
    template: str


_todo_providers: list[TodoProvider] = []


def register_todo_provider(*, context: Callable[..., dict], template: str) -> None:
    """Add items to the worker's to-do page: `context(viewer=, today=)` rendered by `template`, after casework's."""
    provider = TodoProvider(context=context, template=template)
    if provider not in _todo_providers:
        _todo_providers.append(provider)


def todo_providers() -> tuple[TodoProvider, ...]:
    return tuple(_todo_providers)
