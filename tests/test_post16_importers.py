"""Destinations, NEET, absence and admissions importers on the real DfE files, checked against
exact values read from the files' Rutland rows; markers stay as codes; bad input is located."""
from __future__ import annotations

import os

import duckdb
import pytest

from rutland_data import settings
from rutland_data.ingest import build
from rutland_data.queries import absence as absence_queries
from rutland_data.queries import destinations as destination_queries
from rutland_data.ingest.importers import BadInput
from rutland_data.ingest.importers.school_places_scorecard import entry_year
from rutland_data.reference.measures import by_id
from tests.conftest import require_shared

DFE = "dfe/"
EES = DFE + "explore_education_statistics/"
CSP = DFE + "compare_school_performance/"
POST16_FILES = [
    CSP + "2018-2019_england/england_ks4-pupdest.csv.gz",
    CSP + "2020-2021_england/england_ks5-studest.csv.gz",
    CSP + "2020-2021_england/england_ks5-studest-he.csv.gz",
    EES + "ks4_destinations_national/ks4_dm_ud_202122_nat_prov.csv.gz",
    EES + "ks4_destinations_national/ks4_dm_ud_202021_nat_rev.csv.gz",
    EES + "neet_participation_16_17/UD_NEETNK_LA_dashboard_2021_vg_removed.csv",
    EES + "neet_participation_16_17/UD_NEETNK_LA_dashboard_2022_final.csv",
    EES + "neet_participation_16_17/UD_NEETNK_LA_dashboard_2023_final.csv",
    EES + "neet_participation_16_17/UD_NEETNK_LA_dashboard_final_2024.csv",
    EES + "neet_participation_16_17/UD_NEETNK_LA_dashboard_final_2025.csv",
    DFE + "ees_la_level/absence_by_term_2012-13_to_2016-17/absence_by_term.zip",
    EES + "attendance_year_to_date/EES_ytd_data_202223.csv.gz",
    EES + "attendance_year_to_date/EES_ytd_data_202526.csv.gz",
    EES + "admissions_applications_offers/AppsandOffers_2020.csv.gz",
    EES + "admissions_applications_offers/appsandoffers_2021.csv.gz",
    EES + "school_places_scorecards/scorecard_data_2025_2023.csv.gz",
]


def _build(folder, db_path):
    os.environ["DASHBOARD_DB"] = str(db_path)
    try:
        return build.build_from(folder, settings.load())
    finally:
        del os.environ["DASHBOARD_DB"]


@pytest.fixture(scope="module")
def post16_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("downloads")
    for relative in POST16_FILES:
        (folder / relative.replace("/", "__")).symlink_to(require_shared(relative))
    path = tmp_path_factory.mktemp("db") / "post16.duckdb"
    report = _build(folder, path)
    con = duckdb.connect(str(path), read_only=True)
    yield con, report
    con.close()


def result(con, measure, area, year):
    rows = con.execute("SELECT value, value_code, year_label FROM la_results WHERE measure_id = ? AND area_code = ? "
                       "AND end_year = ?", [measure, area, year]).fetchall()
    assert len(rows) == 1, (measure, area, year, rows)
    return rows[0]


def destination(con, stage, area, year, category):
    rows = con.execute("SELECT pupils, percent, value_code FROM destinations WHERE stage = ? AND area_code = ? "
                       "AND cohort_end_year = ? AND category = ?", [stage, area, year, category]).fetchall()
    assert len(rows) == 1, (stage, area, year, category, rows)
    return rows[0]


def test_every_file_is_recognised_by_its_header(post16_db):
    _, report = post16_db
    assert report.unrecognised == []
    importers = {name.split("/")[-1]: importer for name, importer, _, _ in report.loaded}
    assert importers["dfe__compare_school_performance__2018-2019_england__england_ks4-pupdest.csv.gz"].startswith(
        "Performance tables: KS4 destinations")
    superseded = ("202021_nat_rev", "AppsandOffers_2020")  # earlier releases the later ones repeat in full
    assert all(rows > 0 for name, _, rows, _ in report.loaded if not any(s in name for s in superseded))
    notes = {name: note for name, _, _, note in report.loaded}
    assert notes[next(n for n in notes if "AppsandOffers_2020" in n)].endswith("this file agrees")


