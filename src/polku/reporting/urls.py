from django.urls import include, path

from polku.reporting.views import access_report, extracts, quality, scheduled

app_name = "reporting"
urlpatterns = [
    path("ohjausryhma/", include("polku.reporting.steering.urls")),
    path("laatu/", quality.quality_dashboard, name="quality_dashboard"),
    path("laatu/asiakas/<int:client_id>/", quality.quality_client, name="quality_client"),
    path("tutkimusaineistot/", extracts.extract_list, name="extract_list"),
    path("tutkimusaineistot/uusi/", extracts.extract_new, name="extract_new"),
    path("tutkimusaineistot/<int:extract_id>/", extracts.extract_detail, name="extract_detail"),
    path("tutkimusaineistot/<int:extract_id>/paatos/", extracts.extract_decide, name="extract_decide"),
    path("tutkimusaineistot/<int:extract_id>/muodosta/", extracts.extract_generate, name="extract_generate"),
    path("tutkimusaineistot/<int:extract_id>/lataa/<str:file_format>/", extracts.extract_download,
         name="extract_download"),
    path("kayttoloki/", access_report.access_report_start, name="access_report_start"),
    path("kayttoloki/<int:client_id>/", access_report.access_report, name="access_report"),
    path("kayttoloki/<int:client_id>/pdf/", access_report.access_report_pdf, name="access_report_pdf"),
    path("toimitetut/", scheduled.generated_report_list, name="generated_report_list"),
    path("toimitetut/<int:report_id>/", scheduled.generated_report, name="generated_report"),
]
