"""Which version of a figure wins when a file set gives it more than once: the one rule, in one place.

DfE publishes most results first as *provisional*, then *revised*, then (for some series)
*final*. A figure whose file does not say is *unstated*. The latest version wins, and a
published value always beats a marker for the same figure (see `la_results` loading).
Every query that picks one row per figure orders by `rank_sql`, so pages, CSVs and the pack
can never disagree about which version they show.
"""
from __future__ import annotations

# Most authoritative first.
PRECEDENCE: tuple[str, ...] = ("final", "revised", "unstated", "provisional")
RANK = {version: position for position, version in enumerate(PRECEDENCE, start=1)}


def rank_sql(column: str = "version") -> str:
    """SQL expression ranking `column` by PRECEDENCE (1 = shown); unknown or NULL versions rank last."""
    cases = " ".join(f"WHEN '{version}' THEN {position}" for version, position in RANK.items())
    return f"CASE {column} {cases} ELSE {len(PRECEDENCE) + 1} END"


def rank(version: str | None) -> int:
    """Python twin of `rank_sql`, for frames already in memory."""
    return RANK.get(version or "", len(PRECEDENCE) + 1)
