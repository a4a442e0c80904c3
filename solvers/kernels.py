"""numba kernels of the split-step LLE: all O(N) work of one step, no Python per mode.

Both kernels are element-wise and vectorize; reductions (powers, peaks) are taken only at
the trace samples, outside the hot loop.
"""

from __future__ import annotations

import numba
import numpy as np

_FASTMATH = {"nsz", "arcp", "contract", "afn", "reassoc"}
"""Reassociation and reciprocal tricks only: NaN and Inf keep their meaning, so divergence stays detectable."""

_jit = numba.njit(fastmath=_FASTMATH, error_model="numpy", cache=True, nogil=True)


@_jit
def kerr_step(field: np.ndarray, zeta: np.ndarray, k: int, h: float) -> None:
    """Kerr and detuning substep ψ ← R(p)ψ with p = (|ψ|² − ζ)h, for row b using ``zeta[k, b]``.

    R(p) = (1 + ip/2)/(1 − ip/2) is the Cayley (unitary, second-order) approximant of e^{ip}.
    """
    rows, n = field.shape
    for b in range(rows):
        z = zeta[k, b]
        for j in range(n):
            v = field[b, j]
            p = (v.real * v.real + v.imag * v.imag - z) * h
            q = 0.25 * p * p
            inv = 1.0 / (1.0 + q)
            c = (1.0 - q) * inv
            s = p * inv
            field[b, j] = complex(v.real * c - v.imag * s, v.real * s + v.imag * c)


@_jit
def linear_step(raw: np.ndarray, spec: np.ndarray, lin: np.ndarray, coef: np.ndarray, drive: np.ndarray) -> None:
    """Finish one Strang step and start the next in the Fourier domain.

    With a_μ = l_μ + i·d_int(μ) the exact linear flow over h/2 is
    ψ_μ ← E_μ ψ_μ + δ_μ0 F, E_μ = e^{−a_μ h/2}, F = f(1 − E_0)/a_0.
    ``coef`` rows are (E/N, E): ``raw`` is the unnormalized FFT, ``spec`` receives the state at
    the end of the step and ``lin`` the next half step.
    """
    rows, n = raw.shape
    for b in range(rows):
        for j in range(n):
            v = raw[b, j] * coef[0, j]
            spec[b, j] = v
            lin[b, j] = v * coef[1, j]
        spec[b, 0] += drive[b]
        lin[b, 0] = spec[b, 0] * coef[1, 0] + drive[b]


@_jit
def half_step(spec: np.ndarray, out: np.ndarray, half: np.ndarray, drive: np.ndarray) -> None:
    """``out`` = E·``spec`` + δ_μ0 F: the opening half step of the linear flow."""
    rows, n = spec.shape
    for b in range(rows):
        for j in range(n):
            out[b, j] = spec[b, j] * half[j]
        out[b, 0] += drive[b]
