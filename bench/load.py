"""Many people at once: N sessions over Streamlit's own websocket protocol, each changing a filter
back to back, against `streamlit run app.py` on loopback (a benchmark, run by hand; not a test).

    python -m bench.load [--db PATH] [--la 857] [--sessions 1 10 25] [--seconds 60] [--profile-seconds 20]

What one session does is what a browser tab does (Streamlit 1.67's protocol, `streamlit/proto`):
it opens `ws://127.0.0.1:PORT/_stcore/stream`, sends a `BackMsg.rerun_script` whose `ClientState`
carries the page (`page_name` = its URL path on the first run, then the `page_script_hash` the server's
`navigation` message named) and a query string, and reads `ForwardMsg`s until `script_finished`
(FINISHED_EARLY_FOR_RERUN is not the end: the script called st.rerun and runs again). It then sends the
next query string (Headlines: `phase=KS2&year=...`, then KS4, ...) at once. A new query string goes as a
history navigation (`is_history_navigation`, as the browser's back/forward sends it): on a plain rerun
Streamlit lets the session's widget state win over the URL, so the page would not change. Like the
browser it sends the hashes of the cacheable messages it has already received (`cached_message_hashes`),
so the server sends those as references.

An exception element (`delta.new_element.exception`), a `page_not_found`, a compile error, a closed
socket or a rerun slower than RERUN_TIMEOUT_SECONDS is an error. Every step is bounded: a fixed
duration and at most MAX_RERUNS_PER_SESSION reruns a session; only loopback addresses are accepted.

Reported per number of sessions: reruns a second, round trip p50/p95/max (each session's first load
is left out: it is reported apart), errors, the server's resident memory before and with the sessions
open (growth per session), the server's CPU seconds per rerun and the client's own (it shares the 2
cores). Then where one rerun's CPU goes: py-spy samples every thread of the server process while one
session changes the Headlines phase. py-spy rather than pyinstrument or cProfile: a rerun runs in the
ScriptRunner thread but its messages are encoded and sent by the event loop in the main thread, and
those two profile only the thread they are started in; py-spy samples the real server from outside,
with no code in it.
"""
from __future__ import annotations

import argparse
import asyncio
import inspect
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psutil
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner.script_runner import ScriptRunner
from websockets.asyncio.client import connect

from bench import server as bench_server
from bench.stats import percentile
from rutland_data import settings
from rutland_data.queries import la as la_queries
from rutland_data.reference import codes, measures
from rutland_data.store import db

RERUN_TIMEOUT_SECONDS = 60.0
MAX_RERUNS_PER_SESSION = 5_000
CONNECT_TIMEOUT_SECONDS = 30.0
DEFAULT_SESSIONS = (1, 10, 25)
DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


@dataclass(frozen=True)
class Scenario:
    """A page (its URL path; "" is the default page) and the query strings a session cycles through."""

    name: str
    page: str
    query_strings: tuple[str, ...]


@dataclass
class SessionResult:
    first_load: float | None = None                        # seconds, the session's first run
    round_trips: list[float] = field(default_factory=list)  # seconds, every later rerun
    errors: list[str] = field(default_factory=list)


@dataclass
class _Connection:
    """What a session keeps between reruns, as the browser does."""

    page_script_hash: str = ""
    cached_hashes: set[str] = field(default_factory=set)


def headlines_scenario(db_path: Path, la: str) -> Scenario:
    """Headlines with each phase in turn, for the latest and the previous year (the sidebar's year)."""
    con = db.connect_read_only(db_path)
    try:
        years = [codes.academic_year(y) for y in la_queries.years_with_results(con, la)][-2:]
    finally:
        con.close()
    phases = list(dict.fromkeys(m.phase for m in measures.where("headlines")))
    return Scenario("Headlines", "headlines",
                    tuple(f"phase={phase}&year={year}" for year in reversed(years) for phase in phases))


def _rerun_message(connection: _Connection, page: str, query_string: str, history: bool) -> bytes:
    message = BackMsg()
    state = message.rerun_script
    state.query_string = query_string
    if connection.page_script_hash:
        state.page_script_hash = connection.page_script_hash
    else:
        state.page_name = page
    state.is_history_navigation = history
    state.cached_message_hashes.extend(sorted(connection.cached_hashes))
    return message.SerializeToString()


