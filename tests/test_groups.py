"""LA-level pupil groups (issue 14 section 1): importers on the real files with values read by hand from the raw
rows, the gap and narrowing logic on hand-worked cases, what the Groups page and the summary say for Rutland on
the real build, and the page through app.py on the demo and the real build."""
from __future__ import annotations

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from rutland_data.analysis import group_gaps
from rutland_data.exports import summary
from rutland_data.reference import group_measures, measures
from rutland_data.views import groups
from tests.conftest import APP_FILE

KS4_EXTRACT = "ks4_la_characteristics_2018-19/extract_rutland_201819_LA_characteristics"
EYFSP_ZIP = "eyfsp_2012-13_to_2017-18/EYFSP_APS_GLD_ELG_underlying_data_2013_2018.zip"
SEN2 = "ehc_plans_sen2_2014_to_2022/sen2_mi.csv.gz"


def _group(con, measure_id, group, year, area):
    return con.execute(
        "SELECT g.value, g.value_code, g.cohort, g.version, s.file_name, g.source_row FROM la_group_results g "
        "JOIN sources s USING (source_id) WHERE measure_id = ? AND pupil_group = ? AND end_year = ? AND area_code = ?",
        [measure_id, group, year, area]).fetchone()


def _result(con, measure_id, year, area):
    return con.execute(
        "SELECT r.value, r.version, s.file_name, r.source_row FROM la_results r JOIN sources s USING (source_id) "
        "WHERE measure_id = ? AND end_year = ? AND area_code = ?", [measure_id, year, area]).fetchone()


@pytest.fixture(scope="module")
def real(real_db):
    con = duckdb.connect(str(real_db), read_only=True)
    yield con
    con.close()


# ---------------------------------------------------------------- importers on the real files

def test_ks4_characteristics_rows_as_published(real):
    # extract line 681: 201819 ... 857,...,Rutland,Revised,...,Free school meals,Total,Total,FSM,...,3,15,563.5,
    # 37.566...,37.6,14,93.3,2,13.3,8,53.3 -> FSM pupils: 15, grade 9-5 English and maths 13.3%, 9-4 53.3%
    value, code, cohort, version, file_name, row = _group(real, "ks4_em95", "fsm", 2019, "857")
    assert (value, code, cohort, version, row) == (13.3, None, 15, "revised", 681) and KS4_EXTRACT in file_name
    assert _group(real, "ks4_em94", "fsm", 2019, "857")[:3] == (53.3, None, 15)
    # line 669-671 are gender x first language crosses (not loaded); line 684: Total/Other than English: 12 pupils, 40.2
    assert _group(real, "ks4_att8", "eal", 2019, "857")[:3] == (40.2, None, 12)
    # line 666: Total, Boys ... 240 pupils, avg_att8 50.8, avg_p8score 0.25
    assert _group(real, "ks4_att8", "boys", 2019, "857")[:3] == (50.8, None, 240)
    assert _group(real, "ks4_p8", "boys", 2019, "857")[0] == 0.25
    # line 676: SEN status, SEN Supp: 67 pupils, A8 40.700000000000003 (as stored in the workbook)
    assert _group(real, "ks4_att8", "sen_support", 2019, "857")[2] == 67


def test_ks4_disadvantaged_figure_keeps_lait_final_with_the_ees_cohort(real):
    # LAIT DAP_KS4_ATT8 2019 Rutland (parquet row 441092) 43.6, final; EES extract line 672 gives the same 43.6
    # (revised) for 49 disadvantaged pupils: the final figure is kept and the cohort of that same figure filled in.
    value, code, cohort, version, file_name, row = _group(real, "ks4_att8", "disadvantaged", 2019, "857")
    assert (value, cohort, version, row) == (43.6, 49, "final", 441092) and file_name.endswith("bds_long_0.parquet")
    # England: LAIT 36.700000000000003 (row 441139, final) beats the EES national row's 36.8 (revised).
    assert _group(real, "ks4_att8", "disadvantaged", 2019, "E92000001")[0] == pytest.approx(36.7)


