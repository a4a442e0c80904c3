"""Fully connected N-user MDI-QKD networks: key-rate matrices and the path from a comb simulation to them.

    comb Dataset ─► comb_lines ─► usable lines ─► wavelength_plan (edge colouring of K_n)
        ─► per pair: the line's linewidth ─► mode overlap M, HOM and time-bin BSM visibility (hom)
        ─► each line (a CombLine) drives the transmitter (a combchip.tx.protocol.Transmitter):
           its power sets the attenuator, its coherence the X states; realized μ per state, state errors
        ─► e_d^X = 1/2 − V_BSM ─► finite-key four-intensity MDI rate per pair (qkd.finite_key)

Link model of one pair (a, b). Each user sits at loss L_a, L_b [dB] from the Bell-state-measurement relay
of the pair, and the pair is rated on exactly these two arms, :meth:`MDILink.from_losses
<combchip.link.qkd.MDILink.from_losses>` (L_a, L_b): both users send the same intensity set, so unequal arms
unbalance the photon fluxes η_aμ and η_bμ at the beam splitter, which raises the X-basis errors of the
vacuum-bearing terms and lowers the key well below that of a balanced link of the same total loss (a 10/20 dB
pair has no key with system A's settings, where a 15/15 dB pair has ≈ 295 bit/s). The rate is symmetric
under L_a ↔ L_b and is computed once per distinct (min, max, e_d^X) (``method="exact"``), or, for large
networks, from an adaptive table per e_d^X node (at most five, linear in e_d^X between them, checked exactly at
up to five blended pairs), :class:`combchip.link.loss_grid.LossGrid` (``method="grid"``): the cut-off curve found
by root finding on the exact rate, the rate's zero factored out, the grid refined until its interpolant agrees
with exact evaluation to ``grid_tolerance`` (default 1 %) at the centre of every cell that holds a pair, and
every pair near the cut-off evaluated exactly. ``attrs["exact_pairs"]``, ``attrs["grid_evaluations"]`` and
``attrs["interpolation_max_rel_error"]`` (the largest centre-check error) report it.

Defaults are system A's (Yan et al. 2025, :data:`combchip.systems.published.SYSTEM_A`): its four
intensities and probabilities, pulse pairs, ε, f, clock and time-bin |Ψ⁻⟩ BSM; stated SNSPD η_d = 0.75,
p_d = 10⁻⁷ per window (not given by the paper); e_d^Z from 30 dB carving extinction at each user.
Lengths are in metres.

References
----------
Yan et al., npj Quantum Inf. (2025), arXiv:2502.11860 (system A).
C. Jiang, Z.-W. Yu, X.-L. Hu, X.-B. Wang, Phys. Rev. A 103, 012402 (2021) (finite-key four-intensity MDI-QKD).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import xarray as xr
from scipy.constants import c as _C
from scipy.interpolate import RegularGridInterpolator
from tqdm.auto import tqdm

from . import hom as _hom
from ..comb.coherence import MIN_SAMPLES, line_coherence
from ..comb.lines import comb_lines, line_table
from ..schema import KEY_RATE_MATRIX, NETWORK_KEY_RATES, CombLine, validate
from ..tx.protocol import Timing, Transmitter, time_bin_symbol_rate
from .visibility import coherence_visibility, trace_limitation
from .loss_grid import LossGrid
from .network_plan import _users as _plan_users, wavelength_plan
from .qkd.bounds import plob
from .qkd.channel import Detector, MDILink, combine_errors, state_error_from_extinction
from .qkd.finite_key import finite_key_rate
from ..systems.published import SYSTEM_A
from .qkd.mdi import check_protocol
from .qkd.optimize import OptimizedSettings, local_search, optimize_parameters, pack_settings, unpack_settings
from ..units import db_to_ratio
from ..validation import check_choice, check_int, check_nonnegative, check_positive, check_range

__all__ = [
    "DEFAULT_DETECTOR",
    "DEFAULT_E_D_Z",
    "fourfold_coincidence_rate",
    "ideal_soliton_lines",
    "key_rate_matrix",
    "network_key_rates",
    "pair_visibility",
    "rate_vs_distance",
]

DEFAULT_DETECTOR = Detector(efficiency=0.75, dark_count_probability=1e-7)
"""Stated SNSPD for system A: η_d = 0.75, p_d = 10⁻⁷ per ~1 ns window (≈ 100 Hz dark counts)."""
DEFAULT_E_D_Z = combine_errors(state_error_from_extinction(30.0), state_error_from_extinction(30.0))
SYSTEM_A_QUBIT_RATE = time_bin_symbol_rate(SYSTEM_A.clock, SYSTEM_A.bin_separation, SYSTEM_A.pulse_fwhm)
"""System A's time-bin qubit rate [Hz], derived: 10 ns bins on its 100 MHz pulse clock leave one qubit per two
periods (:func:`combchip.tx.protocol.time_bin_symbol_rate`), 50 MHz. The published 3 × 10¹² pairs in 8.3 h
(1.0 × 10⁸ s⁻¹) count clock periods, not qubits."""
"""Z-basis misalignment of two time-bin encoders with 30 dB carving extinction (≈ 2.0 × 10⁻³)."""
_E_NODES = 5
"""At most this many e_d^X nodes, each with its own loss grid; pairs between them are blended and checked."""
_BLEND_CHECKS = 5
_WARM_XATOL, _WARM_FATOL = 1e-2, 1e-4
"""Nelder–Mead tolerances of warm-started optimizations: within 0.1 % of the tight (1e-4, 1e-7) optimum for
system A's link at 20–45 dB, at a third of the evaluations."""
_NODE_MAXITER = 400
"""Most Nelder–Mead iterations of one warm-started settings node (a warm start with key needs ≈ 100–200)."""


# ----------------------------------------------------------------------------- inputs
def _users(users) -> int:
    return _plan_users(users, "users")


def _per_user(name, values, n, unit) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim == 0:
        array = np.full(n, float(array))
    if array.shape != (n,):
        raise ValueError(f"{name} must be a number or one value per user ({n}), got shape {array.shape}")
    for k, v in enumerate(array):
        check_nonnegative(f"{name}[{k}]", float(v), unit)
    return array


def _per_pair(name, values, n, low, high) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim == 0:
        array = np.full((n, n), float(array))
    if array.shape != (n, n):
        raise ValueError(f"{name} must be a number or an (n, n) = ({n}, {n}) matrix, got shape {array.shape}")
    off = ~np.eye(n, dtype=bool)
    bad = off & ~((array >= low) & (array <= high))
    if bad.any():
        a, b = np.argwhere(bad)[0]
        raise ValueError(f"{name}[{a}, {b}] = {array[a, b]!r} is outside the allowed range [{low:g}, {high:g}]")
    if not np.allclose(array[off], array.T[off]):
        raise ValueError(f"{name} must be symmetric")
    return array


