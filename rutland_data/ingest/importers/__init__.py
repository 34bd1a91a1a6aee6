"""Importers for official file formats, one module per format, chosen by a file's header; this module
holds what they share (reading a file, the `Importer`, parsing and writing LA results and areas).

Each module in this package defines `IMPORTERS`, a list of `Importer` objects, listed once in
`rutland_data/ingest/formats.py`. The build offers every file to every importer and uses the one
whose signature columns appear in the file's header, so a user's own download folder works whatever
the files are called.
"""
from __future__ import annotations

import contextlib
import csv
import difflib
import gzip
import io
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pa_compute
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from rutland_data.reference import versions
from rutland_data.ingest.intake import BadInput, Col, validate
from rutland_data.reference.markers import GLOSSARY, NUMBER, NotAValue, parse_cell

DFE = "Department for Education"
OGL = "Open Government Licence v3.0"

@dataclass(frozen=True)
class Layout:
    """How a format's text is laid out, where it departs from a plain UTF-8 CSV.

    `encodings`: tried in order (GIAS is Windows-1252, its newer downloads UTF-8). `short_rows`: the
    performance tables leave a row's trailing blank fields out, so a short row reads as blanks there
    (and is refused everywhere else). `extra_fields`: GIAS writes extra links as extra fields at the end
    of a row; they are cut to the header's width (refused everywhere else)."""

    encodings: tuple[str, ...] = ("utf-8-sig",)
    short_rows: bool = False
    extra_fields: bool = False


_UNREADABLE = (zipfile.BadZipFile, gzip.BadGzipFile, EOFError, zlib.error, OSError, NotImplementedError)


