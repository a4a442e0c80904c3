"""Delayed self-heterodyne (DSH) linewidth measurement of a comb line, simulated.

The line is split; one arm runs through a fibre delay τ_d = n_g·L/c, the other through an acousto-optic
modulator shifting it by f_AOM; the photocurrent's beat note at f_AOM is recorded and fitted with a Lorentzian
(Okoshi, Kikuchi and Nakayama, Electron. Lett. 16, 630 (1980)). For Gaussian phase noise of structure function
D_φ(s) = σ²_φ(s) = 4∫S_ν(f)·sin²(πfs)/f² df, the beat phase ψ(t) = φ(t) − φ(t − τ_d) has increments of variance

    D_ψ(τ) = 2D_φ(τ) + 2D_φ(τ_d) − D_φ(τ + τ_d) − D_φ(|τ − τ_d|) = 16∫S_ν(f)·sin²(πfτ_d)·sin²(πfτ)/f² df,

and the beat spectrum about f_AOM is the Fourier transform of exp(−D_ψ(τ)/2) (Richter et al., IEEE J. Quantum
Electron. 22, 2070 (1986); Mercer, J. Lightwave Technol. 9, 485 (1991)). It holds a carrier δ of weight
e^{−D_φ(τ_d)} (the delay is shorter than the coherence time) and a continuous part. White noise h₀ gives
e^{−2πΔν·min(τ, τ_d)}: for τ_d ≫ 1/Δν a Lorentzian of FWHM 2Δν = 2π·h₀. Flicker noise h₋₁/f broadens the
beat as the delay grows: its quasi-static frequency variance 4h₋₁∫sin²(πfτ_d)/f df grows as 2h₋₁·ln τ_d.

For lines whose noise is not Gaussian phase noise (a chaotic line) the long-delay limit τ_d ≫ τ_c applies: the
four-point field correlation factorizes and the beat's autocorrelation is |g⁽¹⁾(τ)|² of
:func:`combchip.comb.coherence.line_coherence` (:func:`self_heterodyne_from_coherence`).

The reported linewidth is half the fitted Lorentzian FWHM, as the experiment reads it; NaN with a ``status``
where the record cannot give one.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr
from scipy.constants import c
from scipy.optimize import curve_fit

from .line_noise import mean_sine_squared, phase_variance
from ..validation import check_int, check_positive, check_range

__all__ = ["DSH_STATUSES", "fiber_delay", "self_heterodyne", "self_heterodyne_from_coherence"]

DSH_STATUSES = ("resolved", "delay_too_short", "above_span")
"""``status`` of a DSH result: a linewidth; a carrier dominates (delay shorter than the coherence time); the
coherence record does not decay within its lags."""
_MAX_CARRIER = 0.01       # white noise: the fit is 3 % wide at 0.008 and 19 % at 0.055 (the delay's fringes)
_FIBRE_GROUP_INDEX = 1.4682   # SMF-28 at 1550 nm (Corning data sheet)


def fiber_delay(length, group_index=_FIBRE_GROUP_INDEX) -> float:
    """Delay τ_d = n_g·L/c [s] of a fibre of ``length`` [m] (default group index: SMF-28 at 1550 nm)."""
    return check_positive("length", length, "m") * check_range("group_index", group_index, 1.0, 5.0) / c


def _lorentzian(nu, height, fwhm, centre):
    return height / (1 + (2 * (nu - centre) / fwhm) ** 2)


def _beat(lag, correlation, carrier, attrs, points) -> xr.Dataset:
    """Beat spectrum about f_AOM from the continuous part of its autocorrelation on the even ``lag`` grid, with
    the Lorentzian fit."""
    width = np.sum(correlation) * (lag[1] - lag[0]) * 2   # ∫Γ dτ over both signs ≈ 1/(πΔν_beat/2) scale
    if not width > 0:
        raise ValueError("the beat has no continuous part: nothing to fit")
    half_span = min(0.5 / (lag[1] - lag[0]), 20 / width)
    nu = np.linspace(-half_span, half_span, points)
    weights = np.full(lag.size, lag[1] - lag[0])
    weights[0] /= 2
    spectrum = 2 * (np.cos(2 * np.pi * np.outer(nu, lag)) @ (weights * correlation))
    peak = float(spectrum.max())
    inside = np.nonzero(spectrum >= peak / 2)[0]
    lo, hi = inside[0], inside[-1]
    # half-maximum crossings interpolated linearly between the grid points around them
    left = nu[lo] - (nu[lo] - nu[lo - 1]) * (spectrum[lo] - peak / 2) / (spectrum[lo] - spectrum[lo - 1]) if lo else nu[0]
    right = (nu[hi] + (nu[hi + 1] - nu[hi]) * (spectrum[hi] - peak / 2) / (spectrum[hi] - spectrum[hi + 1])
             if hi < nu.size - 1 else nu[-1])
    direct = float(right - left)
    try:
        (height, fwhm, centre), _ = curve_fit(_lorentzian, nu, spectrum, p0=(peak, direct, 0.0))
        fwhm = abs(float(fwhm))
    except RuntimeError:
        height, fwhm, centre = np.nan, np.nan, np.nan
    status = "resolved" if carrier <= _MAX_CARRIER and np.isfinite(fwhm) else "delay_too_short"
    linewidth = fwhm / 2 if status == "resolved" else np.nan
    return xr.Dataset(
        {"beat": ("offset", spectrum, {"units": "1/Hz", "long_name": "beat spectrum about f_AOM (continuous part)"}),
         "fit": ("offset", _lorentzian(nu, height, fwhm, centre),
                 {"units": "1/Hz", "long_name": "Lorentzian fit of the beat"}),
         "fit_fwhm": ((), fwhm, {"units": "Hz", "long_name": "FWHM of the fitted Lorentzian"}),
         "direct_fwhm": ((), direct, {"units": "Hz", "long_name": "full width at half maximum of the beat"}),
         "linewidth": ((), linewidth, {"units": "Hz", "long_name": "DSH linewidth, half the fitted FWHM"}),
         "carrier_fraction": ((), carrier, {"units": "1", "long_name": "power in the carrier δ at f_AOM"})},
        coords={"offset": ("offset", nu, {"units": "Hz", "long_name": "frequency offset from f_AOM"})},
        attrs={**attrs, "status": status,
               "reason": "" if status == "resolved" else
               f"carrier fraction {carrier:.2f} > {_MAX_CARRIER}: the delay is shorter than the coherence time"},
    )


def self_heterodyne(frequency, psd, delay, *, aom_shift=80e6, samples: int = 4096) -> xr.Dataset:
    """Simulated DSH beat of a line with Gaussian phase noise of one-sided frequency-noise PSD ``psd``.

    Parameters
    ----------
    frequency, psd : array_like
        Fourier frequencies [Hz] (positive, increasing; the first is the observation cut-off) and S_ν [Hz²/Hz],
        e.g. a row of :func:`combchip.comb.line_noise.line_frequency_noise`'s ``total_psd``.
    delay : float
        Fibre delay τ_d [s] (:func:`fiber_delay`).
    aom_shift : float
        f_AOM [Hz]; the beat is centred on it and reported as an offset (it only needs to exceed the beat width).
    samples : int
        Points of the lag grid and of the spectrum.

    Returns
    -------
    xarray.Dataset on ``offset`` [Hz]: ``beat`` and its Lorentzian ``fit``, ``fit_fwhm``, ``direct_fwhm``, the
    DSH ``linewidth`` = fit_fwhm/2 (NaN unless ``status`` is "resolved") and the ``carrier_fraction``
    e^{−D_φ(τ_d)}.
    """
    tau_d = check_positive("delay", delay, "s")
    shift = check_positive("aom_shift", aom_shift, "Hz")
    samples = check_int("samples", samples, 64)
    f = np.asarray(frequency, dtype=float)
    weight = 16 * np.asarray(psd, dtype=float) / f**2 * mean_sine_squared(f, tau_d)[0]
    phase_variance(f, psd, tau_d)   # validates the grid and the PSD

    def d_psi(lag):
        return np.trapezoid(weight * mean_sine_squared(f, lag), f, axis=-1)

    d_inf = float(np.trapezoid(weight / 2, f))
    carrier = math.exp(-d_inf / 2)
    # the continuous part decays by τ_d (white noise: exactly) or where D_ψ/2 reaches 30, if earlier
    coarse = np.geomspace(min(1 / f[-1], tau_d / 10), 2 * tau_d, 400)
    beyond = np.nonzero(d_psi(coarse) / 2 > 30)[0]
    end = coarse[beyond[0]] if beyond.size else 2 * tau_d
    lag = np.linspace(0.0, end, samples)
    correlation = np.exp(-d_psi(lag) / 2) - carrier
    return _beat(lag, correlation, carrier, {"delay": tau_d, "aom_shift": shift, "source": "frequency-noise PSD"},
                 samples)


def self_heterodyne_from_coherence(coherence: xr.Dataset, *, aom_shift=80e6, samples: int = 2048) -> xr.Dataset:
    """DSH beat of a simulated line in the long-delay limit τ_d ≫ τ_c: its autocorrelation is |g⁽¹⁾(τ)|².

    ``coherence`` is one line of :func:`combchip.comb.coherence.line_coherence` (with the pump's noise, or
    a noiseless pump), on ``lag``. Status "above_span" (NaN linewidth) when |g⁽¹⁾|² has not fallen below e⁻²
    by the largest lag: the record is too short for the beat (the delay line of the experiment would need to be
    modelled in full).
    """
    if not isinstance(coherence, xr.Dataset) or "g1_squared" not in coherence or "lag" not in coherence.dims:
        raise ValueError("coherence must be one line of a line_coherence Dataset (g1_squared on lag)")
    if "mu" in coherence.dims:
        if coherence.sizes["mu"] != 1:
            raise ValueError("coherence must hold one line: select it with .sel(mu=...)")
        coherence = coherence.isel(mu=0)
    shift = check_positive("aom_shift", aom_shift, "Hz")
    samples = check_int("samples", samples, 64)
    lag = coherence.lag.values
    g = coherence.g1_squared.values
    attrs = {"delay": math.inf, "aom_shift": shift, "source": "|g1|² of the simulated line (long-delay limit)"}
    if g[-1] > math.exp(-2):
        out = _beat(lag, g - g[-1] if g[-1] < g[0] else g, 0.0, attrs, samples)
        out["linewidth"] = ((), np.nan, out.linewidth.attrs)
        out.attrs.update(status="above_span", reason=f"|g1|² is still {g[-1]:.2f} at the largest lag "
                                                     f"{lag[-1]:.3g} s: the record is shorter than the beat's decay")
        return out
    return _beat(lag, g, 0.0, attrs, samples)
