"""The one version-precedence rule (rutland_data/versions.py), as loading applies it: a value beats a
marker, then final > revised > unstated > provisional, then the file loaded first - whatever order the
files arrive in."""
from __future__ import annotations

import duckdb
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from rutland_data.store import db
from rutland_data.reference import versions
from rutland_data.ingest.importers import LA_RESULT_COLUMNS, insert_la_results

KEY = {"measure_id": "eyfs_gld", "end_year": 2016, "area_code": "420"}


def load(candidates: list[dict]) -> dict:
    """Load each candidate as if it were its own file, in the order given; return the row kept."""
    con = duckdb.connect()
    db.apply_schema(con)
    for candidate in candidates:
        row = {**KEY, "year_label": "2015/16", "source_row": 1, **candidate}
        insert_la_results(con, pd.DataFrame([row])[LA_RESULT_COLUMNS])
    kept = con.execute("SELECT value, value_code, version, source_id FROM la_results").df().to_dict("records")
    con.close()
    assert len(kept) == 1
    return kept[0]


def test_a_value_beats_a_marker_even_from_a_more_authoritative_version():
    # LAIT gives '-' (recorded final) for Isles of Scilly GLD 2015/16; the EES EYFSP file gives 77.8.
    lait = {"value": None, "value_code": "-", "version": "final", "source_id": 5}
    ees = {"value": 77.8, "value_code": None, "version": None, "source_id": 9}
    assert load([lait, ees])["value"] == 77.8
    assert load([ees, lait])["value"] == 77.8


def test_final_beats_revised_beats_unstated_beats_provisional():
    rows = [{"value": v, "value_code": None, "version": version, "source_id": s}
            for v, version, s in ((61.0, "provisional", 1), (61.5, None, 2), (62.0, "revised", 3), (62.5, "final", 4))]
    assert load(rows)["version"] == "final"
    assert load(rows[:3])["version"] == "revised"
    assert load(rows[:2])["version"] is None       # unstated beats provisional
    assert versions.PRECEDENCE == ("final", "revised", "unstated", "provisional")


def test_an_equal_candidate_never_replaces_the_first_file():
    first = {"value": 2.76, "value_code": None, "version": "final", "source_id": 5}
    extract = {"value": 2.76, "value_code": None, "version": "final", "source_id": 6}
    assert load([first, extract])["source_id"] == 5


candidate = st.fixed_dictionaries({
    "value": st.one_of(st.none(), st.floats(0, 100, allow_nan=False).map(lambda v: round(v, 2))),
    "version": st.sampled_from(["final", "revised", "provisional", None]),
})


@settings(max_examples=60, deadline=None)
@given(st.lists(candidate, min_size=1, max_size=5), st.randoms(use_true_random=False))
def test_the_winner_is_the_rule_s_whatever_the_load_order(rows, shuffle):
    rows = [{**row, "value_code": None if row["value"] is not None else "-", "source_id": i + 1}
            for i, row in enumerate(rows)]
    expected = versions.winner(rows)
    arrival = list(rows)
    shuffle.shuffle(arrival)
    kept = load(arrival)
    assert kept["source_id"] == expected["source_id"]
    if any(row["value"] is not None for row in rows):
        assert kept["value"] is not None, "a value always beats a marker"
    with_values = [row for row in rows if row["value"] is not None] or rows
    assert versions.rank(kept["version"]) == min(versions.rank(row["version"]) for row in with_values)
