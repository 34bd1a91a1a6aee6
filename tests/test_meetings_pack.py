"""The board pack: PowerPoint and PDF open, hold the expected slides and numbers, and are identical
when built twice from one database."""
from __future__ import annotations

import io
import zipfile

import duckdb
import pytest

from rutland_data import __main__ as cli
from rutland_data.exports import __main__ as pack_command
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
    # chart slides are titled by their message (analysis/titles.py), not the measure's name
    eyfs_title = next(t for t in titles if t.startswith("GLD: "))
    absence_title = next(t for t in titles if t.startswith("Overall absence: "))
    assert eyfs_title.startswith("GLD: above England")
    assert absence_title.startswith("Overall absence: lower absence than England (better)")
    texts = slide_texts(presentation)
    assert pack.summary.content_sha256 in texts[0] and pack.summary.built_at in texts[0]
    assert board_pack.MAP_NOTE not in texts[0]  # the map is drawn, so nothing is reported missing
    assert titles[-2] == "Deprivation map: IoD2025 Index of Multiple Deprivation"
    deprivation = texts[-2]
    assert "small areas (LSOAs) are in the most deprived 40% of England" in deprivation
    assert "Greetham" in deprivation and "Oakham North West" in deprivation  # the review's pockets
    eyfs = texts[titles.index(eyfs_title)]
    assert "Rutland 76% (provisional) against England 71%: above England - better." in eyfs
    assert "Version: provisional." in eyfs and "Source: " in eyfs and "Data date: loaded " in eyfs
    absence = texts[titles.index(absence_title)]
    assert "lower absence - better" in absence
    chart_slides = [s for s in presentation.slides if any(shape.shape_type == 13 for shape in s.shapes)]
    assert len(chart_slides) == sum(1 for s in pack.slides if s.chart_png)
    picture = next(shape for shape in chart_slides[0].shapes if shape.shape_type == 13)
    assert picture._element.nvPicPr.cNvPr.get("descr").startswith("Line chart of Reception")


def test_chart_images_are_opaque_rgb_with_the_charts_white_background(packs):
    """Charts are embedded as RGB (WeasyPrint would split an alpha channel out of each and compress it again)."""
    from PIL import Image

    images = [Image.open(io.BytesIO(s.chart_png)) for s in packs[0].slides if s.chart_png]
    assert images and {image.mode for image in images} == {"RGB"}
    assert all(image.getpixel((0, 0)) == (255, 255, 255) for image in images)


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


def test_every_pack_chart_is_valid_vega_lite(demo_db):
    """Figures' specs are not checked against the schema when they are built (`style.page_spec`): every chart a
    full pack draws is checked here, in the JSON form vl-convert is given."""
    import altair as alt

    from rutland_data.charts import figures
    from rutland_data.charts.style import json_spec

    con = duckdb.connect(str(demo_db), read_only=True)
    generated = summary.build(con, "857", 2017)
    drawn = [figures.for_bullet(con, "857", 2017, bullet.chart) for bullet in generated.bullets]
    drawn.append(figures.decile_map(con, "857"))
    con.close()
    drawn = [figure for figure in drawn if figure is not None]
    assert len(drawn) > 30
    for figure in drawn:
        alt.Root.validate(json_spec(figure.spec))


def test_without_the_map_section_there_is_no_map_note(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    pack = board_pack.build(con, "857", 2017, ["Phonics"])
    con.close()
    assert board_pack.MAP_NOTE not in pack.notes
    assert [s.title for s in pack.slides] == [
        "Rutland: education performance 2016/17", "Summary: Phonics", "Data status and release dates",
        "Phonics Y1: above England for five years, gap narrowing", "Sources"]


# ---------------------------------------------------------------- the PDF is tagged (PDF/UA-1)

def structure(node, found=None):
    """Every structure element of a tagged PDF's tree as (role, its dictionary), depth first."""
    found = [] if found is None else found
    node = node.get_object()
    if "/S" in node:
        found.append((str(node["/S"]), node))
    kids = node.get("/K")
    kids = [] if kids is None else kids.get_object()
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object()
        if hasattr(kid, "keys") and kid.get("/Type") not in ("/MCR", "/OBJR"):
            structure(kid, found)
    return found


def test_pdf_is_tagged_with_language_title_headings_figures_and_table_headers(packs):
    from pypdf import PdfReader

    pack = packs[0]
    reader = PdfReader(io.BytesIO(pack.pdf))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    assert reader.metadata["/Title"] == "Rutland: education performance 2016/17"
    assert 'pdfuaid:part="1"' in reader.xmp_metadata.rdf_root.toxml()
    elements = structure(root["/StructTreeRoot"])
    roles = [role for role, _ in elements]
    assert roles.count("/H1") == 1 and roles.count("/H2") == len(pack.slides) - 1
    figures = [node for role, node in elements if role == "/Figure"]
    assert [str(f["/Alt"]) for f in figures] == [s.chart_alt for s in pack.slides if s.chart_png]
    assert all(str(f["/Alt"]).strip() for f in figures)
    table = next(node for role, node in elements if role == "/Table")
    headers = [node for role, node in structure(table) if role == "/TH"]
    assert len(headers) == len(pack.slides[-1].table.columns)   # the sources table: a header per column
    assert "/TD" in [role for role, _ in structure(table)]


def test_every_pdf_page_carries_the_data_version(packs):
    from pypdf import PdfReader

    pack = packs[0]
    stamp = board_pack.data_version_line(pack.summary)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pack.pdf)).pages]
    assert all(stamp in " ".join(text.split()) for text in pages)


