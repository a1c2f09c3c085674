"""The v1 API. Reference data (areas) is public; client data endpoints come with the interoperability work."""

from django.urls import path
from ninja import NinjaAPI

from polku.api.schemas import AreaOut, CollaborationAreaOut
from polku.core.models import Area, CollaborationArea

api = NinjaAPI(title="Polku API", version="1", urls_namespace="api-v1",
               description="Polku's REST API. Reference data is public; client data needs a token (planned).")


@api.get("/collaboration-areas", response=list[CollaborationAreaOut], tags=["areas"])
def list_collaboration_areas(request):
    """The five collaboration areas of Decree 91/2022."""
    return CollaborationArea.objects.order_by("code")


@api.get("/areas", response=list[AreaOut], tags=["areas"])
def list_areas(request):
    """Wellbeing services areas (and Åland) with their municipalities."""
    areas = Area.objects.select_related("collaboration_area").prefetch_related("municipalities").order_by("code")
    return [
        {"code": a.code, "kind": a.kind, "name_fi": a.name_fi, "name_sv": a.name_sv,
         "collaboration_area": a.collaboration_area.code if a.collaboration_area else None,
         "municipalities": list(a.municipalities.all())}
        for a in areas
    ]


urlpatterns = [path("", api.urls)]
