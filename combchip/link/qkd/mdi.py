"""Four-intensity decoy-state MDI-QKD: decoy estimation and the asymptotic key rate.

Protocol (Zhou, Yu & Wang 2016): Alice and Bob each send, independently, a phase-randomized weak
coherent pulse from one of four sources

- o: vacuum (probability p_o);
- x, y: X-basis decoys of intensity x < y (p_x, p_y);
- z: Z-basis signal of intensity z (p_z).

The key is distilled from the zz events only. The single-photon-pair yield s₁₁ and its X-basis error
e₁₁ are estimated from the X-basis sources {o, x, y}. Both users use the same intensity set, so only
the symmetric sums S_xo + S_ox, S_yo + S_oy of the one-sided yields enter (keys ``"xo+ox"``, ``"yo+oy"``).
Throughout, a "yield" S_αβ is the probability of an announced BSM per pulse pair of source pair αβ, and
a_k = e^(−x)x^k/k!, a'_k = e^(−y)y^k/k! are the photon-number distributions of x and y.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import linprog
from scipy.special import entr
from scipy.stats import poisson

from ...systems.published import SYSTEM_A
from ...validation import check_choice, check_positive, check_range
from ..records import quantity
from .channel import MDILink

SOURCES = ("z", "y", "x", "o")
X_OBSERVABLES = ("xx", "yy", "xo+ox", "yo+oy", "oo")
DecoyMethod = Literal["four-intensity", "lp", "infinite"]
"""How :func:`asymptotic_rate` bounds s₁₁ and e₁₁."""


def binary_entropy(p: ArrayLike) -> float | np.ndarray:
    """h(p) = −p log₂ p − (1 − p) log₂(1 − p), from :func:`scipy.special.entr`."""
    p = np.asarray(p, dtype=float)
    value = (entr(p) + entr(1 - p)) / np.log(2)
    return float(value) if value.ndim == 0 else value


def check_protocol(intensities: Mapping, probabilities: Mapping) -> tuple[dict[str, float], dict[str, float]]:
    """Validate the four-intensity settings; return them as float dicts keyed ``"z", "y", "x", "o"``.

    Requires o = 0 (vacuum), 0 < x < y, z > 0, probabilities in [0, 1] summing to 1 (±1e-9) and
    p_z, p_x, p_y, p_o > 0 where a bound needs them.
    """
    for name, table in (("intensities", intensities), ("probabilities", probabilities)):
        if not isinstance(table, Mapping) or set(table) != set(SOURCES):
            raise ValueError(f"{name} must be a mapping with keys {SOURCES}, got {table!r}")
    mu = {k: check_range(f"intensities[{k!r}]", intensities[k], 0.0, np.inf) for k in SOURCES}
    if mu["o"] != 0.0:
        raise ValueError(f"intensities['o'] = {mu['o']!r} must be 0 (the vacuum source)")
    check_range("intensities['x']", mu["x"], 0.0, mu["y"], low_open=True, high_open=True)
    check_positive("intensities['z']", mu["z"])
    prob = {k: check_range(f"probabilities[{k!r}]", probabilities[k], 0.0, 1.0, low_open=True) for k in SOURCES}
    total = sum(prob.values())
    if abs(total - 1.0) > 1e-9:
        raise ValueError(f"probabilities must sum to 1, got {total!r}")
    return mu, prob


def _poisson(mu, n):
    return poisson.pmf(n, mu)


def decoy_coefficients(intensities: Mapping) -> tuple[dict[str, float], dict[str, float]]:
    """Linear coefficients of the single-photon-pair bounds on the X-basis yields.

    With D = a₁a'₁(a₁a'₂ − a'₁a₂) > 0 for x < y,

        s₁₁ ≥ [a'₁a'₂ S_xx − a₁a₂ S_yy − a'₁a'₂a₀ (S_xo + S_ox) + a₁a₂a'₀ (S_yo + S_oy)
               + (a'₁a'₂a₀² − a₁a₂a'₀²) S_oo] / D,

    since every photon-number pair with n + m ≥ 3 enters a'₁a'₂ a_n a_m − a₁a₂ a'_n a'_m ≤ 0 times s_nm ≥ 0
    after the vacuum terms cancel. With e_0m = e_n0 = 1/2 (a vacuum carries no bit),

        s₁₁e₁₁ ≤ [T_xx − a₀(S_xo + S_ox)/2 + a₀² S_oo/2] / a₁²,

    T_xx the error yield of xx.

    Returns
    -------
    (dict, dict)
        Coefficients of s₁₁ on ``X_OBSERVABLES``; coefficients of s₁₁e₁₁ on ``"xx_err", "xo+ox", "oo"``.

    References
    ----------
    Y.-H. Zhou, Z.-W. Yu, X.-B. Wang, Phys. Rev. A 93, 042324 (2016).
    """
    x, y = intensities["x"], intensities["y"]
    a0, a1, a2 = (_poisson(x, k) for k in range(3))
    b0, b1, b2 = (_poisson(y, k) for k in range(3))
    d = a1 * b1 * (a1 * b2 - b1 * a2)
    s11 = {"xx": b1 * b2 / d, "yy": -a1 * a2 / d, "xo+ox": -b1 * b2 * a0 / d, "yo+oy": a1 * a2 * b0 / d,
           "oo": (b1 * b2 * a0**2 - a1 * a2 * b0**2) / d}
    se11 = {"xx_err": 1 / a1**2, "xo+ox": -a0 / (2 * a1**2), "oo": a0**2 / (2 * a1**2)}
    return s11, se11


def s11_lower_bound(yields: Mapping, intensities: Mapping) -> float:
    """Closed-form lower bound on s₁₁ from exact X-basis yields (:func:`decoy_coefficients`)."""
    coeff, _ = decoy_coefficients(intensities)
    return float(sum(c * yields[k] for k, c in coeff.items()))


def e11_upper_bound(yields: Mapping, intensities: Mapping, s11: float | None = None) -> float:
    """Upper bound on e₁₁ = (s₁₁e₁₁)ᵁ / s₁₁ᴸ, capped at 1/2 (:func:`decoy_coefficients`)."""
    _, coeff = decoy_coefficients(intensities)
    s11 = s11_lower_bound(yields, intensities) if s11 is None else s11
    if s11 <= 0:
        return 0.5
    return float(min(sum(c * yields[k] for k, c in coeff.items()) / s11, 0.5))


def _observable_weights(key, intensities, n_max):
    """P_α(n)P_β(m) over n, m ≤ n_max (summed over both orders for "αo+oα")."""
    n = np.arange(n_max + 1)
    mu = {k: intensities[k] for k in SOURCES}
    if "+" in key:
        alpha = key[0]
        one = _poisson(mu[alpha], n)
        vac = (n == 0).astype(float)
        return np.outer(one, vac) + np.outer(vac, one)
    return np.outer(_poisson(mu[key[0]], n), _poisson(mu[key[1]], n))


def s11_lower_bound_lp(yields: Mapping, intensities: Mapping, n_max: int = 12) -> float:
    """Lower bound on s₁₁ by linear programming over the photon-number yields s_nm ∈ [0, 1], n, m ≤ N.

    minimize s₁₁ subject to Σ_{n,m≤N} w_nm s_nm ≤ S_k ≤ Σ_{n,m≤N} w_nm s_nm + (Σ w − Σ_{n,m≤N} w) for
    every X-basis observable k, w_nm = P_α(n)P_β(m); the truncation tail enters with the worst-case
    yield 1, so the bound is valid for any N but loosened by an absolute ~P(n > N) (1e-19 at N = 12 for
    intensities ≤ 0.2). Solved with :func:`scipy.optimize.linprog` (HiGHS) in units of the largest yield.
    It uses the same data as :func:`s11_lower_bound` and is as tight up to the tail.

    References
    ----------
    Y.-H. Zhou, Z.-W. Yu, X.-B. Wang, Phys. Rev. A 93, 042324 (2016) (the observables; the LP is ours).
    """
    size = (n_max + 1) ** 2
    # yields are ~η_aη_b ≪ 1: work in units of the largest observed yield, rows normalized to unit rhs
    unit = max(max(yields[k] for k in X_OBSERVABLES), np.finfo(float).tiny)
    rows, upper = [], []
    for key in X_OBSERVABLES:
        w = _observable_weights(key, intensities, n_max).ravel()
        total = 2.0 if "+" in key else 1.0
        tail = max(total - w.sum(), 0.0) / unit
        value = yields[key] / unit
        norm = value if value > 1e-12 else 1.0
        rows += [w / norm, -w / norm]
        upper += [value / norm, (tail - value) / norm]
    objective = np.zeros(size)
    objective[n_max + 2] = 1.0
    result = linprog(objective, A_ub=np.array(rows), b_ub=np.array(upper), bounds=(0, 1 / unit), method="highs",
                     options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10})
    if not result.success:
        raise RuntimeError(f"decoy LP failed: {result.message}")
    return float(result.fun) * unit


def expected_yields(link: MDILink, intensities: Mapping) -> dict[str, float]:
    """Model yields of all observables of the protocol (keys of :func:`expected_counts`, per pulse pair)."""
    mu = intensities
    g = {pair: link.gains(mu[pair[0]], mu[pair[1]]) for pair in ("zz", "xx", "yy", "xo", "ox", "yo", "oy", "oo")}
    return {"zz": g["zz"].q_z, "zz_err": g["zz"].eq_z, "xx": g["xx"].q_x, "xx_err": g["xx"].eq_x, "yy": g["yy"].q_x,
            "xo+ox": g["xo"].q_x + g["ox"].q_x, "yo+oy": g["yo"].q_x + g["oy"].q_x, "oo": g["oo"].q_x}


def pulse_pairs(total_pulse_pairs: float, probabilities: Mapping) -> dict[str, float]:
    """Pulse pairs N_k = N p_α p_β behind each observable; for "αo+oα" the count per order, N p_α p_o."""
    p, n = probabilities, total_pulse_pairs
    return {"zz": n * p["z"] ** 2, "zz_err": n * p["z"] ** 2, "xx": n * p["x"] ** 2, "xx_err": n * p["x"] ** 2,
            "yy": n * p["y"] ** 2, "xo+ox": n * p["x"] * p["o"], "yo+oy": n * p["y"] * p["o"], "oo": n * p["o"] ** 2}


def expected_counts(link: MDILink, intensities: Mapping, probabilities: Mapping,
                    total_pulse_pairs: float) -> dict[str, float]:
    """Expected detection counts ⟨n_k⟩ = N_k S_k of every observable (the input format of
    :func:`combchip.link.qkd.finite_key.estimate_from_counts`)."""
    intensities, probabilities = check_protocol(intensities, probabilities)
    check_positive("total_pulse_pairs", total_pulse_pairs)
    y = expected_yields(link, intensities)
    n = pulse_pairs(total_pulse_pairs, probabilities)
    return {k: float(n[k] * y[k]) for k in y}


def sample_counts(link: MDILink, intensities: Mapping, probabilities: Mapping, total_pulse_pairs: float, *,
                  seed: int | np.random.Generator | None = None) -> dict[str, int]:
    """Counts drawn around :func:`expected_counts`: n_k ~ Poisson(⟨n_k⟩), errors ~ Binomial(n_k, E_k)."""
    rng = np.random.default_rng(seed)
    mean = expected_counts(link, intensities, probabilities, total_pulse_pairs)
    counts = {k: int(rng.poisson(v)) for k, v in mean.items() if not k.endswith("_err")}
    for k in ("zz", "xx"):
        rate = mean[f"{k}_err"] / mean[k] if mean[k] > 0 else 0.5
        counts[f"{k}_err"] = int(rng.binomial(counts[k], rate))
    return counts


def ideal_single_photon(link: MDILink) -> tuple[float, float]:
    """Exact (Y₁₁^Z, e₁₁^X) of the link: what an infinite number of decoys would estimate."""
    z = link.photon_number_yields(1, "Z")
    x = link.photon_number_yields(1, "X")
    return float(z["yield"][1, 1]), float(x["error_yield"][1, 1] / x["yield"][1, 1])


@dataclass(frozen=True)
class AsymptoticRate:
    """Asymptotic key rate of four-intensity MDI-QKD and the estimates behind it (:func:`asymptotic_rate`)."""

    key_rate_per_pulse: float = quantity("bit/pulse pair", "key rate R, clipped at 0")
    key_rate_raw: float = quantity("bit/pulse pair", "key rate R, unclipped")
    clipped: bool = quantity("", "True when a negative R was clipped to 0")
    s11: float = quantity("1", "single-photon-pair yield s₁₁ (lower bound, or exact for decoy='infinite')")
    e11: float = quantity("1", "single-photon-pair X-basis error rate e₁₁ (upper bound, or exact)")
    q_zz: float = quantity("1", "gain Q_zz of the zz source pair (announced BSM per pulse pair)")
    e_zz: float = quantity("1", "quantum bit-error rate E_zz of the zz source pair")


def asymptotic_rate(link: MDILink, intensities: Mapping = SYSTEM_A.intensities,
                    probabilities: Mapping = SYSTEM_A.probabilities,
                    f: float = SYSTEM_A.error_correction_efficiency,
                    decoy: DecoyMethod = "four-intensity") -> AsymptoticRate:
    """Asymptotic key rate per pulse pair of four-intensity MDI-QKD.

        R = p_z² [a₁ᶻ² s₁₁ (1 − h(e₁₁)) − f Q_zz h(E_zz)],   a₁ᶻ = z e^(−z),

    i.e. R = Q₁₁ᶻ[1 − h(e₁₁ˣ)] − f Q_zz h(E_zz) per pulse pair with Q₁₁ᶻ = p_z²a₁ᶻ²s₁₁. Negative R is
    clipped to 0 and flagged.

    Parameters
    ----------
    link : MDILink
    intensities, probabilities : mapping
        Keyed ``"z", "y", "x", "o"`` (:func:`check_protocol`).
    f : float
        Error-correction inefficiency (≥ 1).
    decoy : {"four-intensity", "lp", "infinite"}
        s₁₁ and e₁₁ from the closed-form decoy bounds, from the LP over photon-number yields
        (:func:`s11_lower_bound_lp`), or their exact values (:func:`ideal_single_photon`).

    Returns
    -------
    AsymptoticRate

    References
    ----------
    Y.-H. Zhou, Z.-W. Yu, X.-B. Wang, Phys. Rev. A 93, 042324 (2016).
    """
    mu, prob = check_protocol(intensities, probabilities)
    check_range("f", f, 1.0, np.inf)
    check_choice("decoy", decoy, DecoyMethod)
    y = expected_yields(link, mu)
    if decoy == "infinite":
        s11, e11 = ideal_single_photon(link)
    else:
        s11 = (s11_lower_bound if decoy == "four-intensity" else s11_lower_bound_lp)(y, mu)
        e11 = e11_upper_bound(y, mu, s11)
    s11 = max(s11, 0.0)
    a1z = _poisson(mu["z"], 1)
    e_zz = y["zz_err"] / y["zz"]
    raw = prob["z"] ** 2 * (a1z**2 * s11 * (1 - binary_entropy(e11)) - f * y["zz"] * binary_entropy(e_zz))
    return AsymptoticRate(key_rate_per_pulse=float(max(raw, 0.0)), key_rate_raw=float(raw), clipped=bool(raw < 0),
                          s11=float(s11), e11=float(e11), q_zz=float(y["zz"]), e_zz=float(e_zz))
