"""Split-step solver of the normalized Lugiato–Lefever equation on batched (B, N) fields.

    ∂ψ/∂τ = −(l_μ + iζ(τ))ψ − i·IFFT[d_int(μ)·FFT ψ] + i|ψ|²ψ + f

(Herr et al., Nat. Photon. 8, 145 (2014); Godey et al., PRA 89, 063814 (2014)), with
τ = κt/2, l_μ = κ_μ/κ and d_int = 2D_int/κ.

Stepping is symmetric Strang splitting L(h/2)·N(h)·L(h/2):

* L is loss, dispersion and the constant drive (on μ = 0, or on every mode of a ``pump_profile``, e.g. the
  sidebands of a pump modulated at the FSR), integrated exactly in the Fourier domain, mode by mode;
* N is the Kerr and detuning rotation e^{i(|ψ|² − ζ)h}, applied as its Cayley approximant
  (1 + ip/2)/(1 − ip/2), which is unitary and second-order, so the scheme stays O(h²) and
  avoids a complex exponential per element;
* ζ is taken at the midpoint of each step.

Slow couplings (multirate). With ``thermal`` (a :class:`~.protocols.HeatPoles`) ζ becomes
ζ + x, the thermal shift x obeying dx_i/dτ = r_i(g_i P − x_i) with r_i = 2/(κτ_i) ≪ 1. x is held
over a block of fast steps (``slow_every``, and every trace, snapshot, noise or chunk stop) and
then advanced by the exact exponential update x_i ← g_iP̄ + (x_i − g_iP̄)e^{−r_iΔτ}, with P̄ the
block average of the midpoint powers, so heat costs nothing per step. An ``aux`` mode b (one
number per row, :class:`~.protocols.AuxMode`) is stepped with ψ in the same Strang step.

Self-injection locking (``sil``, :class:`~.protocols.SILMode`): the laser field, its gain and the backward
mode are faster than the ring when the ring's Q is high, so inside each Kerr substep they take RK4 substeps
with ψ₀ and ⟨|ψ|²⟩ held at their midpoint values (:func:`.kernels.sil_kerr_step`), and the drive f·a + iβb
of the surrounding linear half steps is updated in place.

FFTs are FFTW plans built once per shape (FFTW_ESTIMATE, so plans, and therefore results, are
reproducible run to run) on split arrays, real and imaginary parts apart (:mod:`.fftw_c`), so that the element-wise
kernels vectorize without deinterleaving; the linear half steps of two consecutive steps are one complex product
by E²/N per mode. Where FFTW's C API is found beside pyfftw (:mod:`.fftw_c`, chosen once at
import as ``COMPILED``) every stretch of steps between two Python events (snapshots, thermal blocks,
chunks of detunings, checkpoints, blocks of noise draws) runs in one numba loop that calls
``fftw_execute`` itself (:func:`.kernels.steps`, one loop for the plain, the thermally coupled and the
self-injection-locked Kerr substep) and takes the trace samples, the divergence checks and the noise refreshes
and the ends of heat blocks (:func:`.kernels.relax`, the same compiled function from Python and from the loop)
inside the stretch on its own; otherwise (``COMPILED`` False) each step executes the plans from Python and every
sample is a Python event. Both execute the same
plans and the same kernels (the reductions too) on the same aligned buffers, so they give the same
numbers bit for bit. Vacuum-like noise enters every ``noise_interval`` as the Langevin increment of
that interval, drawn from one generator per row (``noise_block`` refreshes at a time, the same
stream), so a batch reproduces the same runs made one by one. Runs with ``sil`` are the exception to the bit-for-bit
agreement of the two loops: their laser substeps round differently when inlined (≈ 10⁻¹⁵), and differently
again depending on whether numba's cache compiled :func:`.kernels.sil_kerr_step` on its own or inside the loop
first, so SIL runs agree across processes to rounding, not always bit for bit. The reductions and the heat update are
compiled without fast-math (``fastmath=False`` set explicitly, so that a call from the loop does not inherit the
loop's flags) and round alike in both loops.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pyfftw
from numpy.typing import ArrayLike
from tqdm.auto import tqdm

from . import checkpoint as checkpoints
from . import fftw_c, kernels
from .protocols import AuxMode, HeatPoles, Schedule, SILMode


COMPILED = fftw_c.AVAILABLE
"""True: step loops compiled whole around FFTW's C API; False (no libfftw3 beside pyfftw): pyfftw per step."""


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
    ``thermal_shift`` (x, added to ζ), ``aux_power`` (|b|²) and ``aux_zeta`` (ζ_b) are traces of
    runs with a slow coupling, ``laser_field`` (a), ``laser_gain`` (y) and ``backward_field`` (b) of runs with
    ``sil``, else None; ``laser_shift`` is the laser's frequency offset 2(ω − ω_d)/κ = −arg(a_end/a_start)/h over
    the step before each sample; ``snapshot_laser`` (B, S, 7) holds (Re a, Im a, y, Re b, Im b, …) at the snapshots.
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
    thermal_shift: np.ndarray | None = None
    aux_power: np.ndarray | None = None
    aux_zeta: np.ndarray | None = None
    laser_field: np.ndarray | None = None
    laser_gain: np.ndarray | None = None
    backward_field: np.ndarray | None = None
    laser_shift: np.ndarray | None = None
    snapshot_laser: np.ndarray | None = None

    def fields(self) -> np.ndarray:
        """Snapshot fields ψ(θ), shape (B, S, N)."""
        return np.fft.ifft(self.snapshots, axis=-1) * self.snapshots.shape[-1]


