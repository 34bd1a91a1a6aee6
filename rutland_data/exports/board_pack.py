"""The board pack: one call builds a PowerPoint and a PDF for a meeting, frozen to a data version.

Each chart slide carries its one-line message, source, version and data date; the pack
opens with the database content checksum and build time, so a figure quoted in a paper
can be traced to the exact data it came from. Every date written into the files (PowerPoint
core properties, zip entry times, PDF metadata) is the database's build time, never now(),
so two builds from the same database give byte-identical files.

Charts are drawn once with vl-convert, as a PNG both files embed with the chart's alt text. The PDF
is an accessible tagged PDF (PDF/UA-1) that WeasyPrint writes from an HTML page of the same slides:
headings, lists, tables with column headers and images with alt text become its structure tree.
Both, and the spreadsheet, are made in worker processes (`pack_workers`), beside the figures' queries and the
PowerPoint.
"""
from __future__ import annotations

import io
import json
import time
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import datetime
from html import escape

import pandas as pd
from pptx import Presentation
from pptx.util import Emu, Pt

from rutland_data import access
from rutland_data.charts import figures
from rutland_data.charts.style import json_spec
from rutland_data.exports import pack_workers, spreadsheet
from rutland_data.exports import summary as summary_module
from rutland_data.exports.office import built_datetime, fixed_zip
from rutland_data.queries import la as la_queries
from rutland_data.queries import sources as source_queries
from rutland_data.queries.kept import kept_results
from rutland_data.reference import versions
from rutland_data.reference.codes import neighbour_set_for
from rutland_data.views import deprivation as deprivation_views
from rutland_data.views import meetings as meeting_views
from rutland_data.views import local_returns as local_views

SLIDE_WIDTH_PT, SLIDE_HEIGHT_PT = 960, 540          # 13.333 x 7.5 inches, 16:9
CHART_WIDTH_PX, CHART_HEIGHT_PX = 820, 300          # the chart's plotting size before it is fitted to the slide
CHART_BOX = (40, 150, 880, 300)                      # x, y, width, height (points) where a chart goes
SUMMARY_CHARS_PER_SLIDE = 900
TITLE_CHARS_AT_FULL_SIZE = 60                       # a longer message title is set smaller, to stay in two lines
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
    chart_data: pd.DataFrame | None = None   # the table behind the chart (in the pack's spreadsheet)
    chart_name: str = ""                     # the chart's short title: the spreadsheet's sheet name


@dataclass(frozen=True)
class Pack:
    pptx: bytes
    pdf: bytes
    ods: bytes              # the pack's tables: one sheet per chart's data, then the sources
    slides: list[Slide]
    summary: summary_module.Summary
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    stages: tuple[tuple[str, float], ...] = ()   # (step, seconds) of the build in the building process, in order

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


def _drawing(figure: figures.Figure) -> Future:
    """The figure's chart, being drawn in a worker (`pack_workers.draw`)."""
    return pack_workers.draw(_spec(figure.spec))


def _chart_fields(figure: figures.Figure, drawing: Future) -> dict:
    """A chart slide's fields for `figure`, once its drawing is done: the PNG both files embed and its size."""
    png, size = drawing.result()
    return {"chart_alt": figure.alt_text, "chart_data": figure.table, "chart_name": figure.title,
            "chart_png": png, "chart_size": size}


# Drawing is most of a pack's build time. A chart depends only on the database content and what it
# shows, so charts are kept per (content checksum, LA, year, chart): a rebuilt database never reuses one.
_DRAWN: OrderedDict[tuple, dict] = OrderedDict()
_DRAWN_LIMIT = 512


