"""School statistics: intervals, significance, funnel limits, pooling and disclosure control.

Hand-worked cases are worked in the comments so a reader can check the arithmetic.
"""
from __future__ import annotations

import csv
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings as hyp_settings, strategies as st

from rutland_data.analysis import disclosure
from rutland_data.analysis import funnels
from rutland_data.analysis import intervals
from rutland_data.analysis import pooling
from rutland_data.reference import pupil_sds
from tests.conftest import require_shared


# --- Wilson ------------------------------------------------------------------------------------
def test_wilson_15_of_20_hand_worked():
    # p = 0.75, z = 1.96, z^2 = 3.8416, z^2/n = 0.19208, denominator 1 + z^2/n = 1.19208
    # centre = (0.75 + 3.8416/40) / 1.19208 = 0.84604 / 1.19208 = 0.70972
    # half   = 1.96 * sqrt(0.75*0.25/20 + 3.8416/1600) / 1.19208
    #        = 1.96 * sqrt(0.009375 + 0.002401) / 1.19208 = 1.96 * 0.108518 / 1.19208 = 0.178424
    # -> (0.53130, 0.88814), i.e. 53.1% to 88.8%
    low, high = intervals.wilson_interval(15, 20, is_count=True)
    assert (round(low, 1), round(high, 1)) == (53.1, 88.8)
    # the same from the published percentage 75% on a cohort of 20
    assert intervals.wilson_interval(75, 20) == pytest.approx((low, high))


def test_wilson_zero_of_ten_stays_inside_0_100():
    # p = 0: centre = (3.8416/20) / 1.38416 = 0.138770; half = 1.96*sqrt(3.8416/400)/1.38416
    #        = 1.96 * 0.098 / 1.38416 = 0.138770 -> (0, 27.75%)
    low, high = intervals.wilson_interval(0, 10)
    assert low == 0.0
    assert high == pytest.approx(27.754, abs=0.001)


def test_wilson_reconstructs_count_from_rounded_percentage():
    # 67% of 17 pupils is 11.39 -> 11 pupils (11/17 = 64.7% would be published as 65%, but 67%
    # is what a reader types; the count nearest the percentage is used)
    assert intervals.wilson_interval(67, 17) == intervals.wilson_interval(11, 17, is_count=True)


def test_wilson_without_a_cohort_is_none():
    assert intervals.wilson_interval(50, 0) is None
    assert intervals.wilson_interval(50, None) is None
    assert intervals.wilson_interval(None, 20) is None


def test_wilson_bounds_on_arrays_are_wilson_interval_exactly():
    # every count of every cohort up to 40 pupils, 0% and 100% and n = 1 among them: the arrays a page computes
    # for a whole LA at once give, bit for bit, the interval wilson_interval gives for one school
    n = np.array([size for size in range(1, 41) for _ in range(size + 1)], dtype=float)
    successes = np.array([count for size in range(1, 41) for count in range(size + 1)], dtype=float)
    low, high = intervals.wilson_bounds(successes, n)
    expected = [intervals.wilson_interval(int(s), int(size), is_count=True) for s, size in zip(successes, n)]
    assert list(zip(low.tolist(), high.tolist())) == expected
    assert (low[0], high[0]) == (0.0, expected[0][1])          # 0 of 1 pupil
    assert high[1] == 100.0                                     # 1 of 1 pupil


def test_rebuilt_successes_rounds_as_python_round_within_the_cohort():
    # 50% of 1 pupil = 0.5 -> 0 and 50% of 3 = 1.5 -> 2 (halves to even, as round()); 67% of 17 = 11.39 -> 11;
    # a percentage over 100 or below 0 stays within 0..n
    pct = np.array([50, 50, 67, 0, 100, 104, -3], dtype=float)
    n = np.array([1, 3, 17, 9, 9, 9, 9], dtype=float)
    assert intervals.rebuilt_successes(pct, n).tolist() == [0, 2, 11, 0, 9, 9, 0]
    assert [min(max(round(p * size / 100), 0), size) for p, size in zip(pct, n)] == [0, 2, 11, 0, 9, 9, 0]


