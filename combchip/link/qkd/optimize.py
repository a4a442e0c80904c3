"""Intensities and probabilities of four-intensity MDI-QKD that maximize the asymptotic or finite-key rate.

The optimizer works in unconstrained coordinates θ = (log z, log y, logit(x/y), log(p_z/p_o), log(p_y/p_o),
log(p_x/p_o)), which keep o = 0 < x < y and Σp = 1 (:func:`pack_settings`, :func:`unpack_settings`).

References
----------
F. Xu, H. Xu, H.-K. Lo, Phys. Rev. A 89, 052333 (2014) (parameter optimisation of MDI-QKD).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import OptimizeResult, minimize, minimize_scalar
from scipy.special import expit, logit, softmax

from ...systems.published import SYSTEM_A
from ...validation import check_int, check_positive
from ..records import quantity
from .channel import MDILink
from .finite_key import Method, finite_key_rate
from .mdi import SOURCES, asymptotic_rate, check_protocol

__all__ = ["FALLBACK_STARTS", "OptimizedSettings", "optimize_parameters", "pack_settings", "unpack_settings"]

_N_COORDINATES = 6
FALLBACK_STARTS = (
    ({"z": 0.3, "y": 0.1, "x": 0.03, "o": 0.0}, {"z": 0.5, "y": 0.1, "x": 0.3, "o": 0.1}),
    ({"z": 0.8, "y": 0.3, "x": 0.08, "o": 0.0}, {"z": 0.6, "y": 0.05, "x": 0.3, "o": 0.05}),
    ({"z": 0.5, "y": 0.05, "x": 0.01, "o": 0.0}, {"z": 0.3, "y": 0.2, "x": 0.4, "o": 0.1}),
)
"""Further finite-key starts when the first finds no key: a weak signal with many decoys, a strong signal, and
a weak decoy-dominated set; they bracket the optima of system A's link from 20 to 45 dB (z 0.6–0.8,
p_z 0.55–0.8) from both sides."""


def unpack_settings(theta: ArrayLike) -> tuple[dict[str, float], dict[str, float]]:
    """Intensities and probabilities from the optimizer's coordinates θ (:func:`pack_settings`)."""
    theta = np.asarray(theta, dtype=float)
    if theta.shape != (_N_COORDINATES,) or not np.all(np.isfinite(theta)):
        raise ValueError(f"theta must be {_N_COORDINATES} finite coordinates, got {theta!r}")
    z, y = np.exp(theta[0]), np.exp(theta[1])
    p = softmax(np.append(theta[3:], 0.0))
    return ({"z": float(z), "y": float(y), "x": float(y * expit(theta[2])), "o": 0.0},
            {k: float(v) for k, v in zip(SOURCES, p)})


def pack_settings(intensities: Mapping, probabilities: Mapping) -> np.ndarray:
    """Unconstrained coordinates θ = (log z, log y, logit(x/y), log(p_z/p_o), log(p_y/p_o), log(p_x/p_o)) of a
    four-intensity protocol (:func:`combchip.link.qkd.mdi.check_protocol`)."""
    mu, prob = check_protocol(intensities, probabilities)
    p = np.array([prob[k] for k in SOURCES])
    return np.concatenate([[np.log(mu["z"]), np.log(mu["y"]), logit(mu["x"] / mu["y"])], np.log(p[:3] / p[3])])


@dataclass(frozen=True)
class OptimizedSettings:
    """Settings that maximize the key rate of a link (:func:`optimize_parameters`)."""

    intensities: dict[str, float] = quantity("photons", "mean photon numbers keyed 'z', 'y', 'x', 'o'")
    probabilities: dict[str, float] = quantity("1", "source probabilities keyed 'z', 'y', 'x', 'o'")
    key_rate_per_pulse: float = quantity("bit/pulse pair", "optimal key rate, clipped at 0")
    key_rate_raw: float = quantity("bit/pulse pair", "optimal key rate, unclipped")
    initial_rate: float = quantity("bit/pulse pair", "unclipped key rate of the starting settings")
    result: OptimizeResult = quantity("", "the optimizer's result (scipy.optimize) of the best start")
    starts: int = quantity("1", "number of starts searched", 1)
    evaluations: int = quantity("1", "key-rate evaluations over all starts", 0)


