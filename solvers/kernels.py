"""numba kernels of the split-step LLE: all O(N) work of one step, no Python per mode.

Two builds of each kernel exist: a serial one for small batches and a ``prange`` one
that spreads the rows of a (B, N) batch over the cores.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import prange

_JIT = dict(fastmath=False, error_model="numpy", cache=True, nogil=True)


def _kerr_step(field, zeta, k, h, peak):
    """Kerr and detuning substep ψ ← R(p)ψ with p = (|ψ|² − ζ)h.

    R(p) = (1 + ip/2)/(1 − ip/2) is the Cayley (unitary, second-order) approximant of e^{ip}.
    Stores max |ψ|² per row in ``peak`` and returns the largest |p| (inf on NaN).
    """
    rows, n = field.shape
    for b in prange(rows):
        z = zeta[k, b]
        top = 0.0
        for j in range(n):
            v = field[b, j]
            power = v.real * v.real + v.imag * v.imag
            if not power <= top:
                top = power if power == power else np.inf
            p = (power - z) * h
            q = 0.25 * p * p
            inv = 1.0 / (1.0 + q)
            c = (1.0 - q) * inv
            s = p * inv
            field[b, j] = complex(v.real * c - v.imag * s, v.real * s + v.imag * c)
        peak[b] = top
    worst = 0.0
    for b in range(rows):
        phase = max(abs(peak[b] - zeta[k, b]), abs(zeta[k, b])) * h
        if not phase <= worst:
            worst = phase if phase == phase else np.inf
    return worst


def _linear_step(raw, spec, lin, half_scaled, half, drive_term, weight, stats, noise, add_noise):
    """Finish one Strang step and start the next in the Fourier domain.

    With a_μ = l_μ + i·d_int(μ) the exact linear flow over h/2 is
    ψ_μ ← E_μ ψ_μ + δ_μ0 F, E_μ = e^{−a_μ h/2}, F = f(1 − E_0)/a_0.
    ``spec`` receives the state at the end of the step (``raw`` is the unnormalized FFT, so
    ``half_scaled`` = E/N); ``lin`` receives the next half step, plus the noise increment if asked.
    ``stats[b]`` = (Σ|ψ_μ|², Σ_{μ≠0} w_μ|ψ_μ|², Re ψ_0, Im ψ_0).
    """
    rows, n = raw.shape
    for b in prange(rows):
        v = raw[b, 0] * half_scaled[0] + drive_term[b]
        spec[b, 0] = v
        total = v.real * v.real + v.imag * v.imag
        stats[b, 2] = v.real
        stats[b, 3] = v.imag
        w = v * half[0] + drive_term[b]
        if add_noise:
            w += noise[b, 0]
        lin[b, 0] = w
        sidebands = 0.0
        for j in range(1, n):
            v = raw[b, j] * half_scaled[j]
            spec[b, j] = v
            power = v.real * v.real + v.imag * v.imag
            total += power
            sidebands += weight[j] * power
            w = v * half[j]
            if add_noise:
                w += noise[b, j]
            lin[b, j] = w
        stats[b, 0] = total
        stats[b, 1] = sidebands


def _half_step(spec, out, half, drive_term):
    """``out`` = E·``spec`` + δ_μ0 F: the opening half step of the linear flow."""
    rows, n = spec.shape
    for b in prange(rows):
        for j in range(n):
            out[b, j] = spec[b, j] * half[j]
        out[b, 0] += drive_term[b]


def build(parallel: bool):
    """Return the (kerr, linear, half) kernels compiled serial or with ``prange``."""
    jit = numba.njit(parallel=parallel, **_JIT)
    return jit(_kerr_step), jit(_linear_step), jit(_half_step)


SERIAL = build(False)
PARALLEL = build(True)