def test_complete_intervals_gives_school_interval_and_its_words_for_each_row():
    # whole columns at once must give what school_interval and method_text give one figure at a time
    rows = [("ks2_rwm_exp", 2019, v, n, "TPUP") for v in (0.0, 33.0, 50.0, 67.0, 100.0) for n in (1, 2, 3, 17, 120)]
    rows += [("ks2_read_prog", y, v, n, "TELIG x READCOV") for y in (2017, 2018, 2019) for v in (-2.5, 0.0, 1.3)
             for n in (1, 30)]
    rows += [("ks4_att8", 2019, 50.0, 100, "TPUP"), ("ks2_rwm_exp", 2019, 60.0, 0, "TPUP"),
             ("abs_overall", 2019, 5.0, 100, "ENROL"), ("ks2_rwm_exp", 2019, 60.0, 20, None),
             ("ks2_rwm_exp", 2019, None, 20, "TPUP")]
    frame = pd.DataFrame(rows, columns=["measure_id", "end_year", "value", "cohort_n", "cohort_from"])
    frame = frame.assign(ci_low=np.nan, ci_high=np.nan, ci_method=None)
    frame.loc[len(frame)] = ["ks4_p8", 2019, 0.69, 132, "P8PUP", 0.47, 0.91, "published"]
    units = {"ks2_rwm_exp": "%", "ks2_read_prog": "score", "ks4_att8": "score", "ks4_p8": "score", "abs_overall": "%"}
    completed = intervals.complete_intervals(frame, units, ["abs_overall"])
    for row, done in zip(frame.itertuples(), completed.itertuples()):
        if row.ci_method == "published":
            assert (done.ci_low, done.ci_high, done.ci_method) == (0.47, 0.91, "published")
            continue
        interval = None
        if row.measure_id != "abs_overall" and pd.notna(row.value) and isinstance(row.cohort_from, str):
            interval = intervals.school_interval(units[row.measure_id], row.measure_id, row.end_year, row.value,
                                                 row.cohort_n)
        if interval is None:
            assert math.isnan(done.ci_low) and math.isnan(done.ci_high) and done.ci_method is None
        else:
            assert (done.ci_low, done.ci_high) == (interval.low, interval.high)
            assert done.ci_method == intervals.method_text(interval, row.value, row.end_year, row.cohort_from)
    assert completed["ci_method"].str.startswith("computed: Wilson").sum() == 25   # 5 x 5; n = 0 gets none


@given(st.integers(min_value=1, max_value=500), st.data())
def test_wilson_contains_the_observed_proportion(n, data):
    successes = data.draw(st.integers(min_value=0, max_value=n))
    low, high = intervals.wilson_interval(successes, n, is_count=True)
    assert 0 <= low <= 100 * successes / n + 1e-9 <= high + 2e-9 <= 100 + 2e-9


# --- progress-score intervals ------------------------------------------------------------------
def test_score_interval_hand_worked():
    # Casterton College 2018/19: P8 0.69 on 132 pupils, SD 1.283:
    # half-width = 1.96 * 1.283 / sqrt(132) = 2.51468 / 11.48913 = 0.21888 -> 0.47 to 0.91
    low, high = intervals.score_interval(0.69, 132, 1.283)
    assert (round(low, 2), round(high, 2)) == (0.47, 0.91)


def test_only_the_years_own_national_sd_is_used():
    # No file publishes a P8 interval for 2022/23: another year's SD would invent one.
    assert pupil_sds.national_pupil_sd("ks4_p8", 2023) is None
    assert intervals.progress_interval("ks4_p8", 2023, 0.1, 100) is None
    assert intervals.progress_interval("ks2_math_prog", 2019, -5.6, 20) is None  # no KS2 2018/19 SD either
    assert pupil_sds.national_pupil_sd("ks4_p8", 2019) == 1.2828
    assert intervals.progress_interval("ks4_att8", 2019, 50.0, 100) is None  # DfE publishes no A8 SD


