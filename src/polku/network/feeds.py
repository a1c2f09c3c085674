"""Atom feeds of network news: national, and per collaboration area (national news included in every area's feed).

News are announcements to the professional network, not client data, so the feeds need no login and a feed
reader can follow them.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from polku.core.models import CollaborationArea
from polku.network.models import NewsItem
from polku.network.selectors import news_queryset

FEED_ITEMS = 30


class NewsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, area_code: str | None = None):
        return get_object_or_404(CollaborationArea, code=area_code.upper()) if area_code else None

    def title(self, area: CollaborationArea | None) -> str:
        if area is None:
            return _("PALOMA network news: national")
        return _("PALOMA network news: %(area)s") % {"area": area.name}

    def subtitle(self, area: CollaborationArea | None) -> str:
        return _("Announcements to the PALOMA expert network in Polku.")

    def link(self, area: CollaborationArea | None) -> str:
        return reverse("network:area_news", args=[area.code.lower()]) if area else reverse("network:news")

    def items(self, area: CollaborationArea | None):
        return news_queryset(collaboration_area=area, national_only=area is None)[:FEED_ITEMS]

    def item_title(self, item: NewsItem) -> str:
        return item.title

    def item_description(self, item: NewsItem) -> str:
        return item.body

    def item_link(self, item: NewsItem) -> str:
        return reverse("network:news_item", args=[item.pk])

    def item_guid(self, item: NewsItem) -> str:
        return f"urn:uuid:{item.uuid}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: NewsItem):
        return item.published_at

    def item_updateddate(self, item: NewsItem):
        return item.published_at

    def item_author_name(self, item: NewsItem) -> str:
        return str(item.author)
