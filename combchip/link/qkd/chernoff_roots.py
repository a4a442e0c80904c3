"""Roots of the Poisson divergence D(x‖μ) = x ln(x/μ) − x + μ = L, compiled (numba), one element at a time.

Both conversions of :mod:`.finite_key` solve D = L = ln(1/ε) in log-ratio form, so large counts keep full
precision: in μ (``"mu"``, scale = x) μ = x·e^τ with g(τ) = e^τ − 1 − τ − L/x, g' = e^τ − 1; in x (``"x"``,
scale = μ) x = μ·e^τ with g(τ) = (τ − 1)e^τ + 1 − L/μ, g' = τe^τ. e^τ − 1 − τ is taken from its Taylor series
near 0 and (τ − 1)e^τ + (μ − L)/μ is used for τ < −1 (the lower x root as μ ↓ L), so nothing cancels. Each root
is found by Newton's method inside a sign-change bracket, with a bisection step wherever Newton leaves it, to
4ε·max(|τ|, 1) (ε the float precision: an absolute error in τ is a relative one in the root).
"""

from __future__ import annotations

import math

import numba
import numpy as np
from scipy.special import lambertw

_MAXITER = 400   # Newton–bisection iterations: bisection alone needs ≈ 64 to reach 4ε from a unit bracket
_TOL = 4 * np.finfo(float).eps
_MU, _X, _X_LOWER = 0, 1, 2  # which g
_jit = numba.njit(cache=True, error_model="numpy", nogil=True)


@_jit
def _expm1_minus(tau: float) -> float:
    """e^τ − 1 − τ without cancellation: its Taylor series to τ⁸ for |τ| < 0.01 (error < 1e-19 relative)."""
    if abs(tau) >= 1e-2:
        return math.expm1(tau) - tau
    series, term = 0.0, tau
    for k in range(2, 9):
        term = term * tau / k
        series = series + term
    return series


@_jit
def _g(kind: int, tau: float, c: float, margin: float) -> float:
    """g(τ) of the μ branch, of the x branch, or of the x branch's lower root (``margin`` = 1 − c exactly)."""
    if kind == _MU:
        return _expm1_minus(tau) - c
    if kind == _X_LOWER and tau < -1:
        return (tau - 1) * math.exp(tau) + margin
    return tau * math.expm1(tau) - _expm1_minus(tau) - c


@_jit
def _dg(kind: int, tau: float) -> float:
    return math.expm1(tau) if kind == _MU else tau * math.exp(tau)


@_jit
def _newton(kind: int, c: float, margin: float, low: float, high: float, tau: float) -> float:
    """The root of the monotone g in [``low``, ``high``] (a sign change across it) from ``tau``."""
    rising = _g(kind, high, c, margin) > 0
    for _ in range(_MAXITER):
        value = _g(kind, tau, c, margin)
        if value == 0:
            return tau
        if (value > 0) == rising:  # the root lies below τ
            high = tau
        else:
            low = tau
        step = tau - value / _dg(kind, tau)
        new = step if low <= step <= high else 0.5 * (low + high)  # a NaN step (g' = 0) bisects
        size = _TOL * max(abs(tau), 1.0)
        if abs(new - tau) <= size or high - low <= size:
            return new
        tau = new
    raise RuntimeError("Chernoff root finding did not converge")  # unreachable: bisection halves the bracket


@_jit
def _roots_mu(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """τ of the lower and upper μ roots for each c = L/x ≤ 10¹²."""
    lower, upper = np.empty(c.size), np.empty(c.size)
    for i in range(c.size):
        root = math.sqrt(2 * c[i])  # e^τ − 1 − τ > τ²/2 for τ > 0: above the upper root
        top = min(root, 1 + 2 * math.log1p(c[i]))
        upper[i] = _newton(_MU, c[i], 0.0, 0.0, top, top)
        bottom = -(2 + c[i])
        lower[i] = _newton(_MU, c[i], 0.0, bottom, 0.0, max(bottom, -root))
    return lower, upper


@_jit
def _roots_x(c: np.ndarray, margin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """τ of the lower (NaN where none: c ≥ 1) and upper x roots for each c = L/μ ≤ 10¹²."""
    lower, upper = np.full(c.size, np.nan), np.empty(c.size)
    for i in range(c.size):
        root = math.sqrt(2 * c[i])  # (τ − 1)e^τ + 1 > τ²/2 for τ > 0
        top = min(root, 2 + math.log1p(c[i]))
        upper[i] = _newton(_X, c[i], margin[i], 0.0, top, top)
        if c[i] < 1:  # g(−∞) = 1 − c: a lower root only for c < 1
            bottom = -1.0
            while _g(_X_LOWER, bottom, c[i], margin[i]) <= 0:
                bottom = 2 * bottom
            start = max(bottom, -math.sqrt(2 * c[i]))  # (τ − 1)e^τ + 1 < τ²/2 for τ < 0: inside the bracket
            lower[i] = _newton(_X_LOWER, c[i], margin[i], bottom, 0.0, start)
    return lower, upper


def kl_roots(scale: np.ndarray, big_l: float, branch: str) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper roots of D(x‖μ) = L for an array of positive ``scale`` (module docstring).

    ``branch`` ``"mu"``: scale = x, the roots in μ; ``"x"``: scale = μ, the roots in x (0 for a lower root that
    does not exist). For L/scale > 10¹² (scale ≪ L) the upper roots use t ≤ s + 2 ln s (μ branch, conservative;
    s = 1 + L/x) and ln(x/μ) = 1 + W₀((L/μ − 1)/e) (x branch, :func:`scipy.special.lambertw`).
    """
    scale = np.maximum(np.asarray(scale, float), 1e-300)
    c = big_l / scale
    huge = c > 1e12
    lower, upper = np.zeros(scale.shape), np.zeros(scale.shape)
    cs, ss = c[~huge], scale[~huge]
    if branch == "mu":
        tau_low, tau_up = _roots_mu(cs)
        lower[~huge], upper[~huge] = ss * np.exp(tau_low), ss * np.exp(tau_up)
        s = 1 + c[huge]
        upper[huge] = scale[huge] * s + 2 * scale[huge] * np.log(s)
        return lower, upper
    tau_low, tau_up = _roots_x(cs, (ss - big_l) / ss)  # 1 − c without cancellation
    lower[~huge], upper[~huge] = np.where(np.isnan(tau_low), 0.0, ss * np.exp(tau_low)), ss * np.exp(tau_up)
    upper[huge] = np.exp(np.log(scale[huge]) + 1 + lambertw((c[huge] - 1) / np.e, 0).real)
    return lower, upper
