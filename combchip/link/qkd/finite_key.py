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

The roots are found by bracketed Newton iteration in log-ratio form (:mod:`.chernoff_roots`, compiled); it keeps full
precision for counts up to 10¹⁵ where the Lambert-W forms lose it near their branch point. Each bound fails with
probability at most ε.

Key length (the form of Jiang et al. 2021 for four-intensity MDI-QKD):

    ℓ = n₁₁ᶻ [1 − h(e₁₁^ph)] − λ_EC − log₂(2/ε_cor) − 2 log₂(1/(√2 ε_PA ε̂)),   λ_EC = f n_zz h(E_zz).

The decoy inequalities (:func:`combchip.link.qkd.mdi.decoy_coefficients`) make s(ν) ≤ s₁₁ and t(ν) ≥ s₁₁e₁₁
linear functions of the *expected* counts ν of the X-basis observables; ν is unknown but lies, except
with probability (number of statements)·ε, in the polytope P cut out by the Chernoff bounds of the
observed counts. Two ways of using P:

- ``method="separate"`` (Zhou, Yu & Wang 2016; Jiang et al. 2021): s₁₁ᴸ = min_P s, (s₁₁e₁₁)ᵁ = max_P t,
  each a linear program (HiGHS, :mod:`.lp`, status checked). Then ⟨n₁₁ᶻ⟩ = N p_z²a₁ᶻ² s₁₁ᴸ,
  n₁₁ᶻ = xᴸ(⟨n₁₁ᶻ⟩), and, single-photon pairs being basis independent, the phase errors among them
  number at most xᵁ(N p_z²a₁ᶻ² (s₁₁e₁₁)ᵁ), giving e₁₁^ph.
- ``method="joint"`` (default): the worst cases of s₁₁ and of s₁₁e₁₁ need opposite values of the shared
  vacuum counts (xo + ox, oo) and cannot both happen. The single-photon term is minimized over P as a
  whole: G(ν) = F(xᴸ(A s(ν)), xᵁ(A t(ν))), F(n, m) = n[1 − h(min(m/n, 1/2))], A = N p^A_z p^B_z a^z_1 b^z_1 (p_z²a₁ᶻ² for equal sides). F is the
  perspective of the convex 1 − h, rising in n and falling in m; xᴸ is convex and xᵁ concave; so G is convex.
  Kelley's cutting planes (LPs over P of the maximum of supporting planes of G) bound min_P G from below,
  the best point verified to lie in P from above; ℓ is built from the lower bound, and the gap is returned.
  Since s ≥ s₁₁ᴸ and t ≤ (s₁₁e₁₁)ᵁ on P, the separate term is a lower bound too: "joint" is never smaller.

With per-side settings (asymmetric MDI-QKD) the one-sided counts xo, ox, yo, oy enter separately; a weakest
decoy o > 0 enters exactly (:func:`combchip.link.qkd.mdi.decoy_weights`).

P holds the two-sided Chernoff bounds of every count and, with ``joint_constraints``, of every partial sum
of counts of disjoint events ("joint constraints"), plus ⟨T_xx⟩ ≤ ⟨n_xx⟩ and t(ν) ≥ 0 (both true at the
true expected counts). When P is empty the estimation fails (``status`` "infeasible"): no key, no numbers.

Both are rigorous lower bounds on ℓ given the same statements. The security parameter is at most
ε_cor + ε_PA + 2ε̂ + (number of Chernoff statements)·ε; :func:`estimate_from_counts` reports the count and
that sum.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike
from scipy.optimize import brentq

from ...systems.published import SYSTEM_A
from ...validation import check_choice, check_positive, check_range
from ..records import quantity
from .bounds import _check_array, _maybe_scalar, plob
from .channel import BSM, Detector, Encoding, MDILink
from .chernoff_roots import kl_roots
from .lp import PolytopeLP
from .mdi import (
    MDISettings,
    _poisson,
    asymptotic_rate,
    binary_entropy,
    check_sides,
    expected_counts,
    pulse_pairs,
    settings_coefficients,
)

