"""Pupil-group figures: several years pooled from numerators and denominators (never an average of
percentages), and a group's gap to national - the same group, or the other group as Analyse School
Performance compares it. Pure functions."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from rutland_data import settings
from rutland_data.analysis.disclosure import NOT_AVAILABLE, SUPPRESSED
from rutland_data.reference.codes import PUPIL_GROUP_NOUNS
from rutland_data.reference.markers import is_missing


@dataclass(frozen=True)
class YearCount:
    """One year's numerator and denominator; code is the published marker when not known."""
    end_year: int
    numerator: float | None
    denominator: float | None
    code: str | None = None


@dataclass(frozen=True)
class Pooled:
    """A pooled value, or value=None with the code ('x' unknown, 'DNS' disclosure) and why."""
    value: float | None
    numerator: float | None
    denominator: float | None
    years: tuple[int, ...]
    code: str | None = None
    reason: str | None = None


def pool_years(components: Sequence[YearCount], *, scale: float = 100.0, expected_years: int = 3,
               numerator_is_count: bool = True, suppress_up_to: int | None = None) -> Pooled:
    """Pool several years as sum(numerators) / sum(denominators) * scale - never by averaging.

    Averaging three percentages weights a year of 8 pupils like a year of 30; summing the
    counts does not. For a mean score give numerator = total points and scale=1,
    numerator_is_count=False.

    Withheld (value None, code 'x', reason) if fewer than `expected_years` years are given or
    any year's numerator or denominator is unknown or carries a published code.
    Withheld as 'DNS' (disclosure) if the pooled pupils number 1..threshold, or - for counts -
    if the pupils reaching (numerator) or not reaching (denominator - numerator) number
    1..threshold, because the shown percentage and cohort would reveal them.
    Threshold defaults to settings.suppress_counts_up_to.
    """
    threshold = settings.load().suppress_counts_up_to if suppress_up_to is None else suppress_up_to
    years = tuple(sorted(c.end_year for c in components))
    if len(set(years)) != len(years):
        raise ValueError(f"a year appears twice in the pooled components: {years}")
    if len(years) < expected_years:
        return Pooled(None, None, None, years, NOT_AVAILABLE,
                      f"only {len(years)} of the {expected_years} years needed")
    unknown = [c for c in components if c.code is not None or c.numerator is None or c.denominator is None
               or is_missing(c.numerator) or is_missing(c.denominator)]
    if unknown:
        detail = ", ".join(f"{c.end_year}: {_unknown_part(c)}" for c in sorted(unknown, key=lambda c: c.end_year))
        return Pooled(None, None, None, years, NOT_AVAILABLE, f"a year cannot be pooled ({detail})")
    numerator = float(sum(c.numerator for c in components))
    denominator = float(sum(c.denominator for c in components))
    if denominator <= 0:
        return Pooled(None, numerator, denominator, years, NOT_AVAILABLE, "no pupils in the pooled years")
    if 1 <= denominator <= threshold:
        return Pooled(None, None, None, years, SUPPRESSED,
                      f"{threshold} or fewer pupils over the pooled years")
    if numerator_is_count and (1 <= numerator <= threshold or 1 <= denominator - numerator <= threshold):
        return Pooled(None, None, denominator, years, SUPPRESSED,
                      f"would reveal a group of {threshold} or fewer pupils")
    return Pooled(numerator / denominator * scale, numerator, denominator, years)


def _unknown_part(component: YearCount) -> str:
    """What a year lacks: its published code, its cohort (a published figure cannot be weighted without it),
    or the figure itself."""
    if component.code is not None:
        return component.code
    if component.denominator is None or is_missing(component.denominator):
        return "no cohort published to weight its figure by"
    return "figure not known"


# Group ids used for pupil groups and, for each, the "other" group DfE's Analyse School
# Performance compares it with (disadvantaged pupils are compared with non-disadvantaged
# pupils nationally, because closing that gap is the aim). Prior-attainment bands have no
# "other" group and are compared with the same band nationally.
OTHER_GROUP: dict[str, str] = {
    "disadvantaged": "not_disadvantaged", "not_disadvantaged": "disadvantaged",
    "fsm": "not_fsm", "not_fsm": "fsm",
    "sen_support": "no_sen", "ehcp": "no_sen", "sen_any": "no_sen", "no_sen": "sen_any",
    "eal": "not_eal", "not_eal": "eal",
    "boys": "girls", "girls": "boys",
    "cla": "not_cla", "not_cla": "cla",
    "service": "not_service", "not_service": "service",
}
COMPARATORS = {
    "same_group": "the same group nationally",
    "other_group": "other pupils nationally (as in Analyse School Performance)",
}


@dataclass(frozen=True)
class Gap:
    gap: float | None           # value - comparator (polarity is the caller's to apply)
    comparator_value: float | None
    comparator_label: str       # e.g. 'non-disadvantaged pupils nationally'


def gap_to_national(value: float | None, group: str, national_by_group: dict[str, float | None],
                    comparator: str = "same_group") -> Gap:
    """Gap between a group's value and national: the same group, or the other group (ASP).

    national_by_group maps group id -> national value for the same measure and year.
    With comparator='other_group' a group with no other group (prior attainment, 'all')
    falls back to the same group, and the label says so.
    """
    if comparator not in COMPARATORS:
        raise ValueError(f"comparator must be one of {sorted(COMPARATORS)}")
    compare_with = group
    if comparator == "other_group" and group in OTHER_GROUP:
        compare_with = OTHER_GROUP[group]
    national = national_by_group.get(compare_with)
    label = f"{PUPIL_GROUP_NOUNS.get(compare_with, compare_with.replace('_', ' ') + ' pupils')} nationally"
    if comparator == "other_group" and compare_with == group:
        label += " (no other group to compare with)"
    if value is None or national is None or is_missing(value) or is_missing(national):
        return Gap(None, national, label)
    return Gap(value - national, national, label)
