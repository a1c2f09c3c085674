"""The paths HTML report in a real Chromium: axe-core finds no serious or critical accessibility violation.

Uses the e2e session's one browser: a second sync Playwright in the same process would fail inside the first
one's event loop.
"""

from __future__ import annotations

import pytest

from polku import paths
from tests.e2e.helpers import assert_no_serious_violations
from tests.paths.conftest import BPIC2012, RUNNING_EXAMPLE


@pytest.mark.parametrize("source", [RUNNING_EXAMPLE, BPIC2012], ids=["running example", "bpic2012"])
def test_report_has_no_serious_accessibility_violations(source, page, tmp_path):
    if not source.exists():
        pytest.skip(f"{source} is absent (the shared event logs are not beside the project)")
    report = tmp_path / "report.html"
    paths.write_html_report(paths.analyze(paths.read_xes(source)), report)
    page.goto(report.as_uri())
    assert page.locator("svg").count() >= 1
    assert_no_serious_violations(page)
