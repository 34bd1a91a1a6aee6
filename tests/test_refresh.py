"""`refresh` against a loopback replay of the EES public API (pytest-httpserver on an ephemeral port).

The answers are written by hand in the shapes of DfE's OpenAPI description (openapi-v1.json): DataSetViewModel,
DataSetVersionPaginatedListViewModel, DataSetVersionChangesViewModel, DataSetMetaViewModel,
DataSetQueryPaginatedResultsViewModel, ProblemDetailsViewModel, and the CSV endpoint's gzip-encoded file.
The CSV rows are invented figures in the layout of DfE's applications and offers file. No test touches the
internet: the client only ever sees the loopback server's URL (or a closed loopback port).
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import socket
import threading
import uuid
from pathlib import Path

import duckdb
import pytest
from filelock import FileLock
from werkzeug import Response

from rutland_data import __main__ as cli
from rutland_data import settings
from rutland_data.ingest import build
from rutland_data.store import db
from rutland_data.ingest import refresh
from rutland_data.ingest.ees_api import EesApi
from rutland_data.ingest.importers import BadInput
from rutland_data.reference.measures import by_id
from tests.conftest import require_shared

DATA_SET = str(uuid.UUID(int=1))  # placeholder ids: these are not real API data sets
QUERY_SET = str(uuid.UUID(int=2))
IMPORTER = "EES school applications and offers by LA"
KEY, QUERY_KEY = "offers", "offers_query"
CATALOGUE_COLUMNS = ["key", "title", "publication", "data_set_id", "major_version", "fetch", "importer",
                     "geographies", "source", "note"]
OFFERS_COLUMNS = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
                  "region_name", "new_la_code", "old_la_code", "la_name", "school_phase", "applications_received",
                  "first_preference_offers_percent", "second_preference_offers_percent",
                  "third_preference_offers_percent", "one_of_the_three_preference_offers_percent",
                  "non_preferred_offer_percent", "no_offer_percent"]
AREAS = [("National", "", "", "", "", ""), ("Regional", "E12000004", "East Midlands", "", "", ""),
         ("Local authority", "E12000004", "East Midlands", "E06000017", "857", "Rutland")]


def offers_csv(rutland_primary_first: str = "91.5", time_period: str = "202526") -> bytes:
    """An invented applications-and-offers file: England, the East Midlands and Rutland, both phases."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(OFFERS_COLUMNS)
    for level, region, region_name, new_code, old_code, la_name in AREAS:
        for phase, first in (("Primary", rutland_primary_first if old_code else "90.0"), ("Secondary", "80.0")):
            writer.writerow([time_period, "Academic year", level, "E92000001", "England", region, region_name,
                             new_code, old_code, la_name, phase, "400", first, "5.0", "2.0", "97.0", "3.0", "0.0"])
    return out.getvalue().encode()


def version_view(version: str, status: str = "Published") -> dict:
    """DataSetVersionViewModel."""
    return {"version": version, "type": "Major" if version.endswith(".0") else "Minor", "status": status,
            "published": "2026-03-02T09:30:00+00:00", "notes": "", "totalResults": 6,
            "file": {"id": str(uuid.UUID(int=100))}, "release": {"title": "2026", "slug": "2026"},
            "timePeriods": {"start": "2025/26", "end": "2025/26"},
            "geographicLevels": ["National", "Regional", "Local authority"], "filters": ["School phase"],
            "indicators": ["First preference rate"]}


