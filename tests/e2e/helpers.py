"""Helpers for browser tests: log in through the real form, and check a page with axe-core.

Import from other browser tests as `from tests.e2e.helpers import assert_no_serious_violations, login`.
"""

from __future__ import annotations

from importlib import resources

from django.urls import reverse

from tests.factories import TEST_PASSWORD

# axe-core as bundled by the axe-playwright-python package (pinned in pyproject), so that the
# accessibility check needs no network and no npm.
AXE_SCRIPT = (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")

# WCAG 2.0 and 2.1, levels A and AA: the level the Act on the Provision of Digital Services (306/2019)
# requires of the Finnish public sector.
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
SERIOUS_IMPACTS = ("serious", "critical")

_RUN_AXE = """async ([context, tags]) => {
  const results = await axe.run(context || document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations;
}"""


def run_axe(page, *, context: str | None = None) -> list[dict]:
    """Run axe-core's WCAG 2.0/2.1 A and AA rules on the page (or a CSS selector) and return the violations."""
    # evaluate() goes through the DevTools protocol, so a Content-Security-Policy that forbids inline
    # scripts (django-csp) does not stop the injection the way add_script_tag would be stopped.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    return page.evaluate(_RUN_AXE, [context, list(WCAG_TAGS)])


def format_violations(violations: list[dict], *, max_targets: int = 3) -> str:
    """One line per violation: rule id, impact, help text, and the first target selectors."""
    lines = []
    for violation in violations:
        targets = [" ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
                   for node in violation["nodes"][:max_targets]]
        more = len(violation["nodes"]) - len(targets)
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} -> {targets}"
                     + (f" and {more} more" if more > 0 else ""))
    return "\n".join(lines)


def assert_no_serious_violations(page, *, context: str | None = None) -> list[dict]:
    """Fail listing every serious or critical axe-core violation; return all violations for further checks."""
    violations = run_axe(page, context=context)
    serious = [v for v in violations if v.get("impact") in SERIOUS_IMPACTS]
    assert not serious, (f"{len(serious)} serious/critical accessibility violation(s) on {page.url}:\n"
                         + format_violations(serious))
    return violations


def login(page, live_server, username: str, password: str = TEST_PASSWORD) -> None:
    """Log in through the real login form and wait for the front page; fail with the page's error if refused."""
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    home = live_server.url + reverse("home")
    if page.url != home:
        problem = page.locator(".error-summary").all_inner_texts() or [page.title()]
        raise AssertionError(f"login as {username!r} failed at {page.url}: {' '.join(problem)}")
