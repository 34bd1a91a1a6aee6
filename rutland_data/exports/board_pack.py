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
import zipfile
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

import altair as alt
import pandas as pd
import vl_convert

from rutland_data.charts import trend as charts
from rutland_data.views import headlines
from rutland_data.reference import measures
from rutland_data.queries import la as queries
from rutland_data.reference import versions
from rutland_data.exports import summary as summary_module

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


@dataclass(frozen=True)
class Pack:
    pptx: bytes
    pdf: bytes
    slides: list[Slide]
    summary: summary_module.Summary
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def file_stem(self) -> str:
        return (f"board_pack_{self.summary.la_code}_{self.summary.year_label.replace('/', '-')}_"
                f"{self.summary.content_sha256[:8]}")


# ---------------------------------------------------------------- charts behind the bullets

@dataclass(frozen=True)
class DrawnChart:
    chart: alt.TopLevelMixin
    alt_text: str
    table: pd.DataFrame          # the data behind the chart, for the data table and CSV
    decimals: dict[str, int] = field(default_factory=dict)   # how the table's value columns are rounded on screen


def chart_for(con, la_code: str, end_year: int, chart: tuple,
              frames: dict[str, pd.DataFrame] | None = None) -> DrawnChart | None:
    """The chart a bullet came from (drawn as its page draws it), its alt text and data; None without data.
    `frames` are trend frames already read (the summary's), so words and chart show the same figures."""
    kind, key = chart
    dictionary = measures.by_id()
    if kind == "trend":
        measure = dictionary[key]
        frame = (frames or {}).get(key)
        if frame is None:
            frame = queries.trend(con, key, la_code, summary_module.NEIGHBOUR_SET)
        if frame["value"].notna().sum() == 0:
            return None
        return DrawnChart(charts.trend_chart(frame, measure, selected_year=end_year),
                          charts.trend_alt_text(frame, measure), headlines.trend_table(frame, measure),
                          {"value": measure.decimals})
    if kind == "schools":
        from rutland_data.charts import schools as school_charts
        from rutland_data.queries import schools as school_queries

        measure = dictionary[key]
        frame = school_queries.masking(con, la_code, key, end_year)
        frame = frame[frame["compared"]]  # state-funded mainstream schools, as the summary counts them
        table = frame[["school", "urn", "cohort_n", "value", "value_code", "ci_low", "ci_high", "significance",
                       "national", "la_value", "version", "source_id", "source_row"]]
        return DrawnChart(school_charts.dot_and_whisker(frame, measure, height_per_school=16,
                                                        la_name=queries.area_name(con, la_code)),
                          school_charts.dot_and_whisker_alt(frame, measure, queries.area_name(con, la_code),
                                                            queries.academic_year_label(end_year)), table)
    if kind == "destinations":
        from rutland_data.charts import destinations as post16_charts
        from rutland_data.queries import destinations as post16_queries

        shares = post16_queries.destination_shares(con, la_code, key, summary_module.NEIGHBOUR_SET)
        table = shares[["series", "category", "pupils", "cohort", "share", "value_code", "source_id", "source_row"]]
        return DrawnChart(post16_charts.destination_bars(shares), post16_charts.destination_alt_text(shares, key), table)
    if kind == "council_destinations":
        from rutland_data.charts import destinations as post16_charts
        from rutland_data.queries import destinations as post16_queries

        seed = post16_queries.seed_destinations(con, la_code)
        groups = post16_queries.county_summary(seed)
        groups = groups[groups["cohort_label"] == key]
        alt_text = (f"Stacked bar of the council's destination table, {key}: "
                    + "; ".join(f"{r.category_group} {r.pupils} of {r.cohort} ({r.share:.1f}%)"
                                for r in groups.itertuples()) + ".")
        return DrawnChart(post16_charts.group_bars(groups, post16_queries.group_order(seed)), alt_text, groups)
    if kind == "admissions":
        from rutland_data.charts import destinations as post16_charts
        from rutland_data.queries import destinations as post16_queries

        first = dictionary[f"admissions_first_pref_{key}"]
        frame = post16_queries.preference_breakdown(con, la_code, key, end_year, summary_module.NEIGHBOUR_SET)
        if frame["value"].notna().sum() == 0:
            return None
        alt_text = (f"Bar chart of offers by preference, {key}, {queries.academic_year_label(end_year)}. "
                    + ". ".join(f"{r.series}: {r.preference} {first.format(r.value, r.value_code)}"
                                for r in frame.itertuples()) + ".")
        table = frame[["series", "preference", "year_label", "value", "value_code", "version", "neighbours_counted",
                       "source_id", "source_row"]]
        return DrawnChart(post16_charts.preference_bars(frame, first.format), alt_text, table,
                          {"value": first.decimals})
    raise ValueError(f"unknown chart kind {kind!r}")


