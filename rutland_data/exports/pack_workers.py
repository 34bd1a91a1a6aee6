"""The board pack's slow steps that hold the GIL, run in two worker processes: drawing a chart (vl-convert) and
writing the PDF (WeasyPrint).

vl-convert holds the GIL while it draws, so in one process a pack's 35 charts were drawn one after another and
nothing else ran meanwhile. Here the pack hands each chart's spec over as soon as it is built and goes on reading
the next figure; two workers draw two charts at a time, then write the PDF and the spreadsheet while the pack
writes the PowerPoint. The workers are started once per process ("spawn": a fresh interpreter, nothing
inherited from the server's threads) and kept, each with vl-convert warmed up, so only the first pack waits for
them. What is sent to a worker is data (JSON text, HTML, bytes, the spreadsheet's tables); its answers are bytes.
A worker starts as a fresh interpreter that imports the main module again, as `multiprocessing` does: a script
that builds a pack keeps its work under `if __name__ == "__main__":`.
"""
from __future__ import annotations

import atexit
import concurrent.futures
import io
import json
import multiprocessing
import os
import threading
import time
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime

import pandas as pd
import vl_convert
import weasyprint
from PIL import Image
from weasyprint.urls import URLFetcherResponse

from rutland_data.exports import spreadsheet

WORKERS = 2
PNG_SCALE = 1.25                                     # about 120 dpi on the slide
CHART_URL = "chart:{}"   # a chart slide's image in the PDF's HTML, served from memory by `_ChartImages`
_WARM_UP_SPEC = json.dumps({"data": {"values": [{"x": 1}]}, "mark": "point",
                            "encoding": {"x": {"field": "x", "type": "quantitative"}}})
_WARM_UP_HTML = ('<!DOCTYPE html><html lang="en-GB"><head><title>warm-up</title></head>'
                 "<body><p>warm-up</p></body></html>")

_pool: concurrent.futures.ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def drawn_chart(spec_json: str) -> tuple[bytes, tuple[float, float]]:
    """A Vega-Lite spec (JSON) as a PNG, and its size in the chart's own units (its proportions on the slide).
    Drawn straight to PNG: going through SVG text and parsing it again cost an eighth more of the workers' time."""
    image = Image.open(io.BytesIO(vl_convert.vegalite_to_png(spec_json, scale=PNG_SCALE)))
    return _opaque_png(image), (image.width / PNG_SCALE, image.height / PNG_SCALE)


def _opaque_png(image: Image.Image) -> bytes:
    """The chart's PNG as RGB on white. vl-convert writes RGBA, every pixel opaque; WeasyPrint splits an alpha
    channel out of each image and compresses both again, 0.8 s of a pack's PDF, and the PowerPoint embeds 4.8 MB
    of RGBA against 1.8 MB of RGB. Done here, it is done while the next charts are drawn."""
    if image.mode == "RGBA" and image.getchannel("A").getextrema()[0] < 255:   # a transparent pixel: onto white
        image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image)
    image = image.convert("RGB")
    flat = io.BytesIO()
    image.save(flat, format="PNG", compress_level=3)
    return flat.getvalue()


class _ChartImages(weasyprint.URLFetcher):
    """The slides' chart PNGs for WeasyPrint, by `CHART_URL`. Inlined as data: URLs instead, their 2 MB of base64
    went through the HTML parser a character at a time, most of a second of the PDF's time."""

    def __init__(self, images: dict[str, bytes]):
        super().__init__()
        self._images = images

    def fetch(self, url, headers=None):
        if url in self._images:
            return URLFetcherResponse(url, self._images[url], {"Content-Type": "image/png"})
        return super().fetch(url, headers)


def written_pdf(html: str, images: dict[str, bytes]) -> bytes:
    """A tagged PDF/UA-1 file written by WeasyPrint from `html`, its images (`CHART_URL`s) from `images`."""
    return weasyprint.HTML(string=html, url_fetcher=_ChartImages(images)).write_pdf(pdf_variant="pdf/ua-1")


def _warm_up() -> None:
    """A worker's start: a chart, a PDF and a spreadsheet of nothing, so that what each library does once
    (vl-convert's JavaScript engine starts, half a second; WeasyPrint's fonts are found) is not done in a pack."""
    drawn_chart(_WARM_UP_SPEC)
    written_pdf(_WARM_UP_HTML, {})
    spreadsheet.ods_bytes({"warm-up": pd.DataFrame({"value": [1.0]})})


def _worker_id() -> int:
    """The worker's process id, after a moment's pause, so that tasks sent together go to different workers."""
    time.sleep(0.1)
    return os.getpid()


def _submit(task, *args) -> concurrent.futures.Future:
    """`task(*args)` in a worker (a module-level function: the worker imports its module), starting the workers
    first if need be, or again if one has died (a pool with a dead worker takes no more tasks)."""
    global _pool
    with _pool_lock:
        for _ in range(2):
            if _pool is None:
                _pool = concurrent.futures.ProcessPoolExecutor(WORKERS, multiprocessing.get_context("spawn"),
                                                               initializer=_warm_up)
            try:
                return _pool.submit(task, *args)
            except BrokenProcessPool:
                _pool = None
        raise BrokenProcessPool("the board pack's workers could not be started")


@atexit.register
def _stop() -> None:
    """Stop the workers at exit, while the modules their pool's clean-up uses are still there."""
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown()
            _pool = None


def start() -> None:
    """Start the workers if they are not running yet, without waiting for them (cheap when they are)."""
    with _pool_lock:
        running = _pool is not None
    if not running:
        for _ in range(WORKERS):
            _submit(_worker_id)


def warm() -> None:
    """Start the workers and wait until every one is ready (a worker answers only after its warm-up)."""
    ready: set[int] = set()
    while len(ready) < WORKERS:
        ready |= {future.result() for future in [_submit(_worker_id) for _ in range(WORKERS)]}


def draw(spec_json: str) -> concurrent.futures.Future:
    """`drawn_chart` in a worker: the future's result is (PNG, size)."""
    return _submit(drawn_chart, spec_json)


def write_pdf(html: str, images: dict[str, bytes]) -> concurrent.futures.Future:
    """`written_pdf` in a worker: the future's result is the PDF's bytes."""
    return _submit(written_pdf, html, images)


def write_spreadsheet(sheets: dict[str, pd.DataFrame], stamp: datetime) -> concurrent.futures.Future:
    """`spreadsheet.ods_bytes` in a worker: the future's result is the ODS file's bytes."""
    return _submit(spreadsheet.ods_bytes, sheets, stamp)
