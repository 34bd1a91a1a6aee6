"""Real browser: a link with ?present=true opens presentation mode - no sidebar, large type, one
message per screen - passes axe, and is screenshotted for review (artifacts/screenshots/)."""
from __future__ import annotations

import pytest

from tests.test_browser import (FAILING_IMPACTS, SCREENSHOTS, browser, open_page, server,  # noqa: F401 (fixtures)
                                wait_until_rendered)

pytestmark = pytest.mark.browser


def test_presentation_mode_from_a_link(server, browser):  # noqa: F811 (pytest fixtures)
    page, problems = open_page(browser, f"{server}/meetings", SCREENSHOTS / "meetings-presentation.png",
                               query="?present=true&year=2016/17&slide=2")
    try:
        assert page.locator('[data-testid="stException"]').count() == 0
        assert not problems, "\n".join(problems)
        assert page.locator("h1").first.inner_text().strip() == "Phonics Y1: above England for five years, gap narrowing"
        assert not page.locator('[data-testid="stSidebar"]').is_visible(), "the sidebar is hidden when presenting"
        message_size = page.locator('[data-testid="stMarkdownContainer"] p', has_text="Change on").first.evaluate(
            "element => parseFloat(getComputedStyle(element).fontSize)")
        assert message_size >= 24, f"presentation type should be large, got {message_size}px"
        page.get_by_role("button", name="Next").click()
        page.wait_for_function("() => location.search.includes('slide=3')", timeout=30_000)
        page.wait_for_selector("h1:has-text('KS1')", timeout=60_000)
        wait_until_rendered(page)  # axe on a half-rerun page sees faded (stale) elements' low contrast
        page.screenshot(path=str(SCREENSHOTS / "meetings-presentation-next.png"), full_page=True)

        from axe_playwright_python.sync_playwright import Axe

        violations = Axe().run(page).response["violations"]
        failing = [(v["id"], [(n["target"], n.get("failureSummary", "")) for n in v["nodes"]])
                   for v in violations if v["impact"] in FAILING_IMPACTS]
        assert not failing, f"axe serious/critical violations in presentation mode: {failing}"
    finally:
        page.close()
