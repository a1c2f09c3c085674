"""The v1 API: reference data is public; everything else needs a bearer token (or the browser session) with scopes.

Every response under /api/v1/ that is not a success is RFC 9457 problem details (see `problems.py`), including
unknown paths and wrong methods, which Django would otherwise answer with HTML.
"""

from django.urls import path, re_path, register_converter
from ninja import NinjaAPI

from polku.api import problems
from polku.api.common import IdConverter, error_responses
from polku.api.problems import JsonParser
from polku.api.schemas import AreaOut, CollaborationAreaOut
from polku.core.models import Area, CollaborationArea


class PolkuApi(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        # Errors are application/problem+json (RFC 9457); ninja documents every response as application/json.
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if str(status)[0] in "45" and "application/json" in content:
                        content["application/problem+json"] = content.pop("application/json")
        _add_links(schema)
        return schema


# OpenAPI links: what a created (or listed) resource leads to, for clients and for stateful fuzzing.
LINKS = {
    ("/api/v1/referrals", "post", "201"): {
        "GetReferral": ("polku_api_v1_referrals_referral_detail", {"referral_id": "$response.body#/id"}),
        "TakeReferralStep": ("polku_api_v1_referrals_take_step", {"referral_id": "$response.body#/id"}),
    },
    ("/api/v1/bookings", "post", "201"): {
        "GetBooking": ("polku_api_v1_bookings_booking_detail", {"booking_id": "$response.body#/id"}),
        "CancelBooking": ("polku_api_v1_bookings_cancel_booking", {"booking_id": "$response.body#/id"}),
    },
    ("/api/v1/clients", "get", "200"): {
        "GetClient": ("polku_api_v1_clients_client_detail", {"client_id": "$response.body#/items/0/id"}),
        "GetClientMeetings": ("polku_api_v1_clients_meetings", {"client_id": "$response.body#/items/0/id"}),
        "GetClientNotes": ("polku_api_v1_clients_notes", {"client_id": "$response.body#/items/0/id"}),
        "GetClientPath": ("polku_api_v1_clients_path_events", {"client_id": "$response.body#/items/0/id"}),
    },
}


def _add_links(schema: dict) -> None:
    operation_ids = {op.get("operationId") for ops in schema.get("paths", {}).values() for op in ops.values()}
    for (path_name, method, status), links in LINKS.items():
        responses = schema.get("paths", {}).get(path_name, {}).get(method, {}).get("responses", {})
        response = responses.get(int(status), responses.get(status))
        if response is None:
            continue
        response["links"] = {name: {"operationId": operation_id, "parameters": parameters}
                             for name, (operation_id, parameters) in links.items() if operation_id in operation_ids}


register_converter(IdConverter, "id")

api = PolkuApi(
    title="Polku API", version="1", urls_namespace="api-v1", parser=JsonParser(),
    description=(
        "Polku's REST API. Reference data (areas) is public; everything else needs `Authorization: Bearer <token>` "
        "(a personal access token from the user menu, or an OAuth2 client-credentials token from "
        "`/api/v1/oauth/token`) "
        "with the scopes named on each operation. Errors are RFC 9457 problem details in the request's language "
        "(Accept-Language). Lists take `page` and `per_page`. Updates need `If-Match` with the ETag of the last read; "
        "creating requests accept an `Idempotency-Key`."),
)
problems.install(api)


@api.get("/collaboration-areas", response={200: list[CollaborationAreaOut], **error_responses(404, 422, 429)},
         tags=["areas"])
def list_collaboration_areas(request):
    """The five collaboration areas of Decree 91/2022."""
    return CollaborationArea.objects.order_by("code")


@api.get("/areas", response={200: list[AreaOut], **error_responses(404, 422, 429)}, tags=["areas"])
def list_areas(request):
    """Wellbeing services areas (and Åland) with their municipalities."""
    areas = Area.objects.select_related("collaboration_area").prefetch_related("municipalities").order_by("code")
    return [
        {"code": a.code, "kind": a.kind, "name_fi": a.name_fi, "name_sv": a.name_sv,
         "collaboration_area": a.collaboration_area.code if a.collaboration_area else None,
         "municipalities": list(a.municipalities.all())}
        for a in areas
    ]


def _register_routers() -> None:
    from polku.api.v1 import bookings, clients, directory, network, oauth, referrals, reports

    api.add_router("/oauth", oauth.router)
    api.add_router("/clients", clients.router)
    api.add_router("/referrals", referrals.router)
    api.add_router("/bookings", bookings.router)
    api.add_router("/directory", directory.router)
    api.add_router("/network", network.router)
    api.add_router("/reports", reports.router)


_register_routers()


def _wrapped_patterns():
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = problems.wrap_view(pattern.callback)
    return patterns, app_name, namespace


urlpatterns = [
    path("", _wrapped_patterns()),
    re_path(r"^.*$", problems.not_found_view, name="api-v1-not-found"),
]