def _drawn_charts(con, summary: summary_module.Summary) -> list[dict | None]:
    """Each bullet's chart slide fields (None: nothing to draw). Every figure not kept yet is read and sent to be
    drawn before the first drawing is waited for, so the workers draw while the next figures are read."""
    keys = [(summary.content_sha256, summary.la_code, summary.end_year, bullet.chart) for bullet in summary.bullets]
    pending: dict[tuple, tuple[figures.Figure, Future] | None] = {}
    la_queries.read_trends_together(con, [bullet.chart[1] for key, bullet in zip(keys, summary.bullets)
                                          if bullet.chart[0] == "trend" and key not in _DRAWN],
                                    summary.la_code, neighbour_set_for("England"))
    for key, bullet in zip(keys, summary.bullets):
        if key not in _DRAWN and key not in pending:
            figure = figures.for_bullet(con, summary.la_code, summary.end_year, bullet.chart)
            pending[key] = None if figure is None else (figure, _drawing(figure))
    for key, drawing in pending.items():
        _DRAWN[key] = None if drawing is None else _chart_fields(*drawing)
    drawn = [_DRAWN[key] for key in keys]
    while len(_DRAWN) > _DRAWN_LIMIT:
        _DRAWN.popitem(last=False)
    return drawn


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
        for text in (t for b in bullets for t in (b.text, *(f"{summary_module.COMMENTARY_LABEL}: {c}"
                                                                for c in b.commentary))):
            if chunk and sum(map(len, chunk)) + len(text) > SUMMARY_CHARS_PER_SLIDE:
                slides.append(Slide(title=f"Summary: {section}", bullets=tuple(chunk)))
                chunk = []
            chunk.append(text)
        slides.append(Slide(title=f"Summary: {section}", bullets=tuple(chunk)))
    if summary.commentary:
        slides.append(Slide(title=f"{summary_module.COMMENTARY_LABEL}: {summary.meeting}",
                            bullets=summary.commentary))
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
    map_slide = _map_slide(con, summary, version) if include_map else None   # drawn while the bullets are read
    notes = list(summary.notes) + ([MAP_NOTE] if include_map and map_slide is None else [])
    slides = [Slide(
        title=f"{summary.la_name}: education performance {summary.year_label}",
        message="Board pack generated by the education performance dashboard.",
        bullets=(f"Database content sha256: {summary.content_sha256}",
                 f"Database built: {summary.built_at}",
                 "Figures are frozen to this data version; rebuilding from the same database gives the same pack.",
                 *([f"Meeting: {summary.meeting}."] if summary.meeting else []),
                 f"Sections: {', '.join(summary.sections)}.", *notes),
    )]
    slides += _summary_slides(summary)
    sources = _sources_by_id(con, summary.source_ids)
    for bullet, drawn in zip(summary.bullets, _drawn_charts(con, summary)):
        if drawn is None:
            continue
        slides.append(Slide(title=meeting_views.chart_title(con, summary.la_code, summary.end_year, bullet.section,
                                                            bullet.title, bullet.chart),
                            message=bullet.message + (" [Simulated data.]" if bullet.simulated else "")
                            + "".join(f" {summary_module.COMMENTARY_LABEL}: {c}" for c in bullet.commentary),
                            **drawn,
                            footer=_footer(bullet, sources, version)))
    if map_slide is not None:
        text, figure, drawing = map_slide
        slides.append(Slide(**text, **_chart_fields(figure, drawing)))
    slides.append(_sources_slide(con, summary))
    return slides, notes


def _map_slide(con, summary: summary_module.Summary, version: str) -> tuple[dict, figures.Figure, Future] | None:
    """The newest IoD edition's IMD by LSOA as a still map, with the pockets (deciles 1-4) in words: the slide's
    text, its figure, and the figure's drawing (a slide once the drawing is done: `_chart_fields`)."""
    newest = deprivation_views.newest_imd(con, summary.la_code)
    figure = figures.decile_map(con, summary.la_code)
    if newest is None or figure is None:
        return None
    sources = _sources_by_id(con, figure.source_ids)
    names = "; ".join(f"{r.file_name} ({'simulated' if r.is_simulated else r.publisher})" for r in sources.itertuples())
    text = {"title": figure.title,
            "message": newest.message + (" [Simulated, approximate shapes.]" if newest.is_simulated else ""),
            "footer": (f"Source: {names}.", "Wards are not official IoD geographies; LSOAs are shown on their own "
                       f"{newest.lsoa_vintage} boundaries.", version)}
    return text, figure, _drawing(figure)


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
        title.text_frame.paragraphs[0].font.size = Pt(28 if len(content.title) <= TITLE_CHARS_AT_FULL_SIZE else 22)
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