@dataclass
class SourceFile:
    """One table offered to the importers: a CSV (plain, gzipped or inside a zip), parquet or GeoJSON file.

    Rows are numbered as a spreadsheet shows them: the header is row 1, so the
    first data row is row 2 (parquet and GeoJSON, which have no header line, count from 1).
    Every way a file can be unreadable (corrupt compression, not text, UTF-16, a second byte-order
    mark, a row with the wrong number of fields, a file cut mid-row, corrupt parquet, GeoJSON that is
    not a feature collection) is a `BadInput` naming the file, and the row where there is one.
    """

    path: Path
    display_name: str
    member: str | None = None
    layout: Layout = Layout()
    _frame: pd.DataFrame | None = field(default=None, repr=False)

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

    def _unreadable(self, error: BaseException) -> BadInput:
        name = self.path.name.lower()
        what = "zip archive" if name.endswith(".zip") else "gzip file" if name.endswith(".gz") else f"{self.kind} file"
        return BadInput(self.display_name, f"cannot be read as a {what} ({type(error).__name__}: {error}); "
                        "is it damaged or cut short? Download it again")

    def raw_bytes(self) -> bytes:
        try:
            if self.member is not None:
                with zipfile.ZipFile(self.path) as archive:
                    return archive.read(self.member)
            data = self.path.read_bytes()
            if self.path.name.lower().endswith(".gz"):
                data = gzip.decompress(data)
            return data
        except _UNREADABLE as error:
            raise self._unreadable(error) from None

    def text(self) -> str:
        """The file decoded with the first of the layout's encodings that fits it exactly."""
        data = self.raw_bytes()
        self._refuse_binary(data)
        first_error = None
        for encoding in self.layout.encodings:
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError as error:
                first_error = first_error or (encoding, error)
        else:
            encoding, error = first_error
            line = data[: error.start].count(b"\n") + 1
            raise BadInput(
                self.display_name,
                f"is not valid {encoding.replace('-sig', '').upper()} text (byte {error.start}); "
                "save it as UTF-8 CSV and load it again",
                row=line,
            )
        if text.startswith("\ufeff") or text.startswith("\u00ef\u00bb\u00bf"):
            raise BadInput(self.display_name, "starts with a second byte-order mark (the file was saved twice "
                           "with one); save it once as UTF-8 CSV", row=1)
        return text

    def _refuse_binary(self, head: bytes) -> None:
        """UTF-16/32 and binary files are not CSV text: say so instead of reading them as garbage."""
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise BadInput(self.display_name, "is UTF-16 text; save it as UTF-8 CSV and load it again")
        nul = head.find(b"\x00")
        if nul >= 0:
            raise BadInput(self.display_name, f"is not a text file (a NUL byte at byte {nul}: binary data, or "
                           "UTF-16 without a byte-order mark); save it as UTF-8 CSV", row=head[:nul].count(b"\n") + 1)

    @cached_property
    def columns(self) -> list[str]:
        """Header names, read cheaply (first line, parquet schema or first feature's properties):
        recognising a format must not read whole national files. Undecodable bytes are tolerated here
        (the file may be another encoding a format declares) but a damaged file is refused."""
        if self.kind == "parquet":
            with open(self.path, "rb") as handle:
                if handle.read(4) != b"PAR1":
                    raise BadInput(self.display_name, "is not a parquet file (it does not start with PAR1); "
                                   "is it damaged? Download it again")
            try:
                return list(pq.read_schema(self.path).names)
            except Exception as error:  # pyarrow raises ArrowInvalid, OSError and others for a damaged file
                raise self._unreadable(error) from None
        if self.kind == "geojson":
            features = self._document()["features"]
            return list(features[0]["properties"].keys()) if features else []
        head = self._head_bytes()
        self._refuse_binary(head)
        text = head.decode(self.layout.encodings[0], errors="replace")
        first_line = text.lstrip("\ufeff\r\n").split("\n", 1)[0]
        return [c.strip() for c in next(csv.reader([first_line]), [])]

    def _head_bytes(self) -> bytes:
        """The start of the file up to and including its first line with content: planning reads every
        file's header, and decompressing whole national files for it is slow."""
        try:
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
                    if not chunk or b"\n" in data.lstrip(b"\xef\xbb\xbf\r\n"):
                        return data
        except _UNREADABLE as error:
            raise self._unreadable(error) from None

    def _document(self) -> dict:
        """A GeoJSON file parsed and checked to be a feature collection whose features are objects."""
        try:
            document = json.loads(self.text())
        except json.JSONDecodeError as error:
            raise BadInput(self.display_name, f"is not valid JSON ({error.msg})", row=error.lineno) from None
        except RecursionError:
            raise BadInput(self.display_name, "is not GeoJSON (nested too deeply)") from None
        if not isinstance(document, dict) or not isinstance(document.get("features"), list):
            raise BadInput(self.display_name, "is not a GeoJSON feature collection: expected an object whose "
                           "'features' is a list")
        for number, feature in enumerate(document["features"], start=1):
            if not isinstance(feature, dict) or not isinstance(feature.get("properties") or {}, dict):
                raise BadInput(self.display_name, "found a feature that is not an object with 'properties' and "
                               "'geometry'; expected a GeoJSON Feature", row=number)
            feature["properties"] = feature.get("properties") or {}
        return document

    def frame(self) -> pd.DataFrame:
        """All cells as text (no type guessing, no NA guessing), with a `_row` column; read once per build
        (the validator and the loader see the same cells), handed out as a copy the loader may change."""
        if self._frame is None:
            self._frame = self._read_frame()
        return self._frame.copy(deep=False)

    def release(self) -> None:
        """Forget the cells once the file is loaded (a build holds a hundred files)."""
        self._frame = None

    def _read_frame(self) -> pd.DataFrame:
        if self.kind == "parquet":
            try:
                frame = pd.read_parquet(self.path)
            except Exception as error:  # pyarrow raises ArrowInvalid, OSError and others for a damaged file
                raise self._unreadable(error) from None
            frame.insert(0, "_row", range(1, len(frame) + 1))
        elif self.kind == "geojson":
            document = self._document()
            frame = pd.DataFrame.from_records([f["properties"] for f in document["features"]])
            frame["geometry"] = [f.get("geometry") for f in document["features"]]
            frame["_properties"] = [f["properties"] for f in document["features"]]  # as published, for the loader
            frame.insert(0, "_row", range(1, len(frame) + 1))
            frame.attrs["crs"] = str(((document.get("crs") or {}).get("properties") or {}).get("name", ""))
        else:
            text = self.text().lstrip("\r\n")
            frame = _arrow_text_frame(text)
            if frame is None:
                frame = _csv_text_frame(self.display_name, text, self.layout)
            frame.columns = [str(c).strip() for c in frame.columns]
            frame.insert(0, "_row", range(2, len(frame) + 2))
        if frame.empty:
            raise BadInput(self.display_name, "has no features" if self.kind == "geojson" else
                           "has a header but no data rows")
        return frame


def _content_lines(data: bytes) -> int:
    """Lines that are not blank in UTF-8 `data` (a last line without a line break counts): the line breaks
    less those straight after another line break ('\n\n' or '\n\r\n'). Counted over the bytes with numpy,
    as a regular expression over a national file's text took longer than parsing it."""
    codes = np.frombuffer(data, dtype=np.uint8)
    breaks = codes == ord("\n")
    blank = np.count_nonzero(breaks[1:] & breaks[:-1]) + np.count_nonzero(
        breaks[:-2] & (codes[1:-1] == ord("\r")) & breaks[2:])
    return int(np.count_nonzero(breaks)) + (not data.endswith(b"\n")) - int(blank)


