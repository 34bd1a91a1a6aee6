"""Malformed input: a clear message naming file, row and column (what was found, what was expected),
exit code 2, and the existing database left byte-for-byte as it was. Every row here is invented in the
official layouts; `tests/test_fuzz_intake.py` mutates the real files."""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil

import duckdb
import pytest
from hypothesis import given, settings as hypothesis_settings
from hypothesis import strategies as st

from rutland_data import settings
from rutland_data.ingest import build
from rutland_data.__main__ import main
from rutland_data.ingest.importers import BadInput, _content_lines
from tests.conftest import database_at

LAIT_HEADER = "Short Desc,Data item,Years,LA and Regions,Values,LA Number,Region\n"
EES_HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
              "old_la_code,new_la_code,la_name,characteristic_group,characteristic,number_of_children,point_score,"
              "average_point_score,elg_number,elg_percent,gld_number,gld_percent,comm_lang_lit_number,"
              "comm_lang_lit_percent\n")
# Invented rows in the official layouts (never copied from real files).
LAIT_ROW = "KS2RWM_Expected_STD,KS2 RWM,2019,Testshire,{value},999,East Midlands\n"
EES_ROW = ("201718,Academic year,Local authority,E92000001,England,E12000004,East Midlands,999,E06999999,"
           "Testshire,Total,Total,3000,3000,30.0,60,60.0,{name},70.0,70,70.0\n")
GOOD_LAIT = LAIT_HEADER + LAIT_ROW.format(value="50") + LAIT_ROW.format(value="-").replace("2019", "2018")


def lait_with(value: str) -> bytes:
    return (LAIT_HEADER + LAIT_ROW.format(value=value)).encode()


def boundary(coordinates: list, **properties) -> dict:
    return {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"WD25CD": "E05999999", "WD25NM": "Testward", **properties},
        "geometry": {"type": "Polygon", "coordinates": [coordinates]}}]}


SQUARE = [[-0.75, 52.6], [-0.70, 52.6], [-0.70, 52.65], [-0.75, 52.65], [-0.75, 52.6]]