def _fit_size(width: float, height: float, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The chart's place in `box` (x, y from the top, w, h), keeping its proportions, centred horizontally."""
    x, y, w, h = box
    scale = min(w / width, h / height)
    return x + (w - width * scale) / 2, y, width * scale, height * scale


# ---------------------------------------------------------------- PDF

PDF_LANGUAGE = "en-GB"
PDF_FONT = "DejaVu Sans"   # Debian's fonts-dejavu-core: one named font, so every machine with it writes the same bytes
PDF_CSS = f"""
@page {{ size: {SLIDE_WIDTH_PT}pt {SLIDE_HEIGHT_PT}pt; margin: 20pt 40pt 30pt 40pt;
        @bottom-left {{ content: var(--stamp); font-size: 7pt; color: #505a5f; }}
        @bottom-right {{ content: "Page " counter(page) " of " counter(pages); font-size: 7pt; color: #505a5f; }} }}
html {{ font-family: "{PDF_FONT}"; color: #0b0c0c; font-size: 12pt; }}
section {{ break-after: page; }}
section:last-of-type {{ break-after: auto; }}
h1, h2 {{ font-size: 22pt; margin: 0 0 8pt 0; }}
.message {{ font-weight: bold; font-size: 14pt; margin: 0 0 6pt 0; }}
ul {{ margin: 4pt 0; padding-left: 16pt; }}
ul.dense {{ font-size: 10pt; }}
li {{ margin-bottom: 4pt; }}
figure {{ margin: 4pt 0; text-align: center; }}
figure img {{ max-width: 880pt; max-height: 270pt; }}
table {{ border-collapse: collapse; font-size: 8pt; width: 100%; }}
th, td {{ border: 0.5pt solid #b1b4b6; padding: 2pt 4pt; text-align: left; vertical-align: top; }}
th {{ background: #f3f2f1; }}
.footer {{ font-size: 8pt; color: #0b0c0c; margin: 6pt 0 0 0; }}
.footer p {{ margin: 0; }}
.unvalidated {{ font-weight: bold; font-size: 11pt; margin: 0 0 4pt 0; }}
"""


def _slide_html(content: Slide, heading: str, index: int) -> str:
    """One slide (the pack's `index`-th) as an HTML section: its heading, message, bullets, chart (an image named
    by its alt text), table (with column headers) and footer, in reading order."""
    parts = [f"<{heading}>{escape(content.title)}</{heading}>"]
    if content.unvalidated:
        parts.insert(0, f'<p class="unvalidated">{escape(local_views.UNVALIDATED_MARK)}</p>')
    if content.message:
        parts.append(f'<p class="message">{escape(content.message)}</p>')
    if content.bullets:
        dense = ' class="dense"' if sum(map(len, content.bullets)) > 500 else ""
        parts.append(f"<ul{dense}>" + "".join(f"<li>{escape(b)}</li>" for b in content.bullets) + "</ul>")
    if content.chart_png:
        parts.append(f'<figure><img src="{pack_workers.CHART_URL.format(index)}" '
                     f'alt="{escape(content.chart_alt, quote=True)}"></figure>')
    if content.table is not None:
        head = "".join(f'<th scope="col">{escape(str(c))}</th>' for c in content.table.columns)
        rows = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>"
                       for row in content.table.itertuples(index=False))
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    if content.footer:
        parts.append('<div class="footer">' + "".join(f"<p>{escape(line)}</p>" for line in content.footer) + "</div>")
    return "<section>" + "".join(parts) + "</section>"


