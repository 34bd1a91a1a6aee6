"""The school register's comparison groups and lineage, and the rule for which version of a school figure is
shown (school_queries.shown_results), on small invented databases."""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings as hyp_settings, strategies as st

from rutland_data.store import db
from rutland_data.queries import schools as school_queries
from rutland_data.reference import school_types
from rutland_data.ingest.importers import gias


@pytest.mark.parametrize("rectype, nftype, state_funded_only, expected", [
    ("1", "ACC", False, school_types.MAINSTREAM),
    ("1", "IND", False, school_types.INDEPENDENT),
    ("2", "INDSPEC", False, school_types.INDEPENDENT_SPECIAL),
    ("2", "NMSS", False, school_types.NON_MAINTAINED_SPECIAL),
    ("2", "CYS", False, school_types.SPECIAL),
    ("1", None, False, None),                     # a KS4 cut-down RECTYPE 1 row may be independent: not settled
    ("1", None, True, school_types.MAINSTREAM),   # KS2 tables hold state-funded schools only
    ("2", None, True, school_types.SPECIAL),
])
def test_groups_from_performance_tables(rectype, nftype, state_funded_only, expected):
    found = school_types.from_performance_tables(pd.Series([rectype]), None if nftype is None else pd.Series([nftype]),
                                                 state_funded_only=state_funded_only)
    assert found.iloc[0] == expected


def test_groups_from_gias_and_census_words():
    gias_words = pd.Series(["Academy converter", "Other independent special school", "Pupil referral unit", "Welsh"])
    assert school_types.from_establishment_type(gias_words).tolist() == [
        school_types.MAINSTREAM, school_types.INDEPENDENT_SPECIAL, school_types.ALTERNATIVE, None]
    census = pd.Series(["State-funded primary", "Independent school", "State-funded special school"])
    assert school_types.from_census_type(census).tolist() == [
        school_types.MAINSTREAM, school_types.INDEPENDENT, school_types.SPECIAL]
    assert school_types.is_state_funded(school_types.SPECIAL) and not school_types.is_state_funded("independent")


def _register(con, rows):
    con.execute("INSERT INTO sources VALUES (1, 'invented', 'x', 'test', 'DfE', 'OGL', 0, now(), false, NULL, NULL)")
    for urn, name, group in rows:
        con.execute("INSERT INTO schools (urn, name, la_code, phase, is_open, source_id, comparison_group) "
                    "VALUES (?, ?, '999', 'Primary', true, 1, ?)", [urn, name, group])


@pytest.fixture
def con():
    connection = duckdb.connect()
    db.apply_schema(connection)
    yield connection
    connection.close()


def test_lineage_follows_single_successor_chains_and_registers_unnamed_successors(con):
    _register(con, [("1", "Old School", school_types.MAINSTREAM), ("2", "First Academy", school_types.MAINSTREAM),
                    ("5", "Split School", school_types.MAINSTREAM), ("6", "Half A", None), ("7", "Half B", None)])
    links = [("1", "2", "Successor", date(2012, 8, 31), "First Academy"),
             ("2", "3", "Successor", date(2020, 8, 31), "Re-brokered Academy"),   # 3 is in no file
             ("5", "6", "Successor", date(2015, 1, 1), "Half A"), ("5", "7", "Successor", date(2015, 1, 1), "Half B")]
    for urn, linked, kind, when, name in links:
        con.execute("INSERT INTO school_links VALUES (?, ?, ?, ?, ?, 1)", [urn, linked, kind, when, name])
    gias.settle_lineage(con)
    rows = {urn: rest for urn, *rest in con.execute(
        "SELECT urn, name, is_open, successor_urn, replaced_on, comparison_group FROM schools ORDER BY urn").fetchall()}
    assert rows["1"][1:4] == [False, "3", date(2012, 8, 31)]      # chain followed to its end
    assert rows["2"][1:3] == [False, "3"]
    assert rows["3"] == ["Re-brokered Academy", True, None, None, school_types.MAINSTREAM]  # from the link
    assert rows["5"][1:3] == [True, None]                          # a split has no single successor