Method = Literal["joint", "separate"]
"""How the finite-key estimate uses the Chernoff polytope (module docstring)."""
CertificateStatus = Literal["certified", "gap_open", "infeasible"]
"""Outcome of the worst-case search over the Chernoff polytope (:class:`FiniteKeyEstimate` ``status``)."""
_MIN_EPS = 1e-30
_MAX_PULSE_PAIRS = 1e18  # 3 years at 10 GHz; beyond it the LP data pass HiGHS's infinity (1e20)
_GAP_RTOL = 1e-7  # relative gap at which the cutting planes stop (the key is built from the lower bound)
_MAX_CUTS = 200
_FEASIBILITY_TOL = 1e-9  # accepted violation of a unit-normalized polytope row


def _check_eps(eps: float, name: str = "eps") -> float:
    """ε in [10⁻³⁰, 1): a failure probability; smaller values (below 2⁻⁹⁹) are no security target anyone states."""
    return check_range(name, eps, _MIN_EPS, 1.0, high_open=True)


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
    positive = x > 0
    lower[positive], upper[positive] = kl_roots(x[positive], big_l, "mu")
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
    positive = mu > 0
    lower[positive], upper[positive] = kl_roots(mu[positive], big_l, "x")
    return _maybe_scalar(lower), _maybe_scalar(upper)


def _polytope(keys, observed, eps, joint):
    """A ν ≤ b for expected counts ν within the two-sided Chernoff bounds of every count (``joint``: of
    every partial sum of counts of disjoint events too). Returns (A, b, number of statements)."""
    sizes = range(1, len(keys) + 1) if joint else (1,)
    subsets = [s for r in sizes for s in itertools.combinations(keys, r)
               if not ("xx" in s and "xx_err" in s)]  # not disjoint events: no Bernoulli sum
    rows = np.array([[1.0 if k in subset else 0.0 for k in keys] for subset in subsets])
    lower, upper = chernoff_expected(rows @ np.array([observed[k] for k in keys], dtype=float), eps)
    return np.vstack([rows, -rows]), np.concatenate([upper, -lower]), 2 * len(subsets)


@dataclass(frozen=True)
class _Estimation:
    """P = {ν ≥ 0 : A ν ≤ b} over the expected X-basis counts ν (keys: the X-basis observables and ``"xx_err"``), with the linear decoy
    bounds s(ν) = w_s·ν ≤ s₁₁ and t(ν) = w_t·ν ≥ s₁₁e₁₁. The LPs work in y = (ν − c)/W, c the observed counts
    and W their Chernoff widths, with rows normalized to unit size, so that HiGHS's tolerances are relative
    to the statistical widths however large the counts."""

    a_y: np.ndarray
    b_y: np.ndarray
    s_c: float  # s(c)
    t_c: float  # t(c)
    ws_y: np.ndarray  # w_s W
    we_y: np.ndarray  # w_t W
    y_min: np.ndarray  # −c/W: ν ≥ 0
    statements: int
    lp: PolytopeLP = field(init=False, repr=False, compare=False)

    def s(self, y) -> float:
        return float(self.s_c + self.ws_y @ y)

    def t(self, y) -> float:
        return float(self.t_c + self.we_y @ y)

    def __post_init__(self):
        object.__setattr__(self, "lp", PolytopeLP(self.a_y, self.b_y, self.y_min))

    def solve(self, objective):
        """min objective·y over P: (y, optimal value), or None if P is empty."""
        unit = max(np.max(np.abs(objective)), np.finfo(float).tiny)
        solution = self.lp.minimize(objective / unit)
        return None if solution is None else (solution[0], solution[1] * unit)

    def contains(self, y) -> bool:
        """Whether y ∈ P, up to ``_FEASIBILITY_TOL`` in the unit rows and widths."""
        return bool(np.all(y >= self.y_min - _FEASIBILITY_TOL)
                    and np.all(self.a_y @ y - self.b_y <= _FEASIBILITY_TOL))


