"""The board pack: one call builds a PowerPoint and a PDF for a meeting, frozen to a data version.

Each chart slide carries its one-line message, source, version and data date; the pack
opens with the database content checksum and build time, so a figure quoted in a paper
can be traced to the exact data it came from. Every date written into the files (PowerPoint
core properties, zip entry times, PDF metadata) is the database's build time, never now(),
so two builds from the same database give byte-identical files.

Charts are drawn once as SVG with vl-convert: the PDF embeds the SVG (vector, real text),
the PowerPoint a PNG rendered from the same SVG. The PDF pages are SVG pages converted by
vl-convert and joined with pypdf - no extra dependency.
"""
from __future__ import annotations

import io
import json
import re
import textwrap
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import datetime

import pandas as pd
import vl_convert
from PIL import Image
from pptx import Presentation
from pptx.util import Emu, Pt
from pypdf import PageObject, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, NumberObject, StreamObject

from rutland_data import access
from rutland_data.charts import figures
from rutland_data.charts.style import json_spec
from rutland_data.exports import summary as summary_module
from rutland_data.exports.office import built_datetime, fixed_zip
from rutland_data.queries import sources as source_queries
from rutland_data.reference import versions
from rutland_data.views import deprivation as deprivation_views
from rutland_data.views import local_returns as local_views

SLIDE_WIDTH_PT, SLIDE_HEIGHT_PT = 960, 540          # 13.333 x 7.5 inches, 16:9
CHART_WIDTH_PX, CHART_HEIGHT_PX = 820, 300          # the chart's plotting size before it is fitted to the slide
CHART_BOX = (40, 150, 880, 300)                      # x, y, width, height (points) where a chart goes
PNG_SCALE = 1.25                                     # about 120 dpi on the slide
SUMMARY_CHARS_PER_SLIDE = 900
MAP_NOTE = ("Deprivation map: not included - no deprivation figures are loaded for this LA's small areas; "
            "open the dashboard's Deprivation map page instead.")


@dataclass(frozen=True)
class Slide:
    title: str
    message: str = ""
    bullets: tuple[str, ...] = ()
    chart_png: bytes | None = None
    chart_size: tuple[float, float] = (0, 0)
    chart_alt: str = ""
    footer: tuple[str, ...] = ()
    table: pd.DataFrame | None = None
    unvalidated: bool = False        # uses the council's own returns: every writer marks it UNVALIDATED_MARK


@dataclass(frozen=True)
class Pack:
    pptx: bytes
    pdf: bytes
    slides: list[Slide]
    summary: summary_module.Summary
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def unvalidated(self) -> bool:
        return any(slide.unvalidated for slide in self.slides)

    @property
    def file_stem(self) -> str:
        return (f"board_pack_{self.summary.la_code}_{self.summary.year_label.replace('/', '-')}_"
                f"{self.summary.content_sha256[:8]}" + ("_UNVALIDATED" if self.unvalidated else ""))


# ---------------------------------------------------------------- charts behind the bullets

def _spec(spec: dict) -> str:
    """A figure's Vega-Lite JSON at a fixed size (pages draw them at container width)."""
    fixed = {**json_spec(spec), "width": CHART_WIDTH_PX}
    fixed.setdefault("height", CHART_HEIGHT_PX)
    return json.dumps(fixed, sort_keys=True)


def rendered(spec: dict) -> dict:
    """The chart as a PNG for both files, and its size in SVG units (its proportions on the slide)."""
    svg = vl_convert.vegalite_to_svg(_spec(spec))
    return {"chart_png": vl_convert.svg_to_png(svg, scale=PNG_SCALE), "chart_size": _svg_size(svg)}


# Drawing is most of a pack's build time. A chart depends only on the database content and what it
# shows, so charts are kept per (content checksum, LA, year, chart): a rebuilt database never reuses one.
_DRAWN: OrderedDict[tuple, dict] = OrderedDict()
_DRAWN_LIMIT = 512


