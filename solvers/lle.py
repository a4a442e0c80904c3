"""Split-step solver of the normalized Lugiato–Lefever equation on batched (B, N) fields.

    ∂ψ/∂τ = −(l_μ + iζ(τ))ψ − i·IFFT[d_int(μ)·FFT ψ] + i|ψ|²ψ + f

(Herr et al., Nat. Photon. 8, 145 (2014); Godey et al., PRA 89, 063814 (2014)), with
τ = κt/2, l_μ = κ_μ/κ and d_int = 2D_int/κ.

Stepping is symmetric Strang splitting L(h/2)·N(h)·L(h/2):

* L is loss, dispersion and the constant drive, integrated exactly in the Fourier domain;
* N is the Kerr and detuning rotation e^{i(|ψ|² − ζ)h}, applied as its Cayley approximant
  (1 + ip/2)/(1 − ip/2), which is unitary and second-order, so the scheme stays O(h²) and
  avoids a complex exponential per element;
* ζ is taken at the midpoint of each step.

FFTs are pyfftw plans built once per shape (FFTW_ESTIMATE, so plans, and therefore
results, are reproducible run to run). Vacuum-like noise enters every ``noise_interval``
as the Langevin increment of that interval, drawn from one generator per row, so a batch
reproduces the same runs made one by one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import pyfftw
from tqdm.auto import tqdm

from . import kernels
from .protocols import Schedule

_PARALLEL_MIN_SIZE = 8192


class DivergenceError(RuntimeError):
    """The integration produced NaN/Inf or a nonlinear phase step too large to trust."""


def mode_numbers(modes: int) -> np.ndarray:
    """Relative mode numbers μ in FFT order (0, 1, …, N/2−1, −N/2, …, −1)."""
    return np.fft.fftfreq(modes, 1.0 / modes).astype(int)


@dataclass
class LLEResult:
    """Raw output of :meth:`LLESolver.run`, in normalized units.

    Traces have shape (B, T) at times ``trace_tau``; snapshots (B, S, N) hold the Fourier
    coefficients ψ_μ (FFT order) at ``snapshot_tau``; ``final`` (B, N) is the last state.
    """

    trace_tau: np.ndarray
    zeta: np.ndarray
    mean_power: np.ndarray
    sideband_power: np.ndarray
    pump_mode: np.ndarray
    peak_power: np.ndarray
    snapshot_tau: np.ndarray
    snapshots: np.ndarray
    final: np.ndarray
    dt: float
    meta: dict = field(default_factory=dict)

    def fields(self) -> np.ndarray:
        """Snapshot fields ψ(θ), shape (B, S, N)."""
        return np.fft.ifft(self.snapshots, axis=-1) * self.snapshots.shape[-1]


class LLESolver:
    """Strang split-step LLE integrator with reusable FFTW plans.

    Parameters
    ----------
    d_int : array_like, shape (N,)
        Normalized integrated dispersion 2D_int(μ)/κ in FFT mode order (see :func:`mode_numbers`).
    loss : float or array_like, shape (N,)
        Normalized loss l_μ = κ_μ/κ (1 for a uniform κ; 0 gives the conservative NLS).
    dt : float
        Normalized step h (τ units).
    threads : int, optional
        FFTW threads for batches; default: all cores numba sees.
    """

    def __init__(self, d_int, loss=1.0, dt=2e-3, threads=None):
        d_int = np.asarray(d_int, dtype=float)
        if d_int.ndim != 1 or d_int.size < 8:
            raise ValueError(f"d_int must be 1-D with at least 8 modes, got shape {d_int.shape}")
        if not np.all(np.isfinite(d_int)):
            raise ValueError("d_int must be finite")
        loss = np.broadcast_to(np.asarray(loss, dtype=float), d_int.shape).copy()
        if not np.all(loss >= 0):
            raise ValueError(f"loss must be >= 0 for every mode, got min {loss.min()}")
        if not (np.isfinite(dt) and dt > 0):
            raise ValueError(f"dt must be > 0, got {dt}")
        self.d_int = d_int
        self.loss = loss
        self.dt = float(dt)
        self.modes = d_int.size
        self.threads = int(threads or os.cpu_count() or 1)
        rate = self.loss + 1j * self.d_int
        self._rate0 = rate[0]
        self._half = np.exp(-rate * self.dt / 2)
        self._half_scaled = self._half / self.modes
        self._plans = {}

    def _buffers(self, rows: int):
        if rows not in self._plans:
            shape = (rows, self.modes)
            threads = self.threads if rows * self.modes >= _PARALLEL_MIN_SIZE else 1
            lin, fld, raw = (pyfftw.empty_aligned(shape, dtype=complex) for _ in range(3))
            flags = ("FFTW_ESTIMATE", "FFTW_DESTROY_INPUT")
            backward = pyfftw.FFTW(lin, fld, axes=(-1,), direction="FFTW_BACKWARD", flags=flags, threads=threads)
            forward = pyfftw.FFTW(fld, raw, axes=(-1,), direction="FFTW_FORWARD", flags=flags, threads=threads)
            self._plans[rows] = (lin, fld, raw, backward, forward)
        return self._plans[rows]

    def drive_term(self, f) -> np.ndarray:
        """F = f(1 − E_0)/a_0, the drive's exact contribution over a half step, per row."""
        if self._rate0 == 0:
            return np.asarray(f, dtype=complex) * self.dt / 2
        return -np.asarray(f, dtype=complex) * np.expm1(-self._rate0 * self.dt / 2) / self._rate0

    def run(
        self,
        f,
        schedule,
        duration,
        initial=None,
        *,
        noise=0.0,
        seeds=0,
        noise_interval=0.25,
        snapshot_tau=(),
        trace_every=100,
        output_weight=None,
        max_phase=1.0,
        chunk=4096,
        progress=True,
    ) -> LLEResult:
        """Integrate B fields over ``duration`` (normalized time).

        Parameters
        ----------
        f : float or array_like, shape (B,)
            Drive amplitude per row (real, ≥ 0).
        schedule : Schedule or sequence of Schedule
            ζ(τ), one for all rows or one per row.
        duration : float
            Normalized integration time; the step count is ``round(duration/dt)``.
        initial : array_like, shape (N,) or (B, N), optional
            Initial field ψ(θ); zero if omitted.
        noise : float
            Vacuum variance σ² = E|ψ_μ|² per mode (κ-normalized: g₀/κ for half a photon).
            The initial state gets it, and every ``noise_interval`` each mode gets the Langevin
            increment of variance 2 l_μ σ² Δτ.
        seeds : int or sequence of int
            One seed per row (an int is broadcast as ``seed + row``).
        snapshot_tau : sequence of float
            Times at which to store the full state (rounded to the nearest step).
        trace_every : int
            Steps between samples of the scalar traces (memory does not grow with steps).
        output_weight : array_like, shape (N,), optional
            Weights w_μ of ``sideband_power`` = Σ_{μ≠0} w_μ|ψ_μ|²; ones if omitted.
        max_phase : float
            Largest Kerr-and-detuning phase per step (rad) before a :class:`DivergenceError`.
        progress : bool
            Show a tqdm bar.
        """
        rows, f, schedules, seeds = self._rows(f, schedule, seeds, initial)
        if not (np.isfinite(duration) and duration > 0):
            raise ValueError(f"duration must be > 0, got {duration}")
        if not (np.isfinite(noise) and noise >= 0):
            raise ValueError(f"noise must be >= 0, got {noise}")
        if not (isinstance(trace_every, (int, np.integer)) and trace_every >= 1):
            raise ValueError(f"trace_every must be an integer >= 1, got {trace_every}")
        if not noise_interval > 0:
            raise ValueError(f"noise_interval must be > 0, got {noise_interval}")
        n = self.modes
        h = self.dt
        steps = max(1, int(round(duration / h)))
        snap_steps = np.clip(np.rint(np.asarray(snapshot_tau, dtype=float) / h).astype(int), 0, steps)
        if np.any(np.asarray(snapshot_tau, dtype=float) < 0):
            raise ValueError("snapshot_tau must be >= 0")
        weight = np.ones(n) if output_weight is None else np.asarray(output_weight, dtype=float)
        if weight.shape != (n,):
            raise ValueError(f"output_weight must have shape ({n},), got {weight.shape}")
        noise_every = max(1, int(round(noise_interval / h)))
        generators = [np.random.default_rng(s) for s in seeds]

        kerr, linear, half_step = kernels.PARALLEL if rows * n >= _PARALLEL_MIN_SIZE else kernels.SERIAL
        lin, fld, raw, backward, forward = self._buffers(rows)
        spec = np.zeros((rows, n), dtype=complex)
        if initial is not None:
            spec[:] = np.fft.fft(np.broadcast_to(np.asarray(initial, dtype=complex), (rows, n)), axis=-1) / n
        if noise > 0:
            spec += self._noise(generators, 1, noise)[0]
        drive = self.drive_term(f)
        stats = np.zeros((rows, 4))
        peak = np.zeros(rows)
        noise_block = np.zeros((1, rows, n), dtype=complex)

        samples = np.unique(np.r_[np.arange(0, steps + 1, trace_every), steps])
        trace = np.zeros((len(samples), rows, 6))
        snaps = np.zeros((rows, len(snap_steps), n), dtype=complex)
        snap_order = np.argsort(snap_steps, kind="stable")

        def record(step, s_idx):
            trace[s_idx, :, :4] = stats
            trace[s_idx, :, 4] = peak
            trace[s_idx, :, 5] = [sch(step * h) for sch in schedules]

        def take_snapshots(step, pos):
            while pos < len(snap_order) and snap_steps[snap_order[pos]] == step:
                snaps[:, snap_order[pos]] = spec
                pos += 1
            return pos

        self._initial_stats(spec, stats, peak, weight)
        record(0, 0)
        s_idx, snap_pos = 1, take_snapshots(0, 0)
        half_step(spec, lin, self._half, drive)
        bar = tqdm(total=steps, disable=not progress, unit="step", desc="LLE", leave=False)
        step = 0
        while step < steps:
            count = min(chunk, steps - step)
            mid = (step + np.arange(count) + 0.5) * h
            zeta = np.ascontiguousarray(np.stack([sch(mid) for sch in schedules], axis=1))
            noise_at = [k for k in range(count) if (step + k + 1) % noise_every == 0] if noise > 0 else []
            if noise_at:
                noise_block = self._noise(generators, len(noise_at), noise * 2 * noise_every * h, scale=self.loss)
            inj = 0
            for k in range(count):
                backward.execute()
                phase = kerr(fld, zeta, k, h, peak)
                if not phase <= max_phase:
                    bar.close()
                    raise DivergenceError(self._divergence_message(phase, max_phase, (step + k) * h))
                forward.execute()
                add = inj < len(noise_at) and noise_at[inj] == k
                linear(raw, spec, lin, self._half_scaled, self._half, drive, weight, stats,
                       noise_block[inj if add else 0], add)
                inj += add
                done = step + k + 1
                if s_idx < len(samples) and samples[s_idx] == done:
                    if not np.all(np.isfinite(stats)):
                        bar.close()
                        raise DivergenceError(self._divergence_message(np.inf, max_phase, done * h))
                    record(done, s_idx)
                    s_idx += 1
                snap_pos = take_snapshots(done, snap_pos)
            step += count
            bar.update(count)
        bar.close()
        if not np.all(np.isfinite(spec)):
            raise DivergenceError(self._divergence_message(np.inf, max_phase, steps * h))
        return LLEResult(
            trace_tau=samples * h,
            zeta=trace[:, :, 5].T.copy(),
            mean_power=trace[:, :, 0].T.copy(),
            sideband_power=trace[:, :, 1].T.copy(),
            pump_mode=(trace[:, :, 2] + 1j * trace[:, :, 3]).T.copy(),
            peak_power=trace[:, :, 4].T.copy(),
            snapshot_tau=snap_steps * h,
            snapshots=snaps,
            final=spec.copy(),
            dt=h,
            meta=dict(steps=steps, seeds=list(seeds), noise=noise, noise_interval=noise_every * h),
        )

    def _rows(self, f, schedule, seeds, initial):
        f = np.atleast_1d(np.asarray(f, dtype=float))
        schedules = [schedule] if isinstance(schedule, Schedule) else list(schedule)
        if not all(isinstance(s, Schedule) for s in schedules) or not schedules:
            raise ValueError("schedule must be a Schedule or a non-empty sequence of Schedule")
        seeds = np.atleast_1d(np.asarray(seeds))
        init_rows = 1 if initial is None or np.ndim(initial) == 1 else np.shape(initial)[0]
        rows = max(f.size, len(schedules), seeds.size, init_rows)
        for name, size in (("f", f.size), ("schedule", len(schedules)), ("initial", init_rows)):
            if size not in (1, rows):
                raise ValueError(f"{name} has {size} rows, expected 1 or {rows}")
        if seeds.size == 1 and rows > 1:
            seeds = seeds[0] + np.arange(rows)
        elif seeds.size != rows:
            raise ValueError(f"seeds has {seeds.size} entries, expected 1 or {rows}")
        if not np.all(np.isfinite(f)) or np.any(f < 0):
            raise ValueError(f"f must be finite and >= 0, got {f.tolist()}")
        if initial is not None and np.shape(initial)[-1] != self.modes:
            raise ValueError(f"initial must have {self.modes} modes on its last axis, got {np.shape(initial)}")
        if len(schedules) == 1:
            schedules = schedules * rows
        return rows, np.broadcast_to(f, (rows,)).copy(), schedules, [int(s) for s in seeds]

    def _noise(self, generators, count, variance, scale=None):
        """Complex Gaussian draws (count, B, N) of variance ``variance``·``scale``_μ, row by row."""
        sigma = np.sqrt(variance / 2 * (1.0 if scale is None else scale))
        out = np.empty((count, len(generators), self.modes), dtype=complex)
        for b, gen in enumerate(generators):
            draw = gen.standard_normal((count, 2, self.modes))
            out[:, b] = (draw[:, 0] + 1j * draw[:, 1]) * sigma
        return out

    def _initial_stats(self, spec, stats, peak, weight):
        power = np.abs(spec) ** 2
        stats[:, 0] = power.sum(axis=1)
        stats[:, 1] = (power[:, 1:] * weight[1:]).sum(axis=1)
        stats[:, 2] = spec[:, 0].real
        stats[:, 3] = spec[:, 0].imag
        peak[:] = (np.abs(np.fft.ifft(spec, axis=1) * self.modes) ** 2).max(axis=1)

    def _divergence_message(self, phase, limit, tau):
        if not np.isfinite(phase):
            return f"the field became NaN/Inf near tau = {tau:.4g}; reduce dt (now {self.dt:g})"
        return (f"the Kerr-and-detuning phase per step reached {phase:.3g} rad (limit {limit:g}) near "
                f"tau = {tau:.4g}; reduce dt (now {self.dt:g}) to about {self.dt * 0.5 * limit / phase:.2g}")