def _estimation(c, pairs, settings: MDISettings, eps, joint) -> _Estimation:
    """The polytope of :func:`_polytope` on the X-basis observables of ``settings`` and ``"xx_err"``, plus
    ⟨T_xx⟩ ≤ ⟨n_xx⟩ and t(ν) ≥ 0 (true at the true expected counts: s₁₁e₁₁ ≥ 0), and the decoy weights of
    :func:`combchip.link.qkd.mdi.settings_coefficients`."""
    keys = [*settings.observables, "xx_err"]
    coeff_s11, coeff_se11 = settings_coefficients(settings)
    ws = np.array([coeff_s11.get(k, 0.0) / pairs[k] for k in keys])
    we = np.array([coeff_se11.get(k, 0.0) / pairs[k] for k in keys])
    a_ub, b_ub, statements = _polytope(keys, c, eps, joint)
    extra = np.zeros((2, len(keys)))
    extra[0, keys.index("xx_err")], extra[0, keys.index("xx")] = 1.0, -1.0
    extra[1] = -we / np.max(np.abs(we))
    a_ub, b_ub = np.vstack([a_ub, extra]), np.concatenate([b_ub, [0.0, 0.0]])
    center = np.array([c[k] for k in keys])
    low, high = chernoff_expected(center, eps)
    width = high - low
    a_y, b_y = a_ub * width, b_ub - a_ub @ center
    norm = np.max(np.abs(a_y), axis=1)
    return _Estimation(a_y / norm[:, None], b_y / norm, float(ws @ center), float(we @ center), ws * width,
                       we * width, -center / width, statements)


def _single_photon_term(n, m):
    """F(n, m) = n[1 − h(min(m/n, 1/2))] [bit] for n > 0, else 0 (m ≥ 0)."""
    return float(n * (1 - binary_entropy(min(m / n, 0.5)))) if n > 0 else 0.0


def _observed_slope(x, mu):
    """Slope dx/dμ = (u − 1)/ln u, u = x/μ, of a root x of D(x‖μ) = ln(1/ε) (:func:`chernoff_observed`, implicit
    differentiation); 0 where x = 0 (xᴸ = 0)."""
    if x <= 0 or mu <= 0:
        return 0.0
    r = np.log(x) - np.log(mu)
    return float(np.expm1(r) / r) if r != 0 else 1.0


@dataclass(frozen=True)
class _SinglePhotonBound:
    """Worst case of the single-photon key term n₁₁ᶻ[1 − h(e₁₁^ph)] [bit] over P."""

    lower: float  # certified lower bound: what enters ℓ
    upper: float  # the term at the best feasible point found
    n11_z: float
    e11_ph: float  # with n11_z, reproduces ``lower``: n₁₁ᶻ[1 − h(e₁₁^ph)] = lower
    s11: float
    s11e11: float
    iterations: int
    status: CertificateStatus


def _consistent_error_rate(n11, key_term):
    """e ∈ [0, 1/2] with n₁₁[1 − h(e)] = ``key_term`` (0 ≤ key_term ≤ n₁₁); 1/2 for n₁₁ = 0."""
    if n11 <= 0 or key_term <= 0:
        return 0.5
    ratio = key_term / n11
    if ratio >= 1:
        return 0.0
    return float(brentq(lambda e: 1 - binary_entropy(e) - ratio, 0.0, 0.5, xtol=1e-15, rtol=1e-15))


def _separate_worst_case(big_a, s11, se11, eps) -> _SinglePhotonBound:
    """n₁₁ᶻ = xᴸ(A s₁₁ᴸ), phase errors xᵁ(A (s₁₁e₁₁)ᵁ), A = N p_z²a₁ᶻ² (``big_a``); the LPs are exact."""
    n11 = float(chernoff_observed(big_a * s11, eps)[0])
    phase_errors = float(chernoff_observed(big_a * se11, eps)[1])
    key = _single_photon_term(n11, phase_errors)
    e11_ph = min(phase_errors / n11, 0.5) if n11 > 0 else 0.5
    return _SinglePhotonBound(key, key, n11, e11_ph, s11, se11, 0, "certified")


