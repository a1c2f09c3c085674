"""Interpreting URLs (Finnish paths, like the rest of the UI), included under /tulkkaus/."""

from django.urls import path

from polku.interpreting.views import dispatch, interpreter, reports, worker

app_name = "interpreting"

urlpatterns = [
    path("", dispatch.queue, name="queue"),
    path("varaus/<int:booking_id>/", dispatch.booking_detail, name="dispatch_booking"),
    path("varaus/<int:booking_id>/vahvista/", dispatch.confirm, name="dispatch_confirm"),
    path("varaus/<int:booking_id>/ei-tulkkia/", dispatch.no_interpreter, name="dispatch_no_interpreter"),
    path("ehdotukset/", dispatch.propose, name="propose"),
    path("ehdotukset/<uuid:batch>/", dispatch.proposals, name="proposals"),
    path("omat/", interpreter.my_assignments, name="my_assignments"),
    path("omat/<int:booking_id>/vastaa/", interpreter.answer, name="answer"),
    path("tilaukset/", worker.my_bookings, name="my_bookings"),
    path("asiakas/<int:client_id>/", worker.client_bookings, name="client_bookings"),
    path("asiakas/<int:client_id>/uusi/", worker.booking_new, name="booking_new"),
    path("tilaus/<int:booking_id>/", worker.booking_detail, name="booking_detail"),
    path("tilaus/<int:booking_id>/peru/", worker.booking_cancel, name="booking_cancel"),
    path("tilaus/<int:booking_id>/kirje/", worker.booking_letter, name="booking_letter"),
    path("tilaus/<int:booking_id>/kalenteri.ics", worker.booking_ics, name="booking_ics"),
    path("korvaushakemus/", reports.claim, name="claim"),
    path("ostopalvelut/", reports.purchases_summary, name="purchases_summary"),
]
