"""School-level importers against the real DfE files in ../shared/data (exact published values)."""
from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import database_at, require_shared
from rutland_data import settings
from rutland_data.ingest import build
from rutland_data.analysis import intervals
from rutland_data.ingest.importers import BadInput
from rutland_data.queries import schools as school_queries

CSP = "dfe/compare_school_performance"
WAIKY8 = "dfe/school_level_cutdown_2018-2019_waiky8"
HAMPSHIRE = f"{CSP}/la_downloads_statistical_neighbours/hampshire_850"
FILES = [
    f"{CSP}/2018-2019_england/england_ks4provisional.csv.gz",
    f"{CSP}/2018-2019_england/extract_rutland_england_ks4provisional.csv",
    f"{CSP}/2018-2019_england/extract_rutland_england_census.csv",
    f"{CSP}/2018-2019_england/extract_rutland_england_abs.csv",
    f"{WAIKY8}/extract_rutland_england_ks2final.csv",
    f"{WAIKY8}/extract_rutland_england_ks4final.csv",
    f"{WAIKY8}/extract_rutland_england_ks5final.csv",
    f"{HAMPSHIRE}/2016-2017_850_ks2final.csv",
    f"{HAMPSHIRE}/2017-2018_850_ks2final.csv",
    f"{HAMPSHIRE}/2016-2017_850_ks4final.csv",
    f"{HAMPSHIRE}/2017-2018_850_ks4final.csv",
    f"{CSP}/la_downloads_statistical_neighbours/north_yorkshire_815/815_2017_census.csv",
    "dfe/gias/extract_rutland_group_links.csv",
    "dfe/gias/extract_rutland_links_edubasealldata20250422.csv",
    "dfe/gias_format_samples/example_schools_data.csv",
    "dfe/gias_format_samples/extract_hampshire_20220420_gias.csv",
]


def mirror(root: Path, relatives: list[str]) -> Path:
    """A build folder of links to the shared files, keeping their folder names (the year fallback reads them)."""
    for relative in relatives:
        source = require_shared(relative)
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(source)
    return root


def build_db(root: Path, db_path: Path, la_code: str = "857") -> build.BuildReport:
    previous_la = os.environ.get("DASHBOARD_LA")
    os.environ["DASHBOARD_LA"] = la_code
    try:
        with database_at(db_path) as configured:
            return build.build_from(root, configured)
    finally:
        if previous_la is None:
            os.environ.pop("DASHBOARD_LA", None)
        else:
            os.environ["DASHBOARD_LA"] = previous_la


@pytest.fixture(scope="module")
def school_db(tmp_path_factory) -> Path:
    root = mirror(tmp_path_factory.mktemp("school_files"), FILES)
    path = tmp_path_factory.mktemp("school_db") / "schools.duckdb"
    build_db(root, path)
    return path


@pytest.fixture(scope="module")
def con(school_db):
    connection = duckdb.connect(str(school_db), read_only=True)
    yield connection
    connection.close()


def read(con, where: str, columns: list[str]) -> tuple:
    """One school figure as the pages read it (intervals computed where none is published)."""
    rows = school_queries.shown_results(con, where, {})
    assert len(rows) == 1, rows
    return tuple(None if pd.isna(v) else v for v in rows.iloc[0][columns])


def one(con, sql, params=()):
    rows = con.execute(sql, list(params)).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


def test_casterton_progress_8_with_its_published_interval(con):
    row = one(con, "SELECT value, ci_low, ci_high, ci_method, cohort_n, published_band, year_label FROM school_results "
                   "WHERE urn = '137340' AND measure_id = 'ks4_p8' AND pupil_group = 'all' AND version = 'provisional'")
    assert row == (0.69, 0.47, 0.91, "published", 132, 1, "2018/19")
    final = one(con, "SELECT value, ci_method FROM school_results WHERE urn = '137340' AND measure_id = 'ks4_p8' "
                     "AND version = 'final'")
    assert final[0] == 0.68  # the 2018/19 final cut-down: no interval published there, none invented without n
    assert final[1] is None


