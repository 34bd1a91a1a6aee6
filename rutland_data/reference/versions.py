"""Which version of a figure wins when a file set gives it more than once: the one rule, in one place.

DfE publishes most results first as *provisional*, then *revised*, then (for some series)
*final*. A figure whose file does not say is *unstated* (NULL in `la_results`).

The rule, for the candidates for one figure (measure, year, area):
1. a published value beats a marker (a LAIT '-' never hides a value another file gives);
2. then the most authoritative version: final, revised, unstated, provisional;
3. then the file the build loaded first (lower source_id: importer priority, then the larger file),
   so an extract repeating a national file only confirms it.
The winner depends only on the candidates, never on the order they arrive in. Loading
(`importers.insert_la_results`) keeps the winner; every query that picks one row per figure
orders by the same terms, so pages, CSVs and the pack can never disagree about which version
they show.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

# Most authoritative first.
PRECEDENCE: tuple[str, ...] = ("final", "revised", "unstated", "provisional")
RANK = {version: position for position, version in enumerate(PRECEDENCE, start=1)}
UNSTATED = "unstated"


def rank_sql(column: str = "version") -> str:
    """SQL expression ranking `column` by PRECEDENCE (1 = shown); NULL is 'unstated'; unknown text ranks last."""
    cases = " ".join(f"WHEN '{version}' THEN {position}" for version, position in RANK.items())
    return f"CASE COALESCE({column}, '{UNSTATED}') {cases} ELSE {len(PRECEDENCE) + 1} END"


def rank(version: str | None) -> int:
    """Python twin of `rank_sql`, for frames already in memory."""
    return RANK.get(version or UNSTATED, len(PRECEDENCE) + 1)


def winner_order_sql(value: str = "value", version: str = "version", source: str = "source_id") -> str:
    """ORDER BY terms under which the first row is the figure shown (the rule in the module docstring)."""
    return f"({value}) IS NULL, {rank_sql(version)}, {source}"


def sort_key(candidate: Mapping) -> tuple:
    """Python twin of `winner_order_sql` for one candidate row (keys value, version, source_id)."""
    value = candidate.get("value")
    return (value is None or value != value, rank(candidate.get("version")), candidate["source_id"])


def winner(candidates: Iterable[Mapping]) -> Mapping:
    """The candidate row that is shown for a figure."""
    return min(candidates, key=sort_key)


MIXED = "mixed"   # an average over figures of different versions (e.g. the statistical-neighbour mean)


def label(version: str | None) -> str:
    """The version as a table writes it: 'final', 'revised', 'provisional', 'unstated' (or 'mixed')."""
    return version if version in RANK or version == MIXED else UNSTATED


def phrase(version: str | None) -> str:
    """The version in a sentence or beside a figure: 'final', 'revised', 'provisional', 'version not stated'
    (and 'mixed versions' for an average over figures of different versions)."""
    if version == MIXED:
        return "mixed versions"
    return version if version in ("final", "revised", "provisional") else "version not stated"
