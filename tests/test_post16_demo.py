"""The demo reproduces the council's published destinations, absence ranks and admissions averages exactly."""
from __future__ import annotations

import duckdb
import pytest

from rutland_data.queries import admissions as admissions_queries
from rutland_data.queries import destinations as destination_queries
from rutland_data.views import absence as absence_views
from rutland_data.ingest.demo.la_level import DESTINATIONS_2016


@pytest.fixture(scope="module")
def con(demo_db):
    connection = duckdb.connect(str(demo_db), read_only=True)
    yield connection
    connection.close()


def test_year_11_leavers_2016_table_as_published(con):
    seed = destination_queries.seed_destinations(con, "857")
    leavers = seed[seed["cohort_label"] == "Year 11 leavers 2016"]
    assert dict(zip(leavers["category"], leavers["pupils"])) == {
        "Employed / training towards NVQ2+": 15, "Employed for more than 20 hours - no training": 3,
        "Employed for less than 20 hours": 1, "Out of County - Further education": 116, "NEET": 1,
        "No information": 4, "Other": 1, "Out of County - School sixth form": 100,
        "Harington sixth form Rutland": 70,
    }
    assert leavers["pupils"].sum() == 311
    assert len(leavers) == len(DESTINATIONS_2016)
    sources = con.execute("SELECT DISTINCT s.is_simulated, s.publisher FROM destinations d JOIN sources s "
                          "USING (source_id) WHERE d.cohort_label = 'Year 11 leavers 2016'").fetchall()
    assert sources == [(False, "Rutland County Council")]


def test_in_county_and_out_of_county_summary(con):
    summary = destination_queries.county_summary(destination_queries.seed_destinations(con, "857"))
    leavers = summary[summary["cohort_label"] == "Year 11 leavers 2016"].set_index("category_group")
    assert leavers.loc["Out of county", "pupils"] == 216
    assert leavers.loc["In county", "pupils"] == 70
    assert leavers.loc["In county", "cohort"] == 311
    assert leavers.loc["Out of county", "share"] == 69.5


def test_2017_fixed_cohort_480_with_478_offers(con):
    summary = destination_queries.county_summary(destination_queries.seed_destinations(con, "857"))
    fixed = summary[summary["cohort_label"].str.contains("fixed cohort")].set_index("category_group")
    assert fixed.loc["Offer made", "pupils"] == 478
    assert fixed.loc["Offer made", "cohort"] == 480


def test_five_year_first_preference_averages_95_and_91(con):
    primary = admissions_queries.five_year_average(con, "admissions_first_pref_primary", "857", 2017)
    secondary = admissions_queries.five_year_average(con, "admissions_first_pref_secondary", "857", 2017)
    assert round(primary["mean"]) == 95 and round(secondary["mean"]) == 91
    assert primary["years"] == [2013, 2014, 2015, 2016, 2017]
    assert admissions_queries.five_year_average(con, "admissions_first_pref_primary", "857", 2012) is None


def test_absence_ranks_1_1_1_2_lowest_is_first(con):
    ranks = absence_views.absence_ranks(con, "857", 2016).set_index("measure_id")["rank"]
    assert ranks["abs_overall_primary"] == 1
    assert ranks["abs_overall_secondary"] == 1
    assert ranks["abs_persistent_primary"] == 1
    assert ranks["abs_persistent_secondary"] == 2  # after the Isles of Scilly


def test_simulated_post16_figures_are_labelled_simulated(con):
    rows = con.execute("SELECT DISTINCT s.is_simulated FROM la_results r JOIN sources s USING (source_id) "
                       "WHERE r.measure_id IN ('neet_nk_1617', 'admissions_second_pref_primary')").fetchall()
    assert rows == [(True,)]
    dfe_style = con.execute("SELECT DISTINCT s.is_simulated FROM destinations d JOIN sources s USING (source_id) "
                            "WHERE d.category = 'Further education'").fetchall()
    assert dfe_style == [(True,)]