CASES = {
    "renamed column": ("lait.csv", (LAIT_HEADER.replace("Values", "Value") + LAIT_ROW.format(value="50")).encode(),
                       "lait.csv, row 1: expected column(s) 'Values' for a LAIT long table file"),
    "wrong type": ("lait.csv", (LAIT_HEADER + LAIT_ROW.format(value="50") + LAIT_ROW.format(value="fifty")
                                .replace("2019", "2018")).encode(),
                   "lait.csv, row 3, column 'Values': found 'fifty'; expected a percentage (a number from 0 to 100) "
                   "or a published marker"),
    "percentage over 100": ("lait.csv", lait_with("140"), "lait.csv, row 2, column 'Values': found '140'; "
                            "expected a percentage (a number from 0 to 100)"),
    "negative percentage": ("lait.csv", lait_with("-5"), "row 2, column 'Values': found '-5'; expected a percentage"),
    # A comma is a thousands separator only in whole-number columns: in a percentage it is a decimal comma.
    "decimal comma": ("lait.csv", lait_with('"96,50145773"'), "row 2, column 'Values': found '96,50145773'; "
                      "expected a percentage"),
    "decimal comma with three decimals": ("lait.csv", lait_with('"1,943"'), "found '1,943'; expected a percentage"),
    "too large to be finite": ("lait.csv", lait_with("1e999"), "row 2, column 'Values': found '1e999'"),
    "infinity": ("lait.csv", lait_with("inf"), "row 2, column 'Values': found 'inf'"),
    # 'NaN' is a marker only in the school places scorecards, the one format that publishes it.
    "NaN where the format publishes no such marker": ("lait.csv", lait_with("NaN"), "found 'NaN'"),
    "blank value": ("lait.csv", lait_with(""), "row 2, column 'Values': found an empty cell"),
    "empty file": ("lait.csv", b"", "lait.csv: is empty (0 bytes)"),
    "header only": ("lait.csv", LAIT_HEADER.encode(), "lait.csv: has a header but no data rows"),
    "duplicate keys": ("lait.csv", (LAIT_HEADER + LAIT_ROW.format(value="50") + LAIT_ROW.format(value="51")).encode(),
                       "lait.csv, row 3: duplicate rows for the same measure, year and LA"),
    "ragged row": ("lait.csv", (LAIT_HEADER + LAIT_ROW.format(value="50").replace("\n", ",extra\n")).encode(),
                   "lait.csv, row 2: found 8 fields; expected 7, as in the header"),
    "file cut mid-row": ("lait.csv", (LAIT_HEADER + LAIT_ROW.format(value="50") + "KS2RWM_Expected_STD,KS2 RW").encode(),
                         "lait.csv, row 3: found 2 fields; expected 7"),
    "unclosed quote": ("lait.csv", (LAIT_HEADER + '"' + LAIT_ROW.format(value="50") + LAIT_ROW.format(value="51")
                                    .replace("2019", "2018")).encode(), "lait.csv, row 2: cannot be read as CSV"),
    "UTF-16": ("lait.csv", GOOD_LAIT.encode("utf-16"), "lait.csv: is UTF-16 text; save it as UTF-8 CSV"),
    "binary": ("lait.csv", bytes(range(256)) * 4, "lait.csv, row 1: is not a text file (a NUL byte at byte 0"),
    "two byte-order marks": ("lait.csv", b"\xef\xbb\xbf\xef\xbb\xbf" + GOOD_LAIT.encode(),
                             "lait.csv, row 1: starts with a second byte-order mark"),
    "corrupt gzip": ("lait.csv.gz", gzip.compress(GOOD_LAIT.encode())[:40],
                     "lait.csv.gz: cannot be read as a gzip file (EOFError"),
    "corrupt zip": ("lait.zip", b"PK\x03\x04 not really a zip", "lait.zip: cannot be read as a zip archive"),
    "corrupt parquet": ("lait.parquet", b"PAR1 and then nothing", "lait.parquet: cannot be read as a parquet file"),
    "wrong encoding": ("eyfsp.csv", (EES_HEADER + EES_ROW.format(name="45")).encode("utf-8")
                       + EES_ROW.format(name="46").replace("Testshire", "T\u00e9stshire").encode("latin-1"),
                       "eyfsp.csv, row 3: is not valid UTF-8 text"),
    # A pupil count under a percentage's header fails the percentage's range.
    "swapped headers": ("eyfsp.csv", (EES_HEADER.replace("number_of_children", "TMP").replace("gld_percent", "number_of_children")
                                      .replace("TMP", "gld_percent") + EES_ROW.format(name="45")).encode(),
                        "eyfsp.csv, row 2, column 'gld_percent': found '3000'; expected a percentage"),
    "features not a list": ("wards.geojson", json.dumps({"type": "FeatureCollection", "features": {}}).encode(),
                            "wards.geojson: is not a GeoJSON feature collection"),
    "swapped latitude and longitude": ("wards.geojson", json.dumps(boundary([[y, x] for x, y in SQUARE])).encode(),
                                       "wards.geojson, row 1, column 'geometry': found the point (52.6, -0.75) "
                                       "outside England"),
    "NaN coordinate": ("wards.geojson", json.dumps(boundary([SQUARE[0], [float("nan"), 52.6], *SQUARE[2:]])).encode(),
                       "column 'geometry': found a coordinate that is not a finite number"),
    "self-intersecting polygon": ("wards.geojson", json.dumps(boundary([SQUARE[0], SQUARE[2], SQUARE[1], SQUARE[3],
                                                                         SQUARE[0]])).encode(),
                                  "column 'geometry': found an invalid polygon (Self-intersection"),
    "label point outside its polygon": ("wards.geojson", json.dumps(boundary(SQUARE, LONG=-0.5, LAT=52.62)).encode(),
                                        "found the label point (-0.5, 52.62)"),
}


def file_digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def small_database(tmp_path_factory):
    """A database built from one good invented file: the 'existing database' each case must leave alone."""
    folder = tmp_path_factory.mktemp("good")
    (folder / "lait.csv").write_text(GOOD_LAIT)
    path = tmp_path_factory.mktemp("db") / "existing.duckdb"
    with database_at(path) as configured:
        build.build_from(folder, configured)
    return path


@pytest.fixture
def existing_db(small_database, tmp_path, monkeypatch) -> settings.Settings:
    path = tmp_path / "existing.duckdb"
    shutil.copyfile(small_database, path)
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return settings.load()