def test_ks2_progress_interval_hand_worked_on_pupils_in_the_measure():
    # KS2 maths 2017/18, national pupil SD 5.434; 30 eligible pupils (TELIG) with maths coverage 90%
    # (MATCOV): 27 pupils in the measure. half-width = 1.96 x 5.434 / sqrt(27) = 10.65064 / 5.196152
    # = 2.049717, so a score of -1.5 has the interval -3.549717 to 0.549717 (-3.55 to 0.55).
    interval = intervals.progress_interval("ks2_math_prog", 2018, -1.5, 27)
    assert (interval.method, interval.n, interval.sd) == ("national pupil SD", 27, 5.434)
    assert (interval.low, interval.high) == pytest.approx((-3.549717, 0.549717), abs=1e-6)
    # on the whole cohort of 30 it would be too narrow: 10.65064 / 5.477226 = 1.944532
    whole_cohort = intervals.progress_interval("ks2_math_prog", 2018, -1.5, 30)
    assert whole_cohort.high - whole_cohort.low == pytest.approx(2 * 1.944532, abs=1e-5)


def _numbers(row: dict, *columns: str) -> list[float] | None:
    try:
        return [float((row.get(c) or "").rstrip("%")) for c in columns]
    except ValueError:
        return None


def _p8_rows(path) -> list[tuple[str, list[float]]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return [(row["SCHNAME"], values) for row in csv.DictReader(handle)
                if row["RECTYPE"] in ("1", "2")
                and (values := _numbers(row, "P8PUP", "P8MEA", "P8CILOW", "P8CIUPP"))]


def test_casterton_college_p8_interval_from_real_file():
    path = require_shared("dfe/compare_school_performance/2018-2019_england/"
                          "extract_rutland_england_ks4provisional.csv")
    schools = dict(_p8_rows(path))
    assert schools["Casterton College Rutland"] == [132, 0.69, 0.47, 0.91]
    interval = intervals.progress_interval("ks4_p8", 2019, 0.69, 132)
    assert interval.low == pytest.approx(0.47, abs=0.02)
    assert interval.high == pytest.approx(0.91, abs=0.02)


@pytest.mark.parametrize("relative, end_year, expected_schools", [
    ("compare_school_performance/2018-2019_england/extract_rutland_england_ks4provisional.csv", 2019, 3),
    ("compare_school_performance/la_downloads_statistical_neighbours/hampshire_850/2016-2017_850_ks4final.csv", 2017, 82),
    ("compare_school_performance/la_downloads_statistical_neighbours/hampshire_850/2017-2018_850_ks4final.csv", 2018, 80),
    ("compare_school_performance/la_downloads_statistical_neighbours/north_yorkshire_815/815_2019_ks4provisional.csv", 2019, 46),
])
def test_computed_p8_intervals_within_002_of_published(relative, end_year, expected_schools):
    rows = _p8_rows(require_shared("dfe/" + relative))
    assert len(rows) == expected_schools
    for name, (n, p8, low, high) in rows:
        interval = intervals.progress_interval("ks4_p8", end_year, p8, int(n))
        assert abs(interval.low - low) <= 0.02 and abs(interval.high - high) <= 0.02, name


@pytest.mark.parametrize("year_file, end_year", [("2016-2017", 2017), ("2017-2018", 2018)])
@pytest.mark.parametrize("subject, measure_id", [("READ", "ks2_read_prog"), ("WRIT", "ks2_writ_prog"),
                                                 ("MAT", "ks2_math_prog")])
def test_computed_ks2_progress_intervals_match_published(year_file, end_year, subject, measure_id):
    """KS2 scores and limits are published to 1 decimal (and coverage to a whole %), so the
    check is that the interval WIDTH matches to within that rounding: 0.1, for all but at most
    one school in 300 (whose coverage % rounding moves its pupil count)."""
    path = require_shared(f"dfe/compare_school_performance/la_downloads_statistical_neighbours/"
                          f"hampshire_850/{year_file}_850_ks2final.csv")
    misses = checked = 0
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            values = _numbers(row, "TELIG", f"{subject}COV", f"{subject}PROG",
                              f"{subject}PROG_LOWER", f"{subject}PROG_UPPER")
            if row["RECTYPE"] not in ("1", "2") or values is None:
                continue
            eligible, coverage, score, low, high = values
            interval = intervals.progress_interval(measure_id, end_year, score, round(eligible * coverage / 100))
            checked += 1
            misses += abs((interval.high - interval.low) - (high - low)) > 0.1 + 1e-9
    assert checked > 300
    assert misses <= 1


# --- significance ------------------------------------------------------------------------------
@pytest.mark.parametrize("low, high, expected", [
    (0.47, 0.91, intervals.ABOVE),
    (-0.5, -0.1, intervals.BELOW),
    (-0.2, 0.3, intervals.NOT_DIFFERENT),
    (0.0, 0.4, intervals.NOT_DIFFERENT),   # touching national is not significant
])
def test_significance_label(low, high, expected):
    assert intervals.significance_label((low + high) / 2, low, high, 0.0) == expected


def test_significance_label_needs_every_figure():
    assert intervals.significance_label(0.5, None, 0.9, 0.0) is None
    assert intervals.significance_label(0.5, 0.1, 0.9, float("nan")) is None


def test_school_interval_prefers_published_then_computes():
    assert intervals.school_interval("score", "ks4_p8", 2019, 0.69, 132, 0.47, 0.91).method == "published"
    assert intervals.school_interval("%", "ks2_rwm_exp", 2019, 75, 20).method == "wilson"
    assert intervals.school_interval("score", "ks2_read_prog", 2018, 1.0, 30).method == "national pupil SD"
    wilson = intervals.school_interval("%", "ks2_rwm_exp", 2019, 75, 20)
    assert (wilson.successes, wilson.n) == (15, 20)
    assert intervals.school_interval("score", "ks4_att8", 2019, 50.0, 100) is None


# --- funnel limits -----------------------------------------------------------------------------
def test_normal_funnel_hand_worked():
    # p0 = 0.5, n = 100: sqrt(0.25/100) = 0.05; 95%: 1.96*0.05 = 0.098 -> 40.2 to 59.8;
    # 99.8%: 3.0902*0.05 = 0.15451 -> 34.55 to 65.45
    row = funnels.proportion_funnel_limits(50, [100], method="normal").iloc[0]
    assert row.lower_95 == pytest.approx(40.2, abs=0.01)
    assert row.upper_95 == pytest.approx(59.8, abs=0.01)
    assert row.lower_998 == pytest.approx(34.55, abs=0.01)
    assert row.upper_998 == pytest.approx(65.45, abs=0.01)


def test_exact_funnel_hand_worked():
    # Binomial(10, 0.5): F(1) = 11/1024 = 0.010742, F(2) = 56/1024 = 0.054688.
    # 95% lower (tail 0.025): r_p = 2, alpha = (0.054688 - 0.025) / (0.054688 - 0.010742)
    #   = 0.029688 / 0.043945 = 0.67556 -> (2 - 0.67556)/10 = 13.24%; upper by symmetry 86.76%.
    # 99.8% lower (tail 0.001): F(0) = 0.000977 < 0.001 <= F(1), r_p = 1,
    #   alpha = (0.010742 - 0.001)/(0.010742 - 0.000977) = 0.99764 -> 0.024%; upper 99.976%.
    row = funnels.proportion_funnel_limits(50, [10]).iloc[0]
    assert row.lower_95 == pytest.approx(13.244, abs=0.001)
    assert row.upper_95 == pytest.approx(86.756, abs=0.001)
    assert row.lower_998 == pytest.approx(0.024, abs=0.001)
    assert row.upper_998 == pytest.approx(99.976, abs=0.001)


def _binomial_cdf(x: int, n: int, p: float) -> float:
    return sum(math.comb(n, k) * p**k * (1 - p)**(n - k) for k in range(x + 1))


@hyp_settings(max_examples=200, deadline=None)
@given(st.integers(min_value=5, max_value=120), st.floats(min_value=0.05, max_value=0.95), st.data())
def test_exact_funnel_flags_exactly_what_the_exact_test_flags(n, p0, data):
    x = data.draw(st.integers(min_value=0, max_value=n))
    row = funnels.proportion_funnel_limits(100 * p0, [n]).iloc[0]
    share = 100 * x / n
    tail = 0.025
    below_p, above_p = _binomial_cdf(x, n, p0), 1 - _binomial_cdf(x - 1, n, p0)
    assume(abs(below_p - tail) > 1e-9 and abs(above_p - tail) > 1e-9)
    assert (share < row.lower_95 - 1e-9) == (below_p < tail)
    assert (share > row.upper_95 + 1e-9) == (above_p < tail)


def test_funnel_narrows_as_cohorts_grow():
    limits = funnels.proportion_funnel_limits(61, [10, 30, 100, 400])
    widths = (limits.upper_95 - limits.lower_95).tolist()
    assert widths == sorted(widths, reverse=True)
    assert (limits.lower_998 <= limits.lower_95).all() and (limits.upper_998 >= limits.upper_95).all()


def test_score_funnel_hand_worked():
    # national 0, SD 1.283, n = 132: 1.96*1.283/sqrt(132) = 0.2189; 3.0902*1.283/sqrt(132) = 0.3451
    row = funnels.score_funnel_limits(0.0, [132], 1.283).iloc[0]
    assert row.upper_95 == pytest.approx(0.2189, abs=0.0001)
    assert row.lower_998 == pytest.approx(-0.3451, abs=0.0001)


# --- pooling -----------------------------------------------------------------------------------
def test_pooling_sums_counts_and_never_averages_percentages():
    # 4/8 (50%), 24/30 (80%), 20/25 (80%): mean of percentages 70%, pooled 48/63 = 76.19%
    pooled = pooling.pool_years([pooling.YearCount(2017, 4, 8), pooling.YearCount(2018, 24, 30), pooling.YearCount(2019, 20, 25)],
                           suppress_up_to=5)
    assert pooled.value == pytest.approx(100 * 48 / 63)
    assert (pooled.numerator, pooled.denominator, pooled.years) == (48, 63, (2017, 2018, 2019))
    assert pooled.code is None


def test_pooled_value_withheld_when_a_year_is_suppressed_or_missing():
    pooled = pooling.pool_years([pooling.YearCount(2017, 10, 20), pooling.YearCount(2018, None, 4, "SUPP"),
                            pooling.YearCount(2019, 11, 22)], suppress_up_to=5)
    assert pooled.value is None and pooled.code == "x"
    assert "2018: SUPP" in pooled.reason
    two_years = pooling.pool_years([pooling.YearCount(2017, 10, 20), pooling.YearCount(2019, 11, 22)], suppress_up_to=5)
    assert two_years.value is None and "only 2 of the 3 years" in two_years.reason


def test_pooled_value_withheld_when_it_would_reveal_a_small_group():
    # 58 of 60 reached it: the 2 who did not would be revealed by 96.7% of 60
    pooled = pooling.pool_years([pooling.YearCount(2017, 20, 20), pooling.YearCount(2018, 19, 20), pooling.YearCount(2019, 19, 20)],
                           suppress_up_to=5)
    assert pooled.value is None and pooled.code == "DNS"
    tiny = pooling.pool_years([pooling.YearCount(2017, 0, 1), pooling.YearCount(2018, 1, 2), pooling.YearCount(2019, 0, 1)],
                         suppress_up_to=5)
    assert tiny.code == "DNS" and tiny.denominator is None


def test_pooled_mean_score_uses_total_points():
    # P8 0.5 on 10 pupils (5 points), -0.2 on 40 (-8), 0.1 on 50 (5): total 2 / 100 = 0.02
    pooled = pooling.pool_years([pooling.YearCount(2017, 5, 10), pooling.YearCount(2018, -8, 40), pooling.YearCount(2019, 5, 50)],
                           scale=1, numerator_is_count=False, suppress_up_to=5)
    assert pooled.value == pytest.approx(0.02)


def test_pooling_threshold_defaults_to_settings(monkeypatch):
    monkeypatch.setenv("DASHBOARD_SUPPRESS_UP_TO", "10")
    pooled = pooling.pool_years([pooling.YearCount(2017, 3, 10), pooling.YearCount(2018, 3, 10), pooling.YearCount(2019, 3, 10)])
    assert pooled.code == "DNS"  # 9 pupils: shown under the default of 5, hidden under 10


# --- gap to national ---------------------------------------------------------------------------
def test_gap_to_national_same_group_and_other_group():
    national = {"disadvantaged": 51.0, "not_disadvantaged": 71.0}
    same = pooling.gap_to_national(48.0, "disadvantaged", national)
    assert same.gap == pytest.approx(-3.0) and same.comparator_label == "disadvantaged pupils nationally"
    other = pooling.gap_to_national(48.0, "disadvantaged", national, comparator="other_group")
    assert other.gap == pytest.approx(-23.0) and other.comparator_value == 71.0
    prior = pooling.gap_to_national(30.0, "prior_low", {"prior_low": 25.0}, comparator="other_group")
    assert prior.gap == pytest.approx(5.0) and "no other group" in prior.comparator_label
    assert pooling.gap_to_national(None, "disadvantaged", national).gap is None


# --- disclosure control ------------------------------------------------------------------------
def test_suppression_hand_worked_rectangle():
    # 3 (a, 2017) and 2 (c, 2019) are primary. Hiding the opposite corners (a, 2019) and
    # (c, 2017) makes a rectangle: each row and column then has two unknowns, so no sum gives
    # any of them away, and the totals can all be shown.
    counts = pd.DataFrame({"2017": [3, 10, 20], "2018": [12, 0, 9], "2019": [15, 14, 2]}, index=["a", "b", "c"])
    table = disclosure.suppress_table(counts, 5)
    shown = table.display()
    assert shown.loc["a"].tolist() == ["DNS", "12", "DNS", "30"]
    assert shown.loc["b"].tolist() == ["10", "0", "14", "24"]
    assert shown.loc["c"].tolist() == ["DNS", "9", "DNS", "31"]
    assert shown.loc["Total"].tolist() == ["33", "21", "31", "85"]


def test_published_codes_are_kept_and_totals_over_them_not_computed():
    counts = pd.DataFrame({"2017": [30, 10], "2018": [12, np.nan]}, index=["a", "b"])
    codes = pd.DataFrame({"2017": [None, None], "2018": [None, "SUPP"]}, index=["a", "b"])
    shown = disclosure.suppress_table(counts, 5, published_codes=codes).display()
    assert shown.loc["b", "2018"] == "SUPP"
    assert shown.loc["b", "Total"] == "x" and shown.loc["Total", "2018"] == "x"
    assert shown.loc["Total", "2017"] == "40"


def test_missing_count_without_a_code_is_refused():
    with pytest.raises(ValueError, match="published code"):
        disclosure.suppress_table(pd.DataFrame({"2017": [1.0, np.nan]}), 5)


def _determined(values: np.ndarray, hidden: np.ndarray) -> list[tuple[int, int]]:
    """Brute-force audit independent of the module: solve the margin equations by least
    squares over the hidden cells and see which cells the null space leaves fixed."""
    n_rows, n_cols = values.shape
    cells = [tuple(c) for c in np.argwhere(hidden)]
    if not cells:
        return []
    index = {c: k for k, c in enumerate(cells)}
    equations = []
    for i in range(n_rows):
        equations.append([((i, j), 1.0) for j in range(n_cols - 1)] + [((i, n_cols - 1), -1.0)])
    for j in range(n_cols):
        equations.append([((i, j), 1.0) for i in range(n_rows - 1)] + [((n_rows - 1, j), -1.0)])
    matrix = np.array([[sum(coef for cell, coef in eq if cell == c) for c in cells] for eq in equations])
    null_space = np.linalg.svd(matrix)[2][np.linalg.matrix_rank(matrix):] if matrix.size else np.eye(len(cells))
    if null_space.shape[0] == 0:
        return cells
    return [c for c in cells if np.allclose(null_space[:, index[c]], 0, atol=1e-9)]


count_tables = st.integers(min_value=1, max_value=5).flatmap(
    lambda rows: st.integers(min_value=1, max_value=5).flatmap(
        lambda cols: st.lists(st.lists(st.one_of(st.integers(0, 8), st.integers(0, 60)),
                                       min_size=cols, max_size=cols), min_size=rows, max_size=rows)))


@hyp_settings(max_examples=150, deadline=None)
@given(count_tables, st.integers(min_value=1, max_value=10))
def test_no_shown_count_is_small_and_no_hidden_cell_is_derivable(grid, threshold):
    counts = pd.DataFrame(grid, index=[f"g{i}" for i in range(len(grid))],
                          columns=[f"y{j}" for j in range(len(grid[0]))])
    table = disclosure.suppress_table(counts, threshold)
    shown = table.values.to_numpy()
    visible = ~np.isnan(shown)
    # no displayed computed count in 1..threshold
    assert not ((shown[visible] >= 1) & (shown[visible] <= threshold)).any()
    # every hidden cell is coded, every shown cell is the true count
    assert (table.codes.to_numpy()[~visible] == "DNS").all()
    true_full = counts.astype(float).copy()
    true_full["Total"] = true_full.sum(axis=1)
    true_full.loc["Total"] = true_full.sum(axis=0)
    assert np.array_equal(shown[visible], true_full.to_numpy()[visible])
    # no hidden cell can be worked out from the rows, columns and totals that are shown
    assert _determined(true_full.to_numpy(), ~visible) == []


def test_suppression_catches_a_cell_exposed_by_combining_lines():
    # Two 2x2 blocks of small counts joined by one small cell (row 0, column 2). Every row and
    # column has two or more hidden cells, yet rows 0+1 minus columns 0+1 leaves that cell
    # alone: (row 0 + row 1 hidden sum) - (column 0 + column 1 hidden sum) = cell (0, 2).
    # Only the full rank check sees it; more cells must be hidden.
    counts = pd.DataFrame([[2, 3, 4, 50], [3, 2, 40, 60], [70, 80, 2, 3], [90, 20, 3, 2]],
                          index=list("abcd"), columns=["y1", "y2", "y3", "y4"])
    primary_only = ~((counts >= 1) & (counts <= 5)).to_numpy()
    padded = np.pad(~primary_only, ((0, 1), (0, 1)))
    full = counts.astype(float)
    full["Total"] = full.sum(axis=1)
    full.loc["Total"] = full.sum(axis=0)
    assert _determined(full.to_numpy(), padded) == [(0, 2)]
    table = disclosure.suppress_table(counts, 5)
    assert _determined(full.to_numpy(), table.values.isna().to_numpy()) == []


def test_funnel_limits_for_picks_the_method_from_the_unit():
    percent = funnels.funnel_limits_for("%", "ks2_rwm_exp", 2019, 65.0, [10, 30])
    assert percent.equals(funnels.proportion_funnel_limits(65.0, [10, 30]))
    progress = funnels.funnel_limits_for("score", "ks4_p8", 2019, 0.0, [100])
    assert progress.upper_95.iloc[0] == pytest.approx(1.959964 * 1.2828 / 10, abs=1e-5)
    assert funnels.funnel_limits_for("score", "ks4_att8", 2019, 46.7, [100]) is None
    assert funnels.funnel_limits_for("%", "ks2_rwm_exp", 2019, None, [100]) is None