def _drawn_chart(con, summary: summary_module.Summary, bullet: summary_module.Bullet) -> dict | None:
    key = (summary.content_sha256, summary.la_code, summary.end_year, bullet.chart)
    if key not in _DRAWN:
        figure = figures.for_bullet(con, summary.la_code, summary.end_year, bullet.chart)
        _DRAWN[key] = None if figure is None else {"chart_alt": figure.alt_text, **rendered(figure.spec)}
        while len(_DRAWN) > _DRAWN_LIMIT:
            _DRAWN.popitem(last=False)
    return _DRAWN[key]


# ---------------------------------------------------------------- slide content

def _sources_by_id(con, source_ids) -> pd.DataFrame:
    return source_queries.sources(con, list(source_ids)).set_index("source_id", drop=False)


def _footer(bullet: summary_module.Bullet, sources: pd.DataFrame, data_version: str) -> tuple[str, ...]:
    used = sources.loc[[s for s in bullet.source_ids if s in sources.index]]
    names = "; ".join(f"{r.file_name} ({'simulated' if r.is_simulated else r.publisher})" for r in used.itertuples())
    loaded = sorted({f"{r.loaded_at:%d %b %Y}" for r in used.itertuples()})
    releases = list(dict.fromkeys(used["release_note"].dropna()))
    version = "; ".join(dict.fromkeys(versions.phrase(v) for v in bullet.versions)) or "version not stated"
    lines = [f"Source: {names or 'none'}.",
             f"Version: {version}. Data date: loaded {', '.join(loaded) or 'unknown'}"
             + (f"; release: {' '.join(releases)}" if releases else "") + ".",
             data_version]
    return tuple(lines)


def _summary_slides(summary: summary_module.Summary) -> list[Slide]:
    """The summary bullets, a section at a time, split so each slide stays readable."""
    slides = []
    for section, bullets in summary.sections.items():
        chunk: list[str] = []
        for text in (b.text for b in bullets):
            if chunk and sum(map(len, chunk)) + len(text) > SUMMARY_CHARS_PER_SLIDE:
                slides.append(Slide(title=f"Summary: {section}", bullets=tuple(chunk)))
                chunk = []
            chunk.append(text)
        slides.append(Slide(title=f"Summary: {section}", bullets=tuple(chunk)))
    slides.append(Slide(title="Data status and release dates", bullets=tuple(summary.status)))
    return slides


def _sources_slide(con, summary: summary_module.Summary) -> Slide:
    used = source_queries.sources(con, summary.source_ids)
    table = pd.DataFrame({
        "ID": used["source_id"].astype(str),
        "File": used["file_name"],
        "Publisher": ["simulated (demo)" if s else p for s, p in zip(used["is_simulated"], used["publisher"])],
        "sha256": [f"{h[:12]}…" for h in used["sha256"]],
        "Loaded": [f"{t:%d %b %Y}" for t in used["loaded_at"]],
        "Release / status": used["release_note"].fillna(""),
    })
    return Slide(title="Sources", message="Every figure in this pack, traced to its file and checksum.",
                 table=table, footer=(data_version_line(summary),))


def data_version_line(summary: summary_module.Summary) -> str:
    return f"Data version: database content sha256 {summary.content_sha256[:16]}…, built {summary.built_at}."


def slides_for(con, summary: summary_module.Summary, include_map: bool = True) -> tuple[list[Slide], list[str]]:
    """Title, summary, one slide per charted bullet, then sources; and notes on anything left out."""
    version = data_version_line(summary)
    map_slide = _map_slide(con, summary, version) if include_map else None
    notes = list(summary.notes) + ([MAP_NOTE] if include_map and map_slide is None else [])
    slides = [Slide(
        title=f"{summary.la_name}: education performance {summary.year_label}",
        message="Board pack generated by the education performance dashboard.",
        bullets=(f"Database content sha256: {summary.content_sha256}",
                 f"Database built: {summary.built_at}",
                 "Figures are frozen to this data version; rebuilding from the same database gives the same pack.",
                 f"Sections: {', '.join(summary.sections)}.", *notes),
    )]
    slides += _summary_slides(summary)
    sources = _sources_by_id(con, summary.source_ids)
    for bullet in summary.bullets:
        drawn = _drawn_chart(con, summary, bullet)
        if drawn is None:
            continue
        slides.append(Slide(title=f"{bullet.section}: {bullet.title}",
                            message=bullet.message + (" [Simulated data.]" if bullet.simulated else ""),
                            **drawn,
                            footer=_footer(bullet, sources, version)))
    if map_slide is not None:
        slides.append(map_slide)
    slides.append(_sources_slide(con, summary))
    return slides, notes