def test_eyfsp_gender_rows_are_loaded(real):
    # extract lines 42-43 (2017/18 Rutland), columns number_of_children, point_score, average_point_score,
    # elg_number, elg_percent, gld_number, gld_percent: 'Gender Female,182,6799,37.4,138,75.8,140,76.9' and
    # 'Gender Male,222,7826,35.3,153,68.9,155,69.8'
    girls = _group(real, "eyfs_gld", "girls", 2018, "857")
    boys = _group(real, "eyfs_gld", "boys", 2018, "857")
    assert girls[:3] == (76.9, None, 182) and boys[:3] == (69.8, None, 222)
    assert EYFSP_ZIP.split("/")[0] in girls[4]
    # line 3: England 2017/18 'Gender Female,318293,11382910,35.8,246666,77.5,249669,78.4'
    assert _group(real, "eyfs_gld", "girls", 2018, "E92000001")[:3] == (78.4, None, 318293)
    # the Total row still feeds the headline: line 41 'Total,Total,404,14625,36.2,291,72,295,73'
    assert _result(real, "eyfs_gld", 2018, "857")[0] == 73.0


def test_sen2_twenty_week_timeliness(real):
    # sen2_mi.csv, Rutland 2015 (calendar): no_exc_20week_rate 78.600000000000 of tot_no_exc_ehc 14; LAIT starts 2016
    value, version, file_name, _ = _result(real, "sen2_ehcp_20wk", 2015, "857")
    assert value == 78.6 and SEN2.split("/")[0] in file_name
    assert _result(real, "sen2_new_plans", 2022, "857")[0] == 38.0   # 2022: 16 of 38 plans, rate ' 42.105'
    # 2022: LAIT SEN_EHC_Excpt_20wks 42.1 (final) is kept over SEN2's unstated 42.105
    assert _result(real, "sen2_ehcp_20wk", 2022, "857")[:2] == (42.1, "final")
    assert _result(real, "sen2_ehcp_20wk_all", 2020, "857")[0] == 72.7   # LAIT SEN_EHC_All_20wks 2020


def test_lait_group_codes(real):
    # LAIT KS1P_FSM 2019: Rutland 75 (row 160592), England 70; DAP_NEW_KS2_RWM 2019 Rutland 39
    assert _group(real, "phonics_y1", "fsm", 2019, "857")[:3] == (75.0, None, None)
    assert _group(real, "phonics_y1", "fsm", 2019, "E92000001")[0] == 70.0
    assert _group(real, "ks2_rwm_exp", "disadvantaged", 2019, "857")[0] == 39.0
    # a suppressed LAIT figure stays a marker: children looked after KS2 RWM, Rutland, every year '-'
    assert _group(real, "ks2_rwm_exp", "cla", 2019, "857")[:2] == (None, "-")


def test_every_group_series_names_a_known_measure_and_group():
    assert len(group_measures.read_group_measures()) > 50
    assert {"eyfs_gld", "phonics_y1", "ks2_rwm_exp", "ks4_att8"} <= set(group_measures.measure_ids())


# ---------------------------------------------------------------- the gap logic, hand-worked

KS2 = measures.by_id()["ks2_rwm_exp"]
A8 = measures.by_id()["ks4_att8"]
GLD = measures.by_id()["eyfs_gld"]


def test_gap_change_narrowed_and_widened():
    assert group_gaps.gap_change(KS2, 2019, -21, -18).text == "widened by 3 points (from 18 points to 21 points)"
    narrowed = group_gaps.gap_change(A8, 2019, -6.7, -10.3)
    assert narrowed.narrowed is True and narrowed.text == "narrowed by 3.6 (from 10.3 to 6.7)"
    assert group_gaps.gap_change(KS2, 2019, -18.2, -17.8).text == "no change in the gap"   # both 18 at 0 dp
    assert group_gaps.gap_change(A8, 2019, 0.5, -1.0).text.startswith("moved to the other side: now 0.5 above")


