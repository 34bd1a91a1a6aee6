"""Importers for official file formats, one module per format, chosen by a file's header.

Each module in this package defines `IMPORTERS`, a list of `Importer` objects. The
build offers every file to every importer and uses the one whose signature columns
appear in the file's header, so a user's own download folder works whatever the
files are called.
"""
from __future__ import annotations

import contextlib
import csv
import gzip
import importlib
import io
import json
import pkgutil
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import duckdb
import pandas as pd

from rutland_data import versions
from rutland_data.markers import _NUMBER, GLOSSARY, NotAValue, parse_cell, round_half_up_series

DFE = "Department for Education"
OGL = "Open Government Licence v3.0"


class BadInput(Exception):
    """A problem with an input file, located by file, row and column for the person fixing it."""

    def __init__(self, file: str, message: str, row: int | None = None, column: str | None = None):
        self.file, self.row, self.column, self.message = file, row, column, message
        where = [file]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(f"{', '.join(where)}: {message}")


@dataclass
class SourceFile:
    """One table offered to the importers: a CSV (plain, gzipped or inside a zip), parquet or GeoJSON file.

    Rows are numbered as a spreadsheet shows them: the header is row 1, so the
    first data row is row 2 (parquet and GeoJSON, which have no header line, count from 1).
    """

    path: Path
    display_name: str
    member: str | None = None
    encoding: str = "utf-8-sig"
    _text_cache: dict = field(default_factory=dict, repr=False)

    @property
    def kind(self) -> str:
        name = (self.member or self.path.name).lower()
        if name.endswith(".parquet"):
            return "parquet"
        if name.endswith(".geojson"):
            return "geojson"
        return "csv"

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    def raw_bytes(self) -> bytes:
        if self.member is not None:
            with zipfile.ZipFile(self.path) as archive:
                return archive.read(self.member)
        data = self.path.read_bytes()
        if self.path.name.lower().endswith(".gz"):
            data = gzip.decompress(data)
        return data

    def text(self, encoding: str | None = None) -> str:
        encoding = encoding or self.encoding
        if encoding not in self._text_cache:
            data = self.raw_bytes()
            try:
                self._text_cache[encoding] = data.decode(encoding)
            except UnicodeDecodeError as error:
                line = data[: error.start].count(b"\n") + 1
                raise BadInput(
                    self.display_name,
                    f"is not valid {encoding.replace('-sig', '').upper()} text (byte {error.start}); "
                    "save it as UTF-8 CSV and load it again",
                    row=line,
                ) from None
        return self._text_cache[encoding]

    @cached_property
    def columns(self) -> list[str]:
        """Header names, read leniently and cheaply (first line, parquet schema or first feature's
        properties): recognising a format must not fail on a file no importer will load."""
        if self.kind == "parquet":
            import pyarrow.parquet as pq

            return list(pq.read_schema(self.path).names)
        if self.kind == "geojson":
            try:
                features = json.loads(self.raw_bytes().decode(self.encoding, errors="replace")).get("features") or [{}]
            except ValueError:
                return []
            return list((features[0].get("properties") or {}).keys())
        head = self._head_text()
        first_line = head.lstrip("\ufeff\r\n").split("\n", 1)[0]
        return [c.strip() for c in next(csv.reader([first_line]), [])]

    def _head_text(self) -> str:
        """The start of the file, decoded leniently, up to and including its first line with content:
        planning reads every file's header, and decompressing whole national files for it is slow."""
        with contextlib.ExitStack() as stack:
            if self.member is not None:
                handle = stack.enter_context(stack.enter_context(zipfile.ZipFile(self.path)).open(self.member))
            elif self.path.name.lower().endswith(".gz"):
                handle = stack.enter_context(gzip.open(self.path, "rb"))
            else:
                handle = stack.enter_context(open(self.path, "rb"))
            data = b""
            while True:
                chunk = handle.read(1 << 16)
                data += chunk
                text = data.decode(self.encoding, errors="replace")
                if not chunk or "\n" in text.lstrip("\ufeff\r\n"):
                    return text

    def frame(self, encoding: str | None = None) -> pd.DataFrame:
        """All cells as text (no type guessing, no NA guessing), with a `_row` column.

        pyarrow parses the CSV (several times faster than pandas on the national files); a file it
        cannot read exactly as pandas would (ragged rows, blank or repeated header names) is parsed
        by pandas instead, so such files load, or fail, just as they always have."""
        if self.kind == "parquet":
            frame = pd.read_parquet(self.path)
            frame.insert(0, "_row", range(1, len(frame) + 1))
            return frame
        text = self.text(encoding).lstrip("\r\n")
        frame = _arrow_text_frame(text)
        if frame is None:
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=True)
        frame.columns = [str(c).strip() for c in frame.columns]
        frame.insert(0, "_row", range(2, len(frame) + 2))
        if frame.empty:
            raise BadInput(self.display_name, "has a header but no data rows")
        return frame


