"""What the LA-level pages say on a build from ../shared/data, for Rutland (857) and Hampshire (850):
series breaks, versions, precedence, the review note, latest-year labelling and one year format.

Values are taken from the raw files by hand; each assertion names the file and row.
"""
from __future__ import annotations

import re
from datetime import date

import duckdb
import pytest
from streamlit.proto import Metric_pb2
from streamlit.testing.v1 import AppTest

from rutland_data.charts import figures
from rutland_data.charts import tables as display
from rutland_data.views import academisation as academisation_views
from rutland_data.views import headlines
from rutland_data.views import plan as plan_views
from rutland_data.views import sources as source_views
from rutland_data.queries import destinations as destination_queries
from rutland_data.queries import la as queries
from rutland_data.queries import schools as school_queries
from rutland_data.reference import measures
from rutland_data.analysis import intervals
from rutland_data.analysis import ranks as stats
from rutland_data.exports import summary
from tests.conftest import APP_FILE

A8_CHANGE = "not comparable with 2015/16: Attainment 8 moved to the 9-1 points scale"
LAIT = "dfe/lait/bds_long_0.parquet"
EES_EYFSP = ("dfe/ees_la_level/eyfsp_2012-13_to_2017-18/EYFSP_APS_GLD_ELG_underlying_data_2013_2018.zip!"
             "EYFSP_APS_GLD_ELG_underlying_data_2013_2018.csv")
EES_ABSENCE = "dfe/ees_la_level/absence_by_term_2012-13_to_2016-17/absence_by_term.zip!absence_by_term.csv"


@pytest.fixture(scope="module")
def con(real_db):
    connection = duckdb.connect(str(real_db), read_only=True)
    yield connection
    connection.close()


def figure(con, measure, area, year):
    return con.execute(
        "SELECT r.value, r.value_code, r.version, s.file_name, r.source_row, r.year_label FROM la_results r "
        "JOIN sources s USING (source_id) WHERE measure_id = ? AND area_code = ? AND end_year = ?",
        [measure, area, year]).fetchone()


