"""Local returns: every validation rule fails a hand-made row with its exact message, a file with any problem is
refused whole, the status rule (unvalidated, then superseded once the official figure is loaded), the command's
exit code, the officer's board pack and disclosure control.

Hand-made files only. The register is hand-made too (`register_db`: invented URNs 99xxxx with the situations
the rules are about: closed, replaced, converted late, secondary, special, another LA); the superseding case
uses the demo database's invented schools (URNs 9xxxxx)."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from pptx import Presentation

from rutland_data.exports import board_pack
from rutland_data.ingest import local_returns
from rutland_data.ingest.importers import SourceFile
from rutland_data.queries import local_returns as local_queries
from rutland_data.reference.markers import round_half_up
from rutland_data.settings import PROJECT_ROOT
from rutland_data.store import db, local_db
from rutland_data.views import local_returns as local_views

HEADER = "urn,laestab,measure_id,academic_year,cohort,met,percent,score,code"
TODAY = date(2026, 12, 2)
SCHOOLS = [  # urn, name, la, estab, phase, is_open, conversion_date, successor, replaced_on, group
    ("990001", "Alpha Primary", "857", "2001", "Primary", True, None, None, None, "state-funded mainstream"),
    ("990002", "Beta Secondary", "857", "4001", "Secondary", True, None, None, None, "state-funded mainstream"),
    ("990003", "Gamma Primary (old)", "857", "2003", "Primary", False, None, "990004", "2019-08-31",
     "state-funded mainstream"),
    ("990004", "Gamma Primary Academy", "857", "2004", "Primary", True, "2019-09-01", None, None,
     "state-funded mainstream"),
    ("990005", "Delta Primary", "857", "2005", "Primary", False, None, None, None, "state-funded mainstream"),
    ("990006", "Elsewhere Primary", "850", "2006", "Primary", True, None, None, None, "state-funded mainstream"),
    ("990007", "Epsilon Special", "857", "7001", None, True, None, None, None, "state-funded special"),
]


@pytest.fixture(scope="module")
def register_db(tmp_path_factory):
    """A main database holding only a hand-made register and one roll (Alpha Primary: 60 pupils in 2024/25)."""
    path = tmp_path_factory.mktemp("register") / "main.duckdb"

    def populate(con):
        source = db.register_source(con, file_name="hand-made register", sha256="0" * 64, importer="test",
                                    publisher="test", licence="test", is_simulated=True)
        for urn, name, la, estab, phase, is_open, converted, successor, replaced, group in SCHOOLS:
            con.execute("INSERT INTO schools (urn, name, la_code, estab, phase, is_open, conversion_date, successor_urn, "
                        "replaced_on, comparison_group, source_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [urn, name, la, estab, phase, is_open, converted, successor, replaced, group, source])
        con.execute("INSERT INTO school_results (urn, end_year, year_label, measure_id, pupil_group, value, version, "
                    "source_id, source_row) VALUES ('990001', 2025, '2024/25', 'school_nor', 'all', 60, 'final', ?, 2)",
                    [source])

    db.build_atomically(path, populate)
    return path


def problems_of(register_db, *rows: str, header: str = HEADER, la: str = "857") -> list[tuple]:
    frame = _frame(header, rows)
    con = db.connect_read_only(register_db)
    try:
        problems, _ = local_returns.check(frame, con, la, today=TODAY)
    finally:
        con.close()
    return [tuple(p) for p in problems.itertuples(index=False)]


def _frame(header: str, rows) -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "return.csv"
        path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
        return SourceFile(path, "return.csv").frame()


VALID = "990001,,eyfs_gld,2024/25,28,20,,,"


def test_a_valid_row_has_no_problem(register_db):
    assert problems_of(register_db, VALID, "990007,,eyfs_gld,2024/25,8,5,62.5,,",
                       ",8572001,phonics_y1,2024/25,30,25,83,,", "990001,,mtc_average_score,2024/25,30,,,20.4,",
                       "990004,,ks2_rwm_exp,2021/22,28,,,,SUPP") == []


@pytest.mark.parametrize("row, problem", [
    ("123456,,eyfs_gld,2024/25,28,20,,,", ("urn", "123456", "not a school in the loaded register (table schools)")),
    ("12345x,,eyfs_gld,2024/25,28,20,,,", ("urn", "12345x", "found '12345x'; expected a URN (5 or 6 digits)")),
    (",8579999,eyfs_gld,2024/25,28,20,,,", ("laestab", "8579999", "not a school in the loaded register (table schools)")),
    ("990001,8572002,eyfs_gld,2024/25,28,20,,,", ("laestab", "8572002", "URN 990001 has LAESTAB 8572001 in the register")),
    (",,eyfs_gld,2024/25,28,20,,,", ("urn", "", "give the school's URN or its LAESTAB")),
    ("990006,,eyfs_gld,2024/25,28,20,,,",
     ("urn", "990006", "Elsewhere Primary is a school of LA 850, not of this LA (857)")),
    ("990003,,phonics_y1,2022/23,28,20,,,",
     ("urn", "990003", "the school was replaced by URN 990004 on 31 August 2019, before 2022/23 began")),
    ("990004,,ks2_rwm_exp,2018/19,28,20,,,",
     ("urn", "990004", "the school opened on 01 September 2019, after 2018/19 ended")),
    ("990005,,eyfs_gld,2024/25,28,20,,,", ("urn", "990005", "the register lists the school as closed, with no closing "
                                                            "date, so it cannot be confirmed open in 2024/25")),
    ("990002,,phonics_y1,2024/25,28,20,,,", ("measure_id", "phonics_y1", "Beta Secondary is a secondary school: its age "
                                                                         "range does not cover Year 1, where Phonics Y1 is assessed")),
    ("990001,,eyfs_gld,2024/25,28,29,,,", ("met", "29", "more pupils met it than the cohort of 28: 0 <= met <= cohort")),
    ("990001,,eyfs_gld,2024/25,28,-1,,,",
     ("met", "-1", "found '-1'; expected a number of pupils (a whole number from 0 to 10,000)")),
    ("990001,,eyfs_gld,2024/25,61,20,,,", ("cohort", "61", "above the school's roll of 60 pupils (school_nor, 2024/25)")),
    ("990001,,eyfs_gld,2024/25,28,,101,,", ("percent", "101", "found '101'; expected a percentage (a number from 0 to 100)")),
    ("990001,,eyfs_gld,2024/25,28,20,70,,", ("percent", "70", "not consistent with met/cohort: 20 of 28 is 71.4%")),
    ("990001,,eyfs_gld,2024-25,28,20,,,",
     ("academic_year", "2024-25", "found '2024-25'; expected an academic year written like 2024/25")),
    ("990001,,eyfs_gld,2024/26,28,20,,,", ("academic_year", "2024/26", "the two years are not consecutive")),
    ("990001,,eyfs_gld,2026/27,28,20,,,", ("academic_year", "2026/27", "not a year with results: from 2000/01 to 2025/26")),
    ("990001,,eyfs_gld,2019/20,28,20,,,", ("academic_year", "2019/20", "GLD was not assessed that year: no EYFS profile "
                                                                      "in 2019/20 or 2020/21 (COVID-19)")),
    ("990001,,eyfs_gdl,2024/25,28,20,,,",
     ("measure_id", "eyfs_gdl", "found 'eyfs_gdl'; expected a measure of the local returns template (eyfs_gld, "
                                "eyfs_avg_elgs, phonics_y1, phonics_y2, ks1_rwm_exp, ks1_rwm_gd, ks2_rwm_exp, "
                                "mtc_full_marks, mtc_average_score)")),
    ("990001,,eyfs_gld,2024/25,28,,,,XX",
     ("code", "XX", "found 'XX'; expected a published marker (- . : LOWCOV NA NE NEW NP SN SP SUPP SUPP! c k low u x z)")),
    ("990001,,eyfs_gld,2024/25,28,20,,,SUPP", ("code", "SUPP", "a code stands instead of a figure: leave met blank")),
    ("990001,,eyfs_gld,2024/25,28,,,,", ("met", "", "no figure: give met and/or percent, or a code standing instead")),
    ("990001,,eyfs_gld,2024/25,,20,,,", ("cohort", "", "the cohort is required with a figure")),
    ("990001,,eyfs_gld,2024/25,0,0,,,", ("cohort", "0", "a figure needs a cohort of at least 1 pupil")),
    ("990001,,eyfs_gld,2024/25,28,20,,20.5,", ("score", "20.5", "GLD is a percentage: give met and/or percent, not score")),
    ("990001,,mtc_average_score,2024/25,30,12,,20.4,",
     ("met", "12", "MTC average score is a score: give score, not met")),
    ("990001,,mtc_average_score,2024/25,30,,,26,",
     ("score", "26", "found '26'; expected a MTC average score score (a number from 0 to 25)")),
], ids=lambda value: value if isinstance(value, str) else value[0])
def test_each_rule_refuses_its_row_with_its_message(register_db, row, problem):
    assert problems_of(register_db, "990007,,phonics_y2,2024/25,8,5,,,", row) == [(3, *problem)]


def test_a_second_row_for_the_same_school_measure_and_year(register_db):
    assert problems_of(register_db, VALID, ",8572001,eyfs_gld,2024/25,27,20,,,") == [
        (3, "measure_id", "eyfs_gld", "a second row for this school, measure and year (first in row 2)")]


def test_the_header_must_be_the_template(register_db):
    assert problems_of(register_db, "990001,eyfs_gld,2024/25,28,20,x", header="urn,measure_id,year,cohort,met,extra") == [
        (1, "year", "year", "not a column of the template (urn, laestab, measure_id, academic_year, cohort, met, "
                            "percent, score, code)"),
        (1, "extra", "extra", "not a column of the template (urn, laestab, measure_id, academic_year, cohort, met, "
                              "percent, score, code)"),
        (1, "academic_year", "", "a required column of the template is missing")]


def test_every_problem_is_listed_at_once(register_db):
    found = problems_of(register_db, "123456,,eyfs_gld,2024/25,28,20,,,", VALID, "990001,,eyfs_gld,2024/25,28,29,,,")
    assert [(row, column) for row, column, _, _ in found] == [(2, "urn"), (4, "met"), (4, "measure_id")]


def test_a_file_with_any_problem_is_refused_whole_and_nothing_is_stored(register_db, tmp_path):
    local = tmp_path / "local.duckdb"
    con = db.connect_read_only(register_db)
    try:
        with pytest.raises(local_returns.Refused) as refused:
            local_returns.load_bytes(con, "r.csv", f"{HEADER}\n{VALID}\n123456,,eyfs_gld,2024/25,28,20,,,\n".encode(),
                                     "tester", "857", local)
        assert len(refused.value.problems) == 1 and not local.exists()
        loaded = local_returns.load_bytes(con, "r.csv", f"{HEADER}\n{VALID}\n".encode(), "tester", "857", local)
        assert loaded.rows == 1
        before = local.read_bytes()
        with pytest.raises(local_returns.Refused, match="1 problem"):  # the same file again
            local_returns.load_bytes(con, "r.csv", f"{HEADER}\n{VALID}\n".encode(), "tester", "857", local)
        assert local.read_bytes() == before
    finally:
        con.close()


def test_a_later_upload_of_the_same_figure_takes_its_place(demo_db, tmp_path):
    local = tmp_path / "local.duckdb"
    con = db.Snapshot(demo_db).cursor()
    local_returns.load_bytes(con, "first.csv", f"{HEADER}\n900001,,eyfs_gld,2024/25,28,20,,,\n".encode(), "a", "857", local)
    local_returns.load_bytes(con, "second.csv", f"{HEADER}\n900001,,eyfs_gld,2024/25,28,21,,,\n".encode(), "b", "857",
                             local)
    shown = local_queries.figures(con, str(local), None, "857")
    assert shown[["met_n", "file_name", "uploaded_by"]].values.tolist() == [[21, "second.csv", "b"]]
    assert local_db.read(local)[0]["file_name"].tolist() == ["first.csv", "second.csv"]   # both kept


def test_an_unreadable_file_is_one_located_problem(register_db, tmp_path):
    con = db.connect_read_only(register_db)
    try:
        with pytest.raises(local_returns.Refused) as refused:
            local_returns.load_bytes(con, "r.csv", "urn,measure_id\n990001,eyfs_gld,extra\n".encode("utf-16"),
                                     "tester", "857", tmp_path / "local.duckdb")
    finally:
        con.close()
    assert refused.value.problems["rule"].tolist() == ["the file is UTF-16 text; save it as UTF-8 CSV and load it again"]


# ---------------------------------------------------------------- the status rule

def test_unvalidated_until_the_official_figure_is_loaded_then_superseded(demo_db, tmp_path):
    """A KS2 figure loaded before the official file, then the build that has it swapped in, as a build does."""
    main, local = tmp_path / "main.duckdb", tmp_path / "local.duckdb"
    shutil.copy(demo_db, main)
    con = duckdb.connect(str(main))
    official, official_version = con.execute(
        "SELECT value, version FROM school_results WHERE urn = '900001' AND measure_id = 'ks2_rwm_exp' "
        "AND end_year = 2025 AND pupil_group = 'all'").fetchone()
    con.execute("DELETE FROM school_results WHERE urn = '900001' AND measure_id = 'ks2_rwm_exp' AND end_year = 2025")
    con.close()
    rows = f"{HEADER}\n900001,,ks2_rwm_exp,2024/25,28,20,,,\n".encode()   # 20 of 28 = 71.43%
    snapshot = db.Snapshot(main)
    local_returns.load_bytes(snapshot.cursor(), "early_ks2.csv", rows, "sam", "857", local)
    before = local_queries.figures(snapshot.cursor(), str(local), None, "857")
    assert before[["urn", "status"]].values.tolist() == [["900001", "unvalidated"]]
    assert before["official_value"].isna().all()

    shutil.copy(demo_db, tmp_path / "official.duckdb")
    os.replace(tmp_path / "official.duckdb", main)         # the official build swapped in
    now = db.Snapshot(main).cursor()
    after = local_queries.figures(now, str(local), None, "857").iloc[0]
    assert (after["status"], after["official_value"]) == ("superseded", official)
    assert after["difference"] == pytest.approx(100 * 20 / 28 - official)
    listed = local_views.superseded(now, str(local), None, "857").iloc[0]
    sign = "+" if 100 * 20 / 28 > official else "-"
    assert (listed["local"], listed["official"], listed["difference"], listed["official_version"]) == (
        "71%", f"{official:.0f}%", f"{sign}{abs(round(100 * 20 / 28 - official)):.0f} percentage points",
        official_version)
    assert local_views.loaded(now, str(local), None, "857")["status"].tolist() == [
        "Superseded: the official figure is loaded (kept for audit)"]
    # Only unvalidated figures leave the officer tier (the official one is published): nothing to share now.
    assert local_views.shareable_table(now, str(local), None, "857", "ks2_rwm_exp", "2024/25").empty


# ---------------------------------------------------------------- the command

def _command(*args, main, local):
    env = {**os.environ, "DASHBOARD_DB": str(main), "DASHBOARD_LOCAL_DB": str(local)}
    return subprocess.run([sys.executable, "-m", "rutland_data", "load-local", *map(str, args)], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


def test_the_command_refuses_with_the_table_exit_2_and_the_database_unchanged(register_db, tmp_path):
    local = tmp_path / "local.duckdb"
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text(f"{HEADER}\n123456,,eyfs_gld,2024/25,28,20,,,\n990001,,eyfs_gld,2024/25,28,29,,,\n", encoding="utf-8")
    good.write_text(f"{HEADER}\n{VALID}\n", encoding="utf-8")
    refused = _command(bad, main=register_db, local=local)
    assert refused.returncode == 2 and not local.exists()
    assert "bad.csv: refused, 2 problems; nothing was stored" in refused.stderr
    assert "not a school in the loaded register (table schools)" in refused.stderr
    assert "Traceback" not in refused.stderr

    done = _command(good, "--by", "Sam Officer", main=register_db, local=local)
    assert done.returncode == 0, done.stderr
    assert "Loaded 1 figures from good.csv" in done.stdout and "by Sam Officer" in done.stdout
    before = local.read_bytes()
    assert _command(bad, main=register_db, local=local).returncode == 2
    assert local.read_bytes() == before
    uploads, results = local_db.read(local)
    assert uploads["uploaded_by"].tolist() == ["Sam Officer"] and results["value"].round(4).tolist() == [71.4286]


# ---------------------------------------------------------------- what leaves the officer tier

SMALL = (f"{HEADER}\n900001,,eyfs_gld,2024/25,28,20,,,\n900003,,eyfs_gld,2024/25,30,12,,,\n"
         "900004,,eyfs_gld,2024/25,4,2,,,\n")


def test_the_shareable_table_hides_small_counts_and_what_reveals_them(demo_db, tmp_path):
    local = tmp_path / "local.duckdb"
    con = db.Snapshot(demo_db).cursor()
    local_returns.load_bytes(con, "small.csv", SMALL.encode(), "sam", "857", local)
    table = local_views.shareable_table(con, str(local), None, "857", "eyfs_gld", "2024/25").set_index("School")
    # Langham: 2 of 4 -> every count 1-5 hidden, and its GLD with them; one more cell in each line so none follows
    assert table.loc["Langham C of E Primary"].tolist() == ["DNS", "DNS", "DNS", "DNS"]
    assert table.loc["Brooke Hill Primary", "GLD"] == "71.4%"
    assert (table == "DNS").sum().sum() >= 6


def test_an_officers_pack_marks_the_title_and_every_slide_that_uses_the_returns(demo_db, tmp_path):
    local = tmp_path / "local.duckdb"
    con = db.Snapshot(demo_db).cursor()
    local_returns.load_bytes(con, "small.csv", SMALL.encode(), "sam", "857", local)
    pack = board_pack.build_with_local_returns(con, "857", 2025, ["Early years"], str(local), db.file_identity(local))
    marked = [slide.title for slide in pack.slides if slide.unvalidated]
    assert marked == [pack.slides[0].title, "LA-held results: GLD 2024/25"]
    assert pack.file_stem.endswith("_UNVALIDATED")
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pack.pdf)).pages]
    assert [("Unvalidated — not for publication" in text) for text in pages] == [s.unvalidated for s in pack.slides]
    slides = ["\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
              for slide in Presentation(io.BytesIO(pack.pptx)).slides]
    assert [("Unvalidated — not for publication" in text) for text in slides] == [s.unvalidated for s in pack.slides]
    local_page = next(i for i, slide in enumerate(pack.slides) if slide.title == "LA-held results: GLD 2024/25")
    assert "DNS" in pages[local_page] and "Langham C of E Primary" in pages[local_page]
    public = board_pack.build(con, "857", 2025, ["Early years"])
    assert not public.unvalidated and not any("Unvalidated" in p.extract_text()
                                              for p in PdfReader(io.BytesIO(public.pdf)).pages)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cohort=st.integers(1, 60), share=st.floats(0, 1), decimals=st.integers(0, 2))
def test_a_percentage_rounded_from_met_and_cohort_always_agrees(register_db, cohort, share, decimals):
    """The rule holds for every count: met/cohort rounded half-up to the percent's decimals is consistent, and a
    percent one unit of its last decimal further away is not."""
    met = round(share * cohort)
    rounded = round_half_up(100 * met / cohort, decimals)
    row = "990001,,eyfs_gld,2024/25,{cohort},{met},{percent:.{d}f},,"
    assert problems_of(register_db, row.format(cohort=cohort, met=met, percent=rounded, d=decimals)) == []
    off = rounded + 10 ** -decimals if rounded + 10 ** -decimals <= 100 else rounded - 10 ** -decimals
    assert [p[1] for p in problems_of(register_db, row.format(cohort=cohort, met=met, percent=off, d=decimals))] == [
        "percent"]