def _arrow_text_frame(text: str) -> pd.DataFrame | None:
    """`text` parsed by pyarrow.csv with every column as text (blanks stay ''), or None when pyarrow's
    reading could differ from pandas' (`pd.read_csv(dtype=str, keep_default_na=False)`): ragged rows,
    blank or repeated header names, or a header it splits differently."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    header = next(csv.reader([text.split("\n", 1)[0].rstrip("\r")]), [])
    if not header or "" in header or len(set(header)) != len(header):
        return None
    try:
        table = pa_csv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(column_types={name: pa.string() for name in header},
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowKeyError):
        return None
    if table.column_names != header or not all(pa.types.is_string(t) for t in table.schema.types):
        return None
    return table.to_pandas()


@dataclass
class Importer:
    """How to recognise one official format and load it.

    `signature`: columns that identify the format. `required`: columns the loader
    needs; a recognised file missing one is bad input, named column by column.
    """

    name: str
    signature: frozenset[str]
    required: tuple[str, ...]
    load: object  # callable(con, SourceFile, source_id, settings) -> (rows_loaded, notes)
    priority: int = 50  # lower loads first; the first file to give a figure keeps it
    publisher: str = DFE
    licence: str = OGL
    encoding: str = "utf-8-sig"
    release_note: str | None = None

    def recognises(self, columns: list[str]) -> bool:
        return self.signature <= set(columns)

    def check_columns(self, source: SourceFile) -> None:
        missing = [c for c in self.required if c not in source.columns]
        if missing:
            raise BadInput(
                source.display_name,
                f"expected column(s) {', '.join(repr(c) for c in missing)} for a {self.name} file; "
                "was a column renamed or removed?",
                row=1,
            )


def all_importers() -> list[Importer]:
    found: list[Importer] = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        found.extend(getattr(module, "IMPORTERS", []))
    return found


SUPPORTED_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".zip", ".geojson")


def iter_source_files(root: Path) -> list[SourceFile]:
    """Every table under `root` an importer could read; zip archives are opened (metadata members skipped)."""
    files: list[SourceFile] = []
    for path in sorted(p for p in Path(root).rglob("*") if p.is_file()):
        name = path.name.lower()
        if not name.endswith(SUPPORTED_SUFFIXES):
            continue
        display = str(path.relative_to(root))
        if name.endswith(".zip"):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    if member.lower().endswith(".csv") and not member.lower().endswith(".meta.csv"):
                        files.append(SourceFile(path, f"{display}!{member}", member))
        else:
            files.append(SourceFile(path, display))
    return files


def parse_column(source: SourceFile, frame: pd.DataFrame, column: str, blank_code: str | None = None):
    """Parse one column into (values, codes) lists, naming the first bad cell by row.

    A column of plain ASCII text (every published file) is parsed in one vectorised pass; any other
    column, or one with a cell that is not a number, marker or blank, goes cell by cell through
    `parse_cell`, which stays the definition (and names the bad cell)."""
    parsed = _parse_plain_column(frame[column], blank_code)
    if parsed is not None:
        return parsed
    values, codes = [], []
    for row, cell in zip(frame["_row"], frame[column]):
        try:
            value, code = parse_cell(cell, blank_code)
        except NotAValue as error:
            raise BadInput(source.display_name, str(error), row=int(row), column=column) from None
        values.append(value)
        codes.append(code)
    return values, codes


def _parse_plain_column(cells: pd.Series, blank_code: str | None) -> tuple[list, list] | None:
    """`parse_cell` over a whole column at once, or None when the column is not plain printable ASCII
    text with only numbers, markers and blanks (there Python's and Arrow's idea of whitespace, digits
    and number syntax could differ, so the caller goes cell by cell)."""
    import pyarrow as pa
    import pyarrow.compute as pa_compute

    if len(cells) < 500 or not pd.api.types.is_string_dtype(cells.dtype) or cells.dtype == object:
        return None  # a short column is quicker cell by cell
    text = cells.fillna("")
    if text.str.contains(r"[^\x20-\x7e]", regex=True).any():
        return None
    stripped = text.str.strip()
    is_blank = (stripped == "").to_numpy(dtype=bool)
    is_code = stripped.isin(list(GLOSSARY)).to_numpy(dtype=bool) & ~is_blank
    number = stripped.str.rstrip("%").str.replace(",", "", regex=False).str.strip()
    is_number = number.str.match(_NUMBER.pattern).to_numpy(dtype=bool) & ~is_blank & ~is_code
    if not (is_blank | is_code | is_number).all():
        return None
    floats = pa_compute.cast(pa.array(number.where(is_number, None), type=pa.string()), pa.float64())
    values = floats.to_numpy(zero_copy_only=False).astype(object)
    values[~is_number] = None
    codes = stripped.to_numpy(dtype=object, na_value=None)
    codes[~is_code] = None
    codes[is_blank] = blank_code
    return values.tolist(), codes.tolist()


def parse_values(source: SourceFile, frame: pd.DataFrame, column: str, decimals=None,
                 blank_code: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Vectorised `parse_column` for large files: (values, codes) Series, values rounded half-up
    to `decimals` (an int or a Series per row) when given; the first bad cell is named by row."""
    text = frame[column].astype("string").str.strip().fillna("")
    is_marker = text.isin(list(GLOSSARY))
    is_blank = text == ""
    numbers = pd.to_numeric(text.str.rstrip("%").str.replace(",", "", regex=False), errors="coerce")
    bad = numbers.isna() & ~is_marker & ~is_blank
    if bad.any():
        first = frame.loc[bad].iloc[0]
        raise BadInput(source.display_name, f"'{first[column]}' is neither a number nor a published marker",
                       row=int(first["_row"]), column=column)
    if decimals is not None:
        numbers = round_half_up_series(numbers, decimals)
    codes = text.where(is_marker, None).astype(object)
    if blank_code is not None:
        codes = codes.where(~is_blank, blank_code)
    values = numbers.astype(object).where(numbers.notna(), None)
    return values, codes.where(codes.notna(), None)


