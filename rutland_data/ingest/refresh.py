"""`python -m rutland_data refresh`: fetch what is new from the EES public API, then build as usual.

The data sets the dashboard knows are rows of `ees_datasets.csv` (data, not code): an API data set id, a
pinned major version, the importer that reads the file, and how to fetch it - the whole CSV (every LA, so
ranks and quartiles stay whole) or a paged query for the configured LA, its region, its statistical
neighbours and England. Downloads go to `<folder>/ees-api/<key>.csv.gz`, one file per data set (a new
version replaces the old, so the build never sees both), with `refresh-state.json` beside them recording
what was fetched: data set id, version, when, and the file's sha256.

A data set is downloaded only when its newest version in the pinned major differs from the recorded one
(or its file went missing or changed). Each download is written to a `.part` file, which importers never
read, checked whole (gzip intact, recognised by the importer the catalogue names) and only then moved in;
the build then runs over the whole folder through the same importers and validation, atomically. If that
build fails, the previous files are put back, so the folder again matches the database and the state.
"""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock, Timeout

from rutland_data.ingest import build
from rutland_data.store import db
from rutland_data.ingest.build import BuildReport
from rutland_data.ingest.ees_api import ApiError, EesApi, Unreachable, version_parts, write_query_csv
from rutland_data.ingest.formats import all_importers
from rutland_data.ingest.importers import BadInput
from rutland_data.reference.codes import ENGLAND_CODE
from rutland_data.settings import PROJECT_ROOT, Settings

CATALOGUE = Path(__file__).with_name("ees_datasets.csv")
API_ENV, TIMEOUT_ENV, CATALOGUE_ENV = "DASHBOARD_EES_API", "DASHBOARD_EES_TIMEOUT", "DASHBOARD_EES_CATALOGUE"
DEFAULT_FOLDER = PROJECT_ROOT / "data" / "downloads"
SUBFOLDER = "ees-api"
STATE_FILE = "refresh-state.json"
PART, PREVIOUS = ".part", ".previous"  # suffixes no importer reads
GEOGRAPHIES = ("la", "region", "neighbours", "england")
FETCHES = ("csv", "query")
_KEY = re.compile(r"[a-z0-9_]+")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class DataSet:
    """One row of the catalogue."""

    key: str
    title: str
    publication: str
    data_set_id: str  # blank until the council (or a later check) fills in a real API data set id
    major_version: int
    fetch: str
    importer: str
    geographies: tuple[str, ...]
    source: str
    note: str

    @property
    def file_name(self) -> str:
        return f"{self.key}.csv.gz"


@dataclass(frozen=True)
class Areas:
    """Whom a paged query asks for: the configured LA (DfE number), its region (ONS code) and neighbours."""

    la: str
    region: str | None = None
    neighbours: tuple[str, ...] = ()

    def criteria(self, wanted: tuple[str, ...]) -> dict:
        """One `or` clause per geographic level. A plain `locations.in` would not do: the API matches a
        location at any level of a row (LocationFacetsParser.InFragment ORs the NAT, REG and LA columns),
        so England's code alone would match every row of the data set."""
        las = ([self.la] if "la" in wanted else []) + (list(self.neighbours) if "neighbours" in wanted else [])
        clauses = [(level, places) for level, places in (
            ("NAT", [{"level": "NAT", "code": ENGLAND_CODE}] if "england" in wanted else []),
            ("REG", [{"level": "REG", "code": self.region}] if "region" in wanted and self.region else []),
            ("LA", [{"level": "LA", "oldCode": code} for code in las]),
        ) if places]
        return {"or": [{"geographicLevels": {"eq": level}, "locations": {"in": places}} for level, places in clauses]}


@dataclass
class Outcome:
    exit_code: int
    report: BuildReport | None = None


@dataclass
class _Plan:
    data_set: DataSet
    version: str
    previous: str | None
    notes: list[str] = field(default_factory=list)


def catalogue_path() -> Path:
    return Path(os.environ.get(CATALOGUE_ENV, CATALOGUE))


def api_from_environment() -> EesApi:
    timeout = os.environ.get(TIMEOUT_ENV, "30")
    try:
        seconds = float(timeout)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise BadInput(TIMEOUT_ENV, f"'{timeout}' is not a number of seconds above 0")
    return EesApi(base_url=os.environ.get(API_ENV, EesApi.base_url), timeout=seconds)


