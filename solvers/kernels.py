"""numba kernels of the split-step LLE: all O(N) work of one step, no Python per mode.

The step kernels are element-wise and vectorize; reductions (powers, peaks) are taken only at
the trace samples, outside the hot loop. :func:`steps` and :func:`coupled_steps` run whole
stretches of steps in one compiled loop, calling FFTW's ``fftw_execute_dft`` (bound by
:mod:`.fftw_c`) between the kernels, so no step returns to Python.
"""

from __future__ import annotations

import numba
import numpy as np

_FASTMATH = {"nsz", "arcp", "contract", "afn", "reassoc"}
"""Reassociation and reciprocal tricks only: NaN and Inf keep their meaning, so divergence stays detectable."""

_jit = numba.njit(fastmath=_FASTMATH, error_model="numpy", cache=True, nogil=True)


@_jit
def _rotate_row(field: np.ndarray, b: int, z: float, h: float) -> None:
    """ψ ← R(p)ψ on row ``b`` with p = (|ψ|² − z)h and R(p) = (1 + ip/2)/(1 − ip/2)."""
    for j in range(field.shape[1]):
        v = field[b, j]
        p = (v.real * v.real + v.imag * v.imag - z) * h
        q = 0.25 * p * p
        inv = 1.0 / (1.0 + q)
        c = (1.0 - q) * inv
        s = p * inv
        field[b, j] = complex(v.real * c - v.imag * s, v.real * s + v.imag * c)


@_jit
def kerr_step(field: np.ndarray, zeta: np.ndarray, k: int, h: float) -> None:
    """Kerr and detuning substep ψ ← R(p)ψ with p = (|ψ|² − ζ)h, for row b using ``zeta[k, b]``.

    R(p) = (1 + ip/2)/(1 − ip/2) is the Cayley (unitary, second-order) approximant of e^{ip}.
    """
    for b in range(field.shape[0]):
        _rotate_row(field, b, zeta[k, b], h)


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
def advance(raw: np.ndarray, lin: np.ndarray, coef: np.ndarray, drive: np.ndarray) -> None:
    """:func:`linear_step` without storing the end-of-step state: only ``lin``, the same numbers, for inner steps."""
    rows, n = raw.shape
    for b in range(rows):
        for j in range(n):
            lin[b, j] = raw[b, j] * coef[0, j] * coef[1, j]
        lin[b, 0] = (raw[b, 0] * coef[0, 0] + drive[b]) * coef[1, 0] + drive[b]


@_jit
def half_step(spec: np.ndarray, out: np.ndarray, half: np.ndarray, drive: np.ndarray) -> None:
    """``out`` = E·``spec`` + δ_μ0 F: the opening half step of the linear flow."""
    rows, n = spec.shape
    for b in range(rows):
        for j in range(n):
            out[b, j] = spec[b, j] * half[j]
        out[b, 0] += drive[b]


@_jit
def coupled_kerr_step(field: np.ndarray, zeta: np.ndarray, aux_zeta: np.ndarray, k: int, h: float,
                      shift: np.ndarray, aux: np.ndarray, aux_par: np.ndarray, acc: np.ndarray,
                      offset: np.ndarray) -> None:
    """Kerr substep of ψ with the thermal shift x and, if ``aux_par[2]`` ≠ 0, one full step of the aux mode b.

    |ψ(θ)|² and |b|² are invariant under the Kerr rotations, so the midpoint powers P = ⟨|ψ|²⟩ and
    B = |b|² (after b's first linear half step) make the coupled splitting symmetric (Strang, O(h²)):

    * b ← L_b(h/2) R((B + 2P)h) L_b(h/2) b, with the exact linear flow L_b of −(l_b + i(ζ_b + x))b + f_b;
    * ψ ← R((|ψ|² − ζ − x + 2B)h) ψ.

    ``aux_par`` = (l_b, f_b, on); ``acc[b]`` accumulates (P, B) for the block average of the heat;
    ``offset[b]`` receives x − 2B, the shift of ζ felt by ψ.
    """
    rows, n = field.shape
    for b in range(rows):
        total = 0.0
        for j in range(n):
            v = field[b, j]
            total += v.real * v.real + v.imag * v.imag
        power = total / n
        cross = 0.0
        if aux_par[2] != 0.0:
            a = complex(aux_par[0], aux_zeta[k, b] + shift[b])
            e = np.exp(-a * (0.5 * h))
            drive = aux_par[1] * (1.0 - e) / a
            w = aux[b] * e + drive
            cross = w.real * w.real + w.imag * w.imag
            p = (cross + 2.0 * power) * h
            q = 0.25 * p * p
            inv = 1.0 / (1.0 + q)
            w = w * complex((1.0 - q) * inv, p * inv)
            aux[b] = w * e + drive
        acc[b, 0] += power
        acc[b, 1] += cross
        z = zeta[k, b] + shift[b] - 2.0 * cross
        offset[b] = shift[b] - 2.0 * cross
        _rotate_row(field, b, z, h)


@_jit
def steps(execute, backward: int, forward: int, lin: np.ndarray, fld: np.ndarray, raw: np.ndarray, spec: np.ndarray,
          coef: np.ndarray, drive: np.ndarray, zeta: np.ndarray, first: int, count: int, h: float) -> None:
    """``count`` Strang steps with ``zeta[first:first + count]``: backward FFT, Kerr, forward FFT, linear.

    ``execute`` is ``fftw_execute_dft``; ``backward``/``forward`` are FFTW plans (addresses) of the group's shape.
    ``spec`` (the end-of-step state) is written only after the last step.
    """
    for k in range(first, first + count):
        execute(backward, lin.ctypes, fld.ctypes)
        kerr_step(fld, zeta, k, h)
        execute(forward, fld.ctypes, raw.ctypes)
        if k < first + count - 1:
            advance(raw, lin, coef, drive)
        else:
            linear_step(raw, spec, lin, coef, drive)


@_jit
def coupled_steps(execute, backward: int, forward: int, lin: np.ndarray, fld: np.ndarray, raw: np.ndarray,
                  spec: np.ndarray, coef: np.ndarray, drive: np.ndarray, zeta: np.ndarray, aux_zeta: np.ndarray,
                  first: int, count: int, h: float, shift: np.ndarray, aux: np.ndarray, aux_par: np.ndarray,
                  acc: np.ndarray, offset: np.ndarray) -> None:
    """As :func:`steps`, with the Kerr substep of :func:`coupled_kerr_step` (thermal shift and aux mode)."""
    for k in range(first, first + count):
        execute(backward, lin.ctypes, fld.ctypes)
        coupled_kerr_step(fld, zeta, aux_zeta, k, h, shift, aux, aux_par, acc, offset)
        execute(forward, fld.ctypes, raw.ctypes)
        if k < first + count - 1:
            advance(raw, lin, coef, drive)
        else:
            linear_step(raw, spec, lin, coef, drive)
