"""The generated performance summary: Appendix B-style sentences for 2016/17 on the demo data, word for word."""
from __future__ import annotations

import io
import shutil
import zipfile

import duckdb
import pandas as pd
import pytest

from rutland_data.reference import measures
from rutland_data.exports import summary
from rutland_data.queries import la as la_queries
from rutland_data.queries.kept import kept_results

YEAR = 2017  # 2016/17, the year of the council's review


def dos_time(stamp):
    """A zip entry's time: the build time to the even second below (zip keeps 2-second steps)."""
    return stamp.replace(second=stamp.second - stamp.second % 2).timetuple()[:6]


@pytest.fixture(scope="module")
def built(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    yield summary.build(con, "857", YEAR)
    con.close()


def texts(built, section):
    return [b.text for b in built.sections[section]]


def test_eyfs_sentence_word_for_word(built):
    assert texts(built, "Early years") == [
        # The review printed 76% and 71% (whole numbers), so they are shown, and compared, to 0 dp.
        "Reception: good level of development: Rutland 76% (provisional) against England 71%: above England - "
        "better. East Midlands 71.9% (version not stated); statistical neighbours 71.4% (mean of 10). Change on "
        "2015/16: up 4 points - better (England: up 2 points). Ranked 12th of 152 LAs, quartile A (the best 25%). "
        "[Simulated data.]"
    ]


def test_ks2_combined_change_against_national_change(built):
    first = built.sections["KS2"][0]
    assert first.text == (
        "KS2 reading, writing and maths: expected standard: Rutland 67% (provisional) against England 61%: above "
        "England - better. East Midlands 62% (version not stated); statistical neighbours 60% (mean of 10). "
        "Change on 2015/16: up 14 "
        "points - better (England: up 8 points). Ranked joint 16th of 152 LAs (7 share the figure, places 16-22), "
        "quartile A (the best 25%). [Simulated data.]"
    )
    assert first.link == "headlines?year=2016/17&phase=KS2"
    assert first.versions == ("provisional",)  # Rutland's and England's figures, both the review's
    maths = built.sections["KS2"][4]
    assert "Change on 2015/16: up 10 points - better (England: up 5 points)." in maths.text


def test_absence_is_polarity_aware(built):
    overall = built.sections["Absence"][0]
    assert overall.text == (
        "Overall absence (all schools): Rutland 4.48% (version not stated) against England 4.70%: lower absence - "
        "better. East Midlands 4.64% (version not stated); statistical neighbours 4.70% (mean of 10). Change on "
        "2015/16: up 0.17 points - worse (England: down 0.05 points). Ranked joint 35th of 152 LAs (1 = lowest; 4 "
        "share the figure, places 35-38), quartile A (the best 25%). [Simulated data.]"
    )
    assert overall.link == "headlines?year=2016/17&phase=Absence"


def test_equal_values_are_in_line_and_nothing_claims_significance(built):
    writing = built.sections["KS1"][2]
    assert writing.message == ("KS1 writing: expected standard: Rutland 68% (version not stated) against England 68%: "
                               "in line with England.")
    la_level = [b for b in built.bullets if b.section != summary.SCHOOLS]
    assert la_level and not any("significant" in b.text for b in la_level)


def test_polarity_phrase_both_ways():
    dictionary = measures.by_id()
    assert summary.polarity_phrase(dictionary["abs_overall"], 5.1, 4.7) == "higher absence - worse"
    assert summary.polarity_phrase(dictionary["abs_overall"], 4.1, 4.7) == "lower absence - better"
    assert summary.polarity_phrase(dictionary["eyfs_gld"], 60.0, 71.0) == "below England - worse"
    assert summary.polarity_phrase(dictionary["pupils_academy_primary"], 10.0, 5.0) == "above England"


def test_masking_count_from_school_data(built):
    if summary.SCHOOLS not in built.sections:
        pytest.skip("school-level data are not in this build")
    primary = built.sections[summary.SCHOOLS][0]
    assert primary.text == (
        "KS2 reading, writing and maths: expected standard: Rutland 67% against England 61% in the school performance files (above England - "
        "better), but 6 of 17 state-funded mainstream primary schools with a figure were below national, none of "
        "them significantly (on DfE's progress band where published, else each school's 95% interval). 6 of 17 primary schools were "
        "below national in both reading and writing, and "
        "10 of 17 in maths. [Simulated data.]"
    )
    assert primary.link.startswith("schools?key_stage=Primary%20%28KS2%29&")


def test_release_status_and_provenance(built):
    assert "Early years: versions shown - provisional." in built.status
    assert "KS2: versions shown - unstated, provisional." in built.status
    assert "Provisional figures may change when revised data are published." in built.status
    assert any(line.startswith("Release: 2017 results were provisional/unvalidated") and "KS2 revised 2 Nov 2017"
               in line for line in built.status)
    assert len(built.content_sha256) == 64 and built.built_at[:4].isdigit()


def test_every_bullet_has_a_link_and_a_chart(built):
    for bullet in built.bullets:
        assert "?" in bullet.link and "year=2016/17" in bullet.link, bullet
        assert bullet.chart[0] in {"trend", "schools", "destinations", "council_destinations", "admissions", "group_trend"}


def test_sections_can_be_chosen(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    only = summary.build(con, "857", YEAR, ["Absence", "KS4"])
    con.close()
    assert list(only.sections) == ["Absence", "KS4"]


def test_markdown_export_keeps_links(built):
    text = summary.to_markdown(built, base_url="https://dash.example")
    assert text.startswith("# Rutland performance summary 2016/17\n")
    assert "## Absence" in text
    assert "lower absence - better" in text
    assert "([chart](https://dash.example/headlines?year=2016/17&phase=KS2))" in text
    assert built.content_sha256 in text


def test_word_export_opens_with_bullets_links_and_fixed_dates(built):
    from docx import Document

    data = summary.to_docx(built, base_url="https://dash.example")
    assert data == summary.to_docx(built, base_url="https://dash.example"), "same database, same bytes"
    document = Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "Rutland performance summary 2016/17"
    assert any(p.startswith("Overall absence (all schools): Rutland 4.48%") for p in paragraphs)
    links = [r.target_ref for r in document.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert "https://dash.example/headlines?year=2016/17&phase=Absence" in links
    assert document.core_properties.keywords.startswith(f"content_sha256={built.content_sha256}")
    assert document.core_properties.created.replace(tzinfo=None) == summary.built_datetime(built.built_at)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {i.date_time for i in archive.infolist()} == {dos_time(summary.built_datetime(built.built_at))}


def test_works_on_a_database_without_the_school_and_destination_tables(demo_db, tmp_path):
    """A database built before the schools and destinations features (their tables absent) still gives every
    other section; those two are left out of the choice and out of the summary."""
    copy = tmp_path / "older.duckdb"
    shutil.copy(demo_db, copy)
    con = duckdb.connect(str(copy))
    for table in (*summary.SCHOOL_TABLES, "destinations"):
        con.execute(f"DROP TABLE {table}")
    sections = summary.available_sections(con, "857")
    without = summary.build(con, "857", YEAR, ["KS2", summary.SCHOOLS, summary.DESTINATIONS])
    con.close()
    assert summary.SCHOOLS not in sections and summary.DESTINATIONS not in sections and "KS2" in sections
    assert list(without.sections) == ["KS2"]
    assert without.notes == ["Schools: no figures for 2016/17.", "Destinations: no figures for 2016/17."]


def test_the_summary_is_built_once_per_database_version_and_arguments(demo_db, tmp_path):
    """The Meetings page shows the summary, writes it as Word and builds the pack from it: one build between them.
    Other arguments, or another database version (its checksum), build afresh."""
    con = duckdb.connect(str(demo_db), read_only=True)
    first = summary.build_once(con, "857", YEAR, ["KS2", "KS4"])
    assert summary.build_once(con, "857", YEAR, ("KS2", "KS4")) is first
    assert first == summary.build(con, "857", YEAR, ["KS2", "KS4"])
    assert summary.build_once(con, "857", YEAR, ["KS4"]) is not first
    con.close()
    shutil.copy(demo_db, tmp_path / "later.duckdb")
    later = duckdb.connect(str(tmp_path / "later.duckdb"))
    later.execute("UPDATE build_info SET value = 'another version' WHERE key = 'content_sha256'")
    again = summary.build_once(later, "857", YEAR, ["KS2", "KS4"])
    later.close()
    assert again is not first and again.content_sha256 == "another version"


def test_trends_read_together_are_the_frames_each_measure_reads_alone(demo_db, monkeypatch):
    """The summary and the board pack read every measure's series in one query; each frame must be exactly what
    `trend` of that measure alone returns (values, order, column types), then be found kept, not read again."""
    con = duckdb.connect(str(demo_db), read_only=True)
    wanted = [*measures.ids("summary"), *measures.ids("groups")]
    alone = {m: la_queries.trend(con, m, "857", "2025-05") for m in wanted}
    with kept_results(con):
        la_queries.read_trends_together(con, wanted, "857", "2025-05")

        def read_again(*args):
            raise AssertionError("a trend read together was read again")
        monkeypatch.setattr(la_queries, "comparator_series", read_again)
        together = {m: la_queries.trend(con, m, "857", "2025-05") for m in wanted}
    con.close()
    assert sum(not frame.empty for frame in together.values()) > 20
    for measure_id in wanted:
        pd.testing.assert_frame_equal(together[measure_id], alone[measure_id], check_exact=True)


def test_trends_read_together_outside_a_kept_block_read_nothing(demo_db, monkeypatch):
    """Outside `kept_results` nothing would keep the frames, so nothing is read."""
    def read(*args):
        raise AssertionError("read outside a kept block")
    monkeypatch.setattr(la_queries, "_comparator_query", read)
    con = duckdb.connect(str(demo_db), read_only=True)
    la_queries.read_trends_together(con, measures.ids("summary"), "857", "2025-05")
    con.close()
