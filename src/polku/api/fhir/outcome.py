"""FHIR errors: one exception type, rendered as an OperationOutcome with the matching HTTP status."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

FHIR_JSON = "application/fhir+json"


class FhirError(Exception):
    """A request the facade refuses: HTTP status, FHIR issue type code, a human diagnostic, the element at fault."""

    def __init__(self, status: int, code: str, diagnostics: Any, *, expression: list[str] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(str(diagnostics))
        self.status = status
        self.code = code
        self.diagnostics = str(diagnostics)
        self.expression = expression or []
        self.headers = headers or {}


def operation_outcome(issues: list[dict[str, Any]]) -> dict[str, Any]:
    return {"resourceType": "OperationOutcome", "issue": issues}


def issue(*, code: str, diagnostics: str, severity: str = "error", expression: list[str] | None = None) -> dict:
    entry: dict[str, Any] = {"severity": severity, "code": code, "diagnostics": diagnostics}
    if expression:
        entry["expression"] = expression
    return entry


def fhir_response(body: dict[str, Any], *, status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status,
                            content_type=f"{FHIR_JSON}; charset=utf-8")
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(error: FhirError) -> HttpResponse:
    body = operation_outcome([issue(code=error.code, diagnostics=error.diagnostics, expression=error.expression)])
    return fhir_response(body, status=error.status, headers=error.headers)