def test_an_academy_linked_to_several_schools_opened_on_the_earliest_link(con):
    """A merger adds a later 'Predecessor' link; the academy opened on the first. Without a 'Predecessor' link the
    replaced school's 'Successor' link dates it. The choice must not depend on row order (it did: two builds of the
    same files gave different digests)."""
    con.execute("INSERT INTO sources VALUES (1, 'invented', 'x', 'test', 'DfE', 'OGL', 0, now(), false, NULL, NULL)")
    for urn in ("10", "20"):
        con.execute("INSERT INTO schools (urn, name, la_code, school_type, is_open, source_id) "
                    "VALUES (?, 'An Academy', '999', 'Academy sponsor led', true, 1)", [urn])
    links = [("10", "11", "Predecessor", date(2017, 9, 1)), ("10", "12", "Predecessor", date(2012, 9, 1)),
             ("11", "10", "Successor", date(2017, 8, 31)), ("13", "20", "Successor", date(2015, 8, 31)),
             ("14", "20", "Successor", date(2014, 8, 31))]
    for urn, linked, kind, when in links:
        con.execute("INSERT INTO school_links VALUES (?, ?, ?, ?, NULL, 1)", [urn, linked, kind, when])
    gias.settle_lineage(con)
    opened = dict(con.execute("SELECT urn, conversion_date FROM schools WHERE urn IN ('10', '20')").fetchall())
    assert opened == {"10": date(2012, 9, 1), "20": date(2014, 8, 31)}


def _results(con, rows):
    for urn, version, value, cohort, low, high, band in rows:
        con.execute("INSERT INTO school_results VALUES (?, 2019, '2018/19', 'ks4_p8', 'all', ?, ?, NULL, ?, ?, ?, ?, "
                    "?, 1, 2, NULL)", [urn, cohort, value, low, high, "published" if low is not None else None, band,
                                 version])


def _shown(con):
    return school_queries.shown_results(con, "r.measure_id = 'ks4_p8'", {}).set_index("urn")


def test_latest_version_shown_with_the_interval_of_another_only_for_the_same_value(con):
    _register(con, [("10", "Same", school_types.MAINSTREAM), ("11", "Different", school_types.MAINSTREAM),
                    ("12", "Own", school_types.MAINSTREAM), ("13", "Provisional only", school_types.MAINSTREAM)])
    _results(con, [("10", "final", 0.53, None, None, None, 1), ("10", "provisional", 0.53, 171, 0.34, 0.73, 1),
                   ("11", "final", 0.68, None, None, None, 1), ("11", "provisional", 0.69, 132, 0.47, 0.91, 1),
                   ("12", "final", 0.1, 100, -0.1, 0.3, 3), ("12", "provisional", 0.1, 99, -0.2, 0.4, 3),
                   ("13", "provisional", -0.2, 90, -0.5, 0.1, 3)])
    shown = _shown(con)
    assert shown.loc["10", ["version", "cohort_n", "ci_low", "ci_high", "interval_version"]].tolist() == \
        ["final", 171, 0.34, 0.73, "provisional"]
    assert shown.loc["11", "version"] == "final" and pd.isna(shown.loc["11", "ci_low"])
    assert (shown.loc["11", "differing_version"], shown.loc["11", "differing_value"]) == ("provisional", 0.69)
    assert shown.loc["12", ["ci_low", "cohort_n"]].tolist() == [-0.1, 100] and pd.isna(shown.loc["12", "interval_version"])
    assert shown.loc["13", "version"] == "provisional"


@hyp_settings(max_examples=40, deadline=None)
@given(final_value=st.sampled_from([0.1, 0.2, None]), provisional_value=st.sampled_from([0.1, 0.2, None]),
       final_has_interval=st.booleans())
def test_the_shown_interval_always_belongs_to_the_shown_value(final_value, provisional_value, final_has_interval):
    with duckdb.connect() as con:
        db.apply_schema(con)
        _register(con, [("20", "School", school_types.MAINSTREAM)])
        final_interval = (final_value - 0.2, final_value + 0.2) if final_has_interval and final_value is not None \
            else (None, None)
        rows = [("20", "final", final_value, None, *final_interval, None),
                ("20", "provisional", provisional_value, 100,
                 *((provisional_value - 0.3, provisional_value + 0.3) if provisional_value is not None else (None, None)),
                 None)]
        for row in rows:
            if row[2] is None:  # a marker instead of a value
                con.execute("INSERT INTO school_results VALUES (?, 2019, '2018/19', 'ks4_p8', 'all', ?, NULL, 'SUPP', "
                            "NULL, NULL, NULL, NULL, ?, 1, 2, NULL)", [row[0], row[3], row[1]])
            else:
                _results(con, [row])
        shown = _shown(con).loc["20"]
    assert shown["version"] == "final"  # the latest version always wins
    if pd.notna(shown["ci_low"]):
        # the interval is the final's own, or comes from a version with exactly the shown value
        centre = (shown["ci_low"] + shown["ci_high"]) / 2
        assert centre == pytest.approx(shown["value"])
        if not final_has_interval:
            assert shown["interval_version"] == "provisional" and provisional_value == final_value
    else:
        assert final_value is None or not final_has_interval
        assert final_value is None or provisional_value != final_value
