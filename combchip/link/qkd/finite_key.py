"""Finite-key four-intensity MDI-QKD with multiplicative Chernoff bounds and joint constraints.

Statistics. For a sum X of independent Bernoulli trials (or a Poisson variable) of mean μ, the
multiplicative Chernoff bounds Pr[X ≥ (1 + δ)μ] ≤ [e^δ/(1 + δ)^(1+δ)]^μ and
Pr[X ≤ (1 − δ)μ] ≤ [e^(−δ)/(1 − δ)^(1−δ)]^μ both read Pr ≤ exp[−D(x‖μ)] with x = (1 ± δ)μ and

    D(x‖μ) = x ln(x/μ) − x + μ.

Setting D = ln(1/ε) gives the two conversions (Zhang et al. 2017, their δ₁, δ₂ functions):

- observed → expected: μᴸ = x/(1 + δ₁), μᵁ = x/(1 − δ₂), the roots of D(x‖μ) = ln(1/ε) in μ:
  μ = x·t, t − ln t = 1 + ln(1/ε)/x (t = −W₀(−e^(−1−ln(1/ε)/x)) lower, −W₋₁(…) upper, W Lambert's);
- expected → observed: xᴸ, xᵁ, the roots in x: x = μ·u, u ln u − u + 1 = ln(1/ε)/μ (xᴸ = 0 when
  μ ≤ ln(1/ε)).

The roots are found with :func:`scipy.optimize.brentq` in log-ratio form, which keeps full precision
for counts up to 10¹⁵ where the Lambert-W forms lose it near their branch point. Each bound fails with
probability at most ε.

Key length (the form of Jiang et al. 2021 for four-intensity MDI-QKD):

    ℓ = n₁₁ᶻ [1 − h(e₁₁^ph)] − λ_EC − log₂(2/ε_cor) − 2 log₂(1/(√2 ε_PA ε̂)),   λ_EC = f n_zz h(E_zz).

The decoy inequalities (:func:`combchip.link.qkd.mdi.decoy_coefficients`) make s(ν) ≤ s₁₁ and t(ν) ≥ s₁₁e₁₁
linear functions of the *expected* counts ν of the X-basis observables; ν is unknown but lies, except
with probability (number of statements)·ε, in the polytope P cut out by the Chernoff bounds of the
observed counts. Two ways of using P:

- ``method="separate"`` (Zhou, Yu & Wang 2016; Jiang et al. 2021): s₁₁ᴸ = min_P s, (s₁₁e₁₁)ᵁ = max_P t,
  each a linear program (:func:`scipy.optimize.linprog`). With ``joint_constraints`` the observables
  whose coefficients share a sign are also bounded through every partial sum of their counts
  ("joint constraints"), tighter than bounding each alone. Then ⟨n₁₁ᶻ⟩ = N p_z²a₁ᶻ² s₁₁ᴸ,
  n₁₁ᶻ = xᴸ(⟨n₁₁ᶻ⟩), and, single-photon pairs being basis independent, the phase errors among them
  number at most xᵁ(N p_z²a₁ᶻ² (s₁₁e₁₁)ᵁ), giving e₁₁^ph.
- ``method="joint"`` (default): the worst cases of s₁₁ and of s₁₁e₁₁ need opposite values of the shared
  vacuum counts (xo + ox, oo) and cannot both happen. The single-photon term is minimized over P as a
  whole, G(ν) = F(A s(ν) − Δ_L, A t(ν) + Δ_U) with F(n, m) = n[1 − h(m/n)], A = N p_z²a₁ᶻ², and
  Δ_L, Δ_U the expected→observed Chernoff margins taken at the largest A·s, A·t in P. F is the
  perspective of the convex 1 − h, so G is convex: SLSQP finds its minimum, and the first-order bound
  G(ν̂) + min_P ∇G(ν̂)·(ν − ν̂) (a linear program) certifies it from below. ``joint_constraints`` adds
  two-sided bounds on every partial sum of counts of disjoint events.

Both are rigorous lower bounds on ℓ given the same statements; "joint" is never smaller. The security
parameter is at most ε_cor + ε_PA + 2ε̂ + (number of Chernoff statements)·ε; :func:`estimate_from_counts`
reports the count and that sum.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike
from scipy.optimize import brentq, linprog, minimize
from scipy.special import lambertw

from ...systems.published import SYSTEM_A
from ...validation import check_choice, check_positive, check_range
from ..records import quantity
from .bounds import _check_array, _maybe_scalar, plob
from .channel import BSM, Detector, Encoding, MDILink
from .mdi import (
    X_OBSERVABLES,
    _poisson,
    asymptotic_rate,
    binary_entropy,
    check_protocol,
    decoy_coefficients,
    expected_counts,
    pulse_pairs,
)

COUNT_KEYS = ("zz", "zz_err", "xx", "xx_err", "yy", "xo+ox", "yo+oy", "oo")
Method = Literal["joint", "separate"]
"""How the finite-key estimate uses the Chernoff polytope (module docstring)."""
_MAXITER = 400   # Brent's iterations: bisection alone needs ≈ 64 to reach 4ε from a unit bracket


def _check_eps(eps: float, name: str = "eps") -> float:
    return check_range(name, eps, 0.0, 1.0, low_open=True, high_open=True)


def _expm1_minus(tau):
    """e^τ − 1 − τ without cancellation: its Taylor series to τ⁸ for |τ| < 0.01 (error < 1e-19 relative)."""
    if abs(tau) < 1e-2:
        term, total = tau, 0.0
        for k in range(2, 9):
            term *= tau / k
            total += term
        return total
    return np.expm1(tau) - tau


def _kl_root(scale, big_l, branch):
    """Roots of the Poisson divergence D(x‖μ) = x ln(x/μ) − x + μ = L, by Brent's method in log-ratio form.

    ``"mu"``: μ = x·e^τ with e^τ − 1 − τ = L/x; ``"x"``: x = μ·e^τ with (τ − 1)e^τ + 1 = L/μ. Both are
    evaluated without cancellation (expm1), so large counts keep full precision. For L/scale > 10¹²
    (scale ≪ L) the upper roots use t ≤ s + 2 ln s (μ branch, conservative; s = 1 + L/x) and
    ln(x/μ) = 1 + W₀((L/μ − 1)/e) (x branch, :func:`scipy.special.lambertw`). Returns the lower and upper
    root (not the ratio); 0 for a lower root that does not exist.
    """
    scale = max(scale, 1e-300)
    c = big_l / scale
    rtol = 4 * np.finfo(float).eps
    if branch == "mu":
        if c > 1e12:
            s = 1 + c
            return 0.0, scale * s + 2 * scale * np.log(s)
        g = lambda tau: _expm1_minus(tau) - c  # noqa: E731
        lower = scale * np.exp(brentq(g, -(2 + c), 0.0, xtol=1e-300, rtol=rtol, maxiter=_MAXITER))
        return lower, scale * np.exp(brentq(g, 0.0, 1 + 2 * np.log1p(c), xtol=1e-300, rtol=rtol, maxiter=_MAXITER))
    if c > 1e12:
        return 0.0, float(np.exp(np.log(scale) + 1 + lambertw((c - 1) / np.e, 0).real))
    g = lambda tau: tau * np.expm1(tau) - _expm1_minus(tau) - c  # noqa: E731
    lower = 0.0
    if c < 1:
        low = -1.0
        while g(low) <= 0:
            low *= 2
        lower = scale * np.exp(brentq(g, low, 0.0, xtol=1e-300, rtol=rtol, maxiter=_MAXITER))
    return lower, scale * np.exp(brentq(g, 0.0, 2 + np.log1p(c), xtol=1e-300, rtol=rtol, maxiter=_MAXITER))


def chernoff_expected(observed: ArrayLike, eps: float) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Bounds (μᴸ, μᵁ) on the expected value μ of an observed count x, each failing with probability ≤ ε.

    μᴸ = x/(1 + δ₁), μᵁ = x/(1 − δ₂): the roots in μ of x ln(x/μ) − x + μ = ln(1/ε) (equivalently
    μ = −x·W_k(−e^(−1−ln(1/ε)/x)), k = 0, −1); x = 0 gives (0, ln(1/ε)).

    References
    ----------
    Z. Zhang, Q. Zhao, M. Razavi, X. Ma, Phys. Rev. A 95, 012333 (2017) (δ₁, δ₂ of the Chernoff bound).
    """
    x = _check_array("observed", observed, 0.0, np.inf)
    big_l = np.log(1 / _check_eps(eps))
    lower, upper = np.zeros(x.shape), np.full(x.shape, big_l)
    for index in zip(*np.nonzero(x > 0)) if x.ndim else ([()] if x > 0 else []):
        lower[index], upper[index] = _kl_root(x[index], big_l, "mu")
    return _maybe_scalar(lower), _maybe_scalar(upper)


