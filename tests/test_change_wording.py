"""Break-aware change wording, against hand-worked cases and as properties over the whole dictionary:
a change is never described across a series break or a gap, and a zero change is 'no change'."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rutland_data.analysis import ranks as stats
from rutland_data.reference.measures import by_id, read_dictionary

DICTIONARY = by_id()
CHANGE_WORDS = ("up ", "down ", "no change", "better", "worse")


def test_attainment_8_in_2016_17_is_not_compared_with_2015_16():
    change = stats.describe_change(DICTIONARY["ks4_att8"], 2017, 52.2, 55.2)
    assert change == stats.Change("not comparable with 2015/16: Attainment 8 moved to the 9-1 points scale",
                                  None, False)


def test_a_gap_is_not_a_new_series():
    p8 = DICTIONARY["ks4_p8"]
    assert p8.gap_covering(2025).reason == "no Progress 8 for 2024/25 or 2025/26 (no KS2 baseline)"
    assert p8.new_series_in(2025) is None
    after_gap = stats.describe_change(p8, 2022, 0.52, None)
    assert after_gap.text == "no figure for 2020/21 to compare with: no Progress 8 in 2019/20 or 2020/21 (COVID-19)"
    assert not after_gap.comparable


def test_first_year_of_a_new_series_says_so():
    change = stats.describe_change(DICTIONARY["eyfs_gld"], 2022, 70.9, None)
    assert change.text == "new series from 2021/22: EYFS profile reformed in 2021/22 (new early learning goals)"


def test_mixed_precision_change_is_stated_to_the_coarser_figure():
    absence = DICTIONARY["abs_overall_primary"]  # 2014/15 from a 1-dp EES file (2.9), 2015/16 from LAIT (2.79)
    assert stats.describe_change(absence, 2016, 2.79, 2.9, decimals=1).text == "down 0.1 points - better"
    assert stats.describe_change(absence, 2016, 2.79, 2.9).text == "down 0.11 points - better"


def test_zero_change_is_no_change():
    change = stats.describe_change(DICTIONARY["ks2_rwm_exp"], 2019, 67.0, 67.0)
    assert change == stats.Change("no change", 0.0, True)


values = st.one_of(st.none(), st.floats(min_value=-50, max_value=150, allow_nan=False).map(lambda v: round(v, 3)))


@settings(max_examples=400, deadline=None)
@given(measure=st.sampled_from(read_dictionary()), end_year=st.integers(2012, 2027), current=values,
       previous=values)
def test_no_change_is_ever_described_across_a_break_or_a_gap(measure, end_year, current, previous):
    change = stats.describe_change(measure, end_year, current, previous)
    crosses = measure.new_series_in(end_year) is not None or measure.gap_covering(end_year - 1) is not None
    if crosses or current is None or previous is None:
        assert not change.comparable and change.delta is None
        assert not any(change.text.startswith(word) for word in CHANGE_WORDS)
        assert "better" not in change.text and "worse" not in change.text
    else:
        assert change.comparable
        if change.delta == 0:
            assert change.text == "no change"
        else:
            assert change.text.startswith("up " if change.delta > 0 else "down ")
            assert (" - better" in change.text or " - worse" in change.text) == (measure.polarity != "neutral")


@settings(max_examples=200, deadline=None)
@given(measure=st.sampled_from(read_dictionary()), value=st.floats(-50, 150, allow_nan=False))
def test_a_value_compared_with_itself_is_no_change(measure, value):
    change = stats.describe_change(measure, 2019, value, value)
    if change.comparable:
        assert (change.text, change.delta) == ("no change", 0.0)


def test_figures_are_compared_as_shown_when_decimals_are_given():
    assert stats.comparison_word(6.0, 6.2) == "below"
    assert stats.comparison_word(6.0, 6.2, decimals=0) == "in line with"       # 6% against a mean shown as 6%
    assert stats.comparison_word(6.0, 6.5, decimals=0) == "below"              # 6 against 7 (halves round up)
    assert stats.comparison_word(None, 6.2, decimals=0) == "not comparable with"