def test_ks4_destinations_rutland_la_row_2016_17_cohort(post16_db):
    con, _ = post16_db
    assert destination(con, "KS4", "857", 2017, "Cohort") == (473, None, None)
    assert destination(con, "KS4", "857", 2017, "School sixth form") == (188, 40.0, None)
    assert destination(con, "KS4", "857", 2017, "Further education") == (190, 40.0, None)
    assert destination(con, "KS4", "857", 2017, "Sixth-form college") == (14, 3.0, None)
    assert destination(con, "KS4", "857", 2017, "Apprenticeship") == (22, 5.0, None)
    assert destination(con, "KS4", "857", 2017, "Employment") == (15, 3.0, None)
    assert destination(con, "KS4", "857", 2017, "Not sustained") == (18, 4.0, None)
    assert destination(con, "KS4", "857", 2017, "Activity not captured") == (5, 1.0, None)
    assert destination(con, "KS4", "857", 2017, "Sustained destination (total)") == (450, 95.0, None)
    # the exclusive categories add up to the cohort
    parts = con.execute("SELECT sum(pupils) FROM destinations WHERE stage = 'KS4' AND area_code = '857' "
                        "AND cohort_end_year = 2017 AND category_group <> 'Total'").fetchone()[0]
    assert parts == 473


def test_ks4_destinations_trend_columns_give_earlier_cohorts(post16_db):
    con, _ = post16_db
    assert destination(con, "KS4", "857", 2016, "Cohort") == (489, None, None)
    assert destination(con, "KS4", "857", 2016, "Sustained destination (total)") == (None, 97.0, None)
    assert destination(con, "KS4", "857", 2015, "Sustained destination (total)") == (None, 95.0, None)


def test_ks4_destinations_schools_and_small_percentage_marker(post16_db):
    con, _ = post16_db
    assert destination(con, "KS4", "136629", 2017, "Cohort") == (146, None, None)  # Uppingham Community College
    assert destination(con, "KS4", "136530", 2017, "School sixth form") == (90, 51.0, None)  # Catmose College
    name = con.execute("SELECT name, level FROM areas WHERE area_code = '137340'").fetchone()
    assert name == ("Casterton College Rutland", "school")
    # East Riding: 14 pupils not captured, percentage published as SP (under 0.5%) - kept, never 0
    assert destination(con, "KS4", "811", 2017, "Activity not captured") == (14, None, "SP")


def test_ks4_destinations_england_uses_performance_tables_then_national_series(post16_db):
    con, _ = post16_db
    # the performance-tables national row loads first for its own cohort ...
    assert destination(con, "KS4", "E92000001", 2017, "Cohort") == (528139, None, None)
    # ... and the EES national series fills the other years (time_period = destination year)
    assert destination(con, "KS4", "E92000001", 2018, "Cohort") == (513362, None, None)
    assert destination(con, "KS4", "E92000001", 2018, "Further education") == (179263, 34.9, None)
    assert destination(con, "KS4", "E92000001", 2021, "Sustained destination (total)") == (527890, 93.6, None)
    assert destination(con, "KS4", "E92000001", 2010, "Sustained destination (total)") == (506631, 89.1, None)
    labels = con.execute("SELECT DISTINCT cohort_label FROM destinations WHERE area_code = 'E92000001' "
                         "AND cohort_end_year = 2021 AND stage = 'KS4'").fetchall()
    assert labels == [("Pupils completing key stage 4 in 2020/21 (England, state-funded mainstream schools; "
                       "provisional)",)]


