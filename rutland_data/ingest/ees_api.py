"""A small client for the Explore Education Statistics (EES) public API, v1 (standard-library HTTP).

What is used here, as DfE's OpenAPI description of the API documents it (`openapi-v1.json` in
dfe-analytical-services/explore-education-statistics, src/explore-education-statistics-api-docs/source/;
live base URL https://api.education.gov.uk/statistics, per DfE's API catalogue entry):

- `GET /v1/data-sets/{id}` (GetDataSet): the summary - `status` (Published, Deprecated, Withdrawn),
  `supersedingDataSetId`, `latestVersion.version`.
- `GET /v1/data-sets/{id}/versions?page=&pageSize=` (ListDataSetVersions): paged, `pageSize` at most 20;
  each version has `version` ('1.0', '2.1', a patch '2.1.1'), `type` (Major, Minor, Patch), `status`, `published`.
- `GET /v1/data-sets/{id}/versions/{version}/changes` (GetDataSetVersionChanges): `majorChanges` and
  `minorChanges`, each a ChangeSetViewModel (filters, filterOptions, geographicLevels, indicators,
  locationGroups, locationOptions, timePeriods).
- `GET /v1/data-sets/{id}/meta?dataSetVersion=` (GetDataSetMeta): filters and indicators (`id`, `column`,
  `label`), locations by level (`id`, `label`, `code`, and `oldCode` for LAs), geographic levels, time periods.
- `POST /v1/data-sets/{id}/query?dataSetVersion=` (QueryDataSetPost): body `{criteria, page, pageSize}`
  (`pageSize` at most 10,000); answer `{paging: {page, pageSize, totalResults, totalPages}, results, warnings}`,
  each result `{timePeriod: {code, period}, geographicLevel, locations: {level: id}, filters: {id: option id},
  values: {indicator id: text}}`.
- `GET /v1/data-sets/{id}/csv?dataSetVersion=` (DownloadDataSetCsv): the version's underlying CSV file,
  gzip-compressed. DataSetsController.DownloadDataSetCsv sets `Content-Encoding: gzip` and streams the stored
  `data.csv.gz`, which the processor's CopyCsvFilesFunction copied from the release's data file: the same
  columns as the data catalogue download, so the dashboard's EES importers recognise it by its header.
- `dataSetVersion` takes wildcards: '2.*' is the latest minor version of major 2.
- Errors are RFC 7807 problem details (ProblemDetailsViewModel: `type`, `title`, `status`, `detail`); 400s add `errors`.
"""
from __future__ import annotations

import csv
import gzip
import http.client
import io
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

DEFAULT_BASE_URL = "https://api.education.gov.uk/statistics"
VERSIONS_PAGE_SIZE = 20  # ListDataSetVersions: pageSize maximum 20
QUERY_PAGE_SIZE = 10_000  # DataSetQueryRequest: pageSize maximum 10,000
_CHUNK = 1 << 20

# TimeIdentifier.cs (EES Common.Model): the CSV `time_identifier` of each year-like time period code.
TIME_IDENTIFIERS = {
    "AY": "Academic year", "CY": "Calendar year", "FY": "Financial year", "TY": "Tax year", "RY": "Reporting year",
    "T1": "Autumn term", "T2": "Spring term", "T1T2": "Autumn and spring term", "T3": "Summer term",
}
GEOGRAPHY_COLUMNS = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name",
                     "region_code", "region_name", "new_la_code", "old_la_code", "la_name"]


class Unreachable(Exception):
    """The API could not be reached at all: name not resolved, connection refused, or no answer in time."""


class ApiError(Exception):
    """The API answered, but not with what was asked for: an HTTP error, a malformed answer, a cut-short download."""


def version_parts(text: str) -> tuple[int, int, int]:
    """'2.1' -> (2, 1, 0); '2.1.1' -> (2, 1, 1): versions are major.minor with an optional patch."""
    pieces = str(text).split(".")
    if not 2 <= len(pieces) <= 3 or not all(p.isdigit() for p in pieces):
        raise ValueError(f"'{text}' is not a version number like 2.1 or 2.1.1")
    major, minor, *patch = (int(p) for p in pieces)
    return major, minor, patch[0] if patch else 0


