"""One place for every setting: which LA, where the databases live, disclosure thresholds, officers.

Each can be overridden by an environment variable so the same code serves another
authority (``DASHBOARD_LA=850``) or a test database (``DASHBOARD_DB=/tmp/x.duckdb``).
"""
from __future__ import annotations

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


def load() -> Settings:
    return Settings(
        la_code=os.environ.get("DASHBOARD_LA", "857"),
        db_path=Path(os.environ.get("DASHBOARD_DB", PROJECT_ROOT / "data" / "rutland.duckdb")),
        suppress_counts_up_to=int(os.environ.get("DASHBOARD_SUPPRESS_UP_TO", "5")),
        default_neighbour_set=os.environ.get("DASHBOARD_NEIGHBOUR_SET", "2025-05"),
        officers=os.environ.get("DASHBOARD_OFFICERS", ""),
        basemap=os.environ.get("DASHBOARD_BASEMAP", "").strip().lower() in ("1", "true", "yes"),
        local_db_path=Path(os.environ.get("DASHBOARD_LOCAL_DB", PROJECT_ROOT / "data" / "local_returns.duckdb")),
        accessibility_contact=os.environ.get("DASHBOARD_ACCESSIBILITY_CONTACT", "").strip(),
    )