def chernoff_observed(expected: ArrayLike, eps: float) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Bounds (xᴸ, xᵁ) on the observed value of a count of expected value μ, each failing with probability ≤ ε.

    The roots in x of x ln(x/μ) − x + μ = ln(1/ε) (equivalently x = μ·exp[1 + W_k((ln(1/ε)/μ − 1)/e)],
    k = −1, 0); xᴸ = 0 when μ ≤ ln(1/ε), and μ = 0 gives (0, 0).

    References
    ----------
    Z. Zhang, Q. Zhao, M. Razavi, X. Ma, Phys. Rev. A 95, 012333 (2017).
    """
    mu = _check_array("expected", expected, 0.0, np.inf)
    big_l = np.log(1 / _check_eps(eps))
    lower, upper = np.zeros(mu.shape), np.zeros(mu.shape)
    for index in zip(*np.nonzero(mu > 0)) if mu.ndim else ([()] if mu > 0 else []):
        lower[index], upper[index] = _kl_root(mu[index], big_l, "x")
    return _maybe_scalar(lower), _maybe_scalar(upper)


def _worst_case(weights: Mapping, observed: Mapping, eps: float, joint: bool) -> tuple[float, int]:
    """min Σ w_k⟨n_k⟩ over the expected counts allowed by the Chernoff bounds of the observed counts.

    Positive weights get lower bounds, negative ones upper bounds, on every partial sum of their group
    if ``joint`` (else on each count alone). Returns the minimum and the number of statements used.
    """
    keys = [k for k, w in weights.items() if w != 0]
    groups = [[k for k in keys if weights[k] > 0], [k for k in keys if weights[k] < 0]]
    rows, rhs = [], []
    for sign, group in zip((1, -1), groups):
        sizes = range(1, len(group) + 1) if joint else (1,)
        for subset in (s for r in sizes for s in itertools.combinations(group, r)):
            lower, upper = chernoff_expected(sum(observed[k] for k in subset), eps)
            rows.append([-sign if k in subset else 0.0 for k in keys])
            rhs.append(-lower if sign > 0 else upper)
    if not rows:
        return 0.0, 0
    c = np.array([weights[k] for k in keys])
    scale = np.max(np.abs(c))
    result = linprog(c / scale, A_ub=np.array(rows), b_ub=np.array(rhs), bounds=(0, None), method="highs")
    if not result.success:
        raise RuntimeError(f"joint-constraint LP failed: {result.message}")
    return float(result.fun * scale), len(rows)


def _polytope(keys, observed, eps, joint):
    """A ν ≤ b for expected counts ν within the two-sided Chernoff bounds of every count (``joint``: of
    every partial sum of counts of disjoint events too). Returns (A, b, number of statements)."""
    rows, rhs = [], []
    sizes = range(1, len(keys) + 1) if joint else (1,)
    for subset in (s for r in sizes for s in itertools.combinations(keys, r)):
        if "xx" in subset and "xx_err" in subset:  # not disjoint events: no Bernoulli sum
            continue
        lower, upper = chernoff_expected(sum(observed[k] for k in subset), eps)
        row = np.array([1.0 if k in subset else 0.0 for k in keys])
        rows += [row, -row]
        rhs += [upper, -lower]
    return np.array(rows), np.array(rhs), len(rows)


def _single_photon_term(n, m):
    """F(n, m) = n[1 − h(min(m/n, 1/2))] for n > 0, else 0, and its gradient; convex for m ≥ 0."""
    if n <= 0:
        return 0.0, np.zeros(2)
    e = min(max(m / n, 0.0), 0.5)
    if e >= 0.5:
        return 0.0, np.zeros(2)
    value = n * (1 - binary_entropy(e))
    if e == 0:
        return value, np.array([1.0, -np.inf])
    return value, np.array([1 + np.log2(1 - e), np.log2(e / (1 - e))])


@dataclass(frozen=True)
class _SinglePhotonBound:
    """Worst case of the single-photon key term n₁₁ᶻ[1 − h(e₁₁^ph)] [bit], at the point (s₁₁, s₁₁e₁₁)."""

    key: float
    n11_z: float
    e11_ph: float
    s11: float
    s11e11: float
    statements: int
    infeasible: bool = False


def _separate_worst_case(single_z, s11, se11, eps, statements) -> _SinglePhotonBound:
    """n₁₁ᶻ = xᴸ(A s₁₁ᴸ) and e₁₁^ph = xᵁ(A (s₁₁e₁₁)ᵁ)/n₁₁ᶻ, A = N p_z²a₁ᶻ² (``single_z``), from separate bounds."""
    n11 = float(chernoff_observed(single_z * s11, eps)[0])
    phase_errors = chernoff_observed(single_z * se11, eps)[1]
    e11_ph = float(min(phase_errors / n11, 0.5)) if n11 > 0 else 0.5
    return _SinglePhotonBound(n11 * (1 - binary_entropy(e11_ph)), n11, e11_ph, s11, se11, statements + 2)


def _joint_worst_case(c, pairs, mu, eps, joint) -> _SinglePhotonBound:
    """Minimum of the single-photon key term over all expected counts allowed by the Chernoff bounds.

    G(ν) = F(A s(ν) − Δ_L, A t(ν) + Δ_U), s and t the linear decoy bounds on s₁₁ and s₁₁e₁₁, A = N p_z²a₁ᶻ²,
    Δ_L = μ − xᴸ(μ) at the largest A·s and Δ_U = xᵁ(μ) − μ at the largest A·t over the polytope (both
    grow with μ, so they cover every point). F is the perspective of the convex 1 − h, hence G is convex
    on the polytope ∩ {t ≥ 0} (t ≥ 0 holds at the true expected values); after SLSQP the first-order
    bound G(ν̂) + min_ν ∇G(ν̂)·(ν − ν̂) (a linear program) certifies the minimum from below.
    """
    keys = list(X_OBSERVABLES) + ["xx_err"]
    coeff_s11, coeff_se11 = decoy_coefficients(mu)
    ws = np.array([coeff_s11.get(k, 0.0) / pairs[k] for k in keys])
    we = np.array([coeff_se11.get(k, 0.0) / pairs[k] for k in keys])
    a_ub, b_ub, statements = _polytope(keys, c, eps, joint)
    err, tot = keys.index("xx_err"), keys.index("xx")
    extra = np.zeros((2, len(keys)))
    extra[0, err], extra[0, tot] = 1.0, -1.0  # ⟨T_xx⟩ ≤ ⟨n_xx⟩
    extra[1] = -we  # t(ν) ≥ 0
    a_ub, b_ub = np.vstack([a_ub, extra]), np.concatenate([b_ub, [0.0, 0.0]])
    scale = np.maximum(np.array([max(c[k], 1.0) for k in keys]), 1.0)
    a_scaled = a_ub * scale

    def lp(objective):
        result = linprog(objective * scale, A_ub=a_scaled, b_ub=b_ub, bounds=(0, None), method="highs")
        if result.status == 2:
            return None
        if not result.success:
            raise RuntimeError(f"finite-key LP failed: {result.message}")
        return result.x * scale, float(result.fun)

    if lp(np.zeros(len(keys))) is None:
        # no expected counts are consistent with the data and t ≥ 0: the estimation fails, no key
        return _SinglePhotonBound(0.0, 0.0, 0.5, 0.0, 0.0, statements + 2, infeasible=True)
    big_a = pairs["zz"] * _poisson(mu["z"], 1) ** 2
    s_max = max(-lp(-ws)[1], 0.0)
    t_max = max(-lp(-we)[1], 0.0)
    delta_l = big_a * s_max - chernoff_observed(big_a * s_max, eps)[0]
    delta_u = chernoff_observed(big_a * t_max, eps)[1] - big_a * t_max

    def g(nu):
        value, grad = _single_photon_term(big_a * (ws @ nu) - delta_l, big_a * (we @ nu) + delta_u)
        return value, big_a * (np.nan_to_num(grad[0]) * ws + np.nan_to_num(grad[1], neginf=-1e3) * we)

    start = np.array([float(np.clip(c[k], 0.0, None)) for k in keys])
    value0 = abs(g(start)[0]) or 1.0
    result = minimize(lambda y: g(y * scale)[0] / value0, start / scale, jac=lambda y: g(y * scale)[1] * scale / value0,
                      method="SLSQP", constraints=[{"type": "ineq", "fun": lambda y: b_ub - a_scaled @ y,
                                                    "jac": lambda y: -a_scaled}],
                      bounds=[(0, None)] * len(keys), options={"maxiter": 500, "ftol": 1e-12})
    nu = result.x * scale
    value, grad = g(nu)
    exact_slope = np.all(np.isfinite(_single_photon_term(big_a * (ws @ nu) - delta_l, big_a * (we @ nu) + delta_u)[1]))
    # the linearization bounds a convex function from below only with its true (finite) slope; else keep 0
    bound = min(value, value + lp(grad)[1] - float(grad @ nu)) if value > 0 and exact_slope else 0.0
    s, t = float(ws @ nu), float(we @ nu)
    n11, m11 = big_a * s - delta_l, big_a * t + delta_u
    return _SinglePhotonBound(max(bound, 0.0), n11, min(m11 / n11, 0.5) if n11 > 0 else 0.5, s, t, statements + 2)


def key_length(n11: float, e11_ph: float, n_zz: float, e_zz: float, *,
               f: float = SYSTEM_A.error_correction_efficiency, eps_cor: float = SYSTEM_A.eps,
               eps_pa: float = SYSTEM_A.eps, eps_hat: float = SYSTEM_A.eps) -> float:
    """ℓ = n₁₁[1 − h(e₁₁^ph)] − f n_zz h(E_zz) − log₂(2/ε_cor) − 2 log₂(1/(√2 ε_PA ε̂)) [bit], unclipped.

    References
    ----------
    C. Jiang, Z.-W. Yu, X.-L. Hu, X.-B. Wang, Phys. Rev. A 103, 012402 (2021).
    """
    for name, value in (("eps_cor", eps_cor), ("eps_pa", eps_pa), ("eps_hat", eps_hat)):
        _check_eps(value, name)
    return float(n11 * (1 - binary_entropy(e11_ph)) - f * n_zz * binary_entropy(e_zz)
                 - _finite_size_cost(eps_cor, eps_pa, eps_hat))


def _finite_size_cost(eps_cor: float, eps_pa: float, eps_hat: float) -> float:
    """log₂(2/ε_cor) + 2 log₂(1/(√2 ε_PA ε̂)) [bit], for error verification and privacy amplification."""
    return float(np.log2(2 / eps_cor) + 2 * np.log2(1 / (np.sqrt(2) * eps_pa * eps_hat)))


def _check_counts(counts: Mapping) -> dict[str, float]:
    if not isinstance(counts, Mapping):
        raise ValueError(f"counts must be a mapping, got {counts!r}")
    counts = dict(counts)
    for key, parts in (("xo+ox", ("xo", "ox")), ("yo+oy", ("yo", "oy"))):
        if key not in counts and all(p in counts for p in parts):
            counts[key] = counts.pop(parts[0]) + counts.pop(parts[1])
    missing = [k for k in COUNT_KEYS if k not in counts]
    if missing:
        raise ValueError(f"counts is missing {missing}; it needs {COUNT_KEYS}")
    out = {k: check_range(f"counts[{k!r}]", counts[k], 0.0, np.inf) for k in COUNT_KEYS}
    for k in ("zz", "xx"):
        if out[f"{k}_err"] > out[k]:
            raise ValueError(f"counts[{k + '_err'!r}] = {out[k + '_err']} exceeds counts[{k!r}] = {out[k]}")
    return out


@dataclass(frozen=True)
class FiniteKeyEstimate:
    """Finite-key estimate of four-intensity MDI-QKD (:func:`estimate_from_counts`, :func:`finite_key_rate`).

    ``s11`` and ``e11_x`` are the separate bounds (min s₁₁ and max s₁₁e₁₁ over the polytope); the values that
    enter ℓ are ``n11_z``, ``e11_ph``, ``s11_used`` and ``s11e11_used`` (for "joint" the worst-case point).
    """

    s11: float = quantity("1", "lower bound on the expected single-photon-pair yield s₁₁ (per pulse pair)")
    e11_x: float = quantity("1", "upper bound on e₁₁, max s₁₁e₁₁ / min s₁₁, at most 1/2")
    n11_z: float = quantity("1", "number of zz single-photon-pair events n₁₁ᶻ (lower bound)")
    e11_ph: float = quantity("1", "phase-error rate e₁₁^ph of those events (upper bound)")
    s11_used: float = quantity("1", "s₁₁ at the point that bounds ℓ")
    s11e11_used: float = quantity("1", "s₁₁e₁₁ at the point that bounds ℓ")
    n_zz: float = quantity("1", "number of zz detections")
    e_zz: float = quantity("1", "quantum bit-error rate E_zz of the zz detections")
    leak_ec: float = quantity("bit", "error-correction leakage λ_EC = f n_zz h(E_zz)")
    key_length: float = quantity("bit", "key length ℓ, unclipped")
    key_rate_per_pulse: float = quantity("bit/pulse pair", "max(ℓ, 0)/N")
    clipped: bool = quantity("", "True when a negative ℓ was clipped to 0")
    warning: str | None = quantity("", "why the key was clipped, else None")
    n_statements: int = quantity("1", "number of Chernoff statements, each failing with probability ε")
    eps_total: float = quantity("1", "security parameter ε_cor + ε_PA + 2ε̂ + n_statements·ε")
    method: Method = quantity("", "'joint' or 'separate'")
    joint_constraints: bool = quantity("", "whether partial sums of counts were bounded too")
    key_rate: float | None = quantity("bit/s", "key_rate_per_pulse × repetition_rate; None without a rate", None)


def estimate_from_counts(counts: Mapping, total_pulse_pairs: float, intensities: Mapping, probabilities: Mapping,
                         eps: float = SYSTEM_A.eps, f: float = SYSTEM_A.error_correction_efficiency, *,
                         method: Method = "joint", joint_constraints: bool = True, eps_cor: float | None = None,
                         eps_pa: float | None = None, eps_hat: float | None = None,
                         repetition_rate: float | None = None) -> FiniteKeyEstimate:
    """Finite-key estimation of four-intensity MDI-QKD from observed counts.

    ℓ = n₁₁ᶻ[1 − h(e₁₁^ph)] − f n_zz h(E_zz) − log₂(2/ε_cor) − 2 log₂(1/(√2 ε_PA ε̂)), with n₁₁ᶻ and
    e₁₁^ph from the decoy bounds on the Chernoff polytope of the X-basis counts (module docstring).
    N_k = N p_α p_β pulse pairs are taken to have been sent with source pair αβ.

    Parameters
    ----------
    counts : mapping
        Detections (announced BSM events): ``"zz", "xx", "yy", "oo"``, the symmetric sums
        ``"xo+ox", "yo+oy"`` (or their four parts), and the error counts ``"zz_err", "xx_err"``.
    total_pulse_pairs : float
        N, pulse pairs sent.
    intensities, probabilities : mapping
        Keyed ``"z", "y", "x", "o"`` (:func:`combchip.link.qkd.mdi.check_protocol`).
    eps : float
        Failure probability of each Chernoff bound, in (0, 1); also the default ε_cor, ε_PA, ε̂.
    f : float
        Error-correction inefficiency (≥ 1).
    method : {"joint", "separate"}
        Worst case of the whole single-photon key term, or separate bounds on s₁₁ and e₁₁.
    joint_constraints : bool
        Also bound partial sums of counts (else each count alone).
    eps_cor, eps_pa, eps_hat : float, optional
        Correctness, privacy-amplification and smoothing parameters (default ``eps``).
    repetition_rate : float, optional
        Pulse-pair rate [Hz]; sets ``key_rate`` [bit/s].

    Returns
    -------
    FiniteKeyEstimate

    References
    ----------
    C. Jiang, Z.-W. Yu, X.-L. Hu, X.-B. Wang, Phys. Rev. A 103, 012402 (2021).
    """
    c = _check_counts(counts)
    mu, prob = check_protocol(intensities, probabilities)
    n_total = check_positive("total_pulse_pairs", total_pulse_pairs)
    eps = _check_eps(eps)
    check_range("f", f, 1.0, np.inf)
    check_choice("method", method, Method)
    eps_cor, eps_pa, eps_hat = (eps if v is None else _check_eps(v, name)
                                for v, name in ((eps_cor, "eps_cor"), (eps_pa, "eps_pa"), (eps_hat, "eps_hat")))
    if repetition_rate is not None:
        check_positive("repetition_rate", repetition_rate, "Hz")

    pairs = pulse_pairs(n_total, prob)
    coeff_s11, coeff_se11 = decoy_coefficients(mu)
    s11, k1 = _worst_case({k: coeff_s11[k] / pairs[k] for k in X_OBSERVABLES}, c, eps, joint_constraints)
    neg_se11, k2 = _worst_case({k: -w / pairs[k] for k, w in coeff_se11.items()}, c, eps, joint_constraints)
    s11 = max(s11, 0.0)
    se11 = min(max(-neg_se11, 0.0), s11 / 2) if s11 > 0 else 0.0
    if method == "separate":
        worst = _separate_worst_case(pairs["zz"] * _poisson(mu["z"], 1) ** 2, s11, se11, eps, k1 + k2)
    else:
        worst = _joint_worst_case(c, pairs, mu, eps, joint_constraints)
    e_zz = c["zz_err"] / c["zz"] if c["zz"] > 0 else 0.0
    leak = f * c["zz"] * binary_entropy(e_zz)
    length = float(worst.key - leak - _finite_size_cost(eps_cor, eps_pa, eps_hat))
    rate = max(length, 0.0) / n_total
    return FiniteKeyEstimate(
        s11=s11, e11_x=se11 / s11 if s11 > 0 else 0.5, n11_z=float(worst.n11_z), e11_ph=float(worst.e11_ph),
        s11_used=worst.s11, s11e11_used=worst.s11e11, n_zz=c["zz"], e_zz=e_zz, leak_ec=float(leak),
        key_length=length, key_rate_per_pulse=rate, clipped=length < 0, warning=_clip_warning(length, worst.infeasible),
        n_statements=worst.statements, eps_total=eps_cor + eps_pa + 2 * eps_hat + worst.statements * eps,
        method=method, joint_constraints=joint_constraints,
        key_rate=None if repetition_rate is None else rate * repetition_rate,
    )


def _clip_warning(length: float, infeasible: bool) -> str | None:
    """Why a key length ``length`` [bit] < 0 was clipped to zero; None for a key."""
    if length >= 0:
        return None
    reason = " (no expected counts fit the data with s₁₁e₁₁ ≥ 0: estimation failed)" if infeasible else ""
    return f"negative key length {length:.4g} bit clipped to 0: no secure key from these counts{reason}"


def finite_key_rate(link: MDILink, intensities: Mapping, probabilities: Mapping, total_pulse_pairs: float, *,
                    eps: float = SYSTEM_A.eps, f: float = SYSTEM_A.error_correction_efficiency,
                    method: Method = "joint", joint_constraints: bool = True,
                    repetition_rate: float | None = None) -> FiniteKeyEstimate:
    """Finite-key rate of ``link``: :func:`estimate_from_counts` of the model's expected counts.

    The usual simulation convention: the observed counts are set to their expected values
    (:func:`combchip.link.qkd.mdi.expected_counts`).
    """
    counts = expected_counts(link, intensities, probabilities, total_pulse_pairs)
    return estimate_from_counts(counts, total_pulse_pairs, intensities, probabilities, eps, f, method=method,
                                joint_constraints=joint_constraints, repetition_rate=repetition_rate)


def rate_vs_loss(loss_db: ArrayLike, detector: Detector, *, v_hom: float, e_d_z: float = 0.0,
                 intensities: Mapping = SYSTEM_A.intensities, probabilities: Mapping = SYSTEM_A.probabilities,
                 f: float = SYSTEM_A.error_correction_efficiency, total_pulse_pairs: float | None = None,
                 eps: float = SYSTEM_A.eps, encoding: Encoding = "time-bin", bsm: BSM | None = None) -> xr.Dataset:
    """Key rate per pulse pair against the user-to-user channel loss [dB], split equally between the users.

    Holds the asymptotic rate (:func:`combchip.link.qkd.mdi.asymptotic_rate`, closed-form decoy bounds and
    infinite decoys), the finite-key rate (:func:`finite_key_rate`) when ``total_pulse_pairs`` is given, and
    PLOB −log₂(1 − η_aη_b) of the end-to-end transmittance.
    """
    loss = np.atleast_1d(_check_array("loss_db", loss_db, 0.0, np.inf, "dB"))
    names = ["asymptotic", "infinite_decoy"] + (["finite"] if total_pulse_pairs is not None else [])
    rates = {k: np.zeros(loss.size) for k in names}
    eta = np.zeros(loss.size)
    for i, total in enumerate(loss):
        link = MDILink.from_losses(total / 2, total / 2, detector, v_hom=v_hom, e_d_z=e_d_z, encoding=encoding,
                                   bsm=bsm)
        eta[i] = link.eta_a * link.eta_b
        rates["asymptotic"][i] = asymptotic_rate(link, intensities, probabilities, f).key_rate_per_pulse
        rates["infinite_decoy"][i] = asymptotic_rate(link, intensities, probabilities, f,
                                                     decoy="infinite").key_rate_per_pulse
        if total_pulse_pairs is not None:
            rates["finite"][i] = finite_key_rate(link, intensities, probabilities, total_pulse_pairs, eps=eps,
                                                 f=f).key_rate_per_pulse
    data = {f"rate_{k}": ("loss_db", v, {"units": "bit/pulse pair", "long_name": f"{k} key rate"})
            for k, v in rates.items()}
    data["plob"] = ("loss_db", plob(eta), {"units": "bit/pulse pair", "long_name": "PLOB bound of η_aη_b"})
    data["eta"] = ("loss_db", eta, {"units": "1", "long_name": "end-to-end transmittance η_aη_b"})
    attrs = {"detector_efficiency": detector.efficiency, "dark_count_probability": detector.dark_count_probability,
             "v_hom": v_hom, "e_d_z": e_d_z, "f": f, "eps": eps, "encoding": encoding,
             "total_pulse_pairs": np.nan if total_pulse_pairs is None else float(total_pulse_pairs),
             **{f"intensity_{k}": float(v) for k, v in intensities.items()},
             **{f"probability_{k}": float(v) for k, v in probabilities.items()}}
    return xr.Dataset(data, coords={"loss_db": ("loss_db", loss, {"units": "dB", "long_name": "user-to-user loss"})},
                      attrs=attrs)
