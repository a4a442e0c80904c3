"""Repetition-rate tuning and locking through the ring temperature.

The FSR of a ring, FSR = c/(n_g·L), moves with temperature through the thermo-optic effect of the
guided mode and the thermal expansion of the substrate that sets L:

    dFSR/dT = −FSR·[(1/n_g)·dn_g/dT + α_L].

A heater with a first-order thermal path, τ_h·dΔT_h/dt = −ΔT_h + R_th·(P_h − P₀), lets a discrete PI
controller hold the FSR on an RF reference against a drifting environment. The soliton's rep rate also
moves with pump detuning (Raman self-frequency shift, dispersive-wave recoil); at a fixed, locked pump
detuning those terms are constant and are neglected here. References: X. Xue et al., Light Sci. Appl. 5,
e16088 (2016) (thermal rep-rate tuning); K. J. Åström and R. M. Murray, *Feedback Systems* (2008), ch. 11
(sensitivity function).
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import xarray as xr
from numpy.typing import ArrayLike

from .resonator import Ring
from ..validation import check_int, check_nonnegative, check_positive, check_range

__all__ = ["Heater", "PILoop", "RepRateLock", "TemperatureNoise", "fsr_temperature_coefficient", "line_offsets",
           "mode_dn_dt", "predicted_residual", "simulate_lock"]


def mode_dn_dt(core_dn_dt: float, cladding_dn_dt: float, confinement: float) -> float:
    """Thermo-optic coefficient of the guided mode [1/K], Γ·dn_core/dT + (1 − Γ)·dn_clad/dT.

    The perturbative weighting by the core power fraction Γ (Snyder and Love, *Optical Waveguide Theory*,
    1983, §18); dispersion of dn/dT is neglected, so dn_g/dT ≈ dn_eff/dT.
    """
    core = check_range("core_dn_dt", core_dn_dt, -1e-2, 1e-2, "1/K")
    cladding = check_range("cladding_dn_dt", cladding_dn_dt, -1e-2, 1e-2, "1/K")
    gamma = check_range("confinement", confinement, 0.0, 1.0)
    return gamma * core + (1 - gamma) * cladding


def fsr_temperature_coefficient(ring: Ring, dn_g_dt: float, expansion: float) -> float:
    """dFSR/dT = −FSR·[(1/n_g)·dn_g/dT + α_L] [Hz/K] of ``ring`` (α_L: linear expansion [1/K])."""
    if not isinstance(ring, Ring):
        raise ValueError(f"ring must be a Ring, got {type(ring).__name__}")
    dn = check_range("dn_g_dt", dn_g_dt, -1e-2, 1e-2, "1/K")
    alpha = check_range("expansion", expansion, -1e-3, 1e-3, "1/K")
    return -ring.fsr * (dn / ring.n_g + alpha)


@dataclass(frozen=True)
class Heater:
    """Heater-to-ring thermal path: τ_h·dΔT_h/dt = −ΔT_h + R_th·(P_h − P₀), 0 ≤ P_h ≤ P_max.

    Parameters
    ----------
    thermal_resistance : float
        R_th, ring temperature rise per heater power [K/W].
    time_constant : float
        τ_h [s].
    max_power : float
        P_max [W]; the controller's output range is [0, P_max].
    bias_power : float
        P₀ [W], the operating point at which the lock is closed (ΔT_h = 0).
    """

    thermal_resistance: float
    time_constant: float
    max_power: float
    bias_power: float

    def __post_init__(self):
        check_positive("thermal_resistance", self.thermal_resistance, "K/W")
        check_positive("time_constant", self.time_constant, "s")
        check_positive("max_power", self.max_power, "W")
        check_range("bias_power", self.bias_power, 0.0, self.max_power, "W")


@dataclass(frozen=True)
class TemperatureNoise:
    """Environment temperature at the ring: a random walk plus white noise.

    One-sided PSD S_T(f) = drift²/(2π²f²) + white² [K²/Hz] (continuous time).

    Parameters
    ----------
    drift : float
        Random-walk strength [K/√s]: the rms excursion after a time t is drift·√t.
    white : float
        White-noise density [K/√Hz].
    """

    drift: float
    white: float

    def __post_init__(self):
        check_nonnegative("drift", self.drift, "K/√s")
        check_nonnegative("white", self.white, "K/√Hz")

    def psd(self, frequency: ArrayLike, sample_time: float) -> np.ndarray:
        """One-sided PSD [K²/Hz] of the sampled process (sample time Δt), 0 ≤ f ≤ 1/(2Δt).

        2·drift²·Δt²/|1 − e^{−iωΔt}|² + white², the exact spectrum of the sequence :meth:`sample` draws.
        """
        f = np.asarray(frequency, dtype=float)
        dt = check_positive("sample_time", sample_time, "s")
        walk = 2 * self.drift**2 * dt**2 / np.abs(1 - np.exp(-2j * np.pi * f * dt)) ** 2
        return walk + self.white**2

    def sample(self, n: int, sample_time: float, rng: np.random.Generator, start: float = 0.0) -> tuple:
        """``n`` samples Δt apart from the random-walk level ``start``: (environment [K], last walk level [K])."""
        dt = check_positive("sample_time", sample_time, "s")
        walk = start + np.cumsum(rng.normal(0.0, self.drift * np.sqrt(dt), n))
        white = rng.normal(0.0, self.white / np.sqrt(2 * dt), n)
        return walk + white, float(walk[-1]) if n else start


@dataclass(frozen=True)
class PILoop:
    """Discrete PI controller on the heater power, sampled every ``sample_time``.

    P_h[k] = P₀ − k_p·ε[k] − k_i·Δt·Σ_{j≤k} ε[j], clipped to [0, P_max], with ε the temperature error
    (FSR error / dFSR/dT); the integrator stops while the output is clipped (anti-windup by conditional
    integration).

    Parameters
    ----------
    proportional : float
        k_p [W/K].
    integral : float
        k_i [W/(K·s)].
    sample_time : float
        Δt [s].
    """

    proportional: float
    integral: float
    sample_time: float

    def __post_init__(self):
        check_nonnegative("proportional", self.proportional, "W/K")
        check_positive("integral", self.integral, "W/(K s)")
        check_positive("sample_time", self.sample_time, "s")

    @classmethod
    def for_bandwidth(cls, heater: Heater, bandwidth: float, sample_time: float) -> PILoop:
        """PI whose zero cancels the heater pole (k_i/k_p = 1/τ_h): loop gain ≈ 2π·f_c/(iω), crossover f_c [Hz]."""
        f_c = check_positive("bandwidth", bandwidth, "Hz")
        dt = check_positive("sample_time", sample_time, "s")
        if f_c * dt >= 0.05:
            raise ValueError(f"bandwidth = {bandwidth!r} Hz must be below 0.05/sample_time = {0.05 / dt:g} Hz")
        kp = 2 * np.pi * f_c * heater.time_constant / heater.thermal_resistance
        return cls(kp, kp / heater.time_constant, dt)

    def sensitivity(self, frequency: ArrayLike, heater: Heater) -> np.ndarray:
        """S = 1/(1 + H·C) at z = e^{iωΔt}; H(z) = (1 − a)R_th·z⁻¹/(1 − a·z⁻¹), a = e^{−Δt/τ_h}, C = k_p + k_iΔt/(1 − z⁻¹)."""
        return (1 - self._zinv(frequency)) / self._denominator(frequency, heater)

    def _zinv(self, frequency):
        return np.exp(-2j * np.pi * np.asarray(frequency, dtype=float) * self.sample_time)

    def _denominator(self, frequency, heater):
        """(1 − z⁻¹)(1 + H·C), finite at f = 0."""
        zinv = self._zinv(frequency)
        a = np.exp(-self.sample_time / heater.time_constant)
        plant = (1 - a) * heater.thermal_resistance * zinv / (1 - a * zinv)
        return (1 - zinv) * (1 + plant * self.proportional) + plant * self.integral * self.sample_time


@dataclass(frozen=True)
class RepRateLock:
    """A ring's rep-rate lock: dFSR/dT [Hz/K], heater, PI loop, environment noise and counter gate [s].

    The counter reports the FSR error averaged over ``gate`` (a whole number of loop samples).
    """

    dfsr_dt: float
    heater: Heater
    loop: PILoop
    noise: TemperatureNoise
    gate: float

    def __post_init__(self):
        if not np.isfinite(self.dfsr_dt) or self.dfsr_dt == 0:
            raise ValueError(f"dfsr_dt = {self.dfsr_dt!r} Hz/K must be finite and non-zero")
        for name, kind in (("heater", Heater), ("loop", PILoop), ("noise", TemperatureNoise)):
            if not isinstance(getattr(self, name), kind):
                raise ValueError(f"{name} must be a {kind.__name__}, got {type(getattr(self, name)).__name__}")
        check_positive("gate", self.gate, "s")
        ratio = self.gate / self.loop.sample_time
        if ratio < 1 or abs(ratio - round(ratio)) > 1e-9 * ratio:
            raise ValueError(f"gate = {self.gate!r} s must be a whole number (≥ 1) of loop samples "
                             f"({self.loop.sample_time:g} s)")

    @property
    def samples_per_gate(self) -> int:
        return int(round(self.gate / self.loop.sample_time))


def predicted_residual(lock: RepRateLock, points: int = 2**18) -> float:
    """σ of the counter's FSR error [Hz] from the closed-loop transfer function.

    σ² = (dFSR/dT)²·∫₀^{1/2Δt} |S(f)|²·|A_M(f)|²·S_T(f) df, with S the sensitivity of :class:`PILoop`,
    A_M = sin(πfMΔt)/(M·sin(πfΔt)) the M-sample counter average and S_T the sampled environment PSD
    (Åström and Murray, *Feedback Systems*, 2008, §11.1). Exact for the linear (unclipped) loop.
    """
    if not isinstance(lock, RepRateLock):
        raise ValueError(f"lock must be a RepRateLock, got {type(lock).__name__}")
    points = check_int("points", points, 1024)
    dt, m = lock.loop.sample_time, lock.samples_per_gate
    f = np.linspace(0.0, 0.5 / dt, points + 1)
    x = np.pi * f * dt
    with np.errstate(invalid="ignore", divide="ignore"):
        average = np.where(f == 0, 1.0, np.sin(m * x) / (m * np.sin(x))) ** 2
    denominator = np.abs(lock.loop._denominator(f, lock.heater)) ** 2
    walk = 2 * lock.noise.drift**2 * dt**2 / denominator
    white = lock.noise.white**2 * np.abs(1 - lock.loop._zinv(f)) ** 2 / denominator
    return float(abs(lock.dfsr_dt) * np.sqrt(np.trapezoid((walk + white) * average, f)))


@numba.njit(cache=True, nogil=True)
def _pi_steps(environment, state, a, gain, kp, ki_dt, bias, p_max, m):
    """Run the loop over ``environment`` [K]; ``state`` = [ΔT_h, integral] is updated in place.

    Returns per-gate means of the temperature error [K], ΔT_h [K], P_h [W] and the clipped fraction.
    """
    gates = environment.size // m
    out = np.zeros((4, gates))
    heat, integral = state[0], state[1]
    for k in range(gates * m):
        error = environment[k] + heat
        trial = integral + ki_dt * error
        power = bias - kp * error - trial
        clipped = 0.0
        if power > p_max or power < 0.0:
            clipped = 1.0
            power = min(max(bias - kp * error - integral, 0.0), p_max)
        else:
            integral = trial
        g = k // m
        out[0, g] += error
        out[1, g] += heat
        out[2, g] += power
        out[3, g] += clipped
        heat = a * heat + gain * (power - bias)
    state[0], state[1] = heat, integral
    return out / m


def simulate_lock(lock: RepRateLock, duration: float, seed: int | None = None, chunk_gates: int = 1000) -> xr.Dataset:
    """Time series of the locked rep rate, read by a counter every ``gate``.

    The environment (:class:`TemperatureNoise`) is sampled at the loop rate; the heater follows its exact
    zero-order-hold discretisation ΔT_h[k+1] = a·ΔT_h[k] + (1 − a)·R_th·(P_h[k] − P₀), a = e^{−Δt/τ_h}; the
    lock starts closed at P₀ with the environment at 0. Memory stays bounded by drawing the noise in chunks
    of ``chunk_gates`` gates.

    Returns
    -------
    xarray.Dataset on ``time`` [s] (gate centres) with ``fsr_error`` [Hz], ``ring_temperature`` [K] (error
    from the locked temperature), ``heater_temperature`` [K] (ΔT_h), ``heater_power`` [W],
    ``environment_temperature`` [K] and ``clipped_fraction``; the inputs in ``attrs``.
    """
    if not isinstance(lock, RepRateLock):
        raise ValueError(f"lock must be a RepRateLock, got {type(lock).__name__}")
    duration = check_positive("duration", duration, "s")
    chunk_gates = check_int("chunk_gates", chunk_gates, 1)
    m, dt = lock.samples_per_gate, lock.loop.sample_time
    gates = int(duration // lock.gate)
    if gates < 2:
        raise ValueError(f"duration = {duration!r} s must cover at least two gates of {lock.gate:g} s")
    heater = lock.heater
    a = np.exp(-dt / heater.time_constant)
    rng = np.random.default_rng(seed)
    state = np.zeros(2)
    walk, parts, env = 0.0, [], []
    for start in range(0, gates, chunk_gates):
        n = min(chunk_gates, gates - start) * m
        environment, walk = lock.noise.sample(n, dt, rng, walk)
        parts.append(_pi_steps(environment, state, a, (1 - a) * heater.thermal_resistance, lock.loop.proportional,
                               lock.loop.integral * dt, heater.bias_power, heater.max_power, m))
        env.append(environment.reshape(-1, m).mean(axis=1))
    error, heat, power, clipped = np.concatenate(parts, axis=1)
    time = (np.arange(gates) + 0.5) * lock.gate
    variables = {
        "fsr_error": (error * lock.dfsr_dt, "Hz", "locked rep-rate (FSR) error, counter reading"),
        "ring_temperature": (error, "K", "ring temperature minus its locked value"),
        "heater_temperature": (heat, "K", "heater temperature rise ΔT_h from the bias point"),
        "heater_power": (power, "W", "heater power"),
        "environment_temperature": (np.concatenate(env), "K", "environment temperature at the ring"),
        "clipped_fraction": (clipped, "1", "fraction of loop samples with the heater power clipped"),
    }
    attrs = {"dfsr_dt": lock.dfsr_dt, "gate": lock.gate, "sample_time": dt,
             "thermal_resistance": heater.thermal_resistance, "heater_time_constant": heater.time_constant,
             "max_power": heater.max_power, "bias_power": heater.bias_power, "proportional": lock.loop.proportional,
             "integral": lock.loop.integral, "drift": lock.noise.drift, "white": lock.noise.white,
             "duration": duration, "seed": -1 if seed is None else int(seed)}
    return xr.Dataset({k: ("time", v, {"units": u, "long_name": d}) for k, (v, u, d) in variables.items()},
                      coords={"time": ("time", time, {"units": "s", "long_name": "time (gate centre)"})}, attrs=attrs)


def line_offsets(first: xr.Dataset, second: xr.Dataset, modes: ArrayLike, pump_offset_sigma: float,
                 seed: int | None = None) -> xr.Dataset:
    """Frequency offset of line n between two independently locked chips, Δν_n = Δν_p + n·Δf_rep.

    Δf_rep is the difference of the two :func:`simulate_lock` rep-rate errors; Δν_p, the offset of the two
    locked pump (seed) lasers, is white with σ = ``pump_offset_sigma`` [Hz] per gate. Then
    σ²(n) = σ_p² + n²·σ²(Δf_rep), linear in |n| once n·σ(Δf_rep) ≫ σ_p.
    """
    for name, ds in (("first", first), ("second", second)):
        if not isinstance(ds, xr.Dataset) or "fsr_error" not in ds:
            raise ValueError(f"{name} must be a simulate_lock Dataset")
    if first.sizes["time"] != second.sizes["time"] or not np.allclose(first.time, second.time):
        raise ValueError("first and second must share the same time axis (same duration and gate)")
    n = np.atleast_1d(np.asarray(modes))
    if n.ndim != 1 or n.size == 0 or not np.issubdtype(n.dtype, np.integer):
        raise ValueError(f"modes must be a 1-D sequence of integers, got {modes!r}")
    sigma = check_nonnegative("pump_offset_sigma", pump_offset_sigma, "Hz")
    pump = np.random.default_rng(seed).normal(0.0, sigma, first.sizes["time"])
    delta = first.fsr_error.values - second.fsr_error.values
    offset = pump[:, None] + n[None, :] * delta[:, None]
    return xr.Dataset(
        {"line_offset": (("time", "n"), offset, {"units": "Hz", "long_name": "frequency offset of line n between the chips"}),
         "pump_offset": ("time", pump, {"units": "Hz", "long_name": "offset of the two locked pump lasers"}),
         "rep_rate_difference": ("time", delta, {"units": "Hz", "long_name": "difference of the locked rep-rate errors"})},
        coords={"time": first.time, "n": ("n", n, {"units": "1", "long_name": "line number from the pump"})},
        attrs={"pump_offset_sigma": sigma, "seed": -1 if seed is None else int(seed)},
    )
