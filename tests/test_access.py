"""Who is an officer: the rules of rutland_data/access.py on hand-made identity claims."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rutland_data import access

RULES = access.parse_rules(" Jo.Bloggs@Example.org , @rutland.gov.uk,, not-an-address, @, a@b@c ",
                           role_claim="roles", role="education-officer")


def claims(**values):
    return {"is_logged_in": True, "sub": "123", **values}


def test_the_list_is_parsed_into_addresses_and_domains_and_bad_entries_are_set_aside():
    assert RULES.emails == {"jo.bloggs@example.org"}
    assert RULES.domains == {"rutland.gov.uk"}
    assert RULES.rejected == ("not-an-address", "@", "a@b@c")
    assert not access.parse_rules("").any_rule
    assert not access.parse_rules("", role_claim="roles").any_rule, "a claim without a role grants nothing"


def test_a_listed_address_counts_whatever_its_case():
    assert access.is_officer(claims(email="JO.BLOGGS@example.ORG"), RULES)
    assert access.officer_basis(claims(email="jo.bloggs@example.org"), RULES) == "your e-mail address is on the officer list"
    assert not access.is_officer(claims(email="jo.bloggs@example.org.evil.com"), RULES)
    assert not access.is_officer(claims(email="other@example.org"), RULES), "one address does not open its domain"


def test_a_domain_entry_matches_that_domain_only():
    assert access.officer_basis(claims(email="Sam@Rutland.Gov.UK"), RULES) == "your e-mail address is at @rutland.gov.uk"
    assert not access.is_officer(claims(email="sam@evilrutland.gov.uk"), RULES)
    assert not access.is_officer(claims(email="sam@schools.rutland.gov.uk"), RULES), "subdomains are listed separately"
    assert not access.is_officer(claims(email="sam@rutland.gov.uk.example.com"), RULES)
    assert not access.is_officer(claims(email="rutland.gov.uk"), RULES)


def test_an_address_the_provider_calls_unverified_does_not_count():
    assert not access.is_officer(claims(email="sam@rutland.gov.uk", email_verified=False), RULES)
    assert not access.is_officer(claims(email="sam@rutland.gov.uk", email_verified="false"), RULES)
    assert access.is_officer(claims(email="sam@rutland.gov.uk", email_verified=True), RULES)
    assert access.is_officer(claims(email="sam@rutland.gov.uk"), RULES), "no email_verified claim: the directory's own address"


def test_the_role_claim_counts_as_a_string_or_in_a_list_and_exactly():
    assert access.officer_basis(claims(roles=["reader", "education-officer"]), RULES) == \
        "your account has the role education-officer"
    assert access.is_officer(claims(roles="education-officer"), RULES)
    assert access.is_officer(claims(email="x@gmail.com", email_verified=False, roles=["education-officer"]), RULES)
    assert not access.is_officer(claims(roles=["Education-Officer"]), RULES)
    assert not access.is_officer(claims(roles="education-officer-trainee"), RULES)
    assert not access.is_officer(claims(groups=["education-officer"]), RULES), "only the named claim counts"
    assert not access.is_officer(claims(roles={"education-officer": True}), RULES)


def test_no_rules_no_officers():
    assert not access.is_officer(claims(email="sam@rutland.gov.uk", roles=["education-officer"]), access.parse_rules(""))


@given(st.dictionaries(st.text(max_size=12), st.one_of(st.text(max_size=30), st.booleans(), st.none(),
                                                       st.lists(st.text(max_size=20), max_size=3)), max_size=6))
def test_any_claims_without_a_matching_email_or_role_are_not_an_officer(random_claims):
    random_claims.pop("email", None)
    random_claims.pop("roles", None)
    assert not access.is_officer(random_claims, RULES)


def test_officer_only_marks_a_function():
    @access.officer_only
    def unvalidated(con):
        return con

    assert access.is_officer_only(unvalidated)
    assert not access.is_officer_only(test_no_rules_no_officers)
