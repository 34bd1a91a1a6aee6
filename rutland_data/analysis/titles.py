"""A chart slide's title that states its message: "KS2 maths: above England for eight years, gap widening".

The same honesty rules as the performance summary:
- significance is claimed only when the caller has an interval's verdict (`significance`); LA-level
  figures have none, so their titles say "above" or "below", never "significantly";
- polarity-aware: for a lower-is-better measure the title says "lower" / "higher" with its judgement
  ("lower than England (better)"), since "above England" would read as good;
- a run of years never reaches back across a new series (a 'new' series break), and the gap between the
  LA and England is said to widen or narrow only against the year just before, in the same series, with
  both years on the same side of England.
"""
from __future__ import annotations

from collections.abc import Mapping

from rutland_data.analysis.ranks import difference
from rutland_data.reference.markers import round_half_up
from rutland_data.reference.measures import Measure

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
SIGNIFICANCE = {"above": 1, "below": -1, "not different": 0}   # an interval's verdict, as the side it implies


def _number(n: int) -> str:
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)


def _side(la: float, england: float) -> int:
    return (la > england) - (la < england)


def _series_years(measure: Measure, end_year: int, la: Mapping[int, float | None],
                  england: Mapping[int, float | None]) -> list[int]:
    """The years up to `end_year` with both figures, newest first, back to the start of the current series."""
    starts = [b.first for b in measure.breaks() if b.kind == "new" and b.first <= end_year]
    first = max(starts, default=None)
    return sorted((y for y in la if y <= end_year and (first is None or y >= first)
                   and la.get(y) is not None and england.get(y) is not None), reverse=True)


def _significance_words(measure: Measure, side: int, significance: str) -> str:
    if significance == "not different":
        return "not significantly different from England"
    if SIGNIFICANCE[significance] != side:
        raise ValueError(f"an interval '{significance}' England disagrees with the figures")
    return f"significantly {_side_words(measure, side)}"


def _side_words(measure: Measure, side: int) -> str:
    if side == 0:
        return "in line with England"
    if measure.polarity == "lower":
        noun = measure.polarity_noun or "it"
        return (f"lower {noun} than England (better)" if side < 0 else f"higher {noun} than England (worse)")
    return "above England" if side > 0 else "below England"


def message_title(measure: Measure, end_year: int, la: Mapping[int, float | None],
                  england: Mapping[int, float | None], significance: str | None = None) -> str:
    """The title for the LA's series against England up to `end_year` (values by end year, None = no figure).

    `significance` is an interval's verdict for `end_year` ('above', 'below', 'not different'), or None
    when there is no interval: then the title makes no claim of significance."""
    label = measure.short_label
    years = _series_years(measure, end_year, la, england)
    if not years or years[0] != end_year:
        return f"{label}: no figure against England for {measure.year_label(end_year)}"
    side = _side(la[end_year], england[end_year])
    run = [years[0]]
    for year in years[1:]:
        if _side(la[year], england[year]) != side:
            break
        run.append(year)
    words = _side_words(measure, side)
    if len(run) == 1:
        new_series = measure.new_series_in(end_year)
        when = f"in {measure.year_label(end_year)}" + (" (a new series)" if new_series and len(years) == 1 else "")
        told = f"{words} {when}"
    elif run[0] - run[-1] + 1 == len(run):
        told = f"{words} for {_number(len(run))} years"
    else:  # a documented gap inside the run: count the years published, and say since when
        told = f"{words} in all {_number(len(run))} years published since {measure.year_label(run[-1])}"
    if significance is not None:  # an interval speaks for its own year only
        told = f"{_significance_words(measure, side, significance)} in {measure.year_label(end_year)}" + (
            f"; {told}" if len(run) > 1 else "")
    title = f"{label}: {told}"
    return title + _gap_clause(measure, end_year, la, england, side)


def _gap_clause(measure: Measure, end_year: int, la: Mapping[int, float | None],
                england: Mapping[int, float | None], side: int) -> str:
    """', gap widening' / ', gap narrowing' / ', gap unchanged' against the year before, or nothing when that
    year is missing, in another series, or on the other side of England."""
    before = end_year - 1
    if side == 0 or measure.new_series_in(end_year) or la.get(before) is None or england.get(before) is None:
        return ""
    if _side(la[before], england[before]) != side:
        return ""
    now = abs(round_half_up(difference(la[end_year], england[end_year]), measure.decimals))
    then = abs(round_half_up(difference(la[before], england[before]), measure.decimals))
    if now == then:
        return ", gap unchanged"
    return ", gap widening" if now > then else ", gap narrowing"