async def _until_finished(socket, connection: _Connection) -> list[str]:
    """Read ForwardMsgs until the script run is over; the errors it showed."""
    errors = []
    while True:
        message = ForwardMsg()
        message.ParseFromString(await socket.recv())
        kind = message.WhichOneof("type")
        if message.metadata.cacheable and message.hash:
            connection.cached_hashes.add(message.hash)
        if kind == "navigation":
            connection.page_script_hash = message.navigation.page_script_hash
        elif kind == "page_not_found":
            errors.append(f"page not found: {message.page_not_found.page_name!r}")
        elif kind == "delta" and message.delta.new_element.WhichOneof("type") == "exception":
            exception = message.delta.new_element.exception
            errors.append(f"exception: {exception.type} {exception.message}"[:200])
        elif kind == "script_finished":
            if message.script_finished in DONE:
                return errors
            if message.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                return errors + ["compile error"]
            # FINISHED_EARLY_FOR_RERUN: st.rerun() - the same request runs again.


async def _rerun(socket, connection: _Connection, scenario: Scenario, count: int, offset: int) -> tuple[float, list[str]]:
    """Send the count-th rerun of a session and wait for its end: (seconds, errors shown)."""
    query_string = scenario.query_strings[(offset + count) % len(scenario.query_strings)]
    started = time.perf_counter()
    await socket.send(_rerun_message(connection, scenario.page, query_string, history=count > 0))
    errors = await asyncio.wait_for(_until_finished(socket, connection), RERUN_TIMEOUT_SECONDS)
    return time.perf_counter() - started, errors


async def _session(stream: str, scenario: Scenario, offset: int, loaded: asyncio.Barrier,
                   window: dict, max_reruns: int) -> SessionResult:
    """One tab: load the page, wait for every other session to have loaded it, then rerun back to back
    until the window ends (or `max_reruns`). Every failure is counted, none is raised."""
    result = SessionResult()
    connection = _Connection()
    try:
        async with connect(stream, subprotocols=["streamlit"], proxy=None, max_size=None, ping_interval=None,
                           open_timeout=CONNECT_TIMEOUT_SECONDS) as socket:
            try:
                result.first_load, errors = await _rerun(socket, connection, scenario, 0, offset)
                result.errors += errors
            finally:
                await loaded.wait()  # every session has loaded its page: the measured window starts
            for count in range(1, max_reruns + 1):
                if count > 1 and time.perf_counter() >= window["ends"]:
                    break
                took, errors = await _rerun(socket, connection, scenario, count, offset)
                result.round_trips.append(took)
                result.errors += errors
    except Exception as error:  # noqa: BLE001 - a refused socket, a timeout, a broken barrier: all counted
        result.errors.append(f"{type(error).__name__}: {error}"[:200])
    return result


@dataclass
class StepResult:
    sessions: int
    seconds: float
    results: list[SessionResult]
    rss_before_mb: float
    rss_open_mb: float
    server_cpu_seconds: float
    client_cpu_seconds: float

    @property
    def round_trips(self) -> list[float]:
        return sorted(t for r in self.results for t in r.round_trips)

    @property
    def errors(self) -> list[str]:
        return [e for r in self.results for e in r.errors]


def _check_loopback(stream: str) -> None:
    host = urlsplit(stream).hostname or ""
    if not (host == "localhost" or host.startswith("127.") or host == "::1"):
        raise ValueError(f"the load client only drives a server on this machine's loopback, not {host!r}")


def _server_usage(pid: int) -> tuple[float, float]:
    """(resident memory in MB, CPU seconds used so far) of the server process and any children."""
    process = psutil.Process(pid)
    processes = [process, *process.children(recursive=True)]
    rss = sum(p.memory_info().rss for p in processes)
    cpu = sum(p.cpu_times().user + p.cpu_times().system for p in processes)
    return rss / 2**20, cpu


