"""What the Absence page shows, one call per section: the LA's rank on each annual absence measure, the table
by term, and the schools against national (each measure's card and chart are `views.headlines.card` and the
figure registry's trend)."""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from rutland_data.queries import absence as absence_queries
from rutland_data.reference import measures, versions
from rutland_data.views import headlines


def absence_ranks(con: duckdb.DuckDBPyConnection, la_code: str, end_year: int) -> pd.DataFrame:
    """Rank among LAs for each of the dictionary's Absence page measures the LA has a figure for in that year, with
    the Markdown list item the page shows for it (`line`)."""
    rows = []
    for measure in measures.where("absence"):
        card = headlines.card(con, measure.measure_id, la_code, end_year, "England")
        if card.rank is not None and card.end_year == end_year:
            rows.append({"measure_id": measure.measure_id, "measure": measure.name,
                         "value": card.value, "value_text": card.value_text, "version": card.version,
                         "rank": card.rank.position, "out_of": card.rank.out_of, "quartile": card.rank.quartile,
                         "described": card.rank.describe(), "source_id": min(card.source_ids),
                         "line": f"- **{measure.name}:** {card.value_text} ({versions.phrase(card.version)}) - "
                                 f"{card.rank.describe()}"})
    return pd.DataFrame(rows, columns=["measure_id", "measure", "value", "value_text", "version", "rank", "out_of",
                                       "quartile", "described", "source_id", "line"])


def absence_by_term_wide(con: duckdb.DuckDBPyConnection, la_code: str,
                         end_year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`absence_by_term` and the same figures with one column per area (as the Absence page shows them),
    pivoted once per database version rather than on every rerun."""
    terms = absence_queries.absence_by_term(con, la_code, end_year)
    if terms.empty:
        return terms, terms
    wide = terms.pivot_table(index=["phase", "term"], columns="area", values="value", sort=False).reset_index()
    return terms, wide


@dataclass(frozen=True)
class SchoolAbsence:
    schools: pd.DataFrame             # `school_absence`, of one phase or all
    above_national: list[str]         # schools above national overall absence (NULL, unknown, is not above)
    source_ids: list[int]


def school_absence(con: duckdb.DuckDBPyConnection, la_code: str, end_year: int, phase: str | None) -> SchoolAbsence:
    """Each school's absence against national (of one phase, or all with None)."""
    schools = absence_queries.school_absence(con, la_code, end_year)
    if phase is not None:
        schools = schools[schools["phase"] == phase]
    above = schools[schools["above_national_overall"] == True]  # noqa: E712 - NULL (unknown) is not 'above'
    return SchoolAbsence(schools, above["school"].tolist(), [int(s) for s in schools["source_id"].dropna()])
