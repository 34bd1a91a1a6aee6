"""Mutation testing of intake: corrupt copies of the real files, each built in a folder of its own.

For every base (a small extract of a real file in ../shared/data; at least one per importer, a few made
from a real file by renaming its header where no real file has that layout, and hand-made files for the two
formats no file in ../shared has at all: Ofsted report cards, ONS postcode lookups) the fuzz writes the clean
file and mutations of it: values out of range, decimal commas, non-finite and huge numbers, fractional
counts, truncation mid-row, ragged rows, swapped and renamed headers, re-encodings (UTF-16, Latin-1,
binary), BOMs, duplicated rows, corrupt gzip, zip and parquet, and GeoJSON faults (NaN coordinates,
swapped latitude/longitude, shifted and self-intersecting polygons, a `features` that is not a list).
Each is built with `build.build_from` and classified:

- refused: a `BadInput` naming the file (and the row and column, for a mutation of one cell), with the
  database file byte-for-byte as it was;
- identical: built, with the same data as the clean file (the content digest without the file's own
  name and checksum), for mutations that change nothing a reader would see (a BOM, CRLF line ends);
- accepted: built with different data: a corrupt file got through;
- crash: any other exception.

Each mutation says what it must give (refused, identical, or either of the two); anything else,
accepted and crash always, is a failure. `cases(root)` lists every mutation, `sample` draws a spread
for CI, `run` runs them; `python -m bench fuzz` runs them all (`report_lines`). Only the scratch folder
given is written to.
"""
from __future__ import annotations

import csv
import dataclasses
import gzip
import hashlib
import io
import json
import random
import re
import shutil
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from shapely.geometry import shape

from rutland_data import settings
from rutland_data.ingest import build, formats
from rutland_data.store import db
from rutland_data.ingest.importers import BadInput, Importer, SourceFile
from rutland_data.ingest.intake import Code, Date, Number, PerRow
from rutland_data.reference.markers import NUMBER

# The data a reader sees: everything but the file's own name and checksum (a re-encoded copy differs there).
DATA_ONLY = frozenset({("sources", "file_name"), ("sources", "sha256")})
REFUSED, IDENTICAL, EITHER = "refused", "identical", "either"
SEED = 20261201


@dataclass(frozen=True)
class Base:
    """A clean file to mutate: `source` under the shared data folder ('archive.zip!member' for a zip
    member), written as `target` in each case's folder (a year folder where the format takes its year
    from the path), cut to its first `rows` data rows or to rows where `where` holds, its header
    renamed by `renames` to make a layout no real file has."""

    source: str
    target: str
    rows: int | None = None
    where: tuple[str, str] | None = None
    renames: tuple[tuple[str, str], ...] = ()
    keep: tuple[str, ...] = ()
    text: str | None = None   # a hand-made file, for a format no real file in ../shared has (`source` names it)

    @property
    def kind(self) -> str:
        return SourceFile(Path(self.target), self.target).kind


