"""Who is a council officer, and which data only officers may see.

Pure functions over a signed-in user's identity claims (what the OIDC provider put in the ID
token, as `st.user` hands them over) and the configured rules, so the decision is tested on
hand-made claims without a provider or a browser.

An officer is a signed-in user who matches at least one rule:
- `DASHBOARD_OFFICERS`: comma-separated e-mail addresses (`jo.bloggs@rutland.gov.uk`) and
  `@domain` entries (`@rutland.gov.uk`). Compared case-insensitively. A domain entry matches
  that exact domain only: not `evilrutland.gov.uk`, and not a subdomain such as
  `schools.rutland.gov.uk` (list it separately if it should count).
- a role claim: `[dashboard] officer_claim` names a claim of the ID token (e.g. `roles`) and
  `officer_role` the value that makes an officer. The claim may be one string or a list of
  strings; the role is compared exactly, as identity providers define roles.

E-mail rules use the `email` claim only, and only when the provider has not said it is
unverified: an `email_verified` of false (or the string "false", as some providers send it)
means the address does not count. A token with no `email_verified` claim at all counts: the
council's own directory (Microsoft Entra ID among others) issues its addresses without that
claim, and a provider that lets users type in unverified addresses does send it. The role rule
does not depend on the e-mail.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

Function = TypeVar("Function", bound=Callable)


@dataclass(frozen=True)
class OfficerRules:
    emails: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()   # without the '@', lower case
    role_claim: str | None = None
    role: str | None = None
    rejected: tuple[str, ...] = ()          # entries that are neither an address nor an @domain: ignored

    @property
    def any_rule(self) -> bool:
        return bool(self.emails or self.domains or (self.role_claim and self.role))


def _is_address(text: str) -> bool:
    local, at, domain = text.partition("@")
    return bool(local and at and domain) and "@" not in domain


def parse_rules(officers: str, role_claim: str | None = None, role: str | None = None) -> OfficerRules:
    """The rules from `DASHBOARD_OFFICERS` and the role-claim settings; bad entries are kept aside to report."""
    emails, domains, rejected = set(), set(), []
    for entry in (part.strip().lower() for part in officers.split(",")):
        if not entry:
            continue
        if entry.startswith("@") and _is_address("x" + entry):
            domains.add(entry[1:])
        elif _is_address(entry):
            emails.add(entry)
        else:
            rejected.append(entry)
    return OfficerRules(frozenset(emails), frozenset(domains), (role_claim or "").strip() or None,
                        (role or "").strip() or None, tuple(rejected))


def verified_email(claims: Mapping[str, object]) -> str | None:
    """The user's e-mail address in lower case, or None when there is none or the provider says it is unverified."""
    email = claims.get("email")
    if not isinstance(email, str) or not _is_address(email.strip()):
        return None
    verified = claims.get("email_verified", True)
    if verified is False or (isinstance(verified, str) and verified.strip().lower() == "false"):
        return None
    return email.strip().lower()


def officer_basis(claims: Mapping[str, object], rules: OfficerRules) -> str | None:
    """Which rule makes these claims an officer's, in words (shown to the officer), or None if none does."""
    email = verified_email(claims)
    if email is not None:
        if email in rules.emails:
            return "your e-mail address is on the officer list"
        domain = email.rpartition("@")[2]
        if domain in rules.domains:
            return f"your e-mail address is at @{domain}"
    if rules.role_claim and rules.role:
        value = claims.get(rules.role_claim)
        values = [value] if isinstance(value, str) else value if isinstance(value, (list, tuple)) else []
        if rules.role in values:
            return f"your account has the role {rules.role}"
    return None


def is_officer(claims: Mapping[str, object], rules: OfficerRules) -> bool:
    return officer_basis(claims, rules) is not None


def officer_only(function: Function) -> Function:
    """Mark a query whose result only officers may see (unvalidated or LA-held figures).

    The UI's public `query` refuses such a function and its `officer_query` runs it only for an
    officer, in a cache of its own (rutland_data/ui/common.py), so no public session can read it."""
    function.officer_only = True
    return function


def is_officer_only(function: Callable) -> bool:
    return getattr(function, "officer_only", False) is True