def page(real_db, monkeypatch, la_code: str, name: str, **params):
    monkeypatch.setenv("DASHBOARD_DB", str(real_db))
    monkeypatch.setenv("DASHBOARD_LA", la_code)
    at = AppTest.from_file(APP_FILE, default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if name != "home":
        at.switch_page(f"pages/{name}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [h.value for h in at.header])


# ---------------------------------------------------------------- series breaks

@pytest.mark.parametrize("la_code, name, value, previous", [
    # LAIT AVG_Attain8_Score: Rutland 2017 = 52.2 (row 397402), 2016 = 55.2 (row 397232);
    # Hampshire 2017 = 47.0 (row 397344), 2016 = 51.1 (row 397174).
    ("857", "Rutland", "52.2", 55.2), ("850", "Hampshire", "47.0", 51.1),
])
def test_attainment_8_2016_17_card_says_not_comparable(con, real_db, monkeypatch, la_code, name, value, previous):
    card = headlines.card(con, "ks4_att8", la_code, 2017, "England")
    assert (card.value_text, card.change_text, card.delta, card.delta_text) == (value, A8_CHANGE, None, None)
    assert figure(con, "ks4_att8", la_code, 2016)[0] == previous  # there is a 2015/16 figure: it is the scale that differs
    assert card.year_label == "2016/17" and card.version == "final"
    at = page(real_db, monkeypatch, la_code, "headlines", year="2016/17", phase="KS4")
    a8 = at.metric[0]
    assert (a8.label, a8.value, a8.proto.delta) == (f"{name}, 2016/17", value, "")
    assert f"**Change:** {A8_CHANGE}  \n**Compared with:** above England (46.5)" in texts(at)
    assert "down 3.0" not in texts(at) and "down 4.1" not in texts(at)


@pytest.mark.parametrize("la_code", ["857", "850"])
def test_progress_8_2024_25_is_a_gap_not_a_new_series(con, la_code):
    # LAIT AVG_Prog8_Score has no 2025 rows at all: DfE publishes no Progress 8 for 2024/25.
    assert figure(con, "ks4_p8", la_code, 2025) is None
    card = headlines.card(con, "ks4_p8", la_code, 2025, "England")
    assert card.year_label == "latest: 2023/24"
    assert card.missing_note == "Not published for 2024/25: no Progress 8 for 2024/25 or 2025/26 (no KS2 baseline)."
    bullets = [b.text for b in summary.build(con, la_code, 2025, ["KS4"]).bullets]
    assert ("Progress 8 average score: not published for 2024/25: no Progress 8 for 2024/25 or 2025/26 "
            "(no KS2 baseline).") in bullets
    assert not any("new series" in text for text in bullets + [card.change_text])


def test_summary_and_pack_never_state_a_change_across_the_2016_17_break(con):
    bullet = next(b for b in summary.build(con, "857", 2017, ["KS4"]).bullets if b.title == "Attainment 8 average score")
    assert "Not comparable with 2015/16: Attainment 8 moved to the 9-1 points scale." in bullet.text
    assert "Change on 2015/16" not in bullet.text and "England: down" not in bullet.text


def test_absence_change_uses_the_coarser_of_two_precisions(con):
    # 2014/15 from the EES absence file, row 5226 (Rutland, state-funded primary, Total): 2.9 (1 dp);
    # 2015/16 from LAIT PriTotAbs, row 33602: 2.79 (2 dp). 2.79 - 2.9 is stated to 1 dp, not as 'down 0.11'.
    assert figure(con, "abs_overall_primary", "857", 2015)[:5] == (2.9, None, None, EES_ABSENCE, 5226)
    assert figure(con, "abs_overall_primary", "857", 2016)[:5] == (2.79, None, "final", LAIT, 33602)
    assert headlines.card(con, "abs_overall_primary", "857", 2016, "England").change_text == "down 0.1 points - better"
    trend = figures.trend(con, "abs_overall_primary", "857", "2025-05", 2016)
    shown = display.display_table(trend.table, trend.decimals).set_index(["series", "academic year"])["value"]
    assert (shown[("Rutland", "2014/15")], shown[("Rutland", "2015/16")]) == ("2.9", "2.79")  # never '2.90'


def test_zero_change_is_no_change_in_grey_without_an_arrow(con, real_db, monkeypatch):
    # LAIT FSP_NEW_GOODDEV Hampshire: 2024 = 71.9 and 2025 = 71.9.
    card = headlines.card(con, "eyfs_gld", "850", 2025, "England")
    assert (card.change_text, card.delta, card.delta_text) == ("no change", 0.0, "no change")
    at = page(real_db, monkeypatch, "850", "home")
    gld = next(m for m in at.metric if m.label == "GLD, 2024/25")
    assert gld.proto.delta == "no change"
    assert gld.proto.color == Metric_pb2.Metric.MetricColor.GRAY
    assert gld.proto.direction == Metric_pb2.Metric.MetricDirection.NONE


# ---------------------------------------------------------------- versions and precedence

@pytest.mark.parametrize("la_code", ["857", "850"])
def test_every_2016_17_headline_card_shows_final_and_why(con, la_code):
    """LAIT labels 2016/17 plainly ('2017'), and has since published later years of every headline measure,
    so its release note records the 2016/17 figures as final; each card says so."""
    cards = {m: headlines.card(con, m, la_code, 2017, "England") for m in measures.ids("headlines")}
    shown = {m: c for m, c in cards.items() if c.end_year == 2017}
    assert {"eyfs_gld", "ks2_rwm_exp", "ks4_att8", "ks5_aps_alevel", "abs_overall"} <= set(shown)
    for measure_id, card in shown.items():
        value, code, version, file_name, _, label = figure(con, measure_id, la_code, 2017)
        assert (file_name, label, version, card.version, card.version_text) == (LAIT, "2017", "final", "final",
                                                                                "final"), measure_id
        assert "an unlabelled year before the measure's newest year in the file is final" in card.version_note
    # A later LAIT year labelled '(Rev)' keeps LAIT's word: A level APS 2018 ('2018 (Rev)').
    assert figure(con, "ks5_aps_alevel", la_code, 2018)[2] == "revised"


def test_a_value_beats_a_lait_marker_isles_of_scilly_gld(con):
    # EES EYFSP file, row 1343: 201516, Isles of Scilly (420), Total, gld_percent 77.8.
    # LAIT bds_long_0.parquet, row 224974: FSP_NEW_GOODDEV, 2016, Isles of Scilly, '-'.
    assert figure(con, "eyfs_gld", "420", 2016)[:5] == (77.8, None, None, EES_EYFSP, 1343)
    # EES row 854: 201617, Isles of Scilly, 58.8 (LAIT row 225144 is '-' as well).
    assert figure(con, "eyfs_gld", "420", 2017)[:2] == (58.8, None)
    # Which changes ranks: Rutland's 72.1 (LAIT row 225022) is 33rd of 152 LAs, not 32nd of 151.
    rank = stats.rank_of(72.1, queries.values_for_ranking(con, "eyfs_gld", 2016), "higher")
    assert (rank.position, rank.out_of) == (33, 152)


def test_a_value_beats_a_lait_marker_inner_london_absence(con):
    # EES absence file, row 2046: 201516, Inner London (E13000001), State-funded primary, Total, 4.1;
    # LAIT bds_long_0.parquet, row 33657: PriTotAbs, 2016, London (Inner), '-'.
    assert figure(con, "abs_overall_primary", "E13000001", 2016)[:5] == (4.1, None, None, EES_ABSENCE, 2046)
    # Row 2058: Outer London 2015/16 primary 4 (LAIT row 33658 is '-').
    assert figure(con, "abs_overall_primary", "E13000002", 2016)[:2] == (4.0, None)
    notes = con.execute("SELECT notes FROM sources WHERE file_name = ?", [EES_ABSENCE]).fetchone()[0]
    assert "were replaced by this file's (a value where the earlier file gave a marker" in notes


def test_the_council_review_note_62_final_61_provisional(con, real_db, monkeypatch):
    # LAIT KS2RWM_Expected_STD 2017: England 62 (row 347979), Rutland 67 (row 347932); the review (LaSSAR
    # 2016-17, Appendix B) quoted England 61.0% and Rutland 67% while the data were unvalidated.
    ks2 = headlines.card(con, "ks2_rwm_exp", "857", 2017, "England")
    assert ks2.review_notes == ("England 62% final; 61% provisional at the time of the review (LaSSAR 2016-17)",)
    a8 = headlines.card(con, "ks4_att8", "857", 2017, "England")
    assert a8.review_notes[0] == "Rutland 52.2 final; 52.1 provisional at the time of the review (LaSSAR 2016-17)"
    at = page(real_db, monkeypatch, "857", "headlines", year="2016/17", phase="KS2")
    assert ("Council review: England 62% final; 61% provisional at the time of the review (LaSSAR 2016-17)"
            in texts(at))
    # Hampshire's pages quote no review: the review is Rutland's.
    assert headlines.card(con, "ks2_rwm_exp", "850", 2017, "England").review_notes == ()


# ---------------------------------------------------------------- display rules

@pytest.mark.parametrize("la_code", ["857", "850"])
def test_admissions_average_is_headed_by_its_own_years(real_db, monkeypatch, la_code):
    # EES applications and offers run to 2021/22; the scorecards start at 2023/24 entry, so no five
    # consecutive years end later than 2021/22, whatever year the sidebar holds (2024/25 by default).
    at = page(real_db, monkeypatch, la_code, "admissions")
    headers = [h.value for h in at.header]
    assert "First-preference offers: five-year averages" in headers
    assert not any("up to 2024/25" in h for h in headers)
    labels = [m.label for m in at.metric]
    assert "First preference, primary: average 2017/18 to 2021/22" in labels
    assert "(the latest five consecutive years with figures; none for 2022/23)" in texts(at)


@pytest.mark.parametrize("la_code, name", [("857", "Rutland"), ("850", "Hampshire")])
def test_ks1_and_level_3_show_their_latest_year_labelled(real_db, monkeypatch, la_code, name):
    # LAIT KS1 measures end in 2023 (KS1 non-statutory from 2023/24); Level3Age19 ends in 2024.
    at = page(real_db, monkeypatch, la_code, "headlines", phase="KS1")
    assert [m.label for m in at.metric] == [f"{name}, latest: 2022/23"] * 3
    assert ("*Not published for 2024/25: KS1 assessment is non-statutory from 2023/24, so no LA figures are "
            "published.*") in [m.value for m in at.markdown]
    at.button_group(key="phase").set_value("Post-16").run()
    assert at.metric[0].label == f"{name}, latest: 2023/24"
    assert "no data" not in [m.value for m in at.metric]
    overview = {m.label for m in page(real_db, monkeypatch, la_code, "home").metric}
    assert {"KS1 reading, latest: 2022/23", "Level 3 at 19, latest: 2023/24"} <= overview


ACADEMIC = re.compile(r"^\d{4}/\d{2}$")


def test_one_year_label_format_in_tables_and_calendar_years_labelled(con):
    for measure_id in ("ks5_aps_alevel", "ks2_rwm_exp", "excl_suspension_rate", "admissions_first_pref_primary"):
        table = figures.trend(con, measure_id, "857", "2025-05", 2025).table
        assert table["academic year"].map(ACADEMIC.match).all(), measure_id   # never '2018 (Rev)' or '2016'
    neet = figures.trend(con, "neet_nk_1617", "857", "2025-05", 2025)
    assert set(neet.table["calendar year"]) == {"2021", "2022", "2023", "2024", "2025"}
    assert "by calendar year" in neet.alt_text
    assert headlines.card(con, "neet_nk_1617", "857", 2025, "England").year_label == "calendar year 2025"


def test_a_figure_is_compared_with_a_mean_as_both_are_shown(con):
    """LAIT KS2RWM_Higher_STD 2022 (2021/22): Rutland '6'; its May 2025 neighbours 811 '4', 815 '7', 823 '4',
    850 '8', 855 '8', 865 '6', 869 '8', 893 '5', 895 '6', 916 '6': mean 6.2, shown as 6%. Shown 6% against 6%,
    Rutland is in line with the mean, never 'below the statistical-neighbour mean (6%)'."""
    card = headlines.card(con, "ks2_rwm_high", "857", 2022, "Neighbours 2025")
    assert card.value_text == "6%"
    assert "in line with the statistical-neighbour mean (6%)" in card.comparisons
    assert card.comparison_text == "in line with the statistical-neighbour mean (6%)"


def test_a_year_not_published_still_names_the_files_its_chart_plots(con):
    """KS1 reading 2024/25 is not published (the dictionary's gap), but its chart plots LAIT's KS1R_Expected_STD
    (2016-2022 labelled or inferred final; 2023 Rutland 74, LAIT's newest KS1 year, unlabelled: unstated): the board
    pack's footer names that file, never 'Source: none', and both versions."""
    bullets = summary.build_once(con, "857", 2025, None, None).bullets
    ks1 = next(b for b in bullets if b.title == "KS1 reading: expected standard")
    assert "not published for 2024/25" in ks1.text
    files = {row[0] for row in con.execute("SELECT file_name FROM sources WHERE list_contains(?, source_id)",
                                           [list(ks1.source_ids)]).fetchall()}
    assert files == {LAIT} and ks1.versions == ("final", "unstated")


def test_quartile_band_is_lait_s_when_rutland_ties_the_75th_percentile(con):
    """LAIT KS1P_all '2025 (prov)', the 151 LAs with a figure (LA Number below 970): 24 above 82, 21 at 82
    (Rutland among them), and R's default quantile gives the 75th percentile 82. DfE's LAIT bands A only above
    it, so Rutland's 82 is 25th of 151 and band B, not A by position (25 of 151 is inside the top quarter)."""
    card = headlines.card(con, "phonics_y1", "857", 2025, "England")
    assert card.value_text == "82%"
    assert (card.rank.position, card.rank.out_of, card.rank.quartile) == (25, 151, "B")
    assert card.rank.sharing == 21
    assert summary.rank_words(card.rank, "higher") == ("Ranked joint 25th of 151 LAs (21 share the figure, places "
                                                       "25-45), quartile B (the second 25%).")


def test_the_plan_s_disadvantaged_indicators_find_lait_s_figures(con):
    """Appendix A P1.I3 (the plan's indicators: ks2_rwm_exp_disadv, ks4_att8_disadv). LAIT DAP_NEW_KS2_RWM: Rutland
    2017 '50', 2025 '48'; England 2025 '48'. DAP_KS4_ATT8: Rutland 2025 '40', England 2025 34.9. Both codes are
    also pupil-group series (reference/group_measures.csv); the plan found no figure when they loaded only as those."""
    specs = (("P1.I3", "ks2_rwm_exp_disadv", "la", "at or above", "England", None),
             ("P1.I3", "ks4_att8_disadv", "la", "at or above", "England", None))
    ks2, ks4 = plan_views.indicator_statuses(con, "857", 2017, specs)
    assert (ks2.latest, ks2.compared_with, ks2.status) == ("48% (2024/25, version not stated)", "England 48%", "Green")
    assert ks2.trend == "down 2 points - worse since 2016/17"
    assert (ks4.latest, ks4.compared_with, ks4.status) == ("40.0 (2024/25, version not stated)", "England 34.9", "Green")


def test_the_about_page_gives_the_versions_each_file_s_figures_are_stored_as(con, real_db, monkeypatch):
    """england_ks4provisional.csv.gz (2018/19) is stored as provisional, the cut-down england_ks4final.csv.gz as
    final, LAIT's long table as all four (its '(prov)' and '(Rev)' year labels, final and the newest unstated);
    a register (GIAS group links) stores no figures. Most files have no release note, so the versions are shown."""
    table = source_views.loaded_sources(con).table.set_index("file_name")["versions"]
    assert table["dfe/compare_school_performance/2018-2019_england/england_ks4provisional.csv.gz"] == "provisional"
    assert table["dfe/school_level_cutdown_2018-2019_waiky8/england_ks4final.csv.gz"] == "final"
    assert table[LAIT] == "final, provisional, revised, unstated"
    assert table["dfe/gias/group_links.csv.gz"] == "no figures stored from this file"
    assert "The table above gives the versions each file's figures are stored as" in texts(
        page(real_db, monkeypatch, "857", "about"))


def test_neet_figures_carry_the_version_dfe_s_file_names_give(con):
    """UD_NEETNK_LA_dashboard_final_2025.csv (row 11: Rutland NEET or not known 1.3) is named final by DfE, as are
    the 2022-2024 files; the 2021 file (..._2021_vg_removed.csv) names no version."""
    value, _, version, file_name, _, _ = figure(con, "neet_nk_1617", "857", 2025)
    assert (value, version, file_name.rsplit("/", 1)[-1]) == (1.3, "final", "UD_NEETNK_LA_dashboard_final_2025.csv")
    assert figure(con, "neet_nk_1617", "857", 2021)[2] is None


def test_a_pooled_region_claims_no_coverage_the_file_lacks(con):
    """england_ks5-studest.csv.gz has 148 LA rows and none for Northamptonshire (928, 940, 941): the East Midlands
    pool is 8 LAs, not '8 of 8'; the ten May 2025 neighbours all have rows, so theirs is '10 of 10'."""
    cohort = con.execute("SELECT DISTINCT cohort_label FROM destinations WHERE area_code = '857' AND stage = '16-18'"
                         ).fetchall()[0][0]
    shares = destination_queries.destination_shares(con, "857", cohort, "2025-05")
    series = dict(shares[["role", "series"]].drop_duplicates().itertuples(index=False))
    assert series["region"] == "East Midlands (pooled, 8 LAs)"
    assert series["neighbours"] == "Statistical neighbours (pooled, 10 of 10 LAs)"


def test_the_newest_scorecard_s_next_year_is_loaded(con):
    """school_places_scorecards/extract_rutland_scorecard_data_2025_2023.csv, Year 2024/25: Rutland (row 9)
    Pref_P_1_NY 94.46494465, Pref_S_1_NY 93.05135952; England (row 25) 92.42263368 and 83.59567747 - the next SCAP
    year, entry in September 2026 (metadata.csv), which no later scorecard's _CY repeats yet."""
    for measure, rutland, england in (("admissions_first_pref_primary", 94.46494465, 92.42263368),
                                      ("admissions_first_pref_secondary", 93.05135952, 83.59567747)):
        assert figure(con, measure, "857", 2027)[0] == rutland and figure(con, measure, "E92000001", 2027)[0] == england
        assert figure(con, measure, "857", 2027)[5] == "2026/27 entry (scorecard 2024/25, next SCAP year)"


def test_destination_shares_are_worked_out_from_counts_beside_the_whole_published_percent(con, real_db, monkeypatch):
    """england_ks5-studest.csv.gz, NAT row (line 2260): TOT_NOT_CAPTURED 28500 of TOT_COHORT 521203 is 5.47%, which
    DfE publishes as TOT_NOT_CAPTUREDPER '6%'. The bar is drawn at 5.5 and the page says why it is not 6."""
    cohort = con.execute("SELECT DISTINCT cohort_label FROM destinations WHERE area_code = '857' AND stage = '16-18'"
                         ).fetchall()[0][0]
    table = figures.destinations(con, "857", cohort, "2025-05").table
    england = table[(table["series"] == "England") & (table["category"] == "Activity not captured")].iloc[0]
    assert (england["pupils"], england["cohort"]) == (28500, 521203)
    assert (england["share_of_cohort"], england["published_percent"]) == (5.5, 6.0)
    at = page(real_db, monkeypatch, "857", "destinations", stage="16-18", cohort=cohort)
    assert "shares are worked out from the published pupil counts" in texts(at)
    assert "DfE's own percentages are whole numbers" in texts(at)


def test_a_school_and_its_predecessor_in_one_year_count_once(real_db_hampshire, monkeypatch):
    """2020-2021_england/england_abs.csv.gz, 2018/19: Oakfield Primary School published 4.2 (row 850,2048,147021) and
    its predecessor, closed 31-03-2019 (GIAS links), 4.6 (row 850,2256,115993). The school is counted once, with
    its own figure: 117 of 421 Hampshire primaries above national, not 118 of 422."""
    at = page(real_db_hampshire, monkeypatch, "850", "absence", absence_phase="Primary", school_absence_year="2018/19")
    assert "**117 of 421 state-funded mainstream schools**" in texts(at)
    hampshire = duckdb.connect(str(real_db_hampshire), read_only=True)
    try:
        table = figures.school_absence(hampshire, "850", 2019, "primary", "overall").table
    finally:
        hampshire.close()
    oakfield = table[table["urn"] == "147021"]
    assert oakfield["overall"].tolist() == [4.2] and oakfield["published_as"].tolist() == [""]


def test_a_predecessor_s_absence_says_whose_it_was(con):
    """england_abs.csv.gz 2018/19: Oakham CofE Primary School's 2.9 was published under URN 120181, which GIAS
    links to 148948 (opened 01-06-2023): listed under the school today, saying so."""
    table = figures.school_absence(con, "857", 2019, "primary", "overall").table
    oakham = table[table["urn"] == "148948"].iloc[0]
    assert oakham["overall"] == 2.9
    assert oakham["published_as"] == ("published under the predecessor school Oakham CofE Primary School "
                                      "(URN 120181, replaced on 31 May 2023)")


@pytest.mark.parametrize("la_code, since", [("857", "up 1.1 points - better since 2017"),
                                            ("850", "down 1.0 point - worse since 2017")])
def test_the_plan_s_participation_trend_starts_from_lait_s_2017_figure(real_db, monkeypatch, la_code, since):
    """LAIT bds_long_0.parquet '16-17Ed&Training' (16 & 17 year olds in education or training, as at 31 March; the
    same series as the NEET dashboard's): 2017 Rutland 96.2, Hampshire 91.8; the 2025 dashboard file (final) 97.3
    and 90.8. The plan started in 2016/17, so its trend is 2017 to 2025, not 'no figure for 2017'."""
    at = page(real_db, monkeypatch, la_code, "improvement-plan")
    rows = [row for frame in at.dataframe for row in frame.value.astype(str).itertuples(index=False)
            if "16-17 year olds participating" in " ".join(row)]
    assert rows and any(since in " ".join(row) for row in rows), rows


def test_the_plan_s_progress_change_is_stated_no_finer_than_its_1dp_baseline(real_db, monkeypatch):
    """LAIT KS2R_Prog_VA 2017 Rutland '0.2' (1 dp) against 0.17 for 2022/23: to 1 dp both are 0.2, so 'no change
    since 2016/17', not 'down 0.03'."""
    at = page(real_db, monkeypatch, "857", "improvement-plan")
    rows = [" ".join(row) for frame in at.dataframe for row in frame.value.astype(str).itertuples(index=False)
            if "KS2 reading progress score" in " ".join(row)]
    assert rows and "no change since 2016/17" in rows[0] and "0.03" not in rows[0], rows


def test_a_progress_score_is_significantly_below_when_its_interval_is_below_0(real_db_hampshire):
    """2016-2017_850_ks4final.csv (no DfE bands that year): Testbourne Community School P8MEA -0.22, P8CILOW -0.42,
    P8CIUPP -0.02 (line 78) and The Costello School -0.19, -0.36, -0.02 (line 99) are wholly below 0, DfE's test,
    though not below the state-funded figure -0.03 (RECTYPE 7, line 127): 29 of 69 schools, not 27."""
    hampshire = duckdb.connect(str(real_db_hampshire), read_only=True)
    try:
        frame = school_queries.masking(hampshire, "850", "ks4_p8", 2017)
    finally:
        hampshire.close()
    compared = frame[frame["compared"] & frame["value"].notna()]
    assert frame["national"].iloc[0] == -0.03
    assert ((compared["significance"] == intervals.BELOW).sum(), len(compared)) == (29, 69)
    for urn in ("116502", "138287"):
        assert compared.loc[compared["urn"] == urn, "significance"].tolist() == [intervals.BELOW]


def test_academisation_counts_replaced_schools_the_register_does_not_list(con):
    """GIAS links extract (lines 23-38): 16 Rutland schools were replaced by academies between 01-09-2011 and
    01-10-2018 and no loaded register lists them (e.g. 137358 Brooke Hill Academy replaced 120046 Brooke Hill
    Primary School on 01-09-2011). Each counts as maintained until its link date: 16 maintained at the end of
    2010/11, none after 2018/19. Harington School is in no loaded register, so the note names it as undated."""
    view = academisation_views.academisation_view(con, "857", date(2026, 12, 1))
    maintained = view.over_time[view.over_time["status"] == academisation_views.MAINTAINED].set_index("year_label")
    assert maintained.loc["2010/11", "schools"] == 16 and maintained.loc["2018/19", "schools"] == 0
    assert "the academies among them: Harington School" in view.over_time_note


def test_a_new_academy_s_register_open_date_is_its_start(real_db_hampshire):
    """extract_hampshire_20220420_gias.csv: Boorley Park, Free schools, 'New Provision', OpenDate 02-09-2019 (line
    510); Berewood Primary School, Academy sponsor led, 'New Provision', 01-09-2014 (line 500)."""
    hampshire = duckdb.connect(str(real_db_hampshire), read_only=True)
    try:
        conversions = academisation_views.academisation_view(hampshire, "850", date(2026, 12, 1)).conversions
    finally:
        hampshire.close()
    dated = dict(zip(conversions["school"], conversions["date"]))
    assert dated["Boorley Park"] == date(2019, 9, 2) and dated["Berewood Primary School"] == date(2014, 9, 1)


def test_hampshire_s_map_page_says_its_boundaries_are_missing_not_its_deprivation_figures(real_db_hampshire,
                                                                                            monkeypatch):
    """data/geo holds LSOA and ward boundaries for Rutland only (its README), while the England-wide IoD files
    (data/geo/england/) give every LSOA's figures: Hampshire's areas cannot be mapped for want of boundaries."""
    at = page(real_db_hampshire, monkeypatch, "850", "deprivation-map")
    message = " ".join(e.value for e in at.error)
    assert message.startswith("No LSOA or ward boundaries are loaded for Hampshire: the geography files cover "
                              "Rutland only, so its small areas cannot be mapped. England-wide Indices of "
                              "Deprivation figures are loaded (")
    assert "No Indices of Deprivation figures are loaded" not in message


def test_a_measure_not_published_this_year_reports_every_version_its_chart_plots(real_db):
    """KS1 is not assessed in 2024/25; the chart beside its bullet plots LAIT's KS1 years, the newest (2022/23)
    without a version label in the file: 'unstated' beside the older years' 'final', not 'final' alone."""
    con = duckdb.connect(str(real_db), read_only=True)
    built = summary.build_once(con, "857", 2025, None)
    ks1 = [b for b in built.sections["KS1"] if "not published for 2024/25" in b.text]
    assert ks1 and all(b.versions == ("final", "unstated") for b in ks1)
    assert "KS1: versions shown - final, unstated." in built.status
    con.close()
