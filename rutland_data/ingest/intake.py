"""Validation at intake: every importer declares what each of its columns holds, and one validator
enforces the declaration on every row before anything reaches the database.

A declaration is a `Col`: a header (or a pattern of headers) and a rule. A `Number` says what the
column measures and its possible range (percentages 0-100, counts whole and non-negative, a score
within what the measure can take); a `Code` gives the published form of an identifier or the values
a category may take; a `Date` must be a date within plausible years; `Geometry` is a boundary
polygon in WGS84 longitude/latitude inside England. Each rule becomes a pandera schema, so the checks
are declarations, not loops; this module only parses the cells and turns the first failure (by row)
into a `BadInput` naming file, row and column with what was found and what was expected.

Numbers follow one rule everywhere (`markers.NUMBER`): a comma is a thousands separator only between
correctly grouped digits ('9,109', '19,612') and only in whole-number columns (counts, ranks, the
only place DfE and MHCLG write one); '96,50145773', '46,5' or '1,943' in a percentage, rate or score
is a decimal comma (or a typo) and is refused, never read as thousands. Non-finite numbers ('1e999',
'inf') are refused, every rule has both bounds (so '1e300' fails), and a marker is accepted only
where the format publishes it (the scorecards' 'NaN' nowhere else).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pandera.pandas as pandera
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from shapely.geometry import shape

from rutland_data.reference.markers import NUMBER, PUBLISHED_MARKERS


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


# ---- rules --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Number:
    """A numeric column: what it holds (for messages), its possible range, and whether it is whole."""

    what: str
    low: float | None = None
    high: float | None = None
    whole: bool = False
    percent_sign: bool = False  # may the cell carry a '%' sign (only percentages do)

    def expected(self) -> str:
        kind = f"{self.what} (a whole number" if self.whole else f"{self.what} (a number"
        if self.low is not None and self.high is not None:
            return f"{kind} from {_shown(self.low)} to {_shown(self.high)})"
        if self.low is not None:
            return f"{kind} of at least {_shown(self.low)})"
        return f"{kind})"

    def column(self) -> pandera.Column:
        """Within both bounds (which also refuses infinity; NaN is a blank or marker, checked before)."""
        if self.low is not None and self.high is not None:
            checks = [pandera.Check.in_range(self.low, self.high)]
        else:
            checks = [pandera.Check(np.isfinite, name="finite")]
            if self.low is not None:
                checks.append(pandera.Check.ge(self.low))
            if self.high is not None:
                checks.append(pandera.Check.le(self.high))
        if self.whole:
            checks.append(pandera.Check(lambda values: values % 1 == 0, name="whole number"))
        return pandera.Column(float, checks, nullable=True)


# Every rule has both bounds, so a huge value ('1e300') is refused wherever it lands.
def _shown(bound: float) -> str:
    return f"{int(bound):,}" if float(bound).is_integer() else f"{bound:g}"


PERCENT = Number("a percentage", 0, 100, percent_sign=True)
RATE = Number("a rate per 100 pupils", 0, 10_000)            # at most 100 events per pupil in a year
COUNT = Number("a count of pupils or people", 0, 100_000_000, whole=True)  # more than England's population
DECILE = Number("a decile", 1, 10, whole=True)
PROGRESS_BAND = Number("a published progress band", 1, 5, whole=True)
# IoD scores are rates (0-1), z-scores (about -4 to 4) or 0-100 scales.
IOD_SCORE = Number("an IoD score", -10, 100)


def rank(of: int) -> Number:
    return Number(f"a rank among {of:,}", 1, of, whole=True)


@dataclass(frozen=True)
class Code:
    """An identifier in its published form, or a category from a known list (`pattern` is a regex for
    the whole cell, without surrounding spaces)."""

    what: str
    pattern: str

    def expected(self) -> str:
        return self.what

    def column(self) -> pandera.Column:
        return pandera.Column(None, pandera.Check.str_matches(f"(?:{self.pattern})$"), nullable=True)


LA_NUMBER = Code("a 3-digit DfE LA number", r"\d{3}")
URN = Code("a URN (5 or 6 digits)", r"\d{5,6}")
TIME_PERIOD = Code("an EES time period such as 201718 or 2018", r"\d{6}|\d{4}")
COUNTRY_CODE = Code("the ONS code for England", r"E92000001")
REGION_CODE = Code("an ONS region code (E12... or E13...)", r"E1[23]\d{6}")
LA_GSS_CODE = Code("an ONS local authority code (E06-E10)", r"E(0[6-9]|10)\d{6}")
LAD_CODE = Code("an ONS local authority district code (E06-E09, or W06 in Wales)", r"[EW]0[6-9]\d{6}")
LSOA_CODE = Code("an ONS LSOA code (E01..., or W01... in Wales)", r"[EW]01\d{6}")
WARD_CODE = Code("an ONS ward code (E05..., or W05... in Wales)", r"[EW]05\d{6}")


@dataclass(frozen=True)
class Date:
    """A date in one of the layouts DfE writes, between 1800 and a few years from now (GIAS writes
    future opening dates for schools proposed to open; 01-01-1900 is its placeholder)."""

    formats: tuple[str, ...] = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d")
    earliest: date = date(1800, 1, 1)
    years_ahead: int = 5

    def expected(self) -> str:
        latest = date.today().year + self.years_ahead
        return f"a date (DD-MM-YYYY or YYYY-MM-DD) from {self.earliest.year} to {latest}"

    def column(self) -> pandera.Column:
        latest = pd.Timestamp(date.today().year + self.years_ahead, 12, 31)
        return pandera.Column(None, pandera.Check.in_range(pd.Timestamp(self.earliest), latest), nullable=True)


@dataclass(frozen=True)
class PerRow:
    """The rule depends on another column of the same row: LAIT's single `Values` column holds each
    measure in its own unit, EES destinations give counts on 'Number of pupils' rows and percentages on
    'Percentage' rows. Rows whose key is not listed are not loaded, so they are not checked."""

    key: str
    rules: Callable[[], Mapping[str, Number]]


# England's extent in WGS84 longitude/latitude, with a margin: Isles of Scilly to Lowestoft, Scilly to Berwick.
ENGLAND_LON = (-6.5, 2.0)
ENGLAND_LAT = (49.8, 55.9)
LABEL_POINT_TOLERANCE_DEGREES = 0.005  # about 500 m: ONS label points lie inside their area
OVERLAP_TOLERANCE = 0.01               # two areas of one boundary set may share 1% of the smaller's area


@dataclass(frozen=True)
class Geometry:
    """A boundary set: every feature a valid (shapely) polygon or multipolygon, WGS84 longitude/latitude,
    every coordinate inside England, any published label point (`lon`/`lat` properties) inside its own
    area, and no two areas overlapping. Swapped latitude/longitude, British National Grid metres, NaN
    coordinates, self-intersections and shifted polygons all fail one of these."""

    lon: str = "LONG"
    lat: str = "LAT"

    def expected(self) -> str:
        return "a valid polygon in WGS84 longitude/latitude inside England"


@dataclass(frozen=True)
class Col:
    """One declared column. `pattern`: `name` is a regular expression matched against whole headers.
    `blank`: may a cell be empty. `markers`: published symbols the column may hold instead of a value
    (None: every published marker for a number, none for a code or date)."""

    name: str
    rule: Number | Code | Date | PerRow | Geometry
    blank: bool = True
    markers: frozenset[str] | None = None
    pattern: bool = False

    @property
    def allowed_markers(self) -> frozenset[str]:
        if self.markers is not None:
            return self.markers
        return PUBLISHED_MARKERS if isinstance(self.rule, (Number, PerRow)) else frozenset()

    def headers(self, columns) -> list[str]:
        if not self.pattern:
            return [self.name] if self.name in columns else []
        regex = re.compile(self.name)
        return [c for c in columns if isinstance(c, str) and regex.fullmatch(c)]


def measure_rule(measure) -> Number:
    """The rule for a measure's values, from the indicator dictionary's unit (and a score's possible range)."""
    if measure.unit == "%":
        return PERCENT
    if measure.unit == "rate":
        return RATE
    if measure.unit == "count":
        return COUNT
    return Number(f"a {measure.short_label} score", measure.possible_range.low, measure.possible_range.high)


def interval_rule(rule: Number) -> Number:
    """A published confidence limit lies within the measure's own possible range."""
    return Number(f"a confidence limit of {rule.what}", rule.low, rule.high, percent_sign=rule.percent_sign)


# ---- the validator ---------------------------------------------------------------------------------------------
@dataclass(order=True)
class _Failure:
    row: int
    order: int
    column: str
    message: str


@dataclass
class _Stack:
    """The cells of every column sharing one rule, end to end, so one vectorised pass and one schema
    column check them all: their text, and for each cell its column's declaration order, its header
    and its position in the frame."""

    text: pa.Array
    order: np.ndarray
    headers: list[str]
    column: np.ndarray  # index into `headers`
    position: np.ndarray


def validate(file: str, frame: pd.DataFrame, columns: Sequence[Col]) -> None:
    """Refuse the first cell, by row, that breaks its column's declaration (`frame` holds every cell as
    text, as `SourceFile.frame` reads it, with the spreadsheet row number in `_row`)."""
    failures = _failures(frame, columns, every=False)
    if failures:
        first = min(failures)
        raise BadInput(file, first.message, row=first.row, column=first.column)


def every_failure(frame: pd.DataFrame, columns: Sequence[Col]) -> list[tuple[int, str, str]]:
    """Every cell that breaks its column's declaration, as (row, column, message) in row order: for a file
    refused with all its problems listed at once (the officers' local returns) rather than the first one."""
    return [(f.row, f.column, f.message) for f in sorted(_failures(frame, columns, every=True))]


def _failures(frame: pd.DataFrame, columns: Sequence[Col], every: bool) -> list[_Failure]:
    """The failing cells: the first of each rule's (by row), or with `every` all of them.

    Cells that cannot be read as the rule's type (text where a number belongs, a marker the format does
    not publish, a blank where one is not allowed) are found while parsing; the parsed values of every
    rule are then checked by one pandera schema, one column per rule."""
    texts: dict[str, pa.Array] = {}

    def text_of(header: str) -> pa.Array:
        if header not in texts:
            texts[header] = _text(frame[header])
        return texts[header]

    groups: dict[tuple, list[tuple[int, str, np.ndarray | None]]] = {}
    failures: list[_Failure] = []
    for order, col in enumerate(columns):
        for header in col.headers(frame.columns):
            if isinstance(col.rule, Geometry):
                failures.extend(_check_geometry(frame, order, header, col.rule))
            elif isinstance(col.rule, PerRow):
                for rule, rows in _rows_by_rule(col.rule, text_of):
                    groups.setdefault((rule, col.allowed_markers, col.blank), []).append((order, header, rows))
            else:
                groups.setdefault((col.rule, col.allowed_markers, col.blank), []).append((order, header, None))

    values, schema, unreadable, stacks = {}, {}, {}, {}
    for number, ((rule, markers, blank), cells) in enumerate(groups.items()):
        stack = _stack(cells, text_of, frame)
        name = f"rule {number}"
        parse = _parse_numbers if isinstance(rule, Number) else _parse_codes if isinstance(rule, Code) else _parse_dates
        values[name], unreadable[name] = parse(stack.text, rule, markers, blank)
        schema[name], stacks[name] = rule.column(), (stack, rule, markers)
    failing = _schema_failures(_padded(values), pandera.DataFrameSchema(schema)) if schema else {}
    rows = frame["_row"].to_numpy()
    for name, (stack, rule, markers) in stacks.items():
        out_of_rule = np.zeros(len(stack.text), dtype=bool)
        out_of_rule[failing.get(name, [])] = True
        for bad, expected in ((unreadable[name], rule.expected() + (" or a published marker" if markers else "")),
                              (out_of_rule, rule.expected())):
            if bad.any():
                candidates = np.flatnonzero(bad)
                ordered = candidates[np.lexsort((stack.order[candidates], rows[stack.position[candidates]]))]
                for cell in ordered if every else ordered[:1]:
                    failures.append(_Failure(int(rows[stack.position[cell]]), int(stack.order[cell]),
                                             stack.headers[stack.column[cell]],
                                             f"found {_found(stack.text[int(cell)].as_py())}; expected {expected}"))
    return failures


def _text(cells: pd.Series) -> pa.Array:
    """Cells as stripped text, '' for empty (parquet nulls and NaN included), as an Arrow array: the
    string kernels run over a whole national file in milliseconds. A typed parquet column is written
    as Arrow writes numbers (shortest round-trip form)."""
    array = pa.array(cells, from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if not pa.types.is_string(array.type):  # numbers from parquet, and pandas' large strings
        array = pc.cast(array, pa.string())
    return pc.fill_null(pc.utf8_trim_whitespace(array), "")


def _rows_by_rule(rule: PerRow, text_of) -> list[tuple[Number, np.ndarray]]:
    """(rule, rows it applies to) for a `PerRow` declaration; rows with an unlisted key are left out."""
    rule_of_key = rule.rules()
    distinct = list(dict.fromkeys(rule_of_key.values()))
    keys = list(rule_of_key)
    position = pc.index_in(text_of(rule.key), value_set=pa.array(keys, type=pa.string()))
    rule_number = np.array([distinct.index(rule_of_key[k]) for k in keys] + [-1])
    which = rule_number[pc.fill_null(position, len(keys)).to_numpy(zero_copy_only=False)]
    return [(r, which == n) for n, r in enumerate(distinct) if (which == n).any()]


def _stack(cells: list[tuple[int, str, np.ndarray | None]], text_of, frame: pd.DataFrame) -> _Stack:
    """The cells end to end; a `PerRow` subset is read as text on its own rows only (LAIT loads a tenth)."""
    pieces, positions = [], []
    for _, header, rows in cells:
        where = np.arange(len(frame)) if rows is None else np.flatnonzero(rows)
        pieces.append(text_of(header) if rows is None else _text(frame[header].iloc[where]))
        positions.append(where)
    column = np.repeat(np.arange(len(cells)), [len(p) for p in positions])
    return _Stack(pa.concat_arrays(pieces), np.array([order for order, _, _ in cells])[column],
                  [header for _, header, _ in cells], column, np.concatenate(positions))


def _padded(values: dict[str, np.ndarray | pa.Array]) -> pd.DataFrame:
    """One frame of the stacked values, shorter stacks padded with missing values (which no check sees)."""
    length = max(len(v) for v in values.values())
    columns = {}
    for name, column in values.items():
        missing = length - len(column)
        if isinstance(column, pa.Array):  # codes: Arrow strings, padded with nulls
            columns[name] = pd.Series(pd.arrays.ArrowStringArray(
                pa.concat_arrays([column, pa.nulls(missing, pa.string())]) if missing else column))
        else:  # numbers (float) and dates (datetime64), padded with NaN / NaT
            columns[name] = np.concatenate([column, np.full(missing, np.nan if column.dtype.kind == "f" else
                                                            np.datetime64("NaT"), dtype=column.dtype)])
    return pd.DataFrame(columns)


def _found(text: str) -> str:
    return "an empty cell" if text == "" else repr(text if len(text) <= 40 else text[:37] + "...")


def _schema_failures(values: pd.DataFrame, schema: pandera.DataFrameSchema) -> dict[str, np.ndarray]:
    """{column: positions failing its checks}, checked lazily so every failure is seen."""
    try:
        schema.validate(values, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        cases = cases[pd.to_numeric(cases["index"], errors="coerce").notna()]
        return {column: np.unique(group["index"].astype(int).to_numpy()) for column, group in cases.groupby("column")}
    return {}


def _parse_numbers(text: pa.Array, rule: Number, markers: frozenset[str], blank: bool) -> tuple[np.ndarray, np.ndarray]:
    """(values, unreadable): numbers by `markers.NUMBER` (a '%' sign only where the rule allows one), NaN
    for blanks and markers; unreadable marks cells that are none of number, allowed marker, allowed blank."""
    is_blank = _booleans(pc.equal(text, ""))
    is_marker = _booleans(pc.is_in(text, value_set=pa.array(sorted(markers), type=pa.string())))
    number_text = pc.utf8_rtrim_whitespace(pc.utf8_rtrim(text, characters="%")) if rule.percent_sign else text
    is_number = _booleans(pc.match_substring_regex(number_text, NUMBER.pattern)) & ~is_blank
    if not rule.whole:  # a comma in a fraction-bearing column is a decimal comma, not thousands
        is_number &= ~_booleans(pc.match_substring(number_text, ","))
    values = pc.cast(pc.replace_substring(pc.if_else(pa.array(is_number), number_text, None), ",", ""), pa.float64())
    return values.to_numpy(zero_copy_only=False), ~(is_number | is_marker | (is_blank & blank))


def _booleans(array: pa.Array) -> np.ndarray:
    return array.to_numpy(zero_copy_only=False)


def _parse_codes(text: pa.Array, rule: Code, markers: frozenset[str], blank: bool) -> tuple[pa.Array, np.ndarray]:
    """(codes to check, unreadable): blanks and allowed markers are not checked; a blank where none is
    allowed is unreadable."""
    is_blank = _booleans(pc.equal(text, ""))
    is_marker = _booleans(pc.is_in(text, value_set=pa.array(sorted(markers), type=pa.string())))
    return pc.if_else(pa.array(~is_blank & ~is_marker), text, None), is_blank & (not blank)


def _parse_dates(text: pa.Array, rule: Date, markers: frozenset[str], blank: bool) -> tuple[np.ndarray, np.ndarray]:
    """(dates, unreadable): each distinct text parsed once, in the rule's layouts; an allowed marker (Ofsted's
    NULL) is not a date and not unreadable."""
    cells = text.to_pandas()
    distinct = pd.Series(cells.unique())
    parsed = pd.Series(pd.NaT, index=distinct.index, dtype="datetime64[ns]")
    for layout in rule.formats:
        missing = parsed.isna()
        parsed[missing] = pd.to_datetime(distinct[missing], format=layout, errors="coerce")
    dates = cells.map(dict(zip(distinct, parsed))).astype("datetime64[ns]")
    is_blank = (cells == "").to_numpy()
    is_marker = cells.isin(markers).to_numpy()
    return dates.to_numpy(), (dates.isna().to_numpy() & ~is_blank & ~is_marker) | (is_blank & (not blank))


def _check_geometry(frame: pd.DataFrame, order: int, header: str, rule: Geometry) -> list[_Failure]:
    """Boundary polygons, vectorised with shapely: readable, finite, valid, inside England, label point
    inside, and not overlapping another area of the same file."""
    rows = frame["_row"].to_numpy()

    def failure(position: int, message: str) -> _Failure:
        return _Failure(int(rows[position]), order, header, message)

    crs = frame.attrs.get("crs", "")
    if crs and not crs.endswith(("CRS84", "EPSG::4326", "EPSG:4326")):
        return [failure(0, f"found coordinate system {crs}; expected WGS84 longitude/latitude (CRS84 or "
                           "EPSG:4326), e.g. the GeoJSON download of the ONS Open Geography Portal")]
    geometries = []
    for position, geometry in enumerate(frame[header]):
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind not in ("Polygon", "MultiPolygon"):
            return [failure(position, f"found {'no geometry' if kind is None else repr(kind)}; "
                                      "expected a Polygon or MultiPolygon")]
        try:
            with np.errstate(invalid="ignore"):  # NaN coordinates are reported below, by feature
                geometries.append(shape(geometry))
        except (ValueError, TypeError, IndexError, AttributeError, shapely.errors.ShapelyError) as error:
            return [failure(position, f"found unreadable coordinates ({error}); expected {rule.expected()}")]
    geometries = np.array(geometries, dtype=object)
    coordinates, owner = shapely.get_coordinates(geometries, return_index=True)
    not_finite = ~np.isfinite(coordinates).all(axis=1)
    if not_finite.any():
        return [failure(int(owner[not_finite][0]), "found a coordinate that is not a finite number (NaN or "
                                                   f"infinity); expected {rule.expected()}")]
    outside = ((coordinates[:, 0] < ENGLAND_LON[0]) | (coordinates[:, 0] > ENGLAND_LON[1])
               | (coordinates[:, 1] < ENGLAND_LAT[0]) | (coordinates[:, 1] > ENGLAND_LAT[1]))
    if outside.any():
        lon, lat = coordinates[outside][0]
        return [failure(int(owner[outside][0]), f"found the point ({lon:g}, {lat:g}) outside England; expected "
                        f"longitude {ENGLAND_LON[0]} to {ENGLAND_LON[1]} and latitude {ENGLAND_LAT[0]} to "
                        f"{ENGLAND_LAT[1]} (are longitude and latitude swapped, or is it in British National Grid metres?)")]
    invalid = ~shapely.is_valid(geometries)
    if invalid.any():
        position = int(np.flatnonzero(invalid)[0])
        return [failure(position, f"found an invalid polygon ({shapely.is_valid_reason(geometries[position])}); "
                                  f"expected {rule.expected()}")]
    failures = []
    if rule.lon in frame.columns and rule.lat in frame.columns:
        lon = pd.to_numeric(frame[rule.lon], errors="coerce").to_numpy(dtype=float)
        lat = pd.to_numeric(frame[rule.lat], errors="coerce").to_numpy(dtype=float)
        given = ~(np.isnan(lon) & np.isnan(lat))
        distance = shapely.distance(geometries, shapely.points(np.nan_to_num(lon), np.nan_to_num(lat)))
        astray = given & ~(distance <= LABEL_POINT_TOLERANCE_DEGREES)
        if astray.any():
            position = int(np.flatnonzero(astray)[0])
            failures.append(failure(position, f"found the label point ({lon[position]:g}, {lat[position]:g}) "
                                              f"{distance[position]:.3f} degrees outside the area's own polygon; "
                                              "expected it inside (was the polygon shifted?)"))
    tree = shapely.STRtree(geometries)
    first, second = tree.query(geometries, predicate="overlaps")
    pairs = first < second
    if pairs.any():
        first, second = first[pairs], second[pairs]
        shared = shapely.area(shapely.intersection(geometries[first], geometries[second]))
        smaller = np.minimum(shapely.area(geometries[first]), shapely.area(geometries[second]))
        overlapping = shared > OVERLAP_TOLERANCE * smaller
        if overlapping.any():
            a, b = int(first[overlapping][0]), int(second[overlapping][0])
            failures.append(failure(b, f"found this area overlapping the area in row {rows[a]} "
                                       f"({shared[overlapping][0] / smaller[overlapping][0]:.0%} of the smaller); "
                                       "expected the areas of one boundary file not to overlap"))
    return failures
