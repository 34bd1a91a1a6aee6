"""One place for every setting: which LA, where the database lives, disclosure thresholds, officers.

Each can be overridden by an environment variable so the same code serves another
authority (``DASHBOARD_LA=850``) or a test database (``DASHBOARD_DB=/tmp/x.duckdb``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"

ENGLAND_CODE = "E92000001"
EAST_MIDLANDS_CODE = "E12000004"

# DfE LAIT numbers its regions 980-990 and England 970; official ONS codes are used here.
LAIT_REGION_CODES = {
    970: ENGLAND_CODE,
    980: "E12000001",  # North East
    981: "E12000002",  # North West
    982: "E12000003",  # Yorkshire and The Humber
    983: "E12000004",  # East Midlands
    984: "E12000005",  # West Midlands
    985: "E12000006",  # East of England
    986: "E12000007",  # London
    987: "E13000001",  # Inner London
    988: "E13000002",  # Outer London
    989: "E12000008",  # South East
    990: "E12000009",  # South West
}
REGION_NAMES = {
    "E12000001": "North East",
    "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands",
    "E12000005": "West Midlands",
    "E12000006": "East of England",
    "E12000007": "London",
    "E13000001": "Inner London",
    "E13000002": "Outer London",
    "E12000008": "South East",
    "E12000009": "South West",
}


@dataclass(frozen=True)
class Settings:
    la_code: str
    db_path: Path
    suppress_counts_up_to: int
    default_neighbour_set: str
    officers: str            # who may sign in as an officer: e-mails and @domains (rutland_data/access.py)


def load() -> Settings:
    return Settings(
        la_code=os.environ.get("DASHBOARD_LA", "857"),
        db_path=Path(os.environ.get("DASHBOARD_DB", PROJECT_ROOT / "data" / "rutland.duckdb")),
        suppress_counts_up_to=int(os.environ.get("DASHBOARD_SUPPRESS_UP_TO", "5")),
        default_neighbour_set=os.environ.get("DASHBOARD_NEIGHBOUR_SET", "2025-05"),
        officers=os.environ.get("DASHBOARD_OFFICERS", ""),
    )
