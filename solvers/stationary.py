"""Stationary states of the normalized LLE: CW branch, MI gain and Newton-refined pulses.

Stationary LLE in a frame moving at angular velocity v (Herr et al., Nat. Photon. 8, 145 (2014)):

    0 = −(l_μ + iζ)ψ − i·IFFT[d_int·FFT ψ] + i|ψ|²ψ + f + v ∂ψ/∂θ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from numpy.typing import ArrayLike

Branch = Literal["lower", "middle", "upper"]
"""Root of the CW branch f² = ρ[1 + (ζ − ρ)²], in ascending ρ."""


def cw_branch(f2: ArrayLike, zeta: ArrayLike) -> np.ndarray:
    """Real roots ρ = |ψ|² of the CW branch f² = ρ[1 + (ζ − ρ)²].

    Parameters
    ----------
    f2, zeta : float or array_like
        Normalized pump power f² (≥ 0) and detuning ζ, broadcast together.

    Returns
    -------
    ndarray, shape (..., 3)
        Roots in ascending order; NaN where a root is complex. Three real roots
        (bistability) need ζ > √3.
    """
    f2, zeta = np.broadcast_arrays(np.asarray(f2, dtype=float), np.asarray(zeta, dtype=float))
    if np.any(f2 < 0) or not np.all(np.isfinite(f2)):
        raise ValueError("f2 must be finite and >= 0")
    if not np.all(np.isfinite(zeta)):
        raise ValueError("zeta must be finite")
    companion = np.zeros(f2.shape + (3, 3))
    companion[..., 0, 0] = 2 * zeta
    companion[..., 0, 1] = -(1 + zeta**2)
    companion[..., 0, 2] = f2
    companion[..., 1, 0] = 1.0
    companion[..., 2, 1] = 1.0
    roots = np.linalg.eigvals(companion)
    scale = 1.0 + np.abs(roots)
    real = np.where(np.abs(roots.imag) <= 1e-7 * scale, roots.real, np.nan)
    return np.sort(real, axis=-1)


def cw_state(f: float, zeta: float, branch: Branch = "lower") -> complex:
    """CW field ψ = f/(1 + i(ζ − ρ)) on the ``lower``, ``middle`` or ``upper`` branch.

    The solvers import nothing of combchip, so ``branch`` is checked here rather than by
    ``combchip.validation.check_choice``, with the same message.
    """
    allowed = get_args(Branch)
    if branch not in allowed:
        raise ValueError(f"branch = {branch!r} is not allowed; allowed: {', '.join(map(repr, allowed))}")
    roots = cw_branch(f * f, zeta)
    real = roots[~np.isnan(roots)]
    if branch != "lower" and real.size < 3:
        raise ValueError(f"no {branch} CW branch at zeta={zeta}, f={f}: the branch is single-valued there")
    return f / (1 + 1j * (zeta - real[allowed.index(branch)]))


def mi_gain(rho: ArrayLike, zeta: ArrayLike, d_plus: ArrayLike, d_minus: ArrayLike | None = None) -> np.ndarray:
    """Growth rate of sidebands ±μ on a CW state of power ρ (normalized time units).

    λ(μ) = −1 + Re √(ρ² − (ζ − 2ρ + (d_μ + d_−μ)/2)²), the real part of the linearized
    eigenvalue; the MI threshold is ρ = 1 (Godey et al., PRA 89, 063814 (2014)).

    Parameters
    ----------
    rho : float
        CW intracavity power |ψ₀|².
    zeta : float
        Detuning.
    d_plus, d_minus : array_like
        d_int(μ) and d_int(−μ); ``d_minus`` defaults to ``d_plus`` (even dispersion).
    """
    if np.any(np.asarray(rho) < 0):
        raise ValueError(f"rho must be >= 0, got {rho}")
    d_plus = np.asarray(d_plus, dtype=float)
    d_minus = d_plus if d_minus is None else np.asarray(d_minus, dtype=float)
    mismatch = zeta - 2 * rho + 0.5 * (d_plus + d_minus)
    return -1.0 + np.sqrt(np.maximum(rho**2 - mismatch**2, 0.0))


def _theta(modes):
    return -np.pi + 2 * np.pi * np.arange(modes) / modes


def soliton_guess(f: float, zeta: float, d2: float, modes: int) -> np.ndarray:
    """Bright soliton on the lower CW state: ψ_bg + √(2ζ)·sech(√(2ζ/d₂)θ)·e^{iφ₀}, cos φ₀ = √(8ζ)/(πf)."""
    if d2 <= 0:
        raise ValueError(f"d2 must be > 0 (anomalous dispersion) for a bright soliton, got {d2}")
    if zeta <= 0:
        raise ValueError(f"zeta must be > 0 for a bright soliton, got {zeta}")
    phase = np.arccos(min(1.0, np.sqrt(8 * zeta) / (np.pi * f))) if f > 0 else 0.0
    background = cw_state(f, zeta, "lower")
    return background + np.sqrt(2 * zeta) / np.cosh(np.sqrt(2 * zeta / d2) * _theta(modes)) * np.exp(1j * phase)


def dark_pulse_guess(f: float, zeta: float, d2: float, modes: int, width: float) -> np.ndarray:
    """Dark pulse: the upper CW state with a dip of ``width`` (rad) to the lower one, fronts √|d₂| wide."""
    if d2 >= 0:
        raise ValueError(f"d2 must be < 0 (normal dispersion) for a dark pulse, got {d2}")
    if not 0 < width < 2 * np.pi:
        raise ValueError(f"width must lie in (0, 2π) rad, got {width}")
    upper, lower = cw_state(f, zeta, "upper"), cw_state(f, zeta, "lower")
    theta = _theta(modes)
    front = np.sqrt(abs(d2))
    dip = 0.5 * (np.tanh((theta + width / 2) / front) - np.tanh((theta - width / 2) / front))
    return upper + (lower - upper) * dip


@dataclass(frozen=True, eq=False)
class StationaryState:
    """A Newton-refined stationary state.

    Attributes
    ----------
    field : ndarray
        ψ(θ) on θ_j = −π + 2πj/N.
    velocity : float
        Drift v (rad per normalized time) of the co-moving frame.
    residual : float
        Max |RHS| at the solution.
    iterations : int
    max_growth : float or None
        Largest real part of the linearization, the translation (Goldstone) mode removed;
        < 0 means stable. None if stability was not asked for.
    """

    field: np.ndarray
    velocity: float
    residual: float
    iterations: int
    max_growth: float | None

    @property
    def spectrum(self) -> np.ndarray:
        """|ψ_μ|² in FFT mode order."""
        return np.abs(np.fft.fft(self.field) / self.field.size) ** 2


def _fourier_operator(symbol):
    """Dense complex matrix of ψ ↦ IFFT[symbol·FFT ψ]."""
    n = symbol.size
    return np.fft.ifft(symbol[:, None] * np.fft.fft(np.eye(n), axis=0), axis=0)


def _real_block(matrix):
    return np.block([[matrix.real, -matrix.imag], [matrix.imag, matrix.real]])


def newton_stationary(initial: ArrayLike, f: float, zeta: float, d_int: ArrayLike, loss: float | ArrayLike = 1.0, *,
                      tol: float = 1e-10, max_iter: int = 40, stability: bool = True) -> StationaryState:
    """Refine a stationary soliton or dark pulse by Newton's method.

    Solves the stationary LLE for ψ and the drift v with the bordering constraint
    ⟨∂ψ/∂θ, δψ⟩ = 0 that removes the translation freedom (dense real Jacobian, 2N + 1 unknowns).

    Parameters
    ----------
    initial : array_like, shape (N,)
        Starting field, e.g. from :func:`soliton_guess` or :func:`dark_pulse_guess`.
    f, zeta : float
        Drive and detuning.
    d_int : array_like, shape (N,)
        Normalized integrated dispersion in FFT mode order.
    loss : float or array_like
        l_μ = κ_μ/κ.
    stability : bool
        Also return the largest growth rate of the linearization.
    """
    psi = np.asarray(initial, dtype=complex).copy()
    n = psi.size
    d_int = np.asarray(d_int, dtype=float)
    if d_int.shape != (n,):
        raise ValueError(f"d_int must have shape ({n},), got {d_int.shape}")
    mu = np.fft.fftfreq(n, 1.0 / n)
    loss = np.broadcast_to(np.asarray(loss, dtype=float), (n,))
    linear = _fourier_operator(-(loss + 1j * d_int)) - 1j * zeta * np.eye(n)
    derivative = _fourier_operator(1j * mu)
    velocity = 0.0

    def rhs(field, v):
        return linear @ field + 1j * np.abs(field) ** 2 * field + f + v * (derivative @ field)

    def jacobian(field, v):
        power = np.abs(field) ** 2
        d_re = 1j * (2 * power + field**2)
        d_im = field**2 - 2 * power
        nonlinear = np.block([[np.diag(d_re.real), np.diag(d_im.real)], [np.diag(d_re.imag), np.diag(d_im.imag)]])
        return _real_block(linear + v * derivative) + nonlinear

    residual = np.inf
    for iteration in range(1, max_iter + 1):
        slope = derivative @ psi
        tangent = np.r_[slope.real, slope.imag]
        system = np.zeros((2 * n + 1, 2 * n + 1))
        system[: 2 * n, : 2 * n] = jacobian(psi, velocity)
        system[: 2 * n, 2 * n] = tangent
        system[2 * n, : 2 * n] = tangent
        value = rhs(psi, velocity)
        step = np.linalg.solve(system, -np.r_[value.real, value.imag, 0.0])
        psi = psi + step[:n] + 1j * step[n : 2 * n]
        velocity += step[2 * n]
        residual = np.max(np.abs(rhs(psi, velocity)))
        if not np.isfinite(residual):
            break
        if residual < tol:
            break
    if not residual < tol:
        raise RuntimeError(
            f"Newton did not converge (residual {residual:.3g} after {iteration} iterations); "
            "start from a closer initial field or change zeta"
        )
    growth = None
    if stability:
        eig = np.linalg.eigvals(jacobian(psi, velocity))
        eig = np.delete(eig, np.argmin(np.abs(eig)))
        growth = float(eig.real.max())
    return StationaryState(psi, float(velocity), float(residual), iteration, growth)
