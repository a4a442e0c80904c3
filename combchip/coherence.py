"""Coherence of a comb line from its simulated time trace, and the HOM / time-bin BSM visibility it allows.

A user carves pulses w(t) (intensity, ∫w dt = 1) out of one comb line whose slowly varying amplitude a(t)
is a stationary random process; two users hold independent copies of it. With the first- and second-order
coherence functions of the line,

    G⁽¹⁾(s) = ⟨a(t + s) a*(t)⟩,    G⁽²⁾(s) = ⟨|a(t + s)|² |a(t)|²⟩,    Ī = G⁽¹⁾(0),

the coincidences of two phase-randomized weak pulses at a 50:50 beam splitter, integrated over each pulse,
give for the early/late separation T (T = 0: the HOM dip)

    V(T) = M_⊥ K₁(T) / (K₂(T) + 1),
    K₁(T) = ∫ W(s) |g⁽¹⁾(T + s)|² L(T + s) ds,    K₂(T) = ∫ W(s) g⁽²⁾(T + s) ds,

with g⁽¹⁾ = G⁽¹⁾/Ī, g⁽²⁾ = G⁽²⁾/Ī², W(s) = ∫ w(t) w(t + s) dt the pulse's intensity autocorrelation,
L(s) = exp(−2πΔν|s|) the phase diffusion of the pump laser (Lorentzian FWHM Δν, absent from the LLE) on
both lines, and M_⊥ the remaining overlap factor (polarization, timing jitter). Limits: a steady line gives
V = 1/2; a thermal (Gaussian) line gives g⁽²⁾ = 1 + |g⁽¹⁾|² and V = 1/3 when it is coherent over the
pulse, V → 0 when it decorrelates within it. A constant frequency offset of the line cancels in
|g⁽¹⁾|², so the drift of a soliton in the simulation frame needs no correction.

References
----------
R. Loudon, The Quantum Theory of Light, 3rd ed. (Oxford, 2000), ch. 3 and 6 (g⁽¹⁾, g⁽²⁾, two-photon interference).
J. G. Rarity, P. R. Tapster and R. Loudon, J. Opt. B 7, S171 (2005) (HOM of independent weak coherent states).
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from .hom import SHAPES, sech2_autocorrelation
from .validation import check_nonnegative, check_positive, check_range

__all__ = ["coherence_visibility", "line_coherence", "trace_coherence", "trace_limitation"]

_SECH_FWHM = 2.0 * math.acosh(math.sqrt(2.0))
_SPAN_FWHM = {"gaussian": 6.0, "sech2": 14.0}   # W(s) below 1e-18 of its peak beyond ±span·FWHM
_MIN_SAMPLES_PER_FWHM = 4
MIN_SAMPLES = 16
"""Fewest samples (or snapshots) a coherence estimate accepts."""
_EVEN_SPACING_RTOL = 1e-6


def _autocorrelation(x: np.ndarray, lags: int) -> np.ndarray:
    """Unbiased ⟨x(t + kΔ) x*(t)⟩ for k = 0 … lags−1, averaged over the leading (run) axis."""
    n = x.shape[-1]
    spectrum = np.fft.fft(x, 2 * n, axis=-1)
    raw = np.fft.ifft(spectrum.conj() * spectrum, axis=-1)[..., :lags].conj()
    return np.mean(raw, axis=0) / (n - np.arange(lags))


def trace_coherence(amplitude, spacing, *, max_lag=None) -> xr.Dataset:
    """First- and second-order coherence of one line from sampled amplitudes.

    Parameters
    ----------
    amplitude : array_like, complex, shape (samples,) or (runs, samples)
        Slowly varying line amplitude a(t) [any unit ∝ √W] on an even time grid; runs are independent
        realizations and are averaged.
    spacing : float
        Sample spacing Δ [s].
    max_lag : float, optional
        Largest lag [s] (default and upper limit: half the trace).

    Returns
    -------
    xarray.Dataset on ``lag`` [s] with ``g1_squared`` = |G⁽¹⁾(s)|²/Ī² and ``g2`` = G⁽²⁾(s)/Ī², and the
    mean ``power`` Ī in the units of |a|².
    """
    a = np.asarray(amplitude)
    if not np.issubdtype(a.dtype, np.number) or a.ndim not in (1, 2) or not np.all(np.isfinite(a)):
        raise ValueError("amplitude must be a finite numeric array of shape (samples,) or (runs, samples)")
    a = np.atleast_2d(a.astype(complex))
    if a.shape[-1] < MIN_SAMPLES:
        raise ValueError(f"amplitude needs at least {MIN_SAMPLES} samples, got {a.shape[-1]}")
    spacing = check_positive("spacing", spacing, "s")
    half = a.shape[-1] // 2
    lags = half if max_lag is None else int(round(check_range("max_lag", max_lag, spacing, half * spacing, "s")
                                                   / spacing))
    power = float(np.mean(np.abs(a) ** 2))
    if power == 0.0:
        raise ValueError("amplitude is zero everywhere: the line has no power")
    g1 = np.abs(_autocorrelation(a, lags + 1)) ** 2 / power**2
    g2 = _autocorrelation(np.abs(a) ** 2, lags + 1).real / power**2
    lag = np.arange(lags + 1) * spacing
    return xr.Dataset(
        {"g1_squared": ("lag", g1, {"units": "1", "long_name": "|g⁽¹⁾(s)|², first-order coherence squared"}),
         "g2": ("lag", g2, {"units": "1", "long_name": "g⁽²⁾(s), intensity correlation"})},
        coords={"lag": ("lag", lag, {"units": "s", "long_name": "time lag s"})},
        attrs={"power": power, "spacing": spacing, "samples": a.shape[-1], "runs": a.shape[0]},
    )


def _output_amplitude(ds: xr.Dataset, mu: int) -> np.ndarray:
    """Bus-output amplitude [√W] of line μ over the snapshots, shape (runs, snapshots)."""
    field = ds.field.values
    n = field.shape[-1]
    coefficient = np.fft.fft(field, axis=-1)[..., mu % n] / n
    if mu != 0:
        scale = np.mean(ds.spectrum.sel(mu=mu).values) / max(np.mean(np.abs(coefficient) ** 2), np.finfo(float).tiny)
        return np.sqrt(scale) * coefficient
    # pump line: transmitted pump minus the out-coupled field, s_out = s_in (1 − 2η ψ₀/f)
    f = float(ds.attrs["f2"]) ** 0.5
    eta = float(ds.attrs["ring_kappa_ex"]) / float(ds.attrs["kappa"])
    psi0 = coefficient / np.sqrt(float(ds.attrs["circulating_power_per_unit"]))
    return np.sqrt(float(ds.attrs["pump_power"])) * (1 - 2 * eta * psi0 / f)


def _on_grid(times: np.ndarray, amplitude: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Amplitudes (runs, snapshots) at snapshot times rounded to solver steps, interpolated onto the even grid."""
    return np.array([np.interp(grid, times, row.real) + 1j * np.interp(grid, times, row.imag) for row in amplitude])