@pytest.mark.parametrize("case", CASES)
def test_bad_file_is_named_and_database_unchanged(case, existing_db, tmp_path, capsys):
    name, content, expected = CASES[case]
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / name).write_bytes(content)
    before = file_digest(existing_db.db_path)

    with pytest.raises(BadInput) as raised:
        build.build_from(folder, settings.load())
    assert expected in str(raised.value)
    assert file_digest(existing_db.db_path) == before

    assert main(["build", "--from", str(folder)]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert file_digest(existing_db.db_path) == before
    assert not list(existing_db.db_path.parent.glob("*.building-*")), "half-built file left behind"


def test_near_miss_among_good_files_is_an_error_not_a_skip(existing_db, tmp_path):
    """A file of a known format with a key column renamed stops the build; it is not skipped."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "lait.csv").write_text(GOOD_LAIT)
    (folder / "eyfsp.csv").write_text(EES_HEADER.replace("gld_percent", "gld_pct") + EES_ROW.format(name="45"))
    before = file_digest(existing_db.db_path)
    with pytest.raises(BadInput) as raised:
        build.build_from(folder, settings.load())
    assert str(raised.value).startswith("eyfsp.csv, row 1: looks like the 'EES EYFSP headline measures by LA' "
                                        "format but has no column 'gld_percent'")
    assert file_digest(existing_db.db_path) == before


def test_unrelated_file_is_skipped(existing_db, tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "lait.csv").write_text(GOOD_LAIT)
    (folder / "notes.csv").write_text("topic,link\nAbsence,https://example.org\n")
    report = build.build_from(folder, settings.load())
    assert report.unrecognised == ["notes.csv"]


def test_a_folder_with_no_known_format_names_its_files(existing_db, tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "notes.csv").write_text("topic,link\nAbsence,https://example.org\n")
    with pytest.raises(BadInput, match="no importer recognises the columns of notes.csv"):
        build.build_from(folder, settings.load())


def test_thousands_separator_in_a_count_is_read_as_thousands(existing_db, tmp_path):
    """'9,109' in a whole-number column is 9109 (the only place official files write a separator)."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "population.csv").write_text('lsoa21_code,lsoa21_name,age_group,usual_residents\n'
                                           'E01999999,Testshire 001A,Aged 15 years and under,"9,109"\n')
    build.build_from(folder, settings.load())
    con = duckdb.connect(str(existing_db.db_path), read_only=True)
    assert con.execute("SELECT persons FROM area_population").fetchall() == [(9109,)]
    con.close()


def test_unexpected_error_is_one_line_and_exit_2(existing_db, tmp_path, capsys, monkeypatch):
    """The last resort: a failure no check foresaw still reaches the user as one line, never a traceback."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "lait.csv").write_text(GOOD_LAIT)

    def broken(*args, **kwargs):
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr(build.db, "register_source", broken)
    before = file_digest(existing_db.db_path)
    assert main(["build", "--from", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "an unexpected RuntimeError (something nobody foresaw)" in err
    assert file_digest(existing_db.db_path) == before


def test_good_small_file_replaces_database(existing_db, tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "lait.csv").write_text(GOOD_LAIT)
    report = build.build_from(folder, settings.load())
    assert report.loaded == [("lait.csv", "LAIT long table", 2, None)]
    # Its reading and validation are timed apart from its load (bench: where a build's time goes).
    assert 0 < report.checking["lait.csv"] < report.seconds["lait.csv"]
    con = duckdb.connect(str(existing_db.db_path), read_only=True)
    assert con.execute("SELECT end_year, value, value_code FROM la_results ORDER BY end_year").fetchall() == [
        (2018, None, "-"), (2019, 50.0, None)]
    con.close()


def test_check_lists_each_source_its_rows_and_what_it_feeds(demo_settings, capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "Learning and Skills Service Annual Review 2016-17" in out and "(real, demo: LA-level results" in out
    assert "SIMULATED" in out
    assert "feeds destinations (" in out and "la_results (" in out
    assert "LA measures: " in out and "ks2_rwm_exp" in out


@hypothesis_settings(max_examples=400, deadline=None)
@given(st.text(alphabet="\n\r,a\u00e9\"", max_size=40))
def test_the_lines_a_csv_is_checked_against_are_its_lines_that_are_not_blank(text):
    """The reader compares its row count with this (fewer rows than lines is an unclosed quote): every line
    break, less those straight after another ('\\n\\n', '\\n\\r\\n'), counted over the bytes."""
    blank_lines = len(re.findall(r"(?<=\n)\r?\n", text))
    assert _content_lines(text.encode("utf-8")) == text.count("\n") + (not text.endswith("\n")) - blank_lines
