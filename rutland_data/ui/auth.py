"""Officer sign-in with `st.login` (OpenID Connect), and who on this session is an officer.

Sign-in is on when `.streamlit/secrets.toml` has a complete `[auth]` section (see
`.streamlit/secrets.toml.example`); without one the app is public pages only, as before, and the
About page says how to turn it on. The decision who is an officer is rutland_data/access.py's,
over the claims `st.user` holds and the rules from `DASHBOARD_OFFICERS` and `[dashboard]`.

`st.user` is read from the identity cookie when a session starts: signing in and out both end in
a new session (Streamlit redirects the browser), so one session's answer never changes mid-way.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Mapping

import streamlit as st

from rutland_data import access, settings

_LOG = logging.getLogger(__name__)
# What st.login needs for the default provider (Streamlit's own check, run when st.login is called,
# raises on a missing key: checked here first so a visitor never meets that exception).
REQUIRED_AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
HOW_TO_TURN_ON = (
    "To turn officer sign-in on, register the dashboard with the council's OpenID Connect provider (for example "
    "Microsoft Entra ID), copy `.streamlit/secrets.toml.example` to `.streamlit/secrets.toml`, fill in its `[auth]` "
    "section, say who is an officer (`DASHBOARD_OFFICERS` and/or `[dashboard] officer_claim` and `officer_role`) "
    "and restart the app. The README's *Officer sign-in* section has the details."
)


def _secrets_section(name: str) -> Mapping[str, object] | None:
    """A section of the app's secrets, or None when there is no secrets file or no such section."""
    if not st.secrets.load_if_toml_exists() or name not in st.secrets:
        return None
    section = st.secrets[name]
    return section if isinstance(section, Mapping) else {}


def missing_auth_keys() -> tuple[str, ...] | None:
    """None when sign-in is off (no `[auth]` section); else the required keys it lacks (empty: sign-in is on)."""
    section = _secrets_section("auth")
    if section is None:
        return None
    return tuple(key for key in REQUIRED_AUTH_KEYS if not section.get(key))


def sign_in_on() -> bool:
    return missing_auth_keys() == ()


def signed_in_claims() -> dict[str, object] | None:
    """The signed-in user's identity claims, or None for a visitor who is not signed in (or when sign-in is off)."""
    if not sign_in_on():
        return None
    claims = dict(st.user)
    return claims if claims.get("is_logged_in") is True else None


def officer_rules() -> access.OfficerRules:
    dashboard = _secrets_section("dashboard") or {}
    claim, role = dashboard.get("officer_claim"), dashboard.get("officer_role")
    rules = access.parse_rules(settings.load().officers, None if claim is None else str(claim),
                               None if role is None else str(role))
    if rules.rejected:
        _report_ignored_entries(rules.rejected)
    return rules


@functools.cache
def _report_ignored_entries(entries: tuple[str, ...]) -> None:
    """Once per server and setting: the log, not the page, is where an administrator looks."""
    _LOG.warning("DASHBOARD_OFFICERS: ignored entries that are neither an e-mail address nor an @domain: %s",
                 ", ".join(entries))


def officer_basis() -> str | None:
    """Why this session's user is an officer, in words, or None when they are not (or nobody is signed in)."""
    claims = signed_in_claims()
    return None if claims is None else access.officer_basis(claims, officer_rules())


def is_officer() -> bool:
    return officer_basis() is not None


def _display_name(claims: Mapping[str, object]) -> str:
    for key in ("name", "email", "preferred_username", "sub"):
        if isinstance(claims.get(key), str) and claims[key]:
            return str(claims[key])
    return "unknown user"


def officer_identity() -> str:
    """Who the records' audit names for this session: the verified e-mail address, else the display name."""
    claims = signed_in_claims() or {}
    return access.verified_email(claims) or _display_name(claims)


def _sign_in_button(key: str, **kwargs) -> None:
    if st.button("Sign in", key=key, icon=":material/login:", **kwargs):
        st.login()


def sidebar_account() -> None:
    """The sidebar's account line: a Sign in button, or who is signed in and Sign out. Nothing when sign-in is off."""
    missing = missing_auth_keys()
    if missing is None:
        return
    if missing:
        st.caption("Officer sign-in is unavailable: its settings are incomplete (see About the data).")
        return
    claims = signed_in_claims()
    if claims is None:
        _sign_in_button("sign-in", help="For council officers: officer pages appear in the menu once you are signed in.")
        return
    st.markdown(f"Signed in as **{_display_name(claims)}**")
    st.caption("Officer" if is_officer() else "Not an officer account: public pages only.")
    if st.button("Sign out", key="sign-out", icon=":material/logout:"):
        st.logout()


def sign_in_prompt() -> None:
    """What anyone but an officer gets at an officer page's URL: why, and how to sign in. Never the page itself."""
    st.title("Sign in required")
    missing = missing_auth_keys()
    if missing is None:
        st.markdown("This page is for council officers. Officer sign-in is not set up on this server, so only the "
                    "public pages are available. " + HOW_TO_TURN_ON)
    elif missing:
        st.markdown("This page is for council officers. Officer sign-in is unavailable on this server: its settings "
                    "are incomplete (see About the data).")
    elif (claims := signed_in_claims()) is None:
        st.markdown("This page is for council officers. Sign in with your council account; officer pages are then "
                    "listed in the menu under **Officers**.")
        _sign_in_button("sign-in-prompt", type="primary")
    else:
        st.markdown(f"You are signed in as **{_display_name(claims)}**, which is not an officer account on this "
                    "dashboard. Officer access is given by the dashboard's administrator.")


def about_sign_in() -> None:
    """The About page's account of sign-in: on or off, what it gates, how to turn it on. Names no officer."""
    missing = missing_auth_keys()
    if missing is None:
        st.markdown("Officer sign-in is **off** on this server: everything shown is public. " + HOW_TO_TURN_ON)
    elif missing:
        st.markdown("Officer sign-in is **unavailable**: the `[auth]` section of the app's secrets lacks "
                    + ", ".join(f"`{key}`" for key in missing) + ". " + HOW_TO_TURN_ON)
    else:
        st.markdown("Officer sign-in is **on**: council officers sign in with the council's account (OpenID Connect). "
                    "Every page above is public; the officer pages (the council's own early returns) are listed "
                    "and served only to a signed-in officer.")