def _arrow_text_frame(text: str) -> pd.DataFrame | None:
    """`text` parsed by pyarrow.csv with every column as text (blanks stay ''), or None when it is not a
    plain rectangular CSV with distinct, non-blank header names (then `_csv_text_frame` reads it)."""
    header = next(csv.reader([text.split("\n", 1)[0].rstrip("\r")]), [])
    if not header or "" in header or len(set(header)) != len(header):
        return None
    data = text.encode("utf-8")
    try:
        table = pa_csv.read_csv(
            io.BytesIO(data),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(column_types={name: pa.string() for name in header},
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowKeyError):
        return None
    if table.column_names != header or not all(pa.types.is_string(t) for t in table.schema.types):
        return None
    # One row per line: fewer rows than non-empty lines means a value over a line break (an unclosed quote),
    # which `_csv_text_frame` names by row.
    if table.num_rows + 1 != _content_lines(data) and any(
            pa_compute.any(pa_compute.match_substring_regex(column, "[\r\n]")).as_py() for column in table.columns):
        return None
    return table.to_pandas()


def _csv_text_frame(file: str, text: str, layout: Layout) -> pd.DataFrame:
    """The csv module's reading of a file pyarrow would not take: repeated or blank header names (named
    as pandas names them: 'SNP', 'SNP.1', 'Unnamed: 0'), and rows with another number of fields than the
    header, which are refused unless the layout declares them (`Layout.short_rows`, `extra_fields`).
    A file cut mid-row shows as an unclosed quote or a short last row, and is refused; so is a value
    running over a line break (no official file has one: it is an unclosed quote)."""
    reader = csv.reader(io.StringIO(text), strict=True)
    rows = []
    try:
        header = next(reader)
        for line in reader:
            joined = "".join(line)  # a line break in the joined cells is one in a cell (one join, not a loop)
            if "\n" in joined or "\r" in joined:
                raise BadInput(file, "found a quoted value running over a line break; expected one row per line "
                               "(is a quote not closed?)", row=len(rows) + 2)
            if line:
                rows.append(line)
    except csv.Error as error:
        raise BadInput(file, f"cannot be read as CSV ({error}): a quoted field is not closed, or the file "
                       "was cut short", row=len(rows) + 2) from None
    names = _pandas_names(header)
    width = len(header)
    lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
    long_rows = np.flatnonzero(lengths > width)
    if long_rows.size and not layout.extra_fields:
        row = int(long_rows[0])
        raise BadInput(file, f"found {lengths[row]} fields; expected {width}, as in the header (a ragged row)",
                       row=row + 2)
    short = np.flatnonzero(lengths < width)
    if short.size:
        row = int(short[0])
        if not layout.short_rows:
            raise BadInput(file, f"found {lengths[row]} fields; expected {width}, as in the header (a ragged row, "
                           "or the file was cut mid-row)", row=row + 2)
        last = len(rows) - 1
        if lengths[last] < width - 1 and not text.endswith(("\n", "\r")):
            raise BadInput(file, f"found {lengths[last]} fields in the last row and no line break after it; expected "
                           f"{width}: was the file cut mid-row?", row=last + 2)
    for ragged in np.flatnonzero(lengths != width):  # short rows padded with blanks, extra fields cut
        rows[ragged] = (rows[ragged] + [""] * (width - len(rows[ragged])))[:width]
    return pd.DataFrame(rows, columns=names, dtype=object) if rows else pd.DataFrame(columns=names)


def _pandas_names(header: list[str]) -> list[str]:
    """Header names as pandas gives them, which loaders rely on: a blank name is 'Unnamed: <position>', a
    repeated one gets '.1', '.2' ... in order (the 2021 neighbour file's ten 'SNP' columns)."""
    names, seen = [], {}
    for position, name in enumerate(header):
        name = name or f"Unnamed: {position}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
    return names


@dataclass
class Importer:
    """How to recognise one official format, check it and load it.

    `signature`: columns that identify the format. `required`: columns the loader needs; a recognised
    file missing one is bad input, named column by column. `columns`: what each column holds, enforced
    on every row by `rutland_data.intake.validate` before the loader runs. `header`: the format's full
    published header, where it is fixed; with `signature` and `required` it tells a near miss (a
    format's file with a key column renamed, an error) from an unrelated file (skipped).
    """

    name: str
    signature: frozenset[str]
    required: tuple[str, ...]
    load: object  # callable(con, SourceFile, source_id, settings) -> (rows_loaded, notes)
    priority: int = 50  # lower loads first; the first file to give a figure keeps it
    publisher: str = DFE
    licence: str = OGL
    layout: Layout = Layout()
    release_note: str | None = None
    columns: tuple[Col, ...] = ()
    header: tuple[str, ...] = ()

    def recognises(self, columns: list[str]) -> bool:
        return self.signature <= set(columns)

    def near_miss(self, columns: list[str]) -> list[str]:
        """The signature columns a file lacks when it otherwise looks like this format. Where the format
        declares its published header: at most a quarter of it (one at least) missing. Else most of the
        signature present and all but a quarter of the key columns; a two-column signature with one
        missing counts when the file has a column named much like it ('LSOA11CD' as 'lsoa11cd' or
        'LSOA11CD (2021)'). Else [] (the file is another format, or none)."""
        present = set(columns)
        missing = sorted(self.signature - present)
        if not missing:
            return []
        if self.header:
            known = set(self.header)
        elif 2 * len(missing) < len(self.signature) or (len(missing) == 1 < len(self.signature)
                                                         and any(_named_alike(missing[0], c) for c in columns)):
            known = self.signature | set(self.required)
        else:
            return []
        shared = len(known & present)
        return missing if shared >= 1 and len(known) - shared <= max(1, len(known) // 4) else []

    def check_columns(self, source: SourceFile) -> None:
        missing = [c for c in self.required if c not in source.columns]
        if missing:
            raise BadInput(
                source.display_name,
                f"expected column(s) {', '.join(repr(c) for c in missing)} for a {self.name} file; "
                "was a column renamed or removed?",
                row=1,
            )

    def validate(self, source: SourceFile) -> None:
        """Every declared column, every row: a value outside what the format can hold stops the build."""
        if self.columns:
            validate(source.display_name, source.frame(), self.columns)


def _named_alike(wanted: str, column: str) -> bool:
    """A header that is a renamed `wanted`: one contains the other, or they differ in a letter or two."""
    a, b = wanted.lower().strip(), column.lower().strip()
    return a in b or b in a or difflib.SequenceMatcher(None, a, b).ratio() >= 0.85


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
            try:
                with zipfile.ZipFile(path) as archive:
                    members = archive.namelist()
            except _UNREADABLE as error:
                raise SourceFile(path, display)._unreadable(error) from None
            files.extend(SourceFile(path, f"{display}!{member}", member) for member in members
                         if member.lower().endswith(".csv") and not member.lower().endswith(".meta.csv"))
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
    if len(cells) < 500 or not pd.api.types.is_string_dtype(cells.dtype) or cells.dtype == object:
        return None  # a short column is quicker cell by cell
    text = cells.fillna("")
    if text.str.contains(r"[^\x20-\x7e]", regex=True).any():
        return None
    stripped = text.str.strip()
    is_blank = (stripped == "").to_numpy(dtype=bool)
    is_code = stripped.isin(list(GLOSSARY)).to_numpy(dtype=bool) & ~is_blank
    number = stripped.str.rstrip("%").str.strip()
    is_number = number.str.match(NUMBER.pattern).to_numpy(dtype=bool) & ~is_blank & ~is_code
    if not (is_blank | is_code | is_number).all():
        return None
    floats = pa_compute.cast(pa.array(number.str.replace(",", "", regex=False).where(is_number, None),
                                      type=pa.string()), pa.float64())
    values = floats.to_numpy(zero_copy_only=False).astype(object)
    values[~is_number] = None
    codes = stripped.to_numpy(dtype=object, na_value=None)
    codes[~is_code] = None
    codes[is_blank] = blank_code
    return values.tolist(), codes.tolist()


def parse_values(source: SourceFile, frame: pd.DataFrame, column: str,
                 blank_code: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Vectorised `parse_column` for large files: (values, codes) Series, each value exactly as the file
    gives it (rounding is for display, by the dictionary's decimals); the first bad cell is named by row."""
    text = frame[column].astype("string").str.strip().fillna("")
    is_marker = text.isin(list(GLOSSARY))
    is_blank = text == ""
    numbers = pd.to_numeric(text.str.rstrip("%").str.replace(",", "", regex=False), errors="coerce")
    bad = numbers.isna() & ~is_marker & ~is_blank
    if bad.any():
        first = frame.loc[bad].iloc[0]
        raise BadInput(source.display_name, f"'{first[column]}' is neither a number nor a published marker",
                       row=int(first["_row"]), column=column)
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
    return _insert_winners(con, results, "la_results", ("measure_id", "end_year", "area_code"), LA_RESULT_COLUMNS)


def insert_la_group_results(con: duckdb.DuckDBPyConnection, results: pd.DataFrame) -> tuple[int, str | None]:
    """`insert_la_results` for pupil-group figures (table la_group_results), under the same version rule. Where
    the figure kept has no cohort (LAIT publishes none) and this file gives the same value with its cohort, the
    cohort is filled in from this file: it counts the pupils of that very figure."""
    added, note = _insert_winners(con, results, "la_group_results",
                                  ("measure_id", "pupil_group", "end_year", "area_code"), LA_GROUP_RESULT_COLUMNS)
    con.register("incoming_cohorts", results[results["cohort"].notna()][
        ["measure_id", "pupil_group", "end_year", "area_code", "value", "cohort"]])
    try:
        con.execute(
            """
            UPDATE la_group_results g SET cohort = i.cohort
            FROM incoming_cohorts i
            WHERE g.cohort IS NULL AND g.measure_id = i.measure_id AND g.pupil_group = i.pupil_group
              AND g.end_year = i.end_year AND g.area_code = i.area_code AND abs(g.value - i.value) < 1e-9
            """
        )
    finally:
        con.unregister("incoming_cohorts")
    return added, note


# The tables and key columns `_insert_winners` writes: fixed names, never from input.
_WINNER_TABLES = {"la_results", "la_group_results"}


def _insert_winners(con: duckdb.DuckDBPyConnection, results: pd.DataFrame, table: str, keys: tuple[str, ...],
                    columns: list[str]) -> tuple[int, str | None]:
    """Insert into `table` the winner of each key among the incoming and stored rows (the version rule)."""
    if table not in _WINNER_TABLES:
        raise ValueError(f"not a results table: {table}")
    order = versions.winner_order_sql()
    key_list = ", ".join(keys)
    matched = " AND ".join(f"i.{k} = r.{k}" for k in keys)
    column_list = ", ".join(columns)
    con.register("incoming_results", results[columns])
    try:
        overlap, differing = con.execute(
            f"""
            SELECT count(*), count(*) FILTER (WHERE r.value IS DISTINCT FROM i.value)
            FROM incoming_results i JOIN {table} r USING ({key_list})
            """
        ).fetchall()[0]
        if not overlap and con.execute(f"SELECT count(*) FROM (SELECT DISTINCT {key_list} FROM incoming_results)"
                                       ).fetchall()[0][0] == len(results):
            # Nothing to choose between: every incoming row is its figure's winner. A plain INSERT adds the
            # same rows without the window over the table (a file with no overlap is most of a build's rows).
            con.execute(f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM incoming_results")
            return len(results), None
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE results_winners AS
            WITH candidates AS (
                SELECT {column_list}, true AS is_incoming FROM incoming_results
                UNION ALL
                SELECT {", ".join(f"r.{c}" for c in columns)}, false AS is_incoming FROM {table} r
                WHERE EXISTS (SELECT 1 FROM incoming_results i WHERE {matched})
            )
            SELECT *, count(*) FILTER (WHERE NOT is_incoming) OVER (PARTITION BY {key_list}) > 0 AS replaces
            FROM candidates
            QUALIFY row_number() OVER (PARTITION BY {key_list} ORDER BY {order}) = 1
            """
        )
        added, replaced = con.execute(
            "SELECT count(*) FILTER (WHERE is_incoming), count(*) FILTER (WHERE is_incoming AND replaces) "
            "FROM results_winners"
        ).fetchall()[0]
        con.execute(f"INSERT OR REPLACE INTO {table} ({column_list}) SELECT {column_list} FROM results_winners "
                    "WHERE is_incoming")
        con.execute("DROP TABLE results_winners")
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
LA_GROUP_RESULT_COLUMNS = ["measure_id", "pupil_group", "year_label", "end_year", "area_code", "value", "value_code",
                           "cohort", "version", "source_id", "source_row"]


def wide_la_results(source: SourceFile, frame: pd.DataFrame, measure_by_column: dict[str, object],
                    source_id: int) -> pd.DataFrame:
    """Long `la_results` rows from a wide file with one column per measure (EES and DfE dashboard
    layouts). `frame` already has year_label, end_year and area_code; each column maps to a measure
    id, or to a per-row Series of ids (e.g. primary/secondary from a phase column). Cells with neither
    a value nor a marker are dropped; values are stored as the file gives them."""
    pieces = []
    for column, measure_ids in measure_by_column.items():
        ids = pd.Series(measure_ids, index=frame.index)
        part = frame[["year_label", "end_year", "area_code", "_row"]].copy()
        part["measure_id"] = ids
        part["value"], part["value_code"] = parse_values(source, frame, column)
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