DFE = "dfe/"
CSP = "dfe/compare_school_performance/"
EES = "dfe/explore_education_statistics/"
BASES = [
    Base(DFE + "lait/extract_rutland_bds_long_0.parquet", "lait/bds_long_extract.parquet", rows=4000,
         where=("LA and Regions", "Rutland")),
    Base(DFE + "lait/extract_rutland_bds_long_0.parquet", "lait/bds_long_extract.csv", rows=1500,
         where=("LA and Regions", "Rutland")),
    Base(DFE + "statistical_neighbours/New_Statistical_Neighbour_Groupings_April_2021.csv", "sn/sn_2021.csv"),
    Base(DFE + "statistical_neighbours/sn_model_2025_wide.csv", "sn/sn_2025.csv", rows=60),
    Base(DFE + "ees_la_level/eyfsp_2012-13_to_2017-18/extract_rutland_EYFSP_APS_GLD_ELG_underlying_data_2013_2018.csv",
         "ees/eyfsp.csv", rows=200),
    Base(DFE + "ees_la_level/absence_by_term_2012-13_to_2016-17/extract_rutland_absence_by_term.csv",
         "ees/absence_by_term.csv", rows=200),
    Base(DFE + "ees_la_level/ks4_la_characteristics_2018-19/"
         "extract_rutland_201819_LA_characteristics_data_including_sen_description.csv", "ees/ks4_la_char.csv", rows=150),
    Base(DFE + "ees_la_level/ehc_plans_sen2_2014_to_2022/extract_rutland_sen2_mi.csv", "ees/sen2_mi.csv", rows=60),
    Base(EES + "attendance_year_to_date/extract_rutland_EES_ytd_data_202526.csv", "ees/ytd.csv", rows=150),
    Base(EES + "admissions_applications_offers/extract_rutland_appsandoffers_2021.csv", "ees/apps.csv", rows=200),
    Base(EES + "ks4_destinations_national/ks4_dm_ud_202122_nat_prov.csv.gz", "ees/ks4_dm_nat.csv",
         where=("institution_type", "Total")),
    Base(EES + "neet_participation_16_17/extract_rutland_UD_NEETNK_LA_dashboard_final_2025.csv", "ees/neet.csv"),
    Base(EES + "neet_participation_16_17/extract_rutland_UD_NEETNK_LA_dashboard_2021_vg_removed.csv",
         "ees/neet_2021.csv"),
    Base(EES + "school_places_scorecards/extract_rutland_scorecard_data_2025_2023.csv", "ees/scorecard.csv",
         rows=80),
    Base(CSP + "la_downloads_statistical_neighbours/north_yorkshire_815/815_spine.csv", "csp/815_spine.csv",
         rows=60),
    Base(CSP + "2018-2019_england/la_and_region_codes_meta.csv", "csp/la_and_region_codes_meta.csv"),
    Base("dfe/school_level_cutdown_2018-2019_waiky8/extract_rutland_england_ks2final.csv",
         "2018-2019/england_ks2final.csv"),
    Base(CSP + "la_downloads_statistical_neighbours/hampshire_850/2017-2018_850_ks2final.csv",
         "csp/2017-2018_850_ks2final.csv", rows=30),
    Base(CSP + "2018-2019_england/extract_rutland_england_ks4provisional.csv", "2018-2019/england_ks4provisional.csv"),
    Base("dfe/school_level_cutdown_2018-2019_waiky8/extract_rutland_england_ks4final.csv",
         "2018-2019/england_ks4final.csv"),
    Base(CSP + "la_downloads_statistical_neighbours/hampshire_850/2016-2017_850_ks4final.csv",
         "csp/2016-2017_850_ks4final.csv", rows=25),
    Base(CSP + "2016-2017_england/extract_rutland_england_ks5final_2017.csv", "2016-2017/england_ks5final.csv"),
    Base("dfe/school_level_cutdown_2018-2019_waiky8/extract_rutland_england_ks5final.csv",
         "2018-2019/england_ks5final_cutdown.csv"),
    Base(CSP + "2018-2019_england/extract_rutland_england_census.csv", "2018-2019/england_census.csv"),
    Base(CSP + "2020-2021_england/extract_rutland_england_census.csv", "2020-2021/england_census.csv"),
    Base(CSP + "2018-2019_england/extract_rutland_england_abs.csv", "2018-2019/england_abs.csv"),
    Base(CSP + "2018-2019_england/extract_rutland_england_ks4-pupdest.csv", "2018-2019/england_ks4-pupdest.csv"),
    Base(CSP + "2020-2021_england/extract_rutland_england_ks5-studest.csv", "2020-2021/england_ks5-studest.csv"),
    Base(CSP + "2020-2021_england/extract_rutland_england_ks5-studest-he.csv",
         "2020-2021/england_ks5-studest-he.csv"),
    Base("dfe/gias_format_samples/example_schools_data.csv", "gias/example_schools_data.csv"),
    Base("dfe/gias_format_samples/extract_hampshire_20220420_gias.csv", "gias/hampshire_gias.csv", rows=60),
    Base(DFE + "gias/extract_rutland_group_links.csv", "gias/group_links.csv"),
    Base(DFE + "gias/extract_rutland_links_edubasealldata20250422.csv", "gias/links.csv"),
    Base("geo/rutland_lsoa11_to_ward17_ons.csv", "geo/lsoa11_ward17.csv"),
    Base("geo/rutland_lsoa11_to_ward19_ons.csv", "geo/lsoa11_ward19.csv"),
    Base("geo/rutland_lsoa21_to_ward24_geographr.csv", "geo/lsoa21_ward24_geographr.csv"),
    Base("geo/rutland_lsoa21_to_ward24_geographr.csv", "geo/lsoa21_ward24_ons.csv",
         renames=(("lsoa21_code", "LSOA21CD"), ("ward24_code", "WD24CD"), ("ltla24_code", "LAD24CD"))),
    Base("geo/rutland_lsoa11_to_lsoa21_geographr.csv", "geo/lsoa11_lsoa21_geographr.csv"),
    Base("geo/rutland_lsoa11_to_lsoa21_geographr.csv", "geo/lsoa11_lsoa21_ons.csv",
         renames=(("lsoa11_code", "LSOA11CD"), ("lsoa21_code", "LSOA21CD"), ("change_code", "CHGIND"))),
    Base("geo/rutland_census2021_population_lsoa21_age6.csv", "geo/population.csv"),
    Base("geo/rutland_lsoa_2011.geojson", "geo/lsoa_2011.geojson"),
    Base("geo/rutland_lsoa_2021.geojson", "geo/lsoa_2021.geojson"),
    Base("geo/rutland_wards_2011_WD13.geojson", "geo/wards_wd13.geojson"),
    Base("geo/rutland_wards_current_WD25.geojson", "geo/wards_wd25.geojson"),
    Base("geo/rutland_iod2015_imd_humaniverse.csv", "iod/iod2015_humaniverse.csv"),
    Base("geo/rutland_iod2019_file1_imd.csv", "iod/iod2019_file1.csv"),
    Base("geo/rutland_iod2019_file2_domains.csv", "iod/iod2019_file2.csv"),
    Base("geo/rutland_iod2019_file6_population_denominators.csv", "iod/iod2019_file6.csv"),
    Base("geo/rutland_iod2025_all_scores_ranks_deciles.csv", "iod/iod2025_all.csv"),
    Base("geo/england/iod2025_imd_domains_lsoa21_england_humaniverse.csv.gz", "iod/iod2025_humaniverse.csv", rows=60),
    Base("geo/rutland_iod2019_file1_imd.csv", "iod/iod2019_file1_where.csv",
         renames=(("Index of Multiple Deprivation (IMD) Rank",
                   "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)"),)),
    Base("geo/rutland_iod2025_all_scores_ranks_deciles.csv", "iod/iod_file5_scores.csv",
         renames=(("LSOA code", "LSOA code (2011)"), ("Local Authority District code", "Local Authority District code (2019)"),
                  ("Index of Multiple Deprivation Score", "Index of Multiple Deprivation (IMD) Score"),
                  ("Income Score", "Income Score (rate)")),
         keep=("LSOA code (2011)", "Local Authority District code (2019)", "Index of Multiple Deprivation (IMD) Score",
               "Income Score (rate)")),
    Base("geo/rutland_iod2019_file1_imd.csv", "iod/iod2025_file1.csv",
         renames=(("LSOA code (2011)", "LSOA code (2021)"),
                  ("Local Authority District code (2019)", "Local Authority District code (2024)"))),
    Base(EES + "ks4_information_about_schools_2023-24/extract_rutland_202324_information_about_schools_final.csv",
         "ees/ks4_information_about_schools.csv"),
    # Ofsted's graded layout from GIAS's own copy of each school's latest Ofsted rating and inspection date
    Base("dfe/gias_format_samples/extract_hampshire_20220420_gias.csv", "ofsted/graded.csv", rows=80,
         renames=(("OfstedRating (name)", "Overall effectiveness"), ("OfstedLastInsp", "Inspection start date")),
         keep=("URN", "Inspection start date", "Overall effectiveness")),
    # No report-card MI file or ONS postcode lookup is in ../shared: hand-made files in their layouts
    Base("hand-made: Ofsted report cards", "ofsted/report_cards.csv", text=(
        "URN,Inspection start date,Publication date,Inclusion,Curriculum and teaching,Achievement,Safeguarding\n"
        "136629,2026-01-20,2026-02-27,Expected standard,Strong standard,Needs attention,Met\n"
        "136530,2026-02-03,2026-03-10,Strong standard,Expected standard,Expected standard,Met\n")),
    Base("hand-made: ONS postcode lookup", "geo/postcodes.csv", text=(
        "pcds,osward,lsoa11,lsoa21\n"
        "LE15 6RP,E05012643,E01013794,E01013794\n"
        "LE15 9TJ,E05012645,E01013787,E01013787\n")),
]


