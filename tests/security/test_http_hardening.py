"""HTTP hardening: the Content-Security-Policy and other headers, nothing inline in templates, upload limits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

import polku
from polku.directory import map_svg

pytestmark = pytest.mark.django_db

SRC = Path(polku.__file__).resolve().parent
# Inline code that is waiting for its owner (another slice) to move it into a static file; the test below
# fails once a file here is clean, so that the entry gets removed too.
KNOWN_INLINE: set[str] = set()

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)
JS_URL = re.compile(r"href\s*=\s*[\"']\s*javascript:", re.I)


def directives(header: str) -> dict[str, set[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: set(values) for name, *values in parts}


def inline_findings(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    found = []
    for pattern, what in ((INLINE_SCRIPT, "inline <script>"), (INLINE_STYLE, "style"),
                          (EVENT_HANDLER, "on* handler"), (JS_URL, "javascript: URL")):
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{path.relative_to(SRC)}:{line}: {what}")
    return found


def all_templates() -> list[Path]:
    return sorted(p for p in SRC.rglob("templates/**/*.html"))


def test_every_page_carries_the_strict_content_security_policy(client):
    policy = directives(client.get(reverse("login"))["Content-Security-Policy"])
    assert policy == {
        "default-src": {"'self'"}, "script-src": {"'self'"}, "style-src": {"'self'"}, "img-src": {"'self'", "data:"},
        "font-src": {"'self'"}, "connect-src": {"'self'"}, "object-src": {"'none'"}, "base-uri": {"'none'"},
        "frame-ancestors": {"'none'"}, "form-action": {"'self'"},
    }
    assert not any("unsafe" in value for values in policy.values() for value in values)


def test_security_headers_on_a_page(client, nurse):
    client.force_login(nurse)
    response = client.get(reverse("home"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Content-Security-Policy" in response


def test_session_and_csrf_cookies_are_http_only_or_same_site(client, nurse):
    response = client.post(reverse("login"), {"username": "nurse", "password": "correct-horse-battery-staple"})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == settings.POLKU_SESSION_ABSOLUTE_HOURS * 3600


def test_no_template_has_inline_scripts_styles_or_handlers():
    findings = [finding for path in all_templates() if str(path.relative_to(SRC)) not in KNOWN_INLINE
                for finding in inline_findings(path)]
    assert not findings, "inline code breaks the Content-Security-Policy:\n" + "\n".join(findings)


def test_the_known_inline_list_holds_only_files_that_still_need_it():
    clean = [name for name in KNOWN_INLINE if not inline_findings(SRC / name)]
    assert not clean, f"remove from KNOWN_INLINE, now clean: {clean}"


def test_the_scanner_finds_what_it_is_meant_to_find(tmp_path):
    sample = SRC / "core" / "templates" / "core" / "_csp_scanner_sample.html"
    sample.write_text('<script>alert(1)</script>\n<p style="color:red">\n<a href="javascript:x()">\n'
                      '<button onclick="x()">\n<script src="/static/x.js"></script>\n'
                      '<script type="application/json" id="d">{}</script>\n', encoding="utf-8")
    try:
        found = inline_findings(sample)
    finally:
        sample.unlink()
    assert [f.split(": ", 1)[1] for f in found] == ["inline <script>", "style", "on* handler", "javascript: URL"]


def test_map_legend_colours_each_have_a_class_in_the_directory_stylesheet():
    css = (SRC / "directory" / "static" / "directory" / "directory.css").read_text()
    for colour in map_svg.PALETTE:
        assert f".swatch-{colour[1:]} {{ background: {colour}; }}" in css


def test_the_server_rendered_map_svg_has_no_style_attribute_or_element():
    svg = map_svg.render(counts={"01": 3}, names={"01": "Uusimaa"}, links={"01": "/x"}, labels={},
                         collaboration=(), title="Kartta")
    assert svg.startswith("<svg") and "<path" in svg
    assert not INLINE_STYLE.search(svg)


def test_upload_limits_are_set():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 1_048_576
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2_621_440
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000


def test_an_oversized_form_body_is_refused_with_400_not_read_into_memory(client, nurse):
    client.force_login(nurse)
    response = client.post(reverse("casework:client_register"), {"notes": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE
                                                                              + 10)})
    assert response.status_code == 400


def test_too_many_form_fields_are_refused_with_400(client, nurse):
    client.force_login(nurse)
    response = client.post(reverse("casework:client_register"), {f"f{i}": "1" for i in range(1001)})
    assert response.status_code == 400
