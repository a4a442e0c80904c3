"""Adaptive interpolation of a key rate over the plane of two arm losses, exact at its cut-off.

A finite-key rate R(a, b) = max(r(a, b), 0) of arm losses a ≤ b [dB] has key inside the region bounded by the
cut-off curve b = c(a), where the unclipped rate r falls through zero (r decreasing in b), and by the diagonal
cut-off a* with c(a*) = a*. R vanishes linearly at c, so log R has a singularity that no grid in (a, b) can
interpolate (it returned ≈ 1e-25 where R ≈ 1e-8 per pulse pair). The zero is factored out instead:

    r(a, b) = (c(a) − b) · exp G(a, s),        s = (b − a)/(c(a) − a) ∈ [0, 1),

c found by root finding (brentq) on the exact r at every node, G smooth and interpolated (cubic) on a tensor
grid of a and s nodes. The grid is refined adaptively: at the centre of every cell that holds a pair, G and c
are evaluated exactly; a cell whose |ΔG| (the relative error of R) exceeds ``tolerance``/2 gets a new a node
and a new s node through its centre, until every cell passes or is narrower than ``min_step_db`` (its pairs are
then evaluated exactly). A pair closer to the interpolated cut-off than d = 2δc/``tolerance`` (δc the largest
cut-off error seen at the cell centres) is evaluated exactly, so no pair near c can take a wrong value.

The method is adaptive quadrature's: the centre checks are evidence, not a proof, of the error bound between
them (the tests compare every pair of random networks with exact evaluation).

Reference: C. de Boor, A Practical Guide to Splines (Springer, 2001) for cubic interpolation errors;
R. P. Brent, Algorithms for Minimization without Derivatives (1973) for the root finder.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.interpolate import RegularGridInterpolator, make_interp_spline
from scipy.optimize import brentq

from ..validation import check_positive, check_range

__all__ = ["LossGrid"]

_S_TOP = 0.99
"""Top s node: r there is 1 % of the way to its zero, far above the estimator's certificate noise."""
_S_NODES = np.array([0.0, 0.15, 0.35, 0.55, 0.75, 0.9, _S_TOP])
_MIN_S = 0.01
_SPAN_DB = 200.0
"""Search range above a for the cut-off [dB]: beyond it dark counts alone deny any key."""


