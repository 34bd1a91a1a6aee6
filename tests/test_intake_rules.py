"""The intake rules (rutland_data/intake.py) on generated cells: the number rule (thousands separator
versus decimal comma), ranges, non-finite numbers and markers, each for all inputs (hypothesis)."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rutland_data.ingest import intake
from rutland_data.reference import measures
from rutland_data.ingest.intake import COUNT, PERCENT, RATE, BadInput, Col, validate
from rutland_data.reference.markers import SCORECARD_MARKERS, parse_cell


def cells(*texts: str) -> pd.DataFrame:
    return pd.DataFrame({"_row": range(2, len(texts) + 2), "v": pd.Series(texts, dtype=object)})


def refused(text: str, col: Col) -> BadInput | None:
    try:
        validate("f.csv", cells(text), [col])
    except BadInput as error:
        return error
    return None


@settings(max_examples=60, deadline=None)
@given(st.integers(0, int(COUNT.high)))
def test_a_whole_number_grouped_in_thousands_is_read_as_thousands(n):
    assert refused(f"{n:,}", Col("v", COUNT)) is None
    assert parse_cell(f"{n:,}") == (float(n), None)


@settings(max_examples=60, deadline=None)
@given(st.floats(0, 100, allow_nan=False).filter(lambda x: x != int(x)))
def test_a_decimal_comma_is_never_read_as_a_number(x):
    """Whatever the digits ('96,50145773', '1,943'), a comma in a fraction-bearing column is refused."""
    text = f"{x:.6f}".rstrip("0").replace(".", ",")
    for rule in (PERCENT, RATE):
        error = refused(text, Col("v", rule))
        assert error is not None and (error.row, error.column) == (2, "v") and repr(text) in error.message


@settings(max_examples=80, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_percentage_is_accepted_exactly_when_from_0_to_100(x):
    error = refused(repr(x), Col("v", PERCENT))
    assert (error is None) == (0 <= x <= 100)


@settings(max_examples=40, deadline=None)
@given(st.integers(-10, 10 ** 9), st.sampled_from(["", ".5", ".0"]))
def test_a_count_is_accepted_exactly_when_whole_and_in_range(n, fraction):
    error = refused(f"{n}{fraction}", Col("v", COUNT))
    assert (error is None) == (fraction != ".5" and 0 <= n <= COUNT.high)


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-inf", "Infinity", "1e999", "-1e999", "1e300"])
def test_non_finite_and_huge_numbers_are_refused_wherever_a_number_belongs(text):
    for rule in (PERCENT, RATE, COUNT, intake.DECILE, intake.IOD_SCORE):
        assert refused(text, Col("v", rule)) is not None, rule


def test_nan_is_a_marker_only_where_the_format_declares_it():
    assert refused("NaN", Col("v", PERCENT)) is not None
    assert refused("NaN", Col("v", PERCENT, markers=intake.PUBLISHED_MARKERS | SCORECARD_MARKERS)) is None


def test_the_first_failure_by_row_is_reported_with_what_was_found_and_expected():
    frame = pd.DataFrame({"_row": [2, 3, 4], "a": ["50", "50", "140"], "b": ["10", "abc", "10"]})
    with pytest.raises(BadInput) as raised:
        validate("f.csv", frame, [Col("a", PERCENT), Col("b", COUNT)])
    assert str(raised.value) == ("f.csv, row 3, column 'b': found 'abc'; expected a count of pupils or people "
                                 "(a whole number from 0 to 100,000,000) or a published marker")


def test_every_score_measure_in_the_dictionary_has_a_possible_range():
    """A new score measure needs its range in intake.SCORE_RANGES before its figures can be loaded."""
    for measure in measures.read_dictionary():
        rule = intake.measure_rule(measure)
        assert rule.low is not None and rule.high is not None, measure.measure_id