def test_rutland_la_and_national_rows(con):
    assert one(con, "SELECT value, cohort_n FROM school_benchmarks WHERE area_code = '857' AND measure_id = 'ks4_att8' "
                    "AND end_year = 2019 AND version = 'provisional'") == (51.3, 506)
    assert one(con, "SELECT value, ci_low, ci_high FROM school_benchmarks WHERE area_code = '857' "
                    "AND measure_id = 'ks4_p8' AND end_year = 2019") == (0.44, 0.33, 0.56)
    # national = state-funded schools (RECTYPE 7), not all schools (RECTYPE 5, 44.5)
    assert one(con, "SELECT value FROM school_benchmarks WHERE area_code = 'E92000001' AND measure_id = 'ks4_att8' "
                    "AND end_year = 2019 AND pupil_group = 'all'") == (46.5,)


def test_percent_signs_parsed_and_markers_kept_as_codes(con):
    assert one(con, "SELECT value FROM school_results WHERE urn = '137340' AND measure_id = 'ks4_em95' "
                    "AND version = 'provisional'") == (63.8,)
    assert one(con, "SELECT value, value_code FROM school_results WHERE urn = '142544' "
                    "AND measure_id = 'ks2_read_prog'") == (None, "SUPP")
    assert one(con, "SELECT value, value_code FROM school_results WHERE urn = '120322' AND measure_id = 'ks4_p8' "
                    "AND version = 'final'") == (None, "NP")
    assert one(con, "SELECT value, value_code FROM school_results WHERE urn = '120322' AND measure_id = 'ks4_att8' "
                    "AND version = 'provisional'") == (None, "NA")
    assert one(con, "SELECT value, value_code FROM school_results WHERE urn = '142544' "
                    "AND measure_id = 'abs_persistent'") == (None, "SUPP")
    zero_for_marker = one(con, "SELECT count(*) FROM school_results WHERE value_code IS NOT NULL AND value IS NOT NULL")
    assert zero_for_marker == (0,)


def test_ks2_cut_down_reads_only_official_columns(con):
    assert one(con, "SELECT value, published_band FROM school_results WHERE urn = '120181' "
                    "AND measure_id = 'ks2_read_prog'") == (2.5, 2)
    measures = {m for (m,) in con.execute(
        "SELECT DISTINCT measure_id FROM school_results r JOIN sources s USING (source_id) "
        "WHERE s.file_name LIKE '%waiky8%ks2final%'").fetchall()}
    assert measures == {"ks2_read_prog", "ks2_writ_prog", "ks2_math_prog"}
    assert one(con, "SELECT value FROM school_results WHERE urn = '141965' AND measure_id = 'ks5_aps_alevel'") == (36.08,)
    assert one(con, "SELECT value, published_band FROM school_results WHERE urn = '141965' "
                    "AND measure_id = 'ks5_va_alevel'") == (0.16, 2)


def test_year_from_content_or_documented_name_fallback(con):
    notes = dict(con.execute("SELECT file_name, notes FROM sources").fetchall())
    hampshire_2017 = notes[f"{HAMPSHIRE}/2016-2017_850_ks2final.csv"]
    assert hampshire_2017.startswith("year read from the file's own columns")
    assert "'2018-2019'" in notes[f"{CSP}/2018-2019_england/england_ks4provisional.csv.gz"]
    assert "'_2017_'" in notes[f"{CSP}/la_downloads_statistical_neighbours/north_yorkshire_815/815_2017_census.csv"]
    years = {y for (y,) in con.execute("SELECT DISTINCT end_year FROM school_results r JOIN schools s USING (urn) "
                                       "WHERE s.la_code = '850' AND measure_id = 'ks2_rwm_exp'").fetchall()}
    assert years == {2017, 2018}


