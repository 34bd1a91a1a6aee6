"""Real browser: Playwright drives Debian's Chromium against `streamlit run` on 127.0.0.1.

Opens every public page in the navigation, on the demo database and on real builds from ../shared/data for
Rutland and for Hampshire (skipped without it, run in CI), waits until the script has finished and its charts
are drawn, fails on any exception element, console error or page error, checks accessibility with axe-core,
and saves a screenshot per page in artifacts/screenshots/ (real builds: artifacts/screenshots/real/ and
hampshire/). A keyboard check reaches a chart's table with Tab and Enter alone.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bench import server as bench_server
from rutland_data.navigation import pages_for
from rutland_data.settings import PROJECT_ROOT
from tests.conftest import IN_CI

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# axe impacts that fail the test; 'moderate' and 'minor' findings are printed, not failed.
FAILING_IMPACTS = {"critical", "serious"}

pytestmark = pytest.mark.browser


def _require_browser() -> None:
    missing = [what for what, ok in (("Chromium at /usr/bin/chromium", Path(CHROMIUM).exists()),
                                     ("the playwright package", _has_playwright())) if not ok]
    if missing:
        message = f"browser test needs {' and '.join(missing)} (apt-get install -y chromium; pip install -r requirements-dev.txt)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def _has_playwright() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


def _free_port() -> int:
    return bench_server.free_port()


@contextmanager
def streamlit_server(db_path: Path, log: Path, options: tuple[str, ...] = (), env: dict[str, str] | None = None):
    """`streamlit run app.py` on a free port over `db_path` (which need not exist yet), started the one way the
    benchmarks start it too (bench/server.py); its output goes to `log`. Yields the base URL."""
    _require_browser()
    with bench_server.serve(db_path, log=log, options=options, env=env) as server:
        yield server.base


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    """The app over the shared demo database."""
    with streamlit_server(demo_db, tmp_path_factory.mktemp("server") / "streamlit.log") as base:
        yield base


# Each build the pages are opened on: its database fixture, the LA the server is set to, its screenshot folder.
BUILDS = {"demo": ("demo_db", "857", SCREENSHOTS), "real": ("real_db", "857", SCREENSHOTS / "real"),
          "hampshire": ("real_db_hampshire", "850", SCREENSHOTS / "hampshire")}


@pytest.fixture(scope="module", params=list(BUILDS))
def served(request, tmp_path_factory):
    """(base URL, screenshot folder): the app over the demo database, then over real builds of ../shared/data
    for Rutland and for Hampshire (a large LA: many schools, wards and areas; DASHBOARD_LA=850), skipped with a
    reason on a machine without ../shared, run when CI=true."""
    fixture, la_code, screenshots = BUILDS[request.param]
    db_path = request.getfixturevalue(fixture)
    with streamlit_server(db_path, tmp_path_factory.mktemp(request.param) / "streamlit.log",
                          env={"DASHBOARD_LA": la_code}) as base:
        yield base, screenshots


@pytest.fixture(scope="module")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


# The script run has finished (Streamlit's own end-to-end tests read this attribute), nothing on the page
# is left over from an earlier run, and every chart has drawn its SVG (or canvas) and every map its canvas.
RENDERED = """() => document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState === 'notRunning'
                 && document.querySelector('h1')
                 && !document.querySelector('[data-testid="stSkeleton"], [data-stale="true"]')
                 && [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
                     .every(chart => chart.querySelector('svg, canvas'))
                 && [...document.querySelectorAll('[data-testid="stDeckGlJsonChart"]')]
                     .every(map => map.querySelector('canvas'))"""


def wait_until_rendered(page, timeout_ms: int = 90_000) -> None:
    page.wait_for_function(RENDERED, timeout=timeout_ms)


def _is_base_path_probe(url: str, page_path: str) -> bool:
    """On a deep link (/headlines) Streamlit's frontend first looks for its server under the page's
    own path (/headlines/_stcore/health, .../host-config), gets 404, then uses the root. Those two
    probes are the framework finding its base path, not a fault of the page; nothing else is excused."""
    return page_path != "" and url.split("?")[0].endswith(
        (f"/{page_path}/_stcore/health", f"/{page_path}/_stcore/host-config"))


@dataclass
class PageProblems:
    """What went wrong while one page loaded: failed requests, console errors, page errors."""

    page_path: str
    found: list[str] = field(default_factory=list)
    probes: set[str] = field(default_factory=set)
    console_404s: list[str] = field(default_factory=list)

    def on_response(self, response) -> None:
        if response.status >= 400:
            if _is_base_path_probe(response.url, self.page_path):
                self.probes.add(response.url)
            else:
                self.found.append(f"HTTP {response.status}: {response.url}")

    def on_console(self, message) -> None:
        # Chromium reports each failed request once more as a console error without its URL;
        # those are matched against the excused probes once the page has rendered.
        if message.type == "error":
            if "status of 404" in message.text:
                self.console_404s.append(message.text)
            else:
                self.found.append(f"console {message.type}: {message.text}")

    def all(self) -> list[str]:
        return self.found + self.console_404s[len(self.probes):]


def start_page(browser, url: str, query: str = "", init_script: str | None = None):
    """Open `url`, recording its problems; returns as soon as the navigation has committed, so several
    pages can load at the same time. `init_script` runs in the page before any of its own scripts."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    if init_script:
        page.add_init_script(init_script)
    problems = PageProblems(url.split("?")[0].rstrip("/").rsplit("/", 1)[-1])
    page.on("response", problems.on_response)
    page.on("console", problems.on_console)
    page.on("pageerror", lambda error: problems.found.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: problems.found.append(f"request failed: {request.url} ({request.failure})"))
    page.goto(url + query, wait_until="commit")
    return page, problems


def screenshot(page, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its main block, so the window is made as tall as that
    block for the picture (a full-page screenshot alone would stop at the window's height)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    window = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight ?? 0")
    page.set_viewport_size({"width": window["width"], "height": max(window["height"], height)})
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(window)


def open_page(browser, url: str, screenshot_path: Path, query: str = ""):
    """Open a page, wait until it has rendered, save its screenshot; the page and its problems."""
    page, problems = start_page(browser, url, query)
    wait_until_rendered(page)
    screenshot(page, screenshot_path)
    return page, problems.all()


PUBLIC_PAGES = pages_for(officer=False)   # officer pages: tests/test_officer_browser.py


@pytest.mark.parametrize("entry", PUBLIC_PAGES, ids=[p.url_path for p in PUBLIC_PAGES])
def test_page_opens_without_errors_and_passes_axe(served, browser, entry):
    base, screenshots = served
    path = "" if entry.default else entry.url_path  # the default page lives at the root URL
    page, problems = open_page(browser, f"{base}/{path}", screenshots / f"{entry.url_path}.png")
    try:
        exceptions = page.locator('[data-testid="stException"]')
        assert exceptions.count() == 0, exceptions.first.inner_text()
        heading = page.locator("h1").first.inner_text().strip()
        assert heading == entry.title or (entry.default and heading.endswith("education performance")), heading
        assert not problems, "\n".join(problems)

        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(page)
        violations = results.response["violations"]
        for violation in violations:
            targets = [node["target"] for node in violation["nodes"]][:3]
            print(f"axe {violation['impact']}: {violation['id']} - {violation['help']} at {targets}")
        failing = [v["id"] for v in violations if v["impact"] in FAILING_IMPACTS]
        assert not failing, f"axe serious/critical violations on {entry.url_path}: {failing}"
    finally:
        page.close()


def test_a_charts_table_is_reached_and_opened_with_the_keyboard_alone(server, browser):
    """Tab from the top of Headline trends to the first chart's 'Show data' control, Enter opens it: the chart's
    description and its table are then on screen, no mouse used."""
    page, problems = start_page(browser, f"{server}/headlines")
    try:
        wait_until_rendered(page)
        page.locator("body").focus()
        for _ in range(80):
            page.keyboard.press("Tab")
            focused = page.evaluate("() => document.activeElement.matches('summary') ? document.activeElement.innerText : ''")
            if "Show data:" in focused:   # the summary of the chart's expander (its icon name comes first)
                break
        else:
            pytest.fail("Tab never reached a chart's 'Show data' control")
        assert page.evaluate("() => document.activeElement.matches(':focus-visible')"), "focus must be visible"
        page.keyboard.press("Enter")
        page.wait_for_function("""() => {
            const details = document.activeElement.closest('details');
            const text = details?.querySelector('strong');
            return details?.open && text?.innerText === 'Chart description.' && text.checkVisibility()
                   && details.querySelector('[data-testid="stDataFrame"]')?.checkVisibility(); }""", timeout=10_000)
        assert not problems.all(), "\n".join(problems.all())
    finally:
        page.close()
