"""Table of comb lines from a simulate_comb snapshot: frequency, ITU channel, power, OSNR, linewidth.

One row becomes a :class:`combchip.schema.CombLine` (``CombLine.from_table(lines, mu)``), the input of a
transmitter chip.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..schema import COMB_LINES, validate

_ITU_ORIGIN_HZ = 190.0e12
_ITU_SPACING_HZ = 100e9


def line_table(mu, frequency, power, osnr, linewidth, attrs=None) -> xr.Dataset:
    """A :data:`combchip.schema.COMB_LINES` table of lines ``mu`` at ``frequency`` [Hz] with ``power`` [W],
    ``osnr`` [dB] and Lorentzian ``linewidth`` [Hz]; the ITU channel (CHn at 190 THz + n·100 GHz), its
    offset [Hz] and the power in dBm are derived."""
    frequency = np.asarray(frequency, dtype=float)
    power = np.asarray(power, dtype=float)
    channel = np.rint((frequency - _ITU_ORIGIN_HZ) / _ITU_SPACING_HZ).astype(int)
    columns = {
        "line_frequency": frequency,
        "itu_channel": channel,
        "itu_offset": frequency - (_ITU_ORIGIN_HZ + _ITU_SPACING_HZ * channel),
        "power": power,
        "power_dbm": 10 * np.log10(np.maximum(power, 1e-300) / 1e-3),
        "osnr": np.asarray(osnr, dtype=float),
        "linewidth": np.asarray(linewidth, dtype=float),
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


def comb_lines(ds: xr.Dataset, snapshots=slice(-5, None), run: int = 0, floor_db: float = -60.0) -> xr.Dataset:
    """Comb-line table from the output spectrum of ``ds``.

    Parameters
    ----------
    ds : xarray.Dataset
        A :func:`~combchip.simulate_comb` result.
    snapshots : slice or sequence of int
        Snapshots averaged for the table (default: the last five). With two or more, the
        lines' coherence is measured between consecutive snapshots a time Δt apart.
    run : int
        Batch row, if ``ds`` has a ``run`` dimension.
    floor_db : float
        Lines weaker than this, relative to the strongest non-pump line, are dropped.

    Returns
    -------
    xarray.Dataset on ``mu``, a :data:`combchip.schema.COMB_LINES` table (:func:`line_table`), with
        ``line_frequency`` [Hz] = ν_p + μ·FSR, ``itu_channel`` (100 GHz grid, CHn at 190 THz + n·100 GHz)
        and ``itu_offset`` [Hz]; ``power`` [W] and ``power_dbm``; ``osnr`` [dB], coherent over
        incoherent line power across the snapshots (drift removed); ``linewidth`` [Hz]
        = Δν_pump + Δν_excess with |g⁽¹⁾(Δt)| = exp(−πΔν_excess·Δt) (Lorentzian lines).
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
    coeff = _aligned(field)[:, order]
    total = np.mean(np.abs(coeff) ** 2, axis=0)
    coherent = np.abs(np.mean(coeff, axis=0)) ** 2
    incoherent = np.maximum(total - coherent, np.finfo(float).eps * total.max())
    osnr = 10 * np.log10(np.maximum(coherent, np.finfo(float).tiny) / incoherent)
    linewidth = np.full(mu.size, float(ds.attrs.get("pump_linewidth", 0.0)))
    spacing = float(np.mean(np.diff(chosen.snapshot_time.values))) if coeff.shape[0] >= 2 else np.nan
    if coeff.shape[0] >= 2:
        g1 = np.abs(np.mean(coeff[1:] * coeff[:-1].conj(), axis=0)) / np.maximum(total, np.finfo(float).tiny)
        excess = -np.log(np.clip(g1, 1e-12, 1.0)) / (np.pi * spacing)
        linewidth = linewidth + excess
    strongest = np.max(np.where(mu != 0, power, 0.0))
    keep = (power >= strongest * 10 ** (floor_db / 10)) | (mu == 0)
    return line_table(mu[keep], line_frequency[keep], power[keep], osnr[keep], linewidth[keep],
                      {"snapshot_spacing": spacing})