def reject_duplicates(source: SourceFile, frame: pd.DataFrame, keys: list[str], columns_named: str) -> None:
    """Two rows for the same key in one file is an error: which one is right is unknowable."""
    duplicated = frame[frame.duplicated(keys, keep=False)]
    if not duplicated.empty:
        first = duplicated.iloc[0]
        rows = duplicated[(duplicated[keys] == first[keys]).all(axis=1)]["_row"].tolist()
        described = ", ".join(f"{k}={first[k]}" for k in keys)
        raise BadInput(
            source.display_name,
            f"duplicate rows for the same {columns_named} ({described}) at rows {', '.join(map(str, rows))}",
            row=int(rows[1]),
        )


def insert_la_results(con: duckdb.DuckDBPyConnection, results: pd.DataFrame) -> tuple[int, str | None]:
    """Add LA-level results, keeping for each figure the row `versions.winner_order_sql` puts first:
    a value beats a marker, then final > revised > unstated > provisional, then the file loaded
    first. So the result does not depend on the order files arrive in, and a LAIT '-' no longer
    hides a value an EES file gives. The overlap with earlier files is reported.

    `results` has the la_results columns. Returns (rows added or replaced, note for the sources table).
    """
    order = versions.winner_order_sql()
    con.register("incoming_results", results)
    try:
        overlap, differing = con.execute(
            """
            SELECT count(*), count(*) FILTER (WHERE r.value IS DISTINCT FROM i.value)
            FROM incoming_results i JOIN la_results r USING (measure_id, end_year, area_code)
            """
        ).fetchall()[0]
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE la_results_winners AS
            WITH candidates AS (
                SELECT measure_id, year_label, end_year, area_code, value, value_code, version, source_id,
                       source_row, true AS is_incoming
                FROM incoming_results
                UNION ALL
                SELECT r.*, false AS is_incoming FROM la_results r
                WHERE EXISTS (SELECT 1 FROM incoming_results i WHERE i.measure_id = r.measure_id
                              AND i.end_year = r.end_year AND i.area_code = r.area_code)
            )
            SELECT *, count(*) FILTER (WHERE NOT is_incoming)
                          OVER (PARTITION BY measure_id, end_year, area_code) > 0 AS replaces
            FROM candidates
            QUALIFY row_number() OVER (PARTITION BY measure_id, end_year, area_code ORDER BY {order}) = 1
            """
        )
        added, replaced = con.execute(
            "SELECT count(*) FILTER (WHERE is_incoming), count(*) FILTER (WHERE is_incoming AND replaces) "
            "FROM la_results_winners"
        ).fetchall()[0]
        con.execute(
            """
            INSERT OR REPLACE INTO la_results
            SELECT measure_id, year_label, end_year, area_code, value, value_code, version, source_id, source_row
            FROM la_results_winners WHERE is_incoming
            """
        )
        con.execute("DROP TABLE la_results_winners")
    finally:
        con.unregister("incoming_results")
    note = None
    if overlap:
        kept = "and were kept" if not replaced else (
            f"and {overlap - replaced} were kept; {replaced} were replaced by this file's (a value where the earlier "
            "file gave a marker, or a more authoritative version)")
        note = (f"{overlap} figures were already loaded from an earlier file {kept}"
                + (f"; {differing} of them differ from this file" if differing else "; this file agrees"))
    return added, note


LA_RESULT_COLUMNS = ["measure_id", "year_label", "end_year", "area_code", "value", "value_code", "version",
                     "source_id", "source_row"]


def wide_la_results(source: SourceFile, frame: pd.DataFrame, measure_by_column: dict[str, object],
                    source_id: int) -> pd.DataFrame:
    """Long `la_results` rows from a wide file with one column per measure (EES and DfE dashboard
    layouts). `frame` already has year_label, end_year and area_code; each column maps to a measure
    id, or to a per-row Series of ids (e.g. primary/secondary from a phase column). Cells with neither
    a value nor a marker are dropped; values are rounded to each measure's published decimals."""
    from rutland_data.measures import by_id

    dictionary = by_id()
    pieces = []
    for column, measure_ids in measure_by_column.items():
        ids = pd.Series(measure_ids, index=frame.index)
        part = frame[["year_label", "end_year", "area_code", "_row"]].copy()
        part["measure_id"] = ids
        part["value"], part["value_code"] = parse_values(source, frame, column, ids.map(lambda m: dictionary[m].decimals))
        pieces.append(part)
    results = pd.concat(pieces, ignore_index=True)
    results = results[results["value"].notna() | results["value_code"].notna()].copy()
    results["version"] = None
    results["source_id"] = source_id
    results["source_row"] = results["_row"]
    return results[LA_RESULT_COLUMNS]


def insert_areas(con: duckdb.DuckDBPyConnection, areas: pd.DataFrame) -> None:
    """Add areas not yet known, and fill in what an earlier file left blank (a neighbour list
    names LAs without their region; a later LAIT or EES file supplies it)."""
    con.register("incoming_areas", areas)
    try:
        con.execute(
            """
            INSERT INTO areas
            SELECT area_code, any_value(name), any_value(level), any_value(old_la_code), any_value(new_la_code),
                   any_value(region_code), bool_or(is_current)
            FROM incoming_areas GROUP BY area_code
            ON CONFLICT (area_code) DO UPDATE SET
                old_la_code = COALESCE(areas.old_la_code, excluded.old_la_code),
                new_la_code = COALESCE(areas.new_la_code, excluded.new_la_code),
                region_code = COALESCE(areas.region_code, excluded.region_code)
            """
        )
    finally:
        con.unregister("incoming_areas")
