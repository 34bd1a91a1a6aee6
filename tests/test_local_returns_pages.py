"""The council's own returns on the pages, through app.py with `at.user`: an officer sees what is loaded, its
status in words and the LA-held results in the Schools masking view; anyone else sees none of it.

The return is a hand-made file of demo schools (URNs 9xxxxx, invented), loaded with the same function the
page's upload calls."""
from __future__ import annotations

import pytest

from rutland_data.ingest import local_returns
from rutland_data.store import db
from tests.test_officer_pages import AUTH, LOCAL_DATA, OFFICER, everything, visit  # noqa: F401 (fixture)

RETURN = (b"urn,measure_id,academic_year,cohort,met,percent,score,code\n"
          b"900001,eyfs_gld,2024/25,28,20,,,\n"
          b"900003,eyfs_gld,2024/25,30,12,40,,\n"
          b"900004,eyfs_gld,2024/25,25,,80,,\n"
          b"900005,mtc_average_score,2024/25,30,,,20.4,\n")
OUTSIDER = {"is_logged_in": True, "email": "eve@evilrutland.gov.uk", "name": "Eve"}


@pytest.fixture
def loaded_return(demo_db, tmp_path, monkeypatch):
    path = tmp_path / "local_returns.duckdb"
    monkeypatch.setenv("DASHBOARD_LOCAL_DB", str(path))
    con = db.connect_read_only(demo_db)
    try:
        local_returns.load_bytes(con, "early_returns_2025.csv", RETURN, "sam.officer@rutland.gov.uk", "857", path)
    finally:
        con.close()
    return path


def tables(at) -> list:
    return [frame.value for frame in at.dataframe]


def test_an_officer_sees_the_loaded_figures_marked_unvalidated(visit, loaded_return):
    at = visit(OFFICER, {"auth": AUTH}, page=LOCAL_DATA)
    text = everything(at)
    assert "Unvalidated — not for publication" in text
    loaded = next(t for t in tables(at) if "status" in t.columns)
    assert sorted(loaded["school"]) == ["Brooke Hill Primary", "Catmose Primary", "Ketton C of E Primary",
                                        "Langham C of E Primary"]
    assert set(loaded["status"]) == {"Unvalidated: the council's own return, not for publication"}
    assert loaded.set_index("school").loc["Brooke Hill Primary", "figure"] == "71.4%"   # 20 of 28
    assert "None: no official figure" in text


def test_an_officer_sees_the_la_held_results_in_the_schools_masking_view(visit, loaded_return):
    at = visit(OFFICER, {"auth": AUTH}, page="pages/schools.py")
    assert "LA-held results: the council's own returns (officers only)" in [h.value for h in at.header]
    warning = at.warning[0].value
    assert warning.startswith("**Unvalidated — not for publication.")
    assert "of 3 state-funded mainstream primary schools with a figure" in warning
    held = next(t for t in tables(at) if "status_words" in t.columns)
    catmose = held.set_index("school").loc["Catmose Primary"]
    assert catmose["significance"] == "significantly below national"          # 40% of 30, Wilson 24.6-57.7
    assert catmose["status_words"].startswith("Unvalidated")


@pytest.mark.parametrize("user, secrets", [
    ({"is_logged_in": False}, {"auth": AUTH}),
    (OUTSIDER, {"auth": AUTH}),
    ({"email": "test@example.com"}, {}),
], ids=["not-signed-in", "non-officer", "sign-in-off"])
def test_nobody_else_sees_any_of_it(visit, loaded_return, user, secrets):
    at = visit(user, secrets, page="pages/schools.py")
    assert "LA-held results: the council's own returns (officers only)" not in [h.value for h in at.header]
    assert not [t for t in tables(at) if "status_words" in t.columns]
    assert "Unvalidated" not in everything(at) + "".join(w.value for w in at.warning)
    if secrets:
        at = visit(user, secrets, page=LOCAL_DATA)
        assert [t.value for t in at.title] == ["Sign in required"]
        assert not tables(at)


def test_only_an_officer_is_offered_the_pack_with_the_returns(visit, loaded_return):
    at = visit(OFFICER, {"auth": AUTH}, page="pages/meetings.py")
    assert [t.label for t in at.toggle if t.key == "pack-local-returns"] == [
        "Include the council's own returns (officers; unvalidated)"]
    at = visit(OUTSIDER, {"auth": AUTH}, page="pages/meetings.py")
    assert not [t for t in at.toggle if t.key == "pack-local-returns"]
