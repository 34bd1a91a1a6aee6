"""Real browser against a real `streamlit run`: the first visitors of a server with no database, a
cold server's first visit to a deep link, and a rebuild while the server is serving.

These run through Streamlit as users meet it, so they also guard the documented behaviour routing
relies on (rutland_data/ui/routing.py): a page that calls st.navigation switches the whole app from
the pages directory to app.py's navigation. A Streamlit release that changes it fails here."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from urllib.parse import urlsplit

import duckdb
import pytest

from rutland_data.store import db
from rutland_data.navigation import PAGES
from rutland_data.settings import PROJECT_ROOT
from rutland_data.ui.common import FIRST_BUILD_MESSAGE
from tests.test_browser import SCREENSHOTS, browser, screenshot, start_page, streamlit_server, wait_until_rendered  # noqa: F401
from tests.test_build_safety import content_sha256, debris

pytestmark = pytest.mark.browser

TITLES = {entry.url_path: entry.title for entry in PAGES}
# Five different first visits: the root, three deep links (one with a parameter) and the map.
FIRST_VISITS = ["", "headlines", "school?urn=900020", "about", "deprivation-map"]
VERSION = re.compile(r"Data version ([0-9a-f]{12})")
# Remembers whether the page ever showed the first-build message (it is gone once the build is done).
SEEN_BUILD_MESSAGE = """
new MutationObserver(() => {
  if (document.body && document.body.innerText.includes(%r)) window.sawBuildMessage = true;
}).observe(document, {childList: true, subtree: true, characterData: true});
""" % FIRST_BUILD_MESSAGE[:40]


def shown_version(page) -> str:
    """The data version app.py writes in the sidebar (only a run through app.py has it)."""
    match = VERSION.search(page.locator('[data-testid="stSidebar"]').inner_text())
    assert match, "no data version in the sidebar: the page was not run through app.py"
    return match.group(1)


def assert_served_through_app(page, path: str, problems) -> None:
    """The page rendered in app.py's frame: its title, no exception, no menu of file names, no errors."""
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, f"/{path}: {exceptions.first.inner_text()}"
    heading = page.locator("h1").first.inner_text().strip()
    expected = TITLES.get(path.split("?")[0])
    assert heading == expected if expected else heading.endswith("education performance"), (path, heading)
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0, f"/{path}: Streamlit's menu of file names"
    assert page.get_by_text("Page not found").count() == 0, f"/{path}: 'Page not found'"
    assert urlsplit(page.url).path == "/" + path.split("?")[0], (path, page.url)
    assert not problems.all(), f"/{path}: " + "\n".join(problems.all())


def test_first_visitors_of_a_server_without_database(browser, tmp_path):  # noqa: F811 (pytest fixture)
    """Five pages opened at once on a fresh server with no database: they wait for one demo build with a
    message, then every page renders through app.py, with no exception and the same data version."""
    target = tmp_path / "data" / "rutland.duckdb"
    log = tmp_path / "streamlit.log"
    with streamlit_server(target, log) as base:
        opened = [(path, *start_page(browser, f"{base}/{path}", init_script=SEEN_BUILD_MESSAGE))
                  for path in FIRST_VISITS]
        versions, waited = [], 0
        try:
            for path, page, problems in opened:
                wait_until_rendered(page)
                screenshot(page, SCREENSHOTS / "first-visitors" / f"{path.split('?')[0] or 'overview'}.png")
                assert_served_through_app(page, path, problems)
                versions.append(shown_version(page))
                waited += bool(page.evaluate("window.sawBuildMessage === true"))
        finally:
            for _, page, _ in opened:
                page.close()
    builds = log.read_text().count("built the demonstration database")
    print(f"first visitors: {len(opened)} pages, no exception, {builds} build(s), {waited} saw the build message, "
          f"data version {versions[0]}")
    assert builds == 1, log.read_text()[-3000:]
    assert len(set(versions)) == 1
    assert versions[0] == content_sha256(target)[:12]
    assert waited >= 2, "the visitors did not arrive while the build ran, so the test proved nothing"
    assert debris(target.parent) == []


def test_a_cold_servers_first_visit_to_a_deep_link_runs_through_app_py(browser, demo_db, tmp_path):  # noqa: F811
    """The very first visit of a freshly started server is a deep link: app.py's sidebar (filters, menu,
    data version) is there, and Streamlit's own menu of file names is not."""
    with streamlit_server(demo_db, tmp_path / "streamlit.log") as base:
        page, problems = start_page(browser, f"{base}/headlines", "?comparator=Region")
        try:
            wait_until_rendered(page)
            assert_served_through_app(page, "headlines", problems)
            assert page.get_by_role("radio", name="Region").is_checked(), "the URL's filter reached app.py's sidebar"
            assert shown_version(page)
        finally:
            page.close()


def test_a_rebuild_while_serving_reaches_new_visits_and_open_sessions(browser, demo_db, tmp_path):  # noqa: F811
    """The first build differs from the demo (one build_info row); `build --demo` then replaces it while the
    server is serving. A new visit shows the new data version, and so does an open session once it reruns."""
    target = tmp_path / "live.duckdb"
    shutil.copyfile(demo_db, target)
    with duckdb.connect(str(target)) as writable:
        db.set_build_info(writable, "mode", "demo, first build of the rebuild test")
        first = db.content_digest(writable)
        db.set_build_info(writable, "content_sha256", first)
    with streamlit_server(target, tmp_path / "streamlit.log") as base:
        existing, problems = start_page(browser, f"{base}/headlines")
        try:
            wait_until_rendered(existing)
            before = shown_version(existing)
            assert before == first[:12]

            rebuilt = subprocess.run([sys.executable, "-m", "rutland_data", "build", "--demo"], cwd=PROJECT_ROOT,
                                     env={**os.environ, "DASHBOARD_DB": str(target)},
                                     capture_output=True, text=True, timeout=120)
            assert rebuilt.returncode == 0, rebuilt.stderr
            second = re.search(r"content sha256 ([0-9a-f]{64})", rebuilt.stdout).group(1)
            assert second != first

            visit, visit_problems = start_page(browser, f"{base}/about")
            wait_until_rendered(visit)
            assert shown_version(visit) == second[:12], "a new visit still sees the replaced build"
            assert not visit_problems.all()
            visit.close()

            # Any widget change reruns the session.
            existing.locator('[data-testid="stSidebar"]').get_by_text("Region", exact=True).click()
            existing.wait_for_function("version => document.querySelector('[data-testid=\"stSidebar\"]')"
                                       ".innerText.includes('Data version ' + version)", arg=second[:12],
                                       timeout=60_000)
            wait_until_rendered(existing)
            assert existing.locator('[data-testid="stException"]').count() == 0
            assert not problems.all()
            print(f"rebuild while serving: data version {before} -> new visit {second[:12]}, "
                  f"open session after rerun {shown_version(existing)}")
        finally:
            existing.close()