@dataclass(frozen=True)
class EesApi:
    """One API endpoint with its limits: every request times out, every download and paged query is bounded."""

    base_url: str = DEFAULT_BASE_URL
    timeout: float = 30.0  # seconds to connect, and between any two reads
    download_deadline: float = 900.0  # seconds for one whole download
    max_download_bytes: int = 2 << 30
    max_json_bytes: int = 64 << 20
    query_page_size: int = QUERY_PAGE_SIZE
    max_pages: int = 50

    def summary(self, data_set_id: str) -> dict:
        answer = self._json("GET", f"/v1/data-sets/{data_set_id}")
        _require(answer, f"GET /v1/data-sets/{data_set_id}", "id", "status")
        return answer

    def versions(self, data_set_id: str) -> list[dict]:
        """Every version of the data set (all pages of the list, up to `max_pages`)."""
        path = f"/v1/data-sets/{data_set_id}/versions"
        found = []
        for page in self._pages("GET", path, lambda n: ({"page": n, "pageSize": VERSIONS_PAGE_SIZE}, None)):
            for version in page:
                _require(version, f"GET {path}", "version", "status")
                try:
                    version_parts(version["version"])
                except ValueError as error:
                    raise ApiError(f"malformed answer to GET {path}: {error}") from None
                found.append(version)
        return found

    def changes(self, data_set_id: str, version: str) -> dict:
        path = f"/v1/data-sets/{data_set_id}/versions/{version}/changes"
        answer = self._json("GET", path)
        _require(answer, f"GET {path}", "majorChanges", "minorChanges")
        return answer

    def meta(self, data_set_id: str, version: str) -> dict:
        path = f"/v1/data-sets/{data_set_id}/meta"
        answer = self._json("GET", path, {"dataSetVersion": version})
        _require(answer, f"GET {path}", "filters", "indicators", "locations", "geographicLevels")
        return answer

    def query(self, data_set_id: str, version: str, criteria: dict) -> Iterator[tuple[list[dict], list[dict]]]:
        """(results, warnings) page by page for a POST query, up to `max_pages` pages of `query_page_size`."""
        path = f"/v1/data-sets/{data_set_id}/query"
        return self._pages("POST", path, lambda n: (
            {"dataSetVersion": version},
            {"criteria": criteria, "page": n, "pageSize": self.query_page_size}), with_warnings=True)

    def download_csv(self, data_set_id: str, version: str, target: BinaryIO) -> int:
        """Write the version's CSV to `target` gzip-compressed (as sent, or compressed here if a proxy
        decoded it); the gzip stream is then read back whole, so a cut-short file is an error, not a file."""
        path = f"/v1/data-sets/{data_set_id}/csv"
        started, received = time.monotonic(), 0
        with self._open("GET", path, {"dataSetVersion": version}, accept="text/csv") as response:
            expected = response.headers.get("Content-Length")
            compressed = response.headers.get("Content-Encoding", "").lower() == "gzip"
            sink = target if compressed else gzip.GzipFile(fileobj=target, mode="wb")
            try:
                while chunk := self._read(response, path, _CHUNK):
                    received += len(chunk)
                    if received > self.max_download_bytes:
                        raise ApiError(f"GET {path} sent more than {self.max_download_bytes:,} bytes; stopped")
                    if time.monotonic() - started > self.download_deadline:
                        raise ApiError(f"GET {path} took longer than {self.download_deadline:.0f} s; stopped")
                    sink.write(chunk)
            finally:
                if sink is not target:
                    sink.close()
        if expected is not None and expected.isdigit() and int(expected) != received:
            raise ApiError(f"GET {path} was cut short ({received:,} of {int(expected):,} bytes)")
        target.flush()
        target.seek(0)
        try:
            with gzip.GzipFile(fileobj=target, mode="rb") as check:
                while check.read(_CHUNK):
                    pass
        except (OSError, EOFError, zlib.error) as error:
            raise ApiError(f"GET {path} did not send a whole gzip-compressed CSV ({error})") from None
        return received

    # ---- plumbing -------------------------------------------------------------------------------------------
    def _pages(self, method: str, path: str, request_for, with_warnings: bool = False) -> Iterator:
        """Results of a paged endpoint, page by page, checked against its `paging` and `max_pages`."""
        page = 1
        while True:
            params, body = request_for(page)
            answer = self._json(method, path, params, body)
            _require(answer, f"{method} {path}", "paging", "results")
            paging = answer["paging"]
            _require(paging, f"{method} {path}", "page", "totalPages")
            total = paging["totalPages"]
            if not isinstance(total, int) or not isinstance(answer["results"], list):
                raise ApiError(f"malformed answer to {method} {path}: 'paging.totalPages' or 'results' has the wrong type")
            if total > self.max_pages:
                raise ApiError(f"{method} {path} has {total} pages, more than the {self.max_pages} allowed; "
                               "fetch the whole CSV or ask for fewer areas")
            yield (answer["results"], answer.get("warnings") or []) if with_warnings else answer["results"]
            if page >= total:
                return
            page += 1

    def _json(self, method: str, path: str, params: dict | None = None, body: dict | None = None) -> dict:
        with self._open(method, path, params, body=body) as response:
            data = self._read(response, path, self.max_json_bytes + 1)
            if len(data) > self.max_json_bytes:
                raise ApiError(f"{method} {path} answered with more than {self.max_json_bytes:,} bytes")
            encoding = response.headers.get("Content-Encoding", "").lower()
        try:
            if encoding == "gzip":
                data = gzip.decompress(data)
            answer = json.loads(data)
        except (OSError, EOFError, zlib.error, ValueError) as error:
            raise ApiError(f"malformed answer to {method} {path}: not JSON ({error})") from None
        if not isinstance(answer, dict):
            raise ApiError(f"malformed answer to {method} {path}: expected a JSON object")
        return answer

    def _open(self, method: str, path: str, params: dict | None = None, body: dict | None = None,
              accept: str = "application/json") -> http.client.HTTPResponse:
        url = self.base_url.rstrip("/") + path + (f"?{urllib.parse.urlencode(params)}" if params else "")
        request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                         headers={"Accept": accept, "Accept-Encoding": "gzip",
                                                  "User-Agent": "rutland-dashboard-refresh",
                                                  **({"Content-Type": "application/json"} if body is not None else {})})
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:
            raise ApiError(f"{method} {path} answered HTTP {error.code}: {_problem(error)}") from None
        except urllib.error.URLError as error:
            raise Unreachable(f"{self.base_url}: {_reason(error.reason)}") from None
        except TimeoutError:
            raise Unreachable(f"{self.base_url}: no answer within {self.timeout:g} s") from None
        except (ConnectionError, http.client.HTTPException) as error:
            raise Unreachable(f"{self.base_url}: {_reason(error)}") from None

    def _read(self, response: http.client.HTTPResponse, path: str, size: int) -> bytes:
        try:
            return response.read(size)
        except TimeoutError:
            raise ApiError(f"{path}: nothing received for {self.timeout:g} s mid-answer (timed out)") from None
        except (ConnectionError, http.client.HTTPException) as error:
            raise ApiError(f"{path}: the answer was cut short ({_reason(error)})") from None


