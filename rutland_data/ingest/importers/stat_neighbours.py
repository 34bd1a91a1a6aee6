"""DfE children's services statistical neighbour groupings, in both published CSV layouts.

April 2021 model: `LA num, LA Name, ..., SN1, SNP, SN2, SNP, ...` (closeness columns all named SNP).
May 2025 model: `old_la_code, la_name, ..., SN_1, SN_1P, ...`.
"""
from __future__ import annotations

import pandas as pd

from rutland_data.store import db
from rutland_data.ingest.importers import BadInput, Col, Importer, SourceFile, insert_areas
from rutland_data.ingest.intake import LA_NUMBER


def _load(con, source: SourceFile, source_id: int, *, set_version: str, la_column: str,
          name_column: str, neighbour_columns: list[str], closeness_columns: list[str]) -> tuple[int, str | None]:
    frame = source.frame()
    rows, areas = [], []
    seen: dict[str, int] = {}
    for position in range(len(frame)):
        line = frame.iloc[position]
        la = str(line[la_column]).strip()
        if la == "":
            continue
        if not la.isdigit():
            raise BadInput(source.display_name, f"'{la}' is not an LA number", row=int(line["_row"]), column=la_column)
        if la in seen:
            raise BadInput(source.display_name, f"LA {la} appears twice (rows {seen[la]} and {int(line['_row'])})",
                           row=int(line["_row"]), column=la_column)
        seen[la] = int(line["_row"])
        areas.append([la, str(line[name_column]).strip(), "la", int(la), None, None, True])
        for rank, (n_col, c_col) in enumerate(zip(neighbour_columns, closeness_columns), start=1):
            neighbour = str(line[n_col]).strip()
            if not neighbour.isdigit():
                raise BadInput(source.display_name, f"neighbour '{neighbour}' is not an LA number",
                               row=int(line["_row"]), column=n_col)
            rows.append([set_version, la, neighbour, rank, str(line[c_col]).strip() or None, source_id])
    before = con.execute("SELECT count(*) FROM stat_neighbours").fetchall()[0][0]
    db.insert_rows(con, "stat_neighbours", rows, or_ignore=True)
    added = con.execute("SELECT count(*) FROM stat_neighbours").fetchall()[0][0] - before
    insert_areas(con, pd.DataFrame(areas, columns=["area_code", "name", "level", "old_la_code", "new_la_code",
                                                   "region_code", "is_current"]))
    note = None if added == len(rows) else f"{len(rows) - added} neighbour rows were already loaded from an earlier file"
    return added, note


def load_2021(con, source: SourceFile, source_id: int, settings) -> tuple[int, str | None]:
    # pandas names the repeated 'SNP' headers SNP, SNP.1, ... SNP.9 in order.
    closeness = ["SNP"] + [f"SNP.{i}" for i in range(1, 10)]
    return _load(con, source, source_id, set_version="2021-04", la_column="LA num", name_column="LA Name",
                 neighbour_columns=[f"SN{i}" for i in range(1, 11)], closeness_columns=closeness)


def load_2025(con, source: SourceFile, source_id: int, settings) -> tuple[int, str | None]:
    return _load(con, source, source_id, set_version="2025-05", la_column="old_la_code", name_column="la_name",
                 neighbour_columns=[f"SN_{i}" for i in range(1, 11)],
                 closeness_columns=[f"SN_{i}P" for i in range(1, 11)])


IMPORTERS = [
    Importer(
        name="Statistical neighbours (April 2021 model)",
        signature=frozenset({"LA num", "SN1", "SNP"}),
        required=("LA num", "LA Name", *[f"SN{i}" for i in range(1, 11)]),
        load=load_2021,
        priority=5,
        # The file ends with notes ('Old SNs:') in rows with no LA number; those are not loaded.
        columns=(Col("LA num", LA_NUMBER), *(Col(f"SN{i}", LA_NUMBER) for i in range(1, 11))),
    ),
    Importer(
        name="Statistical neighbours (May 2025 model)",
        signature=frozenset({"old_la_code", "SN_1", "SN_1P"}),
        required=("old_la_code", "la_name", *[f"SN_{i}" for i in range(1, 11)], *[f"SN_{i}P" for i in range(1, 11)]),
        load=load_2025,
        priority=5,
        columns=(Col("old_la_code", LA_NUMBER, blank=False),
                 *(Col(f"SN_{i}", LA_NUMBER, blank=False) for i in range(1, 11))),
    ),
]