def wait_until_idle(pid: int, timeout: float = 60.0, interval: float = 0.5, busy_share: float = 0.05) -> float:
    """Wait until the server and its children use under `busy_share` of a core over one `interval` (the board
    pack's workers, started by the Meetings page, warm up for seconds after the page has answered); at most
    `timeout` seconds. Returns the seconds waited."""
    started = time.perf_counter()
    _, before = _server_usage(pid)
    while time.perf_counter() - started < timeout:
        time.sleep(interval)
        _, now = _server_usage(pid)
        if now - before < busy_share * interval:
            break
        before = now
    return time.perf_counter() - started


async def _step(stream: str, pid: int | None, scenario: Scenario, sessions: int, seconds: float | None,
                max_reruns: int) -> StepResult:
    _check_loopback(stream)
    rss_before, _ = _server_usage(pid) if pid else (0.0, 0.0)
    window = {"ends": float("inf")}
    usage = {}

    def start_window() -> None:
        window["ends"] = float("inf") if seconds is None else time.perf_counter() + seconds
        usage["started"] = time.perf_counter()
        usage["server"] = _server_usage(pid)[1] if pid else 0.0
        usage["client"] = time.process_time()

    loaded = asyncio.Barrier(sessions + 1)
    tasks = [asyncio.create_task(_session(stream, scenario, i, loaded, window, max_reruns)) for i in range(sessions)]
    await loaded.wait()
    start_window()
    if seconds is not None:
        # Resident memory while every session is still open: sampled just before the window ends.
        await asyncio.sleep(max(0.0, seconds - 0.5))
    rss_open = _server_usage(pid)[0] if pid else 0.0
    results = await asyncio.gather(*tasks)
    ended = time.perf_counter()
    server_cpu = (_server_usage(pid)[1] - usage["server"]) if pid else 0.0
    return StepResult(sessions=sessions, seconds=ended - usage["started"], results=list(results),
                      rss_before_mb=rss_before, rss_open_mb=rss_open, server_cpu_seconds=server_cpu,
                      client_cpu_seconds=time.process_time() - usage["client"])


def drive(stream: str, scenario: Scenario, sessions: int, seconds: float | None, pid: int | None = None,
          max_reruns: int = MAX_RERUNS_PER_SESSION) -> StepResult:
    """Run `sessions` sessions against `stream` for `seconds` after each has loaded its page (None: until each
    has made `max_reruns` reruns); `pid`: the server process, whose memory and CPU are read."""
    return asyncio.run(_step(stream, pid, scenario, sessions, seconds, max_reruns))


HEADER = (f"  {'sessions':>8} {'reruns':>7} {'reruns/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} "
          f"{'errors':>6} {'first load p50 ms':>17} {'RSS MB before->open':>20} {'MB/session':>10} "
          f"{'server CPU ms/rerun':>19} {'client CPU ms/rerun':>19}")


def step_line(step: StepResult) -> str:
    times = step.round_trips
    reruns = len(times)
    firsts = [r.first_load for r in step.results if r.first_load is not None]
    per_session = (step.rss_open_mb - step.rss_before_mb) / step.sessions
    cpu_per = step.server_cpu_seconds / reruns * 1000 if reruns else float("nan")
    client_per = step.client_cpu_seconds / reruns * 1000 if reruns else float("nan")
    return (f"  {step.sessions:>8} {reruns:>7} {reruns / step.seconds:>8.1f} {percentile(times, .5) * 1000:>7.0f} "
            f"{percentile(times, .95) * 1000:>7.0f} {(max(times) if times else float('nan')) * 1000:>7.0f} "
            f"{len(step.errors):>6} {statistics.median(firsts) * 1000 if firsts else float('nan'):>17.0f} "
            f"{f'{step.rss_before_mb:.0f} -> {step.rss_open_mb:.0f}':>20} {per_session:>10.1f} "
            f"{cpu_per:>19.1f} {client_per:>19.1f}")


# --- where one rerun's CPU goes ------------------------------------------------------------------

SERIALISATION_FRAMES = ("populate_hash_if_needed", "serialize_forward_msg", "create_reference_msg",
                        "_sender (", "send_bytes", "websockets/", "uvicorn/protocols/websockets")