def _require(answer: object, request: str, *keys: str) -> None:
    missing = [k for k in keys if not isinstance(answer, dict) or k not in answer]
    if missing:
        raise ApiError(f"malformed answer to {request}: no {', '.join(repr(k) for k in missing)}")


def _problem(error: urllib.error.HTTPError) -> str:
    """The problem details' title and detail, or the status line's reason when the body is not JSON."""
    try:
        data = error.read(64 << 10)
        if (error.headers.get("Content-Encoding") or "").lower() == "gzip":
            data = gzip.decompress(data)
        problem = json.loads(data)
    except (OSError, EOFError, zlib.error, ValueError):
        problem = None
    if not isinstance(problem, dict) or not problem.get("title"):
        return str(error.reason)
    return "; ".join(str(problem[k]) for k in ("title", "detail") if problem.get(k))


def _reason(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    return str(reason) or type(reason).__name__


def write_query_csv(meta: dict, pages: Iterator[tuple[list[dict], list[dict]]], target: BinaryIO) -> tuple[int, list[str]]:
    """Query results as the data set's own CSV layout (gzip-compressed into `target`): the EES geography and
    time columns, then each filter and indicator under its CSV column name with its label or value, so the
    same importers read a filtered extract and a whole file alike. Returns (rows, warning messages)."""
    filters = [(f["id"], f["column"], {o["id"]: o["label"] for o in f.get("options", [])}) for f in meta["filters"]]
    indicators = [(i["id"], i["column"]) for i in meta["indicators"]]
    level_labels = {g["code"]: g.get("label", g["code"]) for g in meta["geographicLevels"]}
    places = {(group["level"]["code"], option["id"]): option
              for group in meta["locations"] for option in group.get("options", [])}
    rows, warnings = 0, []
    with gzip.GzipFile(fileobj=target, mode="wb") as compressed:
        text = io.TextIOWrapper(compressed, encoding="utf-8", newline="")
        writer = csv.writer(text)
        writer.writerow(GEOGRAPHY_COLUMNS + [c for _, c, _ in filters] + [c for _, c in indicators])
        for results, page_warnings in pages:
            warnings.extend(str(w.get("message", w)) for w in page_warnings)
            for result in results:
                writer.writerow(_csv_row(result, level_labels, places)
                                + [labels.get(result.get("filters", {}).get(fid), "") for fid, _, labels in filters]
                                + [result.get("values", {}).get(iid, "") for iid, _ in indicators])
                rows += 1
        text.flush()
        text.detach()
    return rows, warnings


def _csv_row(result: dict, level_labels: dict, places: dict) -> list[str]:
    """The geography and time cells of one query result (TimePeriodFormatter.FormatToCsv: 2020/2021 -> 202021)."""
    try:
        code, period = result["timePeriod"]["code"], str(result["timePeriod"]["period"])
        level, located = result["geographicLevel"], result["locations"]
    except (KeyError, TypeError):
        raise ApiError("malformed query result: no timePeriod, geographicLevel or locations") from None
    if code not in TIME_IDENTIFIERS:
        raise ApiError(f"query result for time period code {code} is not a year or term; fetch the whole CSV instead")
    first, _, second = period.partition("/")
    time_period = first + second[2:] if second else first

    def place(level_code: str) -> dict:
        option_id = located.get(level_code)
        if option_id is None:
            return {}
        if (level_code, option_id) not in places:
            raise ApiError(f"query result names location {level_code} {option_id}, which the data set's meta does not list")
        return places[(level_code, option_id)]

    country, region, la = place("NAT"), place("REG"), place("LA")
    return [time_period, TIME_IDENTIFIERS[code], level_labels.get(level, level),
            country.get("code", ""), country.get("label", ""), region.get("code", ""), region.get("label", ""),
            la.get("code", ""), la.get("oldCode", ""), la.get("label", "")]
