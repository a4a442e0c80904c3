"""Seeded realizations of a pump's frequency noise (white + flicker), and the detuning schedule they make.

A pump with instantaneous frequency ν̄_p + δν_p(t) drives the ring; in the frame of the pump's own phase
φ_p(t) = 2π∫δν_p dt the LLE keeps a real drive and the detuning becomes Δν(t) = Δν̄ − δν_p(t) (Herr et al.,
Nat. Photon. 8, 145 (2014), eq. (1) with a time-dependent ω_p). A line's amplitude in the frame of the mean pump
frequency is the simulated one times e^{−iφ_p(t)} (``e^{−iωt}`` convention of :mod:`combchip.solvers.lle`).

δν_p is drawn on an even grid of spacing Δt with one-sided PSD S(f) = h₀ + h₋₁/f: the white part as independent
samples of variance h₀/(2Δt), the flicker part by spectral synthesis on a grid twice as long (Timmer and König,
Astron. Astrophys. 300, 707 (1995)). Between samples δν_p is linear, as :class:`~combchip.comb.detuning.DetuningSchedule`
interpolates it, and φ_p is its exact (trapezoid) integral, so the solver and the phase see the same pump.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr
from scipy.integrate import cumulative_trapezoid

from .detuning import DetuningSchedule
from .line_noise import PumpFrequencyNoise
from ..validation import check_int, check_positive, check_range

__all__ = ["noisy_detuning", "pump_frequency_trace"]


def _seed_list(seed) -> tuple[list[int], bool]:
    batched = isinstance(seed, (Sequence, np.ndarray))
    seeds = list(np.atleast_1d(seed))
    if not seeds or not all(isinstance(s, (int, np.integer)) and s >= 0 for s in seeds):
        raise ValueError(f"seed must be a non-negative integer or a sequence of them, got {seed!r}")
    return [int(s) for s in seeds], batched


def _draw(noise: PumpFrequencyNoise, samples: int, spacing: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    offset = rng.standard_normal(samples) * np.sqrt(noise.white / (2 * spacing))
    if noise.flicker > 0:
        m = 2 * samples
        f = np.fft.rfftfreq(m, spacing)
        amplitude = np.zeros(f.size)
        amplitude[1:] = np.sqrt(m * noise.flicker / f[1:] / (4 * spacing))
        spectrum = amplitude * (rng.standard_normal(f.size) + 1j * rng.standard_normal(f.size))
        spectrum[-1] = spectrum[-1].real * np.sqrt(2)   # the Nyquist bin of an even grid is real
        offset += np.fft.irfft(spectrum, m)[:samples]
    return offset


def pump_frequency_trace(noise: PumpFrequencyNoise, duration, spacing, *, seed=0) -> xr.Dataset:
    """One realization per seed of the pump's frequency offset δν_p(t) and phase φ_p(t).

    Parameters
    ----------
    noise : PumpFrequencyNoise
        h₀ [Hz²/Hz] and h₋₁ [Hz³/Hz] (its ``rep_rate_coupling`` is not used here).
    duration, spacing : float
        Record length and sample spacing Δt [s] (≥ 4 samples).
    seed : int or sequence of int
        One realization per seed; a sequence adds the dimension ``run`` (each row equals its seed drawn alone).

    Returns
    -------
    xarray.Dataset on (``run``,) ``time`` [s]: ``frequency_offset`` δν_p [Hz] and ``phase`` φ_p = 2π∫δν_p dt [rad].
    """
    if not isinstance(noise, PumpFrequencyNoise):
        raise ValueError(f"noise must be a PumpFrequencyNoise, got {type(noise).__name__}")
    duration = check_positive("duration", duration, "s")
    spacing = check_range("spacing", spacing, 0.0, duration / 3, "s", low_open=True)
    samples = check_int("samples", int(np.floor(duration / spacing + 1e-9)) + 1, 4)
    seeds, batched = _seed_list(seed)
    time = np.arange(samples) * spacing
    offset = np.array([_draw(noise, samples, spacing, s) for s in seeds])
    phase = 2 * np.pi * cumulative_trapezoid(offset, time, axis=-1, initial=0.0)
    ds = xr.Dataset(
        {"frequency_offset": (("run", "time"), offset, {"units": "Hz", "long_name": "pump frequency offset δν_p"}),
         "phase": (("run", "time"), phase, {"units": "rad", "long_name": "pump phase φ_p = 2π∫δν_p dt"})},
        coords={"run": ("run", np.arange(len(seeds))), "seed": ("run", seeds, {"long_name": "noise seed"}),
                "time": ("time", time, {"units": "s", "long_name": "time"})},
        attrs={"white": noise.white, "flicker": noise.flicker, "spacing": spacing, "duration": duration},
    )
    return ds if batched else ds.isel(run=0, drop=True)


def noisy_detuning(trace: xr.Dataset, detuning_hz) -> DetuningSchedule | list[DetuningSchedule]:
    """Detuning schedule Δν(t) = Δν̄ − δν_p(t) [Hz] of each realization in ``trace`` about the mean ``detuning_hz``.

    Pass the result (one schedule, or a list for a batched trace) to :func:`combchip.simulate_comb` with the
    trace's seeds, and the trace to :func:`combchip.comb.coherence.line_coherence` as ``pump_noise``.
    """
    if not isinstance(trace, xr.Dataset) or "frequency_offset" not in trace:
        raise ValueError("trace must be a pump_frequency_trace Dataset")
    mean = check_range("detuning_hz", detuning_hz, unit="Hz")
    time = tuple(trace.time.values.tolist())
    rows = np.atleast_2d(trace.frequency_offset.values)
    schedules = [DetuningSchedule(time, tuple((mean - row).tolist())) for row in rows]
    return schedules if "run" in trace.dims else schedules[0]