def test_gap_change_never_across_a_break_or_a_gap():
    # KS2: no tests in 2019/20 or 2020/21, so 2021/22 has nothing to compare with
    across_gap = group_gaps.gap_change(KS2, 2022, -20, -10)
    assert not across_gap.comparable and across_gap.narrowed is None and "2020/21" in across_gap.text
    # Attainment 8: a new series in 2019/20 (centre-assessed grades)
    assert not group_gaps.gap_change(A8, 2020, -5, -10).comparable


def test_gap_change_is_taken_between_the_gaps_as_shown():
    # 67.7 -> 68.3 stated in whole points reads 68 -> 68: no change, never 'widened by 1 point (from 68 to 68)'
    assert group_gaps.gap_change(A8, 2019, -68.3, -67.7, decimals=0).text == "no change in the gap"
    assert group_gaps.gap_change(A8, 2019, -68.3, -67.7).text == "widened by 0.6 (from 67.7 to 68.3)"
    assert group_gaps.against_national_gap(A8, -12.7, -15.5, "Rutland", decimals=0) == \
        "narrower than nationally (13 in Rutland against 16)"       # 13 - 16, not round(12.7 - 15.5) = -2.8 -> 3
    assert group_gaps.against_national_gap(A8, -12.5, -12.4, "Rutland", decimals=0) == \
        "wider than nationally (13 in Rutland against 12)"          # halves round up: 13 - 12, not round(0.1) = 0


def test_comparison_falls_back_to_all_pupils_when_the_other_group_is_not_published():
    national = {"fsm": 70.0, "all": 82.0}
    compared = group_gaps.comparison("fsm", "other_group", national)
    assert compared.value == 82.0 and compared.group == "all" and "no figure for non-FSM pupils" in compared.label
    assert group_gaps.comparison("fsm", "same_group", national).value == 70.0
    assert group_gaps.comparison("disadvantaged", "other_group",
                                 {"disadvantaged": 51, "not_disadvantaged": 71}).value == 71


def test_against_national_gap_words():
    # the review: 'the gap between FSM pupils and all pupils in Rutland for Phonics is wider than seen nationally'
    assert group_gaps.against_national_gap(KS2, -14, -12, "Rutland") == \
        "wider than nationally (14 points in Rutland against 12 points)"
    assert group_gaps.against_national_gap(A8, -8.6, -13.6, "Rutland").startswith("narrower than nationally")
    assert group_gaps.against_national_gap(KS2, 3, -12, "Rutland").startswith("on the other side from nationally")


def test_cohort_caveats():
    assert group_gaps.cohort_caveat(KS2, 15, None) == "small group: 15 pupils, so one pupil is 6.7 percentage points"
    assert group_gaps.cohort_caveat(KS2, 49, None) is None
    assert "not published" in group_gaps.cohort_caveat(KS2, None, "c")
    assert "cohort not published" in group_gaps.cohort_caveat(KS2, None, None)


def test_three_years_pooled_by_cohort_not_averaged():
    # (80.3 x 188 + 75.8 x 182 + 70 x 20) / 390 = 30292 / 390 = 77.67...; the plain mean would be 75.4
    pooled = group_gaps.three_years(GLD, 2018, {2016: (80.3, 188), 2017: (75.8, 182), 2018: (70.0, 20)})
    assert pooled.cohort == 390 and pooled.value == pytest.approx(30292 / 390)
    assert pooled.text == "77.7% over 2015/16 to 2017/18 (390 pupils)"
    assert group_gaps.three_years(GLD, 2018, {2016: (80.3, 188), 2018: (70.0, 20)}).value is None
    broken = group_gaps.three_years(A8, 2021, {2019: (40, 50), 2020: (41, 50), 2021: (42, 50)})
    assert broken.value is None and "centre-assessed" in broken.text
    assert "no cohort sizes" in group_gaps.three_years(KS2, 2019, {2018: (50, None), 2019: (52, None)}).text


# ---------------------------------------------------------------- what the page and the summary say (real build)

