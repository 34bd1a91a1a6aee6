"""Cell parsing and rounding: markers stay codes, numbers lose '%' and thousands separators."""
from __future__ import annotations

import pandas as pd
import pytest

from rutland_data.markers import NotAValue, parse_cell, round_half_up, round_half_up_series


@pytest.mark.parametrize("cell, expected", [
    ("94%", (94.0, None)), ('9,109', (9109.0, None)), ("-0.07", (-0.07, None)), ("7.0000000000000007E-2", (0.07, None)),
    ("SUPP", (None, "SUPP")), ("-", (None, "-")), ("c", (None, "c")), ("low", (None, "low")), (":", (None, ":")),
    ("", (None, None)),
])
def test_parse_cell(cell, expected):
    value, code = parse_cell(cell)
    assert code == expected[1]
    assert value == pytest.approx(expected[0]) if expected[0] is not None else value is None


def test_unknown_text_is_an_error_not_a_zero():
    with pytest.raises(NotAValue):
        parse_cell("fifty")


def test_blank_can_be_given_a_code():
    assert parse_cell("  ", blank_code="x") == (None, "x")


def test_rounding_is_half_up_and_undoes_float_artefacts():
    cases = [(72.099999999999994, 1, 72.1), (0.125, 2, 0.13), (-0.125, 2, -0.13), (2.5, 0, 3.0), (67.578999999999994, 2, 67.58)]
    for value, decimals, expected in cases:
        assert round_half_up(value, decimals) == expected
    series = round_half_up_series(pd.Series([c[0] for c in cases]), pd.Series([c[1] for c in cases]))
    assert series.tolist() == [c[2] for c in cases]