def test_ks5_destinations_rutland_and_harington(post16_db):
    con, _ = post16_db
    assert destination(con, "16-18", "857", 2019, "Cohort") == (107, None, None)
    assert destination(con, "16-18", "857", 2019, "Higher education") == (62, 58.0, None)
    assert destination(con, "16-18", "857", 2019, "Employment") == (21, 20.0, None)
    assert destination(con, "16-18", "857", 2019, "Sustained destination (total)") == (96, 90.0, None)
    assert destination(con, "16-18", "141965", 2019, "Cohort") == (103, None, None)  # Harington School
    assert destination(con, "16-18", "141965", 2019, "Higher education") == (62, 60.0, None)
    label = con.execute("SELECT DISTINCT cohort_label FROM destinations WHERE stage = '16-18'").fetchall()
    assert len(label) == 1 and "inferred" in label[0][0]


def test_ks5_progression_has_no_rutland_rows_and_keeps_sp(post16_db):
    con, _ = post16_db
    assert con.execute("SELECT count(*) FROM destinations WHERE stage = '16-18 progression' "
                       "AND area_code = '857'").fetchone()[0] == 0
    assert destination(con, "16-18 progression", "E92000001", 2019,
                       "Progressed to level 4 or higher education or training") == (None, 62.0, None)
    assert destination(con, "16-18 progression", "811", 2019, "Oxford or Cambridge") == (None, None, "SP")


def test_neet_and_participation_rutland_2021_to_2025(post16_db):
    con, _ = post16_db
    expected = {  # year: (NEET or not known, NEET, not known, participation, September Guarantee)
        2021: (1.9, 0.8, 1.1, 97.0, 96.0), 2022: (1.4, 0.2, 1.2, 97.8, 97.9), 2023: (1.4, 0.9, 0.6, 98.3, 97.3),
        2024: (0.9, 0.4, 0.5, 97.8, 97.8), 2025: (1.3, 0.7, 0.6, 97.3, 98.2),
    }
    for year, values in expected.items():
        got = tuple(result(con, m, "857", year)[0] for m in
                    ("neet_nk_1617", "neet_1617", "notknown_1617", "participation_1617", "sept_guarantee_1617"))
        assert got == values, year
    # Published as 651.7 (a December-February average): stored so, shown as 652 by the dictionary's 0 decimals.
    assert result(con, "cohort_1617", "857", 2022)[0] == 651.7
    assert by_id()["cohort_1617"].format(651.7) == "652"
    assert result(con, "neet_nk_1617", "E92000001", 2025)[0] == 5.6
    assert result(con, "neet_nk_1617", "E12000004", 2021)[0] == 6.2


def test_neet_markers_kept_and_placeholder_rows_skipped(post16_db):
    con, report = post16_db
    assert result(con, "participation_1617", "821", 2025)[:2] == (None, "c")  # Luton
    assert result(con, "sept_guarantee_1617", "825", 2021)[:2] == (None, "z")  # Buckinghamshire
    notes = [note for name, _, _, note in report.loaded if "2021_vg_removed" in name]
    assert "'Region demo' placeholder rows" in notes[0]


def test_absence_by_term_rutland(post16_db):
    con, _ = post16_db
    assert result(con, "abs_overall_primary", "857", 2017)[:2] == (2.8, None)
    assert result(con, "abs_overall_secondary", "857", 2017)[:2] == (3.5, None)
    assert result(con, "abs_overall_primary", "857", 2013)[0] == 4.0
    assert result(con, "abs_overall_secondary", "857", 2013)[0] == 4.7
    assert result(con, "abs_overall_primary_spring", "857", 2016)[0] == 3.3
    assert result(con, "abs_overall_secondary_autumn", "857", 2017)[0] == 3.3
    assert result(con, "abs_overall_special", "E92000001", 2017)[0] == 9.7
    assert con.execute("SELECT count(*) FROM la_results WHERE area_code = '857' "
                       "AND measure_id = 'abs_overall_special'").fetchone()[0] == 0  # Rutland has no special rows