def test_groups_view_for_rutland_ks4_2018_19(real):
    part = next(p for p in groups.phase_groups(real, "KS4", "857", "Rutland", 2019, "other_group")
                if p.measure.measure_id == "ks4_att8")
    row = part.rows.set_index("pupil_group").loc["disadvantaged"]
    # Rutland 43.6 (LAIT row 441092) against England non-disadvantaged 50.3 (row 442839): 6.7 below;
    # 2017/18: 40 against 50.3 (rows 440922, 442669): 10.3 below -> narrowed by 3.6.
    assert row["figure"] == "43.6" and row["pupils"] == 49
    assert row["gap"] == "6.7 below non-disadvantaged pupils nationally"
    assert row["change"] == "narrowed by 3.6 (from 10.3 to 6.7)"
    # inside Rutland: 43.6 - 52.2 (NonDAP row 442792) = 8.6; nationally 36.7 - 50.3 = 13.6
    assert row["against_national_gap"] == "narrower than nationally (8.6 in Rutland against 13.6)"
    fsm = part.rows.set_index("pupil_group").loc["fsm"]
    assert fsm["caveat"] == "small group: 15 pupils; a few pupils move the average a long way"


def test_summary_has_the_reviews_group_bullets(real):
    built = summary.build(real, "857", 2019, ["Groups"])
    texts = [b.text for b in built.sections["Groups"]]
    # phonics 2018/19: FSM 75 against all pupils 85 in Rutland (gap 10); England 70 against 82 (gap 12)
    assert any(t.startswith("Year 1 phonics: expected standard: the gap between FSM pupils and all pupils in "
                            "Rutland is narrower than nationally (10 points in Rutland against 12 points)")
               for t in texts)
    assert all("nan" not in t and "None" not in t for t in texts)