def line_coherence(ds: xr.Dataset, mu, *, max_lag=None) -> xr.Dataset:
    """Coherence functions of comb lines from the snapshots of a :func:`combchip.simulate_comb` run.

    The snapshots must be evenly spaced (``snapshots=`` a sequence of times) and much denser than the
    pulses to be carved. The solver places each snapshot on its nearest step; the amplitudes are
    interpolated linearly back onto the even grid. All runs of a batch are averaged as independent
    realizations.

    Parameters
    ----------
    ds : xarray.Dataset
        A :func:`combchip.simulate_comb` result.
    mu : int or sequence of int
        Relative mode numbers of the lines.
    max_lag : float, optional
        Largest lag [s] (default: half the recorded span).

    Returns
    -------
    xarray.Dataset on (``mu``, ``lag``): ``g1_squared``, ``g2`` (see :func:`trace_coherence`) and the
    mean bus ``power`` [W] of each line.
    """
    if not isinstance(ds, xr.Dataset) or "field" not in ds or "snapshot_time" not in ds:
        raise ValueError("ds must be a simulate_comb Dataset with 'field' and 'snapshot_time'")
    if "run" not in ds.dims:
        ds = ds.expand_dims("run")
    times = np.asarray(ds.snapshot_time.values, dtype=float)
    if times.size < MIN_SAMPLES:
        raise ValueError(f"ds has {times.size} snapshots; line_coherence needs at least {MIN_SAMPLES} evenly "
                         "spaced ones (simulate_comb(..., snapshots=<times>))")
    grid = np.linspace(times[0], times[-1], times.size)
    solver_step = float(ds.attrs.get("dt", 0.0))
    if np.max(np.abs(times - grid)) > solver_step * (1 + 1e-9) + _EVEN_SPACING_RTOL * (grid[1] - grid[0]):
        raise ValueError("the snapshots of ds must be evenly spaced to within one solver step "
                         "(simulate_comb(..., snapshots=np.linspace(...)))")
    modes = np.atleast_1d(np.asarray(mu))
    if modes.ndim != 1 or modes.size == 0 or not np.issubdtype(modes.dtype, np.integer):
        raise ValueError(f"mu must be an integer or a 1-D sequence of integers, got {mu!r}")
    missing = sorted(set(modes.tolist()) - set(ds.mu.values.tolist()))
    if missing:
        raise ValueError(f"mu = {missing} not in the simulated modes {int(ds.mu.min())}…{int(ds.mu.max())}")
    spacing = float(grid[1] - grid[0])
    per_line = [trace_coherence(_on_grid(times, _output_amplitude(ds, int(m)), grid), spacing, max_lag=max_lag)
                for m in modes]
    out = xr.concat(per_line, dim=xr.DataArray(modes, dims="mu", name="mu"), combine_attrs="drop")
    out["power"] = ("mu", [c.attrs["power"] for c in per_line], {"units": "W", "long_name": "mean bus power of the line"})
    out.mu.attrs.update({"units": "1", "long_name": "relative mode number"})
    out.attrs.update({"spacing": spacing, "samples": times.size, "runs": per_line[0].attrs["runs"],
                      "pump_linewidth": float(ds.attrs.get("pump_linewidth", 0.0))})
    return out


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
        :func:`line_coherence` or :func:`trace_coherence` output.
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
        :func:`combchip.hom.mode_overlap` without linewidth).

    Returns
    -------
    xarray.Dataset with ``hom_visibility`` and, with ``bin_separation``, ``bsm_visibility`` (per ``mu``
    for a :func:`line_coherence` input).
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
