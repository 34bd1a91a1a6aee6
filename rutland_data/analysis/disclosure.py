"""Disclosure control for counts the dashboard computes: small counts hidden, and enough other cells that
no hidden one can be derived from the totals. Pure functions."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rutland_data import settings

SUPPRESSED = "DNS"          # the dashboard's own disclosure code (see markers.GLOSSARY)
NOT_AVAILABLE = "x"         # a computed figure that cannot be formed (a component is unknown)
TOTAL = "Total"


@dataclass(frozen=True)
class SuppressedTable:
    """values: counts with NaN where hidden; codes: None, 'DNS', 'x' or a published code."""
    values: pd.DataFrame
    codes: pd.DataFrame

    def display(self) -> pd.DataFrame:
        """One text table for screens and CSVs: the count, or its code where hidden."""
        text = [[code if code is not None else f"{int(value):d}" for value, code in zip(vs, cs)]
                for vs, cs in zip(self.values.to_numpy(), self.codes.to_numpy())]
        return pd.DataFrame(text, index=self.values.index, columns=self.values.columns, dtype=object)


def suppress_table(counts: pd.DataFrame, threshold: int | None = None, *,
                   published_codes: pd.DataFrame | None = None, add_totals: bool = True) -> SuppressedTable:
    """Hide counts 1..threshold and enough other cells that no hidden cell can be derived.

    `counts` is the inner table (e.g. pupil group x year) of whole numbers; NaN only where
    published_codes gives the published marker, which is kept as it is. Row and column
    totals (and the grand total) are added under the label 'Total'; a total that includes an
    unknown published cell cannot be computed and gets code 'x'.

    Primary suppression: every count (inner or total) in 1..threshold -> 'DNS'. Zero is shown.
    Secondary suppression: the table's row and column sums are linear equations an onlooker
    can solve; while any hidden cell is determined by them (checked exactly with matrix
    ranks), one more cell in that cell's row or column is hidden - the smallest non-zero inner
    count first, so the least information is lost. This is exact against linear derivation;
    it does not claim to stop bounds reasoning (e.g. 'between 0 and 3').
    With add_totals=False no sums are shown, nothing can be derived, and only primary
    suppression applies.
    """
    threshold = settings.load().suppress_counts_up_to if threshold is None else threshold
    inner = counts.astype(float)
    codes_inner = np.full(inner.shape, None, dtype=object)
    if published_codes is not None:
        given = published_codes.reindex_like(inner).to_numpy(dtype=object)
        codes_inner = np.where(pd.isna(given), None, given).astype(object)
    if (inner.isna().to_numpy() & (codes_inner == None)).any():  # noqa: E711 (element-wise)
        raise ValueError("a count is missing without a published code; pass published_codes")
    if ((inner % 1 != 0) & inner.notna()).any().any() or (inner < 0).any().any():
        raise ValueError("counts must be whole numbers of 0 or more")

    if add_totals:
        values, code_grid = _with_totals(inner, codes_inner)
    else:
        values, code_grid = inner.copy(), codes_inner.copy()
    n_rows, n_cols = values.shape
    grid = values.to_numpy(dtype=float)
    hidden = np.array([[c is not None for c in row] for row in code_grid], dtype=bool)
    primary = (grid >= 1) & (grid <= threshold) & ~hidden
    code_grid[primary] = SUPPRESSED
    hidden |= primary

    equations = _line_equations(n_rows, n_cols) if add_totals else []
    while True:
        extra = _lone_hidden_line_choice(equations, grid, hidden, n_rows, n_cols)
        if extra is None:  # every line has 0 or 2+ hidden cells; a full rank check finds the rest
            exposed = _derivable_cells(equations, hidden)
            if not exposed:
                break
            extra = _secondary_choice(exposed[0], grid, hidden, n_rows, n_cols, add_totals)
        hidden[extra] = True
        code_grid[extra] = SUPPRESSED

    values_out = pd.DataFrame(np.where(hidden, np.nan, grid), index=values.index, columns=values.columns)
    codes_out = pd.DataFrame(code_grid, index=values.index, columns=values.columns, dtype=object)
    return SuppressedTable(values_out, codes_out)


def _with_totals(inner: pd.DataFrame, codes_inner: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    if TOTAL in inner.index or TOTAL in inner.columns:
        raise ValueError(f"'{TOTAL}' is reserved for the totals the table adds")
    values = inner.copy()
    values[TOTAL] = inner.sum(axis=1, skipna=False)
    values.loc[TOTAL] = values.sum(axis=0, skipna=False)
    codes = np.full(values.shape, None, dtype=object)
    codes[:-1, :-1] = codes_inner
    codes[values.isna().to_numpy() & (codes == None)] = NOT_AVAILABLE  # noqa: E711 (element-wise)
    return values, codes


def _line_equations(n_rows: int, n_cols: int) -> list[list[tuple[int, int, float]]]:
    """Each row and column of a table whose last row and column are totals: inner sum - total = 0."""
    lines = []
    for i in range(n_rows):
        lines.append([(i, j, 1.0) for j in range(n_cols - 1)] + [(i, n_cols - 1, -1.0)])
    for j in range(n_cols):
        lines.append([(i, j, 1.0) for i in range(n_rows - 1)] + [(n_rows - 1, j, -1.0)])
    return lines


def _derivable_cells(equations: list[list[tuple[int, int, float]]], hidden: np.ndarray) -> list[tuple[int, int]]:
    """Hidden cells whose value follows from the equations and the shown cells.

    With the shown cells' values substituted, the equations restricted to hidden cells form
    A x = b; hidden cell k is determined exactly when the unit vector e_k lies in A's row space.
    """
    cells = [tuple(c) for c in np.argwhere(hidden)]
    if not cells or not equations:
        return []
    position = {cell: k for k, cell in enumerate(cells)}
    rows = []
    for line in equations:
        row = np.zeros(len(cells))
        for i, j, coefficient in line:
            if (i, j) in position:
                row[position[(i, j)]] = coefficient
        if row.any():
            rows.append(row)
    if not rows:
        return []
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    exposed = []
    for k, cell in enumerate(cells):
        unit = np.zeros(len(cells))
        unit[k] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            exposed.append(cell)
    return exposed


def _lone_hidden_line_choice(equations: list[list[tuple[int, int, float]]], grid: np.ndarray,
                             hidden: np.ndarray, n_rows: int, n_cols: int) -> tuple[int, int] | None:
    """If some row or column hides exactly one cell (so its sum gives it away), the cell to add."""
    for line in equations:
        cells = [(i, j) for i, j, _ in line]
        hidden_here = [c for c in cells if hidden[c]]
        if len(hidden_here) == 1:
            return _secondary_choice(hidden_here[0], grid, hidden, n_rows, n_cols, True, line=cells)
    return None


def _secondary_choice(cell: tuple[int, int], grid: np.ndarray, hidden: np.ndarray, n_rows: int,
                      n_cols: int, has_totals: bool,
                      line: list[tuple[int, int]] | None = None) -> tuple[int, int]:
    """The shown cell to hide next, from `line` if given, else the exposed cell's row or column.

    Preference: an inner cell over a total; one whose other line already holds a hidden cell
    (it closes a loop, like the four corners of a rectangle, so fewer cells are lost); a
    non-zero count; the smallest count.
    """
    i, j = cell
    in_row = [(i, c) for c in range(n_cols) if not hidden[i, c]]
    in_column = [(r, j) for r in range(n_rows) if not hidden[r, j]]

    def cost(candidate: tuple[int, int], other_line_hidden: bool) -> tuple:
        is_total = has_totals and (candidate[0] == n_rows - 1 or candidate[1] == n_cols - 1)
        value = grid[candidate]
        return (is_total, not other_line_hidden, value == 0, value, candidate)

    if line is not None:
        in_row = [c for c in line if c[0] == i and not hidden[c]] if all(c[0] == i for c in line) else []
        in_column = [c for c in line if c[1] == j and not hidden[c]] if all(c[1] == j for c in line) else []
    scored = [(cost(c, bool(hidden[:, c[1]].any())), c) for c in in_row] + \
             [(cost(c, bool(hidden[c[0], :].any())), c) for c in in_column]
    if not scored:  # the whole row and column are hidden already: widen to any shown cell
        scored = [(cost(tuple(c), False), tuple(c)) for c in np.argwhere(~hidden)]
    return min(scored)[1]
