"""One error type for domain rules, mapped once to form errors and API problem responses."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A domain rule refused the action. `code` is stable; `message` is translatable text for the user.

    `field` names the input the user should correct, when there is one.
    """

    def __init__(self, code: str, message: str | Promise, *, field: str | None = None, params=None):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field
        self.params = params or {}


class AccessDenied(DomainError):
    """The access core refused; views answer 404 so that not even the client's existence leaks."""


class Conflict(DomainError):
    """Someone else changed the record first (optimistic locking); nothing was overwritten."""
