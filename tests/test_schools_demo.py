"""The demo schools agree with the council's published facts (LaSSAR 2016-17) and with the LA figures."""
from __future__ import annotations

import duckdb
import pytest

from rutland_data.queries import schools as school_queries
from rutland_data.reference import pupil_sds
from rutland_data.reference.markers import round_half_up
from rutland_data.reference.codes import ENGLAND_CODE


@pytest.fixture(scope="module")
def con(demo_db):
    connection = duckdb.connect(str(demo_db), read_only=True)
    yield connection
    connection.close()


def _values(con, measure: str, year: int):
    return con.execute(
        """
        SELECT r.urn, r.value, r.cohort_n FROM school_results r JOIN schools s USING (urn)
        WHERE r.measure_id = ? AND r.end_year = ? AND r.pupil_group = 'all' AND s.la_code = '857'
        """, [measure, year]).fetchall()


def _la(con, measure: str, year: int, area: str) -> float:
    return con.execute("SELECT value FROM la_results WHERE measure_id = ? AND end_year = ? AND area_code = ?",
                       [measure, year, area]).fetchall()[0][0]


def test_register_has_17_primaries_and_4_secondary_or_post16(con):
    phases = dict(con.execute("SELECT phase, count(*) FROM schools WHERE la_code = '857' GROUP BY phase").fetchall())
    assert phases == {"Primary": 17, "Secondary": 3, "16 plus": 1}
    assert all(urn.startswith("9") and len(urn) == 6 for (urn,) in con.execute("SELECT urn FROM schools").fetchall())
    harington = con.execute("SELECT trust, school_type FROM schools WHERE name = 'Harington School'").fetchall()
    assert harington == [("Rutland and Districts Schools' Federation", "Free schools 16 to 19")]
    converted = con.execute("SELECT conversion_date FROM schools WHERE name = 'Casterton College'").fetchall()[0][0]
    assert str(converted) == "2011-09-01"


def test_2017_ks2_masking_facts(con):
    below = {}
    for measure in ("ks2_read_exp", "ks2_writ_exp", "ks2_math_exp"):
        national = _la(con, measure, 2017, ENGLAND_CODE)
        below[measure] = {urn for urn, value, _ in _values(con, measure, 2017) if value < national}
    assert len(below["ks2_read_exp"] & below["ks2_writ_exp"]) == 6
    assert len(below["ks2_read_exp"]) == 6 and len(below["ks2_writ_exp"]) == 6
    assert len(below["ks2_math_exp"]) == 10
    assert _la(con, "ks2_rwm_exp", 2017, "857") == 67 and _la(con, "ks2_rwm_exp", 2017, ENGLAND_CODE) == 61


@pytest.mark.parametrize("measure", ["ks2_rwm_exp", "ks2_read_exp", "ks2_writ_exp", "ks2_math_exp", "ks4_att8",
                                     "ks4_em95", "ks4_ebacc95", "ks4_p8"])
def test_cohort_weighted_school_values_reproduce_the_la_value(con, measure):
    decimals = con.execute("SELECT decimals FROM measures WHERE measure_id = ?", [measure]).fetchall()[0][0]
    years = [y for (y,) in con.execute("SELECT DISTINCT end_year FROM school_results WHERE measure_id = ?",
                                       [measure]).fetchall()]
    assert years
    for year in years:
        rows = _values(con, measure, year)
        weighted = sum(v * n for _, v, n in rows) / sum(n for _, _, n in rows)
        assert round_half_up(weighted, decimals) == pytest.approx(_la(con, measure, year, "857")), (measure, year)


def test_village_primaries_have_10_to_30_pupils_in_year_6(con):
    villages = [n for _, _, n in _values(con, "ks2_rwm_exp", 2017) if n <= 30]
    assert len(villages) >= 12 and all(10 <= n <= 30 for n in villages)
    total = sum(n for _, _, n in _values(con, "ks2_rwm_exp", 2017))
    assert 350 <= total <= 420


def test_school_results_are_simulated_and_small_groups_suppressed(con):
    simulated = con.execute(
        "SELECT bool_and(s.is_simulated) FROM school_results r JOIN sources s USING (source_id)").fetchall()[0][0]
    assert simulated
    small = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE value IS NULL AND value_code = 'SUPP') FROM school_results "
        "WHERE pupil_group <> 'all' AND cohort_n <= 5").fetchall()[0]
    assert small[0] > 0 and small[0] == small[1]


def _read(con, measure_ids: tuple[str, ...]):
    """Every figure of the measures as the pages read them: intervals are computed when read, not stored."""
    frame = school_queries.shown_results(con, "list_contains($measures, r.measure_id)", {"measures": list(measure_ids)})
    return frame[frame["value"].notna()]


def test_every_attainment_percentage_has_an_interval(con):
    read = _read(con, ("ks2_rwm_exp", "ks4_em95"))
    missing = read[read["ci_low"].isna() | ~read["ci_method"].fillna("").str.startswith("computed: Wilson")]
    assert len(read) and len(missing) == 0


def test_progress_intervals_only_in_years_with_that_years_national_sd(con):
    """Another year's SD would give an interval DfE never published (issue 9, honest intervals)."""
    read = _read(con, ("ks2_read_prog", "ks4_p8"))
    rows = list(zip(read["measure_id"], read["end_year"], read["ci_low"].notna()))
    assert rows
    for measure_id, end_year, has_interval in rows:
        assert has_interval == (pupil_sds.national_pupil_sd(measure_id, end_year) is not None), (measure_id, end_year)
