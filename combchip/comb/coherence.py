"""Coherence of a comb line from its simulated time trace: g⁽¹⁾(s) and g⁽²⁾(s) of each line.

A comb line's slowly varying bus-output amplitude a(t) is a stationary random process. Its first- and
second-order coherence functions are

    G⁽¹⁾(s) = ⟨a(t + s) a*(t)⟩,    G⁽²⁾(s) = ⟨|a(t + s)|² |a(t)|²⟩,    Ī = G⁽¹⁾(0),

normalized as g⁽¹⁾ = G⁽¹⁾/Ī and g⁽²⁾ = G⁽²⁾/Ī². A steady line has |g⁽¹⁾| = g⁽²⁾ = 1; a thermal (Gaussian)
line has g⁽²⁾ = 1 + |g⁽¹⁾|². A constant frequency offset of the line cancels in |g⁽¹⁾|², so the drift of a
soliton in the simulation frame needs no correction. :mod:`combchip.link.visibility` turns these into
HOM and Bell-state visibilities.

A run driven by a noisy pump (:mod:`combchip.comb.pump_noise`) is simulated in the frame of the pump's phase
φ_p(t); its lines are brought back to the frame of the mean pump frequency, a_μ → a_μ·e^{−iφ_p(t)}, so that the
ensemble average over runs carries the pump's phase noise into g⁽¹⁾: a line locked to the pump then decays
as |g⁽¹⁾(s)|² = e^{−2πΔν_p|s|} for a Lorentzian pump of FWHM Δν_p, while the LLE's own decorrelation of a
chaotic line adds to it.

References
----------
R. Loudon, The Quantum Theory of Light, 3rd ed. (Oxford, 2000), ch. 3 (g⁽¹⁾ and g⁽²⁾ of classical light).
"""

from __future__ import annotations


import numpy as np
import xarray as xr

from ..validation import check_positive, check_range

__all__ = ["MIN_SAMPLES", "coherence_time", "line_amplitude", "line_coherence", "trace_coherence"]

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


def _pump_phase(ds: xr.Dataset, pump_noise: xr.Dataset | None, times: np.ndarray) -> np.ndarray:
    """φ_p at the snapshot ``times``, shape (runs, snapshots) (zeros without ``pump_noise``)."""
    runs = ds.sizes["run"]
    if pump_noise is None:
        return np.zeros((runs, times.size))
    if not isinstance(pump_noise, xr.Dataset) or "phase" not in pump_noise:
        raise ValueError("pump_noise must be a pump_frequency_trace Dataset (combchip.comb.pump_noise)")
    phase = np.atleast_2d(pump_noise.phase.values)
    if phase.shape[0] != runs:
        raise ValueError(f"pump_noise has {phase.shape[0]} realizations but ds has {runs} runs")
    grid = pump_noise.time.values
    if times[0] < grid[0] or times[-1] > grid[-1] * (1 + 1e-12):
        raise ValueError(f"pump_noise covers {grid[0]:.3g}…{grid[-1]:.3g} s, not the snapshots up to {times[-1]:.3g} s")
    return np.array([np.interp(times, grid, row) for row in phase])


def line_amplitude(ds: xr.Dataset, mu: int, pump_noise: xr.Dataset | None = None) -> np.ndarray:
    """Bus-output amplitude [√W] of line ``mu`` at the snapshots, shape (runs, snapshots), in the frame of the
    mean pump frequency: the simulated amplitude times e^{−iφ_p(t)} of ``pump_noise`` (a
    :func:`combchip.comb.pump_noise.pump_frequency_trace` of the run's pump, one realization per run)."""
    if "run" not in ds.dims:
        ds = ds.expand_dims("run")
    if int(mu) not in set(ds.mu.values.tolist()):
        raise ValueError(f"mu = {mu} not in the simulated modes {int(ds.mu.min())}…{int(ds.mu.max())}")
    times = np.asarray(ds.snapshot_time.values, dtype=float)
    return _output_amplitude(ds, int(mu)) * np.exp(-1j * _pump_phase(ds, pump_noise, times))


