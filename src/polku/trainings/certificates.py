"""Certificates as PDF: a Django template rendered to HTML, laid out by WeasyPrint (A4, one page)."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html

from polku.trainings.models import Certificate

STYLESHEET = "trainings/certificate.css"


def certificate_html(certificate: Certificate, *, language: str = "fi", verify_url: str = "") -> str:
    """The certificate as an HTML document in the given language."""
    with translation.override(language):
        return render_to_string("trainings/certificate_pdf.html", {
            "certificate": certificate, "language": language, "verify_url": verify_url,
            # Escaped here, marked safe as a whole, so the one translated sentence can carry the styled parts.
            "name_html": format_html('<span class="name">{}</span>', certificate.participant_name),
            "title_html": format_html('<span class="title">{}</span>', certificate.title)})


def render_certificate_pdf(certificate: Certificate, *, language: str = "fi", verify_url: str = "") -> bytes:
    """The certificate as a one-page PDF; nothing is fetched from the network (no external resources)."""
    from weasyprint import CSS, HTML  # imported here: loading Pango takes a moment that other pages need not pay

    stylesheet = CSS(filename=finders.find(STYLESHEET))
    html = HTML(string=certificate_html(certificate, language=language, verify_url=verify_url), base_url=None,
                url_fetcher=_refuse_fetch)
    return html.write_pdf(stylesheets=[stylesheet])


def _refuse_fetch(url: str, *args, **kwargs):
    """No resource of a certificate comes from outside: a certificate must render the same offline."""
    raise ValueError(f"certificates fetch no external resources ({url})")