def _joint_worst_case(problem: _Estimation, big_a, eps, starts, floor: float) -> _SinglePhotonBound:
    """Certified minimum over P of G(ν) = F(xᴸ(A s(ν)), xᵁ(A t(ν))), F(n, m) = n[1 − h(min(m/n, 1/2))].

    F = sup over e₀ ∈ (0, 1/2] of the planes α n + β m, α = 1 + log₂(1 − e₀) ≥ 0, β = log₂(e₀/(1 − e₀)) ≤ 0
    (the perspective of 1 − h), xᴸ is convex and xᵁ concave in μ (perspectives of the inverse branches of
    u ln u − u + 1), so α xᴸ(·) + β xᵁ(·) linearized at any point (tangents below xᴸ, above xᵁ) is a global
    under-estimator of the convex G. Kelley's cutting planes: the LP min_P max_k cut_k is a lower bound,
    the least G at a point verified to lie in P an upper bound; iterate until they agree to ``_GAP_RTOL``.
    ``floor`` [bit] is a lower bound known beforehand (the separate bound); ``starts`` are points y of P.

    References
    ----------
    J. E. Kelley, J. Soc. Ind. Appl. Math. 8, 703 (1960).
    """
    tiny = 1e-12 * max(big_a * max(problem.t(y) for y in starts), 1.0)

    def value_and_cut(y):
        """G(y) and the cut g·(y' − y) + const ≤ G(y') for every y' (the planes above)."""
        s, t = problem.s(y), problem.t(y)
        mu_t = max(big_a * t, tiny)  # xᵁ has an infinite slope at 0: linearize just above it
        mu = np.array([big_a * max(s, 0.0), big_a * max(t, 0.0), mu_t])
        lows, highs = chernoff_observed(mu, eps)
        n, m, m_t = float(lows[0]), float(highs[1]), float(highs[2])
        dn, dm = _observed_slope(n, mu[0]), _observed_slope(m_t, mu_t)
        e0 = min(max(m / n, 1e-300), 0.5) if n > 0 else 0.5
        alpha, beta = 1 + np.log2(1 - e0), np.log2(e0 / (1 - e0))
        gradient = big_a * (alpha * dn * problem.ws_y + beta * dm * problem.we_y)
        return _single_photon_term(n, m), gradient, alpha * n + beta * (m_t + dm * (big_a * t - mu_t))

    evaluated = [(y, *value_and_cut(y)) for y in starts]
    upper, best = min(((v, y) for y, v, _, _ in evaluated if problem.contains(y)), default=(np.inf, starts[0]),
                      key=lambda pair: pair[0])
    spread = max(max(v for _, v, _, _ in evaluated) - floor, _GAP_RTOL * max(floor, 1.0))  # unit of z
    cuts, rhs = [], []

    def add(y, gradient, const):
        cuts.append(gradient / spread)  # g·y − (G − floor)/spread ≤ g·y_k − const + floor
        rhs.append((gradient @ y - const + floor) / spread)

    for y, _, gradient, const in evaluated:
        add(y, gradient, const)
    lower, iterations = floor, 0
    while upper - lower > _GAP_RTOL * max(upper, 1.0) and iterations < _MAX_CUTS:
        iterations += 1
        y, z = problem.lp.minimize_level(np.array(cuts), np.array(rhs))
        lower = max(lower, floor + spread * z)
        value, gradient, const = value_and_cut(y)
        if value < upper and problem.contains(y):
            upper, best = value, y
        add(y, gradient, const)
    lower = min(lower, upper)
    status = "certified" if upper - lower <= _GAP_RTOL * max(upper, 1.0) else "gap_open"
    s, t = problem.s(best), problem.t(best)
    n11 = float(chernoff_observed(big_a * max(s, 0.0), eps)[0])
    return _SinglePhotonBound(lower, upper, n11, _consistent_error_rate(n11, lower), s, t, iterations, status)


