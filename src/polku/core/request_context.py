"""The current request's IP and path, for the access log, without passing requests into services."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestMeta:
    client_ip: str | None = None
    path: str = ""


_EMPTY = RequestMeta()  # frozen, so sharing it as the default is safe
_current: ContextVar[RequestMeta] = ContextVar("polku_request_meta", default=_EMPTY)  # noqa: B039


def current_request_meta() -> RequestMeta:
    return _current.get()


def set_request_meta(meta: RequestMeta):
    return _current.set(meta)


def reset_request_meta(token) -> None:
    _current.reset(token)
