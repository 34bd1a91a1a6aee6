"""The school register's details and the EES KS4 "information about schools" file, on the real files in
../shared/data. Every expected value was read by hand from the raw file; the row is named beside it
(rows counted as a spreadsheet shows them: the header is row 1)."""
from __future__ import annotations

import duckdb
import pytest

from tests.test_schools_importers import build_db, mirror

KS4_INFO = "dfe/explore_education_statistics/ks4_information_about_schools_2023-24"
SPINE = "dfe/compare_school_performance/la_downloads_statistical_neighbours/north_yorkshire_815/815_spine.csv"
HAMPSHIRE_GIAS = "dfe/gias_format_samples/extract_hampshire_20220420_gias.csv"
DETAILS = "postcode, religious_character, admission_policy, gender, age_low, age_high"


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    root = tmp_path_factory.mktemp("register_files")
    mirror(root, [f"{KS4_INFO}/extract_rutland_202324_information_about_schools_final.csv", SPINE, HAMPSHIRE_GIAS])
    db_path = tmp_path_factory.mktemp("register_db") / "register.duckdb"
    build_db(root, db_path)
    con = duckdb.connect(str(db_path), read_only=True)
    yield con
    con.close()


def details(con, urn: str) -> tuple:
    return con.execute(f"SELECT {DETAILS} FROM schools WHERE urn = ?", [urn]).fetchone()


def result(con, urn: str, measure_id: str, group: str = "all") -> tuple:
    return con.execute(
        "SELECT value, value_code, cohort_n, published_band, version, year_label, end_year, source_row "
        "FROM school_results WHERE urn = ? AND measure_id = ? AND pupil_group = ?", [urn, measure_id, group]).fetchone()


def test_ks4_information_file_registers_each_school_as_published(register):
    # extract row 4: Catmose College, 8575406, "Converter academies", "Huntsmans Drive, Oakham, LE15 6RP",
    # reldenom "None", admpol_pt "non-selective schools in other areas", egender Mixed, agerange "11 to 16"
    row = register.execute("SELECT name, la_code, estab, school_type, comparison_group FROM schools "
                           "WHERE urn = '136530'").fetchone()
    assert row == ("Catmose College", "857", "5406", "Converter academies", "state-funded mainstream")
    assert details(register, "136530") == ("LE15 6RP", "No religious character",
                                           "non-selective schools in other areas", "Mixed", 11, 16)
    # extract row 5: Oakham School, "Independent schools", reldenom Anglican, agerange "9 to 18"
    assert register.execute("SELECT comparison_group FROM schools WHERE urn = '120322'").fetchone()[0] == "independent"
    assert details(register, "120322") == ("LE15 6DT", "Anglican", "Admission type unclassified", "Mixed", 9, 18)
    # extract row 9: The Shires at Oakham, address "3 Uppingham Road, Oakham, Rutland, Should be blank, LE15 6JB"
    assert details(register, "142635")[:2] == ("LE15 6JB", "Does not apply")


def test_ks4_information_file_gives_the_latest_ks4_view_with_its_version(register):
    # extract row 4 (Catmose College): t_pupils 204, pt_disadvantaged 12.3, t_disadvantaged 25, diffn_p8mea -0.07,
    # diffn_att8 -5.2, avg_ks2_scaledscore 104.9, p8_banding "Well above average", version Final, time_period 202324
    assert result(register, "136530", "ks4_cohort_pupils")[:3] == (204, None, None)
    assert result(register, "136530", "ks4_cohort_disadv_pct") == (12.3, None, 204, None, "final", "2023/24", 2024, 4)
    assert result(register, "136530", "ks4_cohort_ks2_ss")[0] == 104.9
    assert result(register, "136530", "ks4_p8_disadv_gap", "disadvantaged")[:3] == (-0.07, None, 25)
    assert result(register, "136530", "ks4_att8_disadv_gap", "disadvantaged")[0] == -5.2
    assert result(register, "136530", "ks4_p8_band")[:4] == (1, None, 204, 1)
    # extract row 2: Uppingham Community College "Below average" (band 4); row 3: Casterton College Rutland "Average"
    assert result(register, "136629", "ks4_p8_band")[3] == 4
    assert result(register, "137340", "ks4_p8_band")[3] == 3
    # extract row 5: Oakham School, an independent school: every KS4 figure is 'z', kept as the code
    assert result(register, "120322", "ks4_p8_band")[:2] == (None, "z")
    assert result(register, "120322", "ks4_cohort_disadv_pct")[:2] == (None, "z")


def test_spine_gives_religious_character_admissions_gender_and_ages(register):
    # 815_spine.csv row 2: 112456 Cedar House School, POSTCODE "LA2 7DD", AGEL 7, AGEH 18, GENDER Mixed,
    # RELDENOM "None", ADMPOL "Not recorded"
    assert details(register, "112456") == ("LA2 7DD", "No religious character", "Not recorded", "Mixed", 7, 18)
    # row 3: 121293 Leeming and Londonderry Community Primary School, DL7 9SG, 4 to 11, RELDENOM "Does not apply"
    assert details(register, "121293") == ("DL7 9SG", "Does not apply", "Not recorded", "Mixed", 4, 11)


def test_gias_establishments_give_the_same_details(register):
    # extract_hampshire_20220420_gias.csv row 2: 115850 Alton Infant School, Postcode "GU34 1DH",
    # ReligiousCharacter "Does not apply", AdmissionsPolicy "Not applicable", Gender Mixed, ages 4 to 7
    assert details(register, "115850") == ("GU34 1DH", "Does not apply", "Not applicable", "Mixed", 4, 7)


def test_whole_ks4_information_file_loads_every_school(real_db):
    con = duckdb.connect(str(real_db), read_only=True)
    try:
        # 5,709 rows, one per school; Catmose College is row 3147 of the whole file
        assert con.execute("SELECT count(DISTINCT urn) FROM school_results WHERE measure_id = 'ks4_cohort_pupils' "
                           "AND end_year = 2024").fetchone()[0] == 5709
        assert result(con, "136530", "ks4_p8_band")[-1] == 3147
        # 524 'Well above average' in the whole file
        assert con.execute("SELECT count(*) FROM school_results WHERE measure_id = 'ks4_p8_band' "
                           "AND published_band = 1").fetchone()[0] == 524
    finally:
        con.close()