def _spec(chart: alt.TopLevelMixin) -> str:
    """The chart's Vega-Lite JSON at a fixed size (pages draw them at container width)."""
    spec = chart.properties(width=CHART_WIDTH_PX).to_dict(validate=False)
    spec.setdefault("height", CHART_HEIGHT_PX)
    return json.dumps(spec, sort_keys=True)


def rendered(chart: alt.TopLevelMixin) -> dict:
    """The chart as a PNG for both files, and its size in SVG units (its proportions on the slide)."""
    svg = vl_convert.vegalite_to_svg(_spec(chart))
    return {"chart_png": vl_convert.svg_to_png(svg, scale=PNG_SCALE), "chart_size": _svg_size(svg)}


# Drawing is most of a pack's build time. A chart depends only on the database content and what it
# shows, so charts are kept per (content checksum, LA, year, chart): a rebuilt database never reuses one.
_DRAWN: OrderedDict[tuple, dict] = OrderedDict()
_DRAWN_LIMIT = 512


def _drawn_chart(con, summary: summary_module.Summary, bullet: summary_module.Bullet) -> dict | None:
    key = (summary.content_sha256, summary.la_code, summary.end_year, bullet.chart)
    if key not in _DRAWN:
        drawn = chart_for(con, summary.la_code, summary.end_year, bullet.chart, summary.frames)
        _DRAWN[key] = None if drawn is None else {"chart_alt": drawn.alt_text, **rendered(drawn.chart)}
        while len(_DRAWN) > _DRAWN_LIMIT:
            _DRAWN.popitem(last=False)
    return _DRAWN[key]


# ---------------------------------------------------------------- slide content

def _sources_by_id(con, source_ids) -> pd.DataFrame:
    return queries.sources(con, list(source_ids)).set_index("source_id", drop=False)


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
    used = queries.sources(con, summary.source_ids)
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
    from rutland_data.queries import deprivation as geo_queries
    from rutland_data.charts import maps

    la_ons = geo_queries.la_ons_code(con, summary.la_code)
    editions = geo_queries.editions(con, la_ons) if la_ons else pd.DataFrame()
    if editions.empty:
        return None
    edition = int(editions.iloc[0]["edition"])
    lsoas = geo_queries.lsoa_deprivation(con, la_ons, edition, "imd")
    if lsoas.empty:
        return None
    pockets = geo_queries.pockets(lsoas)
    named = ", ".join(f"{r.lsoa_name} ({r.ward_name}, decile {int(r.decile)})" for r in pockets.itertuples())
    message = (f"{len(pockets)} of {len(lsoas)} small areas (LSOAs) are in the most deprived 40% of England "
               f"on the IoD{edition} Index of Multiple Deprivation" + (f": {named}." if named else "."))
    simulated = bool(editions.iloc[0]["is_simulated"])
    sources = _sources_by_id(con, {int(i) for i in lsoas["source_id"].dropna()})
    names = "; ".join(f"{r.file_name} ({'simulated' if r.is_simulated else r.publisher})" for r in sources.itertuples())
    chart = maps.static_decile_map(lsoas, f"IMD {edition}")
    alt_text = (f"Map of {summary.la_name}'s {len(lsoas)} LSOAs coloured by IoD{edition} IMD national decile, "
                f"each labelled with its decile. {message}")
    return Slide(title=f"Deprivation map: IoD{edition} Index of Multiple Deprivation",
                 message=message + (" [Simulated, approximate shapes.]" if simulated else ""),
                 chart_alt=alt_text, **rendered(chart),
                 footer=(f"Source: {names}.", "Wards are not official IoD geographies; LSOAs are shown on their own "
                         f"{geo_queries.edition_vintage(con, edition)} boundaries.", version))


# ---------------------------------------------------------------- frozen dates

def fixed_zip(data: bytes, stamp: datetime) -> bytes:
    """Rewrite an Office file's zip with every entry dated `stamp`, so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


# ---------------------------------------------------------------- PowerPoint

def _pptx(slides: list[Slide], summary: summary_module.Summary, stamp: datetime) -> bytes:
    from pptx import Presentation
    from pptx.util import Emu, Pt

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
    from PIL import Image
    from pypdf.generic import NameObject, NumberObject, StreamObject

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
    from pypdf import PageObject
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    text = _PageText()
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
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject

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

def build(con, la_code: str, end_year: int, sections: list[str] | None = None) -> Pack:
    """PowerPoint and PDF for the chosen sections (None = every section, map included)."""
    started = time.perf_counter()
    wanted = None if sections is None else [s for s in sections if s != summary_module.MAP]
    summary = summary_module.build(con, la_code, end_year, wanted)
    include_map = sections is None or summary_module.MAP in sections
    slides, notes = slides_for(con, summary, include_map=include_map)
    stamp = summary_module.built_datetime(summary.built_at)
    return Pack(pptx=_pptx(slides, summary, stamp), pdf=_pdf(slides, summary, stamp), slides=slides,
                summary=summary, notes=notes, seconds=time.perf_counter() - started)
