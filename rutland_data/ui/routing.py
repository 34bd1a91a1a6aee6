"""Every run goes through app.py's `st.navigation`, a cold server's first visit to a deep link included.

Streamlit treats a `pages/` folder beside the entry point as an old-style multipage app until some
session calls `st.navigation`; from then on it ignores the folder in every session (documented for
`st.navigation` and for the pages directory). So on a freshly started server the first visit to
`/headlines` runs `pages/headlines.py` on its own: no sidebar filters, no data version. The page's
first helper call (`through_app`) then declares the app's pages itself - which switches the server to
`st.navigation` for good - and reruns, and the rerun goes through app.py. Only public API is used; the
browser test opens deep links on a cold server and fails if a Streamlit release changes this.

Officer pages are declared only for a signed-in officer. For anyone else their URLs stay declared,
but as a sign-in prompt (`auth.sign_in_prompt`), so `/local-data` says why there is nothing there
instead of Streamlit's "page not found" and the page's file never runs. The page itself checks again
(`common.officer_page_header`): on a cold server's first visit it runs on its own before any of this.
"""
from __future__ import annotations

import base64
import threading
from typing import TYPE_CHECKING

import streamlit as st

from rutland_data.navigation import PAGES, PageEntry, pages_for
from rutland_data.settings import PROJECT_ROOT
from rutland_data.ui import auth

if TYPE_CHECKING:
    from streamlit.navigation.page import StreamlitPage  # what st.Page returns

# A local favicon: material-icon favicons (a page's icon, when no favicon is set) would be fetched from the
# internet, which an intranet blocks. As a data URL (321 bytes), read once: given a file, st.set_page_config opens
# the image and files it with the media manager on every rerun.
FAVICON = "data:image/png;base64," + base64.b64encode(
    (PROJECT_ROOT / ".streamlit" / "favicon.png").read_bytes()).decode()
# Set while app.py runs the page its navigation chose (one script thread per session run).
_run = threading.local()
# Session flag: this session handed a page run over to app.py and is waiting for the rerun to get there.
_HANDED_OFF = "_routing_handed_off"
# Session state: the page objects declared for this session, by whether it is an officer's (see `_declared`).
_DECLARED = "_routing_pages_officer_"


def navigation() -> tuple[dict[PageEntry, StreamlitPage], StreamlitPage]:
    """Declare the app's pages (menu hidden: app.py draws its own) and return the ones this visitor may see,
    for the menu, with the page to run."""
    pages, prompts = _declared(auth.is_officer())
    return pages, st.navigation([*pages.values(), *prompts], position="hidden")


def _declared(officer: bool) -> tuple[dict[PageEntry, StreamlitPage], list[StreamlitPage]]:
    """The session's page objects for an officer or anyone else, made on its first run as either: st.Page checks
    each file on the disk, which was a tenth of a plain page's rerun (bench/served.py). They are the session's own,
    since st.navigation marks the page it chose on the object."""
    key = f"{_DECLARED}{officer}"
    if key not in st.session_state:
        pages = {entry: st.Page(PROJECT_ROOT / entry.file, title=entry.title, url_path=entry.url_path,
                                icon=entry.icon, default=entry.default) for entry in pages_for(officer=officer)}
        prompts = [st.Page(_sign_in_prompt, title="Sign in required", url_path=entry.url_path, icon=":material/lock:")
                   for entry in PAGES if entry not in pages]
        st.session_state[key] = pages, prompts
    return st.session_state[key]


def link_target(file: str) -> StreamlitPage | str:
    """What `st.page_link` should be given for the page in `file`: this session's page object once app.py has
    declared it (a path is looked up on the disk on every call), else the path itself."""
    declared = st.session_state.get(f"{_DECLARED}{auth.is_officer()}")
    pages = declared[0] if declared else {}
    return next((page for entry, page in pages.items() if entry.file == file), file)


def _sign_in_prompt() -> None:
    """What an officer page's URL serves anyone else; a page like the others, so it too ends a hand-over."""
    through_app()
    auth.sign_in_prompt()


def run(page: StreamlitPage) -> None:
    """app.py: run the chosen page, marked as reached through app.py."""
    _run.through_app = True
    try:
        page.run()
    finally:
        _run.through_app = False


def through_app() -> None:
    """Hand a page run that did not come through app.py over to it (see the module docstring).

    A page that is itself the script being run (a test opening one page on its own) never reaches
    app.py: once handed over without getting there, it goes ahead on its own."""
    if getattr(_run, "through_app", False):
        if _HANDED_OFF in st.session_state:
            del st.session_state[_HANDED_OFF]
        return
    if st.session_state.get(_HANDED_OFF):
        return
    st.session_state[_HANDED_OFF] = True
    st.set_page_config(page_icon=FAVICON)
    navigation()
    st.rerun()
