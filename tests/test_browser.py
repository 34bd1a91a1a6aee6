"""Real browser: Playwright drives Debian's Chromium against `streamlit run` on 127.0.0.1.

Opens every page in the navigation, waits until the script has finished, fails on any
exception element, console error or page error, checks accessibility with axe-core,
and saves a screenshot per page in artifacts/screenshots/.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from rutland_data.navigation import PAGES
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
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_db):
    _require_browser()
    port = _free_port()
    env = {**os.environ, "DASHBOARD_DB": str(demo_db)}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail(f"streamlit did not start: {process.stdout.read().decode(errors='replace')[-2000:]}")
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def wait_until_rendered(page, timeout_ms: int = 90_000) -> None:
    """Streamlit is done when the page title is drawn and the 'running' status has gone."""
    page.wait_for_selector("h1", timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
        timeout=timeout_ms,
    )
    page.wait_for_timeout(1500)  # let charts and maps finish drawing for the screenshot


def _is_base_path_probe(url: str, page_path: str) -> bool:
    """On a deep link (/headlines) Streamlit's frontend first looks for its server under the page's
    own path (/headlines/_stcore/health, .../host-config), gets 404, then uses the root. Those two
    probes are the framework finding its base path, not a fault of the page; nothing else is excused."""
    return page_path != "" and url.split("?")[0].endswith(
        (f"/{page_path}/_stcore/health", f"/{page_path}/_stcore/host-config"))


def open_page(browser, url: str, screenshot: Path, query: str = ""):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page_path = url.rstrip("/").rsplit("/", 1)[-1]
    probes: set[str] = set()
    console_404s: list[str] = []
    problems: list[str] = []

    def on_response(response):
        if response.status >= 400:
            if _is_base_path_probe(response.url, page_path):
                probes.add(response.url)
            else:
                problems.append(f"HTTP {response.status}: {response.url}")

    def on_console(message):
        # Chromium reports each failed request once more as a console error without its URL;
        # those are matched against the excused probes once the page has rendered.
        if message.type == "error":
            if "status of 404" in message.text:
                console_404s.append(message.text)
            else:
                problems.append(f"console {message.type}: {message.text}")

    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url} ({request.failure})"))
    page.goto(url + query, wait_until="domcontentloaded")
    wait_until_rendered(page)
    problems.extend(console_404s[len(probes):])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot), full_page=True)
    return page, problems


@pytest.mark.parametrize("entry", PAGES, ids=[p.url_path for p in PAGES])
def test_page_opens_without_errors_and_passes_axe(server, browser, entry):
    path = "" if entry.default else entry.url_path  # the default page lives at the root URL
    page, problems = open_page(browser, f"{server}/{path}", SCREENSHOTS / f"{entry.url_path}.png")
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