@dataclass
class _Group:
    """Rows ``rows`` of the batch, stepped by one thread with their own FFTW plans on the split buffers ``lin``,
    ``fld``, ``raw`` (2, rows, N); ``spec`` (rows, N) is the complex end-of-step state."""

    rows: slice
    lin: np.ndarray
    fld: np.ndarray
    raw: np.ndarray
    backward: fftw_c.Plan | fftw_c.PyfftwPlan
    forward: fftw_c.Plan | fftw_c.PyfftwPlan
    inverse: fftw_c.Plan | fftw_c.PyfftwPlan
    spec: np.ndarray
    drive: np.ndarray
    where: np.ndarray
    schedules: list
    generators: list
    slow: _Slow | None = None
    sil: _SIL | None = None
    queue: np.ndarray | None = None
    queued: int = 0


@dataclass
class _Slow:
    """Per-row state of the slow couplings.

    Poles x_i, their sum x and the aux field b are views of the run's checkpointed arrays; ``acc``
    holds the block sums of (P, B), ``offset`` the shift x − 2|b|² of the last step and ``since[0]``
    the step at which the current block began.
    """

    poles: np.ndarray
    shift: np.ndarray
    aux: np.ndarray
    acc: np.ndarray
    offset: np.ndarray
    since: np.ndarray


@dataclass
class _SIL:
    """Per-row state (Re a, Im a, y, Re b, Im b) of a self-injection-locked laser (a view of the checkpointed array),
    its parameters (see :func:`.kernels.sil_kerr_step`) and the shift −2|b|² of ζ felt by ψ in the last step."""

    state: np.ndarray
    par: np.ndarray
    fb: np.ndarray
    offset: np.ndarray
    snapshots: np.ndarray


@dataclass
class _Events:
    """Step counts of trace samples, snapshots, noise refreshes and heat-block ends, and the stops at which Python
    takes over."""

    samples: np.ndarray
    snapshots: np.ndarray
    noise: np.ndarray
    heat: np.ndarray
    stops: np.ndarray

    @cached_property
    def snapshot_index(self) -> dict:
        index = {}
        for k, s in enumerate(self.snapshots):
            index.setdefault(int(s), []).append(k)
        return index