class FakeEes:
    """The endpoints of one data set on the loopback server."""

    def __init__(self, server, data_set: str = DATA_SET):
        self.server, self.data_set = server, data_set
        self.base = f"/v1/data-sets/{data_set}"

    def publish(self, versions: list[str], csv_body: bytes | None = None, status: str = "Published") -> None:
        latest = max(versions, key=lambda v: tuple(int(p) for p in v.split(".")))
        self.server.expect_request(self.base, method="GET").respond_with_json({
            "id": self.data_set, "title": "Applications and offers", "summary": "Offers by preference.",
            "status": status, "supersedingDataSetId": None,
            "latestVersion": {k: v for k, v in version_view(latest).items()
                              if k in ("version", "published", "totalResults", "file", "timePeriods",
                                       "geographicLevels", "filters", "indicators")}})
        self.server.expect_request(f"{self.base}/versions", method="GET",
                                   query_string={"page": "1", "pageSize": "20"}).respond_with_json({
            "paging": {"page": 1, "pageSize": 20, "totalResults": len(versions), "totalPages": 1},
            "results": [version_view(v) for v in reversed(versions)]})
        for version in versions:
            self.server.expect_request(f"{self.base}/versions/{version}/changes", method="GET").respond_with_json({
                "versionNumber": version, "notes": None, "majorChanges": {},
                "minorChanges": {"timePeriods": [{"currentState": {"code": "AY", "period": "2025/2026",
                                                                   "label": "2025/26"}}]}})
            if csv_body is not None:
                self.server.expect_request(f"{self.base}/csv", method="GET",
                                           query_string={"dataSetVersion": version}).respond_with_data(
                    gzip.compress(csv_body), content_type="text/csv", headers={"Content-Encoding": "gzip"})

    def requests_to(self, suffix: str) -> int:
        return sum(1 for request, _ in self.server.log if request.path == self.base + suffix)


def write_catalogue(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, CATALOGUE_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({"title": "Applications and offers", "publication": "Applications and offers",
                             "major_version": "1", "fetch": "csv", "importer": IMPORTER, "geographies": "",
                             "source": "test", "note": "", **row})
    return path


@pytest.fixture
def workplace(tmp_path, monkeypatch):
    """A download folder, a database path and a one-row catalogue, all under tmp_path."""
    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "db" / "dashboard.duckdb"))
    catalogue = write_catalogue(tmp_path / "catalogue.csv", [{"key": KEY, "data_set_id": DATA_SET}])
    monkeypatch.setenv(refresh.CATALOGUE_ENV, str(catalogue))
    folder = tmp_path / "official"
    folder.mkdir()
    return settings.load(), folder


def run(configured, folder, server, areas=refresh.Areas(la="857"), dry_run=False, **limits):
    lines: list[str] = []
    api = EesApi(base_url=server.url_for("").rstrip("/"), timeout=limits.pop("timeout", 2.0), **limits)
    outcome = refresh.run(configured, folder, areas, dry_run=dry_run, say=lines.append, api=api)
    return outcome, lines


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".refresh.lock"}


def rutland_first_preference(db_path: Path) -> float:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute("SELECT value FROM la_results WHERE measure_id = 'admissions_first_pref_primary' "
                           "AND area_code = '857'").fetchone()[0]


def state_of(folder: Path) -> dict:
    return json.loads((folder / refresh.SUBFOLDER / refresh.STATE_FILE).read_text())["data_sets"]


# ---- what is new is fetched, what is not is left alone ---------------------------------------------------------
def test_a_new_data_set_is_downloaded_recognised_by_its_importer_and_built(workplace, httpserver):
    configured, folder = workplace
    FakeEes(httpserver).publish(["1.0", "1.1"], offers_csv("91.5"))
    outcome, lines = run(configured, folder, httpserver)

    assert outcome.exit_code == 0, lines
    saved = folder / refresh.SUBFOLDER / f"{KEY}.csv.gz"
    assert gzip.decompress(saved.read_bytes()) == offers_csv("91.5")  # the CSV endpoint's file, as sent
    planned, unrecognised = build.plan(folder)
    assert [(s.display_name, i.name) for s, i in planned] == [(f"ees-api/{KEY}.csv.gz", IMPORTER)]
    recorded = state_of(folder)[KEY]
    assert (recorded["data_set_id"], recorded["version"], recorded["file"]) == (DATA_SET, "1.1", f"{KEY}.csv.gz")
    assert recorded["sha256"] == db.file_sha256(saved) and recorded["fetched_at"].endswith("+00:00")
    assert rutland_first_preference(configured.db_path) == 91.5
    assert any("version 1.1" in line and "changes: minor - 1 time periods" in line for line in lines), lines
    assert not list((folder / refresh.SUBFOLDER).glob("*.part"))


