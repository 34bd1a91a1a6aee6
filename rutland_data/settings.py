"""One place for every setting: which LA, where the databases live, disclosure thresholds, officers.

Each can be overridden by an environment variable so the same code serves another
authority (``DASHBOARD_LA=850``) or a test database (``DASHBOARD_DB=/tmp/x.duckdb``).
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"

@dataclass(frozen=True)
class Settings:
    la_code: str
    db_path: Path
    suppress_counts_up_to: int
    default_neighbour_set: str
    officers: str            # who may sign in as an officer: e-mails and @domains (rutland_data/access.py)
    basemap: bool = False    # external map tiles under the deprivation map: off, so it works offline and on an intranet
    local_db_path: Path = PROJECT_ROOT / "data" / "local_returns.duckdb"  # officers' uploads (store/local_db.py)
    accessibility_contact: str = ""   # where the accessibility statement tells people to report a problem
    # What officers write (improvement plan, meetings, commentary): a writable database of its own, because the
    # main one is a snapshot rebuilt from official files. Default beside the main database, so a test's or a
    # server's records never mix with another's.
    records_db_path: Path | None = None
    # A copy of the main database each meeting used (<content sha256>.duckdb): earlier packs and
    # "since the last meeting" read it.
    meetings_dir: Path | None = None


# The environment variables the settings read: `load` is worked out once per combination of their values.
VARIABLES = ("DASHBOARD_LA", "DASHBOARD_DB", "DASHBOARD_SUPPRESS_UP_TO", "DASHBOARD_NEIGHBOUR_SET", "DASHBOARD_OFFICERS",
             "DASHBOARD_BASEMAP", "DASHBOARD_LOCAL_DB", "DASHBOARD_ACCESSIBILITY_CONTACT", "DASHBOARD_RECORDS_DB",
             "DASHBOARD_MEETINGS_DIR")


def load() -> Settings:
    """The settings the environment gives now. Pages ask for them many times a rerun, so they are made once per
    combination of values (a test or server that changes a variable gets new settings on the next call)."""
    return _from_values(tuple(os.environ.get(name) for name in VARIABLES))


@functools.lru_cache(maxsize=32)
def _from_values(values: tuple[str | None, ...]) -> Settings:
    env = {name: value for name, value in zip(VARIABLES, values) if value is not None}
    db_path = Path(env.get("DASHBOARD_DB", PROJECT_ROOT / "data" / "rutland.duckdb"))
    return Settings(
        la_code=env.get("DASHBOARD_LA", "857"),
        db_path=db_path,
        suppress_counts_up_to=int(env.get("DASHBOARD_SUPPRESS_UP_TO", "5")),
        default_neighbour_set=env.get("DASHBOARD_NEIGHBOUR_SET", "2025-05"),
        officers=env.get("DASHBOARD_OFFICERS", ""),
        basemap=env.get("DASHBOARD_BASEMAP", "").strip().lower() in ("1", "true", "yes"),
        local_db_path=Path(env.get("DASHBOARD_LOCAL_DB", PROJECT_ROOT / "data" / "local_returns.duckdb")),
        accessibility_contact=env.get("DASHBOARD_ACCESSIBILITY_CONTACT", "").strip(),
        records_db_path=Path(env.get("DASHBOARD_RECORDS_DB", db_path.with_name("records.duckdb"))),
        meetings_dir=Path(env.get("DASHBOARD_MEETINGS_DIR", db_path.with_name("meetings"))),
    )
