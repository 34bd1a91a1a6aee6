"""Slide titles that state the message, on hand-worked series (rutland_data/analysis/titles.py)."""
from __future__ import annotations

import dataclasses

import pytest

from rutland_data.analysis.titles import message_title
from rutland_data.reference import measures

KS2_MATHS = measures.by_id()["ks2_math_exp"]        # new 2016; gap 2020-2021; 0 decimals; higher is better
ABSENCE = measures.by_id()["abs_overall"]           # lower is better; new 2021 and new 2022; 2 decimals
PLAIN = dataclasses.replace(KS2_MATHS, series_breaks="")  # the same measure with no breaks at all
SIGNIFICANCE_WORDS = ("significant", "significantly")


def series(pairs: dict[int, tuple[float | None, float | None]]):
    return {y: la for y, (la, _) in pairs.items()}, {y: e for y, (_, e) in pairs.items()}


def test_above_england_for_eight_years_gap_widening():
    # 2011..2018, LA above England every year; 2018 gap 5 (70-65) against 2017's 4 (68-64): widening
    la, england = series({2011: (60, 58), 2012: (61, 58), 2013: (62, 59), 2014: (63, 60), 2015: (64, 61),
                          2016: (66, 62), 2017: (68, 64), 2018: (70, 65)})
    assert message_title(PLAIN, 2018, la, england) == "KS2 maths: above England for eight years, gap widening"


def test_below_england_run_counted_to_the_last_year_on_the_other_side_gap_narrowing():
    # 2014 above; 2015-2017 below; gap 2017 |60-62| = 2 against 2016 |57-61| = 4: narrowing
    la, england = series({2014: (70, 65), 2015: (55, 60), 2016: (57, 61), 2017: (60, 62)})
    assert message_title(PLAIN, 2017, la, england) == "KS2 maths: below England for three years, gap narrowing"


def test_gap_compared_after_rounding_to_the_dictionarys_decimals():
    # 0 dp: 2017 gap 70.4 - 65 = 5.4 -> 5; 2016 gap 69.6 - 65 = 4.6 -> 5: unchanged though the raw gap grew
    la, england = series({2016: (69.6, 65), 2017: (70.4, 65)})
    assert message_title(PLAIN, 2017, la, england) == "KS2 maths: above England for two years, gap unchanged"


def test_the_run_stops_at_a_new_series():
    # KS2 maths starts a new series in 2016: 2013-2015 above England do not count, nor does 2015's gap
    la, england = series({2013: (80, 70), 2014: (80, 70), 2015: (80, 70), 2016: (60, 53)})
    assert message_title(KS2_MATHS, 2016, la, england) == "KS2 maths: above England in 2015/16 (a new series)"
    la[2017], england[2017] = 65, 61   # 2017 against 2016: same series, gap 4 against 7
    assert message_title(KS2_MATHS, 2017, la, england) == "KS2 maths: above England for two years, gap narrowing"


def test_a_documented_gap_inside_the_run_is_named_and_no_gap_change_across_it():
    # 2016-2019 and 2022 above England; nothing published 2020-2021
    la, england = series({2016: (60, 53), 2017: (65, 61), 2018: (80, 75), 2019: (79, 79 - 4), 2022: (70, 59)})
    title = message_title(KS2_MATHS, 2022, la, england)
    assert title == "KS2 maths: above England in all five years published since 2015/16"
    assert "gap" not in title  # 2021 has no figure: no change is stated across the gap


def test_crossing_england_gives_one_year_and_no_gap_words():
    la, england = series({2016: (50, 53), 2017: (62, 61)})
    assert message_title(KS2_MATHS, 2017, la, england) == "KS2 maths: above England in 2016/17"


def test_lower_is_better_says_lower_and_better():
    # absence 2023 4.50 against 5.00, 2024 4.40 against 5.10: lower (better) two years, gap 0.70 against 0.50
    la, england = series({2022: (6.0, 5.0), 2023: (4.5, 5.0), 2024: (4.4, 5.1)})
    title = message_title(ABSENCE, 2024, la, england)
    assert title == "Overall absence: lower absence than England (better) for two years, gap widening"
    assert "above" not in title


def test_higher_absence_is_worse_and_the_run_stops_at_the_2022_new_series():
    # 2021 is its own series (autumn and spring only): 2022 starts again, so one year only
    la, england = series({2021: (5.0, 4.0), 2022: (8.0, 7.5)})
    assert message_title(ABSENCE, 2022, la, england) == ("Overall absence: higher absence than England (worse) in "
                                                         "2021/22 (a new series)")


def test_no_interval_no_significance_words():
    la, england = series({2016: (60, 53), 2017: (90, 40)})  # however large the gap
    title = message_title(KS2_MATHS, 2017, la, england)
    assert not any(word in title.lower() for word in SIGNIFICANCE_WORDS)


def test_an_interval_verdict_speaks_for_its_year_only():
    la, england = series({2016: (60, 53), 2017: (65, 61)})
    assert message_title(KS2_MATHS, 2017, la, england, significance="above") == (
        "KS2 maths: significantly above England in 2016/17; above England for two years, gap narrowing")
    assert message_title(KS2_MATHS, 2017, la, england, significance="not different").startswith(
        "KS2 maths: not significantly different from England in 2016/17")
    with pytest.raises(ValueError):
        message_title(KS2_MATHS, 2017, la, england, significance="below")


def test_no_figure_for_the_year_says_so():
    la, england = series({2016: (60, 53), 2017: (None, 61)})
    assert message_title(KS2_MATHS, 2017, la, england) == "KS2 maths: no figure against England for 2016/17"