def test_hampshire_ks2_values_and_group_cohorts(con):
    # 2016-2017_850_ks2final.csv row 2 (Church Crookham Junior School): TELIG 109, READCOV 94%, READPROG 1.2,
    # limits 0.0 / 2.4. The progress score covers the pupils in the measure: round(109 x 94%) = 102, not 109.
    assert one(con, "SELECT value, cohort_n, ci_low, ci_high, ci_method FROM school_results WHERE urn = '115976' "
                    "AND measure_id = 'ks2_read_prog' AND end_year = 2017 AND pupil_group = 'all'") == \
        (1.2, 102, 0.0, 2.4, "published")
    # no interval is published for a group: it is computed when read (Wilson on the group's cohort)
    value, n, low, high, method = read(con, "r.urn = '115976' AND r.measure_id = 'ks2_rwm_exp' AND r.end_year = 2017 "
                                            "AND r.pupil_group = 'disadvantaged'",
                                       ["value", "cohort_n", "ci_low", "ci_high", "ci_method"])
    assert (value, n) == (59.0, 17) and method.startswith("computed: Wilson")
    assert (low, high) == pytest.approx(intervals.wilson_interval(59.0, 17))
    assert one(con, "SELECT value, cohort_n FROM school_benchmarks WHERE area_code = '850' AND measure_id = 'ks2_rwm_exp' "
                    "AND end_year = 2017 AND pupil_group = 'all'") == (66.0, 14040)
    assert one(con, "SELECT value FROM school_benchmarks WHERE area_code = 'E92000001' AND measure_id = 'ks2_rwm_exp' "
                    "AND end_year = 2017 AND pupil_group = 'all'") == (61.0,)
    assert one(con, "SELECT value, value_code FROM school_results WHERE urn = '116268' AND measure_id = 'ks2_rwm_exp' "
                    "AND end_year = 2017 AND pupil_group = 'all'") == (None, "SUPP")


def test_computed_p8_intervals_match_published_ones(con):
    rows = con.execute("SELECT end_year, value, cohort_n, ci_low, ci_high FROM school_results WHERE measure_id = 'ks4_p8' "
                       "AND ci_method = 'published' AND cohort_n > 0").fetchall()
    assert len(rows) > 100
    for year, value, n, low, high in rows:
        computed = intervals.progress_interval("ks4_p8", year, value, n)
        assert abs(computed.low - low) <= 0.02 and abs(computed.high - high) <= 0.02, (year, value, n)


def test_census_context_and_national_rows(con):
    assert one(con, "SELECT value FROM school_results WHERE urn = '137340' AND measure_id = 'school_nor' "
                    "AND end_year = 2019") == (686.0,)
    assert one(con, "SELECT value, cohort_n FROM school_results WHERE urn = '137340' AND measure_id = 'school_fsm6_pct' "
                    "AND end_year = 2019") == (16.8, 686)
    assert one(con, "SELECT value FROM school_benchmarks WHERE area_code = 'E92000001' AND school_phase = 'primary' "
                    "AND measure_id = 'school_fsm6_pct' AND end_year = 2019") == (23.0,)
    assert one(con, "SELECT value FROM school_benchmarks WHERE area_code = '815' AND school_phase = 'secondary' "
                    "AND measure_id = 'school_nor' AND end_year = 2017") == (37013.0,)


def test_gias_register_trusts_links_and_windows_1252(con):
    assert one(con, "SELECT trust, trust_type, CAST(conversion_date AS TEXT), la_code FROM schools "
                    "WHERE urn = '136530'") == ("RUTLAND AND DISTRICT SCHOOLS' FEDERATION", "Multi-academy trust",
                                                "2011-04-01", "857")
    name = one(con, "SELECT name FROM schools WHERE urn = '126416'")[0]
    assert name == "St Thomas à Becket Church of England Aided Primary School"
    assert one(con, "SELECT link_type FROM school_links WHERE urn = '120041' AND linked_urn = '142401'") == ("Successor",)
    hampshire = one(con, "SELECT count(*), count(lat) FROM schools WHERE la_code = '850' AND phase = 'Primary'")
    assert hampshire[0] > 250 and hampshire[1] > 250