def key_length(n11: float, e11_ph: float, n_zz: float, e_zz: float, *,
               f: float = SYSTEM_A.error_correction_efficiency, eps_cor: float = SYSTEM_A.eps,
               eps_pa: float = SYSTEM_A.eps, eps_hat: float = SYSTEM_A.eps) -> float:
    """ℓ = n₁₁[1 − h(e₁₁^ph)] − f n_zz h(E_zz) − log₂(2/ε_cor) − 2 log₂(1/(√2 ε_PA ε̂)) [bit], unclipped.

    e₁₁^ph must lie in [0, 1/2] (a phase-error bound above 1/2 is capped there by its caller); E_zz in
    [0, 1] (h is symmetric: a QBER above 1/2 costs what its complement does).

    References
    ----------
    C. Jiang, Z.-W. Yu, X.-L. Hu, X.-B. Wang, Phys. Rev. A 103, 012402 (2021).
    """
    check_range("n11", n11, 0.0, np.inf)
    check_range("e11_ph", e11_ph, 0.0, 0.5)
    check_range("n_zz", n_zz, 0.0, np.inf)
    check_range("e_zz", e_zz, 0.0, 1.0)
    check_range("f", f, 1.0, np.inf)
    for name, value in (("eps_cor", eps_cor), ("eps_pa", eps_pa), ("eps_hat", eps_hat)):
        _check_eps(value, name)
    return float(n11 * (1 - binary_entropy(e11_ph)) - f * n_zz * binary_entropy(e_zz)
                 - _finite_size_cost(eps_cor, eps_pa, eps_hat))


def _finite_size_cost(eps_cor: float, eps_pa: float, eps_hat: float) -> float:
    """log₂(2/ε_cor) + 2 log₂(1/(√2 ε_PA ε̂)) [bit], for error verification and privacy amplification."""
    return float(np.log2(2 / eps_cor) + 2 * np.log2(1 / (np.sqrt(2) * eps_pa * eps_hat)))


def _check_counts(counts: Mapping, pairs: Mapping, settings: MDISettings) -> dict[str, float]:
    """Counts as floats; each at most the pulse pairs sent with its setting (both orders for "αo+oα")."""
    if not isinstance(counts, Mapping):
        raise ValueError(f"counts must be a mapping, got {counts!r}")
    counts = dict(counts)
    keys = settings.count_keys
    for key, parts in (("xo+ox", ("xo", "ox")), ("yo+oy", ("yo", "oy"))):
        if key in keys and key not in counts and all(p in counts for p in parts):
            counts[key] = counts.pop(parts[0]) + counts.pop(parts[1])
    missing = [k for k in keys if k not in counts]
    if missing:
        raise ValueError(f"counts is missing {missing}; this protocol needs {keys}")
    out = {k: check_range(f"counts[{k!r}]", counts[k], 0.0, (2 if "+" in k else 1) * pairs[k]) for k in keys}
    for k in ("zz", "xx"):
        if out[f"{k}_err"] > out[k]:
            raise ValueError(f"counts[{k + '_err'!r}] = {out[k + '_err']} exceeds counts[{k!r}] = {out[k]}")
    return out