def _map_slide(con, summary: summary_module.Summary, version: str) -> Slide | None:
    """The newest IoD edition's IMD by LSOA as a still map, with the pockets (deciles 1-4) in words."""
    newest = deprivation_views.newest_imd(con, summary.la_code)
    figure = figures.decile_map(con, summary.la_code)
    if newest is None or figure is None:
        return None
    sources = _sources_by_id(con, figure.source_ids)
    names = "; ".join(f"{r.file_name} ({'simulated' if r.is_simulated else r.publisher})" for r in sources.itertuples())
    return Slide(title=figure.title,
                 message=newest.message + (" [Simulated, approximate shapes.]" if newest.is_simulated else ""),
                 chart_alt=figure.alt_text, **rendered(figure.spec),
                 footer=(f"Source: {names}.", "Wards are not official IoD geographies; LSOAs are shown on their own "
                         f"{newest.lsoa_vintage} boundaries.", version))


# ---------------------------------------------------------------- PowerPoint

def _pptx(slides: list[Slide], summary: summary_module.Summary, stamp: datetime) -> bytes:
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = Pt(SLIDE_WIDTH_PT), Pt(SLIDE_HEIGHT_PT)
    title_only = presentation.slide_layouts[5]

    def text_box(slide, x, y, w, h, lines, size, bold=False, bullets=False):
        frame = slide.shapes.add_textbox(Pt(x), Pt(y), Pt(w), Pt(h)).text_frame
        frame.word_wrap = True
        for i, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            paragraph.text = ("• " if bullets else "") + line
            paragraph.font.size, paragraph.font.bold = Pt(size), bold
            paragraph.space_after = Pt(size * 0.4 if bullets else 0)

    for content in slides:
        slide = presentation.slides.add_slide(title_only)
        title = slide.shapes.title
        title.left, title.top, title.width, title.height = Pt(40), Pt(20), Pt(880), Pt(60)
        title.text = content.title
        title.text_frame.paragraphs[0].font.size = Pt(28)
        if content.unvalidated:
            text_box(slide, 560, 2, 380, 20, [local_views.UNVALIDATED_MARK], 12, bold=True)
        top = 85
        if content.message:
            text_box(slide, 40, top, 880, 55, [content.message], 16, bold=True)
            top = CHART_BOX[1]
        if content.bullets:
            size = 13 if sum(map(len, content.bullets)) > 500 else 16
            text_box(slide, 40, top, 880, 440 - top + 60, list(content.bullets), size, bullets=True)
        if content.chart_png:
            x, y, w, h = _fit_size(*content.chart_size, CHART_BOX)
            picture = slide.shapes.add_picture(io.BytesIO(content.chart_png), Pt(x), Pt(y), Pt(w), Pt(h))
            picture._element.nvPicPr.cNvPr.set("descr", content.chart_alt)  # alt text for screen readers
        if content.table is not None:
            rows, cols = len(content.table) + 1, len(content.table.columns)
            shape = slide.shapes.add_table(rows, cols, Pt(40), Pt(130), Pt(880), Pt(min(360, 24 * rows)))
            for c, column in enumerate(content.table.columns):
                shape.table.cell(0, c).text = column
                for r, value in enumerate(content.table[column], start=1):
                    shape.table.cell(r, c).text = str(value)
            for cell in (shape.table.cell(r, c) for r in range(rows) for c in range(cols)):
                cell.text_frame.paragraphs[0].font.size = Pt(9)
            widths = [40, 250, 150, 100, 80, 260]
            for c, width in enumerate(widths[:cols]):
                shape.table.columns[c].width = Emu(Pt(width))
        if content.footer:
            text_box(slide, 40, 462, 880, 70, list(content.footer), 9)
    properties = presentation.core_properties
    properties.title = f"{summary.la_name}: education performance {summary.year_label}"
    properties.subject = "Board pack"
    properties.author = properties.last_modified_by = "Education performance dashboard"
    properties.keywords = f"content_sha256={summary.content_sha256}; built_at={summary.built_at}"
    properties.comments = summary_module.provenance_line(summary)
    properties.created = properties.modified = properties.last_printed = stamp
    properties.revision = 1
    buffer = io.BytesIO()
    presentation.save(buffer)
    return fixed_zip(buffer.getvalue(), stamp)