def test_bad_cell_is_located_and_database_unchanged(tmp_path):
    require_shared(f"{CSP}/2018-2019_england/extract_rutland_england_ks4provisional.csv")
    original = (settings.SHARED_DATA / f"{CSP}/2018-2019_england/extract_rutland_england_ks4provisional.csv")
    folder = tmp_path / "files" / "2018-2019"
    folder.mkdir(parents=True)
    lines = original.read_text(encoding="utf-8-sig").splitlines()
    lines[10] = lines[10].replace(",0.69,", ",nought point six nine,", 1)
    (folder / "ks4provisional.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db_path = tmp_path / "live.duckdb"
    db_path.write_bytes(b"old database")
    with pytest.raises(BadInput) as raised:
        build_db(tmp_path / "files", db_path)
    assert raised.value.row == 11 and raised.value.column == "P8MEA"
    assert db_path.read_bytes() == b"old database"


def test_a_file_without_a_year_is_refused(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "abs.csv").write_text("LA,ESTAB,URN,PERCTOT,PPERSABS10\n857,2000,141234,2.8,3.4\n", encoding="utf-8")
    with pytest.raises(BadInput, match="which academic year"):
        build_db(folder, tmp_path / "x.duckdb")


def test_absence_in_a_covid_year_download_is_stored_as_the_carried_forward_year(tmp_path):
    folder = tmp_path / "files" / "2020-2021_england"
    folder.mkdir(parents=True)
    (folder / "england_abs.csv").write_text("LA,ESTAB,URN,PERCTOT,PPERSABS10\n857,2000,141234,2.8,SUPP\n"
                                            "NAT,PRI,,4,8.2\n", encoding="utf-8")
    db_path = tmp_path / "abs.duckdb"
    report = build_db(tmp_path / "files", db_path)
    assert "2018/19 figures carried forward" in report.loaded[0][3]
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("SELECT end_year, value, value_code FROM school_results ORDER BY measure_id").fetchall() == \
            [(2019, 2.8, None), (2019, None, "SUPP")]
        assert con.execute("SELECT area_code, school_phase, value FROM school_benchmarks "
                           "WHERE measure_id = 'abs_overall'").fetchall() == [("E92000001", "primary", 4.0)]


def test_a_school_twice_in_one_file_is_refused(tmp_path):
    folder = tmp_path / "files" / "2018-2019"
    folder.mkdir(parents=True)
    (folder / "census.csv").write_text(  # invented rows in the census layout
        "URN,LA,ESTAB,NOR,PNUMFSMEVER\n999001,999,9001,100,10.0\n999001,999,9001,101,11.0\n", encoding="utf-8")
    db_path = tmp_path / "dup.duckdb"
    with pytest.raises(BadInput, match="appears in two rows") as raised:
        build_db(tmp_path / "files", db_path)
    assert raised.value.row == 3 and raised.value.column == "URN"
    assert not db_path.exists()


def test_ks2_progress_interval_computed_on_pupils_in_the_measure_says_how(tmp_path):
    """Invented rows in the KS2 layout with no published limits: the interval uses the year's own SD and
    n = TELIG x MATCOV (30 x 90% = 27, hand-worked in test_school_stats); no coverage, no interval."""
    folder = tmp_path / "files" / "2017-2018"
    folder.mkdir(parents=True)
    (folder / "ks2.csv").write_text("RECTYPE,LEA,URN,SCHNAME,TELIG,MATPROG,MATCOV,READPROG\n"
                                    "1,999,999001,Invented Primary,30,-1.5,90%,0.5\n", encoding="utf-8")
    db_path = tmp_path / "ks2.duckdb"
    build_db(tmp_path / "files", db_path)
    with duckdb.connect(str(db_path), read_only=True) as con:
        maths = read(con, "r.measure_id = 'ks2_math_prog'", ["cohort_n", "ci_low", "ci_high", "ci_method"])
        reading = read(con, "r.measure_id = 'ks2_read_prog'", ["cohort_n", "ci_low", "ci_method"])
        group = con.execute("SELECT comparison_group FROM schools WHERE urn = '999001'").fetchall()[0][0]
    assert maths[0] == 27
    assert maths[1:3] == pytest.approx((-3.549717, 0.549717), abs=1e-6)
    assert maths[3] == ("computed: -1.5 ± 1.96 × 5.434 / √27 (national pupil SD 5.434 for 2017/18, the SD that "
                        "reproduces DfE's published intervals; n = 27 pupils in the measure, TELIG × MATCOV %)")
    assert reading == (30, None, None)  # READCOV not given: the cohort is not the pupils in the measure
    assert group == "state-funded mainstream"  # KS2 RECTYPE 1
