"""Frequency noise of a self-injection-locked laser and of its comb lines against Fourier frequency.

The adiabatic SIL theory (:mod:`combchip.comb.sil`) gives the stabilization K = dξ/dζ: a slow excursion of the
free-running frequency reaches the locked laser divided by K. At a Fourier frequency f the feedback is the
ring's backward wave, which follows the laser's phase only through the ring's response. Linearize the laser's
phase equation with the feedback (carrier and relaxation dynamics adiabatically eliminated, f ≪ the ≈ GHz
relaxation frequency; laser–ring delay neglected) about the resonance centre ζ = 0: there the reflection of the
doublet, r(Ω) ∝ 1/((1 + iΩ')² + β²), Ω' = 2Ω/κ, β = 2Γ/κ, is symmetric, a phase modulation of the laser comes
back as a pure phase modulation filtered by H(Ω) = r(Ω)/r(0) = (1 + β²)/((1 + iΩ')² + β²), and no amplitude
modulation (so α_H enters only through K). The feedback's frequency pull is proportional to the phase
difference (H − 1)·δφ, δφ = δω/(iΩ), whose Ω → 0 limit is the adiabatic slope K − 1. Hence

    K(f) = 1 + (K − 1)·D(f),    D(f) = (1 + β²)·(1 − H(Ω))/(2iΩ'),    Ω = 2πf,

with D(0) = 1 (K(0) = K), |D| ≈ 1 below the ring's half-linewidth κ/4π and ≈ (1 + β²)κ/(4Ω) above it, so
|K(f)| falls as 1/f from there and K → 1 for f ≫ K·κ/4π (the feedback averages out, as in a laser with a
delayed optical feedback: K. Petermann, *Laser Diode Modulation and Noise*, 1988, ch. 9). Away from ζ = 0 and
with the Kerr load of a comb the ring response is not exactly this one; K(0) is then the Kerr-loaded K measured
by :func:`combchip.systems.system_c.system_c_dark_pulse` and only the shape D(f) is the linear ring's.

The locked laser sees the free-running noise divided by K(f) and the ring's own resonance noise δν₀ (the
thermorefractive noise) weighted by 1 − 1/K(f): it follows the ring inside the lock and ignores it where K → 1,

    S_lock(f) = S_free(f)/|K(f)|² + |1 − 1/K(f)|²·a₀²·S_T(f),

a₀ = dν₀/dT. A comb line μ carries the pump's frequency and, through the same temperature, the FSR's
(a_r = dFSR/dT; elastic tape, :mod:`combchip.comb.line_noise`), correlated with the pump's part:

    S_μ(f) = S_free(f)/|K(f)|² + |(1 − 1/K(f))·a₀ + μ·a_r|²·S_T(f).

References: N. M. Kondratiev et al., Opt. Express 25, 28167 (2017) (linear SIL, K); M. L. Gorodetsky and
I. S. Grudinin, J. Opt. Soc. Am. B 21, 697 (2004) (thermorefractive noise).
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from .line_noise import (PumpFrequencyNoise, ThermalFrequencyNoise, _frequency_grid, beta_linewidth,
                         intrinsic_linewidth)
from ..validation import check_nonnegative, check_positive

__all__ = ["sil_frequency_noise", "stabilization_spectrum"]


def stabilization_spectrum(frequency, stabilization, kappa, beta=0.0) -> np.ndarray:
    """Complex small-signal stabilization K(f) = 1 + (K − 1)·D(f) (module docstring).

    Parameters
    ----------
    frequency : array_like
        Fourier frequencies f [Hz], positive.
    stabilization : float
        The adiabatic K = K(0) > 0.
    kappa : float
        Loaded ring decay rate κ [rad/s] (field decay rate κ/2).
    beta : float
        Normalized backscattering β = 2Γ/κ ≥ 0.

    Returns
    -------
    numpy.ndarray of complex, K(f).
    """
    f = np.asarray(frequency, dtype=float)
    if f.ndim > 1 or not np.all(np.isfinite(f)) or np.any(f < 0):
        raise ValueError("frequency must be finite, non-negative Fourier frequencies [Hz]")
    k = check_positive("stabilization", stabilization)
    x = 4 * np.pi * f / check_positive("kappa", kappa, "rad/s")            # Ω' = 2Ω/κ
    b2 = check_nonnegative("beta", beta) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        h = (1 + b2) / ((1 + 1j * x) ** 2 + b2)
        d = np.where(x > 0, (1 + b2) * (1 - h) / (2j * np.where(x > 0, x, 1.0)), 1.0)
    return 1 + (k - 1) * d


def sil_frequency_noise(frequency, laser: PumpFrequencyNoise, ring_noise: ThermalFrequencyNoise, stabilization,
                        kappa, beta=0.0, mu=(0,), band=(1e5, 1e7), stabilization_is_bound=False) -> xr.Dataset:
    """Frequency-noise PSDs of the free-running laser, the SIL-locked laser and comb lines, and their linewidths.

    Parameters
    ----------
    frequency : array_like
        Fourier frequencies [Hz], positive and increasing; the first is the β-line cut-off 1/T₀.
    laser : PumpFrequencyNoise
        The free-running laser's S_free = h₀ + h₋₁/f (its ``rep_rate_coupling`` is not used).
    ring_noise : ThermalFrequencyNoise
        The ring's temperature noise S_T with a₀ = dν₀/dT (``pump_coefficient``) and a_r = dFSR/dT.
    stabilization : float
        Adiabatic K > 0 (a lower bound where ``stabilization_is_bound``: then every locked PSD and linewidth
        below is a bound too, marked in ``attrs``).
    kappa, beta : float
        Loaded κ [rad/s] and β = 2Γ/κ of the ring (:func:`stabilization_spectrum`).
    mu : int or sequence of int
        Relative mode numbers of the comb lines.
    band : (float, float)
        Offset band [Hz] over which the white floor is read as the PSD's minimum (inside ``frequency``).

    Returns
    -------
    xarray.Dataset on ``frequency`` (and ``mu``): ``free_running_psd``, ``ring_psd`` (a₀²S_T), ``stabilization``
    |K(f)|, ``locked_psd``, ``line_psd`` and its two parts ``line_laser_psd`` (S_free/|K|²) and ``line_ring_psd``
    (|(1 − 1/K)·a₀ + μ·a_r|²·S_T) [Hz²/Hz]; per line ``floor`` (min over ``band``) [Hz²/Hz],
    ``floor_frequency`` [Hz], ``floor_source`` ("laser" or "ring": the larger term at the floor),
    ``intrinsic_linewidth`` π·floor [Hz] and ``beta_linewidth`` [Hz]; the inputs in ``attrs``.
    """
    f = _frequency_grid(frequency)
    if not isinstance(laser, PumpFrequencyNoise):
        raise ValueError(f"laser must be a PumpFrequencyNoise, got {type(laser).__name__}")
    if not isinstance(ring_noise, ThermalFrequencyNoise):
        raise ValueError(f"ring_noise must be a ThermalFrequencyNoise, got {type(ring_noise).__name__}")
    modes = np.atleast_1d(np.asarray(mu))
    if modes.ndim != 1 or modes.size == 0 or not np.issubdtype(modes.dtype, np.integer):
        raise ValueError(f"mu must be an integer or a 1-D sequence of integers, got {mu!r}")
    lo, hi = (float(x) for x in np.broadcast_to(np.asarray(band, dtype=float), (2,)))
    in_band = (f >= lo) & (f <= hi)
    if not (math.isfinite(lo) and math.isfinite(hi) and 0 < lo < hi) or np.count_nonzero(in_band) < 2:
        raise ValueError(f"band = {band!r} must be (low, high) Hz with 0 < low < high holding ≥ 2 grid frequencies")
    k = stabilization_spectrum(f, stabilization, kappa, beta)
    free = laser.driver_psd(f)
    s_t = ring_noise.driver_psd(f)
    follow = 1 - 1 / k
    laser_part = free / np.abs(k) ** 2
    ring_part = np.abs(follow[None, :] * ring_noise.pump_coefficient
                       + modes[:, None] * ring_noise.rep_rate_coefficient) ** 2 * s_t   # (mu, f)
    line = laser_part + ring_part
    where = np.flatnonzero(in_band)[np.argmin(line[:, in_band], axis=1)]
    floor = line[np.arange(modes.size), where]
    source = np.where(ring_part[np.arange(modes.size), where] > laser_part[where], "ring", "laser")
    fq = {"units": "Hz", "long_name": "Fourier frequency"}
    attrs = {"stabilization_input": float(stabilization), "stabilization_is_bound": int(bool(stabilization_is_bound)),
             "kappa": float(kappa), "beta": float(beta), "band": [lo, hi], "laser_white": laser.white,
             "laser_flicker": laser.flicker, "ring_noise": repr(ring_noise),
             "reference": "Kondratiev et al., Opt. Express 25, 28167 (2017); Gorodetsky and Grudinin, JOSA B 21, "
                          "697 (2004)"}
    bound = " (upper bound: K is a lower bound)" if stabilization_is_bound else ""
    return xr.Dataset(
        {"free_running_psd": ("frequency", free, {"units": "Hz²/Hz", "long_name": "free-running laser S_ν"}),
         "ring_psd": ("frequency", ring_noise.pump_coefficient**2 * s_t,
                      {"units": "Hz²/Hz", "long_name": "ring resonance noise a₀²·S_T"}),
         "stabilization": ("frequency", np.abs(k), {"units": "1", "long_name": "|K(f)|, small-signal stabilization"}),
         "locked_psd": ("frequency", free / np.abs(k) ** 2 + np.abs(follow) ** 2 * ring_noise.pump_coefficient**2
                        * s_t, {"units": "Hz²/Hz", "long_name": "SIL-locked laser S_ν" + bound}),
         "line_psd": (("mu", "frequency"), line, {"units": "Hz²/Hz", "long_name": "comb-line S_ν" + bound}),
         "line_laser_psd": ("frequency", laser_part, {"units": "Hz²/Hz",
                                                     "long_name": "laser part of the line S_ν, S_free/|K|²" + bound}),
         "line_ring_psd": (("mu", "frequency"), ring_part,
                           {"units": "Hz²/Hz", "long_name": "ring (thermorefractive) part of the line S_ν"}),
         "floor": ("mu", floor, {"units": "Hz²/Hz", "long_name": f"minimum of S_ν over {lo:g}–{hi:g} Hz" + bound}),
         "floor_frequency": ("mu", f[where], {"units": "Hz", "long_name": "Fourier frequency of the floor"}),
         "floor_source": ("mu", source, {"units": "1", "long_name": "larger term at the floor (laser or ring)"}),
         "intrinsic_linewidth": ("mu", intrinsic_linewidth(floor),
                                 {"units": "Hz", "long_name": "intrinsic linewidth π·floor" + bound}),
         "beta_linewidth": ("mu", beta_linewidth(f, line),
                            {"units": "Hz", "long_name": "β-separation-line FWHM, cut-off at the lowest frequency"})},
        coords={"mu": ("mu", modes, {"units": "1", "long_name": "relative mode number"}),
                "frequency": ("frequency", f, fq)},
        attrs=attrs,
    )