def test_a_csv_a_proxy_sent_decompressed_is_saved_compressed(workplace, httpserver):
    configured, folder = workplace
    fake = FakeEes(httpserver)
    fake.publish(["1.0"])
    httpserver.expect_request(f"{fake.base}/csv").respond_with_data(offers_csv("77.0"), content_type="text/csv")

    outcome, lines = run(configured, folder, httpserver)

    assert outcome.exit_code == 0, lines
    assert gzip.decompress((folder / refresh.SUBFOLDER / f"{KEY}.csv.gz").read_bytes()) == offers_csv("77.0")
    assert rutland_first_preference(configured.db_path) == 77.0


def test_a_real_ees_file_served_by_the_csv_endpoint_loads_through_its_importer(workplace, httpserver):
    """DfE's own applications-and-offers file (2021 release, Rutland extract) replayed as the CSV endpoint's
    body: saved byte for byte, recognised and loaded by the same importer as a manual download."""
    configured, folder = workplace
    real = (require_shared("dfe/explore_education_statistics/admissions_applications_offers")
            / "extract_rutland_appsandoffers_2021.csv").read_bytes()
    FakeEes(httpserver).publish(["1.0"], real)

    outcome, lines = run(configured, folder, httpserver)

    assert outcome.exit_code == 0, lines
    assert gzip.decompress((folder / refresh.SUBFOLDER / f"{KEY}.csv.gz").read_bytes()) == real
    with duckdb.connect(str(configured.db_path), read_only=True) as con:
        value = con.execute("SELECT value FROM la_results WHERE measure_id = 'admissions_first_pref_primary' "
                            "AND area_code = '857' AND end_year = 2022").fetchone()[0]
    assert value == 96.50145773  # file row 13 (202122, Rutland, Primary): first_preference_offers_percent, as published


def test_an_unchanged_data_set_is_not_downloaded_again_and_nothing_is_rebuilt(workplace, httpserver):
    configured, folder = workplace
    fake = FakeEes(httpserver)
    fake.publish(["1.0"], offers_csv())
    run(configured, folder, httpserver)
    built = db.file_identity(configured.db_path)
    before = snapshot(folder)
    httpserver.clear()
    fake.publish(["1.0"], offers_csv())

    outcome, lines = run(configured, folder, httpserver)

    assert outcome.exit_code == 0 and outcome.report is None
    assert fake.requests_to("/csv") == 0 and fake.requests_to("/versions/1.0/changes") == 0
    assert f"{KEY}: unchanged at version 1.0; not downloaded" in lines
    assert snapshot(folder) == before and db.file_identity(configured.db_path) == built


def test_only_the_newest_version_of_the_pinned_major_is_downloaded(workplace, httpserver):
    configured, folder = workplace
    fake = FakeEes(httpserver)
    fake.publish(["1.0"], offers_csv("91.5"))
    run(configured, folder, httpserver)
    httpserver.clear()
    fake.publish(["1.0", "1.1", "1.2", "2.0"], offers_csv("88.0"))

    outcome, lines = run(configured, folder, httpserver)

    assert outcome.exit_code == 0, lines
    downloaded = [r.args["dataSetVersion"] for r, _ in httpserver.log if r.path.endswith("/csv")]
    assert downloaded == ["1.2"]  # not 1.1 (superseded), not 2.0 (another major: the catalogue pins 1.*)
    assert state_of(folder)[KEY]["version"] == "1.2"
    assert rutland_first_preference(configured.db_path) == 88.0
    assert any("(last fetched 1.0)" in line and "major version 2 is published" in line for line in lines), lines


def test_dry_run_says_what_is_new_and_changes_nothing(workplace, httpserver):
    configured, folder = workplace
    fake = FakeEes(httpserver)
    fake.publish(["1.0"], offers_csv())

    outcome, lines = run(configured, folder, httpserver, dry_run=True)

    assert outcome.exit_code == 0
    assert any(line.startswith(f"{KEY}: would download version 1.0 (not fetched before)") for line in lines), lines
    assert fake.requests_to("/csv") == 0
    assert snapshot(folder) == {} and not configured.db_path.exists()


def test_a_data_set_without_an_id_is_skipped_with_a_reason(workplace, httpserver, monkeypatch, tmp_path):
    configured, folder = workplace
    monkeypatch.setenv(refresh.CATALOGUE_ENV, str(write_catalogue(tmp_path / "c.csv", [{"key": KEY, "data_set_id": ""}])))

    outcome, lines = run(configured, folder, httpserver)

    assert outcome.exit_code == 0 and httpserver.log == []
    assert lines[0] == f"{KEY}: no API data set id in c.csv yet; skipped (see its note)"


