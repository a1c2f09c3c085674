"""The HTML report in a real Chromium: axe-core finds no serious or critical accessibility violation."""

from __future__ import annotations

from pathlib import Path

import pytest

from polku import paths
from tests.paths.conftest import BPIC2012

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.browser


@pytest.mark.parametrize("log", ["running example", "bpic2012"])
def test_report_has_no_serious_accessibility_violations(log, running_example, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("Chromium not installed: run `make e2e-setup`")
    source = running_example if log == "running example" else BPIC2012
    if not source.exists():
        pytest.skip(f"{source} is absent")
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    paths.write_html_report(paths.analyze(paths.read_xes(source)), tmp_path / "report.html")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.goto((tmp_path / "report.html").as_uri())
            violations = Axe().run(page).response["violations"]
        finally:
            browser.close()
    serious = [(v["id"], v["impact"]) for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []
