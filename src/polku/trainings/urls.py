from django.urls import path

from polku.trainings import views

app_name = "trainings"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("omat/", views.my_trainings, name="my_trainings"),
    path("uusi/", views.event_new, name="event_new"),
    path("<int:event_id>/", views.event_detail, name="event_detail"),
    path("<int:event_id>/ilmoittaudu/", views.enrol, name="enrol"),
    path("<int:event_id>/peru/", views.cancel_enrolment, name="cancel_enrolment"),
    path("<int:event_id>/kalenteri.ics", views.invitation_ics, name="invitation_ics"),
    path("<int:event_id>/todistus.pdf", views.event_certificate, name="event_certificate"),
    path("<int:event_id>/palaute/", views.feedback, name="feedback"),
    path("<int:event_id>/muokkaa/", views.event_edit, name="event_edit"),
    path("<int:event_id>/osallistujat/", views.event_manage, name="event_manage"),
    path("<int:event_id>/peruuta-tapahtuma/", views.event_cancel, name="event_cancel"),
    path("verkkokurssit/", views.course_list, name="course_list"),
    path("verkkokurssit/<slug:slug>/", views.course_detail, name="course_detail"),
    path("verkkokurssit/<slug:slug>/todistus.pdf", views.course_certificate, name="course_certificate"),
    path("todistus/<str:code>/", views.verify_certificate, name="verify_certificate"),
]
