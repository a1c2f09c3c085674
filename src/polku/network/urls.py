"""Consultation and network URLs, under /konsultaatio/."""

from django.urls import path

from polku.network import views, views_network
from polku.network.feeds import NewsFeed

app_name = "network"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("uusi/", views.consultation_new, name="new"),
    path("<int:consultation_id>/", views.consultation_detail, name="detail"),
    path("<int:consultation_id>/viesti/", views.consultation_message, name="message"),
    path("<int:consultation_id>/sulje/", views.consultation_close, name="close"),
    path("<int:consultation_id>/ohjaa/", views.consultation_route, name="route"),
    path("<int:consultation_id>/valtakunnalliseksi/", views.consultation_escalate, name="escalate"),
    path("<int:consultation_id>/liite/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("<int:consultation_id>/lahete/", views.referral_bridge, name="referral_bridge"),
    path("kuormitus/", views_network.workload, name="workload"),
    path("tutkimusverkosto/", views_network.research, name="research"),
    path("tutkimusverkosto/hakemukset/", views_network.research_applications, name="research_applications"),
    path("tutkimusverkosto/kutsu/uusi/", views_network.research_call_new, name="research_call_new"),
    path("uutiset/", views_network.news, name="news"),
    path("uutiset/uusi/", views_network.news_new, name="news_new"),
    path("uutiset/<int:item_id>/", views_network.news_item, name="news_item"),
    path("uutiset/alue/<slug:area_code>/", views_network.news, name="area_news"),
    path("uutiset/syote/", NewsFeed(), name="news_feed"),
    path("uutiset/alue/<slug:area_code>/syote/", NewsFeed(), name="area_news_feed"),
    path("ilmoitukset/", views_network.notifications, name="notifications"),
    path("ilmoitukset/luettu/", views_network.notifications_read, name="notifications_read"),
    path("ilmoitukset/<int:message_id>/avaa/", views_network.notification_open, name="notification_open"),
    path("ilmoitukset/asetukset/", views_network.notification_settings, name="notification_settings"),
]
