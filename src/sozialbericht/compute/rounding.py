"""Integers that add up: the printed tables of the projection are rounded so that the groups add up
to the total and the Gemeinden to the Kreis in every year (largest remainder for one margin,
controlled rounding of a raked table for two).
"""

from __future__ import annotations

import numpy as np


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to ``weights`` that add up exactly to ``total``."""
    weights = np.clip(np.asarray(weights, dtype=float), 0, None)
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=int)
    exact = weights / weights.sum() * total
    base = np.floor(exact).astype(int)
    order = np.argsort(-(exact - base), kind="stable")
    base[order[: total - base.sum()]] += 1
    return base


def controlled_round(matrix: np.ndarray, row_totals: np.ndarray, col_totals: np.ndarray) -> np.ndarray:
    """Round a non-negative matrix to integers (each cell its floor or floor + 1) whose rows and
    columns add up exactly to the given integer totals: the cells with the largest fractional
    parts get the extra units first, the rest is settled by augmenting paths (a small max-flow)."""
    m = np.asarray(matrix, dtype=float)
    base = np.floor(m).astype(int)
    frac = m - base
    need_r = np.asarray(row_totals, dtype=int) - base.sum(axis=1)
    need_c = np.asarray(col_totals, dtype=int) - base.sum(axis=0)
    if need_r.sum() != need_c.sum() or (need_r < 0).any() or (need_c < 0).any():
        raise ValueError("row and column totals do not fit the matrix")
    extra = np.zeros_like(base)
    n_rows, n_cols = m.shape
    for i, j in sorted(((i, j) for i in range(n_rows) for j in range(n_cols)), key=lambda ij: (-frac[ij], ij)):
        if need_r[i] > 0 and need_c[j] > 0:
            extra[i, j] = 1
            need_r[i] -= 1
            need_c[j] -= 1
    while need_r.sum() > 0:
        # breadth-first search: row (needs a unit) → free cell → column → taken cell → row …
        start = int(np.flatnonzero(need_r > 0)[0])
        parent: dict = {("r", start): None}
        queue, end = [("r", start)], None
        while queue and end is None:
            kind, idx = queue.pop(0)
            if kind == "r":
                for j in range(n_cols):
                    if extra[idx, j] == 0 and ("c", j) not in parent:
                        parent[("c", j)] = ("r", idx)
                        if need_c[j] > 0:
                            end = ("c", j)
                            break
                        queue.append(("c", j))
            else:
                for i in range(n_rows):
                    if extra[i, idx] == 1 and ("r", i) not in parent:
                        parent[("r", i)] = ("c", idx)
                        queue.append(("r", i))
        if end is None:
            raise ValueError("no controlled rounding exists for these totals")
        node = end
        while parent[node] is not None:
            prev = parent[node]
            if node[0] == "c":  # row prev → column node: take the cell
                extra[prev[1], node[1]] = 1
            else:  # column prev → row node: give the cell back
                extra[node[1], prev[1]] = 0
            node = prev
        need_r[start] -= 1
        need_c[end[1]] -= 1
    return base + extra


def rake(matrix: np.ndarray, row_totals: np.ndarray, col_totals: np.ndarray, iterations: int = 200) -> np.ndarray:
    """Iterative proportional fitting: scale rows and columns until both margins fit."""
    m = np.asarray(matrix, dtype=float).copy()
    for _ in range(iterations):
        r = m.sum(axis=1)
        m *= np.divide(row_totals, r, out=np.zeros_like(r), where=r > 0)[:, None]
        c = m.sum(axis=0)
        m *= np.divide(col_totals, c, out=np.zeros_like(c), where=c > 0)[None, :]
        if np.allclose(m.sum(axis=1), row_totals, rtol=1e-9, atol=1e-6):
            break
    return m