@dataclass(frozen=True)
class FiniteKeyEstimate:
    """Finite-key estimate of four-intensity MDI-QKD (:func:`estimate_from_counts`, :func:`finite_key_rate`).

    ``s11`` and ``e11_x`` are the separate bounds (min s₁₁ and max s₁₁e₁₁ over the polytope); ``n11_z`` and
    ``e11_ph`` reproduce the certified single-photon term that enters ℓ (:func:`key_length` of them gives
    ``key_length``); ``s11_used`` and ``s11e11_used`` are the worst-case point. With ``status`` "infeasible"
    no expected counts fit the data: the estimates are NaN, and the key is 0.
    """

    s11: float = quantity("1", "lower bound on the expected single-photon-pair yield s₁₁ (per pulse pair)")
    e11_x: float = quantity("1", "upper bound on e₁₁, max s₁₁e₁₁ / min s₁₁, at most 1/2")
    n11_z: float = quantity("1", "number of zz single-photon-pair events n₁₁ᶻ (lower bound)")
    e11_ph: float = quantity("1", "phase-error rate e₁₁^ph of those events (upper bound), in [0, 1/2]")
    s11_used: float = quantity("1", "s₁₁ at the point that bounds ℓ")
    s11e11_used: float = quantity("1", "s₁₁e₁₁ at the point that bounds ℓ")
    n_zz: float = quantity("1", "number of zz detections")
    e_zz: float = quantity("1", "quantum bit-error rate E_zz of the zz detections")
    leak_ec: float = quantity("bit", "error-correction leakage λ_EC = f n_zz h(E_zz)")
    key_length: float = quantity("bit", "key length ℓ from the certified lower bound, unclipped; NaN if infeasible")
    key_rate_per_pulse: float = quantity("bit/pulse pair", "max(ℓ, 0)/N (0 if infeasible)")
    clipped: bool = quantity("", "True when a negative ℓ was clipped to 0")
    warning: str | None = quantity("", "why there is no key, or why the bound is loose; else None")
    n_statements: int = quantity("1", "number of Chernoff statements, each failing with probability ε")
    eps_total: float = quantity("1", "security parameter ε_cor + ε_PA + 2ε̂ + n_statements·ε")
    method: Method = quantity("", "'joint' or 'separate'")
    joint_constraints: bool = quantity("", "whether partial sums of counts were bounded too")
    status: CertificateStatus = quantity("", "'certified', 'gap_open' (lower bound valid, gap not closed) or "
                                             "'infeasible' (no expected counts fit the data)")
    certificate_gap: float = quantity("bit", "upper − certified lower bound of the single-photon key term")
    iterations: int = quantity("1", "cutting-plane LPs solved ('joint'; 0 for 'separate')")
    key_rate: float | None = quantity("bit/s", "key_rate_per_pulse × repetition_rate; None without a rate", None)


