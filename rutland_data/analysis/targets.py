"""Improvement-plan targets: whether an indicator meets its target, and its RAG status with the rule in words.

Pure functions, no database. The rule (one for every indicator, written out beside every status so the
colour never carries the meaning alone):

- Green: the target is met - the latest figure stands as the target asks against its comparator
  ("at or above England", "below the East Midlands", "fewer than last year"). A count of none meets
  "fewer than": there is nothing left to reduce.
- Amber: the target is not met, but the figure is better than it was when the plan started (its baseline
  year), in the target's direction.
- Red: the target is not met and the figure is no better than when the plan started (or there is no
  figure for the start to show progress).
- Not rated: no latest figure, no comparator figure, or the two years are not comparable (a series break
  since the plan started leaves the trend unrated but not the target).

Figures are compared as shown: rounded half-up to the measure's decimals, because a target is agreed and
read at the precision on the page (61.0% against 61.0% is "at", not a hair below).
"""
from __future__ import annotations

from dataclasses import dataclass

from rutland_data.reference.markers import round_half_up
from rutland_data.reference.plan_terms import COMPARISONS
HIGHER_IS_TARGET = {"at or above", "above"}
GREEN, AMBER, RED, NOT_RATED = "Green", "Amber", "Red", "Not rated"
RULE = ("Green: the target is met (a count of none meets \"fewer than\"). Amber: not met, but better than when the "
        "plan started. Red: not met and no better than when the plan started. Not rated: no latest or comparator "
        "figure. Figures are compared as shown, rounded to the measure's decimals.")
STATUSES = (RED, AMBER, GREEN, NOT_RATED)   # order in which the tracker lists them: worst first


@dataclass(frozen=True)
class Rating:
    status: str          # GREEN / AMBER / RED / NOT_RATED
    rule: str            # why, in words, with the figures


def meets(value: float, comparison: str, target: float) -> bool:
    """Whether `value` stands as `comparison` asks against `target` (both already rounded as shown)."""
    if comparison == "at or above":
        return value >= target
    if comparison == "above":
        return value > target
    if comparison == "at or below":
        return value <= target
    if comparison in ("below", "fewer than"):
        return value < target
    raise ValueError(f"unknown comparison {comparison!r}: expected one of {', '.join(COMPARISONS)}")


def better(value: float, baseline: float, comparison: str) -> bool:
    """Whether `value` is better than `baseline` in the direction the target points (strictly)."""
    return value > baseline if comparison in HIGHER_IS_TARGET else value < baseline


def rate(value: float | None, target: float | None, comparison: str, decimals: int, *,
         value_text: str, target_text: str, target_name: str,
         baseline: float | None = None, baseline_text: str = "", baseline_label: str = "",
         trend_comparable: bool = True, trend_decimals: int | None = None) -> Rating:
    """The RAG status of one indicator and its rule in words.

    `*_text` are the figures as the page shows them (with unit or marker); `target_name` names the
    comparator ('England', 'East Midlands', 'last year (2022/23)', 'the target'); `baseline_label` the
    plan's start year; `trend_decimals` how finely the latest figure and the baseline can be compared (fewer
    than `decimals` where the baseline was published to fewer: a 0.17 is not 'better' than a 1-dp 0.2)."""
    if comparison not in COMPARISONS:
        raise ValueError(f"unknown comparison {comparison!r}: expected one of {', '.join(COMPARISONS)}")
    wanted = f"{comparison} {target_name}"
    if value is None:
        return Rating(NOT_RATED, f"Not rated: no latest figure ({value_text}) to set against the target, {wanted}.")
    if target is None:
        return Rating(NOT_RATED, f"Not rated: no figure for {target_name} ({target_text}) to compare with.")
    shown, goal = round_half_up(value, decimals), round_half_up(target, decimals)
    figures = f"{value_text} against {target_text}"
    if meets(shown, comparison, goal):
        return Rating(GREEN, f"Green: target met - {figures}, {wanted}.")
    if comparison == "fewer than" and shown == 0:
        return Rating(GREEN, f"Green: target met - none ({figures}), so none to reduce.")
    missed = f"target not met - {figures}; the target is {wanted}"
    if baseline is None or not trend_comparable:
        why = ("no comparable figure" if baseline is None else "a series break since then") + \
              f" for {baseline_label}, when the plan started, to show progress"
        return Rating(RED, f"Red: {missed}, and {why}.")
    coarser = decimals if trend_decimals is None else min(decimals, trend_decimals)
    if better(round_half_up(value, coarser), round_half_up(baseline, coarser), comparison):
        return Rating(AMBER, f"Amber: {missed}, but better than when the plan started ({baseline_label}: "
                             f"{baseline_text}).")
    return Rating(RED, f"Red: {missed}, and no better than when the plan started ({baseline_label}: {baseline_text}).")