# ---- reading and writing the clean files ------------------------------------------------------------------------
@dataclass
class Clean:
    """A base as written for its clean build, and what the mutations need to know about it."""

    base: Base
    importer: Importer
    content: bytes
    header: list[str] = field(default_factory=list)   # CSV
    rows: list[list[str]] = field(default_factory=list)
    frame: pd.DataFrame | None = None                   # parquet
    document: dict | None = None                        # GeoJSON
    digest: str = ""

    @property
    def name(self) -> str:
        return self.base.target


def _source_bytes(root: Path, source: str) -> bytes:
    path, _, member = source.partition("!")
    if member:
        with zipfile.ZipFile(root / path) as archive:
            return archive.read(member)
    data = (root / path).read_bytes()
    return gzip.decompress(data) if path.endswith(".gz") else data


def _csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _parquet_bytes(frame: pd.DataFrame, schema: pa.Schema | None = None) -> bytes:
    out = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, schema=schema, preserve_index=False), out)
    return out.getvalue()


def _read_clean(root: Path, base: Base) -> Clean:
    source_kind = SourceFile(Path(base.source.partition("!")[0]), base.source).kind
    if source_kind == "parquet":
        frame = pd.read_parquet(root / base.source)
        if base.where:
            frame = frame[frame[base.where[0]] == base.where[1]]
        frame = frame.head(base.rows) if base.rows else frame
        frame = frame.reset_index(drop=True)
        if base.kind == "csv":
            text = frame.astype(object).where(frame.notna(), "").astype(str)
            text["LA Number"] = frame["LA Number"].map(lambda v: f"{v:g}")
            clean = Clean(base, _importer_for(list(text.columns)), b"", list(text.columns), text.values.tolist())
            clean.content = _csv_bytes(clean.header, clean.rows)
            return clean
        return Clean(base, _importer_for(list(frame.columns)), _parquet_bytes(frame), frame=frame)
    data = base.text.encode("utf-8") if base.text is not None else _source_bytes(root, base.source)
    if source_kind == "geojson":
        document = json.loads(data)
        return Clean(base, _importer_for(list(document["features"][0]["properties"])), json.dumps(document).encode(),
                     document=document)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    lines = [line for line in csv.reader(io.StringIO(text.lstrip("\r\n"))) if line]
    header, rows = [h.strip() for h in lines[0]], lines[1:]
    if base.where:
        at = header.index(base.where[0])
        rows = [r for r in rows if len(r) > at and r[at] == base.where[1]]
    rows = rows[: base.rows] if base.rows else rows
    renames = dict(base.renames)
    header = [renames.get(h, h) for h in header]
    if base.keep:
        picked = [header.index(k) for k in base.keep]
        header, rows = [header[i] for i in picked], [[r[i] for i in picked] for r in rows]
    return Clean(base, _importer_for(header), _csv_bytes(header, rows), header, rows)


def _importer_for(columns: list[str]) -> Importer:
    """The importer the build picks for a header (the same ordering as `build.plan`)."""
    return next(i for i in sorted(formats.all_importers(), key=lambda i: i.priority) if i.recognises(columns))


# ---- cells the mutations aim at ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    row: int      # index into Clean.rows
    column: int   # index into Clean.header
    rule: object
    markers: frozenset[str]


