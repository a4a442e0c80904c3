"""HOM and time-bin Bell-state visibility of pulses carved from comb lines.

From a line's simulated coherence (:func:`combchip.comb.coherence.line_coherence`): two users carve
pulses w(t) (intensity, ∫w dt = 1) out of independent copies of one line whose slowly varying amplitude
is stationary. The coincidences of two phase-randomized weak pulses at a 50:50 beam splitter, integrated
over each pulse, give for the early/late separation T (T = 0: the HOM dip)

    V(T) = M_⊥ K₁(T) / (K₂(T) + 1),
    K₁(T) = ∫ W(s) |g⁽¹⁾(T + s)|² L(T + s) ds,    K₂(T) = ∫ W(s) g⁽²⁾(T + s) ds,

with W(s) = ∫ w(t) w(t + s) dt the pulse's intensity autocorrelation, L(s) = exp(−2πΔν|s|) the phase
diffusion of the pump laser (Lorentzian FWHM Δν, absent from the LLE) on both lines, and M_⊥ the
remaining overlap factor (polarization, timing jitter). A steady line gives V = 1/2; a thermal line
gives V = 1/3 when coherent over the pulse, V → 0 when it decorrelates within it.

From a line table (:func:`pair_visibility`): Lorentzian lines of a given linewidth, only the coherent
fraction of each line interfering.

References
----------
R. Loudon, The Quantum Theory of Light, 3rd ed. (Oxford, 2000), ch. 3 and 6 (g⁽¹⁾, g⁽²⁾, two-photon interference).
J. G. Rarity, P. R. Tapster and R. Loudon, J. Opt. B 7, S171 (2005) (HOM of independent weak coherent states).
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from ..validation import check_nonnegative, check_positive, check_range
from .hom import SHAPES, sech2_autocorrelation

__all__ = ["coherence_visibility", "trace_limitation"]

_SECH_FWHM = 2.0 * math.acosh(math.sqrt(2.0))
_SPAN_FWHM = {"gaussian": 6.0, "sech2": 14.0}   # W(s) below 1e-18 of its peak beyond ±span·FWHM
_MIN_SAMPLES_PER_FWHM = 4


def _pulse_autocorrelation(shape: str, fwhm: float, lags: np.ndarray) -> np.ndarray:
    """W(s) ∝ ∫ w(t) w(t + s) dt of a Gaussian or sech² intensity pulse of FWHM ``fwhm``."""
    if shape == "gaussian":
        return np.exp(-2.0 * math.log(2.0) * (lags / fwhm) ** 2)
    return sech2_autocorrelation(lags / (fwhm / _SECH_FWHM))


def trace_limitation(spacing, max_lag, pulse_fwhm, bin_separation=0.0, shape="gaussian") -> str:
    """Why coherence sampled every ``spacing`` [s] up to ``max_lag`` [s] cannot give the visibilities of
    ``pulse_fwhm`` pulses ``bin_separation`` apart ("" if it can): it needs ≥ 4 samples per FWHM and lags up
    to bin_separation + the span of W (6 FWHM Gaussian, 14 FWHM sech²)."""
    if pulse_fwhm < _MIN_SAMPLES_PER_FWHM * spacing:
        return (f"pulse_fwhm = {pulse_fwhm:.3g} s is under {_MIN_SAMPLES_PER_FWHM} lag samples of {spacing:.3g} s: "
                "record denser snapshots")
    needed = bin_separation + math.ceil(_SPAN_FWHM[shape] * pulse_fwhm / spacing) * spacing
    if needed > max_lag * (1 + 1e-9):
        return (f"the coherence reaches a lag of {max_lag:.3g} s; bin_separation + {_SPAN_FWHM[shape]:g}·pulse_fwhm "
                f"needs {needed:.3g} s: simulate a longer trace")
    return ""


def coherence_visibility(coherence: xr.Dataset, pulse_fwhm, bin_separation=None, *, shape="gaussian",
                         linewidth=None, overlap=1.0) -> xr.Dataset:
    """HOM and time-bin Bell-state visibility of two users carving pulses from copies of a line.

    V(T) = M_⊥ K₁(T)/(K₂(T) + 1) (module docstring), with T = 0 for HOM and T = ``bin_separation`` for
    the |Ψ⁻⟩ Bell-state measurement of time-bin qubits (weak pulses, equal mean intensities).

    Parameters
    ----------
    coherence : xarray.Dataset
        :func:`combchip.comb.coherence.line_coherence` or :func:`~combchip.comb.coherence.trace_coherence` output.
    pulse_fwhm : float
        Intensity FWHM of the carved pulses [s]; at least four lag samples per FWHM.
    bin_separation : float, optional
        Early/late separation [s]; without it only the HOM visibility is returned.
    shape : {"gaussian", "sech2"}
        Pulse intensity shape.
    linewidth : float, optional
        Lorentzian FWHM Δν [Hz] of the pump laser on each line (default: the run's pump linewidth).
    overlap : float
        Remaining mode-overlap factor M_⊥ in [0, 1] (polarization, timing jitter:
        :func:`combchip.link.hom.mode_overlap` without linewidth).

    Returns
    -------
    xarray.Dataset with ``hom_visibility`` and, with ``bin_separation``, ``bsm_visibility`` (per ``mu``
    for a line_coherence input).
    """
    if not isinstance(coherence, xr.Dataset) or "g1_squared" not in coherence or "g2" not in coherence:
        raise ValueError("coherence must be a line_coherence or trace_coherence Dataset")
    if shape not in SHAPES:
        raise ValueError(f"shape = {shape!r} is not allowed; allowed: {', '.join(map(repr, SHAPES))}")
    fwhm = check_positive("pulse_fwhm", pulse_fwhm, "s")
    spacing = float(coherence.attrs["spacing"])
    separation = 0.0 if bin_separation is None else check_nonnegative("bin_separation", bin_separation, "s")
    lw = coherence.attrs.get("pump_linewidth", 0.0) if linewidth is None else linewidth
    lw = check_nonnegative("linewidth", lw, "Hz")
    overlap = check_range("overlap", overlap, 0.0, 1.0)
    reason = trace_limitation(spacing, float(coherence.lag.values[-1]), fwhm, separation, shape)
    if reason:
        raise ValueError(reason)
    half = int(math.ceil(_SPAN_FWHM[shape] * fwhm / spacing))
    s = np.arange(-half, half + 1) * spacing
    weight = _pulse_autocorrelation(shape, fwhm, s)
    weight = xr.DataArray(weight / weight.sum(), dims="s")

    def visibility(t):
        at = xr.DataArray(np.abs(t + s), dims="s")
        g1 = coherence.g1_squared.interp(lag=at) * np.exp(-2 * np.pi * lw * at)
        k1 = (weight * g1).sum("s")
        k2 = (weight * coherence.g2.interp(lag=at)).sum("s")
        return overlap * k1 / (k2 + 1.0)

    out = xr.Dataset({"hom_visibility": visibility(0.0).assign_attrs(
        units="1", long_name="HOM visibility of weak pulses carved from the line")})
    if bin_separation is not None:
        out["bsm_visibility"] = visibility(separation).assign_attrs(
            units="1", long_name="time-bin |Ψ⁻⟩ Bell-state visibility")
    out.attrs.update({"pulse_fwhm": fwhm, "bin_separation": separation, "shape": shape, "linewidth": lw,
                      "overlap": overlap})
    return out