class LossGrid:
    """Adaptive (a, s) grid of the unclipped rate ``raw(a, b)`` for the pairs (``lo``, ``hi``), lo ≤ hi [dB].

    Parameters
    ----------
    raw : callable
        Unclipped rate r(a, b) for a ≤ b (NaN counts as no key); decreasing in b where it matters.
    lo, hi : ndarray
        Arm losses of the pairs to serve [dB], lo ≤ hi.
    tolerance : float
        Relative error allowed on R at every pair with key.
    step_db : float
        Initial spacing of the a nodes [dB].
    min_step_db : float
        Narrowest a cell [dB]; pairs in a narrower cell that fails its check are evaluated exactly.
    xtol_db : float
        Root-finding tolerance on the cut-off [dB].

    Attributes
    ----------
    evaluations : int
        Calls of ``raw`` made.
    """

    def __init__(self, raw: Callable[[float, float], float], lo, hi, tolerance: float, *, step_db: float = 2.0,
                 min_step_db: float = 0.02, xtol_db: float = 1e-6, cutoff_tolerance_db: float = 2e-4):
        if not callable(raw):
            raise ValueError(f"raw must be callable as raw(a_db, b_db), got {type(raw).__name__}")
        tolerance = check_range("tolerance", tolerance, 0.0, 1.0, low_open=True, high_open=True)
        step_db = check_positive("step_db", step_db, "dB")
        min_step_db = check_range("min_step_db", min_step_db, 0.0, step_db, "dB", low_open=True)
        xtol_db = check_positive("xtol_db", xtol_db, "dB")
        cutoff_tolerance_db = check_positive("cutoff_tolerance_db", cutoff_tolerance_db, "dB")
        lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
        if lo.ndim != 1 or lo.size == 0 or lo.shape != hi.shape:
            raise ValueError(f"lo and hi must be non-empty 1-D arrays of one shape [dB], got {lo.shape} and {hi.shape}")
        if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi)) and np.all(lo <= hi)):
            raise ValueError("lo and hi must be finite with lo <= hi (the smaller arm loss first) [dB]")
        self._raw, self.tolerance, self.min_step, self.xtol = raw, tolerance, min_step_db, xtol_db
        self.cutoff_tolerance = cutoff_tolerance_db
        self.evaluations = 0
        self._roots: dict[float, float] = {}
        self._cell_cutoff_error: dict[tuple[float, float], float] = {}
        self.lo, self.hi = lo, hi
        self.cutoff_error = 0.0
        self.failed_cells: list[tuple[float, float, float, float]] = []
        self.max_check_error = 0.0
        low, high = float(self.lo.min()), float(self.lo.max())
        self.diagonal = self._diagonal_cutoff(low, high)
        top = min(high, self.diagonal - 2 * min_step_db)
        self.a_nodes = np.empty(0)
        self.ca_nodes = np.empty(0)
        self.c_nodes = np.empty(0)
        self.s_nodes = _S_NODES.copy()
        self.g = np.empty((0, self.s_nodes.size))
        if top > low:
            count = max(4, int(np.ceil((top - low) / step_db)) + 1)
            for a in np.linspace(low, top, count):
                self._add_a(a, self._root(a))
        elif self.diagonal > low:
            self._add_a(low, self._root(low))
        self._refine_cutoff()
        self._refine()

    # ------------------------------------------------------------------ exact pieces
    def r(self, a: float, b: float) -> float:
        """The exact unclipped rate (NaN → −inf)."""
        self.evaluations += 1
        value = float(self._raw(a, b))
        return value if np.isfinite(value) else -np.inf

    def _diagonal_cutoff(self, low: float, high: float) -> float:
        """a* with r(a*, a*) = 0 in [low, high]; +inf if r(high, high) > 0, −inf if r(low, low) ≤ 0."""
        if self.r(high, high) > 0:
            return np.inf
        if self.r(low, low) <= 0:
            return -np.inf
        return brentq(lambda a: self.r(a, a), low, high, xtol=self.xtol)

    def _cutoff(self, a: float, guess: float | None = None) -> float:
        """c(a): the root of r(a, ·) above a, bracketed around ``guess`` (or from a + 1 dB up)."""
        if guess is not None and guess > a:
            width = 0.02
            while width < _SPAN_DB:
                left, right = max(a, guess - width), guess + width
                if self.r(a, left) > 0 > self.r(a, right):
                    return brentq(lambda b: self.r(a, b), left, right, xtol=self.xtol)
                width *= 8
        if self.r(a, a) <= 0:
            return a
        left, right = a, a + 1.0
        while self.r(a, right) > 0:
            left, right = right, a + 2 * (right - a)
            if right - a > _SPAN_DB:
                raise ValueError(f"the rate keeps key {_SPAN_DB:g} dB above the arm loss {a:g} dB")
        return brentq(lambda b: self.r(a, b), left, right, xtol=self.xtol)

    def _g(self, a: float, c: float, s: float) -> float:
        """G(a, s) = log(r / (c − b)) at b = a + s(c − a)."""
        width = c - a
        value = self.r(a, a + s * width)
        return np.log(value / ((1 - s) * width)) if value > 0 else np.nan

    def _root(self, a: float) -> float:
        """Exact c(a), cached; a node of the cut-off interpolant from then on."""
        if a not in self._roots:
            guess = float(self.cutoff(a)) if self.ca_nodes.size else None
            self._roots[a] = self._cutoff(a, guess)
            k = int(np.searchsorted(self.ca_nodes, a))
            if 0 < k < self.ca_nodes.size:
                parent = (float(self.ca_nodes[k - 1]), float(self.ca_nodes[k]))
                if parent in self._cell_cutoff_error:
                    self._cell_cutoff_error[(parent[0], a)] = self._cell_cutoff_error[(a, parent[1])] = \
                        self._cell_cutoff_error[parent]
            self.ca_nodes = np.insert(self.ca_nodes, k, a)
            self.c_nodes = np.insert(self.c_nodes, k, self._roots[a])
        return self._roots[a]

    def _add_a(self, a: float, c: float) -> None:
        row = np.array([self._g(a, c, s) for s in self.s_nodes])
        k = int(np.searchsorted(self.a_nodes, a))
        self.a_nodes = np.insert(self.a_nodes, k, a)
        self.g = np.insert(self.g, k, row, axis=0)

    def _add_s(self, s: float) -> None:
        column = np.array([self._g(a, self._roots[a], s) for a in self.a_nodes])
        k = int(np.searchsorted(self.s_nodes, s))
        self.s_nodes = np.insert(self.s_nodes, k, s)
        self.g = np.insert(self.g, k, column, axis=1)

    # ------------------------------------------------------------------ interpolants
    def cutoff(self, a) -> np.ndarray:
        """Interpolated c(a) [dB] (cubic through the root-found nodes)."""
        a = np.asarray(a, dtype=float)
        if self.ca_nodes.size == 1:
            return np.full(a.shape, self.c_nodes[0])
        k = min(3, self.ca_nodes.size - 1)
        return make_interp_spline(self.ca_nodes, self.c_nodes, k=k)(a)

    def log_factor(self, a, s) -> np.ndarray:
        """Interpolated G(a, s) (cubic where ≥ 4 nodes per axis, else linear; extrapolated to s < 1)."""
        a, s = np.asarray(a, dtype=float), np.asarray(s, dtype=float)
        if self.a_nodes.size == 1:
            return np.interp(s, self.s_nodes, self.g[0])
        method = "cubic" if min(self.a_nodes.size, self.s_nodes.size) >= 4 else "linear"
        grid = RegularGridInterpolator((self.a_nodes, self.s_nodes), self.g, method=method, bounds_error=False,
                                       fill_value=None)
        return grid(np.column_stack([a, s]))

    # ------------------------------------------------------------------ refinement
    def _cells(self, a, s) -> np.ndarray:
        i = np.clip(np.searchsorted(self.a_nodes, a, side="right") - 1, 0, max(self.a_nodes.size - 2, 0))
        j = np.clip(np.searchsorted(self.s_nodes, s, side="right") - 1, 0, self.s_nodes.size - 1)
        return np.column_stack([i, j])

    def _edges(self, i: int, j: int) -> tuple[float, float, float, float]:
        a0 = self.a_nodes[i]
        a1 = self.a_nodes[i + 1] if self.a_nodes.size > 1 else a0
        s1 = self.s_nodes[j + 1] if j + 1 < self.s_nodes.size else 1.0
        return float(a0), float(a1), float(self.s_nodes[j]), float(s1)

    def _refine_cutoff(self) -> None:
        """Halve every cut-off cell holding a pair until c interpolates to ``cutoff_tolerance_db`` at its centre."""
        while self.ca_nodes.size > 1:
            cells = np.unique(np.clip(np.searchsorted(self.ca_nodes, self.lo, side="right") - 1, 0,
                                      self.ca_nodes.size - 2)[(self.lo >= self.ca_nodes[0]) & (self.lo <= self.ca_nodes[-1])])
            grown = False
            for a0, a1 in [(float(self.ca_nodes[i]), float(self.ca_nodes[i + 1])) for i in cells]:
                if (a0, a1) in self._cell_cutoff_error:
                    continue
                a_m = (a0 + a1) / 2
                predicted = float(self.cutoff(a_m))
                error = abs(predicted - self._root(a_m))
                if error > self.cutoff_tolerance and a1 - a0 > 2 * self.min_step:
                    grown = True
                    continue
                self._cell_cutoff_error[(a0, a_m)] = self._cell_cutoff_error[(a_m, a1)] = error
            if not grown:
                return

    def _cutoff_errors(self, a) -> np.ndarray:
        """The centre-check cut-off error of the cut-off cell of each ``a`` [dB]."""
        i = np.clip(np.searchsorted(self.ca_nodes, a, side="right") - 1, 0, max(self.ca_nodes.size - 2, 0))
        if self.ca_nodes.size < 2:
            return np.full(np.shape(a), self.xtol)
        edges = zip(self.ca_nodes[i], self.ca_nodes[np.minimum(i + 1, self.ca_nodes.size - 1)])
        return np.array([self._cell_cutoff_error.get((float(a0), float(a1)), np.inf) for a0, a1 in edges])

    def _refine(self) -> None:
        if self.a_nodes.size == 0:
            return
        checked: set = set()
        while True:
            if not np.all(np.isfinite(self.g)):
                return
            inside = (self.lo <= self.a_nodes[-1]) & (self.lo >= self.a_nodes[0])
            a, b = self.lo[inside], self.hi[inside]
            c = self.cutoff(a)
            s = (b - a) / (c - a)
            keep = s < 1
            cells = np.unique(self._cells(a[keep], s[keep]), axis=0)
            new_a, new_s = set(), set()
            for i, j in cells:
                edges = self._edges(int(i), int(j))
                if edges in checked:
                    continue
                checked.add(edges)
                a0, a1, s0, s1 = edges
                a_m, s_m = (a0 + a1) / 2, (s0 + s1) / 2
                c_m = self._root(a_m)
                error = abs(self._g(a_m, c_m, s_m) - float(self.log_factor(a_m, s_m)[0]))
                error = np.inf if not np.isfinite(error) else error
                if error <= self.tolerance / 2:
                    self.max_check_error = max(self.max_check_error, float(np.expm1(error)))
                    continue
                along_a = abs(self._g(a_m, c_m, s0) - float(self.log_factor(a_m, s0)[0]))
                if (not np.isfinite(along_a) or along_a > self.tolerance / 4) and a1 - a0 > self.min_step:
                    new_a.add(a_m)
                elif s1 - s0 > _MIN_S:
                    new_s.add(s_m)
                else:
                    self.failed_cells.append(edges)
            if not new_a and not new_s:
                self._refine_cutoff()
                self.cutoff_error = float(max(self._cell_cutoff_error.values(), default=0.0))
                return
            for a_m in sorted(new_a):
                self._add_a(a_m, self._root(a_m))
            for s_m in sorted(new_s):
                self._add_s(s_m)

    # ------------------------------------------------------------------ rates
    def rates(self, lo, hi) -> tuple[np.ndarray, np.ndarray]:
        """Clipped rates at arm losses ``lo`` ≤ ``hi`` [dB], and the mask of those that need exact evaluation
        (NaN there): near the cut-off, in failed cells, or outside the a nodes but short of the diagonal cut-off."""
        lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
        beyond = lo >= self.diagonal + self.near
        if self.a_nodes.size == 0 or not np.all(np.isfinite(self.g)):
            return np.where(beyond, 0.0, np.nan), ~beyond
        out = np.zeros(lo.size)
        exact = ~beyond & ((lo > self.a_nodes[-1]) | (lo < self.a_nodes[0]))
        body = ~beyond & ~exact
        a, b = lo[body], hi[body]
        c = self.cutoff(a)
        s = (b - a) / (c - a)
        with np.errstate(over="ignore", invalid="ignore"):
            value = np.where(c > b, (c - b) * np.exp(self.log_factor(a, np.minimum(s, 1.0))), 0.0)
        failed = np.abs(c - b) < self._near(self._cutoff_errors(a))
        for a0, a1, s0, s1 in self.failed_cells:
            failed |= (a >= a0) & (a <= a1) & (s >= s0) & (s <= s1)
        failed |= ~np.isfinite(value)
        index = np.flatnonzero(body)
        exact[index[failed]] = True
        out[index] = value
        out[exact] = np.nan
        return out, exact

    def _near(self, cutoff_error):
        """Distance to the interpolated cut-off [dB] within which a pair is evaluated exactly: 2δc/tolerance."""
        return np.maximum(2 * np.asarray(cutoff_error), 10 * self.xtol) / self.tolerance

    @property
    def near(self) -> float:
        """The largest exact distance to the cut-off over the grid [dB]."""
        return float(self._near(self.cutoff_error))
