"""The CapabilityStatement at /fhir/metadata, generated from the registry so that it cannot drift from the code."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from polku.api.fhir.resources import REGISTRY
from polku.api.fhir.search import COMMON

SOFTWARE_VERSION = "1"


def capability_statement(*, base: str) -> dict[str, Any]:
    resources = []
    for name in sorted(REGISTRY):
        handler = REGISTRY[name]
        interactions = [{"code": "read"}, {"code": "search-type"}]
        if handler.creatable:
            interactions.append({"code": "create"})
        params = [{"name": param, "type": kind} for param, kind in sorted(handler.search_params.items())]
        params += [{"name": "_count", "type": "number"},
                   {"name": "_offset", "type": "number",
                    "documentation": "Paging offset (0 to 1 000 000), as the Bundle's next link carries it."}]
        resources.append({"type": name, "interaction": interactions, "versioning": "no-version",
                          "readHistory": False, "updateCreate": False, "conditionalCreate": False,
                          "searchParam": params})
    return {
        "resourceType": "CapabilityStatement", "id": "polku", "status": "active",
        "date": timezone.now().date().isoformat(), "publisher": "Polku", "kind": "instance",
        "software": {"name": "Polku", "version": SOFTWARE_VERSION},
        "implementation": {"description": "Polku FHIR R4 facade", "url": base.rstrip("/")},
        "fhirVersion": "4.0.1", "format": ["json", "application/fhir+json"],
        "rest": [{
            "mode": "server",
            "documentation": "Strict search handling: an unsupported parameter is a 400 OperationOutcome. "
                             f"Common parameters: {', '.join(p for p in COMMON if p != 'lang')}.",
            "security": {"cors": False, "service": [{"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/restful-security-service", "code": "OAuth",
                "display": "OAuth"}]}],
                "description": "Bearer tokens (personal access or OAuth2 client credentials) with the scope "
                               "fhir:read for reads and searches, and the write scope for creates."},
            "resource": resources,
        }],
    }