def _svg_size(svg: str) -> tuple[float, float]:
    root = re.search(r"<svg[^>]*>", svg).group(0)
    return (float(re.search(r'width="([\d.]+)', root).group(1)),
            float(re.search(r'height="([\d.]+)', root).group(1)))


def _fit_size(width: float, height: float, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The chart's place in `box` (x, y from the top, w, h), keeping its proportions, centred horizontally."""
    x, y, w, h = box
    scale = min(w / width, h / height)
    return x + (w - width * scale) / 2, y, width * scale, height * scale


# ---------------------------------------------------------------- PDF

def _pdf_string(text: str) -> str:
    """Text as a PDF literal string in WinAnsi (the standard Helvetica's encoding)."""
    raw = text.encode("cp1252", errors="replace").decode("latin-1")
    return "(" + raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _wrap(text: str, size: float, width: float, indent: str = "") -> list[str]:
    """Lines that fit `width` points in Helvetica (average glyph about 0.52 em)."""
    return textwrap.wrap(text, width=max(20, int(width / (size * 0.52))), subsequent_indent=indent) or [""]


class _PageText:
    """PDF text operators for one page, written top-down in slide coordinates (y from the top)."""

    def __init__(self):
        self.operators: list[str] = ["0.043 0.047 0.047 rg"]
        self.y = 0.0

    def lines(self, lines: list[str], size: float, *, x: float = 40, bold: bool = False, top: float | None = None):
        self.y = self.y if top is None else top
        for line in lines:
            self.y += size * 1.3
            self.operators.append(f"BT /{'PackF2' if bold else 'PackF1'} {size} Tf {x} {SLIDE_HEIGHT_PT - self.y:.1f} Td "
                                  f"{_pdf_string(line)} Tj ET")

    def content(self) -> bytes:
        return "\n".join(self.operators).encode("latin-1")


def _image_xobject(writer, png: bytes):
    """The chart PNG as a PDF image (RGB on white, Flate-compressed): deterministic, unlike
    vector PDF output whose internal resource names change from run to run."""
    with Image.open(io.BytesIO(png)) as image:
        flat = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        flat.paste(rgba, mask=rgba.getchannel("A"))
    made = StreamObject()
    made._data = zlib.compress(flat.tobytes(), 3)
    made.update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
        NameObject("/Width"): NumberObject(flat.width), NameObject("/Height"): NumberObject(flat.height),
        NameObject("/ColorSpace"): NameObject("/DeviceRGB"), NameObject("/BitsPerComponent"): NumberObject(8),
        NameObject("/Filter"): NameObject("/FlateDecode"),
    })
    return writer._add_object(made)


def _pdf_page(writer, content: Slide, fonts) -> None:
    text = _PageText()
    if content.unvalidated:
        text.lines([local_views.UNVALIDATED_MARK], 11, x=620, bold=True, top=2)
    text.lines(_wrap(content.title, 24, 880), 24, bold=True, top=20)
    if content.message:
        text.lines(_wrap(content.message, 14, 880), 14, bold=True, top=text.y + 8)
    if content.bullets:
        size = 11 if sum(map(len, content.bullets)) > 500 else 14
        for bullet in content.bullets:
            text.lines(_wrap("• " + bullet, size, 870, "   "), size, top=text.y + 5)
    if content.table is not None:
        text.y += 8
        for index, row in enumerate([list(content.table.columns)] + content.table.astype(str).values.tolist()):
            text.lines(_wrap(" | ".join(row), 8, 880, "    "), 8, bold=index == 0, top=text.y + 2)
    if content.footer:
        footer = [line for item in content.footer for line in _wrap(item, 8, 880, "  ")]
        text.lines(footer, 8, top=SLIDE_HEIGHT_PT - 14 - 8 * 1.3 * len(footer))
    resources = DictionaryObject({NameObject("/Font"): fonts})
    if content.chart_png:
        x, y, w, h = _fit_size(*content.chart_size, CHART_BOX)
        text.operators.append(f"q {w:.2f} 0 0 {h:.2f} {x:.2f} {SLIDE_HEIGHT_PT - y - h:.2f} cm /PackChart Do Q")
        resources[NameObject("/XObject")] = DictionaryObject(
            {NameObject("/PackChart"): _image_xobject(writer, content.chart_png)})
    stream = DecodedStreamObject()
    stream.set_data(text.content())
    page = writer.add_page(PageObject.create_blank_page(width=SLIDE_WIDTH_PT, height=SLIDE_HEIGHT_PT))
    page[NameObject("/Contents")] = writer._add_object(stream)
    page[NameObject("/Resources")] = resources