# ---- paged queries for the LA, its region, neighbours and England ----------------------------------------------
META = {  # DataSetMetaViewModel
    "filters": [{"id": "fPhase", "column": "school_phase", "label": "School phase",
                 "options": [{"id": "oPri", "label": "Primary"}, {"id": "oSec", "label": "Secondary"}]}],
    "indicators": [{"id": f"i{n}", "column": column, "label": column, "unit": "%", "decimalPlaces": 1}
                   for n, column in enumerate(OFFERS_COLUMNS[11:])],
    "geographicLevels": [{"code": "NAT", "label": "National"}, {"code": "REG", "label": "Regional"},
                         {"code": "LA", "label": "Local authority"}],
    "locations": [
        {"level": {"code": "NAT", "label": "National"}, "options": [{"id": "lEng", "label": "England", "code": "E92000001"}]},
        {"level": {"code": "REG", "label": "Regional"},
         "options": [{"id": "lEM", "label": "East Midlands", "code": "E12000004"}]},
        {"level": {"code": "LA", "label": "Local authority"},
         "options": [{"id": "lRut", "label": "Rutland", "code": "E06000017", "oldCode": "857"},
                     {"id": "lWil", "label": "Wiltshire", "code": "E06000054", "oldCode": "865"}]}],
    "timePeriods": [{"code": "AY", "period": "2025/2026", "label": "2025/26"}],
}
PLACES = [("NAT", {"NAT": "lEng"}), ("REG", {"NAT": "lEng", "REG": "lEM"}),
          ("LA", {"NAT": "lEng", "REG": "lEM", "LA": "lRut"}), ("LA", {"NAT": "lEng", "REG": "lEM", "LA": "lWil"})]
RESULTS = [{"timePeriod": {"code": "AY", "period": "2025/2026"}, "geographicLevel": level, "locations": located,
            "filters": {"fPhase": phase},
            "values": {f"i{n}": ("93.25" if located.get("LA") == "lRut" and n == 1 and phase == "oPri" else "50")
                       for n in range(7)}}
           for level, located in PLACES for phase in ("oPri", "oSec")]  # DataSetQueryResultViewModel


def serve_query(server, page_size: int) -> list[dict]:
    """POST /query answering page by page; returns the request bodies it was sent."""
    bodies: list[dict] = []
    pages = [RESULTS[i:i + page_size] for i in range(0, len(RESULTS), page_size)]

    def answer(request):
        body = json.loads(request.data)
        bodies.append(body)
        page = body["page"]
        return Response(json.dumps({
            "paging": {"page": page, "pageSize": page_size, "totalResults": len(RESULTS), "totalPages": len(pages)},
            "results": pages[page - 1], "warnings": []}), content_type="application/json")

    base = f"/v1/data-sets/{QUERY_SET}"
    server.expect_request(f"{base}/query", method="POST", query_string={"dataSetVersion": "1.0"}).respond_with_handler(answer)
    server.expect_request(f"{base}/meta", method="GET", query_string={"dataSetVersion": "1.0"}).respond_with_json(META)
    return bodies


@pytest.fixture
def query_workplace(workplace, monkeypatch, tmp_path):
    configured, folder = workplace
    monkeypatch.setenv(refresh.CATALOGUE_ENV, str(write_catalogue(tmp_path / "q.csv", [
        {"key": QUERY_KEY, "data_set_id": QUERY_SET, "fetch": "query", "geographies": "la region neighbours england"}])))
    return configured, folder