def estimate_from_counts(counts: Mapping, total_pulse_pairs: float, intensities: Mapping, probabilities: Mapping,
                         eps: float = SYSTEM_A.eps, f: float = SYSTEM_A.error_correction_efficiency, *,
                         method: Method = "joint", joint_constraints: bool = True, eps_cor: float | None = None,
                         eps_pa: float | None = None, eps_hat: float | None = None,
                         repetition_rate: float | None = None) -> FiniteKeyEstimate:
    """Finite-key estimation of four-intensity MDI-QKD from observed counts.

    ℓ = n₁₁ᶻ[1 − h(e₁₁^ph)] − f n_zz h(E_zz) − log₂(2/ε_cor) − 2 log₂(1/(√2 ε_PA ε̂)), with the single-photon
    term bounded from below over the Chernoff polytope of the X-basis counts (module docstring).
    N_k = N p_α p_β pulse pairs are taken to have been sent with source pair αβ.

    Parameters
    ----------
    counts : mapping
        Detections (announced BSM events): ``"zz", "xx", "yy", "oo"``, the one-sided ``"xo", "ox", "yo",
        "oy"`` (Alice's source first; for a symmetric protocol their sums ``"xo+ox", "yo+oy"`` or the parts),
        and the error counts ``"zz_err", "xx_err"``; each at most the pulse pairs sent with its setting.
    total_pulse_pairs : float
        N, pulse pairs sent, in (0, 10¹⁸].
    intensities, probabilities : mapping
        Keyed ``"z", "y", "x", "o"`` for both sides or ``"alice", "bob"`` per side, o ≥ 0
        (:func:`combchip.link.qkd.mdi.check_sides`).
    eps : float
        Failure probability of each Chernoff bound, in [10⁻³⁰, 1); also the default ε_cor, ε_PA, ε̂.
    f : float
        Error-correction inefficiency (≥ 1).
    method : {"joint", "separate"}
        Certified worst case of the whole single-photon key term, or separate bounds on s₁₁ and e₁₁.
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
    settings = check_sides(intensities, probabilities)
    n_total = check_range("total_pulse_pairs", total_pulse_pairs, 0.0, _MAX_PULSE_PAIRS, low_open=True)
    pairs = pulse_pairs(n_total, settings.probabilities)
    c = _check_counts(counts, pairs, settings)
    eps = _check_eps(eps)
    check_range("f", f, 1.0, np.inf)
    check_choice("method", method, Method)
    eps_cor, eps_pa, eps_hat = (eps if v is None else _check_eps(v, name)
                                for v, name in ((eps_cor, "eps_cor"), (eps_pa, "eps_pa"), (eps_hat, "eps_hat")))
    if repetition_rate is not None:
        check_positive("repetition_rate", repetition_rate, "Hz")

    problem = _estimation(c, pairs, settings, eps, joint_constraints)
    e_zz = c["zz_err"] / c["zz"] if c["zz"] > 0 else 0.0
    leak = f * c["zz"] * binary_entropy(e_zz)
    statements = problem.statements + 2
    common = dict(n_zz=c["zz"], e_zz=e_zz, leak_ec=float(leak), n_statements=statements,
                  eps_total=eps_cor + eps_pa + 2 * eps_hat + statements * eps, method=method,
                  joint_constraints=joint_constraints)
    s_min = problem.solve(problem.ws_y)
    if s_min is None:
        nan = float("nan")
        return FiniteKeyEstimate(
            s11=nan, e11_x=nan, n11_z=nan, e11_ph=nan, s11_used=nan, s11e11_used=nan, key_length=nan,
            key_rate_per_pulse=0.0, clipped=False, status="infeasible", certificate_gap=nan, iterations=0,
            warning="no key: no expected counts fit these counts with s₁₁e₁₁ ≥ 0 (a Chernoff statement failed, "
                    "or the counts do not come from this protocol); estimation failed",
            key_rate=None if repetition_rate is None else 0.0, **common)
    t_max = problem.solve(-problem.we_y)
    s11, se11 = max(problem.s(s_min[0]), 0.0), max(problem.t(t_max[0]), 0.0)
    big_a = pairs["zz"] * _poisson(settings.intensities_a["z"], 1) * _poisson(settings.intensities_b["z"], 1)
    worst = _separate_worst_case(big_a, s11, se11, eps)
    if method == "joint":
        s_max = problem.solve(-problem.ws_y)[0]
        worst = _joint_worst_case(problem, big_a, eps, [s_min[0], t_max[0], s_max], worst.lower)
    length = float(worst.lower - leak - _finite_size_cost(eps_cor, eps_pa, eps_hat))
    rate = max(length, 0.0) / n_total
    return FiniteKeyEstimate(
        s11=s11, e11_x=min(se11 / s11, 0.5) if s11 > 0 else 0.5, n11_z=worst.n11_z, e11_ph=worst.e11_ph,
        s11_used=worst.s11, s11e11_used=worst.s11e11, key_length=length, key_rate_per_pulse=rate,
        clipped=length < 0, warning=_warning(length, worst), status=worst.status,
        certificate_gap=float(worst.upper - worst.lower), iterations=worst.iterations,
        key_rate=None if repetition_rate is None else rate * repetition_rate, **common)


def _warning(length: float, worst: _SinglePhotonBound) -> str | None:
    """Why a key length ``length`` [bit] < 0 was clipped to zero, or why the bound may be loose; else None."""
    notes = []
    if length < 0:
        notes.append(f"negative key length {length:.4g} bit clipped to 0: no secure key from these counts")
    if worst.status == "gap_open":
        notes.append(f"cutting planes stopped after {worst.iterations} LPs with a gap of "
                     f"{worst.upper - worst.lower:.4g} bit: ℓ uses the certified lower bound")
    return "; ".join(notes) or None


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