def test_pdf_text_says_what_the_summary_says(packs):
    """Every bullet of the summary, every chart slide's message and title, as the PDF's extracted text."""
    from pypdf import PdfReader

    pack = packs[0]
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pack.pdf)).pages).split())
    text = text.replace("- ", "-")   # a line broken after a hyphen
    for bullet in pack.summary.bullets:
        assert " ".join(bullet.text.split()).replace("- ", "-") in text, bullet.text
    for slide in pack.slides:
        assert " ".join(slide.title.split()) in text


# ---------------------------------------------------------------- the pack's tables as ODS

def test_pack_tables_as_ods_read_back_with_the_same_values(packs):
    import pandas as pd

    from rutland_data.charts import tables

    pack = packs[0]
    sheets = pd.read_excel(io.BytesIO(pack.ods), engine="odf", sheet_name=None)
    charted = [s for s in pack.slides if s.chart_data is not None]
    assert len(sheets) == len(charted) + 1 and list(sheets)[-1] == "Sources"
    for (name, read), slide in zip(sheets.items(), charted):
        expected = tables.csv_table(slide.chart_data).reset_index(drop=True)
        assert list(read.columns) == list(expected.columns), name
        for column in expected.columns:
            if pd.api.types.is_numeric_dtype(expected[column]):
                pd.testing.assert_series_equal(read[column].astype(float), expected[column].astype(float),
                                               check_names=False)
            else:
                assert list(map(cell_text, read[column])) == list(map(cell_text, expected[column])), (name, column)
    assert first_entry_is_stored_mimetype(pack.ods)


def cell_text(value):
    """A text cell as a spreadsheet holds it: an empty string is an empty cell."""
    import pandas as pd

    return None if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "" else str(value)


def first_entry_is_stored_mimetype(ods: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(ods)) as archive:
        first = archive.infolist()[0]
        return (first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
                and archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet")


def test_ods_keeps_markers_as_codes_beside_an_empty_value():
    import pandas as pd

    from rutland_data.exports import spreadsheet

    frame = pd.DataFrame({"school": ["A", "B", "C"], "value": [61.5, None, 0.0], "value_code": [None, "c", None],
                          "version": ["final", None, "provisional"]})
    read = pd.read_excel(io.BytesIO(spreadsheet.ods_bytes({"Schools: KS2 [all]": frame})), engine="odf",
                         sheet_name=None)
    assert list(read) == ["Schools  KS2  all"]   # characters spreadsheets refuse in a sheet name are replaced
    sheet = read["Schools  KS2  all"]
    assert sheet["value"].iloc[0] == 61.5 and pd.isna(sheet["value"].iloc[1]) and sheet["value"].iloc[2] == 0
    assert sheet["value_code"].iloc[1] == "c" and pd.isna(sheet["value_code"].iloc[0])
    assert list(sheet["version"]) == ["final", "unstated", "provisional"]


# ---------------------------------------------------------------- python -m rutland_data pack

def test_pack_command_writes_the_meetings_pages_files(demo_db, tmp_path, monkeypatch, capfd):
    """`python -m rutland_data pack` runs the pack's own command in a child process (the build does without
    its imports): the files it writes are the Meetings page's pack, byte for byte."""
    monkeypatch.setenv("DASHBOARD_DB", str(demo_db))
    assert cli.main(["pack", "--year", "2016/17", "--out", str(tmp_path / "papers")]) == 0
    out = capfd.readouterr()
    con = duckdb.connect(str(demo_db), read_only=True)
    pack = board_pack.build(con, "857", 2017)   # what the Meetings page builds with every section chosen
    con.close()
    written = {path.suffix: path.read_bytes() for path in (tmp_path / "papers").iterdir()}
    assert sorted(written) == [".ods", ".pdf", ".pptx"]
    assert {path.name for path in (tmp_path / "papers").iterdir()} == {f"{pack.file_stem}{s}" for s in written}
    assert written == {".pptx": pack.pptx, ".pdf": pack.pdf, ".ods": pack.ods}
    assert board_pack.data_version_line(pack.summary) in out.out


def test_pack_command_refuses_a_bad_year(demo_db, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DASHBOARD_DB", str(demo_db))
    assert pack_command.main(["--year", "2016-17", "--out", str(tmp_path)]) == 2
    assert "expected an academic year such as 2024/25" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