def test_a_paged_query_asks_for_the_la_region_neighbours_and_england_and_loads_through_the_importer(
        query_workplace, httpserver):
    configured, folder = query_workplace
    FakeEes(httpserver, QUERY_SET).publish(["1.0"])
    bodies = serve_query(httpserver, page_size=3)
    areas = refresh.Areas(la="857", region="E12000004", neighbours=("865",))

    outcome, lines = run(configured, folder, httpserver, areas=areas, query_page_size=3)

    assert outcome.exit_code == 0, lines
    assert [b["page"] for b in bodies] == [1, 2, 3] and {b["pageSize"] for b in bodies} == {3}
    assert bodies[0]["criteria"] == {"or": [
        {"geographicLevels": {"eq": "NAT"}, "locations": {"in": [{"level": "NAT", "code": "E92000001"}]}},
        {"geographicLevels": {"eq": "REG"}, "locations": {"in": [{"level": "REG", "code": "E12000004"}]}},
        {"geographicLevels": {"eq": "LA"}, "locations": {"in": [{"level": "LA", "oldCode": "857"},
                                                               {"level": "LA", "oldCode": "865"}]}}]}
    with gzip.open(folder / refresh.SUBFOLDER / f"{QUERY_KEY}.csv.gz", "rt", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 8
    rutland = next(r for r in rows if r["old_la_code"] == "857" and r["school_phase"] == "Primary")
    assert (rutland["time_period"], rutland["time_identifier"], rutland["geographic_level"], rutland["la_name"],
            rutland["new_la_code"], rutland["region_code"], rutland["first_preference_offers_percent"]) == (
        "202526", "Academic year", "Local authority", "Rutland", "E06000017", "E12000004", "93.25")
    # stored as published; shown at the dictionary's 1 decimal place, half up
    assert rutland_first_preference(configured.db_path) == 93.25
    assert by_id()["admissions_first_pref_primary"].format(93.25) == "93.3%"
    assert any("8 rows for la, region, neighbours, england" in line for line in lines), lines


def test_a_query_over_the_page_limit_saves_nothing(query_workplace, httpserver):
    configured, folder = query_workplace
    FakeEes(httpserver, QUERY_SET).publish(["1.0"])
    serve_query(httpserver, page_size=1)

    outcome, lines = run(configured, folder, httpserver, query_page_size=1, max_pages=5)

    assert outcome.exit_code == 1
    assert lines[-1].startswith(f"{QUERY_KEY}: POST /v1/data-sets/{QUERY_SET}/query has 8 pages, more than the 5 allowed")
    assert snapshot(folder) == {} and not configured.db_path.exists()


def test_without_a_database_a_query_asks_for_the_la_and_england_only(query_workplace, httpserver):
    configured, folder = query_workplace
    FakeEes(httpserver, QUERY_SET).publish(["1.0"])
    bodies = serve_query(httpserver, page_size=10)

    run(configured, folder, httpserver)

    assert [c["geographicLevels"]["eq"] for c in bodies[0]["criteria"]["or"]] == ["NAT", "LA"]


# ---- errors, timeouts and offline leave everything as it was -----------------------------------------------------
@pytest.fixture
def fetched_once(workplace, httpserver):
    """Version 1.0 fetched and built; then DfE publishes 1.1. Returns (settings, folder, fake, snapshot, identity)."""
    configured, folder = workplace
    fake = FakeEes(httpserver)
    fake.publish(["1.0"], offers_csv())
    run(configured, folder, httpserver)
    httpserver.clear()
    return configured, folder, fake, snapshot(folder), db.file_identity(configured.db_path)


def assert_unchanged(fetched):
    configured, folder, _, before, identity = fetched
    assert snapshot(folder) == before
    assert db.file_identity(configured.db_path) == identity
    assert state_of(folder)[KEY]["version"] == "1.0"


def test_an_http_500_with_problem_details_names_the_data_set_and_changes_nothing(fetched_once, httpserver):
    configured, folder, fake, *_ = fetched_once
    fake.publish(["1.0", "1.1"])
    httpserver.expect_request(f"{fake.base}/csv", method="GET").respond_with_json(
        {"type": "https://tools.ietf.org/html/rfc9110#section-15.6.1", "title": "There was a problem processing the "
         "request.", "status": 500, "detail": "Try again later."}, status=500)

    outcome, lines = run(configured, folder, httpserver)

    assert outcome.exit_code == 1
    assert lines[-1] == (f"{KEY}: GET /v1/data-sets/{DATA_SET}/csv answered HTTP 500: There was a problem processing "
                         "the request.; Try again later.; nothing saved")
    assert_unchanged(fetched_once)


def test_an_unknown_data_set_id_is_a_404_named_in_one_line(fetched_once, httpserver):
    configured, folder, fake, *_ = fetched_once
    httpserver.expect_request(fake.base).respond_with_json(
        {"type": "https://tools.ietf.org/html/rfc9110#section-15.5.5", "title": "Not Found", "status": 404}, status=404)

    outcome, lines = run(configured, folder, httpserver)

    assert outcome.exit_code == 1
    assert lines == [f"{KEY}: GET /v1/data-sets/{DATA_SET} answered HTTP 404: Not Found; nothing downloaded",
                     "Nothing new from the EES API; the database was not rebuilt."]
    assert_unchanged(fetched_once)


@pytest.mark.parametrize("answer, expected", [
    (b"<html>maintenance</html>", "not JSON"),
    (json.dumps({"results": []}).encode(), "no 'paging'"),
    (json.dumps({"paging": {"page": 1, "totalPages": 1}, "results": [{"version": "one", "status": "Published"}]}).encode(),
     "'one' is not a version number"),
])
def test_a_malformed_versions_list_changes_nothing(fetched_once, httpserver, answer, expected):
    configured, folder, fake, *_ = fetched_once
    httpserver.expect_request(f"{fake.base}/versions").respond_with_data(answer, content_type="application/json")
    fake.publish(["1.0", "1.1"], offers_csv("50.0"))

    outcome, lines = run(configured, folder, httpserver)

    assert outcome.exit_code == 1
    assert lines[0].startswith(f"{KEY}: malformed answer to GET /v1/data-sets/{DATA_SET}/versions") and expected in lines[0]
    assert_unchanged(fetched_once)


def test_a_csv_that_is_not_the_importers_layout_is_refused(fetched_once, httpserver):
    configured, folder, fake, *_ = fetched_once
    fake.publish(["1.0", "1.1"], b"time_period,geographic_level,enrolment_count\r\n202526,National,5\r\n")

    outcome, lines = run(configured, folder, httpserver)

    assert outcome.exit_code == 1
    assert lines[-1] == (f"{KEY}: no importer recognises the downloaded file's columns (expected '{IMPORTER}'); "
                         "nothing saved")
    assert_unchanged(fetched_once)


def test_a_download_cut_short_is_refused(fetched_once, httpserver):
    configured, folder, fake, *_ = fetched_once
    fake.publish(["1.0", "1.1"])
    whole = gzip.compress(offers_csv("50.0"))
    httpserver.expect_request(f"{fake.base}/csv").respond_with_data(
        whole[: len(whole) // 2], content_type="text/csv", headers={"Content-Encoding": "gzip"})

    outcome, lines = run(configured, folder, httpserver)

    assert outcome.exit_code == 1
    assert "did not send a whole gzip-compressed CSV" in lines[-1] and lines[-1].endswith("; nothing saved")
    assert_unchanged(fetched_once)


@pytest.fixture
def stalled():
    """Released at teardown: a handler waits on it past the client's timeout (the condition under test)."""
    event = threading.Event()
    yield event
    event.set()


def test_a_timeout_mid_download_changes_nothing(fetched_once, httpserver, stalled):
    configured, folder, fake, *_ = fetched_once
    fake.publish(["1.0", "1.1"])
    whole = gzip.compress(offers_csv("50.0"))

    def trickle():
        yield whole[:100]
        stalled.wait(10)
        yield whole[100:]

    httpserver.expect_request(f"{fake.base}/csv").respond_with_handler(
        lambda request: Response(trickle(), content_type="text/csv", headers={"Content-Encoding": "gzip"}))

    outcome, lines = run(configured, folder, httpserver, timeout=0.5)

    assert outcome.exit_code == 1
    assert lines[-1] == (f"{KEY}: /v1/data-sets/{DATA_SET}/csv: nothing received for 0.5 s mid-answer (timed out); "
                         "nothing saved")
    assert_unchanged(fetched_once)


def test_no_answer_in_time_is_reported_as_offline(fetched_once, httpserver, stalled):
    configured, folder, fake, *_ = fetched_once
    httpserver.expect_request(fake.base).respond_with_handler(lambda request: stalled.wait(10) and Response("{}"))

    outcome, lines = run(configured, folder, httpserver, timeout=0.5)

    assert outcome.exit_code == 1
    assert lines == [f"Offline: the EES API cannot be reached ({httpserver.url_for('').rstrip('/')}: no answer within "
                     "0.5 s); nothing changed."]
    assert_unchanged(fetched_once)


def test_a_second_refresh_of_the_same_folder_waits_for_nothing_and_changes_nothing(fetched_once, httpserver):
    configured, folder, fake, *_ = fetched_once
    fake.publish(["1.0", "1.1"], offers_csv("50.0"))

    with FileLock(folder / refresh.SUBFOLDER / ".refresh.lock"):
        outcome, lines = run(configured, folder, httpserver)

    assert outcome.exit_code == 1
    assert lines[-1] == f"Another refresh of {folder / refresh.SUBFOLDER} is running; nothing changed."
    assert fake.requests_to("/csv") == 0
    assert_unchanged(fetched_once)


def test_a_build_that_fails_puts_the_previous_file_back(fetched_once, httpserver):
    configured, folder, fake, *_ = fetched_once
    fake.publish(["1.0", "1.1"], offers_csv("ninety"))  # recognised, but the build refuses the cell

    with pytest.raises(BadInput, match="first_preference_offers_percent"):
        run(configured, folder, httpserver)

    assert_unchanged(fetched_once)


# ---- the command line: one line when offline, never a traceback ------------------------------------------------
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_offline_the_command_says_so_in_one_line_and_creates_nothing(workplace, monkeypatch, capsys):
    configured, folder = workplace
    monkeypatch.setenv(refresh.API_ENV, f"http://127.0.0.1:{closed_port()}")

    code = cli.main(["refresh", "--to", str(folder)])

    out = capsys.readouterr()
    assert code == 1 and out.err == ""
    assert out.out == (f"Offline: the EES API cannot be reached ({os.environ[refresh.API_ENV]}: connection refused); "
                       "nothing changed.\n")
    assert snapshot(folder) == {} and not configured.db_path.exists()


def test_a_name_that_does_not_resolve_is_offline_too(workplace, monkeypatch, capsys):
    configured, folder = workplace
    monkeypatch.setenv(refresh.API_ENV, "http://ees-api.invalid")

    def no_such_name(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)  # so no resolver is ever asked

    code = cli.main(["refresh", "--to", str(folder)])

    out = capsys.readouterr().out
    assert code == 1 and out.count("\n") == 1
    assert out == (f"Offline: the EES API cannot be reached (http://ees-api.invalid: [Errno {socket.EAI_NONAME}] Name or "
                   "service not known); nothing changed.\n")
    assert snapshot(folder) == {}


def test_a_bad_timeout_setting_is_bad_input(workplace, monkeypatch, capsys):
    configured, folder = workplace
    monkeypatch.setenv(refresh.TIMEOUT_ENV, "soon")

    assert cli.main(["refresh", "--to", str(folder)]) == 2
    assert "DASHBOARD_EES_TIMEOUT: 'soon' is not a number of seconds above 0" in capsys.readouterr().err


# ---- the catalogue ----------------------------------------------------------------------------------------------
def test_the_shipped_catalogue_names_existing_importers_and_invents_no_ids():
    data_sets = refresh.load_catalogue(refresh.CATALOGUE)
    assert {d.key for d in data_sets} >= {"ees_applications_offers", "ees_attendance_ytd"}
    # None of the data sets the importers read is an API data set on its data catalogue page (see each note):
    # the ids are for the council to fill in, never guessed.
    assert all(d.data_set_id == "" and d.note for d in data_sets)


@pytest.mark.parametrize("row, column, message", [
    ({"data_set_id": "7c0e9201"}, "data_set_id", "is not an API data set id"),
    ({"importer": "EES something else"}, "importer", "is not the name of an importer"),
    ({"major_version": "1.2"}, "major_version", "is not a major version number"),
    ({"fetch": "query"}, "geographies", "a query needs some of la, region, neighbours, england"),
    ({"geographies": "la"}, "geographies", "the whole CSV has every area"),
])
def test_a_bad_catalogue_row_is_named_by_row_and_column(tmp_path, row, column, message):
    path = write_catalogue(tmp_path / "bad.csv", [{"key": "fine", "data_set_id": ""},
                                                  {"key": "broken", "data_set_id": DATA_SET, **row}])
    with pytest.raises(BadInput) as raised:
        refresh.load_catalogue(path)
    assert (raised.value.row, raised.value.column) == (3, column) and message in raised.value.message