PY_SPY_RATE = 250
# Innermost frames of a thread blocked in a wait that py-spy's non-blocking sampling can still count as active.
WAITING_FRAMES = ("EpollSelector.select (", "Condition.wait (", "Event.wait (", "Thread.join (",
                  "InotifyFD._check_inotify_fd (")
IDLE = "waiting"


def _post_script_gc_line() -> int:
    """The line of ScriptRunner._on_script_finished that calls gc.collect (runner.postScriptGC): a sample
    whose innermost Python frame is that line is the collector running."""
    lines, first = inspect.getsourcelines(ScriptRunner._on_script_finished)
    return first + next(i for i, line in enumerate(lines) if "gc.collect(" in line)


def _frame_file(frame: str) -> str:
    return frame.rpartition(" (")[2].rpartition(":")[0]


def _short(frame: str) -> str:
    """'chart_block (/x/rutland_data/ui/common.py:210)' -> 'rutland_data/ui/common.py:chart_block'."""
    function, _, place = frame.rpartition(" (")
    path = place.rpartition(":")[0]
    for marker in ("/site-packages/", f"{settings.PROJECT_ROOT}/", f"/python{sys.version_info[0]}.{sys.version_info[1]}/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{path}:{function}"


def _below(stack: list[str], index: int, depth: int = 2) -> str:
    """The calls made from stack[index], `depth` deep ('common.py:chart_block > common.py:table'), without
    Streamlit's metrics wrapper around every st.* call."""
    calls = [_short(f) for f in stack[index + 1:] if "/streamlit/runtime/metrics_util.py" not in f][:depth]
    return " > ".join(calls) or f"{_short(stack[index])} (itself)"


def classify(stack: list[str], gc_line: int) -> tuple[str, str]:
    """(bucket, detail) of one sampled stack (root first, py-spy's full file names): a blocking wait, Streamlit's
    collector after the run, serialisation, the page body, the shell (app.py), the script runner, the rest."""
    if stack[-1].startswith(WAITING_FRAMES):
        return IDLE, _short(stack[-1])
    if stack[-1].startswith("ScriptRunner._on_script_finished (") and stack[-1].endswith(f":{gc_line})"):
        return "gc.collect(2) after every script run (Streamlit's runner.postScriptGC)", _short(stack[-1])
    if any(any(mark in frame for mark in SERIALISATION_FRAMES) for frame in stack):
        detail = next(_short(f) for f in stack if any(mark in f for mark in SERIALISATION_FRAMES))
        return "serialisation (ForwardMsg hash + encode, websocket send)", detail
    files = [_frame_file(frame) for frame in stack]
    pages = [i for i, path in enumerate(files) if f"{settings.PROJECT_ROOT}/pages/" in path]
    if pages:
        return "page body", _below(stack, pages[-1])
    app = [i for i, path in enumerate(files) if path == str(settings.PROJECT_ROOT / "app.py")]
    if app:
        return "shell (app.py: sidebar queries, widgets, navigation, menu)", _below(stack, app[-1])
    if any("scriptrunner" in path for path in files):
        return "script runner (before/after the script: widget state, cleanup)", _short(stack[-1])
    return "event loop and other threads", _short(stack[-1])


def profile_lines(server: bench_server.Server, scenario: Scenario, seconds: float, sessions: int = 1) -> list[str]:
    """`sessions` sessions change the filter back to back while py-spy samples the server."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        return ["profile: py-spy not installed (pip install -r requirements-dev.txt)"]
    with tempfile.TemporaryDirectory() as scratch:
        raw = Path(scratch) / "samples.txt"
        spy = subprocess.Popen([py_spy, "record", "--pid", str(server.pid), "--rate", str(PY_SPY_RATE),
                                "--duration", str(int(seconds)), "--format", "raw", "--nonblocking",
                                "--full-filenames",
                                "--output", str(raw)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        step = drive(server.stream, scenario, sessions, seconds + 1, pid=server.pid)
        output = spy.communicate(timeout=seconds + 60)[0].decode(errors="replace")
        if spy.returncode != 0 or not raw.exists():
            return [f"profile: py-spy failed ({spy.returncode}): {output.strip()[-300:]}"]
        stacks = []
        for line in raw.read_text().splitlines():
            frames, _, count = line.rpartition(" ")
            stacks.append((frames.split(";"), int(count)))
    reruns = len(step.round_trips)
    cpu_ms = step.server_cpu_seconds / reruns * 1000 if reruns else float("nan")
    buckets, details, inclusive = Counter(), Counter(), Counter()
    gc_line = _post_script_gc_line()
    for frames, count in stacks:
        bucket, detail = classify(frames, gc_line)
        buckets[bucket] += count
        details[(bucket, detail)] += count
        if bucket != IDLE:
            for name in {_short(f) for f in frames if str(settings.PROJECT_ROOT) in f or "/streamlit/" in f}:
                inclusive[name] += count
    idle = buckets.pop(IDLE, 0)
    total = sum(buckets.values())
    lines = [f"where one {scenario.name} rerun's CPU goes with {sessions} session(s) (py-spy, {PY_SPY_RATE} Hz, every "
             "thread of the server, "
             f"{total} active samples over {reruns} reruns, {idle} more in blocking waits left out; server CPU "
             f"{cpu_ms:.0f} ms a rerun, shared out by share of samples; p50 round trip "
             f"{percentile(step.round_trips, .5) * 1000:.0f} ms):"]
    for bucket, count in buckets.most_common():
        lines.append(f"  {count / total * 100:5.1f}%  {count / total * cpu_ms:5.1f} ms  {bucket}")
        for (_, detail), n in sorted(((k, v) for k, v in details.items() if k[0] == bucket),
                                     key=lambda item: -item[1])[:8]:
            lines.append(f"           {n / total * 100:5.1f}%  {detail}")
    lines.append("  top functions by inclusive share (project and Streamlit):")
    for name, count in inclusive.most_common(25):
        lines.append(f"    {count / total * 100:5.1f}%  {name}")
    return lines


def run(db_path: Path | None = None, la: str | None = None, sessions: tuple[int, ...] = DEFAULT_SESSIONS,
        seconds: float = 60.0, profile_seconds: float = 20.0) -> list[str]:
    """The load table for `db_path` (default: the configured database) and the CPU profile."""
    configured = settings.load()
    db_path = db_path or configured.db_path
    la = la or configured.la_code
    scenario = headlines_scenario(db_path, la)
    lines = [f"load: {len(scenario.query_strings)} query strings on /{scenario.page} "
             f"({', '.join(scenario.query_strings[:2])}, ...), database {db_path}, LA {la}; {seconds:.0f} s a step; "
             f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start"]
    with bench_server.serve(db_path, la) as server:
        # Warm the server's caches (every query string once) so per-session memory is the sessions' own.
        warm = drive(server.stream, scenario, 1, None, pid=server.pid, max_reruns=len(scenario.query_strings))
        lines.append(f"  warm-up: first load {warm.results[0].first_load * 1000:.0f} ms, "
                     f"{len(warm.errors)} errors {warm.errors[:1]}")
        lines.append(HEADER)
        for count in sessions:
            step = drive(server.stream, scenario, count, seconds, pid=server.pid)
            lines.append(step_line(step))
            if step.errors:
                lines.append(f"           errors: {Counter(step.errors).most_common(3)}")
        if profile_seconds > 0:
            lines.extend(profile_lines(server, scenario, profile_seconds))
    lines.append(f"  load average {os.getloadavg()[0]:.2f} at end")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="database file (default: DASHBOARD_DB or data/rutland.duckdb)")
    parser.add_argument("--la", help="LA code (default: DASHBOARD_LA or 857)")
    parser.add_argument("--sessions", type=int, nargs="+", default=list(DEFAULT_SESSIONS))
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each step")
    parser.add_argument("--profile-seconds", type=float, default=20.0, help="0: no profile")
    args = parser.parse_args(argv)
    for line in run(args.db, args.la, tuple(args.sessions), args.seconds, args.profile_seconds):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