def _page(db_path, monkeypatch, **params) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB", str(db_path))
    at = AppTest.from_file(APP_FILE, default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/groups.py").run()
    assert not at.exception
    return at


def test_groups_page_on_the_real_build_says_what_the_file_says(real_db, monkeypatch):
    at = _page(real_db, monkeypatch, year="2018/19", phase="KS4")
    assert at.title[0].value == "Pupil groups"
    table = at.dataframe[0].value.set_index("Pupil group")
    assert table.loc["Disadvantaged", "Figure"] == "43.6"
    assert table.loc["Disadvantaged", "Gap to comparison"] == "6.7 below non-disadvantaged pupils nationally"
    assert table.loc["Disadvantaged", "Gap since the year before"] == "narrowed by 3.6 (from 10.3 to 6.7)"
    at.segmented_control(key="compare").set_value("The same group nationally").run()
    table = at.dataframe[0].value.set_index("Pupil group")
    # same group nationally: 43.6 - 36.7 (LAIT England DAP_KS4_ATT8 2019, row 441139)
    assert table.loc["Disadvantaged", "Gap to comparison"] == "6.9 above disadvantaged pupils nationally"
    assert any(h.value == "Vulnerable groups" for h in at.header)


def test_groups_page_on_the_demo_is_labelled_simulated(demo_db, monkeypatch):
    at = _page(demo_db, monkeypatch, phase="KS2")
    assert any("Demonstration data" in w.value for w in at.warning)
    assert len(at.dataframe) >= 1
    shown = at.dataframe[0].value
    assert "Disadvantaged" in set(shown["Pupil group"])
    assert not shown.astype(str).isin(["nan", "None", "NaT"]).any().any()
    at.button_group(key="phase").set_value("Early years").run()
    assert not at.exception and any("good level of development" in s.value for s in at.subheader)


def test_groups_view_early_years_three_year_figure_and_published_decimals(real):
    part = next(p for p in groups.phase_groups(real, "Early years", "857", "Rutland", 2018, "other_group")
                if p.measure.measure_id == "eyfs_gld")
    girls = part.rows.set_index("pupil_group").loc["girls"]
    # EYFSP girls, Rutland: 2015/16 (extract line 186) 180 children, gld_percent 82.8; 2016/17 (line 114) 188,
    # 81.4; 2017/18 (line 42) 182, 76.9 -> (82.8 x 180 + 81.4 x 188 + 76.9 x 182) / 550 = 44203 / 550 = 80.37
    assert girls["three_years"] == "80.4% over 2015/16 to 2017/18 (550 pupils)"
    assert girls["figure"] == "76.9%" and girls["pupils"] == 182
    # LAIT publishes EYFS by FSM in whole numbers (FSP_Gooddev_FSM 2018/19: 50; FSP_Gooddev_FSM_Other England 74):
    # the gap is stated in whole points, never as '24.0 points'
    later = next(p for p in groups.phase_groups(real, "Early years", "857", "Rutland", 2019, "other_group")
                 if p.measure.measure_id == "eyfs_gld")
    fsm = later.rows.set_index("pupil_group").loc["fsm"]
    assert fsm["figure"] == "50%" and fsm["gap"] == "24 points below non-FSM pupils nationally"


def test_a_figure_lait_writes_without_its_trailing_zero_keeps_its_decimal(real):
    """bds_long_0.parquet (LAIT), Attainment 8: DAP_KS4_ATT8 Rutland 2024 39.2, 2025 '40' (row 442112);
    NonDAP_KS4_ATT8 England 2024 '50', 2025 50.4; NonDAP_KS4_ATT8 Rutland 2025 52.7; DAP_KS4_ATT8 England 2025 34.9.
    '40' and '50' are 40.0 and 50.0 (the other LAs' figures that year have a decimal): the gap narrowed from 10.8
    to 10.4, which whole numbers would state as 'no change' (11 to 10 rounded apart, or 10 to 10)."""
    part = next(p for p in groups.phase_groups(real, "KS4", "857", "Rutland", 2025, "other_group")
                if p.measure.measure_id == "ks4_att8")
    row = part.rows.set_index("pupil_group").loc["disadvantaged"]
    assert (row["figure"], row["comparison"], row["gap"], row["change"], row["against_national_gap"]) == (
        "40.0", "50.4", "10.4 below non-disadvantaged pupils nationally", "narrowed by 0.4 (from 10.8 to 10.4)",
        "narrower than nationally (12.7 in Rutland against 15.5)")
    # FSP_Gooddev_With_SENSTATE Rutland '0' in 2024 and 2025; FSP_NEW_GOODDEV England 67.7 then 68.3
    early = next(p for p in groups.phase_groups(real, "Early years", "857", "Rutland", 2025, "other_group",
                                               vulnerable=True) if p.measure.measure_id == "eyfs_gld")
    assert early.rows.set_index("pupil_group").loc["ehcp", "change"] == \
        "widened by 0.6 points (from 67.7 points to 68.3 points)"


_GAPS = st.floats(min_value=-60, max_value=60, allow_nan=False).map(lambda v: round(v, 1))


@given(now=_GAPS, before=_GAPS, year=st.integers(min_value=2014, max_value=2026))
def test_gap_change_rule_holds_for_all_gaps(now, before, year):
    """Narrowed means the gap is smaller in size, widened larger, and no change is ever stated across the
    dictionary's breaks or gaps (KS2: new series in 2015/16, no tests in 2019/20 and 2020/21, so 2021/22 has no
    year before to compare with)."""
    change = group_gaps.gap_change(KS2, year, now, before)
    if KS2.new_series_in(year) or KS2.gap_covering(year - 1):
        assert not change.comparable and change.narrowed is None
        return
    assert change.comparable
    if change.narrowed is True:
        assert abs(now) < abs(before)
    if change.narrowed is False:
        assert abs(now) > abs(before)


def test_ehc_plan_timeliness_note_pools_three_years_by_plans(real):
    # Rutland 20-week rates (LAIT SEN_EHC_Excpt_20wks, final) 2020 75.6, 2021 43.2, 2022 42.1 of SEN2's
    # tot_no_exc_ehc 41, 37, 38 plans: (75.6 x 41 + 43.2 x 37 + 42.1 x 38) / 116 = 54.29; SEN2's own counts agree:
    # no_exc_20week_ehc 31 + 16 + 16 = 63 of 116 = 54.3%
    assert groups.new_plans_note(real, "857", 2022) == (
        "In calendar year 2022 the percentage is of 38 new EHC plans (excluding exceptions). "
        "Three years: 54.3% over 2020 to 2022 (116 plans).")