def _on_grid(times: np.ndarray, amplitude: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Amplitudes (runs, snapshots) at snapshot times rounded to solver steps, interpolated onto the even grid."""
    return np.array([np.interp(grid, times, row.real) + 1j * np.interp(grid, times, row.imag) for row in amplitude])


def line_coherence(ds: xr.Dataset, mu, *, max_lag=None, pump_noise: xr.Dataset | None = None) -> xr.Dataset:
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
    pump_noise : xarray.Dataset, optional
        The pump's phase φ_p(t) of each run (:func:`combchip.comb.pump_noise.pump_frequency_trace`, whose
        schedule :func:`~combchip.comb.pump_noise.noisy_detuning` drove the run): the lines carry its phase
        noise (see :func:`line_amplitude`), and the ``pump_linewidth`` attribute, which
        :func:`combchip.link.visibility.coherence_visibility` would add, is 0. Without it the pump is noiseless
        in g⁽¹⁾ and ``pump_linewidth`` is the run's Lorentzian pump linewidth.

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
    per_line = [trace_coherence(_on_grid(times, line_amplitude(ds, int(m), pump_noise), grid), spacing,
                                max_lag=max_lag) for m in modes]
    out = xr.concat(per_line, dim=xr.DataArray(modes, dims="mu", name="mu"), combine_attrs="drop")
    out["power"] = ("mu", [c.attrs["power"] for c in per_line], {"units": "W", "long_name": "mean bus power of the line"})
    out.mu.attrs.update({"units": "1", "long_name": "relative mode number"})
    out.attrs.update({"spacing": spacing, "samples": times.size, "runs": per_line[0].attrs["runs"],
                      # with pump_noise the pump's phase noise is in g1 already: nothing left for visibilities to add
                      "pump_linewidth": 0.0 if pump_noise is not None else float(ds.attrs.get("pump_linewidth", 0.0)),
                      "pump_noise_included": int(pump_noise is not None)})
    return out


def coherence_time(coherence: xr.Dataset) -> xr.DataArray:
    """1/e coherence time τ_c [s]: the first lag at which |g⁽¹⁾(s)|² falls to e⁻¹ (linear interpolation).

    A Lorentzian line of FWHM Δν has τ_c = 1/(2πΔν) (|g⁽¹⁾|² = e^{−2πΔν|s|}; Loudon, ch. 3). NaN where
    |g⁽¹⁾|² stays above e⁻¹ over the computed lags (the attribute ``reason`` says so).
    """
    if not isinstance(coherence, xr.Dataset) or "g1_squared" not in coherence:
        raise ValueError("coherence must be a line_coherence or trace_coherence Dataset")
    lines = coherence if "mu" in coherence.dims else coherence.expand_dims(mu=[0])
    lag = lines.lag.values
    level = np.exp(-1.0)
    out = np.full(lines.sizes["mu"], np.nan)
    for k, g in enumerate(lines.g1_squared.transpose("mu", "lag").values):
        below = np.nonzero(g <= level)[0]
        if below.size and below[0] > 0:
            i = below[0]
            out[k] = lag[i - 1] + (lag[i] - lag[i - 1]) * (g[i - 1] - level) / (g[i - 1] - g[i])
        elif below.size:
            out[k] = lag[0]
    reason = "" if np.all(np.isfinite(out)) else (f"NaN: |g1|² stays above 1/e up to the largest lag {lag[-1]:.3g} s")
    da = xr.DataArray(out, dims="mu", coords={"mu": lines.mu.values},
                      attrs={"units": "s", "long_name": "1/e coherence time of |g⁽¹⁾|²", "reason": reason})
    return da if "mu" in coherence.dims else da.isel(mu=0, drop=True)
