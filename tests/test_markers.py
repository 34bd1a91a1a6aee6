"""Cell parsing and rounding: markers stay codes, numbers lose '%' and thousands separators."""
from __future__ import annotations

import pytest

from rutland_data.reference.markers import NotAValue, parse_cell, round_half_up


@pytest.mark.parametrize("cell, expected", [
    ("94%", (94.0, None)), ('9,109', (9109.0, None)), ("-0.07", (-0.07, None)), ("7.0000000000000007E-2", (0.07, None)),
    ("SUPP", (None, "SUPP")), ("-", (None, "-")), ("c", (None, "c")), ("low", (None, "low")), (":", (None, ":")),
    ("", (None, None)),
])
def test_parse_cell(cell, expected):
    value, code = parse_cell(cell)
    assert code == expected[1]
    assert value == pytest.approx(expected[0]) if expected[0] is not None else value is None


@pytest.mark.parametrize("cell", ["fifty", "96,50145773", "46,5", "1e999", "inf", "NaN5"])
def test_unknown_text_is_an_error_not_a_zero(cell):
    """Text, a decimal comma (a comma not grouping thousands) and a number too large to be finite."""
    with pytest.raises(NotAValue):
        parse_cell(cell)


def test_blank_can_be_given_a_code():
    assert parse_cell("  ", blank_code="x") == (None, "x")


def test_rounding_is_half_up_and_undoes_float_artefacts():
    cases = [(72.099999999999994, 1, 72.1), (0.125, 2, 0.13), (-0.125, 2, -0.13), (2.5, 0, 3.0), (67.578999999999994, 2, 67.58)]
    for value, decimals, expected in cases:
        assert round_half_up(value, decimals) == expected