def _declared_cells(clean: Clean) -> list[Cell]:
    """Every cell of a declared column the loader reads, with its rule (a `PerRow` resolved per row)."""
    cells = []
    for col in clean.importer.columns:
        for header in col.headers(clean.header):
            at = clean.header.index(header)
            if isinstance(col.rule, PerRow):
                rules, key = col.rule.rules(), clean.header.index(col.rule.key)
                cells.extend(Cell(i, at, rules[r[key].strip()], col.allowed_markers) for i, r in enumerate(clean.rows)
                             if len(r) > max(at, key) and r[key].strip() in rules)
            else:
                cells.extend(Cell(i, at, col.rule, col.allowed_markers) for i, r in enumerate(clean.rows) if len(r) > at)
    return cells


def _number(text: str) -> float | None:
    text = text.strip().rstrip("%").strip()
    return float(text.replace(",", "")) if NUMBER.match(text) else None


def _numeric_cells(clean: Clean) -> list[Cell]:
    return [c for c in _declared_cells(clean) if isinstance(c.rule, Number)
            and _number(clean.rows[c.row][c.column]) is not None]


def _satisfies(rule, markers: frozenset[str], text: str) -> bool:
    """Whether a cell would pass `rule`: used only to pick header swaps the data must expose."""
    text = text.strip()
    if text == "" or text in markers:
        return True
    if isinstance(rule, Number):
        value = _number(text)
        if value is None or (text.endswith("%") and not rule.percent_sign):
            return False
        return ((rule.low is None or value >= rule.low) and (rule.high is None or value <= rule.high)
                and (not rule.whole or value % 1 == 0))
    if isinstance(rule, Code):
        return re.fullmatch(rule.pattern, text) is not None
    return True


# ---- the mutations -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    base: str
    kind: str
    detail: str
    expect: str
    target: str
    content: bytes
    row: bool = False      # must a refusal name the row
    column: bool = False   # and the column


def _with_cell(clean: Clean, cell: Cell, text: str) -> bytes:
    rows = [list(r) for r in clean.rows]
    rows[cell.row][cell.column] = text
    return _csv_bytes(clean.header, rows)


def _format(value: float, whole: bool) -> str:
    return str(int(value)) if whole else f"{value:g}"


