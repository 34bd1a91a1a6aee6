"""Malformed input: a clear message naming file, row and column, a non-zero exit, and the
existing database left byte-for-byte as it was."""
from __future__ import annotations

import hashlib

import pytest

from rutland_data import build, settings
from rutland_data.__main__ import main
from rutland_data.importers import BadInput

LAIT_HEADER = "Short Desc,Data item,Years,LA and Regions,Values,LA Number,Region\n"
EES_HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
              "old_la_code,new_la_code,la_name,characteristic_group,characteristic,number_of_children,point_score,"
              "average_point_score,elg_number,elg_percent,gld_number,gld_percent,comm_lang_lit_number,"
              "comm_lang_lit_percent\n")
# Invented rows in the official layouts (never copied from real files).
LAIT_ROW = "KS2RWM_Expected_STD,KS2 RWM,2019,Testshire,{value},999,East Midlands\n"
EES_ROW = ("201718,Academic year,Local authority,E92000001,England,E12000004,East Midlands,999,E06999999,"
           "Testshire,Total,Total,100,3000,30.0,60,60.0,{name},70.0,70,70.0\n")

CASES = {
    "renamed column": ("lait.csv", (LAIT_HEADER.replace("Values", "Value") + LAIT_ROW.format(value="50")).encode(),
                       "lait.csv, row 1: expected column(s) 'Values'"),
    "wrong type": ("lait.csv", (LAIT_HEADER + LAIT_ROW.format(value="50") + LAIT_ROW.format(value="fifty")
                                .replace("2019", "2018")).encode(),
                   "lait.csv, row 3, column 'Values': found 'fifty'; expected a percentage (a number from 0 to 100) or a published marker"),
    "empty file": ("lait.csv", b"", "lait.csv: is empty (0 bytes)"),
    "header only": ("lait.csv", LAIT_HEADER.encode(), "lait.csv: has a header but no data rows"),
    "duplicate keys": ("lait.csv", (LAIT_HEADER + LAIT_ROW.format(value="50") + LAIT_ROW.format(value="51")).encode(),
                       "lait.csv, row 3: duplicate rows for the same measure, year and LA"),
    "wrong encoding": ("eyfsp.csv", (EES_HEADER + EES_ROW.format(name="45")).encode("utf-8")
                       + EES_ROW.format(name="46").replace("Testshire", "T\u00e9stshire").encode("latin-1"),
                       "eyfsp.csv, row 3: is not valid UTF-8 text"),
}


def file_digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("case", CASES)
def test_bad_file_is_named_and_database_unchanged(case, demo_settings, tmp_path, capsys):
    name, content, expected = CASES[case]
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / name).write_bytes(content)
    before = file_digest(demo_settings.db_path)

    with pytest.raises(BadInput) as raised:
        build.build_from(folder, settings.load())
    assert expected in str(raised.value)
    assert file_digest(demo_settings.db_path) == before

    assert main(["build", "--from", str(folder)]) == 2
    assert expected in capsys.readouterr().err
    assert file_digest(demo_settings.db_path) == before
    assert not list(demo_settings.db_path.parent.glob("*.building-*")), "half-built file left behind"


def test_good_small_file_replaces_database(demo_settings, tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "lait.csv").write_text(LAIT_HEADER + LAIT_ROW.format(value="50") + LAIT_ROW.format(value="-")
                                     .replace("2019", "2018"))
    report = build.build_from(folder, settings.load())
    assert report.loaded == [("lait.csv", "LAIT long table", 2, None)]
    import duckdb
    con = duckdb.connect(str(demo_settings.db_path), read_only=True)
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
