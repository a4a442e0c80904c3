"""Coherence of a comb line from its simulated time trace: g⁽¹⁾(s) and g⁽²⁾(s) of each line.

A comb line's slowly varying bus-output amplitude a(t) is a stationary random process. Its first- and
second-order coherence functions are

    G⁽¹⁾(s) = ⟨a(t + s) a*(t)⟩,    G⁽²⁾(s) = ⟨|a(t + s)|² |a(t)|²⟩,    Ī = G⁽¹⁾(0),

normalized as g⁽¹⁾ = G⁽¹⁾/Ī and g⁽²⁾ = G⁽²⁾/Ī². A steady line has |g⁽¹⁾| = g⁽²⁾ = 1; a thermal (Gaussian)
line has g⁽²⁾ = 1 + |g⁽¹⁾|². A constant frequency offset of the line cancels in |g⁽¹⁾|², so the drift of a
soliton in the simulation frame needs no correction. :mod:`combchip.link.visibility` turns these into
HOM and Bell-state visibilities.

References
----------
R. Loudon, The Quantum Theory of Light, 3rd ed. (Oxford, 2000), ch. 3 (g⁽¹⁾ and g⁽²⁾ of classical light).
"""

from __future__ import annotations


import numpy as np
import xarray as xr

from ..validation import check_positive, check_range

__all__ = ["MIN_SAMPLES", "line_coherence", "trace_coherence"]

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
