"""The council's own school-level returns (officers only): read a CSV in the documented template, check every
row against the loaded school register and the indicator dictionary, and store it only when nothing is wrong.

The template (`TEMPLATE_COLUMNS`, `template_csv`; the README's *Local returns* section) has one row per
school x measure x academic year: `urn` or `laestab`, `measure_id` (a dictionary measure that appears in
`local_returns`), `academic_year` (2024/25), `cohort` (pupils in the measure), `met` (how many met it) and/or
`percent` for a percentage measure, `score` for a score measure, and `code`: a published marker (SUPP, NE,
...; reference/markers.py) standing instead of a figure.

Unlike the build, which stops at a file's first bad cell, a return is checked whole and every problem is
listed in one table (row, column, value, rule), so an officer fixes the file once. The cell rules are intake's
(`intake.every_failure`: the same pandera column rules as every importer); the rules that need the register
or another column of the row are here. A file with any problem is refused whole: nothing is stored.

No DfE or NCER export layout is recognised: NCER's Keypas and the DfE collections take pupil-level CTF/XML
files and DfE's own spreadsheets, and no school-level export layout of these measures is publicly documented,
so none could be identified with confidence. Official school-level KS2 results (performance tables) are not
a local return: they load through `build` like every official file, and supersede a local figure.
"""
from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from rutland_data.ingest.importers import SourceFile
from rutland_data.ingest.intake import PERCENT, BadInput, Code, Col, Number, PerRow, URN, every_failure, measure_rule
from rutland_data.reference import measures, versions
from rutland_data.reference.codes import label_year
from rutland_data.reference.markers import PUBLISHED_MARKERS
from rutland_data.store import local_db

PLACE = "local_returns"
TEMPLATE_COLUMNS = ("urn", "laestab", "measure_id", "academic_year", "cohort", "met", "percent", "score", "code")
REQUIRED_COLUMNS = ("measure_id", "academic_year", "cohort")
# The year group each LA-held measure is assessed in: what a school's phase must cover.
YEAR_GROUPS = {
    "eyfs_gld": "Reception", "eyfs_avg_elgs": "Reception", "phonics_y1": "Year 1", "phonics_y2": "Year 2",
    "ks1_rwm_exp": "Year 2", "ks1_rwm_gd": "Year 2", "mtc_full_marks": "Year 4", "mtc_average_score": "Year 4",
    "ks2_rwm_exp": "Year 6",
}
# The register holds a school's phase of education, not its statutory age range (the GIAS establishment
# extract with StatutoryLowAge/HighAge is not among the loaded files), so the age range is checked by phase.
# A school with no phase (special schools: GIAS 'Not applicable') or 'Special' is not refused on this rule.
PHASES_COVERING = {
    "Reception": {"Primary", "All-through"},
    "Year 1": {"Primary", "All-through"},
    "Year 2": {"Primary", "All-through"},
    "Year 4": {"Primary", "Middle deemed primary", "All-through"},
    "Year 6": {"Primary", "Middle deemed primary", "Middle deemed secondary", "All-through"},
}
PHASE_NOT_CHECKED = {None, "Special"}
EARLIEST_YEAR = 2000
PUPILS = Number("a number of pupils", 0, 10_000, whole=True)
LAESTAB = Code("a 7-digit LAESTAB (LA number and establishment number)", r"\d{7}")
ACADEMIC_YEAR = Code("an academic year written like 2024/25", r"\d{4}/\d{2}")
PROBLEM_COLUMNS = ("row", "column", "value", "rule")


class Refused(Exception):
    """A return refused whole: every problem found, as a table (`PROBLEM_COLUMNS`)."""

    def __init__(self, file: str, problems: pd.DataFrame):
        self.file, self.problems = file, problems
        super().__init__(f"{file}: refused, {len(problems)} problem{'s' if len(problems) != 1 else ''}; "
                         "nothing was stored")


