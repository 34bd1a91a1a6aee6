"""The board pack: PowerPoint and PDF open, hold the expected slides and numbers, and are identical
when built twice from one database."""
from __future__ import annotations

import io
import zipfile

import duckdb
import pytest

from rutland_data.exports import board_pack
from rutland_data.exports import summary

SECTIONS = ["Early years", "Absence", summary.SCHOOLS, summary.MAP]


def dos_time(stamp):
    """A zip entry's time: the build time to the even second below (zip keeps 2-second steps)."""
    return stamp.replace(second=stamp.second - stamp.second % 2).timetuple()[:6]


@pytest.fixture(scope="module")
def packs(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    first = board_pack.build(con, "857", 2017, SECTIONS)
    board_pack._DRAWN.clear()  # draw every chart again: the rebuild must not lean on the cache
    second = board_pack.build(con, "857", 2017, SECTIONS)
    con.close()
    return first, second


def slide_texts(presentation) -> list[str]:
    return ["\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
            for slide in presentation.slides]


def test_two_builds_from_one_database_are_identical(packs):
    first, second = packs
    assert first.pptx == second.pptx
    assert first.pdf == second.pdf


def test_powerpoint_opens_with_expected_slides(packs):
    from pptx import Presentation

    pack = packs[0]
    presentation = Presentation(io.BytesIO(pack.pptx))
    titles = [slide.shapes.title.text for slide in presentation.slides]
    assert titles[0] == "Rutland: education performance 2016/17"
    assert titles[-1] == "Sources"
    assert "Early years: Reception: good level of development" in titles
    assert "Absence: Overall absence (all schools)" in titles
    texts = slide_texts(presentation)
    assert pack.summary.content_sha256 in texts[0] and pack.summary.built_at in texts[0]
    assert board_pack.MAP_NOTE not in texts[0]  # the map is drawn, so nothing is reported missing
    assert titles[-2] == "Deprivation map: IoD2025 Index of Multiple Deprivation"
    deprivation = texts[-2]
    assert "small areas (LSOAs) are in the most deprived 40% of England" in deprivation
    assert "Greetham" in deprivation and "Oakham North West" in deprivation  # the review's pockets
    eyfs = texts[titles.index("Early years: Reception: good level of development")]
    assert "Rutland 76% (provisional) against England 71%: above England - better." in eyfs
    assert "Version: provisional." in eyfs and "Source: " in eyfs and "Data date: loaded " in eyfs
    absence = texts[titles.index("Absence: Overall absence (all schools)")]
    assert "lower absence - better" in absence
    chart_slides = [s for s in presentation.slides if any(shape.shape_type == 13 for shape in s.shapes)]
    assert len(chart_slides) == sum(1 for s in pack.slides if s.chart_png)
    picture = next(shape for shape in chart_slides[0].shapes if shape.shape_type == 13)
    assert picture._element.nvPicPr.cNvPr.get("descr").startswith("Line chart of Reception")


def test_powerpoint_dates_are_the_database_build_time(packs):
    from pptx import Presentation

    pack = packs[0]
    stamp = summary.built_datetime(pack.summary.built_at)
    properties = Presentation(io.BytesIO(pack.pptx)).core_properties
    assert properties.created.replace(tzinfo=None) == stamp
    assert properties.modified.replace(tzinfo=None) == stamp
    assert properties.keywords == f"content_sha256={pack.summary.content_sha256}; built_at={pack.summary.built_at}"
    with zipfile.ZipFile(io.BytesIO(pack.pptx)) as archive:
        assert {i.date_time for i in archive.infolist()} == {dos_time(stamp)}


def test_pdf_opens_with_the_same_slides_and_numbers(packs):
    from pypdf import PdfReader

    pack = packs[0]
    reader = PdfReader(io.BytesIO(pack.pdf))
    assert len(reader.pages) == len(pack.slides)
    first = reader.pages[0].extract_text()
    assert "Rutland: education performance 2016/17" in first and pack.summary.content_sha256 in first
    every = "\n".join(page.extract_text() for page in reader.pages)
    assert "Rutland 76% (provisional) against England 71%" in every
    assert "6 of 17 state-funded mainstream primary schools with a figure were below national" in every.replace("\n", " ")
    assert "Sources" in reader.pages[-1].extract_text()
    metadata = reader.metadata
    assert metadata["/Keywords"] == f"content_sha256={pack.summary.content_sha256}; built_at={pack.summary.built_at}"
    assert metadata["/CreationDate"] == summary.built_datetime(pack.summary.built_at).strftime("D:%Y%m%d%H%M%SZ")
    assert sum(1 for page in reader.pages if "/XObject" in page["/Resources"]) == sum(
        1 for s in pack.slides if s.chart_png)


def test_without_the_map_section_there_is_no_map_note(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    pack = board_pack.build(con, "857", 2017, ["Phonics"])
    con.close()
    assert board_pack.MAP_NOTE not in pack.notes
    assert [s.title for s in pack.slides] == [
        "Rutland: education performance 2016/17", "Summary: Phonics", "Data status and release dates",
        "Phonics: Year 1 phonics: expected standard", "Sources"]
