"""Table of comb lines from a simulate_comb snapshot: frequency, ITU channel, power, OSNR, linewidth.

One row becomes a :class:`combchip.schema.CombLine` (``CombLine.from_table(lines, mu)``), the input of a
transmitter chip.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from ..schema import COMB_LINES, validate
from .coherence import _autocorrelation
from ..validation import check_choice

_ITU_ORIGIN_HZ = 190.0e12
_ITU_SPACING_HZ = 100e9

LINEWIDTH_STATUSES = ("resolved", "below_resolution", "above_span", "from_pump", "from_pump_bound", "unmeasured", "given")
"""Values of the ``linewidth_status`` column (see :func:`comb_lines`; "given": set by the caller of :func:`line_table`)."""
FALSE_COHERENCE_PROBABILITY = 0.02
"""Chance α that a fully decorrelated line shows |g⁽¹⁾| above the noise floor √(ln(1/α)/M) of an M-pair mean."""
_MIN_SPACINGS_PER_TIME = 2.0   # τ_c ≥ 2 Δt: the decay is sampled by at least two snapshots per 1/e
_MAX_SPAN_FRACTION = 0.25      # τ_c ≤ span/4: the line decays to e⁻⁴ within the record


def line_table(mu, frequency, power, osnr, linewidth, attrs=None, linewidth_status=None) -> xr.Dataset:
    """A :data:`combchip.schema.COMB_LINES` table of lines ``mu`` at ``frequency`` [Hz] with ``power`` [W],
    ``osnr`` [dB] and Lorentzian ``linewidth`` [Hz] (NaN where unknown); the ITU channel (CHn at 190 THz +
    n·100 GHz), its offset [Hz] and the power in dBm are derived. ``linewidth_status`` (one of
    :data:`LINEWIDTH_STATUSES` per line) defaults to "given" for finite linewidths and "unmeasured" for NaN."""
    frequency = np.asarray(frequency, dtype=float)
    power = np.asarray(power, dtype=float)
    linewidth = np.broadcast_to(np.asarray(linewidth, dtype=float), frequency.shape)
    if np.any(linewidth < 0) or np.any(np.isinf(linewidth)):
        raise ValueError("linewidth must be non-negative and finite, or NaN where unknown [Hz]")
    if linewidth_status is None:
        linewidth_status = np.where(np.isnan(linewidth), "unmeasured", "given")
    status = np.broadcast_to(np.asarray(linewidth_status, dtype=str), frequency.shape)
    for value in set(status.tolist()):
        check_choice("linewidth_status", value, LINEWIDTH_STATUSES)
    channel = np.rint((frequency - _ITU_ORIGIN_HZ) / _ITU_SPACING_HZ).astype(int)
    columns = {
        "line_frequency": frequency,
        "itu_channel": channel,
        "itu_offset": frequency - (_ITU_ORIGIN_HZ + _ITU_SPACING_HZ * channel),
        "power": power,
        "power_dbm": 10 * np.log10(np.maximum(power, 1e-300) / 1e-3),
        "osnr": np.asarray(osnr, dtype=float),
        "linewidth": np.array(linewidth),
        "linewidth_status": np.array(status, dtype=object),
    }
    ds = xr.Dataset({name: COMB_LINES.entry(name, data) for name, data in columns.items()},
                    coords={"mu": np.asarray(mu)}, attrs=attrs or {})
    return validate(ds, COMB_LINES)


def _aligned(field: np.ndarray) -> np.ndarray:
    """Fourier coefficients (S, N) of snapshots translated onto the first one.

    The shift δ_s of each snapshot is the argmax of the intensity cross-correlation, refined below
    one grid step by the phase of the first intensity harmonic (kept only when below one step: the phase of a
    pattern whose pulses change shape, such as breathers, is no translation); coefficients are multiplied by e^{iμδ_s}.
    """
    n = field.shape[-1]
    coeff = np.fft.fft(field, axis=-1) / n
    intensity = np.fft.fft(np.abs(field) ** 2, axis=-1)
    cross = intensity * intensity[:1].conj()
    step = np.argmax(np.fft.ifft(cross, axis=-1).real, axis=-1)
    shift = 2 * np.pi * step / n
    residual = np.angle(cross[:, 1] * np.exp(1j * shift))
    shift = shift - np.where(np.abs(residual) <= 2 * np.pi / n, residual, 0.0)
    mu = np.fft.fftfreq(n, 1.0 / n)
    return coeff * np.exp(1j * mu[None, :] * shift[:, None])


def _line_decorrelation(coeff: np.ndarray, spacing: float) -> tuple[np.ndarray, np.ndarray]:
    """Decorrelation time τ_c [s] of each line (columns of ``coeff``, S snapshots Δt = ``spacing`` apart)
    and its status, from |g⁽¹⁾(kΔt)| = exp(−kΔt/τ_c).

    g⁽¹⁾(kΔt) = |⟨c(t + kΔt) c*(t)⟩|/⟨|c|²⟩ over the M_k = S − k pairs (k ≤ S/2). A lag is usable while
    g⁽¹⁾ > max(e⁻¹, √(ln(1/α)/M_k)): the first 1/e of the decay, above the noise floor of a decorrelated line
    (|mean|² of M unit-variance circular products is exponential with mean 1/M; α =
    :data:`FALSE_COHERENCE_PROBABILITY`). τ_c is the least-squares slope of −ln g⁽¹⁾ against kΔt through the
    origin over the usable lags. Status: "below_resolution" if g⁽¹⁾(Δt) is at the floor or τ_c < 2Δt (the line
    decorrelates faster than the snapshots sample it), "above_span" if τ_c > span/4 (span = (S − 1)Δt: the
    line stays coherent over the record), else "resolved".
    """
    count = coeff.shape[0]
    total = np.maximum(np.mean(np.abs(coeff) ** 2, axis=0), np.finfo(float).tiny)
    lags = np.arange(1, max(count // 2, 1) + 1)
    g1 = np.abs(_autocorrelation(coeff.T[None], lags[-1] + 1)[:, 1:]).T / total
    floor = np.sqrt(math.log(1 / FALSE_COHERENCE_PROBABILITY) / (count - lags))[:, None]
    usable = np.cumprod(g1 > np.maximum(floor, math.exp(-1)), axis=0).astype(bool)
    y = -np.log(np.clip(g1, np.finfo(float).tiny, 1.0))
    k = lags[:, None] * usable
    slope = np.sum(k * y, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = np.where(slope > 0, spacing * np.sum(k**2, axis=0) / slope, np.inf)
    status = np.where(tau > _MAX_SPAN_FRACTION * (count - 1) * spacing, "above_span", "resolved").astype(object)
    status[(g1[0] <= floor[0]) | (tau < _MIN_SPACINGS_PER_TIME * spacing)] = "below_resolution"
    return tau, status


def comb_lines(ds: xr.Dataset, snapshots=slice(-5, None), run: int = 0, floor_db: float = -60.0) -> xr.Dataset:
    """Comb-line table from the output spectrum of ``ds``.

    Parameters
    ----------
    ds : xarray.Dataset
        A :func:`~combchip.simulate_comb` result.
    snapshots : slice or sequence of int
        Snapshots averaged for the table (default: the last five), evenly spaced by Δt for the linewidth.
    run : int
        Batch row, if ``ds`` has a ``run`` dimension.
    floor_db : float
        Lines weaker than this, relative to the strongest non-pump line, are dropped.

    Returns
    -------
    xarray.Dataset on ``mu``, a :data:`combchip.schema.COMB_LINES` table (:func:`line_table`), with
        ``line_frequency`` [Hz] = ν_p + μ·FSR, ``itu_channel`` (100 GHz grid, CHn at 190 THz + n·100 GHz)
        and ``itu_offset`` [Hz]; ``power`` [W] and ``power_dbm``; ``osnr`` [dB], coherent over
        incoherent line power across the snapshots (drift removed, phases referred to the pump line's: a laser
        whose frequency differs from the frame's, as a self-injection-locked one's does, rotates every line
        alike and takes none out of coherence); ``linewidth`` [Hz] and
        ``linewidth_status``. The LLE's own decorrelation time τ_c of each line (drift removed) gives a
        Lorentzian excess 1/(πτ_c), reported only where the run resolves it (2Δt ≤ τ_c ≤ span/4,
        :func:`_line_decorrelation`): then ``linewidth`` = Δν_pump + 1/(πτ_c), "resolved" (Lorentzian FWHMs add).
        A line without resolved excess over the whole record ("above_span": excess < 4/(π·span)) carries the
        pump's Lorentzian linewidth Δν_pump one to one (the elastic tape of :mod:`combchip.comb.line_noise` with the fixed point at infinity), status
        "from_pump" ("from_pump_bound" where the run's attrs mark Δν_pump as an upper bound,
        ``pump_linewidth_is_bound``), or NaN with "above_span" when the run has no pump linewidth; a line that decorrelates
        faster than Δt is NaN, "below_resolution"; fewer than two or unevenly spaced snapshots give NaN,
        "unmeasured".
    """
    if not isinstance(ds, xr.Dataset) or "spectrum" not in ds:
        raise ValueError("ds must be a simulate_comb Dataset with a 'spectrum' variable")
    if "run" in ds.dims:
        if not 0 <= run < ds.sizes["run"]:
            raise ValueError(f"run must lie in [0, {ds.sizes['run'] - 1}], got {run}")
        ds = ds.isel(run=run)
    chosen = ds.isel(snapshot=snapshots)
    if chosen.sizes["snapshot"] == 0:
        raise ValueError("snapshots selects no snapshot")
    mu = ds.mu.values
    fsr = float(ds.attrs["ring_fsr"])
    pump_frequency = float(ds.frequency.sel(mu=0) - chosen.snapshot_detuning[-1])
    line_frequency = pump_frequency + fsr * mu
    power = chosen.spectrum.mean("snapshot").values

    field = chosen.field.values
    order = np.argsort(np.fft.fftfreq(field.shape[-1], 1.0 / field.shape[-1]))
    aligned = _aligned(field)
    coeff = (aligned * np.exp(-1j * np.angle(aligned[:, :1])))[:, order]  # phases relative to the pump line's
    total = np.mean(np.abs(coeff) ** 2, axis=0)
    coherent = np.abs(np.mean(coeff, axis=0)) ** 2
    incoherent = np.maximum(total - coherent, np.finfo(float).eps * total.max())
    osnr = 10 * np.log10(np.maximum(coherent, np.finfo(float).tiny) / incoherent)
    pump_linewidth = float(ds.attrs.get("pump_linewidth", 0.0))
    linewidth = np.full(mu.size, np.nan)
    status = np.full(mu.size, "unmeasured", dtype=object)
    times = chosen.snapshot_time.values
    spacing = float(np.mean(np.diff(times))) if coeff.shape[0] >= 2 else np.nan
    even = coeff.shape[0] >= 2 and np.ptp(np.diff(times)) <= 1e-3 * spacing + 2 * float(ds.attrs.get("dt", 0.0))
    if even:
        tau, status = _line_decorrelation(coeff, spacing)
        resolved = status == "resolved"
        linewidth[resolved] = pump_linewidth + 1 / (np.pi * tau[resolved])
        if pump_linewidth > 0:
            inherited = status == "above_span"
            linewidth[inherited] = pump_linewidth
            status[inherited] = "from_pump_bound" if ds.attrs.get("pump_linewidth_is_bound", 0) else "from_pump"
    strongest = np.max(np.where(mu != 0, power, 0.0))
    keep = (power >= strongest * 10 ** (floor_db / 10)) | (mu == 0)
    attrs = {"snapshot_spacing": spacing, "recorded_span": spacing * (coeff.shape[0] - 1),
             "pump_linewidth": pump_linewidth, "false_coherence_probability": FALSE_COHERENCE_PROBABILITY}
    return line_table(mu[keep], line_frequency[keep], power[keep], osnr[keep], linewidth[keep], attrs, status[keep])
