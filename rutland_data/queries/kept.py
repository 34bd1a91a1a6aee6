"""Query results kept for one read-only job on one connection, such as a board pack.

A pack asks for the same measure's series four times over (its bullet, its headline card, its chart and its
slide title), 30 ms a time. Inside `kept_results(con)` a function marked `@kept` reads the database once per
argument list and hands back copies after; outside such a block, or on another connection, it reads as before.
The block is for work that does not write: nothing in it can make a kept result stale.
"""
from __future__ import annotations

import contextlib
import functools
import weakref
from collections.abc import Callable, Iterator

import duckdb
import pandas as pd

_KEPT: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, dict[tuple, pd.DataFrame]] = weakref.WeakKeyDictionary()


@contextlib.contextmanager
def kept_results(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Keep `@kept` results read through `con` until the block ends (an inner block on it changes nothing)."""
    if con in _KEPT:
        yield
        return
    _KEPT[con] = {}
    try:
        yield
    finally:
        _KEPT.pop(con, None)


def keep_read_together(con: duckdb.DuckDBPyConnection, function: Callable[..., pd.DataFrame],
                       read: Callable[[list[tuple]], dict[tuple, pd.DataFrame]], wanted: list[tuple]) -> None:
    """Inside `kept_results(con)`, keep `function`'s results for every argument list in `wanted` not kept yet,
    read together by `read` (one query for them all, {arguments: frame} back), so the calls that follow, one
    argument list at a time, find them kept. Outside such a block: nothing (each call reads for itself)."""
    results = _KEPT.get(con)
    if results is None:
        return
    missing = [args for args in dict.fromkeys(wanted) if (function.__qualname__, args) not in results]
    if missing:
        for args, frame in read(missing).items():
            results[(function.__qualname__, args)] = frame


def kept(function: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
    """Mark a query (a cursor first, then hashable arguments; a DataFrame back) as kept inside `kept_results`."""
    @functools.wraps(function)
    def read_once(con: duckdb.DuckDBPyConnection, *args) -> pd.DataFrame:
        results = _KEPT.get(con)
        if results is None:
            return function(con, *args)
        key = (function.__qualname__, args)
        if key not in results:
            results[key] = function(con, *args)
        return results[key].copy()
    return read_once