def _csv_cases(clean: Clean, rng: random.Random) -> Iterator[Case]:
    name, text = clean.name, clean.content.decode("utf-8")
    numeric = _numeric_cells(clean)
    layout = clean.importer.layout

    def case(kind, detail, expect, content, row=False, column=False, target=None):
        return Case(name, kind, detail, expect, target or name, content, row, column)

    def pick(cells, count=2):
        return rng.sample(cells, min(count, len(cells)))

    for cell in pick([c for c in numeric if c.rule.high is not None or c.rule.low is not None], 3):
        rule = cell.rule
        bad = rule.high + max(10.0, abs(rule.high) / 2) if rule.high is not None else rule.low - max(5.0, abs(rule.low))
        cell_text = _format(bad, rule.whole) + ("%" if clean.rows[cell.row][cell.column].strip().endswith("%") else "")
        yield case("out of range", f"{clean.header[cell.column]} = {cell_text}", REFUSED,
                   _with_cell(clean, cell, cell_text), True, True)
    for cell in pick([c for c in numeric if "." in clean.rows[c.row][c.column]]):
        comma = clean.rows[cell.row][cell.column].replace(".", ",")
        yield case("decimal comma", f"{clean.header[cell.column]} = {comma}", REFUSED,
                   _with_cell(clean, cell, comma), True, True)
    for cell in pick([c for c in numeric if c.rule.whole and (_number(clean.rows[c.row][c.column]) or 0) >= 1000]):
        grouped = f"{int(_number(clean.rows[cell.row][cell.column])):,}"
        yield case("thousands separator", f"{clean.header[cell.column]} = {grouped}", IDENTICAL,
                   _with_cell(clean, cell, grouped))
    for cell, token in zip(pick(numeric, 3), rng.sample(["NaN", "inf", "-inf", "1e999", "Infinity", "nan"], 3)):
        if token not in cell.markers:
            yield case("non-finite number", f"{clean.header[cell.column]} = {token}", REFUSED,
                       _with_cell(clean, cell, token), True, True)
    for cell in pick(numeric, 1):
        yield case("huge number", f"{clean.header[cell.column]} = 1e300", REFUSED, _with_cell(clean, cell, "1e300"),
                   True, True)
    counts = [c for c in numeric if c.rule.whole]
    for cell in pick(counts, 1):
        fraction = f"{int(_number(clean.rows[cell.row][cell.column]))}.5"
        yield case("fractional count", f"{clean.header[cell.column]} = {fraction}", REFUSED,
                   _with_cell(clean, cell, fraction), True, True)
    for cell in pick([c for c in counts if not c.rule.percent_sign], 1):
        marked = clean.rows[cell.row][cell.column].strip() + "%"
        yield case("percent sign on a whole number", f"{clean.header[cell.column]} = {marked}", REFUSED,
                   _with_cell(clean, cell, marked), True, True)
    for cell in pick(numeric, 1):
        yield case("text in a number", f"{clean.header[cell.column]} = 'n/a'", REFUSED,
                   _with_cell(clean, cell, "n/a"), True, True)
    for cell in pick(numeric, 1):
        padded = f"  {clean.rows[cell.row][cell.column].strip()} "
        yield case("spaces around a number", f"{clean.header[cell.column]} = {padded!r}", IDENTICAL,
                   _with_cell(clean, cell, padded))
    declared = _declared_cells(clean)
    blank_keys = [c for c in declared if not _blank_allowed(clean.importer, clean.header[c.column])
                  and clean.rows[c.row][c.column].strip()]
    for cell in pick(blank_keys, 1):
        yield case("blank required cell", clean.header[cell.column], REFUSED, _with_cell(clean, cell, ""), True, True)
    codes = [c for c in declared if isinstance(c.rule, Code) and clean.rows[c.row][c.column].strip()]
    for cell in pick(codes, 2):
        yield case("malformed code", f"{clean.header[cell.column]} = 'X?9'", REFUSED, _with_cell(clean, cell, "X?9"),
                   True, True)
    dates = [c for c in declared if isinstance(c.rule, Date) and clean.rows[c.row][c.column].strip()]
    for cell, bad in zip(pick(dates, 2), ["01-01-1700", "31-02-2020"]):
        yield case("implausible date", f"{clean.header[cell.column]} = {bad}", REFUSED, _with_cell(clean, cell, bad),
                   True, True)

    lines = text.split("\n")
    data_lines = [i for i in range(1, len(lines)) if lines[i].count(",") >= 3]
    for line in pick(data_lines, 2):
        body = lines[line]
        separators = [m.start() for m in re.finditer(",", body)]
        cut = rng.randint(1, separators[len(separators) // 2])  # within the first half of the fields
        yield case("truncated mid-row", f"cut in data row {line}", REFUSED, "\n".join(lines[:line] + [body[:cut]]).encode())
    if len(data_lines) > 1:
        line = rng.choice(data_lines)
        extra = lines[:line] + [lines[line] + ",extra"] + lines[line + 1:]
        yield case("extra field", f"data row {line}", IDENTICAL if layout.extra_fields else REFUSED,
                   "\n".join(extra).encode(), row=not layout.extra_fields)
        if not layout.short_rows:
            short = lines[:line] + [lines[line].rsplit(",", 1)[0]] + lines[line + 1:]
            yield case("missing field", f"data row {line}", REFUSED, "\n".join(short).encode(), row=True)
        quoted = lines[:line] + ['"' + lines[line]] + lines[line + 1:]
        yield case("unclosed quote", f"data row {line}", REFUSED, "\n".join(quoted).encode())

    yield from _header_cases(clean, rng, case)

    yield case("UTF-16 with BOM", "", REFUSED, text.encode("utf-16"))
    yield case("UTF-16 without BOM", "", REFUSED, text.encode("utf-16-le"))
    for encoding in ("latin-1", "cp1252"):
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            continue
        # the same text where the format reads that encoding (GIAS, or a file that is plain ASCII); else refused
        readable = _decoded(data, layout.encodings) == text
        yield case(f"{encoding} text", "ASCII only" if text.isascii() else "non-ASCII text",
                   IDENTICAL if readable else REFUSED, data, row=not readable)
    if layout.encodings == ("utf-8-sig",) and len(lines) > 2 and text.isascii():  # an accent in Latin-1
        line = rng.randrange(1, len(lines) - 1)
        accented = "\n".join(lines[:line] + [lines[line] + "\u00e9"] + lines[line + 1:])
        yield case("latin-1 text", f"an accent in data row {line}", REFUSED, accented.encode("latin-1"), row=True)
    yield case("binary garbage", "4 KB of random bytes", REFUSED, bytes(rng.getrandbits(8) for _ in range(4096)))
    at = rng.randint(len(lines[0]) + 1, len(text) - 1)
    yield case("NUL byte", f"at character {at}", REFUSED, (text[:at] + "\0" + text[at:]).encode())
    yield case("UTF-8 BOM", "", IDENTICAL, b"\xef\xbb\xbf" + clean.content)
    yield case("two BOMs", "", REFUSED, b"\xef\xbb\xbf\xef\xbb\xbf" + clean.content)
    yield case("CRLF line endings", "", IDENTICAL, text.replace("\n", "\r\n").encode())
    yield case("trailing blank lines", "", IDENTICAL, (text + "\n\n\n").encode())
    if len(clean.rows) > 1:  # appended, so no other row's number (its provenance) moves
        row = rng.randrange(len(clean.rows))
        yield case("duplicated row", f"data row {row + 2} repeated at the end", EITHER,
                   _csv_bytes(clean.header, clean.rows + [clean.rows[row]]))
    yield case("empty file", "", REFUSED, b"")
    yield case("header only", "", REFUSED, lines[0].encode() + b"\n")

    # the same content in a gzip and a zip, then those damaged
    packed = gzip.compress(clean.content, mtime=0)
    yield case("gzip", "", IDENTICAL, packed, target=name + ".gz")
    yield case("truncated gzip", "", REFUSED, packed[: len(packed) // 2], target=name + ".gz")
    yield case("corrupt gzip", "a byte flipped", REFUSED, _flip(packed, rng, start=20, end=len(packed) - 8),
               target=name + ".gz")
    yield case("not gzip", "plain text named .gz", REFUSED, clean.content, target=name + ".gz")
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(Path(name).name, clean.content)
    zipped = zipped.getvalue()
    zip_name = str(Path(name).with_suffix(".zip"))
    yield case("zip", "", IDENTICAL, zipped, target=zip_name)
    yield case("truncated zip", "", REFUSED, zipped[: len(zipped) // 2], target=zip_name)
    yield case("corrupt zip", "a byte of the member flipped", REFUSED,
               _flip(zipped, rng, start=30 + len(Path(name).name), end=30 + len(Path(name).name) + 8), target=zip_name)


def _decoded(data: bytes, encodings: tuple[str, ...]) -> str | None:
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _blank_allowed(importer: Importer, header: str) -> bool:
    return all(col.blank for col in importer.columns if header in col.headers([header]))


def _header_cases(clean: Clean, rng: random.Random, case) -> Iterator[Case]:
    """Renamed key columns (refused) and swaps of two declared columns whose data the other rule must
    refuse (a pupil count where a percentage belongs); reordered columns where that is harmless."""
    importer, header = clean.importer, clean.header
    keys = sorted((importer.signature | set(importer.required)) & set(header))
    for column in rng.sample(keys, min(2, len(keys))):
        renamed = [f"{h} renamed" if h == column else h for h in header]
        yield case("renamed key column", column, REFUSED, _csv_bytes(renamed, clean.rows))
    rules = {}
    for cell in _declared_cells(clean):
        rules.setdefault(cell.column, (cell.rule, cell.markers))
    pairs = [(a, b) for a in rules for b in rules if a < b and _substance(rules[a][0]) != _substance(rules[b][0])
             and any(not _satisfies(*rules[b], r[a]) for r in clean.rows if len(r) > a)
             and any(not _satisfies(*rules[a], r[b]) for r in clean.rows if len(r) > b)]
    for a, b in rng.sample(pairs, min(2, len(pairs))):
        swapped = list(header)
        swapped[a], swapped[b] = header[b], header[a]
        yield case("swapped headers", f"{header[a]} <-> {header[b]}", REFUSED, _csv_bytes(swapped, clean.rows),
                   True, True)
    if not (importer.layout.short_rows or importer.layout.extra_fields or len(set(header)) < len(header)
            or "" in header):
        order = list(range(len(header)))[::-1]
        yield case("reordered columns", "reversed", IDENTICAL,
                   _csv_bytes([header[i] for i in order], [[r[i] for i in order] for r in clean.rows]))


def _substance(rule) -> tuple:
    """What a rule accepts, whatever it is called in messages."""
    if isinstance(rule, Number):
        return (rule.low, rule.high, rule.whole, rule.percent_sign)
    return (type(rule).__name__, getattr(rule, "pattern", None))


def _flip(data: bytes, rng: random.Random, start: int, end: int) -> bytes:
    at = rng.randrange(max(start, 0), max(min(end, len(data)), start + 1))
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]


def _parquet_cases(clean: Clean, rng: random.Random) -> Iterator[Case]:
    name, frame = clean.name, clean.frame
    schema = pa.Table.from_pandas(frame, preserve_index=False).schema
    rules = next(col.rule for col in clean.importer.columns if col.name == "Values").rules()
    loaded = frame.index[frame["Short Desc"].isin(rules) & frame["Values"].map(lambda v: _number(v) is not None)]

    def case(kind, detail, expect, content, row=False, column=False):
        return Case(name, kind, detail, expect, name, content, row, column)

    def changed(row, column, value):
        mutated = frame.copy()
        mutated[column] = mutated[column].astype(object)
        mutated.loc[row, column] = value
        return _parquet_bytes(mutated, schema)

    for row in rng.sample(list(loaded), 3):
        rule = rules[frame.at[row, "Short Desc"]]
        bad = _format(rule.high + max(10.0, abs(rule.high) / 2), rule.whole)
        yield case("out of range", f"Values = {bad} ({frame.at[row, 'Short Desc']})", REFUSED,
                   changed(row, "Values", bad), True, True)
    decimal = [r for r in loaded if "." in frame.at[r, "Values"]]
    for row in rng.sample(decimal, min(2, len(decimal))):
        comma = frame.at[row, "Values"].replace(".", ",")
        yield case("decimal comma", f"Values = {comma}", REFUSED, changed(row, "Values", comma), True, True)
    for row, token in zip(rng.sample(list(loaded), 3), ["NaN", "inf", "1e999"]):
        yield case("non-finite number", f"Values = {token}", REFUSED, changed(row, "Values", token), True, True)
    row = rng.choice(list(loaded))
    yield case("null value", "Values is null", REFUSED, changed(row, "Values", None), True, True)
    yield case("non-finite number", "LA Number is NaN", REFUSED, changed(row, "LA Number", float("nan")), True, True)
    yield case("non-finite number", "LA Number is inf", REFUSED, changed(row, "LA Number", float("inf")), True, True)
    yield case("huge number", "LA Number 1e300", REFUSED, changed(row, "LA Number", 1e300), True, True)
    yield case("duplicated row", f"row {row + 1} repeated at the end", REFUSED,
               _parquet_bytes(pd.concat([frame, frame.loc[[row]]], ignore_index=True), schema), True)
    yield case("renamed key column", "Values -> Value", REFUSED, _parquet_bytes(frame.rename(columns={"Values": "Value"})))
    yield case("renamed key column", "Short Desc -> Short description", REFUSED,
               _parquet_bytes(frame.rename(columns={"Short Desc": "Short description"})))
    yield case("swapped headers", "Values <-> Region", REFUSED,
               _parquet_bytes(frame.rename(columns={"Values": "Region", "Region": "Values"})), True, True)
    content = clean.content
    yield case("truncated parquet", "", REFUSED, content[: len(content) // 2])
    yield case("corrupt parquet", "footer overwritten", REFUSED, content[:-12] + b"\0" * 12)
    yield case("corrupt parquet", "magic number overwritten", REFUSED, b"XXXX" + content[4:])
    yield case("binary garbage", "4 KB of random bytes", REFUSED, bytes(rng.getrandbits(8) for _ in range(4096)))
    yield case("empty file", "", REFUSED, b"")


def _geojson_cases(clean: Clean, rng: random.Random) -> Iterator[Case]:
    name, document = clean.name, clean.document
    features = document["features"]
    code_property = next(p for p in features[0]["properties"] if re.fullmatch(r"(?i)(lsoa|wd)\d\dcd", p))

    def case(kind, detail, expect, mutated, row=True):
        content = mutated if isinstance(mutated, bytes) else json.dumps(mutated).encode()
        return Case(name, kind, detail, expect, name, content, row, False)

    def with_feature(position: int, change: Callable[[dict], None]) -> dict:
        mutated = json.loads(json.dumps(document))
        change(mutated["features"][position])
        return mutated

    def coordinates(change: Callable[[list], list]):
        def walk(coords):
            return change(coords) if isinstance(coords[0], (int, float)) else [walk(c) for c in coords]
        return lambda feature: feature["geometry"].update(coordinates=walk(feature["geometry"]["coordinates"]))

    def first_point(feature: dict) -> list:
        coords = feature["geometry"]["coordinates"]
        while not isinstance(coords[0], (int, float)):
            coords = coords[0]
        return coords

    at = rng.randrange(len(features))
    # The outermost area, moved towards the others: onto its neighbours. (Moved into empty land inside England
    # in a file without label points, a polygon cannot be told from a true one.)
    centres = [shape(f["geometry"]).centroid for f in features]
    middle = (sum(c.x for c in centres) / len(centres), sum(c.y for c in centres) / len(centres))
    outer = max(range(len(features)), key=lambda i: (centres[i].x - middle[0]) ** 2 + (centres[i].y - middle[1]) ** 2)
    step_x, step_y = middle[0] - centres[outer].x, middle[1] - centres[outer].y
    scale = 0.02 / max((step_x ** 2 + step_y ** 2) ** 0.5, 1e-9)
    yield case("NaN coordinate", f"feature {at + 1}", REFUSED,
               with_feature(at, lambda f: first_point(f).__setitem__(0, float("nan"))))
    yield case("swapped latitude/longitude", f"feature {at + 1}", REFUSED, with_feature(at, coordinates(lambda p: [p[1], p[0]])))
    yield case("metres, not degrees", f"feature {at + 1}", REFUSED,
               with_feature(at, coordinates(lambda p: [p[0] * 100_000 + 500_000, p[1] * 10_000])))
    yield case("shifted polygon", f"feature {outer + 1} 0.02 degrees towards the others", REFUSED,
               with_feature(outer, coordinates(lambda p: [p[0] + step_x * scale, p[1] + step_y * scale])))
    yield case("shifted polygon", "8 degrees east, out of England", REFUSED,
               with_feature(at, coordinates(lambda p: [p[0] + 8, p[1]])))
    if "LONG" in features[0]["properties"]:
        yield case("shifted polygon", "0.5 degrees north, away from its label point", REFUSED,
                   with_feature(at, coordinates(lambda p: [p[0], p[1] + 0.5])))

    def bowtie(feature):
        xs = [p[0] for p in _points(feature["geometry"]["coordinates"])]
        ys = [p[1] for p in _points(feature["geometry"]["coordinates"])]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        feature["geometry"] = {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y1], [x1, y0], [x0, y1], [x0, y0]]]}
    yield case("self-intersecting polygon", f"feature {at + 1} as a bow tie", REFUSED, with_feature(at, bowtie))
    yield case("no geometry", f"feature {at + 1}", REFUSED, with_feature(at, lambda f: f.update(geometry=None)))
    yield case("point geometry", f"feature {at + 1}", REFUSED,
               with_feature(at, lambda f: f.update(geometry={"type": "Point", "coordinates": first_point(f)})))
    yield case("blank required cell", code_property, REFUSED,
               with_feature(at, lambda f: f["properties"].update({code_property: ""})))
    yield case("duplicated row", f"feature {at + 1} twice", REFUSED,
               {**document, "features": features + [features[at]]})
    yield case("features not a list", "an object", REFUSED, {**document, "features": {"0": features[0]}}, row=False)
    yield case("feature not an object", "a string", REFUSED, {**document, "features": ["feature"] + features[1:]})
    yield case("not a feature collection", "a list at the top", REFUSED, features, row=False)
    yield case("British National Grid CRS", "crs EPSG:27700", REFUSED,
               {**document, "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}})
    yield case("invalid JSON", "cut short", REFUSED, clean.content[: len(clean.content) // 2], row=False)
    yield case("UTF-16 with BOM", "", REFUSED, clean.content.decode().encode("utf-16"), row=False)
    yield case("UTF-8 BOM", "", IDENTICAL, b"\xef\xbb\xbf" + clean.content, row=False)


def _points(coords) -> Iterator[list]:
    if isinstance(coords[0], (int, float)):
        yield coords
    else:
        for part in coords:
            yield from _points(part)


def cases(root: Path = settings.SHARED_DATA) -> tuple[list[Clean], list[Case]]:
    """Every base read from `root` and every mutation of it, in a fixed (seeded) order."""
    rng = random.Random(SEED)
    cleans, found = [], []
    for base in BASES:
        clean = _read_clean(Path(root), base)
        cleans.append(clean)
        generate = {"csv": _csv_cases, "parquet": _parquet_cases, "geojson": _geojson_cases}[base.kind]
        found.extend(generate(clean, rng))
    return cleans, found


def sample(all_cases: list[Case], size: int, seed: int = SEED) -> list[Case]:
    """A spread of `size` cases: every mutation kind and every base represented, the rest at random."""
    rng = random.Random(seed)
    chosen: dict[int, Case] = {}
    by_kind: dict[str, list[int]] = {}
    by_base: dict[str, list[int]] = {}
    for i, c in enumerate(all_cases):
        by_kind.setdefault(c.kind, []).append(i)
        by_base.setdefault(c.base, []).append(i)
    for group in (*by_kind.values(), *by_base.values()):
        i = rng.choice(group)
        chosen[i] = all_cases[i]
    rest = [i for i in range(len(all_cases)) if i not in chosen]
    for i in rng.sample(rest, max(0, min(size - len(chosen), len(rest)))):
        chosen[i] = all_cases[i]
    return [chosen[i] for i in sorted(chosen)]


# ---- running -----------------------------------------------------------------------------------------------------
@dataclass
class Outcome:
    case: Case
    result: str      # refused | identical | accepted | crash
    message: str
    problem: str     # '' when the outcome is what the case expects


def _data_digest(db_path: Path) -> str:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return db.content_digest(con, leave_out=DATA_ONLY)
    finally:
        con.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def _build(folder: Path, db_path: Path):
    return build.build_from(folder, dataclasses.replace(settings.load(), db_path=db_path))


def _write(folder: Path, target: str, content: bytes) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    (folder / target).parent.mkdir(parents=True, exist_ok=True)
    (folder / target).write_bytes(content)


def prepare(cleans: list[Clean], scratch: Path) -> dict[str, Path]:
    """Build each clean base into its own database (the one its mutations then build over) and record
    its data digest; a base that does not build cleanly is a fault in the fuzz, raised at once."""
    databases = {}
    for clean in cleans:
        db_path = scratch / "db" / (re.sub(r"\W", "_", clean.name) + ".duckdb")
        db_path.parent.mkdir(parents=True, exist_ok=True)
        _write(scratch / "case", clean.name, clean.content)
        report = _build(scratch / "case", db_path)
        loaded = [importer for _, importer, _, _ in report.loaded]
        if loaded != [clean.importer.name]:
            raise AssertionError(f"base {clean.name} loaded as {loaded}, expected {clean.importer.name}")
        clean.digest = _data_digest(db_path)
        databases[clean.name] = db_path
    return databases


def run_case(case: Case, clean: Clean, db_path: Path, scratch: Path) -> Outcome:
    folder = scratch / "case"
    _write(folder, case.target, case.content)
    before = _sha(db_path)
    try:
        _build(folder, db_path)
    except BadInput as error:
        message = str(error)
        problems = []
        if Path(case.target).name not in message:
            problems.append("the message does not name the file")
        if case.row and error.row is None:
            problems.append("no row")
        if case.column and error.column is None:
            problems.append("no column")
        if _sha(db_path) != before:
            problems.append("the database changed")
        if case.expect == IDENTICAL:
            problems.append("a harmless change was refused")
        return Outcome(case, REFUSED, message, "; ".join(problems))
    except Exception as error:  # the point of the fuzz: anything but BadInput is a crash to report
        return Outcome(case, "crash", f"{type(error).__name__}: {error}", "crashed")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if _data_digest(db_path) == clean.digest:
        problem = "a corrupt file loaded without a word" if case.expect == REFUSED else ""
        return Outcome(case, IDENTICAL, "", problem)
    return Outcome(case, "accepted", "loaded with different data", "a corrupt file loaded with different data")


def run(cleans: list[Clean], chosen: list[Case], scratch: Path, progress: Callable[[Outcome], None] | None = None
        ) -> list[Outcome]:
    databases = prepare(cleans, scratch)
    by_name = {clean.name: clean for clean in cleans}
    outcomes = []
    for case in chosen:
        outcome = run_case(case, by_name[case.base], databases[case.base], scratch)
        outcomes.append(outcome)
        if progress:
            progress(outcome)
    return outcomes


def summary(outcomes: list[Outcome]) -> list[str]:
    results = Counter(o.result for o in outcomes)
    lines = [f"mutations tried {len(outcomes)}, refused {results[REFUSED]}, loaded identically {results[IDENTICAL]}, "
             f"accepted with different data {results['accepted']}, crashes {results['crash']}, "
             f"not as expected {sum(1 for o in outcomes if o.problem)}"]
    kinds = Counter((o.case.kind, o.result) for o in outcomes)
    for kind in sorted({o.case.kind for o in outcomes}):
        counts = ", ".join(f"{result} {kinds[(kind, result)]}" for result in (REFUSED, IDENTICAL, "accepted", "crash")
                           if kinds[(kind, result)])
        lines.append(f"  {kind:<34} {counts}")
    for outcome in outcomes:
        if outcome.problem:
            lines.append(f"  NOT AS EXPECTED {outcome.case.base} / {outcome.case.kind} ({outcome.case.detail}): "
                         f"{outcome.result}: {outcome.problem}. {outcome.message[:300]}")
    return lines


def report_lines(source: Path | None = None) -> list[str]:
    """Every intake mutation of the real files, built one by one: tried, refused, loaded identically,
    accepted with different data and crashes (the last two must be 0), by mutation kind."""
    started = time.perf_counter()
    cleans, all_cases = cases(source or settings.SHARED_DATA)
    with tempfile.TemporaryDirectory() as scratch:
        outcomes = run(cleans, all_cases, Path(scratch))
    return [f"intake fuzz: {len(cleans)} clean files (every importer), {time.perf_counter() - started:.0f} s",
            *summary(outcomes)]
