"""The demo dataset reproduces every LA-level figure of the council's review that it covers
(../shared/seed-facts.md), and everything it invents is labelled simulated."""
from __future__ import annotations

import duckdb
import pytest

from rutland_data import settings
from rutland_data.ingest import build
from rutland_data.queries import la as queries
from rutland_data.analysis import ranks as stats

ENGLAND = "E92000001"


@pytest.fixture(scope="module")
def con(demo_db):
    connection = duckdb.connect(str(demo_db), read_only=True)
    yield connection
    connection.close()


def v(con, measure, area, year):
    return con.execute("SELECT value FROM la_results WHERE measure_id = ? AND area_code = ? AND end_year = ?",
                       [measure, area, year]).fetchall()[0][0]


def test_eyfs_good_level_of_development(con):
    assert v(con, "eyfs_gld", "857", 2013) == 57.3
    assert v(con, "eyfs_gld", "857", 2016) == 71.6
    assert (v(con, "eyfs_gld", "857", 2017), v(con, "eyfs_gld", ENGLAND, 2017)) == (76.0, 71.0)
    # "+4 points against national +2"
    assert round(v(con, "eyfs_gld", "857", 2017) - v(con, "eyfs_gld", "857", 2016)) == 4
    assert round(v(con, "eyfs_gld", ENGLAND, 2017) - v(con, "eyfs_gld", ENGLAND, 2016)) == 2


def test_ks2_2017_and_changes_on_2016(con):
    assert (v(con, "ks2_rwm_exp", "857", 2017), v(con, "ks2_rwm_exp", ENGLAND, 2017)) == (67, 61)
    change = {area: {m: v(con, m, area, 2017) - v(con, m, area, 2016)
                     for m in ("ks2_rwm_exp", "ks2_read_exp", "ks2_writ_exp", "ks2_math_exp")}
              for area in ("857", ENGLAND)}
    assert change["857"] == {"ks2_rwm_exp": 14, "ks2_read_exp": 5, "ks2_writ_exp": 6, "ks2_math_exp": 10}
    assert change[ENGLAND] == {"ks2_rwm_exp": 8, "ks2_read_exp": 5, "ks2_writ_exp": 2, "ks2_math_exp": 5}


def test_ks1_2017(con):
    assert v(con, "ks1_rwm_exp", "857", 2017) - v(con, "ks1_rwm_exp", ENGLAND, 2017) == 3
    for measure, rutland, national in (("ks1_read_exp", -1, 2), ("ks1_writ_exp", 2, 3), ("ks1_math_exp", 0, 2)):
        assert v(con, measure, "857", 2017) - v(con, measure, "857", 2016) == rutland
        assert v(con, measure, ENGLAND, 2017) - v(con, measure, ENGLAND, 2016) == national
    for measure in ("ks1_writ_gd", "ks1_math_gd"):  # greater depth below national
        assert v(con, measure, "857", 2017) < v(con, measure, ENGLAND, 2017)


def test_ks4_2017(con):
    for measure, rutland, england in (("ks4_em95", 57.1, 42.2), ("ks4_att8", 52.1, 46.0), ("ks4_ebacc95", 23.7, 21.1)):
        assert (v(con, measure, "857", 2017), v(con, measure, ENGLAND, 2017)) == (rutland, england)
    assert v(con, "ks4_p8", "857", 2017) == 0.32
    assert f"{v(con, 'ks4_p8', ENGLAND, 2017):.1f}" == "-0.0"  # the review prints national P8 as -0.0


def test_pupils_by_phase(con):
    expected = {
        "pupils_maintained_primary": [2123, 1710, 1073, 670, 656],
        "pupils_maintained_secondary": [0, 0, 0, 0, 0],
        "pupils_academy_primary": [436, 989, 1641, 2150, 2152],
        "pupils_academy_secondary": [2393, 2434, 2509, 2481, 2461],
    }
    for measure, counts in expected.items():
        assert [v(con, measure, "857", y) for y in range(2013, 2018)] == counts


def test_destinations_tables(con):
    rows = dict(con.execute("SELECT category, pupils FROM destinations WHERE cohort_label = 'Year 11 leavers 2016'")
                .fetchall())
    assert sum(rows.values()) == 311
    assert rows["Out of County - Further education"] == 116
    assert rows["Out of County - School sixth form"] == 100
    assert rows["Harington sixth form Rutland"] == 70
    assert rows["Employed / training towards NVQ2+"] == 15
    assert rows["NEET"] == 1 and rows["No information"] == 4
    cohort = dict(con.execute("SELECT category, pupils FROM destinations "
                              "WHERE cohort_label = 'Year 11 2017 fixed cohort: offers by October'").fetchall())
    assert sum(cohort.values()) == 480
    assert cohort["Offer of education or training / conditional start by October"] == 478


def test_absence_ranks_2015_16(con):
    def rank(measure):
        value = v(con, measure, "857", 2016)
        return stats.rank_of(value, queries.values_for_ranking(con, measure, 2016), "lower").position
    assert rank("abs_overall_primary") == 1
    assert rank("abs_overall_secondary") == 1
    assert rank("abs_persistent_primary") == 1
    assert rank("abs_persistent_secondary") == 2
    assert v(con, "abs_persistent_secondary", "420", 2016) < v(con, "abs_persistent_secondary", "857", 2016)


def test_admissions_five_year_averages(con):
    for measure, average in (("admissions_first_pref_primary", 95.0), ("admissions_first_pref_secondary", 91.0)):
        values = [v(con, measure, "857", y) for y in range(2013, 2018)]
        assert round(sum(values) / 5, 1) == average


def test_statistical_neighbours_from_seed(con):
    codes = [r[0] for r in con.execute(
        "SELECT neighbour_code FROM stat_neighbours WHERE set_version = '2025-05' ORDER BY rank").fetchall()]
    assert codes == ["865", "815", "893", "895", "850", "823", "916", "855", "869", "811"]


def test_invented_figures_are_labelled_simulated(con):
    seed_rows = con.execute("""
        SELECT r.measure_id, r.end_year, r.area_code FROM la_results r JOIN sources s USING (source_id)
        WHERE NOT s.is_simulated""").fetchall()
    assert ("ks2_rwm_exp", 2017, "857") in seed_rows
    assert ("ks2_rwm_exp", 2018, "857") not in seed_rows
    assert con.execute("SELECT count(*) FROM sources WHERE is_simulated").fetchall()[0][0] >= 1


def test_rebuilding_gives_the_same_content(tmp_path, monkeypatch):
    digests = []
    for name in ("one", "two"):
        monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / f"{name}.duckdb"))
        digests.append(build.build_demo(settings.load()).digest)
    assert digests[0] == digests[1]
