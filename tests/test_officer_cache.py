"""The cache rule of rutland_data/ui/common.py: nothing officer-only in a cache entry a public session can read.

Streamlit's caches are shared by every session of a server. An officer-only query is refused by the
public door (`query`); through `officer_query` it runs only for an officer and lands in
the officers' own cache, which a public session cannot reach, even with the same arguments."""
from __future__ import annotations

import ast
import uuid

import pytest

from rutland_data import access
from rutland_data.navigation import OFFICER, PAGES
from rutland_data.settings import PROJECT_ROOT
from rutland_data.ui import auth, common

CALLS: list[str] = []


@access.officer_only
def unvalidated_figure(con, marker: str) -> list[tuple]:
    """Stands in for a query of uploaded, unvalidated returns; records each time it really runs."""
    CALLS.append(marker)
    return con.execute("SELECT ? AS marker, 71.5 AS unvalidated_value", [marker]).fetchall()


def public_figure(con, marker: str) -> list[tuple]:
    return con.execute("SELECT ? AS marker", [marker]).fetchall()


@pytest.fixture
def session(demo_db, monkeypatch):
    """session(officer=bool): make the current session an officer's or not; a marker no other test used."""
    monkeypatch.setenv("DASHBOARD_DB", str(demo_db))
    CALLS.clear()
    yield lambda officer: monkeypatch.setattr(auth, "is_officer", lambda: officer)
    common._run_officer.clear()


def test_the_public_door_refuses_an_officer_only_query_even_for_an_officer(session):
    session(True)
    with pytest.raises(TypeError, match="officer-only: use officer_query"):
        common.query(unvalidated_figure, uuid.uuid4().hex)
    assert CALLS == []


def test_a_public_session_gets_nothing_from_officer_query(session):
    session(False)
    with pytest.raises(PermissionError):
        common.officer_query(unvalidated_figure, uuid.uuid4().hex)
    assert CALLS == []


def test_an_officers_result_is_cached_where_no_public_session_reads(session):
    marker = uuid.uuid4().hex
    session(True)
    assert common.officer_query(unvalidated_figure, marker) == [(marker, 71.5)]
    assert common.officer_query(unvalidated_figure, marker) == [(marker, 71.5)]
    assert CALLS == [marker], "the officers' cache answered the second call"

    session(False)
    with pytest.raises(PermissionError):
        common.officer_query(unvalidated_figure, marker)   # the check comes before the cache
    # The public cache, asked with exactly the arguments of the officer's entry, does not hold it:
    # the two caches are separate functions (Streamlit keys a cache by function name and code).
    common._run(unvalidated_figure, *common._database(), (marker,))
    assert CALLS == [marker, marker]


def test_officer_query_takes_only_officer_only_functions(session):
    session(True)
    with pytest.raises(TypeError, match="not marked officer-only"):
        common.officer_query(public_figure, "x")


def test_officer_pages_are_gated_before_any_officer_query():
    """Every page that may read officer data starts with officer_page_header, and only officer pages do; a public
    page's officer-only parts (the Schools page's LA-held results, an officer's board pack) are functions of
    rutland_data/ui/officer_sections.py, checked below."""
    for entry in PAGES:
        source = (PROJECT_ROOT / entry.file).read_text(encoding="utf-8")
        gated = "common.officer_page_header(" in source
        assert gated == (entry.audience == OFFICER), entry.file
        assert gated or "officer_query(" not in source, f"{entry.file}: a public page reads officer-only data"


def test_the_officer_parts_of_public_pages_do_nothing_for_anyone_else():
    """Each function of officer_sections returns at once, before drawing or reading anything, unless the session
    is an officer's: its first statement (after the docstring) is `if not auth.is_officer(): return ...`."""
    tree = ast.parse((PROJECT_ROOT / "rutland_data/ui/officer_sections.py").read_text(encoding="utf-8"))
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert {f.name for f in functions} >= {"local_schools_section", "pack_with_local_returns", "officer_pack"}
    for function in functions:
        body = function.body[1:] if ast.get_docstring(function) else function.body
        guard = body[0]
        assert isinstance(guard, ast.If) and ast.unparse(guard.test) == "not auth.is_officer()", function.name
        assert len(guard.body) == 1 and isinstance(guard.body[0], ast.Return), function.name
