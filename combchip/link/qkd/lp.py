"""One small linear program re-solved many times: HiGHS through highspy, warm-started.

The finite-key estimate solves, per link, three objective LPs over the same polytope and then tens of
cutting-plane LPs that differ by one added row each (:mod:`.finite_key`). :func:`scipy.optimize.linprog`
rebuilds and re-validates the model every call (≈ 4 ms, three quarters of it Python); keeping one HiGHS model
and adding rows lets the dual simplex restart from the last basis (≈ 0.1 ms here). Every solve's model status
is checked: optimal, infeasible, or a :class:`RuntimeError`.

References
----------
Q. Huangfu and J. A. J. Hall, Math. Program. Comput. 10, 119 (2018) (the HiGHS dual simplex).
"""

from __future__ import annotations

import functools
import os
import sys

import highspy
import numpy as np

_OPTIONS = {"output_flag": False, "presolve": "off", "primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}
"""Feasibility tolerances well below the unit-normalized rows' 1e-9 acceptance (:mod:`.finite_key`)."""


@functools.cache
def _quiet_first_solver() -> None:
    """Make the process's first HiGHS object with the C-level stdout closed: HiGHS prints its banner there once."""
    sys.stdout.flush()
    saved, sink = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(sink, 1)
        highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(sink)


class PolytopeLP:
    """min c·x over {x ≥ ``lower``, A x ≤ b}, then min z over the same set with rows [g, −1]·(x, z) ≤ r added.

    Parameters
    ----------
    a_ub : (m, n) array
        Rows A of the polytope.
    b_ub : (m,) array
        Right-hand sides b.
    lower : (n,) array
        Lower bounds of x (no upper bounds).

    Notes
    -----
    A last column z (bounds [0, 0] until the first cut) carries the cutting-plane level, so one model serves both
    kinds of solve; objective solves are refused once cuts exist (the cuts would constrain x).
    """

    def __init__(self, a_ub: np.ndarray, b_ub: np.ndarray, lower: np.ndarray):
        _quiet_first_solver()
        self.n = len(lower)
        self.cuts = 0
        self._highs = highspy.Highs()
        for name, value in _OPTIONS.items():
            self._highs.setOptionValue(name, value)
        inf = highspy.kHighsInf
        self._highs.addVars(self.n + 1, np.append(lower, 0.0), np.append(np.full(self.n, inf), 0.0))
        self._add_rows(np.hstack([a_ub, np.zeros((len(a_ub), 1))]), b_ub)

    def _add_rows(self, rows: np.ndarray, rhs: np.ndarray) -> None:
        count, width = rows.shape
        starts = np.arange(count, dtype=np.int32) * width
        index = np.tile(np.arange(width, dtype=np.int32), count)
        self._highs.addRows(count, np.full(count, -highspy.kHighsInf), np.asarray(rhs, float), count * width,
                            starts, index, np.ascontiguousarray(rows, float).ravel())

    def _run(self):
        """(x, objective value), or None if the set is empty; any other outcome raises RuntimeError."""
        self._highs.run()
        status = self._highs.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"LP failed (HiGHS model status {self._highs.modelStatusToString(status)})")
        return np.array(self._highs.getSolution().col_value), self._highs.getInfo().objective_function_value

    def minimize(self, objective: np.ndarray):
        """min objective·x over the polytope: (x, value) or None if it is empty."""
        if self.cuts:
            raise RuntimeError("objective solves must come before the cutting planes")
        self._highs.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), np.asarray(objective, float))
        solution = self._run()
        return None if solution is None else (solution[0][:self.n], solution[1])

    def minimize_level(self, gradients: np.ndarray, rhs: np.ndarray):
        """min z ≥ 0 with gradients·x − z ≤ rhs row by row; rows already added are kept (pass all so far)."""
        if self.cuts == 0:
            self._highs.changeColsCost(self.n + 1, np.arange(self.n + 1, dtype=np.int32), np.eye(self.n + 1)[self.n])
            self._highs.changeColBounds(self.n, 0.0, highspy.kHighsInf)
        new = np.hstack([gradients[self.cuts:], -np.ones((len(gradients) - self.cuts, 1))])
        self._add_rows(new, rhs[self.cuts:])
        self.cuts = len(gradients)
        solution = self._run()
        return None if solution is None else (solution[0][:self.n], solution[0][self.n])
