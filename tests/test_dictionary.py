"""The indicator dictionary is the single source of what a measure is: code names no measure it lacks, and the
database's copy is the file."""
from __future__ import annotations

import ast
import re

import duckdb

from rutland_data.reference import measures
from rutland_data.settings import PROJECT_ROOT

# Prefixes only measure ids use (school_ and destination_ also begin column names, so they are left out).
MEASURE_ID = re.compile(r"^(eyfs|phonics|ks[1245]|level[23]|abs|excl|pupils|admissions|neet|notknown|"
                        r"participation|sept|cohort|mtc)_[a-z0-9_]+$")
# Column names, widget keys and dictionary places that share those prefixes.
NOT_MEASURES = {"cohort_n", "cohort_label", "cohort_end_year", "cohort_from", "cohort_text", "neet_measure",
                "admissions_phase", "admissions_outcome", "admissions_average", "cohort_version"}


def _literals_like_measure_ids() -> list[tuple[str, int, str]]:
    files = [*(PROJECT_ROOT / "rutland_data").rglob("*.py"), PROJECT_ROOT / "app.py",
             *(PROJECT_ROOT / "pages").glob("*.py")]
    found = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and MEASURE_ID.match(node.value):
                found.append((path.relative_to(PROJECT_ROOT).as_posix(), node.lineno, node.value))
    return found


def test_code_names_only_measures_the_dictionary_has():
    known = set(measures.by_id())
    def built_in_parts(value: str) -> bool:  # an importer's f"abs_ytd_overall_{phase}" or "admissions_first_pref"
        return any(measure_id.startswith(value) and measure_id != value for measure_id in known)

    unknown = [f"{file}:{line} {value}" for file, line, value in _literals_like_measure_ids()
               if value not in known and value not in NOT_MEASURES and not built_in_parts(value)]
    assert unknown == []


def test_the_scan_finds_measure_ids_in_code():
    """The scan above reads what it should: the code does name measures (in literals it can see)."""
    named = {value for _, _, value in _literals_like_measure_ids()}
    assert "ks2_rwm_exp" in named or "ks4_p8" in named


def test_the_database_copy_is_the_file(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        columns = [row[0] for row in con.execute("DESCRIBE measures").fetchall()]
        stored = con.execute(f"SELECT {', '.join(columns)} FROM measures ORDER BY measure_id").fetchall()
    finally:
        con.close()
    from_file = sorted((tuple(row) for row in measures.table_rows()), key=lambda row: row[0])
    assert [tuple(row) for row in stored] == from_file


def test_a_progress_score_is_judged_against_0_and_other_measures_against_national():
    """DfE calls a progress score significant when its interval is wholly above or below 0 (the national average by
    construction); the dictionary's `significance_reference` says so, for all pupils only."""
    by_id = measures.by_id()
    for measure_id in ("ks2_read_prog", "ks2_writ_prog", "ks2_math_prog", "ks4_p8", "ks5_va_alevel"):
        assert by_id[measure_id].judged_against(-0.03) == 0.0
        assert by_id[measure_id].judged_against(-0.4, "disadvantaged") == -0.4
    assert by_id["ks4_att8"].judged_against(46.4) == 46.4
    assert {m.measure_id for m in measures.read_dictionary() if m.significance_reference is not None} == {
        "ks2_read_prog", "ks2_writ_prog", "ks2_math_prog", "ks4_p8", "ks5_va_alevel"}
