"""Intensities and probabilities of four-intensity MDI-QKD that maximize the asymptotic or finite-key rate.

The optimizer works in unconstrained coordinates θ = (log z, log y, logit(x/y), log(p_z/p_o), log(p_y/p_o),
log(p_x/p_o)), which keep o = 0 < x < y and Σp = 1 (:func:`pack_settings`, :func:`unpack_settings`); per-side
settings (asymmetric MDI-QKD, :func:`optimize_asymmetric`) use Alice's six coordinates followed by Bob's.

Method: a local search from a few starts, as in Xu, Xu & Lo (2014), who maximize the MDI-QKD rate over the
intensities and probabilities by a local search algorithm; here Nelder–Mead (:func:`scipy.optimize.minimize`)
with further starts when a start ends without key.

Balance of the arriving X-basis decoys (Wang, Xu & Lo 2019). For p_d = 0, e_d = 0 and η μ ≪ 1 the X-basis
gains of intensities μ_A, μ_B are (:func:`combchip.link.qkd.channel.gains`, both Bell states)
Q_X ≈ (a + b)²/4 and (E·Q)_X ≈ (a + b)²/8 − ab/4 with a = η_Aμ_A, b = η_Bμ_B, so

    E_X = 1/2 − ab/(a + b)²,

minimal (1/4) at a = b, i.e. μ_A/μ_B = η_B/η_A: X-basis decoys that arrive with equal intensity interfere
best, and the multi-photon errors that the decoy bound on e₁₁ must absorb are least. The Z-basis signals
need no such balance (their errors do not come from two-photon interference). :func:`optimize_asymmetric`
starts from the symmetric optimum and from it with the decoys balanced.

References
----------
F. Xu, H. Xu, H.-K. Lo, Phys. Rev. A 89, 052333 (2014) (parameter optimisation of MDI-QKD);
W. Wang, F. Xu, H.-K. Lo, Phys. Rev. X 9, 041012 (2019) (asymmetric MDI-QKD).
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
from .mdi import SOURCES, asymptotic_rate, check_protocol, check_sides

__all__ = ["FALLBACK_STARTS", "AsymmetricSettings", "OptimizedSettings", "balanced_start", "local_search",
           "optimize_asymmetric", "optimize_parameters", "pack_settings", "unpack_settings"]

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

        runs = [local_search(rate, mu0, p0, maxiter, xatol, fatol)]
        if runs[0][2] <= 0:
            runs += [local_search(rate, *check_protocol(*s), maxiter, xatol, fatol) for s in FALLBACK_STARTS]
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


def local_search(rate, mu0, p0, maxiter, xatol, fatol):
    """One Nelder–Mead search of ``rate(μ, p)`` from (``mu0``, ``p0``) over θ (:func:`pack_settings`); a negative
    rate is divided by p_z² so that the search cannot drift to p_z → 0. Used by :func:`optimize_parameters` for
    each start and by the network's warm-started settings nodes. Returns (μ, p, best rate, start rate, the
    scipy result)."""
    if not callable(rate):
        raise ValueError(f"rate must be callable as rate(intensities, probabilities), got {type(rate).__name__}")
    mu0, p0 = check_protocol(mu0, p0)
    check_int("maxiter", maxiter, 1)
    check_positive("xatol", xatol)
    check_positive("fatol", fatol)
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


def _pack_sides(settings) -> np.ndarray:
    """Alice's six coordinates (:func:`pack_settings`) followed by Bob's."""
    return np.concatenate([pack_settings(settings.intensities_a, settings.probabilities_a),
                           pack_settings(settings.intensities_b, settings.probabilities_b)])


def _unpack_sides(theta) -> tuple[dict, dict]:
    (mu_a, p_a), (mu_b, p_b) = unpack_settings(theta[:_N_COORDINATES]), unpack_settings(theta[_N_COORDINATES:])
    return {"alice": mu_a, "bob": mu_b}, {"alice": p_a, "bob": p_b}


def _in_box(theta) -> bool:
    """z, y in [1e-4, 9], x/y in [5e-5, 0.993] and |θ| ≤ 30 on each side (the decoy bounds divide by ∝ xy(y − x))."""
    for side in (theta[:_N_COORDINATES], theta[_N_COORDINATES:]):
        if (np.any(np.abs(side) > 30) or not -10 <= side[2] <= 5
                or np.any(np.abs(side[:2] - np.log(0.03)) > np.log(300))):
            return False
    return True


def _optimize_sides(rate, theta0, maxiter, xatol, fatol):
    """Nelder–Mead of ``rate`` over 12 per-side coordinates (divided by p^A_z p^B_z where negative, as in
    :func:`optimize_parameters`); returns (θ, best rate, result)."""
    scale = abs(rate(*_unpack_sides(theta0))) or 1.0
    found = {}

    def objective(theta):
        if not np.all(np.isfinite(theta)) or not _in_box(theta):
            return np.inf
        mu, p = _unpack_sides(theta)
        value = rate(mu, p)
        if not np.isfinite(value):
            return np.inf
        found[tuple(theta)] = value
        return -(value if value >= 0 else value / (p["alice"]["z"] * p["bob"]["z"])) / scale

    result = minimize(objective, theta0, method="Nelder-Mead",
                      options={"maxiter": maxiter, "xatol": xatol, "fatol": fatol, "adaptive": True})
    return result.x, found.get(tuple(result.x), rate(*_unpack_sides(result.x))), result


def balanced_start(link: MDILink, intensities: Mapping, probabilities: Mapping) -> tuple[dict, dict]:
    """Per-side settings from symmetric ones, with the X-basis decoys balanced at the relay: η_A x_A = η_B x_B.

    The user on the lower-loss arm scales her x, y (and o) by η_weak/η_strong ≤ 1; the other keeps hers.
    Signals z and the probabilities stay as given (module docstring).
    """
    mu, p = check_protocol(intensities, probabilities)
    scale = min(link.eta_a, link.eta_b) / max(link.eta_a, link.eta_b)
    damped = {k: (v * scale if k != "z" else v) for k, v in mu.items()}
    if damped["y"] >= damped["z"]:
        damped["z"] = mu["z"]
    mu_a, mu_b = (damped, dict(mu)) if link.eta_a >= link.eta_b else (dict(mu), damped)
    return {"alice": mu_a, "bob": mu_b}, {"alice": dict(p), "bob": dict(p)}


@dataclass(frozen=True)
class AsymmetricSettings:
    """Per-side settings that maximize the finite-key rate of a link (:func:`optimize_asymmetric`)."""

    intensities: dict = quantity("photons", "mean photon numbers, {'alice': {...}, 'bob': {...}} keyed 'z', 'y', "
                                            "'x', 'o'")
    probabilities: dict = quantity("1", "source probabilities, {'alice': {...}, 'bob': {...}}")
    key_rate_per_pulse: float = quantity("bit/pulse pair", "optimal finite-key rate, clipped at 0")
    key_rate_raw: float = quantity("bit/pulse pair", "optimal finite-key rate, unclipped")
    symmetric: OptimizedSettings = quantity("", "the symmetric optimum (one intensity set for both users)")
    start: str = quantity("", "the start the best search began from: 'symmetric' or 'balanced'")
    result: OptimizeResult = quantity("", "the optimizer's result (scipy.optimize) of the best start")
    evaluations: int = quantity("1", "key-rate evaluations, the symmetric search included")


def optimize_asymmetric(link: MDILink, total_pulse_pairs: float, *, eps: float = SYSTEM_A.eps,
                        f: float = SYSTEM_A.error_correction_efficiency,
                        initial: tuple[Mapping, Mapping] | None = None, method: Method = "joint",
                        joint_constraints: bool = True, maxiter: int = 1500, xatol: float = 1e-2,
                        fatol: float = 1e-4) -> AsymmetricSettings:
    """Per-side intensities and probabilities that maximize the finite-key rate of a link with unequal arms.

    1. The symmetric optimum (:func:`optimize_parameters`, its multi-start included) from ``initial``.
    2. Two 12-coordinate starts: that optimum on both sides, and :func:`balanced_start` of it
       (η_A x_A = η_B x_B, Wang, Xu & Lo 2019). Nelder–Mead runs from the better one, and from the other
       too when the first ends without key.

    The best result is returned; it is never below the symmetric optimum (a start). A zero key is the best
    of the starts, not a proof that none exists.

    Parameters
    ----------
    link : MDILink
    total_pulse_pairs : float
        N, pulse pairs sent.
    eps, f, method, joint_constraints
        As in :func:`combchip.link.qkd.finite_key.finite_key_rate`.
    initial : (mapping, mapping), optional
        Symmetric starting settings (default: system A's).
    maxiter : int
        Most Nelder–Mead iterations of each search.
    xatol, fatol : float
        Nelder–Mead stopping tolerances (in θ; relative to the starting rate).

    Returns
    -------
    AsymmetricSettings

    References
    ----------
    W. Wang, F. Xu, H.-K. Lo, Phys. Rev. X 9, 041012 (2019); F. Xu, H. Xu, H.-K. Lo, Phys. Rev. A 89, 052333 (2014).
    """
    if not isinstance(link, MDILink):
        raise ValueError(f"link must be an MDILink, got {link!r}")
    n = check_positive("total_pulse_pairs", total_pulse_pairs)
    check_int("maxiter", maxiter, 1)
    symmetric = optimize_parameters(link, n, eps=eps, f=f, initial=initial, method=method,
                                    joint_constraints=joint_constraints, maxiter=maxiter, xatol=xatol, fatol=fatol)

    def rate(mu, p):
        return finite_key_rate(link, mu, p, n, eps=eps, f=f, method=method,
                               joint_constraints=joint_constraints).key_length / n

    same = ({"alice": symmetric.intensities, "bob": symmetric.intensities},
            {"alice": symmetric.probabilities, "bob": symmetric.probabilities})
    starts = {"symmetric": same, "balanced": balanced_start(link, symmetric.intensities, symmetric.probabilities)}
    screened = sorted(starts, key=lambda k: rate(*starts[k]), reverse=True)
    runs, evaluations = [], symmetric.evaluations + len(starts)
    for name in screened:
        theta, best, result = _optimize_sides(rate, _pack_sides(check_sides(*starts[name])), maxiter, xatol, fatol)
        runs.append((best, name, theta, result))
        evaluations += result.nfev
        if best > 0:
            break
    best, name, theta, result = max(runs, key=lambda run: run[0])
    if best < symmetric.key_rate_raw:
        mu, p, best, name = *same, symmetric.key_rate_raw, "symmetric"
    else:
        mu, p = _unpack_sides(theta)
    return AsymmetricSettings(intensities=mu, probabilities=p, key_rate_per_pulse=max(best, 0.0),
                              key_rate_raw=float(best), symmetric=symmetric, start=name, result=result,
                              evaluations=int(evaluations))