def _pdf_date(stamp: datetime) -> str:
    return stamp.strftime("D:%Y%m%d%H%M%SZ")


def _pdf(slides: list[Slide], summary: summary_module.Summary,
         stamp: datetime) -> bytes:
    """Text in the standard Helvetica (no font embedded, text extractable), charts as vector pages."""
    writer = PdfWriter()
    fonts = DictionaryObject({
        NameObject(f"/{key}"): writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject(f"/{base}"), NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        })) for key, base in (("PackF1", "Helvetica"), ("PackF2", "Helvetica-Bold"))
    })
    for content in slides:
        _pdf_page(writer, content, fonts)
    writer.add_metadata({
        "/Title": f"{summary.la_name}: education performance {summary.year_label}",
        "/Subject": "Board pack",
        "/Author": "Education performance dashboard",
        "/Keywords": f"content_sha256={summary.content_sha256}; built_at={summary.built_at}",
        "/Producer": "rutland_data.board_pack (vl-convert, pypdf)",
        "/CreationDate": _pdf_date(stamp),
        "/ModDate": _pdf_date(stamp),
    })
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- the pack

def build(con, la_code: str, end_year: int, sections: list[str] | None = None,
          local_slides: tuple[Slide, ...] = ()) -> Pack:
    """PowerPoint and PDF for the chosen sections (None = every section, map included); `local_slides`
    (an officer's pack: `build_with_local_returns`) go before the sources slide, and mark the title slide."""
    started = time.perf_counter()
    wanted = None if sections is None else [s for s in sections if s != summary_module.MAP]
    summary = summary_module.build(con, la_code, end_year, wanted)
    include_map = sections is None or summary_module.MAP in sections
    slides, notes = slides_for(con, summary, include_map=include_map)
    if local_slides:
        slides = [replace(slides[0], unvalidated=True), *slides[1:-1], *local_slides, slides[-1]]
    stamp = built_datetime(summary.built_at)
    return Pack(pptx=_pptx(slides, summary, stamp), pdf=_pdf(slides, summary, stamp), slides=slides,
                summary=summary, notes=notes, seconds=time.perf_counter() - started)


@access.officer_only
def build_with_local_returns(con, la_code: str, end_year: int, sections: list[str] | None, local_path: str,
                             local_identity) -> Pack:
    """An officer's pack: the pack, plus a slide per LA-held measure of the council's own unvalidated returns (its
    latest year), as disclosure-controlled tables; those slides and the title slide read UNVALIDATED_MARK."""
    choices = local_views.choices(con, local_path, local_identity, la_code)
    local_slides = []
    for measure_id, label in choices.measures.items():
        year_label = choices.years[measure_id][-1]
        table = local_views.shareable_table(con, local_path, local_identity, la_code, measure_id, year_label)
        if table.empty:  # every figure of that year is superseded: the official ones are in the pack already
            continue
        local_slides.append(Slide(
            title=f"LA-held results: {label} {year_label}", unvalidated=True,
            message=f"The council's own returns, not published figures. {local_views.UNVALIDATED_MARK}.",
            table=table.astype(str),
            footer=("Source: the council's own school returns (Local data page), checked on upload; counts of 1-5, "
                    "and any count they could be worked out from, are hidden (DNS).",)))
    return build(con, la_code, end_year, sections, tuple(local_slides))