def _fibre_loss(distances: np.ndarray, loss_db_per_km, extra_loss_db) -> np.ndarray:
    """α·d/1 km + ``extra_loss_db`` [dB] of fibre lengths d [m]."""
    alpha = check_nonnegative("loss_db_per_km", loss_db_per_km, "dB/km")
    return alpha * distances / 1e3 + check_nonnegative("extra_loss_db", extra_loss_db, "dB")


def user_losses(users: int, *, losses_db=None, distances=None, loss_db_per_km: float = 0.2,
                extra_loss_db: float = 0.0) -> np.ndarray:
    """Loss of each user to the relay [dB]: ``losses_db``, or α·d/1 km + ``extra_loss_db`` from the fibre
    lengths ``distances`` [m] (a number, or one per user)."""
    n = _users(users)
    if (losses_db is None) == (distances is None):
        raise ValueError("give exactly one of losses_db and distances")
    if losses_db is not None:
        return _per_user("losses_db", losses_db, n, "dB")
    return _fibre_loss(_per_user("distances", distances, n, "m"), loss_db_per_km, extra_loss_db)


# ----------------------------------------------------------------------------- rate engine
class _RateModel:
    """Finite-key rate per pulse pair of the link with arm losses (L_a, L_b) [dB] and misalignment e_d^X.

    Both users send the same intensity set, so the gains (Ma & Razavi 2012) and the rate are symmetric under
    L_a ↔ L_b; every evaluation is made at (min, max).
    """

    def __init__(self, e_d_z, intensities, probabilities, pulses, eps, f, detector, encoding, optimize=False,
                 progress=False):
        if not isinstance(detector, Detector):
            raise ValueError(f"detector must be a combchip.link.qkd.Detector, got {detector!r}")
        self.mu, self.p = check_protocol(intensities, probabilities)
        self.pulses = check_positive("pulses", pulses)
        self.eps = check_range("eps", eps, 0.0, 1.0, low_open=True, high_open=True)
        self.f = check_range("f", f, 1.0, np.inf)
        self.e_d_z = check_range("e_d_z", e_d_z, 0.0, 0.5)
        if not isinstance(optimize, bool):
            raise ValueError(f"optimize must be True or False, got {optimize!r}")
        if not isinstance(progress, bool):
            raise ValueError(f"progress must be True or False, got {progress!r}")
        self.detector, self.encoding, self.optimize, self.progress = detector, encoding, optimize, progress
        self.bar = None       # tqdm bar counting the optimized points, nodes and checked pairs (progress=True)
        self.anchors = None   # exact mode: (lo [dB], hi [dB], packed settings) of each pair's optimum
        self.field = None     # grid mode: (node losses [dB], θ on the square node grid) of optimized settings
        self.field_rates = None
        self.calls = 0

    def _link(self, lo, hi, e_d_x) -> MDILink:
        return MDILink.from_losses(lo, hi, self.detector, e_d_x=float(e_d_x), e_d_z=self.e_d_z, encoding=self.encoding)

    def settings(self, lo: float, hi: float) -> tuple[dict, dict]:
        """Intensities and probabilities at arm losses (lo, hi): the given ones, an exact-mode pair's own optimum,
        or the settings field: θ (:func:`combchip.link.qkd.pack_settings`) bilinear between the optimized nodes
        (:meth:`optimize_field`), so the settings, and the rate, are continuous in (L_a, L_b)."""
        if self.anchors is not None:
            a_lo, a_hi, packed = self.anchors
            k = int(np.argmin((a_lo - min(lo, hi)) ** 2 + (a_hi - max(lo, hi)) ** 2))
            return unpack_settings(packed[k])
        if self.field is None:
            return self.mu, self.p
        return unpack_settings(self.field_theta(np.array([lo]), np.array([hi]))[0])

    def field_theta(self, lo, hi) -> np.ndarray:
        """θ of the settings field at arm losses (lo, hi) [dB] (clamped to the nodes), one row per point."""
        axis, theta = self.field
        points = np.clip(np.column_stack([np.minimum(lo, hi), np.maximum(lo, hi)]), axis[0], axis[-1])
        return RegularGridInterpolator((axis, axis), theta)(points)

    def pair_settings(self, lo, hi) -> dict:
        """The settings each pair (lo, hi) is rated with, flat arrays keyed intensity_k, probability_k."""
        if self.field is not None:
            theta = self.field_theta(lo, hi)
        else:
            theta = np.array([pack_settings(*self.settings(a, b)) for a, b in zip(lo, hi)])
        settings = [unpack_settings(row) for row in theta]
        return {**{f"intensity_{k}": np.array([mu[k] for mu, _ in settings]) for k in "zyx"},
                **{f"probability_{k}": np.array([p[k] for _, p in settings]) for k in "zyxo"}}

    def __call__(self, la: float, lb: float, e_d_x: float) -> float:
        self.calls += 1
        lo, hi = min(la, lb), max(la, lb)
        mu, p = self.settings(lo, hi)
        return float(finite_key_rate(self._link(lo, hi, e_d_x), mu, p, self.pulses, eps=self.eps,
                                     f=self.f).key_rate_per_pulse)

    def track(self, total: int) -> None:
        """Add ``total`` optimizations to the progress bar (opened on first use when ``progress``)."""
        if not self.progress:
            return
        if self.bar is None:
            self.bar = tqdm(total=total, desc="optimizing settings", unit="opt")
        else:
            self.bar.total += total
            self.bar.refresh()

    def tick(self, n: int = 1) -> None:
        """Count ``n`` optimizations done."""
        if self.bar is not None:
            self.bar.update(n)

    def optimized(self, lo: float, hi: float, e_d_x: float, start) -> OptimizedSettings:
        """:func:`combchip.link.qkd.optimize_parameters` warm-started from ``start`` (loose tolerances suffice there)."""
        result = optimize_parameters(self._link(lo, hi, e_d_x), self.pulses, eps=self.eps, f=self.f, initial=start,
                                     xatol=_WARM_XATOL, fatol=_WARM_FATOL)
        self.calls += result.evaluations
        return result

    def optimize_points(self, lo, hi, e_d_x) -> None:
        """Optimize at the points (lo, hi), in ascending total loss, each warm-started from the last; a point
        without key keeps the last settings that gave one."""
        order = np.lexsort((hi - lo, lo + hi))
        start, packed = (self.mu, self.p), np.empty((lo.size, 6))
        self.track(lo.size)
        for k in order:
            result = self.optimized(lo[k], hi[k], e_d_x, start)
            self.tick()
            if result.key_rate_raw > 0:
                start = (result.intensities, result.probabilities)
            packed[k] = pack_settings(*start)
        self.anchors = (np.asarray(lo, dtype=float), np.asarray(hi, dtype=float), packed)

    def optimize_field(self, axis, e_d_x) -> dict:
        """Optimized settings at the nodes (axis_i ≤ axis_j) of a square grid of arm losses [dB].

        Rows of ascending L_a, each walked up in L_b from the diagonal; every node starts one warm Nelder–Mead
        search (Xu, Xu & Lo 2014; loose tolerances) from the settings of the nearest node done with key
        (the first from the given settings, with :func:`combchip.link.qkd.optimize_parameters`' multi-start).
        A row stops at its first node without key (the rate falls with L_b). Nodes without key take the
        settings of the nearest node with key, and θ(L_b, L_a) = θ(L_a, L_b). Returns the node attrs.
        """
        size = axis.size
        theta, done = np.zeros((size, size, 6)), np.zeros((size, size), dtype=bool)
        rates = np.full((size, size), np.nan)
        keyed: list[tuple[int, int]] = []
        self.track(size * (size + 1) // 2)
        for i in range(size):
            for j in range(i, size):
                if keyed:
                    near = min(keyed, key=lambda ij: (ij[0] - i) ** 2 + (ij[1] - j) ** 2)
                    link = self._link(axis[i], axis[j], e_d_x)
                    rate = self._node_rate(link)
                    mu, p, best, _, result = local_search(rate, *unpack_settings(theta[near]), _NODE_MAXITER,
                                                           _WARM_XATOL, _WARM_FATOL)
                    self.calls += result.nfev + 1
                else:
                    first = self.optimized(axis[i], axis[j], e_d_x, (self.mu, self.p))
                    mu, p, best = first.intensities, first.probabilities, first.key_rate_raw
                done[i, j], rates[i, j] = True, best
                self.tick(1 if best > 0 else size - j)  # a row stops at its first node without key
                if best <= 0:
                    break
                theta[i, j] = pack_settings(mu, p)
                keyed.append((i, j))
        if not keyed:
            theta[:] = pack_settings(self.mu, self.p)
        else:
            nodes = np.array(keyed)
            for i in range(size):
                for j in range(i, size):
                    if not (done[i, j] and rates[i, j] > 0):
                        theta[i, j] = theta[tuple(nodes[np.argmin(((nodes - [i, j]) ** 2).sum(axis=1))])]
        upper = np.triu_indices(size)
        theta[upper[1], upper[0]] = theta[upper]
        self.field = (np.asarray(axis, dtype=float), theta)
        self.field_rates = rates
        return {"settings_node_loss_db": np.asarray(axis, dtype=float), "settings_nodes_with_key": len(keyed),
                "settings_nodes_optimized": int(done.sum())}

    def _node_rate(self, link):
        def rate(mu, p):
            return finite_key_rate(link, mu, p, self.pulses, eps=self.eps, f=self.f).key_length / self.pulses
        return rate

    def exact(self, lo, hi, e_dx) -> np.ndarray:
        keys = np.round(np.column_stack([lo, hi, e_dx]), 9)
        unique, inverse = np.unique(keys, axis=0, return_inverse=True)
        values = np.empty(len(unique))
        for e in np.unique(unique[:, 2]):
            group = np.flatnonzero(unique[:, 2] == e)
            if self.optimize and self.field is None:
                self.optimize_points(unique[group, 0], unique[group, 1], e)
            values[group] = [self(a, b, e) for a, b, _ in unique[group]]
        return values[np.ravel(inverse)]

    def raw(self, la: float, lb: float, e_d_x: float) -> float:
        """Unclipped finite-key rate ℓ/N per pulse pair (NaN when no expected counts fit)."""
        self.calls += 1
        lo, hi = min(la, lb), max(la, lb)
        mu, p = self.settings(lo, hi)
        estimate = finite_key_rate(self._link(lo, hi, e_d_x), mu, p, self.pulses, eps=self.eps, f=self.f)
        return float(estimate.key_length) / self.pulses

    def grid(self, lo, hi, e_dx, step, optimize_step, tolerance) -> tuple[np.ndarray, dict]:
        """Rates from adaptive :class:`combchip.link.loss_grid.LossGrid` tables, one per e_d^X node (module
        docstring), exact where they are not trusted."""
        e_unique = np.unique(np.round(e_dx, 9))
        e_grid = e_unique if e_unique.size <= _E_NODES else np.linspace(e_unique[0], e_unique[-1], _E_NODES)
        field = {}
        if self.optimize:
            count = max(2, int(np.ceil((hi.max() - lo.min()) / optimize_step)) + 1)
            field = self.optimize_field(np.linspace(lo.min(), hi.max(), count), e_grid[len(e_grid) // 2])
        tables = [LossGrid(lambda a, b, e=e: self.raw(a, b, e), lo, hi, tolerance, step_db=step) for e in e_grid]
        out, exact = np.zeros(lo.size), np.zeros(lo.size, dtype=bool)
        node = np.argmin(np.abs(e_dx[:, None] - e_grid[None, :]), axis=1)
        at_node = np.abs(e_dx - e_grid[node]) <= 1e-9
        for k, table in enumerate(tables):
            pick = at_node & (node == k)
            out[pick], exact[pick] = table.rates(lo[pick], hi[pick])
        between = np.flatnonzero(~at_node)
        blend_error = 0.0
        if between.size:
            j = np.clip(np.searchsorted(e_grid, e_dx[between]) - 1, 0, e_grid.size - 2)
            w = (e_dx[between] - e_grid[j]) / (e_grid[j + 1] - e_grid[j])
            values, unsure = _blend(tables, j, w, lo[between], hi[between])
            out[between], exact[between] = values, unsure
            sample = between[~unsure][np.linspace(0, int((~unsure).sum()) - 1, min(_BLEND_CHECKS, int((~unsure).sum())))
                                      .astype(int)] if (~unsure).any() else np.empty(0, int)
            for k in sample:
                truth = max(self.raw(lo[k], hi[k], e_dx[k]), 0.0)
                blend_error = max(blend_error, abs(out[k] - truth) / truth if truth > 0 else float(out[k] > 0) * np.inf)
            if blend_error > tolerance:
                exact[between] = True
        if exact.any():
            out[exact] = self.exact(lo[exact], hi[exact], e_dx[exact])
        return out, {"interpolation_max_rel_error": max([t.max_check_error for t in tables] + [blend_error]),
                     "grid_nodes": int(sum(t.g.size for t in tables)), "exact_pairs": int(exact.sum()),
                     "grid_evaluations": int(sum(t.evaluations for t in tables)),
                     "cutoff_error_db": float(max(t.cutoff_error for t in tables)),
                     "e_d_x_nodes": e_grid, **field}

    def check_optimum(self, rates, lo, hi, e_dx, checks, tolerance, seed) -> dict:
        """Per-pair optimization at ``checks`` random pairs with key (warm-started from their field settings):
        the largest relative excess (R − R*)/R* of the reported rate R over the pair's own optimum R* and the
        largest shortfall (R* − R)/R*, and the flat indices of the pairs whose excess exceeds ``tolerance``."""
        with_key = np.flatnonzero(rates > 0)
        pick = np.random.default_rng(seed).choice(with_key, min(checks, with_key.size), replace=False)
        excess = np.empty(pick.size)
        self.track(pick.size)
        for n, k in enumerate(pick):
            best = self.optimized(lo[k], hi[k], e_dx[k], self.settings(lo[k], hi[k])).key_rate_per_pulse
            self.tick()
            excess[n] = (rates[k] - best) / best if best > 0 else np.inf
        return {"optimum_checked_pairs": np.sort(pick), "optimum_max_excess": float(excess.max(initial=0.0)),
                "optimum_max_shortfall": float(max(-excess.min(initial=0.0), 0.0)),
                "optimum_violations": np.sort(pick[excess > tolerance])}


def _blend(tables, j, w, lo, hi) -> tuple[np.ndarray, np.ndarray]:
    """Rates between two e_d^X nodes: c and G linear in e_d^X, s from the blended cut-off; the mask of pairs
    either table would evaluate exactly, or that lie within either table's exact distance of the cut-off."""
    out, unsure = np.zeros(lo.size), np.zeros(lo.size, dtype=bool)
    for k in np.unique(j):
        pick = j == k
        a, b, x = lo[pick], hi[pick], w[pick]
        first, second = tables[k], tables[k + 1]
        unsure[pick] = first.rates(a, b)[1] | second.rates(a, b)[1]
        if first.a_nodes.size == 0 or second.a_nodes.size == 0:
            unsure[pick] |= True
            continue
        c = (1 - x) * first.cutoff(a) + x * second.cutoff(a)
        s = np.minimum((b - a) / (c - a), 1.0)
        with np.errstate(over="ignore", invalid="ignore"):
            g = (1 - x) * first.log_factor(a, s) + x * second.log_factor(a, s)
            out[pick] = np.where(c > b, (c - b) * np.exp(g), 0.0)
        unsure[pick] |= np.abs(c - b) < max(first.near, second.near)
    return np.where(unsure | ~np.isfinite(out), np.nan, out), unsure | ~np.isfinite(out)


def _pair_rates(lo, hi, e_dx, model, method, loss_step_db, max_exact, optimize_step_db=5.0, grid_tolerance=0.01,
                optimum_checks=8, seed=0):
    """Rates per pulse pair for flat arrays of arm losses lo ≤ hi and e_d^X; returns (rates, info attrs, the
    optimized settings per pair or {})."""
    check_choice("method", method, ("auto", "exact", "grid"))
    step = check_positive("loss_step_db", loss_step_db, "dB")
    optimize_step = check_positive("optimize_step_db", optimize_step_db, "dB")
    tolerance = check_range("grid_tolerance", grid_tolerance, 0.0, 1.0, low_open=True, high_open=True)
    checks = check_int("optimum_checks", optimum_checks, 0)
    distinct = np.unique(np.round(np.column_stack([lo, hi, e_dx]), 9), axis=0).shape[0]
    if method == "auto":
        method = "exact" if distinct <= check_int("max_exact", max_exact, 1) else "grid"
    if method == "exact":
        rates = model.exact(lo, hi, e_dx)
        info = {"method": "exact", "interpolation_max_rel_error": 0.0, "exact_pairs": int(lo.size)}
    else:
        rates, info = model.grid(lo, hi, e_dx, step, optimize_step, tolerance)
        info.update({"method": "grid", "loss_step_db": step, "grid_tolerance": tolerance})
    settings = {}
    if model.optimize:
        if method == "grid":
            info.update(model.check_optimum(rates, lo, hi, e_dx, checks, tolerance, seed))
            info["optimize_step_db"] = optimize_step
        settings = model.pair_settings(lo, hi)
    info["rate_evaluations"] = model.calls
    info["optimized"] = int(model.optimize)
    return rates, info, settings


def _pair_matrix(n, a, b, values) -> np.ndarray:
    matrix = np.full((n, n), np.nan)
    matrix[a, b] = matrix[b, a] = values
    return matrix


# ----------------------------------------------------------------------------- public API
def key_rate_matrix(users: int, *, losses_db=None, distances=None, visibility=SYSTEM_A.hom_visibility_soliton,
                    e_d_x=None, e_d_z: float = DEFAULT_E_D_Z, intensities: Mapping = SYSTEM_A.intensities,
                    probabilities: Mapping = SYSTEM_A.probabilities, pulses: float = SYSTEM_A.pulse_pairs,
                    eps: float = SYSTEM_A.eps, f: float = SYSTEM_A.error_correction_efficiency,
                    detector: Detector = DEFAULT_DETECTOR, encoding: str = "time-bin",
                    repetition_rate: float | None = SYSTEM_A_QUBIT_RATE, loss_db_per_km: float = 0.2,
                    extra_loss_db: float = 0.0, method: str = "auto", loss_step_db: float = 2.0,
                    max_exact: int = 256, optimize: bool = False, optimize_step_db: float = 5.0,
                    grid_tolerance: float = 0.01, optimum_checks: int = 8, seed: int = 0,
                    progress: bool = False) -> xr.DataArray:
    """Finite-key MDI-QKD key-rate matrix R(a, b) of a fully connected network of ``users`` users.

    R(a, b) = ℓ(L_a, L_b, e_d^X(a, b)) / N · f_clock, ℓ the finite-key length of
    :func:`combchip.link.qkd.finite_key_rate` (Chernoff bounds, joint constraints) of the link whose arms have
    the users' own losses L_a and L_b (module docstring), for N = ``pulses`` pulse pairs per pair.

    Parameters
    ----------
    users : int
        Number of users n ≥ 2.
    losses_db : float or array_like (n,), optional
        Loss of each user to the relay [dB] (channel × filters; detector efficiency separate).
    distances : float or array_like (n,), optional
        Fibre length of each user to the relay [m]; loss = ``loss_db_per_km``·d/1 km + ``extra_loss_db``.
    visibility : float or array_like (n, n)
        Two-photon (for time-bin: Bell-state) interference visibility V ∈ [0, 1/2]; e_d^X = 1/2 − V.
    e_d_x : float or array_like (n, n), optional
        X-basis misalignment directly (overrides ``visibility``).
    e_d_z : float
        Z-basis misalignment (default: 30 dB extinction at both users, :data:`DEFAULT_E_D_Z`).
    intensities, probabilities : mapping
        Four-intensity protocol, keys ``"z", "y", "x", "o"`` (default system A's).
    pulses : float
        Pulse pairs sent per user pair (finite-key block), N.
    eps, f : float
        Chernoff failure probability (also ε_cor, ε_PA, ε̂) and error-correction inefficiency.
    detector : Detector
        BSM detectors (default :data:`DEFAULT_DETECTOR`).
    encoding : {"time-bin", "polarization"}
    repetition_rate : float or None
        Pulse-pair (qubit) rate [Hz]: rates in bit/s; None gives bit per pulse pair (default
        :data:`SYSTEM_A_QUBIT_RATE`).
    method : {"auto", "exact", "grid"}
        One finite-key evaluation per distinct (L_a, L_b, e_d^X), or the (L_a, L_b) grid interpolated in
        log(rate) with exact evaluation where it is not trusted (module docstring); "auto" uses "exact" up
        to ``max_exact`` distinct values.
    loss_step_db : float
        Initial spacing of the arm-loss nodes [dB] of ``method="grid"`` (refined adaptively).
    optimize : bool
        Optimize the symmetric intensities and probabilities (:func:`combchip.link.qkd.optimize_parameters`,
        warm-started from ``intensities``/``probabilities``). ``method="exact"``: at every distinct pair (per
        e_d^X value), along ascending total loss. ``"grid"``: at the nodes of a square grid of arm losses at
        most ``optimize_step_db`` apart (:meth:`_RateModel.optimize_field`, each node warm-started from its
        nearest node with key), θ = :func:`combchip.link.qkd.pack_settings` interpolated bilinearly between
        them; the rate of these settings, continuous in (L_a, L_b) and within second order in the node spacing
        of the optimum (the optimum is stationary in θ), is tabulated by the loss grid like a fixed-settings
        rate. Each pair's rate is thus the rate of the settings it reports (coordinates ``intensity_k``,
        ``probability_k`` on (user_a, user_b)). ``optimum_checks`` random pairs with key (``seed``) are
        optimized on their own (warm-started from their settings): attrs ``optimum_max_excess`` (largest
        (R − R*)/R*, the interpolation error), ``optimum_max_shortfall`` (largest (R* − R)/R*, the cost of
        interpolated settings) and ``optimum_violations`` (pairs whose excess exceeds ``grid_tolerance``,
        also warned). The per-side refinement of one pair is :func:`combchip.link.qkd.optimize_asymmetric`
        (Wang, Xu & Lo 2019), ≈ 200 s per link, too costly per node.
    grid_tolerance : float
        Relative error of the grid's rates allowed at the centre checks (module docstring), and of the
        optimized rates against the per-pair optimum.
    optimum_checks : int
        Pairs whose optimized rate is checked by a per-pair optimization (``optimize=True``, ``"grid"``).
    seed : int
        Seed of the choice of the checked pairs.
    progress : bool
        Show a tqdm bar on stderr counting the optimizations (points, settings nodes and checked pairs) of
        ``optimize=True``; the results do not depend on it.

    Returns
    -------
    xarray.DataArray ``key_rate`` on (``user_a``, ``user_b``)
        Symmetric, NaN on the diagonal, ≥ 0; coordinates ``pair_loss_db`` (user_a, user_b), ``e_d_x`` and
        ``user_loss_db`` (user_a); attrs: units, long_name and the inputs. As a Dataset it meets
        :data:`combchip.schema.KEY_RATE_MATRIX`.
    """
    n = _users(users)
    loss = user_losses(n, losses_db=losses_db, distances=distances, loss_db_per_km=loss_db_per_km,
                       extra_loss_db=extra_loss_db)
    if e_d_x is None:
        e_x = 0.5 - _per_pair("visibility", visibility, n, 0.0, 0.5)
    else:
        e_x = _per_pair("e_d_x", e_d_x, n, 0.0, 0.5)
    if repetition_rate is not None:
        repetition_rate = check_positive("repetition_rate", repetition_rate, "Hz")
    model = _RateModel(e_d_z, intensities, probabilities, pulses, eps, f, detector, encoding, optimize, progress)
    a, b = np.triu_indices(n, k=1)
    pair_loss = loss[:, None] + loss[None, :]
    lo, hi = np.minimum(loss[a], loss[b]), np.maximum(loss[a], loss[b])
    try:
        rates, info, settings = _pair_rates(lo, hi, e_x[a, b], model, method, loss_step_db, max_exact,
                                            optimize_step_db, grid_tolerance, optimum_checks, seed)
    finally:
        if model.bar is not None:
            model.bar.close()
    for name in ("optimum_checked_pairs", "optimum_violations"):
        if name in info:
            info[name] = np.column_stack([a[info[name]], b[info[name]]]).ravel()
    if info.get("optimum_violations", np.empty(0)).size:
        warnings.warn(f"optimized rates exceed the per-pair optimum by more than {grid_tolerance:g} at user pairs "
                      f"{info['optimum_violations'].reshape(-1, 2).tolist()}", stacklevel=2)
    scale = 1.0 if repetition_rate is None else repetition_rate
    matrix = np.full((n, n), np.nan)
    matrix[a, b] = matrix[b, a] = rates * scale
    np.fill_diagonal(pair_loss, np.nan)
    np.fill_diagonal(e_x, np.nan)
    attrs = {
        **KEY_RATE_MATRIX.entry("key_rate", None, "bit/pulse pair" if repetition_rate is None else "bit/s")[2],
        "users": n, "e_d_z": model.e_d_z, "pulses": model.pulses, "eps": model.eps, "f": model.f,
        "detector_efficiency": detector.efficiency, "dark_count_probability": detector.dark_count_probability,
        "encoding": encoding, "repetition_rate": np.nan if repetition_rate is None else repetition_rate,
        "loss_split": "per arm: L_a, L_b",
        **({} if optimize else {f"intensity_{k}": float(v) for k, v in model.mu.items()}),
        **({} if optimize else {f"probability_{k}": float(v) for k, v in model.p.items()}),
        **info,
    }
    users_coord = np.arange(n)
    out = xr.DataArray(
        matrix, dims=("user_a", "user_b"), name="key_rate",
        coords={
            "user_a": ("user_a", users_coord, {"units": "1", "long_name": "user"}),
            "user_b": ("user_b", users_coord, {"units": "1", "long_name": "partner"}),
            "pair_loss_db": KEY_RATE_MATRIX.entry("pair_loss_db", pair_loss),
            "e_d_x": KEY_RATE_MATRIX.entry("e_d_x", e_x),
            "user_loss_db": KEY_RATE_MATRIX.entry("user_loss_db", loss),
            **{name: (("user_a", "user_b"), _pair_matrix(n, a, b, values),
                      {"units": "photons" if name.startswith("intensity") else "1",
                       "long_name": f"optimized {name.replace('_', ' ')} of the pair"})
               for name, values in settings.items()},
        },
        attrs=attrs,
    )
    validate(out.to_dataset(), KEY_RATE_MATRIX)
    return out


def fourfold_coincidence_rate(loss_pair_1_db, loss_pair_2_db=None, *, visibility=SYSTEM_A.hom_visibility_soliton,
                              e_d_z=DEFAULT_E_D_Z, intensities: Mapping = SYSTEM_A.intensities,
                              probabilities: Mapping = SYSTEM_A.probabilities, detector: Detector = DEFAULT_DETECTOR,
                              encoding="time-bin", repetition_rate=SYSTEM_A.clock, sources="zz") -> dict:
    """Rate of simultaneous four-fold coincidences of two user pairs measured at the same time [Hz].

    Two BSM modules work on the same clock. Each announces a two-fold coincidence in a given clock
    cycle with probability P_k per pulse pair; the pairs' sources and channels are independent and the
    156 ps coincidence window is far below the 10 ns clock period, so a four-fold event is both
    two-folds in the same cycle:

        R₄ = f_clock · P₁ · P₂,     P_k = Σ_{αβ ∈ S} p_α p_β Q_αβ(L_k),

    Q_αβ the probability of an announced |Ψ⁻⟩ (both windows, other two silent) of source pair αβ
    (:func:`combchip.link.qkd.gains`, the Z-basis gain for zz and z/o pairs, the X-basis gain for pairs from
    {x, y, o}). ``sources="zz"`` counts the key-generating signal–signal events only,
    P = p_z² Q_zz; ``sources="matched"`` counts every source pair of one basis (z with o included, vacuum
    being basis free); the mixed z–x and z–y pairs, for which the model has no gain, are left out, so it
    is a lower bound on all coincidences.

    Returns
    -------
    dict
        ``rate`` [Hz], ``p_pair_1``, ``p_pair_2`` (per pulse pair), ``sources``.
    """
    if sources not in ("zz", "matched"):
        raise ValueError(f"sources must be 'zz' or 'matched', got {sources!r}")
    mu, p = check_protocol(intensities, probabilities)
    clock = check_positive("repetition_rate", repetition_rate, "Hz")
    e_x = 0.5 - check_range("visibility", visibility, 0.0, 0.5)
    e_z = check_range("e_d_z", e_d_z, 0.0, 0.5)

    def probability(loss):
        loss = check_nonnegative("loss_pair_db", loss, "dB")
        link = MDILink.from_losses(loss / 2, loss / 2, detector, e_d_x=e_x, e_d_z=e_z, encoding=encoding)
        if sources == "zz":
            return p["z"] ** 2 * float(link.gains(mu["z"], mu["z"]).q_z)
        total = 0.0
        for s in mu:
            for t in mu:
                if {s, t} <= {"z", "o"}:
                    total += p[s] * p[t] * float(link.gains(mu[s], mu[t]).q_z)
                elif "z" not in (s, t):
                    total += p[s] * p[t] * float(link.gains(mu[s], mu[t]).q_x)
        return total

    p1 = probability(loss_pair_1_db)
    p2 = p1 if loss_pair_2_db is None else probability(loss_pair_2_db)
    return {"rate": clock * p1 * p2, "p_pair_1": p1, "p_pair_2": p2, "sources": sources}


def ideal_soliton_lines(count: int, *, linewidth: float = SYSTEM_A.soliton_linewidth, fsr: float = SYSTEM_A.fsr,
                        pump_wavelength: float = SYSTEM_A.pump_wavelength, power: float = 1e-3,
                        osnr_db: float = 60.0) -> xr.Dataset:
    """A stated default comb: ``count`` lines on each side of the pump, all with the same ``power`` [W] (1 mW
    assumed), ``osnr_db`` (60 dB assumed) and Lorentzian ``linewidth`` [Hz], ``fsr`` [Hz] apart (default system
    A's soliton lines, FSR and CH51 pump), as a :data:`combchip.schema.COMB_LINES` table."""
    count = check_int("count", count, 1)
    check_nonnegative("linewidth", linewidth, "Hz")
    check_positive("power", power, "W")
    mu = np.arange(-count, count + 1)
    ones = np.ones(mu.size)
    frequency = _C / pump_wavelength + check_positive("fsr", fsr, "Hz") * mu
    return line_table(mu, frequency, power * ones, osnr_db * ones, linewidth * ones,
                      {"source": "ideal_soliton_lines"})


def pair_visibility(linewidth, pulse_fwhm=SYSTEM_A.pulse_fwhm, bin_separation=SYSTEM_A.bin_separation, *,
                    jitter=0.0, polarization_angle=0.0, shape="gaussian", coherent_fraction=1.0) -> dict:
    """HOM and time-bin BSM visibility of two users carving pulses from copies of one comb line.

    The two copies travel to the relay over paths much longer than the line's coherence time, so they
    are two independent Lorentzian lines of FWHM Δν: M = :func:`combchip.link.hom.mode_overlap` (phase noise,
    timing jitter, polarization), V_HOM = M/2 (equal weak pulses) and V_BSM = c_A c_B M/2 with the
    early/late coherence c = exp(−πΔν·Δt) (:func:`combchip.link.hom.bsm_visibility_time_bin`, weak limit).

    A line of a chaotic comb is only partly coherent: a fraction p of its power is the steady line and
    1 − p fluctuates from pulse to pulse (the incoherent part that :func:`combchip.comb_lines` reports
    through its OSNR, p = 1/(1 + 10^(−OSNR/10))). Only the steady parts interfere, so M → p² M in the
    weak-pulse limit (the fluctuating photons add coincidences but no dip).
    """
    lw = check_nonnegative("linewidth", linewidth, "Hz")
    p = check_range("coherent_fraction", coherent_fraction, 0.0, 1.0)
    overlap = p**2 * _hom.mode_overlap(pulse_fwhm, shape=shape, linewidth_a=lw, linewidth_b=lw, jitter=jitter,
                                       polarization_angle=polarization_angle)
    coherence = _hom.time_bin_coherence(lw, bin_separation)
    v_hom = _hom.hom_visibility(0.1, 0.1, overlap, model="weak")
    v_bsm = _hom.bsm_visibility_time_bin(0.1, 0.1, overlap, (coherence, coherence), model="weak")
    return {"overlap": overlap, "coherence": coherence, "hom_visibility": v_hom, "bsm_visibility": v_bsm}


_VISIBILITY_MODELS = ("auto", "trace", "osnr")


def _visibility_model(requested, comb_dataset, pulse_fwhm, bin_separation) -> str:
    """The model network_key_rates uses: ``requested``, or for "auto" "trace" when the run's snapshots allow it."""
    check_choice("visibility_model", requested, _VISIBILITY_MODELS)
    simulated = isinstance(comb_dataset, xr.Dataset) and "field" in comb_dataset
    if requested == "trace" and not simulated:
        raise ValueError("visibility_model = 'trace' needs a simulate_comb Dataset as comb_dataset")
    if requested != "auto":
        return requested
    if not simulated:
        return "osnr"
    times = comb_dataset.snapshot_time.values
    if times.size < MIN_SAMPLES:
        return "osnr"
    spacing = (times[-1] - times[0]) / (times.size - 1)
    return "osnr" if trace_limitation(spacing, (times.size // 2) * spacing, pulse_fwhm, bin_separation) else "trace"


def _trace_visibilities(ds, line_mu, pulse_fwhm, bin_separation, jitter, polarization_angle) -> list[dict]:
    """Per colour: HOM and BSM visibility from the lines' simulated coherence (combchip.comb.coherence)."""
    coherence = line_coherence(ds, np.asarray(line_mu, dtype=int))
    other = _hom.mode_overlap(pulse_fwhm, jitter=jitter, polarization_angle=polarization_angle)
    v = coherence_visibility(coherence, pulse_fwhm, bin_separation, overlap=other)
    return [{"overlap": 2 * float(h), "hom_visibility": float(h), "bsm_visibility": float(b)}
            for h, b in zip(v.hom_visibility.values, v.bsm_visibility.values)]


def _link_encoding(transmitter, rate_kwargs) -> str:
    """The link's encoding: the transmitter's (a qubit encoding, not contradicted by ``rate_kwargs``), else
    ``rate_kwargs``' (default time-bin)."""
    encoding = rate_kwargs.get("encoding", "time-bin")
    if transmitter is None:
        return encoding
    if not isinstance(transmitter, Transmitter):
        raise ValueError(f"transmitter must be a combchip.tx.protocol.Transmitter, got {type(transmitter).__name__}")
    check_choice("transmitter.encoding", transmitter.encoding, ("time-bin", "polarization"))
    if "encoding" in rate_kwargs and encoding != transmitter.encoding:
        raise ValueError(f"encoding = {encoding!r} contradicts the transmitter's {transmitter.encoding!r}")
    return transmitter.encoding


def _timing(transmitter, encoding) -> Timing:
    """The transmitter's timing, else system A's pulses on its 100 MHz clock: time-bin qubits at the rate of
    :func:`combchip.tx.protocol.time_bin_symbol_rate` (50 MHz for 10 ns bins), polarization qubits at the clock."""
    if transmitter is not None:
        return transmitter.timing
    if encoding != "time-bin":
        return Timing(SYSTEM_A.clock, SYSTEM_A.pulse_fwhm, 0.0)
    return Timing(SYSTEM_A_QUBIT_RATE, SYSTEM_A.pulse_fwhm, SYSTEM_A.bin_separation)


def _line_table(comb_dataset, users, default_linewidth) -> xr.Dataset:
    """The comb-lines table of ``comb_dataset`` (a simulation, a table, or None for ideal soliton lines)."""
    if comb_dataset is None:
        return ideal_soliton_lines(max(users // 2 + 1, 2), linewidth=default_linewidth)
    if isinstance(comb_dataset, xr.Dataset) and "spectrum" in comb_dataset:
        return comb_lines(comb_dataset)
    if isinstance(comb_dataset, xr.Dataset) and "line_frequency" in comb_dataset:
        return comb_dataset
    raise ValueError("comb_dataset must be a simulate_comb Dataset, a comb_lines table or None")


def _transmitter_states(transmitter, lines, rate_kwargs) -> xr.Dataset:
    """The transmitter's states (:data:`combchip.schema.TRANSMITTER_STATES`) on each comb line, on ``wavelength``."""
    intensities = rate_kwargs.get("intensities", SYSTEM_A.intensities)
    probabilities = rate_kwargs.get("probabilities", SYSTEM_A.probabilities)
    return xr.concat([transmitter.states(line, intensities, probabilities) for line in lines], dim="wavelength",
                     combine_attrs="drop")


def _signal_errors(states) -> tuple[np.ndarray, np.ndarray]:
    """Per wavelength: the mean state error of the signal intensity z in the Z and in the X basis."""
    signal = states.error.sel(intensity="z")
    z_basis = states.state.str.startswith("Z")
    return signal.where(z_basis).mean("state").values, signal.where(~z_basis).mean("state").values


def network_key_rates(comb_dataset=None, transmitter: Transmitter | None = None, users: int = 4, *,
                      distances=75e3, loss_db_per_km: float = 0.2, extra_loss_db: float = 0.0, losses_db=None,
                      min_power: float = 0.0, min_osnr_db: float = 20.0, max_linewidth: float | None = None,
                      order: str = "pump", jitter: float = 0.0, polarization_angle: float = 0.0,
                      e_d_z: float | None = None, default_linewidth: float = SYSTEM_A.soliton_linewidth,
                      visibility_model: str = "auto", **rate_kwargs) -> xr.Dataset:
    """Key-rate matrix of an N-user network driven by a simulated comb.

    comb → :func:`combchip.comb_lines` → :func:`combchip.link.network_plan.wavelength_plan` (usable lines,
    edge colouring) → each colour's visibilities with the transmitter's pulse duration and bin
    separation → e_d^X = 1/2 − V_BSM → :func:`key_rate_matrix`.

    Two visibility models: ``"trace"`` takes each line's g⁽¹⁾ and g⁽²⁾ from the run's snapshots
    (:func:`combchip.comb.coherence.line_coherence`, :func:`combchip.link.visibility.coherence_visibility`, with the
    run's pump linewidth), which needs snapshots evenly spaced by ≤ 1/4 pulse over ≥ 2 × (bin separation
    + 6 pulses); ``"osnr"`` uses the line table (:func:`pair_visibility`: linewidth and OSNR coherent
    fraction, exact when the line's fluctuations decorrelate within a pulse). ``"auto"`` takes
    ``"trace"`` when the dataset allows it. The choice is in ``attrs["visibility_model"]``.

    A ``transmitter`` is driven by the comb line of each colour (:meth:`Transmitter.states
    <combchip.tx.protocol.Transmitter.states>`): the line's power sets its attenuator and the line's
    coherence its X states. Its realized signal and decoy levels, averaged over the states and the lines,
    are the link's intensities (the vacuum stays 0, as the decoy bound needs); its signal states' Z error
    gives e_d^Z = e_A + e_B − 2e_Ae_B (worst line); its X-state coherence c = 1 − 2e_X, over the line's own
    e^{−πΔν·Δt} (which the visibility model holds already), multiplies V_BSM by each user's factor; its
    symbol rate is the ``repetition_rate``. The realized μ of every state and their spread across the
    states, which an eavesdropper could use to tell the states apart, are in the result.

    Parameters
    ----------
    comb_dataset : xarray.Dataset or None
        A :func:`combchip.simulate_comb` result, a :data:`combchip.schema.COMB_LINES` table, or None for
        :func:`ideal_soliton_lines` with ``default_linewidth`` (system A's soliton lines).
    transmitter : Transmitter, optional
        A time-bin or polarization chip (:func:`combchip.systems.system_a_encoder`,
        :func:`combchip.systems.system_b_transmitter`). Without it: system A's 0.8 ns pulses, 10 ns bins
        (time-bin) at the qubit rate :func:`combchip.tx.protocol.time_bin_symbol_rate` of its 100 MHz clock
        (50 MHz), :data:`DEFAULT_E_D_Z` and the given intensities. Either way the symbol rate is the
        ``repetition_rate`` unless given.
    users : int
        Number of users n ≥ 2.
    distances : float or array_like (n,)
        Fibre from each user to the relay [m] (ignored if ``losses_db`` is given).
    max_linewidth : float or None
        Line selection of :func:`combchip.link.network_plan.usable_lines` (None: no linewidth limit, so a
        chaotic comb still gets a plan and a rate).
    jitter, polarization_angle : float
        Relative timing jitter [s] and polarization angle [rad] between the users' pulses.
    e_d_z : float, optional
        Z-basis misalignment (default: the transmitter's, else :data:`DEFAULT_E_D_Z`).
    visibility_model : {"auto", "trace", "osnr"}
        How line coherence becomes visibility (above).
    **rate_kwargs
        Passed to :func:`key_rate_matrix` (detector, pulses, eps, f, intensities, method, optimize, progress, ...).

    Returns
    -------
    xarray.Dataset
        A :data:`combchip.schema.NETWORK_KEY_RATES` Dataset: ``key_rate`` (user_a, user_b), the plan's
        ``colour``, ``line_mu``, ``line_frequency``, ``line_power``, ``line_linewidth``, ``mode_overlap``,
        ``hom_visibility``, ``bsm_visibility``, ``e_d_x`` per pair, the per-wavelength variables of the
        plan and, with a transmitter, ``state_mu``, ``state_mu_spread`` and ``state_error`` per
        (wavelength, intensity[, state]).
    """
    n = _users(users)
    losses = user_losses(n, losses_db=losses_db, distances=distances if losses_db is None else None,
                         loss_db_per_km=loss_db_per_km, extra_loss_db=extra_loss_db)
    lines = _line_table(comb_dataset, n, default_linewidth)
    plan = wavelength_plan(n, lines, min_power=min_power, min_osnr_db=min_osnr_db, max_linewidth=max_linewidth,
                           order=order)
    encoding = _link_encoding(transmitter, rate_kwargs)
    timing = _timing(transmitter, encoding)
    model = _visibility_model(visibility_model, comb_dataset, timing.pulse_fwhm, timing.bin_separation)
    if model == "trace":
        per_colour = _trace_visibilities(comb_dataset, plan.wavelength_mu.values, timing.pulse_fwhm,
                                         timing.bin_separation, jitter, polarization_angle)
    else:
        coherent = 1 / (1 + 10 ** (-plan.wavelength_osnr.values / 10))
        # a line the run cannot resolve (NaN, comb_lines' linewidth_status): its steady part p carries the pump's
        steady = plan.wavelength_linewidth.values
        steady = np.where(np.isnan(steady), lines.attrs.get("pump_linewidth", np.nan), steady)
        per_colour = [pair_visibility(lw, timing.pulse_fwhm, timing.bin_separation, jitter=jitter,
                                      polarization_angle=polarization_angle, coherent_fraction=p)
                      for lw, p in zip(steady, coherent)]
    rate_kwargs = {**rate_kwargs, "encoding": encoding}
    states = None
    if transmitter is not None:
        colour_lines = [CombLine.from_table(lines, int(mu)) for mu in plan.wavelength_mu.values]
        states = _transmitter_states(transmitter, colour_lines, rate_kwargs)
        error_z, error_x = _signal_errors(states)
        for entry, line, e_x_user in zip(per_colour, colour_lines, error_x):
            entry["bsm_visibility"] *= ((1 - 2 * e_x_user) / line.coherence(timing.bin_separation)) ** 2
        e_d_z = combine_errors(error_z.max(), error_z.max()) if e_d_z is None else e_d_z
        realized = states.mu.mean(("wavelength", "state"))
        rate_kwargs["intensities"] = {k: 0.0 if k == "o" else float(realized.sel(intensity=k)) for k in "zyxo"}
    rate_kwargs.setdefault("repetition_rate", timing.symbol_rate)
    colour = plan.colour.values
    off = colour < 0
    safe = np.where(off, 0, colour)

    def pair_table(values):
        return np.where(off, np.nan, np.asarray(values)[safe])

    v_hom = pair_table([v["hom_visibility"] for v in per_colour])
    v_bsm = pair_table([v["bsm_visibility"] for v in per_colour])
    e_x = 0.5 - v_bsm
    rate = key_rate_matrix(n, losses_db=losses, e_d_x=np.where(off, 0.0, e_x),
                           e_d_z=DEFAULT_E_D_Z if e_d_z is None else e_d_z, **rate_kwargs)
    ds = plan.copy()
    ds["key_rate"] = rate.reset_coords(["e_d_x"], drop=True)
    ds = ds.assign_coords(pair_loss_db=rate.pair_loss_db, user_loss_db=rate.user_loss_db)
    for name, values in (("line_power", pair_table(plan.wavelength_power.values)),
                         ("line_linewidth", pair_table(plan.wavelength_linewidth.values)),
                         ("mode_overlap", pair_table([v["overlap"] for v in per_colour])),
                         ("hom_visibility", v_hom), ("bsm_visibility", v_bsm), ("e_d_x", e_x)):
        ds[name] = NETWORK_KEY_RATES.entry(name, values)
    if states is not None:
        ds = ds.assign_coords(intensity=states.intensity.values, state=states.state.values)
        spread = (states.mu.max("state") - states.mu.min("state")) / states.mu.mean("state")
        for name, values in (("state_mu", states.mu), ("state_mu_spread", spread), ("state_error", states.error)):
            ds[name] = NETWORK_KEY_RATES.entry(name, values.values)
    ds.attrs.update({k: v for k, v in rate.attrs.items() if k not in ("units", "long_name")})
    ds.attrs.update({"pulse_fwhm": timing.pulse_fwhm, "bin_separation": timing.bin_separation,
                     "jitter": float(jitter), "polarization_angle": float(polarization_angle),
                     "visibility_model": model, "transmitter": type(transmitter).__name__ if transmitter else "none",
                     "line_source": "ideal_soliton_lines" if comb_dataset is None else "comb", "order": order})
    if comb_dataset is None:
        ds.attrs["default_linewidth"] = float(default_linewidth)
    ds.attrs.pop("max_linewidth", None)
    return validate(ds, NETWORK_KEY_RATES)


def rate_vs_distance(distance, *, visibility=SYSTEM_A.hom_visibility_soliton, loss_db_per_km: float = 0.2,
                     extra_loss_db: float = 0.0, **rate_kwargs) -> xr.Dataset:
    """Key rate of one user pair, each user ``distance`` [m] from the relay, and the PLOB bound of the
    end-to-end transmittance η_aη_b η_d² (per pulse pair; ``key_rate`` in the units of
    :func:`key_rate_matrix`, ``key_rate_per_pulse`` and ``plob`` in bit per pulse pair)."""
    distance = np.atleast_1d(np.asarray(distance, dtype=float))
    if distance.ndim != 1 or distance.size == 0:
        raise ValueError("distance must be a non-empty 1-D array [m]")
    for k, d in enumerate(distance):
        check_nonnegative(f"distance[{k}]", float(d), "m")
    loss = _fibre_loss(distance, loss_db_per_km, extra_loss_db)
    detector = rate_kwargs.get("detector", DEFAULT_DETECTOR)
    repetition = rate_kwargs.get("repetition_rate", SYSTEM_A_QUBIT_RATE)
    matrices = [key_rate_matrix(2, losses_db=user_loss, visibility=visibility, **rate_kwargs) for user_loss in loss]
    rates = np.array([float(m[0, 1]) for m in matrices])
    per_pulse = rates / (1.0 if repetition is None else repetition)
    eta = db_to_ratio(2 * loss) * detector.efficiency**2
    m = matrices[-1]
    return xr.Dataset(
        {"key_rate": ("distance", rates, {"units": m.attrs["units"], "long_name": m.attrs["long_name"]}),
         "key_rate_per_pulse": ("distance", per_pulse, {"units": "bit/pulse pair",
                                                        "long_name": "finite-key MDI-QKD"}),
         "plob": ("distance", plob(eta), {"units": "bit/pulse pair", "long_name": "PLOB bound of η_aη_bη_d²"})},
        coords={"distance": ("distance", distance, {"units": "m", "long_name":
                                                    "user-to-relay distance (user to user: twice)"})},
        attrs={**{k: v for k, v in m.attrs.items() if k not in ("units", "long_name", "users")},
               "loss_db_per_km": float(loss_db_per_km), "extra_loss_db": float(extra_loss_db)},
    )
