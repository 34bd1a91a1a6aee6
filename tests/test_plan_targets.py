"""The improvement plan's RAG rule on hand-worked cases (rutland_data/analysis/targets.py), and a property:
a met target is Green whatever the baseline, and Amber needs real progress since the plan started."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rutland_data.analysis import targets
from rutland_data.analysis.targets import AMBER, GREEN, NOT_RATED, RED


def rate(value, target, comparison, decimals=1, baseline=None, comparable=True):
    return targets.rate(value, target, comparison, decimals, value_text=f"{value}", target_text=f"England {target}",
                        target_name="England", baseline=baseline, baseline_text=f"{baseline}",
                        baseline_label="2016/17", trend_comparable=comparable)


def test_a_met_target_is_green_and_the_rule_says_so_with_the_figures():
    # KS2 RWM 67% against England 61%, target "at or above England": 67 >= 61.
    rating = rate(67.0, 61.0, "at or above")
    assert rating.status == GREEN
    assert rating.rule == "Green: target met - 67.0 against England 61.0, at or above England."


def test_equal_as_shown_meets_at_or_above_but_not_above():
    # 61.04 and 60.96 both show as 61.0 at 1 dp: "at or above" is met, "above" is not.
    assert rate(60.96, 61.04, "at or above").status == GREEN
    assert rate(60.96, 61.04, "above", baseline=60.0).status == AMBER
    # At 2 dp they differ (60.96 < 61.04): not met, and 60.96 is no better than a 61.5 baseline.
    assert rate(60.96, 61.04, "at or above", decimals=2, baseline=61.5).status == RED


def test_not_met_but_better_than_at_the_start_is_amber():
    # NEET or not known 3.1% against East Midlands 2.9%, target "below": not met; 2016/17 was 4.0%, so better.
    rating = rate(3.1, 2.9, "below", baseline=4.0)
    assert rating.status == AMBER
    assert "but better than when the plan started (2016/17: 4.0)" in rating.rule


def test_not_met_and_no_better_is_red_and_so_is_no_baseline():
    assert rate(3.1, 2.9, "below", baseline=3.1).status == RED          # the same as at the start
    assert rate(3.1, 2.9, "below", baseline=2.5).status == RED          # worse than at the start
    no_start = rate(3.1, 2.9, "below")
    assert no_start.status == RED and "no comparable figure for 2016/17" in no_start.rule
    broken = rate(3.1, 2.9, "below", baseline=4.0, comparable=False)
    assert broken.status == RED and "a series break" in broken.rule


def test_fewer_schools_than_last_year_and_none_left():
    # 3 schools significantly below national, 5 last year: fewer, met.
    assert rate(3.0, 5.0, "fewer than", decimals=0).status == GREEN
    # 5 and 5: not fewer; 2016/17 had 7, so better than at the start.
    assert rate(5.0, 5.0, "fewer than", decimals=0, baseline=7.0).status == AMBER
    # none this year and none last year: nothing left to reduce, met.
    none = rate(0.0, 0.0, "fewer than", decimals=0, baseline=0.0)
    assert none.status == GREEN and "none to reduce" in none.rule


def test_without_a_figure_there_is_no_status():
    assert rate(None, 61.0, "at or above").status == NOT_RATED
    missing_comparator = rate(67.0, None, "at or above")
    assert missing_comparator.status == NOT_RATED and "no figure for England" in missing_comparator.rule


def test_an_unknown_comparison_is_refused():
    with pytest.raises(ValueError, match="unknown comparison"):
        rate(1.0, 1.0, "roughly")


values = st.floats(min_value=-50, max_value=150, allow_nan=False)


@given(values, values, values, st.sampled_from(targets.COMPARISONS))
def test_status_follows_the_rule_for_all_figures(value, target, baseline, comparison):
    rating = rate(value, target, comparison, baseline=baseline)
    shown = [targets.round_half_up(x, 1) for x in (value, target, baseline)]
    met = targets.meets(shown[0], comparison, shown[1]) or (comparison == "fewer than" and shown[0] == 0)
    if met:
        assert rating.status == GREEN
    elif targets.better(shown[0], shown[2], comparison):
        assert rating.status == AMBER
    else:
        assert rating.status == RED
    assert rating.rule.startswith(rating.status)   # the words always carry the status, never colour alone


def test_progress_since_the_start_is_judged_no_finer_than_a_1dp_baseline():
    """0.24 against a baseline published as 0.2 (1 dp): at 2 dp it looks better (0.24 > 0.20), but the baseline
    could have been 0.15-0.25, so at 1 dp the two are the same (0.2) - Red, not Amber."""
    kwargs = dict(value_text="0.24", target_text="England 0.5", target_name="England", baseline=0.2,
                  baseline_text="0.2", baseline_label="2016/17")
    assert targets.rate(0.24, 0.5, "at or above", 2, **kwargs).status == AMBER
    assert targets.rate(0.24, 0.5, "at or above", 2, trend_decimals=1, **kwargs).status == RED