def optimize_parameters(link: MDILink, total_pulse_pairs: float | None = None, *, eps: float = SYSTEM_A.eps,
                        f: float = SYSTEM_A.error_correction_efficiency,
                        initial: tuple[Mapping, Mapping] | None = None, method: Method = "joint",
                        joint_constraints: bool = True, maxiter: int = 2000, xatol: float = 1e-4,
                        fatol: float = 1e-7) -> OptimizedSettings:
    """Intensities and probabilities that maximize the key rate of ``link``.

    With ``total_pulse_pairs``: the finite-key rate ℓ/N (:func:`combchip.link.qkd.finite_key.finite_key_rate`)
    is maximized by Nelder–Mead (:func:`scipy.optimize.minimize`) over θ (module docstring); the objective is
    the unclipped rate ℓ/N where ℓ ≥ 0 and ℓ/(N p_z²) where ℓ < 0 (continuous at ℓ = 0, with the same
    optimum where there is key): without the 1/p_z² a start without key would gain by sending no signal,
    p_z → 0, ℓ → −(finite-size cost), and stop there. When the first start ends without key, the search is
    repeated from each of :data:`FALLBACK_STARTS` and the best result is returned; a zero key is then the
    best of all starts, not a proof that none exists. ``xatol`` (in θ) and ``fatol`` (relative to the
    starting rate) stop the search; a warm start near the optimum tolerates 1e-2 and 1e-4.
    Without ``total_pulse_pairs`` (asymptotic limit) the decoys cost nothing, the optimum is the degenerate
    x, y → 0, p_z → 1, and only the signal intensity z is optimized (bounded scalar search,
    :func:`scipy.optimize.minimize_scalar`), the other settings held at ``initial``. The starting settings
    are returned if nothing better is found.

    Parameters
    ----------
    link : MDILink
    total_pulse_pairs : float, optional
        N, pulse pairs sent; None for the asymptotic rate.
    eps, f, method, joint_constraints
        As in :func:`combchip.link.qkd.finite_key.finite_key_rate`.
    initial : (mapping, mapping), optional
        Starting intensities and probabilities (default: system A's).
    maxiter : int
        Most optimizer iterations.
    xatol, fatol : float
        Stopping tolerances of Nelder–Mead.

    Returns
    -------
    OptimizedSettings

    References
    ----------
    F. Xu, H. Xu, H.-K. Lo, Phys. Rev. A 89, 052333 (2014).
    """
    start = initial if initial is not None else (SYSTEM_A.intensities, SYSTEM_A.probabilities)
    mu0, p0 = check_protocol(*start)
    check_int("maxiter", maxiter, 1)
    check_positive("xatol", xatol)
    check_positive("fatol", fatol)
    if total_pulse_pairs is None:
        mu, p, best, r0, result = _optimize_signal(link, mu0, p0, f, maxiter)
    else:
        n = check_positive("total_pulse_pairs", total_pulse_pairs)

        def rate(theta_mu, theta_p):
            return finite_key_rate(link, theta_mu, theta_p, n, eps=eps, f=f, method=method,
                                   joint_constraints=joint_constraints).key_length / n

        runs = [_optimize_all(rate, mu0, p0, maxiter, xatol, fatol)]
        if runs[0][2] <= 0:
            runs += [_optimize_all(rate, *check_protocol(*s), maxiter, xatol, fatol) for s in FALLBACK_STARTS]
        mu, p, best, _, result = max(runs, key=lambda run: run[2])
        r0 = runs[0][3]
    evaluations = sum(run[4].nfev for run in runs) if total_pulse_pairs is not None else result.nfev
    if best < r0:
        mu, p, best = mu0, p0, r0
    return OptimizedSettings(intensities={k: float(v) for k, v in mu.items()},
                             probabilities={k: float(v) for k, v in p.items()}, key_rate_per_pulse=max(best, 0.0),
                             key_rate_raw=float(best), initial_rate=float(r0), result=result,
                             starts=len(runs) if total_pulse_pairs is not None else 1, evaluations=int(evaluations))


def _optimize_signal(link, mu0, p0, f, maxiter):
    """Bounded search of the asymptotic rate over z ∈ (y, 5]; returns (μ, p, best, start rate, result)."""
    r0 = asymptotic_rate(link, mu0, p0, f).key_rate_raw
    scale = abs(r0) or 1.0
    result = minimize_scalar(lambda z: -asymptotic_rate(link, {**mu0, "z": z}, p0, f).key_rate_raw / scale,
                             bounds=(mu0["y"] * (1 + 1e-6), 5.0), method="bounded",
                             options={"maxiter": maxiter, "xatol": 1e-6})
    return {**mu0, "z": float(result.x)}, p0, -result.fun * scale, r0, result


def _optimize_all(rate, mu0, p0, maxiter, xatol, fatol):
    """Nelder–Mead of ``rate(μ, p)`` (divided by p_z² where negative) over θ; returns (μ, p, best rate,
    start rate, result)."""
    r0 = rate(mu0, p0)
    scale = abs(r0) or 1.0
    found = {}

    def objective(theta):
        if (not np.all(np.isfinite(theta)) or np.any(np.abs(theta) > 30) or not -10 <= theta[2] <= 5
                or np.any(np.abs(theta[:2] - np.log(0.03)) > np.log(300))):
            return np.inf   # z, y in [1e-4, 9], x/y in [5e-5, 0.993]: the decoy bounds divide by ∝ xy(y − x)
        mu, p = unpack_settings(theta)
        value = rate(mu, p)
        if not np.isfinite(value):
            return np.inf
        found[tuple(theta)] = value
        return -(value if value >= 0 else value / p["z"] ** 2) / scale

    result = minimize(objective, pack_settings(mu0, p0), method="Nelder-Mead",
                      options={"maxiter": maxiter, "xatol": xatol, "fatol": fatol, "adaptive": True})
    return *unpack_settings(result.x), found.get(tuple(result.x), rate(*unpack_settings(result.x))), r0, result
