"""Officer sign-in end to end: a real Chromium signs in through a local OpenID Connect provider.

The provider is `oidc-provider-mock` on 127.0.0.1 (its login form offers predefined users); the app is
`streamlit run app.py` with a secrets file generated for the test in a temporary folder, passed with
Streamlit's `secrets.files` option (the project's own .streamlit/secrets.toml, if any, is not read).
The signed-in officer uploads a hand-made local return (demo schools) through the page's file uploader and
sees its figures, marked unvalidated; signed out, and as a non-officer, nothing of it shows.
Screenshots of every step: artifacts/screenshots/officer/."""
from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.test_browser import (FAILING_IMPACTS, SCREENSHOTS, _free_port, _require_browser, browser,  # noqa: F401
                                screenshot, streamlit_server, wait_until_rendered)

pytestmark = pytest.mark.browser

SHOTS = SCREENSHOTS / "officer"
OFFICER = {"sub": "sam.officer", "email": "Sam.Officer@Rutland.gov.uk", "email_verified": True, "name": "Sam Officer"}
OUTSIDER = {"sub": "eve.outsider", "email": "eve@evilrutland.gov.uk", "email_verified": True, "name": "Eve Outsider"}
PAGE_CONTENT = "Everything on this page is for officers only."   # written only by the officer page itself
# Only the two local servers are reached: the provider's form asks for a stylesheet on a CDN, which is refused
# at once instead of being waited for.
# A hand-made return for two demo schools (invented URNs 9xxxxx).
LOCAL_RETURN = ("urn,measure_id,academic_year,cohort,met,percent,score,code\n"
                "900001,eyfs_gld,2024/25,28,20,,,\n900003,phonics_y1,2024/25,30,24,80,,\n")
UNVALIDATED = "Unvalidated: the council's own return, not for publication"
NOT_LOCAL = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")


