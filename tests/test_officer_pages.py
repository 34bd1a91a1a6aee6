"""AppTest with `at.user`: which pages each visitor is given, and what an officer page's URL shows them.

`at.secrets` stands in for `.streamlit/secrets.toml` (and hides a developer's own file); `at.user` for
the claims `st.user` reads from the identity cookie. Opening a page with `switch_page` before the first
run is a first visit to its URL (`/local-data`): Streamlit resolves it by file name, as on a cold server."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from rutland_data.navigation import PAGES, pages_for
from rutland_data.settings import PROJECT_ROOT
from rutland_data.ui.auth import HOW_TO_TURN_ON
from tests.conftest import APP_FILE

AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "test-cookie-secret-0123456789",
        "client_id": "dashboard", "client_secret": "not-a-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
ROLE = {"officer_claim": "roles", "officer_role": "education-officer"}
OFFICER = {"is_logged_in": True, "email": "Sam.Officer@Rutland.gov.uk", "email_verified": True, "name": "Sam Officer"}
LOCAL_DATA = "pages/local-data.py"
PAGE_CONTENT = "Everything on this page is for officers only."   # a line only the officer page itself writes


@pytest.fixture
def visit(demo_db, monkeypatch):
    """visit(user, secrets, page=None): a new session's first visit, to the root or to `page` by its URL."""
    monkeypatch.setenv("DASHBOARD_DB", str(demo_db))
    monkeypatch.setenv("DASHBOARD_OFFICERS", "@rutland.gov.uk, chair@example.org")

    def run(user: dict, secrets: dict, page: str | None = None) -> AppTest:
        at = AppTest.from_file(APP_FILE, default_timeout=120)
        at.secrets = {"dashboard": {}, **secrets}
        at.user = user
        if page:
            at.switch_page(page)
        at.run()
        assert not at.exception, at.exception[0].message
        return at
    return run


def menu(at) -> list[str]:
    return [link.proto.label for link in at.sidebar.get("page_link")]


def everything(at) -> str:
    return "\n".join([e.value for e in (*at.title, *at.markdown, *at.caption, *at.info)])


def assert_prompt_only(at, says: str) -> None:
    assert [t.value for t in at.title] == ["Sign in required"]
    assert says in everything(at)
    assert PAGE_CONTENT not in everything(at)
    assert "Local data" not in menu(at)
    assert menu(at)[-1] == "Accessibility statement", "the sidebar is app.py's: the prompt was served through app.py"


def test_without_auth_the_app_is_public_pages_only_as_before(visit):
    at = visit({"email": "test@example.com"}, {})
    assert menu(at) == [entry.title for entry in sorted(pages_for(officer=False), key=_menu_order)]
    assert not [b for b in at.sidebar.button if b.label in ("Sign in", "Sign out")]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(LOCAL_DATA)

    at.switch_page("pages/about.py").run()
    about = everything(at)
    assert "Officer sign-in is **off**" in about and HOW_TO_TURN_ON in about


def test_without_auth_the_officer_url_says_how_to_turn_sign_in_on(visit):
    at = visit({"email": "test@example.com"}, {}, page=LOCAL_DATA)
    assert_prompt_only(at, HOW_TO_TURN_ON)
    assert not at.button


def test_a_visitor_not_signed_in_gets_a_sign_in_button_and_no_officer_page(visit):
    at = visit({"is_logged_in": False}, {"auth": AUTH})
    assert "Local data" not in menu(at)
    assert [b.key for b in at.sidebar.button] == ["sign-in"]

    at = visit({"is_logged_in": False}, {"auth": AUTH}, page=LOCAL_DATA)
    assert_prompt_only(at, "Sign in with your council account")
    assert [b.key for b in at.main.button] == ["sign-in-prompt"]
    at.run()  # a rerun of the same session stays on the prompt
    assert_prompt_only(at, "Sign in with your council account")


@pytest.mark.parametrize("user", [
    {"is_logged_in": True, "email": "eve@evilrutland.gov.uk", "name": "Eve"},
    {"is_logged_in": True, "email": "eve@rutland.gov.uk", "email_verified": False, "name": "Eve"},
    {"is_logged_in": True, "email": "eve@example.org", "roles": ["education-officer"], "name": "Eve"},  # no role rule
], ids=["lookalike-domain", "unverified-email", "role-without-role-rule"])
def test_a_signed_in_non_officer_sees_public_pages_and_a_prompt(visit, user):
    at = visit(user, {"auth": AUTH})
    assert "Local data" not in menu(at)
    assert "Signed in as **Eve**" in everything(at)
    assert [b.key for b in at.sidebar.button] == ["sign-out"]

    at = visit(user, {"auth": AUTH}, page=LOCAL_DATA)
    assert_prompt_only(at, "which is not an officer account")


def test_an_officer_sees_the_officer_page_in_the_menu_and_at_its_url(visit):
    at = visit(OFFICER, {"auth": AUTH})
    assert menu(at) == [entry.title for entry in sorted(PAGES, key=_menu_order)]
    assert "**Officers**" in [m.value for m in at.sidebar.markdown]
    assert "Signed in as **Sam Officer**" in everything(at)

    at = visit(OFFICER, {"auth": AUTH}, page=LOCAL_DATA)
    assert [t.value for t in at.title] == ["Local data"]
    assert PAGE_CONTENT in everything(at)
    assert "You see this page because your e-mail address is at @rutland.gov.uk." in everything(at)


def test_an_officer_by_role_claim(visit):
    user = {"is_logged_in": True, "email": "pat@gmail.com", "roles": ["reader", "education-officer"], "name": "Pat"}
    at = visit(user, {"auth": AUTH, "dashboard": ROLE}, page=LOCAL_DATA)
    assert [t.value for t in at.title] == ["Local data"]
    assert "because your account has the role education-officer" in everything(at)


def test_incomplete_auth_settings_offer_no_sign_in_and_raise_nothing(visit):
    incomplete = {key: value for key, value in AUTH.items() if key != "client_secret"}
    at = visit(OFFICER, {"auth": incomplete})
    assert not at.sidebar.button and "Local data" not in menu(at)
    assert "Officer sign-in is unavailable" in everything(at)
    at = visit(OFFICER, {"auth": incomplete}, page=LOCAL_DATA)
    assert_prompt_only(at, "its settings are incomplete")


def test_the_officer_page_run_on_its_own_checks_for_itself(demo_db, monkeypatch):
    """Its file run alone (as a cold server's first visit does, before app.py has declared the pages)."""
    monkeypatch.setenv("DASHBOARD_DB", str(demo_db))
    monkeypatch.setenv("DASHBOARD_OFFICERS", "@rutland.gov.uk")
    at = AppTest.from_file(str(PROJECT_ROOT / LOCAL_DATA), default_timeout=60)
    at.secrets = {"auth": AUTH}
    at.user = {"is_logged_in": True, "email": "eve@evilrutland.gov.uk", "name": "Eve"}
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in required"]
    assert PAGE_CONTENT not in everything(at)

    at.user = OFFICER
    at.run()
    assert [t.value for t in at.title] == ["Local data"]


def _menu_order(entry) -> int:
    """app.py lists the pages section by section, in the order the sections first appear."""
    sections = list(dict.fromkeys(e.section for e in PAGES))
    return sections.index(entry.section)