def test_attendance_year_to_date_is_kept_apart_from_annual_absence(post16_db):
    con, _ = post16_db
    # Stored at the file's precision (EES_ytd_data_202223.csv row 25, Rutland primary: overall_absence_perc
    # 4.27082169471785), shown at the dictionary's 1 decimal.
    assert result(con, "abs_ytd_overall_primary", "857", 2023) == (4.27082169471785, None, "2022/23 (year to date)")
    assert by_id()["abs_ytd_overall_primary"].format(4.27082169471785) == "4.3%"
    assert result(con, "abs_ytd_persistent_secondary", "857", 2023)[0] == 22.3591193698243
    assert result(con, "abs_ytd_overall_total", "857", 2026)[0] == 6.30354506868025
    assert result(con, "abs_ytd_persistent_total", "857", 2026)[0] == 15.0265957446809
    assert result(con, "abs_ytd_overall_secondary", "420", 2023)[:2] == (None, "c")  # Isles of Scilly
    assert con.execute("SELECT count(*) FROM la_results WHERE measure_id IN ('abs_overall_primary', "
                       "'abs_persistent_primary') AND end_year >= 2023").fetchone()[0] == 0


def test_admissions_offers_rutland(post16_db):
    con, _ = post16_db
    # appsandoffers_2021.csv row 114 (Rutland, Primary, 202122): first_preference_offers_percent 96.50145773,
    # stored as published and shown at the dictionary's 1 decimal.
    assert result(con, "admissions_first_pref_primary", "857", 2022)[:2] == (96.50145773, None)
    assert by_id()["admissions_first_pref_primary"].format(96.50145773) == "96.5%"
    assert result(con, "admissions_first_pref_secondary", "857", 2022)[0] == 92.47311828
    assert result(con, "admissions_first_pref_primary", "857", 2015)[0] == 96.7032967
    assert result(con, "admissions_first_pref_secondary", "857", 2017)[0] == 89.30635838
    assert result(con, "admissions_no_offer_secondary", "857", 2020)[0] == 4.657534247
    assert result(con, "admissions_applications_primary", "857", 2022)[0] == 343
    assert result(con, "admissions_second_pref_primary", "857", 2015)[:2] == (None, "c")
    assert result(con, "admissions_first_pref_secondary", "E92000001", 2022)[0] == 81.12361741


def test_admissions_2020_release_london_subregions_and_region_names(post16_db):
    con, _ = post16_db
    assert result(con, "admissions_first_pref_primary", "E13000001", 2021)[0] == 83.51936148  # Inner London
    assert con.execute("SELECT name FROM areas WHERE area_code = 'E12000004'").fetchone()[0] == "East Midlands"


def test_school_places_scorecard_preferences(post16_db):
    con, _ = post16_db
    assert result(con, "admissions_first_pref_primary", "857", 2024) == (98.4, None,
                                                                        "2023/24 entry (scorecard 2022/23)")
    assert result(con, "admissions_first_pref_secondary", "857", 2024)[0] == 98.0
    assert result(con, "admissions_first_pref_primary", "857", 2026)[0] == 100.0
    assert result(con, "admissions_top3_pref_secondary", "857", 2025)[0] == 99.46236559
    assert result(con, "admissions_first_pref_secondary", "E92000001", 2026)[0] == 83.51933341


def test_scorecard_entry_year():
    assert entry_year("2022/23") == 2023
    with pytest.raises(ValueError):
        entry_year("2022")


# ---- synthetic files: markers the real Rutland rows do not show, and bad input ----

KS5_HEADER = ("RECTYPE,LEA,ESTAB,URN,SCHNAME,TOT_COHORT," + ",".join(
    f"TOT_{s},TOT_{s}PER" for s in ["OVERALL", "APPREN", "EDUCATION", "FE", "HE", "OTHER_EDU", "EMPLOYMENT",
                                    "NOT_SUSTAINED", "NOT_CAPTURED"]))


def _write_and_build(tmp_path, name, text):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    db_path = tmp_path / "x.duckdb"
    _build(folder, db_path)
    return duckdb.connect(str(db_path), read_only=True)


def test_ks5_undocumented_sn_is_kept_as_a_suppression_code(tmp_path):
    row = "LA,999,,,,40," + ",".join(["SN,SN"] + ["2,5%"] * 8)
    con = _write_and_build(tmp_path, "dest.csv", KS5_HEADER + "\n" + row + "\n")
    got = con.execute("SELECT pupils, percent, value_code FROM destinations WHERE category = "
                      "'Sustained destination (total)'").fetchall()
    assert got == [(None, None, "SN")]