@contextmanager
def oidc_provider(log: Path, users: list[dict]):
    """`python -m oidc_provider_mock` on 127.0.0.1 and a free port, offering `users` on its login form."""
    port = _free_port()
    command = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    for user in users:
        command += ["--user-claims", json.dumps(user)]
    with open(log, "wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while not _answers(f"{base}/.well-known/openid-configuration"):
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail(f"the OIDC provider did not start: {log.read_text(errors='replace')[-2000:]}")
                time.sleep(0.2)  # polling interval while the provider starts
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def secrets_file(folder: Path, provider: str) -> Path:
    """The [auth] section a council would write, for the local provider ({port}: Streamlit fills in its own)."""
    path = folder / "secrets.toml"
    path.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        'client_id = "rutland-dashboard"\n'
        f'client_secret = "{secrets.token_urlsafe(16)}"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def signed_in_app(demo_db, tmp_path_factory):
    """(app URL, provider URL): the app over the demo database with sign-in on and @rutland.gov.uk officers."""
    _require_browser()  # skips (fails in CI) before starting anything when Chromium is missing
    folder = tmp_path_factory.mktemp("officer")
    with oidc_provider(folder / "provider.log", [OFFICER, OUTSIDER]) as provider:
        options = ("--secrets.files", str(secrets_file(folder, provider)))
        # The local provider speaks plain http; Authlib accepts that only when told to (a council's is https).
        env = {"DASHBOARD_OFFICERS": "@rutland.gov.uk", "AUTHLIB_INSECURE_TRANSPORT": "1",
               "DASHBOARD_LOCAL_DB": str(folder / "local_returns.duckdb")}
        (folder / "early_returns_2025.csv").write_text(LOCAL_RETURN, encoding="utf-8")
        with streamlit_server(demo_db, folder / "streamlit.log", options, env) as base:
            yield base, provider, folder / "early_returns_2025.csv"


class Visit:
    """One browser (one cookie jar) going through the app, checking every Streamlit page it lands on."""

    def __init__(self, browser, base: str, provider: str):  # noqa: F811 (pytest fixture name)
        self.base, self.provider = base, provider
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.context.route(NOT_LOCAL, lambda route: route.abort())
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        self.page.on("response", lambda r: r.status >= 500 and self.errors.append(f"HTTP {r.status}: {r.url}"))

    def rendered(self, shot: str) -> str:
        """Wait for the app's run to finish; screenshot; no exception, no error; the page's text."""
        wait_until_rendered(self.page)
        screenshot(self.page, SHOTS / f"{shot}.png")
        exceptions = self.page.locator('[data-testid="stException"]')
        assert exceptions.count() == 0, exceptions.first.inner_text()
        assert not self.errors, "\n".join(self.errors)
        return self.page.locator('[data-testid="stApp"]').inner_text()

    def assert_accessible(self) -> None:
        """axe-core on the page as it stands, failing on serious and critical findings (as tests/test_browser.py)."""
        from axe_playwright_python.sync_playwright import Axe

        violations = Axe().run(self.page).response["violations"]
        failing = [v["id"] for v in violations if v["impact"] in FAILING_IMPACTS]
        assert not failing, f"axe serious/critical violations at {self.page.url}: {failing}"

    def open(self, path: str, shot: str) -> str:
        self.page.goto(f"{self.base}/{path}")
        return self.rendered(shot)

    @property
    def sidebar(self):
        return self.page.locator('[data-testid="stSidebar"]')

    def heading(self) -> str:
        return self.page.locator("h1").first.inner_text().strip()

    def menu_has_local_data(self) -> bool:
        return self.sidebar.get_by_role("link", name="Local data").count() > 0

    def sign_in_as(self, user: dict, shot: str) -> str:
        """Sign in from the sidebar, through the provider's login form, back to the app."""
        self.sidebar.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(f"{self.provider}/oauth2/authorize?*")
        self.page.get_by_role("button", name=user["sub"], exact=True).wait_for()
        screenshot(self.page, SHOTS / f"{shot}-provider-login-form.png")
        self.page.get_by_role("button", name=user["sub"], exact=True).click()
        self.page.wait_for_url(f"{self.base}/")
        self.sidebar.get_by_text(f"Signed in as {user['name']}").wait_for()
        return self.rendered(shot)

    def sign_out(self, shot: str) -> str:
        """Sign out from the sidebar; the provider's end-session page; back at the app, signed out."""
        self.sidebar.get_by_role("button", name="Sign out").click()
        self.page.wait_for_url(f"{self.provider}/oauth2/end_session?*")
        screenshot(self.page, SHOTS / f"{shot}-provider-end-session.png")
        self.page.get_by_role("button", name="End session").click()
        self.page.wait_for_url(f"{self.base}/")
        self.sidebar.get_by_role("button", name="Sign in").wait_for()
        return self.rendered(shot)


def test_an_officer_signs_in_sees_the_officer_page_signs_out_and_cannot_reach_it(signed_in_app, browser):  # noqa: F811
    base, provider, local_return = signed_in_app
    visit = Visit(browser, base, provider)
    try:
        # The server's very first visit is the officer page's URL, by someone not signed in.
        text = visit.open("local-data", "01-anonymous-local-data")
        assert visit.heading() == "Sign in required" and PAGE_CONTENT not in text
        assert "Sign in with your council account" in text
        visit.assert_accessible()

        text = visit.open("", "02-anonymous-overview")
        assert not visit.menu_has_local_data()
        assert visit.sidebar.get_by_role("button", name="Sign in").is_visible()

        text = visit.sign_in_as(OFFICER, "03-officer-signed-in")
        assert visit.menu_has_local_data(), "an officer's menu lists Local data"
        assert "Officer" in visit.sidebar.inner_text()

        visit.sidebar.get_by_role("link", name="Local data").click()
        visit.page.wait_for_url(f"{base}/local-data")
        text = visit.rendered("04-officer-local-data")
        assert visit.heading() == "Local data"
        assert PAGE_CONTENT in text
        assert "You see this page because your e-mail address is at @rutland.gov.uk." in text
        visit.assert_accessible()

        text = visit.open("local-data", "05-officer-local-data-by-url")  # a new session, from the cookie
        assert visit.heading() == "Local data" and PAGE_CONTENT in text
        assert "No local returns are loaded yet." in text

        visit.page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(local_return))
        load = visit.page.get_by_role("button", name="Check and load")
        expect(load).to_be_enabled()   # the file is uploaded and the page has rerun with it
        screenshot(visit.page, SHOTS / "05a-officer-file-chosen.png")
        load.click()
        visit.page.get_by_text("Loaded 2 figures from").wait_for()
        text = visit.rendered("05b-officer-uploaded")
        assert "Loaded 2 figures from early_returns_2025.csv" in text
        loaded = visit.page.locator('[data-testid="stDataFrame"]').filter(has_text="Local figure")
        loaded.wait_for()
        assert "Unvalidated — not for publication" in text
        visit.assert_accessible()
        text = visit.open("schools", "05c-officer-schools-la-held")
        assert "LA-held results: the council's own returns (officers only)" in text
        assert "Unvalidated — not for publication." in text

        visit.sign_out("06-signed-out")
        assert not visit.menu_has_local_data()
        assert not [c for c in visit.context.cookies() if c["name"].startswith("_streamlit_user")]

        text = visit.open("local-data", "07-signed-out-local-data")
        assert visit.heading() == "Sign in required" and PAGE_CONTENT not in text
        assert not visit.menu_has_local_data()
        text = visit.open("schools", "08-signed-out-schools")
        assert "LA-held results" not in text and "Unvalidated" not in text
        print(f"officer sign-in: {len(list(SHOTS.glob('0*.png')))} screenshots in {SHOTS}")
    finally:
        visit.context.close()


def test_a_signed_in_non_officer_gets_no_officer_page(signed_in_app, browser):  # noqa: F811
    base, provider, _ = signed_in_app
    visit = Visit(browser, base, provider)
    try:
        visit.open("", "11-outsider-overview")
        visit.sign_in_as(OUTSIDER, "12-outsider-signed-in")
        assert not visit.menu_has_local_data()
        assert "Not an officer account" in visit.sidebar.inner_text()

        text = visit.open("local-data", "13-outsider-local-data")
        assert visit.heading() == "Sign in required" and PAGE_CONTENT not in text
        assert "You are signed in as Eve Outsider, which is not an officer account" in text
        assert "Brooke Hill Primary" not in text and "Unvalidated" not in text
        text = visit.open("schools", "14-outsider-schools")
        assert "LA-held results" not in text and "Unvalidated" not in text
    finally:
        visit.context.close()
