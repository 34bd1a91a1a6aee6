"""LA-level importers on the real DfE files in ../shared/data, checked against exact published values."""
from __future__ import annotations

import duckdb
import pytest

from rutland_data.ingest import build
from rutland_data.ingest.importers.lait import parse_year
from rutland_data.reference.measures import by_id
from tests.conftest import database_at, require_shared

LA_LEVEL_FILES = [
    "dfe/lait/bds_long_0.parquet",
    "dfe/statistical_neighbours/New_Statistical_Neighbour_Groupings_April_2021.csv",
    "dfe/statistical_neighbours/sn_model_2025_wide.csv",
    "dfe/ees_la_level/eyfsp_2012-13_to_2017-18/EYFSP_APS_GLD_ELG_underlying_data_2013_2018.zip",
]


@pytest.fixture(scope="module")
def la_db(tmp_path_factory):
    """A database built from the LA-level official files only (linked into a folder of their own)."""
    folder = tmp_path_factory.mktemp("downloads")
    for relative in LA_LEVEL_FILES:
        (folder / relative.replace("/", "__")).symlink_to(require_shared(relative))
    path = tmp_path_factory.mktemp("db") / "la.duckdb"
    with database_at(path) as configured:
        report = build.build_from(folder, configured)
    con = duckdb.connect(str(path), read_only=True)
    yield con, report
    con.close()


def value(con, measure, area, year):
    rows = con.execute(
        "SELECT value, value_code, version FROM la_results WHERE measure_id = ? AND area_code = ? AND end_year = ?",
        [measure, area, year],
    ).fetchall()
    assert len(rows) == 1, (measure, area, year, rows)
    return rows[0]


def test_lait_ks2_rwm_expected_standard(la_db):
    con, _ = la_db
    assert value(con, "ks2_rwm_exp", "857", 2017)[0] == 67
    assert value(con, "ks2_rwm_exp", "E92000001", 2017)[0] == 62
    assert value(con, "ks2_rwm_exp", "857", 2024)[0] == 69


def test_lait_ks4_2019_matches_performance_tables(la_db):
    con, _ = la_db
    assert value(con, "ks4_att8", "857", 2019)[0] == 51.3
    assert value(con, "ks4_p8", "857", 2019)[0] == 0.44


def test_lait_dash_marker_becomes_null_with_code_not_zero(la_db):
    con, _ = la_db
    assert value(con, "ks4_p8", "857", 2020) == (None, "-", "final")  # '2020' unlabelled, before the newest year
    zeros_from_markers = con.execute(
        "SELECT count(*) FROM la_results WHERE value_code IS NOT NULL AND value IS NOT NULL").fetchall()[0][0]
    assert zeros_from_markers == 0


def test_lait_values_stored_as_published_and_rounded_on_display(la_db):
    """The file's number is stored, float artefacts and all; `Measure.format` rounds it for display.
    Issue 9: ranks and changes are computed from what was published, not from a rounded copy."""
    con, _ = la_db
    measures = by_id()
    # bds_long_0.parquet, Short Desc FSP_NEW_GOODDEV, Rutland (857), Years 2016: Values '72.099999999999994'.
    gld = value(con, "eyfs_gld", "857", 2016)[0]
    assert gld == float("72.099999999999994")
    assert measures["eyfs_gld"].format(gld) == "72.1%"
    # AVG_Prog8_Score, Rutland, 2016: '0.28999999999999998'.
    p8 = value(con, "ks4_p8", "857", 2016)[0]
    assert p8 == float("0.28999999999999998")
    assert measures["ks4_p8"].format(p8) == "0.29"
    # TotFixedEx (suspensions per 100 pupils), Rutland, 2016/17: '2.17313', five decimals; the dictionary shows two.
    assert value(con, "excl_suspension_rate", "857", 2017)[0] == 2.17313
    assert measures["excl_suspension_rate"].format(2.17313) == "2.17"


def test_lait_version_taken_from_year_label(la_db):
    con, _ = la_db
    assert value(con, "phonics_y1", "857", 2025) == (82.0, None, "provisional")
    assert value(con, "ks5_aps_alevel", "857", 2018)[2] == "revised"


def test_lait_unlabelled_years_final_before_the_newest_unstated_at_it(la_db):
    con, _ = la_db
    # KS2RWM_Expected_STD: '2017' (row 347932) is followed by later years -> final; '2025' is the newest -> unstated.
    assert value(con, "ks2_rwm_exp", "857", 2017) == (67.0, None, "final")
    assert value(con, "ks2_rwm_exp", "857", 2025)[2] is None
    # KS1P_all: '2024' is unlabelled and older than '2025 (prov)' -> final.
    assert value(con, "phonics_y1", "857", 2024)[2] == "final"


def test_lait_keeps_every_la_for_ranking(la_db):
    con, _ = la_db
    las = con.execute(
        "SELECT count(DISTINCT area_code) FROM la_results JOIN areas USING (area_code) "
        "WHERE measure_id = 'ks2_rwm_exp' AND end_year = 2019 AND level = 'la' AND value IS NOT NULL"
    ).fetchall()[0][0]
    assert las == 149  # 158 LA rows; 9 are "-" (City of London, Isles of Scilly, LAs created or abolished since)


def test_ees_eyfsp_extends_series_before_lait(la_db):
    con, _ = la_db
    assert value(con, "eyfs_gld", "857", 2013)[0] == 57.3
    assert value(con, "eyfs_gld", "857", 2015)[0] == 74.8


def test_statistical_neighbours_both_models(la_db):
    con, _ = la_db
    def neighbours(version):
        return [r[0] for r in con.execute(
            "SELECT neighbour_code FROM stat_neighbours WHERE set_version = ? AND la_code = '857' ORDER BY rank",
            [version]).fetchall()]
    assert neighbours("2025-05") == ["865", "815", "893", "895", "850", "823", "916", "855", "869", "811"]
    assert neighbours("2021-04") == ["815", "869", "895", "865", "823", "825", "931", "850", "937", "873"]


def test_every_source_has_checksum_and_rows(la_db):
    con, report = la_db
    rows = con.execute("SELECT file_name, sha256, rows_loaded, is_simulated FROM sources").fetchall()
    assert len(rows) == len(LA_LEVEL_FILES)
    assert all(len(sha) == 64 and not simulated for _, sha, _, simulated in rows)
    assert all(rows_loaded > 0 for _, _, rows_loaded, _ in rows)


@pytest.mark.parametrize("label, expected", [
    ("2017", (2017, None)), ("2016/17", (2017, None)), ("2016-17", (2017, None)),
    ("2018 (Rev)", (2018, "revised")), ("2025 (prov)", (2025, "provisional")), ("2020 (Final)", (2020, "final")),
    ("2014-16", (2016, None)), ("2013/14-15/16", (2016, None)), ("1999/00", (2000, None)),
])
def test_lait_year_labels(label, expected):
    assert parse_year(label) == expected


def test_regions_filled_in_after_neighbour_lists_named_the_las(la_db):
    con, _ = la_db
    # The neighbour files load first and know no regions; LAIT supplies them afterwards.
    assert con.execute("SELECT region_code FROM areas WHERE area_code = '857'").fetchall() == [("E12000004",)]
    assert con.execute("SELECT region_code FROM areas WHERE area_code = '850'").fetchall() == [("E12000008",)]