@dataclass(frozen=True)
class Loaded:
    upload_id: int
    file_name: str
    sha256: str
    rows: int


def local_measures() -> tuple[measures.Measure, ...]:
    return measures.where(PLACE)


def template_csv(example_urn: str = "900001") -> bytes:
    """The template with two example rows (a percentage and a score measure), for officers to download."""
    rows = [
        {"urn": example_urn, "laestab": "", "measure_id": "eyfs_gld", "academic_year": "2024/25", "cohort": "28",
         "met": "20", "percent": "71.4", "score": "", "code": ""},
        {"urn": example_urn, "laestab": "", "measure_id": "mtc_average_score", "academic_year": "2024/25",
         "cohort": "30", "met": "", "percent": "", "score": "20.4", "code": ""},
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=TEMPLATE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def template_guide() -> pd.DataFrame:
    """What each template column holds, for the page and the README."""
    ids = ", ".join(m.measure_id for m in local_measures())
    return pd.DataFrame([
        ("urn", "the school's 6-digit URN (or leave blank and give laestab)"),
        ("laestab", "the school's 7-digit LA and establishment number, e.g. 8572316 (or give urn)"),
        ("measure_id", f"one of {ids}"),
        ("academic_year", "the academic year, e.g. 2024/25"),
        ("cohort", "pupils in the measure (whole number)"),
        ("met", "percentage measures: pupils who met it (0 to cohort)"),
        ("percent", "percentage measures: the percentage (0-100), instead of or as well as met; consistent with met/cohort"),
        ("score", "score measures (EYFSP average ELGs, MTC average score): the average"),
        ("code", "optional: a published marker (SUPP, NE, NP, ...) standing instead of the figure; leave the figure blank"),
    ], columns=["column", "holds"])


# ---------------------------------------------------------------- the register the rows are checked against

def _register(con: duckdb.DuckDBPyConnection, urns: list[str], laestabs: list[str]) -> pd.DataFrame:
    return con.execute(
        """
        SELECT urn, name, la_code, la_code || estab AS laestab, phase, is_open, conversion_date, replaced_on,
               successor_urn
        FROM schools WHERE list_contains(?, urn) OR list_contains(?, la_code || estab)
        """, [urns, laestabs]).df()


def _rolls(con: duckdb.DuckDBPyConnection, urns: list[str]) -> pd.DataFrame:
    """Pupils on roll by school and year (the dictionary's school_nor, latest version of each)."""
    return con.execute(
        f"""
        SELECT urn, end_year, value FROM school_results
        WHERE measure_id = 'school_nor' AND pupil_group = 'all' AND value IS NOT NULL AND list_contains(?, urn)
        QUALIFY row_number() OVER (PARTITION BY urn, end_year ORDER BY {versions.rank_sql()}) = 1
        """, [urns]).df()


# ---------------------------------------------------------------- checking

class _Problems:
    def __init__(self):
        self.rows: list[tuple] = []

    def add(self, row, column: str, value, rule: str) -> None:
        self.rows.append((row, column, "" if value is None or (isinstance(value, float) and math.isnan(value))
                          else str(value), rule))

    def table(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.rows, columns=list(PROBLEM_COLUMNS))
        return frame.sort_values("row", kind="stable").reset_index(drop=True) if len(frame) else frame


def _cell_rules() -> list[Col]:
    ids = [m.measure_id for m in local_measures()]
    score_rules = {m.measure_id: measure_rule(m) for m in local_measures() if m.unit == "score"}
    return [
        Col("urn", URN), Col("laestab", LAESTAB),
        Col("measure_id", Code("a measure of the local returns template (" + ", ".join(ids) + ")",
                               "|".join(map(re.escape, ids))), blank=False),
        Col("academic_year", ACADEMIC_YEAR, blank=False),
        Col("cohort", PUPILS, markers=frozenset()), Col("met", PUPILS, markers=frozenset()),
        Col("percent", PERCENT, markers=frozenset()),
        Col("score", PerRow("measure_id", lambda: score_rules), markers=frozenset()),
        Col("code", Code("a published marker (" + " ".join(sorted(PUBLISHED_MARKERS)) + ")",
                         "|".join(map(re.escape, sorted(PUBLISHED_MARKERS))))),
    ]


def _number(text: str) -> float | None:
    text = text.strip().rstrip("%").strip().replace(",", "")
    return float(text) if text else None


def _decimals(text: str) -> int:
    number = text.strip().rstrip("%").strip()
    return len(number.split(".", 1)[1]) if "." in number else 0


def _end_year(label: str) -> int | None:
    """2025 for '2024/25'; None when the two halves are not consecutive years."""
    start, end = int(label[:4]), int(label[5:])
    return start + 1 if (start + 1) % 100 == end else None


def _open_problem(school, end_year: int, year_label: str) -> str | None:
    year_start, year_end = pd.Timestamp(end_year - 1, 9, 1), pd.Timestamp(end_year, 8, 31)
    if pd.notna(school.conversion_date) and pd.Timestamp(school.conversion_date) > year_end:
        return f"the school opened on {pd.Timestamp(school.conversion_date):%d %B %Y}, after {year_label} ended"
    if pd.notna(school.replaced_on) and pd.Timestamp(school.replaced_on) < year_start:
        successor = f" by URN {school.successor_urn}" if isinstance(school.successor_urn, str) else ""
        return (f"the school was replaced{successor} on {pd.Timestamp(school.replaced_on):%d %B %Y}, before "
                f"{year_label} began")
    if not school.is_open and pd.isna(school.replaced_on):
        return f"the register lists the school as closed, with no closing date, so it cannot be confirmed open in {year_label}"
    return None


def check(frame: pd.DataFrame, con: duckdb.DuckDBPyConnection, la_code: str,  # noqa: C901 (one rule after another)
          today: date | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(problems, figures): every problem of the return (`PROBLEM_COLUMNS`, row order) and, when there are
    none, its figures in `local_db.RESULT_COLUMNS`. `frame` holds the cells as text with `_row`."""
    problems = _Problems()
    frame = frame.rename(columns={c: c.strip().lower() for c in frame.columns if c != "_row"})
    unknown = [c for c in frame.columns if c != "_row" and c not in TEMPLATE_COLUMNS]
    for column in unknown:
        problems.add(1, column, column, "not a column of the template (" + ", ".join(TEMPLATE_COLUMNS) + ")")
    for column in REQUIRED_COLUMNS:
        if column not in frame.columns:
            problems.add(1, column, "", "a required column of the template is missing")
    if "urn" not in frame.columns and "laestab" not in frame.columns:
        problems.add(1, "urn", "", "the template needs a urn or a laestab column")
    if problems.rows:
        return problems.table(), pd.DataFrame()
    for column in TEMPLATE_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    frame = frame.fillna("")
    bad_cells: set[tuple[int, str]] = set()
    for row, column, message in every_failure(frame, _cell_rules()):
        problems.add(row, column, frame.loc[frame["_row"] == row, column].iloc[0], message)
        bad_cells.add((row, column))

    rows = frame.to_dict("records")
    register = _register(con, sorted({r["urn"].strip() for r in rows if r["urn"].strip()}),
                         sorted({r["laestab"].strip() for r in rows if r["laestab"].strip()}))
    by_urn = {s.urn: s for s in register.itertuples()}
    by_laestab = {s.laestab: s for s in register.itertuples() if isinstance(s.laestab, str)}
    rolls = _rolls(con, sorted(by_urn))
    dictionary = measures.by_id()
    latest_year = (today or date.today()).year
    seen: dict[tuple, int] = {}
    figures = []
    for r in rows:
        row = int(r["_row"])
        ok = lambda column: (row, column) not in bad_cells  # noqa: E731 (a cell that passed its column rule)
        cell = {c: r[c].strip() for c in TEMPLATE_COLUMNS}

        school = None
        if not cell["urn"] and not cell["laestab"]:
            problems.add(row, "urn", "", "give the school's URN or its LAESTAB")
        elif cell["urn"] and ok("urn"):
            school = by_urn.get(cell["urn"])
            if school is None:
                problems.add(row, "urn", cell["urn"], "not a school in the loaded register (table schools)")
        elif cell["laestab"] and ok("laestab"):
            school = by_laestab.get(cell["laestab"])
            if school is None:
                problems.add(row, "laestab", cell["laestab"], "not a school in the loaded register (table schools)")
        if school is not None and cell["urn"] and cell["laestab"] and ok("laestab") and school.laestab != cell["laestab"]:
            problems.add(row, "laestab", cell["laestab"], f"URN {school.urn} has LAESTAB {school.laestab} in the register")
        if school is not None and school.la_code != la_code:
            problems.add(row, "urn" if cell["urn"] else "laestab", cell["urn"] or cell["laestab"],
                         f"{school.name} is a school of LA {school.la_code}, not of this LA ({la_code})")
            school = None

        measure = dictionary.get(cell["measure_id"]) if ok("measure_id") else None
        end_year = None
        if ok("academic_year"):
            end_year = _end_year(cell["academic_year"])
            if end_year is None:
                problems.add(row, "academic_year", cell["academic_year"], "the two years are not consecutive")
            elif not EARLIEST_YEAR < end_year <= latest_year:
                problems.add(row, "academic_year", cell["academic_year"],
                             f"not a year with results: from {label_year(EARLIEST_YEAR + 1, 'academic')} to "
                             f"{label_year(latest_year, 'academic')}")
                end_year = None
            elif measure is not None and (gap := measure.gap_covering(end_year)) is not None:
                problems.add(row, "academic_year", cell["academic_year"],
                             f"{measure.short_label} was not assessed that year: {gap.reason}")
                end_year = None

        if school is not None and end_year is not None and (why := _open_problem(school, end_year, cell["academic_year"])):
            problems.add(row, "urn" if cell["urn"] else "laestab", cell["urn"] or cell["laestab"], why)
        phase = school.phase if school is not None and isinstance(school.phase, str) else None
        if school is not None and measure is not None and phase not in PHASE_NOT_CHECKED:
            year_group = YEAR_GROUPS[measure.measure_id]
            if phase not in PHASES_COVERING[year_group]:
                problems.add(row, "measure_id", cell["measure_id"],
                             f"{school.name} is a {phase.lower()} school: its age range does not cover "
                             f"{year_group}, where {measure.short_label} is assessed")

        cohort = _number(cell["cohort"]) if ok("cohort") else None
        met = _number(cell["met"]) if ok("met") else None
        percent = _number(cell["percent"]) if ok("percent") else None
        score = _number(cell["score"]) if ok("score") else None
        code = cell["code"] or None
        value = None
        if measure is not None:
            if measure.unit == "%":
                if cell["score"]:
                    problems.add(row, "score", cell["score"], f"{measure.short_label} is a percentage: give met and/or percent, not score")
            else:
                for column in ("met", "percent"):
                    if cell[column]:
                        problems.add(row, column, cell[column], f"{measure.short_label} is a score: give score, not {column}")
            given = [c for c in (("met", "percent") if measure.unit == "%" else ("score",)) if cell[c]]
            if code and given:
                problems.add(row, "code", code, "a code stands instead of a figure: leave " + " and ".join(given) + " blank")
            elif not code and not given:
                problems.add(row, "met" if measure.unit == "%" else "score", "",
                             "no figure: give " + ("met and/or percent" if measure.unit == "%" else "score") +
                             ", or a code standing instead")
            if given and not cell["cohort"]:
                problems.add(row, "cohort", "", "the cohort is required with a figure")
            if cohort is not None and met is not None and met > cohort:
                problems.add(row, "met", cell["met"], f"more pupils met it than the cohort of {cohort:g}: 0 <= met <= cohort")
            if given and cohort == 0:
                problems.add(row, "cohort", cell["cohort"], "a figure needs a cohort of at least 1 pupil")
            if cohort and met is not None and percent is not None and met <= cohort:
                exact = 100 * met / cohort
                tolerance = 0.5 * 10 ** -_decimals(cell["percent"]) + 1e-9
                if abs(exact - percent) > tolerance:
                    problems.add(row, "percent", cell["percent"],
                                 f"not consistent with met/cohort: {met:g} of {cohort:g} is {exact:.1f}%")
            if measure.unit == "%":
                value = 100 * met / cohort if met is not None and cohort else percent
            else:
                value = score
        if school is not None and cohort is not None and end_year is not None:
            roll = rolls[rolls["urn"] == school.urn]
            if len(roll):
                nearest = roll.iloc[(roll["end_year"] - end_year).abs().add(roll["end_year"] > end_year).argsort().iloc[0]]
                if cohort > nearest["value"]:
                    problems.add(row, "cohort", cell["cohort"],
                                 f"above the school's roll of {nearest['value']:g} pupils (school_nor, "
                                 f"{label_year(int(nearest['end_year']), 'academic')})")
        if school is not None and measure is not None and end_year is not None:
            key = (school.urn, measure.measure_id, end_year)
            if key in seen:
                problems.add(row, "measure_id", cell["measure_id"],
                             f"a second row for this school, measure and year (first in row {seen[key]})")
            else:
                seen[key] = row
            figures.append([row, school.urn, measure.measure_id, end_year, cell["academic_year"],
                            None if cohort is None else int(cohort), None if met is None else int(met), value, code])
    if problems.rows:
        return problems.table(), pd.DataFrame()
    return problems.table(), pd.DataFrame(figures, columns=list(local_db.RESULT_COLUMNS))


# ---------------------------------------------------------------- loading

def _unreadable(error: BadInput) -> pd.DataFrame:
    """A file that cannot be read as CSV text (intake's messages: 'is UTF-16 text; ...') as the one problem."""
    return pd.DataFrame([(error.row if error.row is not None else "", error.column or "", "",
                          f"the file {error.message}")], columns=list(PROBLEM_COLUMNS))


def load_bytes(con: duckdb.DuckDBPyConnection, file_name: str, data: bytes, uploaded_by: str, la_code: str,
               local_path: Path) -> Loaded:
    """Check a return against the main database `con` and store it in the officers' database at `local_path`.

    Refused (nothing stored, the officers' file unchanged) with every problem listed, or Loaded."""
    with tempfile.TemporaryDirectory(prefix="local-return-") as folder:
        path = Path(folder) / (Path(file_name).name or "return.csv")
        path.write_bytes(data)
        try:
            frame = SourceFile(path, file_name).frame()
        except BadInput as error:
            raise Refused(file_name, _unreadable(error)) from None
    problems, figures = check(frame, con, la_code)
    if len(problems):
        raise Refused(file_name, problems)
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        upload_id = local_db.add_upload(local_path, local_db.Upload(file_name, sha256, uploaded_by, la_code, figures))
    except local_db.AlreadyLoaded as error:
        raise Refused(file_name, pd.DataFrame([("", "", file_name, str(error))], columns=list(PROBLEM_COLUMNS))) from None
    return Loaded(upload_id, file_name, sha256, len(figures))


def load_file(con: duckdb.DuckDBPyConnection, path: Path, uploaded_by: str, la_code: str, local_path: Path) -> Loaded:
    return load_bytes(con, path.name, Path(path).read_bytes(), uploaded_by, la_code, local_path)