def load_catalogue(path: Path) -> list[DataSet]:
    """The catalogue's rows, each checked; a bad cell is named by file, row and column."""
    name = str(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(name, f"cannot be read as UTF-8 text ({error})") from None
    columns = {f.name for f in DataSet.__dataclass_fields__.values()}
    if set(reader.fieldnames or ()) != columns:
        raise BadInput(name, f"expected the columns {', '.join(sorted(columns))}", row=1)
    importers = {i.name for i in all_importers()}
    found, keys = [], set()
    for row_number, row in enumerate(rows, start=2):
        if None in row:
            raise BadInput(name, "has more cells than the header", row=row_number)
        cells = {k: (v or "").strip() for k, v in row.items()}

        def bad(column: str, message: str) -> BadInput:
            return BadInput(name, message, row=row_number, column=column)

        if not _KEY.fullmatch(cells["key"]) or cells["key"] in keys:
            raise bad("key", f"'{cells['key']}' is not a new key of lower-case letters, digits and '_'")
        if cells["data_set_id"] and not _UUID.fullmatch(cells["data_set_id"].lower()):
            raise bad("data_set_id", f"'{cells['data_set_id']}' is not an API data set id (a UUID) or blank")
        if not cells["major_version"].isdigit() or int(cells["major_version"]) < 1:
            raise bad("major_version", f"'{cells['major_version']}' is not a major version number (1, 2, ...)")
        if cells["fetch"] not in FETCHES:
            raise bad("fetch", f"'{cells['fetch']}' is not one of {', '.join(FETCHES)}")
        if cells["importer"] not in importers:
            raise bad("importer", f"'{cells['importer']}' is not the name of an importer")
        geographies = tuple(cells["geographies"].split())
        if cells["fetch"] == "query" and (not geographies or not set(geographies) <= set(GEOGRAPHIES)):
            raise bad("geographies", f"a query needs some of {', '.join(GEOGRAPHIES)}, separated by spaces")
        if cells["fetch"] == "csv" and geographies:
            raise bad("geographies", "the whole CSV has every area: leave geographies blank")
        keys.add(cells["key"])
        found.append(DataSet(**{**cells, "data_set_id": cells["data_set_id"].lower(),
                                "major_version": int(cells["major_version"]), "geographies": geographies}))
    return found


def run(configured: Settings, folder: Path, areas: Areas, dry_run: bool = False,
        say: Callable[[str], None] = print, api: EesApi | None = None) -> Outcome:
    """Check every data set; unless `dry_run`, download what is new and build from `folder`.

    Exit codes: 0 done (or nothing new); 1 nothing fetched because the API is unreachable, or some data set
    failed (the others are still fetched and built); 2 bad input (the catalogue, a setting, or the build)."""
    catalogue = load_catalogue(catalogue_path())
    api = api or api_from_environment()
    downloads = Path(folder) / SUBFOLDER
    state = _read_state(downloads)
    plans, failed = [], False
    try:
        for data_set in catalogue:
            try:
                plan = _check(api, data_set, state, downloads, say)
            except ApiError as error:
                say(_line(f"{data_set.key}: {error}; nothing downloaded"))
                failed = True
                continue
            if plan is not None:
                say(_line(f"{data_set.key}: {'would download' if dry_run else 'downloading'} version {plan.version}"
                          + (f" (last fetched {plan.previous})" if plan.previous else " (not fetched before)")
                          + "".join(f"; {note}" for note in plan.notes)))
                plans.append(plan)
        if dry_run or not plans:
            if not plans:
                say("Nothing new from the EES API; the database was not rebuilt.")
            return Outcome(1 if failed else 0)
        downloads.mkdir(parents=True, exist_ok=True)
        try:
            with FileLock(downloads / ".refresh.lock", timeout=0):
                return _fetch_and_build(api, configured, Path(folder), areas, plans, say, failed)
        except Timeout:
            say(f"Another refresh of {downloads} is running; nothing changed.")
            return Outcome(1)
    except Unreachable as error:
        say(_line(f"Offline: the EES API cannot be reached ({error}); nothing changed."))
        return Outcome(1)


def _check(api: EesApi, data_set: DataSet, state: dict, downloads: Path, say) -> _Plan | None:
    """The newest version of the pinned major, if it is not what was last fetched; None if up to date."""
    if not data_set.data_set_id:
        say(f"{data_set.key}: no API data set id in {catalogue_path().name} yet; skipped (see its note)")
        return None
    summary = api.summary(data_set.data_set_id)
    notes = []
    if summary["status"] == "Withdrawn":
        raise ApiError("DfE has withdrawn this data set")
    if summary["status"] == "Deprecated":
        notes.append("DfE has deprecated this data set" + (f" (superseded by {summary['supersedingDataSetId']})"
                                                          if summary.get("supersedingDataSetId") else ""))
    usable = [v for v in api.versions(data_set.data_set_id) if v["status"] != "Withdrawn"]
    pinned = [v for v in usable if version_parts(v["version"])[0] == data_set.major_version]
    if not pinned:
        raise ApiError(f"no version {data_set.major_version}.x is published (the catalogue pins "
                       f"{data_set.major_version}.*; published: {', '.join(v['version'] for v in usable) or 'none'})")
    newest = max(pinned, key=lambda v: version_parts(v["version"]))["version"]
    newest_major = max(version_parts(v["version"])[0] for v in usable)
    if newest_major > data_set.major_version:
        notes.append(f"major version {newest_major} is published: check its changes, then move the pin in "
                     f"{catalogue_path().name}")
    last = state.get(data_set.key) or {}
    saved = downloads / data_set.file_name
    if (last.get("data_set_id") == data_set.data_set_id and last.get("version") == newest and saved.is_file()
            and db.file_sha256(saved) == last.get("sha256")):
        say(f"{data_set.key}: unchanged at version {newest}; not downloaded")
        return None
    notes.append(_describe_changes(api.changes(data_set.data_set_id, newest)))
    return _Plan(data_set, newest, last.get("version") if last.get("data_set_id") == data_set.data_set_id else None,
                 notes)


def _describe_changes(changes: dict) -> str:
    """'changes: minor - 2 time periods, 1 indicators' from the version's change lists."""
    parts = []
    for kind in ("majorChanges", "minorChanges"):
        counted = [f"{len(items)} {re.sub(r'(?<!^)(?=[A-Z])', ' ', topic).lower()}"
                   for topic, items in (changes.get(kind) or {}).items() if isinstance(items, list) and items]
        if counted:
            parts.append(f"{kind[:5]} - {', '.join(counted)}")
    return "changes: " + ("; ".join(parts) if parts else "none listed")


def _fetch_and_build(api: EesApi, configured: Settings, folder: Path, areas: Areas, plans: list[_Plan],
                     say, failed: bool) -> Outcome:
    downloads = folder / SUBFOLDER
    _recover(downloads)
    state = _read_state(downloads)  # again: another refresh may have finished since the check
    accepted = []
    try:
        for plan in plans:
            recorded = state.get(plan.data_set.key) or {}
            if recorded.get("data_set_id") == plan.data_set.data_set_id and recorded.get("version") == plan.version:
                say(f"{plan.data_set.key}: version {plan.version} was fetched meanwhile; not downloaded again")
                continue
            try:
                part, detail = _download(api, plan, downloads, areas)
            except ApiError as error:
                say(_line(f"{plan.data_set.key}: {error}; nothing saved"))
                failed = True
                continue
            say(_line(f"{plan.data_set.key}: version {plan.version} downloaded ({detail}), "
                      f"read by '{plan.data_set.importer}'"))
            accepted.append((plan, part))
    except BaseException:  # the API went away mid-run (or an interrupt): no half-refreshed folder
        for _, part in accepted:
            part.unlink(missing_ok=True)
        raise
    if not accepted:
        return Outcome(1 if failed else 0)
    with db.build_lock(configured.db_path):
        report = _swap_in_and_build(accepted, folder, configured, state, say)
    return Outcome(1 if failed else 0, report)


def _download(api: EesApi, plan: _Plan, downloads: Path, areas: Areas) -> tuple[Path, str]:
    """The data set version in a `.part` file, checked whole and recognised by the catalogue's importer."""
    data_set = plan.data_set
    part = downloads / f"{data_set.file_name}.{uuid.uuid4().hex[:12]}{PART}"
    handle = open(part, "x+b")  # unique, and with the folder's usual permissions (not a private temp file's)
    try:
        with handle:
            if data_set.fetch == "csv":
                size = api.download_csv(data_set.data_set_id, plan.version, handle)
                detail = f"{size:,} bytes"
            else:
                wanted = data_set.geographies
                meta = api.meta(data_set.data_set_id, plan.version)
                rows, warnings = write_query_csv(meta, api.query(data_set.data_set_id, plan.version,
                                                                 areas.criteria(wanted)), handle)
                missing = [g for g in wanted if (g == "region" and not areas.region)
                           or (g == "neighbours" and not areas.neighbours)]
                detail = (f"{rows:,} rows for {', '.join(g for g in wanted if g not in missing)}"
                          + (f"; no {' or '.join(missing)} known until a database is built" if missing else "")
                          + "".join(f"; the API warned: {w}" for w in warnings))
        _expect_importer(part, data_set)
        return part, detail
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def _expect_importer(part: Path, data_set: DataSet) -> None:
    """Offer the file to the build's own recognition (`build.plan`) under its final name, in a scratch folder."""
    with tempfile.TemporaryDirectory() as scratch:
        candidate = Path(scratch) / data_set.file_name
        try:
            os.link(part, candidate)
        except OSError:
            shutil.copyfile(part, candidate)
        try:
            planned, _ = build.plan(Path(scratch))
        except BadInput as error:
            raise ApiError(f"the downloaded file cannot be used: {error.message}") from None
    if not planned:
        raise ApiError(f"no importer recognises the downloaded file's columns (expected '{data_set.importer}')")
    if planned[0][1].name != data_set.importer:
        raise ApiError(f"the downloaded file is read by '{planned[0][1].name}', not by '{data_set.importer}' "
                       "as the catalogue says")


def _swap_in_and_build(accepted: list, folder: Path, configured: Settings, state: dict, say) -> BuildReport:
    """Move the new files in (the old ones kept as `.previous`), build, and put the old files back if the build
    fails; only a build that succeeded is recorded in the state file."""
    downloads = folder / SUBFOLDER
    moved = []
    try:
        for plan, part in accepted:
            final = downloads / plan.data_set.file_name
            if final.exists():
                os.replace(final, final.with_name(final.name + PREVIOUS))
            os.replace(part, final)
            moved.append(final)
        report = build.build_from(folder, configured)
    except BaseException:
        for final in moved:
            previous = final.with_name(final.name + PREVIOUS)
            if previous.exists():
                os.replace(previous, final)
            else:
                final.unlink(missing_ok=True)
        for _, part in accepted:
            part.unlink(missing_ok=True)
        raise
    fetched_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    for plan, _ in accepted:
        final = downloads / plan.data_set.file_name
        final.with_name(final.name + PREVIOUS).unlink(missing_ok=True)
        state[plan.data_set.key] = {"data_set_id": plan.data_set.data_set_id, "version": plan.version,
                                    "fetched_at": fetched_at, "file": final.name, "sha256": db.file_sha256(final)}
    _write_state(downloads, state)
    return report


def _recover(downloads: Path) -> None:
    """Undo what a killed refresh left (held under the refresh lock, so no other refresh is writing): its
    `.part` files go, and a `.previous` file goes back, as the state file still describes it."""
    for part in downloads.glob(f"*{PART}"):
        part.unlink(missing_ok=True)
    for previous in downloads.glob(f"*{PREVIOUS}"):
        os.replace(previous, previous.with_name(previous.name[: -len(PREVIOUS)]))


def _read_state(downloads: Path) -> dict:
    path = downloads / STATE_FILE
    if not path.exists():
        return {}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BadInput(str(path), f"is not a readable refresh state file ({error}); delete it to fetch everything again") from None
    if not isinstance(state, dict) or not isinstance(state.get("data_sets"), dict):
        raise BadInput(str(path), "has no 'data_sets' object; delete it to fetch everything again")
    return state["data_sets"]


def _write_state(downloads: Path, data_sets: dict) -> None:
    path = downloads / STATE_FILE
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    temporary.write_text(json.dumps({"data_sets": data_sets}, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def _line(text: str) -> str:
    """One line, whatever the API put in its messages."""
    return " ".join(str(text).split())
