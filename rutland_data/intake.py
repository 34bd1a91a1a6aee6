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
correctly grouped digits ('9,109', '1,234,567.5'); '96,50145773' or '46,5' is a decimal comma (or a
typo) and is refused, never read as thousands. Non-finite numbers ('1e999', 'inf') are refused, and a
marker is accepted only where the format publishes it (the scorecards' 'NaN' nowhere else).
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

from rutland_data.markers import NUMBER, PUBLISHED_MARKERS


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
            return f"{kind} from {self.low:g} to {self.high:g})"
        if self.low is not None:
            return f"{kind} of at least {self.low:g})"
        return f"{kind})"

    def column(self) -> pandera.Column:
        checks = [pandera.Check(np.isfinite, name="finite")]
        if self.low is not None:
            checks.append(pandera.Check.ge(self.low))
        if self.high is not None:
            checks.append(pandera.Check.le(self.high))
        if self.whole:
            checks.append(pandera.Check(lambda values: values % 1 == 0, name="whole number"))
        return pandera.Column(float, checks, nullable=True)


PERCENT = Number("a percentage", 0, 100, percent_sign=True)
RATE = Number("a rate", 0)
COUNT = Number("a count of pupils or people", 0, whole=True)
DECILE = Number("a decile", 1, 10, whole=True)
PROGRESS_BAND = Number("a published progress band", 1, 5, whole=True)
ANY_SCORE = Number("a score")


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
        return pandera.Column(str, pandera.Check.str_matches(f"(?:{self.pattern})$"), nullable=True)


LA_NUMBER = Code("a 3-digit DfE LA number", r"\d{3}")
URN = Code("a URN (5 or 6 digits)", r"\d{5,6}")
TIME_PERIOD = Code("an EES time period such as 201718 or 2018", r"\d{6}|\d{4}")
ENGLAND_CODE = Code("an ONS country code", r"E92000001")
REGION_CODE = Code("an ONS region code (E12... or E13...)", r"E1[23]\d{6}")
LA_GSS_CODE = Code("an ONS local authority code (E06-E10)", r"E(0[6-9]|10)\d{6}")
LSOA_CODE = Code("an ONS LSOA code (E01...)", r"E01\d{6}")
WARD_CODE = Code("an ONS ward code (E05...)", r"E05\d{6}")


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
        return pandera.Column("datetime64[ns]", pandera.Check.in_range(pd.Timestamp(self.earliest), latest),
                              nullable=True)


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
    `blank`: may a cell be empty. `markers`: published symbols the column may hold instead of a number."""

    name: str
    rule: Number | Code | Date | PerRow | Geometry
    blank: bool = True
    markers: frozenset[str] = PUBLISHED_MARKERS
    pattern: bool = False

    def headers(self, columns) -> list[str]:
        if not self.pattern:
            return [self.name] if self.name in columns else []
        regex = re.compile(self.name)
        return [c for c in columns if isinstance(c, str) and regex.fullmatch(c)]


# ---- score ranges -----------------------------------------------------------------------------------------------
# The possible range of each score measure, from how the score is built (not from what anyone has scored),
# so a swapped or mis-read column fails while every real school and LA passes.
SCORE_RANGES: dict[str, tuple[float, float]] = {
    "ks2_read_prog": (-40, 40),   # scaled scores run 80-120, so a pupil's progress lies within +-40
    "ks2_writ_prog": (-40, 40),   # writing teacher assessment is placed on the same scale
    "ks2_math_prog": (-40, 40),
    "ks2_read_ss": (80, 120),     # the scaled-score range
    "ks2_math_ss": (80, 120),
    "ks4_att8": (0, 90),          # ten slots (English and maths double) at grade 9 at most
    "ks4_att8_disadv": (0, 90),
    "ks4_p8": (-9, 9),            # (Attainment 8 - its estimate) / 10, both within 0-90
    "ks4_ebacc_aps": (0, 9),      # grade points 0-9
    "ks5_aps_alevel": (0, 60),    # points per A level entry, A* = 60
    "ks5_va_alevel": (-6, 6),     # grades per entry: A* against U is six grades
}


def measure_rule(measure) -> Number:
    """The rule for a measure's values, from the indicator dictionary's unit (and the score's range)."""
    if measure.unit == "%":
        return PERCENT
    if measure.unit == "rate":
        return RATE
    if measure.unit == "count":
        return COUNT
    low, high = SCORE_RANGES[measure.measure_id]
    return Number(f"a {measure.short_label} score", low, high)


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


def validate(file: str, frame: pd.DataFrame, columns: Sequence[Col]) -> None:
    """Refuse the first cell, by row, that breaks its column's declaration (`frame` holds every cell as
    text, as `SourceFile.frame` reads it, with the spreadsheet row number in `_row`)."""
    failures: list[_Failure] = []
    numbers: dict[tuple, list] = {}
    for order, col in enumerate(columns):
        for header in col.headers(frame.columns):
            if isinstance(col.rule, Number):
                numbers.setdefault((col.rule, col.markers, col.blank), []).append((order, header, None))
            elif isinstance(col.rule, PerRow):
                key = _text(frame[col.rule.key]) if col.rule.key in frame.columns else None
                for value, rule in ({} if key is None else col.rule.rules()).items():
                    rows = (key == value).to_numpy()
                    if rows.any():
                        numbers.setdefault((rule, col.markers, col.blank), []).append((order, header, rows))
            elif isinstance(col.rule, Code):
                failures.extend(_check_codes(frame, order, header, col))
            elif isinstance(col.rule, Date):
                failures.extend(_check_dates(frame, order, header, col))
            elif isinstance(col.rule, Geometry):
                failures.extend(_check_geometry(frame, order, header, col.rule))
    for (rule, markers, blank), cells in numbers.items():
        failures.extend(_check_numbers(frame, rule, markers, blank, cells))
    if failures:
        first = min(failures)
        raise BadInput(file, first.message, row=first.row, column=first.column)


def _text(cells: pd.Series) -> pd.Series:
    """Cells as stripped text, '' for empty (parquet nulls and NaN included)."""
    if pd.api.types.is_string_dtype(cells.dtype) or cells.dtype == object:
        text = cells.astype(object).where(cells.notna(), "").astype(str)
    else:  # a typed parquet column: repr keeps every digit the file holds
        text = pd.Series([("" if pd.isna(v) else repr(float(v))) for v in cells], index=cells.index, dtype=object)
    return text.str.strip()


def _found(text: str) -> str:
    return "an empty cell" if text == "" else repr(text if len(text) <= 40 else text[:37] + "...")


def _first_failures(frame: pd.DataFrame, order: int, header: str, bad: np.ndarray, text: np.ndarray,
                    expected: str) -> list[_Failure]:
    if not bad.any():
        return []
    position = int(np.flatnonzero(bad)[0])
    return [_Failure(int(frame["_row"].iloc[position]), order, header,
                     f"found {_found(text[position])}; expected {expected}")]


def _schema_failures(values: pd.DataFrame, schema: pandera.DataFrameSchema) -> np.ndarray:
    """Positions (in `values`) of the rows that fail `schema`, checked lazily so every failure is seen."""
    try:
        schema.validate(values, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        index = pd.to_numeric(errors.failure_cases["index"], errors="coerce").dropna().astype(int)
        return np.unique(index.to_numpy())
    return np.empty(0, dtype=int)


def _check_numbers(frame: pd.DataFrame, rule: Number, markers: frozenset[str], blank: bool,
                   cells: list[tuple[int, str, np.ndarray | None]]) -> list[_Failure]:
    """Every column sharing one rule, stacked into one array: classified (blank, marker, number or
    neither) with Arrow's vectorised string kernels, then the numbers checked by the rule's schema."""
    pieces, owners, positions = [], [], []
    for which, (_, header, rows) in enumerate(cells):
        text = _text(frame[header])
        where = np.arange(len(frame)) if rows is None else np.flatnonzero(rows)
        pieces.append(text.to_numpy(dtype=object)[where])
        owners.append(np.full(len(where), which))
        positions.append(where)
    text = np.concatenate(pieces) if pieces else np.empty(0, dtype=object)
    owner, position = np.concatenate(owners), np.concatenate(positions)
    arrow_text = pa.array(text, type=pa.string())
    is_blank = np.asarray(pc.equal(arrow_text, ""), dtype=bool)
    is_marker = np.asarray(pc.is_in(arrow_text, value_set=pa.array(sorted(markers), type=pa.string())), dtype=bool)
    number_text = pc.replace_substring_regex(arrow_text, r"\s*%$", "") if rule.percent_sign else arrow_text
    is_number = np.asarray(pc.match_substring_regex(number_text, NUMBER.pattern), dtype=bool) & ~is_blank
    values = pc.cast(pc.replace_substring(pc.if_else(pa.array(is_number), number_text, None), ",", ""), pa.float64())
    values = values.to_numpy(zero_copy_only=False)

    expected = rule.expected() + (" or a published marker" if markers else "")
    unreadable = ~(is_number | is_marker | (is_blank & blank))
    failing = np.zeros(len(text), dtype=bool)
    failing[_schema_failures(pd.DataFrame({"value": values}), pandera.DataFrameSchema({"value": rule.column()}))] = True
    failures = []
    for which, (order, header, _) in enumerate(cells):
        mine = owner == which
        for bad, wanted in ((unreadable & mine, expected), (failing & mine, rule.expected())):
            if bad.any():
                first = int(np.flatnonzero(bad)[0])
                failures.append(_Failure(int(frame["_row"].iloc[position[first]]), order, header,
                                         f"found {_found(text[first])}; expected {wanted}"))
    return failures


def _check_codes(frame: pd.DataFrame, order: int, header: str, col: Col) -> list[_Failure]:
    text = _text(frame[header])
    is_blank = (text == "").to_numpy()
    failing = np.zeros(len(text), dtype=bool)
    failing[_schema_failures(pd.DataFrame({"value": text.where(~is_blank, None).reset_index(drop=True)}),
                             pandera.DataFrameSchema({"value": col.rule.column()}))] = True
    if not col.blank:
        failing |= is_blank
    return _first_failures(frame, order, header, failing, text.to_numpy(dtype=object), col.rule.expected())


def _check_dates(frame: pd.DataFrame, order: int, header: str, col: Col) -> list[_Failure]:
    text = _text(frame[header])
    distinct = pd.Series(text.unique())
    parsed = pd.Series(pd.NaT, index=distinct.index, dtype="datetime64[ns]")
    for layout in col.rule.formats:
        missing = parsed.isna()
        parsed[missing] = pd.to_datetime(distinct[missing], format=layout, errors="coerce")
    by_text = dict(zip(distinct, parsed))
    dates = text.map(by_text).astype("datetime64[ns]").reset_index(drop=True)
    is_blank = (text == "").to_numpy()
    failing = (dates.isna().to_numpy() & ~is_blank) | (is_blank & (not col.blank))
    failing[_schema_failures(pd.DataFrame({"value": dates}), pandera.DataFrameSchema({"value": col.rule.column()}))] = True
    return _first_failures(frame, order, header, failing, text.to_numpy(dtype=object), col.rule.expected())


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
                        f"{ENGLAND_LAT[1]} (are longitude and latitude swapped, or is it in metres?)")]
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
