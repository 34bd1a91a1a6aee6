"""The About page's list of sources: each file loaded with its licence, checksum, release note and what it feeds."""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from rutland_data.queries import sources as source_queries
from rutland_data.reference.markers import GLOSSARY

SHOWN_COLUMNS = ["source_id", "file_name", "status", "versions", "publisher", "licence", "rows_loaded", "loaded_at",
                 "sha256", "release_note", "notes", "tables_fed", "measures_fed"]

# The published symbols and what they mean, made once: the same object on every rerun, so the page's display form of
# it is kept too (ui/common.table).
GLOSSARY_TABLE = pd.DataFrame([(code, where, meaning) for code, (where, meaning) in GLOSSARY.items()],
                              columns=["symbol", "used in", "meaning"])


@dataclass(frozen=True)
class LoadedSources:
    table: pd.DataFrame   # one row per source, SHOWN_COLUMNS; status "simulated" or "real"
    simulated_rows: int   # rows of simulated demonstration data among them


def loaded_sources(con: duckdb.DuckDBPyConnection) -> LoadedSources:
    feeds = source_queries.source_feeds(con)
    table = source_queries.sources(con).merge(feeds[["source_id", "tables_fed", "measures_fed", "versions"]],
                                              on="source_id", how="left")
    table["status"] = table["is_simulated"].map({True: "simulated", False: "real"})
    # a register, a lookup, or an extract whose figures an earlier file had already given
    table["versions"] = table["versions"].fillna("no figures stored from this file")
    return LoadedSources(table[SHOWN_COLUMNS], int(table.loc[table["is_simulated"], "rows_loaded"].sum()))