class LLESolver:
    """Strang split-step LLE integrator with reusable FFTW plans.

    Rows of a batch are independent: they are split into one group per thread, each stepped
    by serial numba kernels and single-threaded FFTW plans with the GIL released, so a batch
    reproduces the same runs made one by one: bit for bit where a group holds one row, and to rounding
    (≈ 10⁻¹⁵, then amplified by chaos) where a group holds several, because FFTW plans a (rows, N)
    transform with other codelets than a (1, N) one.

    Parameters
    ----------
    d_int : array_like, shape (N,)
        Normalized integrated dispersion 2D_int(μ)/κ in FFT mode order (see :func:`mode_numbers`).
    loss : float or array_like, shape (N,)
        Normalized loss l_μ = κ_μ/κ (1 for a uniform κ; 0 gives the conservative NLS).
    dt : float
        Normalized step h (τ units).
    threads : int, optional
        Threads for batches; default: the number of cores.
    """

    def __init__(self, d_int: ArrayLike, loss: float | ArrayLike = 1.0, dt: float = 2e-3, threads: int | None = None):
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
        if threads is not None and (not isinstance(threads, (int, np.integer)) or threads < 1):
            raise ValueError(f"threads must be an integer >= 1, got {threads!r}")
        self.d_int = d_int
        self.loss = loss
        self.dt = float(dt)
        self.modes = d_int.size
        self.threads = int(threads or os.cpu_count() or 1)
        rate = self.loss + 1j * self.d_int
        self._rate0 = rate[0]
        self._half = np.exp(-rate * self.dt / 2)
        self._plans = {}

    def _buffers(self, key, rows: int):
        """Split buffers ``lin``, ``fld``, ``raw`` (2, rows, N) and the plans lin → fld, fld → raw, raw → fld."""
        if key not in self._plans:
            lin, fld, raw = (pyfftw.empty_aligned((2, rows, self.modes), dtype=float) for _ in range(3))
            pairs = ((lin, fld, fftw_c.BACKWARD), (fld, raw, fftw_c.FORWARD), (raw, fld, fftw_c.BACKWARD))
            plan = fftw_c.Plan if fftw_c.AVAILABLE else fftw_c.PyfftwPlan
            self._plans[key] = (lin, fld, raw, *(plan(a, b, sign) for a, b, sign in pairs))
        return self._plans[key]

    def _coefficients(self) -> np.ndarray:
        """``coef`` of :func:`.kernels.linear_step`: Re, Im of E/N, E²/N and E, shape (6, N)."""
        scaled = self._half / self.modes
        return np.stack([part for c in (scaled, scaled * self._half, self._half) for part in (c.real, c.imag)])

    def drive_term(self, f: ArrayLike) -> np.ndarray:
        """F = f(1 − E_0)/a_0, the drive's exact contribution over a half step, per row."""
        if self._rate0 == 0:
            return np.asarray(f, dtype=complex) * self.dt / 2
        return -np.asarray(f, dtype=complex) * np.expm1(-self._rate0 * self.dt / 2) / self._rate0

    def _drives(self, f: np.ndarray, profile: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Driven modes ``where`` (FFT order) and F_μ = f·c_μ(1 − E_μ)/a_μ per row, shape (B, K).

        F_μ = :meth:`drive_term`(f)·c_μ·r_μ with r_μ = [(1 − E_μ)/a_μ]/[(1 − E_0)/a_0] and r_0 = 1 exactly, so that
        the profile δ_μ0 (and no profile) gives the plain pump's numbers bit for bit.
        """
        if profile is None:
            return self.drive_term(f)[:, None], np.zeros(1, dtype=np.int64)
        where = np.flatnonzero(profile).astype(np.int64)
        rate = self.loss[where] + 1j * self.d_int[where]
        still = rate == 0
        unit = np.where(still, self.dt / 2, -np.expm1(-rate * self.dt / 2) / np.where(still, 1.0, rate))
        ratio = np.where(where == 0, profile[where], profile[where] * (unit / self.drive_term(1.0)))
        return self.drive_term(f)[:, None] * ratio[None, :], where

    def run(
        self,
        f: float | ArrayLike,
        schedule: Schedule | Sequence[Schedule],
        duration: float,
        initial: ArrayLike | None = None,
        *,
        noise: float = 0.0,
        seeds: int | Sequence[int] = 0,
        noise_interval: float = 0.25,
        snapshot_tau: Sequence[float] = (),
        trace_every: int = 100,
        output_weight: ArrayLike | None = None,
        max_phase: float = 1.0,
        chunk: int = 4096,
        checkpoint: str | os.PathLike | None = None,
        checkpoint_every: int = 200_000,
        progress: bool = True,
        thermal: HeatPoles | None = None,
        aux: AuxMode | None = None,
        slow_every: int | None = None,
        initial_poles: ArrayLike | None = None,
        initial_aux: complex | ArrayLike | None = None,
        noise_block: int = 16,
        sil: SILMode | None = None,
        initial_sil: ArrayLike | None = None,
        pump_profile: ArrayLike | None = None,
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
            Largest Kerr-and-detuning phase per step (rad) before a :class:`DivergenceError`; checked,
            with NaN/Inf, at every trace sample and noise refresh (at least every ``trace_every`` steps).
        chunk : int
            Steps per block of precomputed detunings.
        checkpoint : str or path, optional
            File (.npz) where the state is saved every ``checkpoint_every`` steps. If it exists and
            was written by the same run, the run resumes from it and ends bit for bit as if never stopped.
        progress : bool
            Show a tqdm bar.
        thermal : HeatPoles, optional
            Thermal shift of ζ, starting from ``initial_poles`` (default x = 0, ambient).
        aux : AuxMode, optional
            Counter-propagating pumped mode, starting from ``initial_aux`` (default empty).
        slow_every : int, optional
            Largest block of steps between thermal updates; by default max r_i·Δτ ≤ 10⁻³.
        initial_poles : array_like, shape (P,) or (B, P), optional
            Initial thermal shifts x_i of the poles (needs ``thermal``), e.g. a steady state.
        initial_aux : complex or array_like, shape (B,), optional
            Initial aux amplitude b (needs ``aux``).
        noise_block : int
            Noise refreshes drawn at once per generator (the same stream as one at a time; memory
            ``noise_block``·B·N complex numbers).
        sil : SILMode, optional
            Self-injection-locked laser driving the ring (with ``f`` > 0 its free-running drive); not combined
            with ``aux``. With ``thermal`` (``aux_weight`` = 1: the backward mode b heats as ψ does, P = ⟨|ψ|²⟩ + |b|²)
            the thermal shift moves both ring modes.
        initial_sil : array_like, shape (5,) or (B, 5), optional
            Starting (Re a, Im a, y, Re b, Im b) of ``sil``; default (1, 0, 0, 0, 0), the free-running laser
            switched onto an empty ring.
        pump_profile : array_like, shape (N,), optional
            A drive on several modes: mode μ (FFT order) is driven by f·c_μ, the stationary drive
            f(θ) = f·Σ c_μ e^{iμθ} (e.g. a pump phase-modulated at the FSR); default c_μ = δ_μ0. Not with ``sil``.
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
        if not (isinstance(noise_block, (int, np.integer)) and noise_block >= 1):
            raise ValueError(f"noise_block must be an integer >= 1, got {noise_block!r}")
        if thermal is not None and not isinstance(thermal, HeatPoles):
            raise ValueError(f"thermal must be a HeatPoles or None, got {type(thermal).__name__}")
        if aux is not None and not isinstance(aux, AuxMode):
            raise ValueError(f"aux must be an AuxMode or None, got {type(aux).__name__}")
        coupled = thermal is not None or aux is not None
        if sil is not None:
            if not isinstance(sil, SILMode):
                raise ValueError(f"sil must be a SILMode or None, got {type(sil).__name__}")
            if aux is not None:
                raise ValueError("sil cannot be combined with aux")
            if thermal is not None and thermal.aux_weight != 1.0:
                raise ValueError(f"thermal.aux_weight must be 1 with sil (the backward mode heats as ψ does), "
                                 f"got {thermal.aux_weight}")
            if np.any(f <= 0):
                raise ValueError("sil needs f > 0 (the free-running drive) in every row")
        elif initial_sil is not None:
            raise ValueError("initial_sil needs sil")
        if pump_profile is not None:
            pump_profile = np.asarray(pump_profile, dtype=complex)
            if pump_profile.shape != (self.modes,) or not np.all(np.isfinite(pump_profile)):
                raise ValueError(f"pump_profile must be finite with shape ({self.modes},), got {pump_profile.shape}")
            if sil is not None:
                raise ValueError("pump_profile cannot be combined with sil")
        if slow_every is None:
            slow_every = max(1, int(1e-3 / (max(thermal.rates) * self.dt))) if thermal is not None else chunk
        if not (isinstance(slow_every, (int, np.integer)) and slow_every >= 1):
            raise ValueError(f"slow_every must be an integer >= 1, got {slow_every!r}")
        snapshot_tau = np.asarray(snapshot_tau, dtype=float).ravel()
        if np.any(snapshot_tau < 0):
            raise ValueError("snapshot_tau must be >= 0")
        n, h = self.modes, self.dt
        steps = max(1, int(round(duration / h)))
        weight = np.ones(n) if output_weight is None else np.asarray(output_weight, dtype=float)
        if weight.shape != (n,):
            raise ValueError(f"output_weight must have shape ({n},), got {weight.shape}")
        noise_every = max(1, int(round(noise_interval / h)))
        samples = np.unique(np.r_[np.arange(0, steps + 1, trace_every), steps])
        snap_steps = np.clip(np.rint(snapshot_tau / h).astype(int), 0, steps)
        python = not COMPILED  # every sample, refresh and heat-block end is a stop of the per-step loop
        refreshes = np.arange(noise_every, steps + 1, noise_every) if noise > 0 else np.zeros(0, dtype=int)
        blocks = np.arange(slow_every, steps, slow_every) if coupled else np.zeros(0, dtype=int)
        events = _Events(
            samples=samples,
            snapshots=snap_steps,
            noise=refreshes,
            heat=blocks,
            stops=np.unique(np.r_[snap_steps, np.arange(0, steps, chunk), np.arange(0, steps, checkpoint_every), steps,
                                  blocks if python else [], samples if python else [],
                                  refreshes if python else refreshes[::noise_block]]).astype(int),
        )
        generators = [np.random.default_rng(s) for s in seeds]
        spec = np.zeros((rows, n), dtype=complex)
        if initial is not None:
            spec[:] = np.fft.fft(np.broadcast_to(np.asarray(initial, dtype=complex), (rows, n)), axis=-1) / n
        if noise > 0:
            spec += self._noise(generators, noise, None)[0]
        coef = self._coefficients()
        trace = np.zeros((len(samples), rows, 13 if sil is not None else 9 if coupled else 6))
        snaps = np.zeros((rows, len(snap_steps), n), dtype=complex)
        lin = np.zeros_like(spec)
        state = dict(spec=spec, lin=lin, trace=trace, snapshots=snaps)
        forcing = f
        if sil is not None:
            laser = np.zeros((rows, 7))
            laser[:, :5] = (1.0, 0.0, 0.0, 0.0, 0.0) if initial_sil is None else self._initial_sil(initial_sil, rows)
            laser[:, 5:] = laser[:, :2]
            state["sil"] = laser
            state["sil_snapshots"] = np.zeros((rows, len(snap_steps), 7))
            forcing = f * (laser[:, 0] + 1j * laser[:, 1]) + 1j * sil.beta * (laser[:, 3] + 1j * laser[:, 4])
        kernels.half_step(spec, lin, self._half, *self._drives(forcing, pump_profile))
        if initial_poles is not None and thermal is None:
            raise ValueError("initial_poles needs thermal")
        if initial_aux is not None and aux is None:
            raise ValueError("initial_aux needs aux")
        if coupled:
            poles = np.zeros((rows, len(thermal.rates) if thermal else 0))
            b0 = np.zeros(rows, dtype=complex)
            try:
                if initial_poles is not None:
                    poles[:] = np.asarray(initial_poles, dtype=float)
                if initial_aux is not None:
                    b0[:] = np.asarray(initial_aux, dtype=complex)
            except ValueError:
                raise ValueError(f"initial_poles must broadcast to {poles.shape} and initial_aux to {b0.shape}") from None
            if not (np.all(np.isfinite(poles)) and np.all(np.isfinite(b0))):
                raise ValueError("initial_poles and initial_aux must be finite")
            state |= dict(poles=poles, shift=poles.sum(axis=1), aux=b0)
        done = 0
        if checkpoint is not None:
            if not (isinstance(checkpoint_every, (int, np.integer)) and checkpoint_every >= 1):
                raise ValueError(f"checkpoint_every must be an integer >= 1, got {checkpoint_every!r}")
            knots = [np.r_[s.tau, s.zeta] for s in schedules]
            slow_inputs = [np.r_[thermal.rates, thermal.gains, thermal.aux_weight]] if thermal is not None else []
            if aux is not None:
                slow_inputs += [[aux.f, aux.loss], np.r_[aux.schedule.tau, aux.schedule.zeta]]
            key = checkpoints.fingerprint(self.d_int, self.loss, [self.dt, noise, noise_every, trace_every, steps],
                                          f, seeds, snap_steps, spec, weight, *knots,
                                          [thermal is not None, aux is not None, slow_every], *slow_inputs,
                                          *([state["poles"], state["aux"]] if coupled else []),
                                          *([*self._sil_par(sil, schedules, f), state["sil"]] if sil is not None else []),
                                          *([pump_profile.real, pump_profile.imag] if pump_profile is not None else []))
            done = checkpoints.load(checkpoint, key, generators, state) or 0
        if sil is not None:
            laser = state["sil"]
            forcing = f * (laser[:, 0] + 1j * laser[:, 1]) + 1j * sil.beta * (laser[:, 3] + 1j * laser[:, 4])
        groups = [self._group(part, spec, lin, forcing, pump_profile, schedules, generators)
                  for part in self._partition(rows)]
        if sil is not None:
            par, fb = self._sil_par(sil, schedules, f)
            for g in groups:
                g.sil = _SIL(state=state["sil"][g.rows], par=par, fb=np.ascontiguousarray(fb[g.rows]),
                             offset=np.zeros(g.rows.stop - g.rows.start), snapshots=state["sil_snapshots"][g.rows])
        if coupled:
            for g in groups:
                size = g.rows.stop - g.rows.start
                g.slow = _Slow(poles=state["poles"][g.rows], shift=state["shift"][g.rows], aux=state["aux"][g.rows],
                               acc=np.zeros((size, 2)), offset=np.zeros(size), since=np.array([done], dtype=np.int64))
        slow = (thermal, aux, self._decay(thermal, min(slow_every, chunk, steps))) if coupled else None
        bar = tqdm(total=steps * rows, initial=done * rows, disable=not progress, unit="row-step", unit_scale=True,
                   desc="LLE", leave=False)
        ends = np.r_[np.arange(done, steps, checkpoint_every)[1:], steps] if checkpoint is not None else [steps]
        try:
            for end in ends:
                self._advance(groups, done, int(end), steps, events, coef, weight, noise * 2 * noise_every * h,
                              noise_block, max_phase, chunk, trace, snaps, bar, slow)
                done = int(end)
                if checkpoint is not None:
                    state["spec"], state["lin"] = (np.concatenate([g.spec for g in groups]),
                                                   np.concatenate([g.lin[0] + 1j * g.lin[1] for g in groups]))
                    checkpoints.save(checkpoint, key, done, generators, state)
        finally:
            bar.close()
        final = np.concatenate([g.spec for g in groups])
        trace[:, :, 5] = np.stack([s(samples * h) for s in schedules], axis=1)
        return LLEResult(
            trace_tau=samples * h,
            zeta=trace[:, :, 5].T.copy(),
            mean_power=trace[:, :, 0].T.copy(),
            sideband_power=trace[:, :, 1].T.copy(),
            pump_mode=(trace[:, :, 2] + 1j * trace[:, :, 3]).T.copy(),
            peak_power=trace[:, :, 4].T.copy(),
            snapshot_tau=snap_steps * h,
            snapshots=snaps,
            final=final,
            dt=h,
            meta=dict(steps=steps, seeds=list(seeds), noise=noise, noise_interval=noise_every * h, groups=len(groups),
                      slow_every=slow_every if coupled else None),
            thermal_shift=trace[:, :, 6].T.copy() if coupled else None,
            aux_power=(np.abs(trace[:, :, 7] + 1j * trace[:, :, 8]) ** 2).T.copy() if aux is not None else None,
            aux_zeta=np.broadcast_to(aux.schedule(samples * h), (rows, len(samples))).copy() if aux is not None else None,
            laser_field=(trace[:, :, 9] + 1j * trace[:, :, 10]).T.copy() if sil is not None else None,
            laser_gain=trace[:, :, 11].T.copy() if sil is not None else None,
            laser_shift=trace[:, :, 12].T.copy() if sil is not None else None,
            backward_field=(trace[:, :, 7] + 1j * trace[:, :, 8]).T.copy() if sil is not None else None,
            snapshot_laser=state["sil_snapshots"] if sil is not None else None,
        )

    def _initial_sil(self, initial, rows):
        try:
            laser = np.broadcast_to(np.asarray(initial, dtype=float), (rows, 5))
        except ValueError:
            raise ValueError(f"initial_sil must broadcast to ({rows}, 5), got shape {np.shape(initial)}") from None
        if not np.all(np.isfinite(laser)):
            raise ValueError("initial_sil must be finite")
        return laser

    def _sil_par(self, sil, schedules, f):
        """``par`` and per-row ``fb`` of :func:`.kernels.sil_kerr_step`."""
        zmax = max(max(abs(z) for z in s.zeta) for s in schedules)
        par = np.array([sil.alpha, sil.photon_rate, sil.carrier_rate, sil.stimulated_rate, sil.beta, self.loss[0],
                        sil.substeps(self.dt, zmax)])
        unit = complex(self.drive_term(1.0))
        fb = np.stack([sil.rate * 2 * sil.eta / f * np.exp(1j * sil.phase), unit * f,
                       np.full(f.shape, 1j * unit * sil.beta)], axis=1)
        return par, fb

    def _partition(self, rows):
        count = min(self.threads, rows)
        edges = np.linspace(0, rows, count + 1).round().astype(int)
        return [slice(a, b) for a, b in zip(edges[:-1], edges[1:])]

    def _group(self, part, spec, lin, f, profile, schedules, generators) -> _Group:
        size = part.stop - part.start
        buffer, fld, raw, backward, forward, inverse = self._buffers((part.start, part.stop), size)
        kernels.split(lin[part], buffer)
        drive, where = self._drives(f[part], profile)
        return _Group(
            rows=part, lin=buffer, fld=fld, raw=raw, backward=backward, forward=forward, inverse=inverse,
            spec=spec[part].copy(), drive=drive, where=where, schedules=schedules[part], generators=generators[part],
        )

    def _advance(self, groups, start, end, *args):
        """Step every group from ``start`` to ``end``, one thread per group."""
        if len(groups) == 1:
            self._integrate(groups[0], start, end, *args)
            return
        with ThreadPoolExecutor(len(groups)) as pool:
            list(pool.map(lambda g: self._integrate(g, start, end, *args), groups))

    def _integrate(self, g, start, end, steps, events, coef, weight, noise_variance, noise_block, max_phase, chunk,
                   trace, snaps, bar, slow):
        """Step group ``g`` from ``start`` to ``end``, leaving the compiled loop only at ``events.stops``.

        Events at ``start`` belong to the previous segment unless ``start`` is 0. After every trace
        sample and every stop the Kerr phase of the last step, max(|max|ψ|² − ζ|, |ζ|)·h, is checked
        against ``max_phase`` (:func:`.kernels.check`).
        """
        h, rows, st = self.dt, g.rows, g.slow
        zeta, aux_zeta, aux_par, base, done = None, None, None, start, start
        if slow is not None:
            aux = slow[1]
            aux_par = np.array([aux.loss, aux.f, 1.0]) if aux is not None else np.zeros(3)
        g.queue = np.zeros((0, rows.stop - rows.start, self.modes), dtype=complex)
        g.queued = int(np.searchsorted(events.noise, start, side="right"))
        for stop in events.stops[(events.stops >= start) & (events.stops <= end)]:
            stop = int(stop)
            if stop > done:
                s0, s1 = int(np.searchsorted(events.samples, done, side="right")), int(np.searchsorted(events.samples, stop))
                n0, n1 = (int(i) for i in np.searchsorted(events.noise, [done, stop], side="right"))
                queued = self._queue(g, events.noise, n0, n1, end, noise_variance, noise_block)
                inner = int(np.searchsorted(events.noise, stop)) - n0
                blocks = events.heat[(events.heat > done) & (events.heat < stop)] - base - 1
                status = self._stretch(g, coef, zeta, aux_zeta, aux_par, done - base, stop - done, base,
                                       events.samples[s0:s1] - base - 1, s0, weight, trace, max_phase,
                                       events.noise[n0:n0 + inner] - base - 1, queued[:inner], blocks, slow)
                if status[0] >= 0:
                    raise DivergenceError(self._divergence_message(status[1], max_phase, (base + status[0] + 1) * h))
                bar.update((stop - done) * (rows.stop - rows.start))
                done = stop
                self._check(g, zeta, stop - base - 1, max_phase, done)
            if slow is not None and done > st.since[0]:
                self._relax(st, slow, done)
            if done > start or start == 0:
                self._events(g, done, events, weight, trace, snaps)
            if done < end and (zeta is None or done % chunk == 0 or done - base >= zeta.shape[0]):
                base = done
                mid = (base + np.arange(min(chunk - done % chunk, steps - done)) + 0.5) * h
                zeta = np.ascontiguousarray(np.stack([s(mid) for s in g.schedules], axis=1))
                if slow is not None:
                    aux_mid = slow[1].schedule(mid) if slow[1] is not None else np.zeros_like(mid)
                    aux_zeta = np.ascontiguousarray(np.broadcast_to(aux_mid[:, None], zeta.shape))

    def _queue(self, g, refreshes, first, last, end, variance, block):
        """Noise increments of refreshes ``first``…``last − 1``, drawn ``block`` refreshes (≤ ``end``) at a time.

        Draws stop at ``end`` so that a checkpoint there saves generators that have drawn exactly what was applied.
        """
        have = g.queued + g.queue.shape[0]
        if last > have:
            count = max(last - have, min(block, int(np.searchsorted(refreshes, end, side="right")) - have))
            g.queue = np.concatenate([g.queue[max(0, first - g.queued):], self._noise(g.generators, variance, self.loss,
                                                                                      count)])
            g.queued = max(first, g.queued)
        return g.queue[first - g.queued:last - g.queued]

    def _stretch(self, g, coef, zeta, aux_zeta, aux_par, first, count, base, marks, sample, weight, trace, max_phase,
                 kicks, noise, blocks, slow):
        """``count`` steps of group ``g`` using rows ``first``… of the chunk's midpoint detunings ``zeta``.

        Compiled loop only (elsewhere they are Python stops): after the steps k of ``marks`` the trace samples
        ``sample``, ``sample`` + 1, … are taken, after those of ``kicks`` the rows of ``noise`` are added, with a
        divergence check at each and, with heat, the close of a heat block (also after the steps of ``blocks``;
        ``slow`` = (thermal, aux, decay table)) (:func:`.kernels.steps`). Returns (k, phase) of a divergence,
        else (−1, 0).
        """
        h, st, si = self.dt, g.slow, g.sil
        status = np.array([-1.0, 0.0])
        fields = (g.lin, g.fld, g.raw, g.spec, coef, g.drive, g.where)
        if COMPILED:
            plans = (fftw_c.execute, g.backward.pointer, g.forward.pointer, g.inverse.pointer)
            variant = kernels.SIL if si is not None else kernels.COUPLED if st is not None else kernels.PLAIN
            kernels.steps(*plans, *fields, zeta, first, count, h, base, marks, sample, weight, trace, g.rows.start,
                          max_phase, kicks, np.ascontiguousarray(noise), blocks, status, variant,
                          self._slow_args(g, aux_zeta, aux_par, zeta, slow), self._laser_args(g))
            return int(status[0]), status[1]
        for k in range(first, first + count):
            g.backward.execute()
            if si is not None:
                heat = (st.shift, st.acc, st.offset) if st is not None else (np.zeros(len(si.offset)),
                                                                              np.zeros((len(si.offset), 2)), si.offset)
                kernels.sil_kerr_step(g.fld, zeta, k, h, si.state, si.par, si.fb, heat[2], g.drive, *heat[:2])
            elif st is None:
                kernels.kerr_step(g.fld, zeta, k, h)
            else:
                kernels.coupled_kerr_step(g.fld, zeta, aux_zeta, k, h, st.shift, st.aux, aux_par, st.acc, st.offset)
            g.forward.execute()
            kernels.linear_step(g.raw, g.spec, g.lin, coef, g.drive, g.where, True)
        return int(status[0]), status[1]

    @staticmethod
    def _slow_args(g, aux_zeta, aux_par, zeta, slow):
        """``slow`` of :func:`.kernels.steps`: the group's heat and aux state and the arguments of
        :func:`.kernels.relax`, or zeros of the same types (and an empty ``since``: no heat blocks)."""
        size = g.rows.stop - g.rows.start
        st = g.slow
        if st is None:
            offset = g.sil.offset if g.sil is not None else np.zeros(size)
            return (np.zeros_like(zeta), np.zeros(size), np.zeros(size, dtype=complex), np.zeros(3),
                    np.zeros((size, 2)), offset, np.zeros((size, 0)), np.zeros((1, 0)), np.zeros(0), 0.0,
                    np.zeros(0, dtype=np.int64))
        heat, _, decay = slow
        return (aux_zeta, st.shift, st.aux, aux_par, st.acc, st.offset, st.poles, decay, *LLESolver._relax_args(heat),
                st.since)

    @staticmethod
    def _laser_args(g):
        """``laser`` of :func:`.kernels.steps`: the group's SIL state, or zeros of the same types."""
        si = g.sil
        if si is None:
            return np.zeros((0, 7)), np.zeros(7), np.zeros((0, 3), dtype=complex)
        return si.state, si.par, si.fb

    def _decay(self, heat, length):
        """e^{−r_i·c·h} for blocks of c = 1 … ``length`` steps, shape (length, P)."""
        if heat is None:
            return np.zeros((length, 0))
        return np.exp(-np.asarray(heat.rates)[None, :] * np.arange(1, length + 1)[:, None] * self.dt)

    def _relax(self, st, slow, done):
        """Exact exponential update of the thermal poles over the block ending at ``done``."""
        heat, _, decay = slow
        kernels.relax(st.poles, st.shift, st.acc, done - int(st.since[0]), decay, *self._relax_args(heat))
        st.since[0] = done

    @staticmethod
    def _relax_args(heat):
        """(gains, aux_weight) of :func:`.kernels.relax`; none and 0 without ``thermal`` (an aux mode alone)."""
        return np.asarray(heat.gains if heat is not None else (), dtype=float), float(heat.aux_weight if heat else 0.0)

    def _events(self, g, done, events, weight, trace, snaps):
        """Trace sample, snapshots and noise refresh due after step ``done``."""
        rows, spec = g.rows, g.spec
        k = int(np.searchsorted(events.samples, done))
        if k < events.samples.size and events.samples[k] == done:
            kernels.split(spec, g.raw)
            g.inverse.execute()
            st, si = g.slow, g.sil
            if si is not None:
                laser = si.state
                kernels.record(spec, g.fld, weight, trace[k, rows], st.shift if st is not None else
                               np.zeros(laser.shape[0]), laser[:, 3] + 1j * laser[:, 4])
                kernels.sil_record(laser, trace[k, rows], self.dt)
            else:
                kernels.record(spec, g.fld, weight, trace[k, rows], *((st.shift, st.aux) if st is not None else
                                                                        (np.zeros(0), np.zeros(0, dtype=complex))))
        for k in events.snapshot_index.get(done, ()):
            snaps[rows, k] = spec
            if g.sil is not None:
                g.sil.snapshots[:, k] = g.sil.state
        k = int(np.searchsorted(events.noise, done))
        if k < events.noise.size and events.noise[k] == done:
            kernels.add(g.lin, g.queue[k - g.queued])

    def _check(self, g, zeta, k, max_phase, done):
        """Raise DivergenceError on NaN/Inf or a Kerr phase per step above ``max_phase``."""
        offset = (g.slow.offset if g.slow is not None else g.sil.offset if g.sil is not None
                  else np.zeros(g.rows.stop - g.rows.start))
        phase = kernels.check(g.spec, g.fld, zeta, k, offset, self.dt)
        if phase > max_phase or phase == np.inf:
            raise DivergenceError(self._divergence_message(phase, max_phase, done * self.dt))

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

    def _noise(self, generators, variance, scale, count=1):
        """``count`` complex Gaussian draws (count, B, N) of variance ``variance``·``scale``_μ, one generator per row.

        A generator fills (count, 2, N) in order, the same stream as ``count`` draws of (2, N).
        """
        sigma = np.sqrt(variance / 2 * (1.0 if scale is None else scale))
        out = np.empty((count, len(generators), self.modes), dtype=complex)
        for b, gen in enumerate(generators):
            draw = gen.standard_normal((count, 2, self.modes))
            out[:, b] = (draw[:, 0] + 1j * draw[:, 1]) * sigma
        return out

    def _divergence_message(self, phase, limit, tau):
        if not np.isfinite(phase):
            return f"the field became NaN/Inf near tau = {tau:.4g}; reduce dt (now {self.dt:g})"
        return (f"the Kerr-and-detuning phase per step reached {phase:.3g} rad (limit {limit:g}) near "
                f"tau = {tau:.4g}; reduce dt (now {self.dt:g}) to about {self.dt * 0.5 * limit / phase:.2g}")