def test_admissions_colon_marker_is_kept(tmp_path):
    header = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
              "new_la_code,old_la_code,la_name,school_phase,applications_received,first_preference_offers_percent,"
              "second_preference_offers_percent,third_preference_offers_percent,"
              "one_of_the_three_preference_offers_percent,non_preferred_offer_percent,no_offer_percent")
    row = ("202122,Academic year,Local authority,E92000001,England,E12000004,East Midlands,E06000099,999,Testshire,"
           "Primary,100,:,5,1,90,2,1")
    con = _write_and_build(tmp_path, "offers.csv", header + "\n" + row + "\n")
    assert con.execute("SELECT value, value_code FROM la_results WHERE measure_id = "
                       "'admissions_first_pref_primary'").fetchall() == [(None, ":")]


def test_scorecard_low_marker_is_kept_not_read_as_number(tmp_path):
    header = "Year,geographic_level,region_code,LANumber,new_la_code,LA_name," + ",".join(
        f"Pref_{p}_{n}_CY" for p in "PS" for n in ["1", "2", "3", "T3"])
    row = "2024/25,Local authority,E12000004,999,E06000099,Testshire,LOW,1,1,95,NaN,2,1,97"
    con = _write_and_build(tmp_path, "scorecard.csv", header + "\n" + row + "\n")
    got = dict(con.execute("SELECT measure_id, value_code FROM la_results WHERE value IS NULL").fetchall())
    assert got == {"admissions_first_pref_primary": "LOW", "admissions_first_pref_secondary": "NaN"}


def test_bad_cell_is_located_and_database_left_unchanged(tmp_path):
    row = "LA,999,,,,40," + ",".join(["30,75%", "two,5%"] + ["2,5%"] * 7)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "dest.csv").write_text(KS5_HEADER + "\n" + row + "\n", encoding="utf-8")
    db_path = tmp_path / "x.duckdb"
    db_path.write_bytes(b"previous database")
    with pytest.raises(BadInput) as error:
        _build(folder, db_path)
    assert error.value.row == 2 and error.value.column == "TOT_APPREN"
    assert db_path.read_bytes() == b"previous database"


def test_ks4_file_without_trend_columns_is_refused(tmp_path):
    stems = ["OVERALL_DEST", "APPREN", "EMPLOYMENT", "EDUCATION", "FE", "SCH_6TH", "SIXTH_COL", "OTHER_EDU",
             "NOT_SUSTAINED", "UNKNOWN"]
    header = "RECTYPE,LEA,ESTAB,URN,SCHNAME,COHORT," + ",".join(stems) + "," + ",".join(f"{s}PER" for s in stems)
    row = "LA,999,,,,10," + ",".join(["1"] * 10) + "," + ",".join(["10%"] * 10)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "dest.csv").write_text(header + "\n" + row + "\n", encoding="utf-8")
    with pytest.raises(BadInput, match="cohort year is unknown"):
        _build(folder, tmp_path / "x.duckdb")


def test_queries_on_real_files_term_table_and_destination_trend(post16_db):
    con, _ = post16_db
    terms = absence_queries.absence_by_term(con, "857", 2017)
    rutland = terms[terms["area"] == "Rutland"].set_index(["phase", "term"])["value"]
    assert rutland[("Primary", "Autumn term")] == 2.7 and rutland[("Secondary", "Spring term")] == 3.8
    trend = destination_queries.destination_trend(con, "857", "KS4", "Sustained destination (total)", "2025-05")
    rutland_trend = trend[trend["role"] == "la"].set_index("end_year")["value"].to_dict()
    assert rutland_trend == {2015: 95.0, 2016: 97.0, 2017: 95.0}
    england = trend[trend["role"] == "england"].set_index("end_year")["value"]
    assert england[2018] == 94.2 and england[2017] == 94.0  # 2017 from the performance tables' own national row
