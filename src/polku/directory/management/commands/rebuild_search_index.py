"""`polku rebuild_search_index`: index the whole directory again with this machine's word analyser.

Needed when the analyser changes, typically Voikko installed (or removed) after the index was built: the
search then tells its users to ask an administrator for this. One transaction: the search keeps answering
from the old index until the new one is complete."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from polku.directory import finnish
from polku.directory.search import index_normaliser, rebuild_index


class Command(BaseCommand):
    help = "Rebuild the directory's search index with this machine's word analyser (Voikko or the fallback)."

    def handle(self, *args, **options):
        before = index_normaliser() or "(none)"
        self.stdout.write(f"rebuilding the search index with {finnish.normaliser_name()} (it was built with {before})")
        count = rebuild_index()
        self.stdout.write(self.style.SUCCESS(f"{count} documents indexed with {finnish.normaliser_name()}"))