def pack_html(slides: list[Slide], summary: summary_module.Summary, stamp: datetime) -> str:
    """The pack as one HTML document, a section per slide: the PDF is written from it. The dates in its
    metadata are the database's build time, so the PDF's bytes depend on the data version only."""
    title = f"{summary.la_name}: education performance {summary.year_label}"
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    meta = {"author": "Education performance dashboard", "description": "Board pack",
            "keywords": f"content_sha256={summary.content_sha256}; built_at={summary.built_at}",
            "generator": "rutland_data.board_pack (vl-convert, WeasyPrint)",
            "dcterms.created": when, "dcterms.modified": when}
    head = "".join(f'<meta name="{name}" content="{escape(value, quote=True)}">' for name, value in meta.items())
    body = "".join(_slide_html(content, "h1" if index == 0 else "h2", index) for index, content in enumerate(slides))
    return (f'<!DOCTYPE html><html lang="{PDF_LANGUAGE}"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"{head}<style>{PDF_CSS.replace('var(--stamp)', _css_string(data_version_line(summary)))}</style>"
            f"</head><body>{body}</body></html>")


def _css_string(text: str) -> str:
    """Text as a CSS string literal (the page-foot stamp is generated content, an artifact outside the tags)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ") + '"'


def _pdf(slides: list[Slide], summary: summary_module.Summary, stamp: datetime) -> Future:
    """A tagged PDF/UA-1 file (structure tree, headings, table headers, figure alt text, language, title)
    written by WeasyPrint from `pack_html`, with the data version at the foot of every page: being written in a
    worker (`pack_workers.write_pdf`); the future's result is the PDF's bytes."""
    images = {pack_workers.CHART_URL.format(i): s.chart_png for i, s in enumerate(slides) if s.chart_png}
    return pack_workers.write_pdf(pack_html(slides, summary, stamp), images)


# ---------------------------------------------------------------- the pack

def build(con, la_code: str, end_year: int, sections: list[str] | None = None,
          local_slides: tuple[Slide, ...] = (), notes: summary_module.MeetingNotes | None = None) -> Pack:
    """PowerPoint and PDF for the chosen sections (None = every section, map included); `local_slides`
    (an officer's pack: `build_with_local_returns`) go before the sources slide, and mark the title slide;
    `notes`: a meeting's commentary, beside its figures."""
    stopwatch = _Stopwatch()
    pack_workers.start()   # the first pack in a process: the workers start while the summary is written
    wanted = None if sections is None else [s for s in sections if s != summary_module.MAP]
    with kept_results(con):   # each series is read once for its bullet, headline card, chart and slide title
        summary = summary_module.build_once(con, la_code, end_year, wanted, notes)
        stopwatch.lap("summary")
        include_map = sections is None or summary_module.MAP in sections
        slides, notes = slides_for(con, summary, include_map=include_map)
        stopwatch.lap("slides (figures read here, charts drawn in the workers)")
    if local_slides:
        slides = [replace(slides[0], unvalidated=True), *slides[1:-1], *local_slides, slides[-1]]
    stamp = built_datetime(summary.built_at)
    pdf, ods = _pdf(slides, summary, stamp), _ods(slides, stamp)   # written in the workers while the PowerPoint is
    pptx = _pptx(slides, summary, stamp)
    stopwatch.lap("PowerPoint")
    ods_bytes = ods.result()
    stopwatch.lap("spreadsheet (what was left to wait for)")
    pdf_bytes = pdf.result()
    stopwatch.lap("PDF (what was left to wait for)")
    return Pack(pptx=pptx, pdf=pdf_bytes, ods=ods_bytes, slides=slides, summary=summary, notes=notes,
                seconds=stopwatch.total(), stages=tuple(stopwatch.laps))


class _Stopwatch:
    """Where a build's time went: the wall seconds of each step, in order."""

    def __init__(self):
        self.started = self._last = time.perf_counter()
        self.laps: list[tuple[str, float]] = []

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.laps.append((step, now - self._last))
        self._last = now

    def total(self) -> float:
        return time.perf_counter() - self.started


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


def _ods(slides: list[Slide], stamp: datetime) -> Future:
    """The data behind each chart (values as stored, published markers as codes) and the sources table, being
    written in a worker; the future's result is the spreadsheet's bytes."""
    sheets = [(s.chart_name, s.chart_data) for s in slides if s.chart_data is not None]
    sheets += [(s.title, s.table) for s in slides if s.table is not None]
    names = spreadsheet.sheet_names([name for name, _ in sheets])
    return pack_workers.write_spreadsheet(dict(zip(names, (frame for _, frame in sheets))), stamp)
