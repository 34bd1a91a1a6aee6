"""Ranks, quartiles and change wording, against hand-worked cases."""
from __future__ import annotations

from rutland_data.analysis import ranks as stats


def test_rank_higher_is_better_with_ties_sharing_best_position():
    values = [70, 65, 65, 60, None, 55]
    assert stats.rank_of(65, values, "higher").position == 2   # 70 is better; the two 65s share 2nd
    assert stats.rank_of(60, values, "higher").position == 4
    assert stats.rank_of(70, values, "higher").out_of == 5     # None left out
    assert stats.rank_of(65, values, "higher").describe() == ("joint 2nd of 5 LAs (2 share the figure, places 2-3), "
                                                               "quartile C (the third 25%)")
    assert stats.rank_of(60, values, "higher").describe() == "4th of 5 LAs, quartile D (the weakest 25%)"


def test_rank_lower_is_better_for_absence():
    values = [3.1, 4.0, 2.9, 5.2]
    assert stats.rank_of(2.9, values, "lower").position == 1
    assert stats.rank_of(5.2, values, "lower").position == 4


def test_quartile_bands_by_position():
    values = list(range(1, 9))  # 8 LAs, higher is better: 8 is 1st
    bands = [stats.rank_of(v, values, "higher").quartile for v in sorted(values, reverse=True)]
    assert bands == ["A", "A", "B", "B", "C", "C", "D", "D"]


def test_quartile_bands_follow_lait_s_quartile_values_when_values_tie():
    # 12 LAs, sorted: 20 30 40 50 60 70 82 82 82 82 85 90. R's default quantile (type 7): the 75th percentile is
    # value 1 + 0.75 x 11 = 9.25th, between the 9th and 10th, both 82: 82; the median the 6.5th: (70 + 82) / 2 = 76;
    # the 25th percentile the 3.75th: 40 + 0.75 x (50 - 40) = 47.5. An 82 ranks 3rd, in the top quarter by position,
    # but LAIT gives A only above the 75th percentile: B.
    values = [90, 85, 82, 82, 82, 82, 70, 60, 50, 40, 30, 20]
    rank = stats.rank_of(82, values, "higher")
    assert (rank.position, rank.quartile) == (3, "B")
    assert [stats.rank_of(v, values, "higher").quartile for v in (85, 76.5, 76, 50, 47.5)] == ["A", "B", "C", "C", "D"]
    # lower is better (absence): at or below the 25th percentile is A, above the 75th is D
    assert [stats.rank_of(v, values, "lower").quartile for v in (20, 47.5, 50, 82, 85)] == ["A", "A", "B", "C", "D"]


def test_neutral_measures_are_not_ranked():
    assert stats.rank_of(5, [1, 5, 9], "neutral") is None


def test_change_in_words_is_polarity_aware():
    assert stats.change_in_words(67, 53, "higher", 0, "%") == "up 14 points - better"
    assert stats.change_in_words(3.2, 3.5, "lower", 1, "%") == "down 0.3 points - better"
    assert stats.change_in_words(3.5, 3.2, "lower", 1, "%") == "up 0.3 points - worse"
    assert stats.change_in_words(52.1, 52.1, "higher", 1, "score") == "no change"  # zero is 'no change', no judgement
    assert stats.change_in_words(61, 60, "higher", 0, "%") == "up 1 point - better"
    assert stats.change_in_words(None, 60, "higher", 0, "%") == "no comparable previous year"


def test_change_is_rounded_half_up_on_the_figures_as_written():
    # 0.15 - 0.1 is 0.04999999999999999 in binary; written figures differ by exactly 0.05, which rounds up.
    assert stats.change_in_words(0.15, 0.1, "higher", 1, "score") == "up 0.1 - better"
    assert stats.change_in_words(2.79, 2.9, "lower", 1, "%") == "down 0.1 points - better"


def test_ties_share_the_best_rank_on_stored_values_not_on_rounded_ones():
    # 2.755 and 2.76 both show as 2.76%, but only exactly equal stored values tie.
    values = [2.755, 2.76, 2.76, 3.0]
    assert [stats.rank_of(v, values, "lower").position for v in values] == [1, 2, 2, 4]


def test_rank_description():
    assert stats.rank_of(70, [70, 60, 50, 40], "higher").describe() == "1st of 4 LAs, quartile A (the best 25%)"
    assert stats.ordinal(22) == "22nd" and stats.ordinal(13) == "13th" and stats.ordinal(101) == "101st"
