"""What the Destinations page shows, one call per section: one cohort's destinations beside its comparators,
and the council's own Year 11 tables (offers made, in and out of county). Data only: the charts are drawn by
the figure registry (rutland_data/charts/figures.py)."""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from rutland_data.queries.destinations import (county_summary, destination_cohorts, destination_shares, group_order,
                                               seed_destinations)


@dataclass(frozen=True)
class StageCohorts:
    """The cohorts of one stage to choose from, newest first, and the one to start on."""
    labels: list[str]
    default: int                 # index in `labels`: the newest cohort that ended by the year chosen
    end_years: dict[str, int]    # each cohort's last academic year (end year)


def stage_cohorts(con: duckdb.DuckDBPyConnection, la_code: str, year: int | None) -> dict[str, StageCohorts]:
    """Each stage with destination data for the LA (KS4 first), its cohorts and the default for `year`."""
    cohorts = destination_cohorts(con, la_code)
    stages = sorted(dict.fromkeys(cohorts["stage"]), key=lambda s: (s != "KS4", s))
    chosen = {}
    for stage in stages:
        in_stage = cohorts[cohorts["stage"] == stage]
        labels = in_stage["cohort_label"].tolist()
        by_year = in_stage[in_stage["cohort_end_year"] <= (year or 9999)]
        chosen[stage] = StageCohorts(labels, labels.index(by_year["cohort_label"].iloc[0]) if not by_year.empty else 0,
                                     dict(zip(labels, in_stage["cohort_end_year"].astype(int))))
    return chosen


@dataclass(frozen=True)
class CohortDestinations:
    shares: pd.DataFrame              # `destination_shares`
    end_year: int | None              # the year the cohort finished the stage
    categories: set[str]              # the categories shown for this cohort
    has_england: bool                 # whether England's figures use the same categories
    source_ids: list[int]


def cohort_destinations(con: duckdb.DuckDBPyConnection, la_code: str, cohort_label: str,
                        neighbour_set: str) -> CohortDestinations:
    shares = destination_shares(con, la_code, cohort_label, neighbour_set)
    cohorts = destination_cohorts(con, la_code)
    years = cohorts.loc[cohorts["cohort_label"] == cohort_label, "cohort_end_year"]
    return CohortDestinations(shares, int(years.iloc[0]) if len(years) else None, set(shares["category"]),
                              "england" in set(shares["role"]), [int(s) for s in shares["source_id"].dropna()])


@dataclass(frozen=True)
class CouncilDestinations:
    seed: pd.DataFrame                       # `seed_destinations`
    summary: pd.DataFrame                    # `county_summary`: pupils and share per cohort and group
    groups: list[str]                        # the groups in the order the bars draw them
    offers: list[tuple[str, int, int]]       # (cohort label, pupils with an offer, cohort)
    out_of_county: list[tuple[str, int, int, int]]   # (cohort label, out of county, cohort, in county)


def council_destinations(con: duckdb.DuckDBPyConnection, la_code: str) -> CouncilDestinations:
    """The council's own Year 11 destination tables: offers made, the groups, and in/out of county."""
    seed = seed_destinations(con, la_code)
    if seed.empty:
        return CouncilDestinations(seed, pd.DataFrame(), [], [], [])
    summary = county_summary(seed)
    offers = []
    for label, rows in summary.groupby("cohort_label", sort=False):
        offered = rows.loc[rows["category_group"] == "Offer made", "pupils"]
        if not offered.empty:
            offers.append((label, int(offered.iloc[0]), int(rows["cohort"].iloc[0])))
    in_county = summary[summary["category_group"] == "In county"]
    out_county = summary[summary["category_group"] == "Out of county"]
    away = []
    for row in in_county.itertuples():
        gone = out_county.loc[out_county["cohort_label"] == row.cohort_label, "pupils"]
        if not gone.empty:
            away.append((row.cohort_label, int(gone.iloc[0]), row.cohort, row.pupils))
    return CouncilDestinations(seed, summary, group_order(seed), offers, away)
