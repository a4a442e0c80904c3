"""Injection locking of a client (slave) laser to a master line: locking range, noise transfer, side modes.

A master field of power P_inj injected into a slave laser of power P, detuned by Δω = ω_master − ω_free, locks it
(Adler, Proc. IRE 34, 351 (1946); Lang, IEEE J. Quantum Electron. 18, 976 (1982)). With the injection rate
κ_c = (1 − R)/(√R·τ_rt) of a laser whose output mirror has power reflectivity R and round trip τ_rt, ρ = P_inj/P
and the linewidth-enhancement factor α_H, the steady state obeys

    Δω = −κ_c√ρ·√(1 + α²)·sin(φ₀ + arctan α),    stable for cos φ₀ > 0,

so the slave locks for Δω ∈ [−κ_c√ρ√(1 + α²), κ_c√ρ] (Mogensen, Olesen and Jacobsen, IEEE J. Quantum Electron.
21, 784 (1985)). The locked gain is lowered by ΔG = 2κ_c√ρ·cos φ₀ [1/s].

Noise: with the amplitude eliminated adiabatically the phase difference relaxes at γ_L = κ_c√ρ√(1 + α²)·
cos(φ₀ + arctan α), a first-order loop: the client follows the master's phase below γ_L/2π and keeps its own
above,

    S_ν,client(f) = |H|²·S_ν,master(f) + (1 − |H|²)·S_ν,free(f),    |H|² = γ_L²/(γ_L² + (2πf)²).

The free-running white noise h₀ that remains is high-passed into a bounded phase error of variance
σ²_φ = π²h₀/γ_L [rad²]: a pedestal of weight 1 − e^{−σ²_φ} beside a carrier that has the master's lineshape.
Side modes, whose gain margin δ_side grows by ΔG, lose power as P_side ∝ 1/margin (Petermann, *Laser Diode
Modulation and Noise* (Kluwer, 1988), ch. 7): SMSR_locked = SMSR_free + 10·log10(1 + ΔG/δ_side).

This module takes the master's noise as numbers and arrays; :mod:`combchip.systems.system_c_clients` feeds it
comb lines.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import xarray as xr
from scipy.constants import c

from ..validation import check_positive, check_range

__all__ = ["ClientLaser", "injection_lock", "locking_range"]


@dataclass(frozen=True)
class ClientLaser:
    """A free-running semiconductor laser to be injection-locked.

    Parameters
    ----------
    power : float
        Output power P [W].
    linewidth : float
        Free-running Lorentzian FWHM [Hz] (white frequency noise h₀ = linewidth/π [Hz²/Hz]).
    alpha : float
        Linewidth-enhancement (Henry) factor α_H (0 … 20).
    cavity_length : float
        Optical length of the cavity L [m] (the grating's penetration depth included), round trip 2n_gL/c.
    group_index : float
        n_g of the cavity.
    reflectivity : float
        Power reflectivity R of the output mirror, through which the master enters (0 < R < 1).
    smsr : float
        Free-running side-mode suppression ratio [dB].
    side_mode_margin : float
        Net-gain margin δ_side of the strongest side mode, free running [1/s].
    """

    power: float
    linewidth: float
    alpha: float
    cavity_length: float
    group_index: float
    reflectivity: float
    smsr: float
    side_mode_margin: float

    def __post_init__(self):
        check_positive("power", self.power, "W")
        check_positive("linewidth", self.linewidth, "Hz")
        check_range("alpha", self.alpha, 0.0, 20.0)
        check_range("cavity_length", self.cavity_length, 1e-6, 1e-1, "m")
        check_range("group_index", self.group_index, 1.0, 6.0)
        check_range("reflectivity", self.reflectivity, 0.0, 1.0, low_open=True, high_open=True)
        check_range("smsr", self.smsr, 0.0, 100.0, "dB")
        check_positive("side_mode_margin", self.side_mode_margin, "1/s")

    @property
    def round_trip(self) -> float:
        """τ_rt = 2n_gL/c [s]."""
        return 2 * self.group_index * self.cavity_length / c

    @property
    def injection_rate(self) -> float:
        """κ_c = (1 − R)/(√R·τ_rt) [1/s] (Lang 1982)."""
        r = self.reflectivity
        return (1 - r) / (math.sqrt(r) * self.round_trip)

    @property
    def white_noise(self) -> float:
        """h₀ = linewidth/π [Hz²/Hz]."""
        return self.linewidth / math.pi


def locking_range(client: ClientLaser, injected_power) -> tuple[float, float]:
    """(lower, upper) edges of the stable locking range of Δω = ω_master − ω_free [rad/s]:
    −κ_c√ρ√(1 + α²) and κ_c√ρ, ρ = ``injected_power``/P (Mogensen et al. 1985)."""
    if not isinstance(client, ClientLaser):
        raise ValueError(f"client must be a ClientLaser, got {type(client).__name__}")
    rate = client.injection_rate * math.sqrt(check_positive("injected_power", injected_power, "W") / client.power)
    return -rate * math.sqrt(1 + client.alpha**2), rate


def injection_lock(client: ClientLaser, injected_power, detuning, frequency, master_psd) -> xr.Dataset:
    """Lock state, noise transfer and side-mode suppression of ``client`` injected by a master line.

    Parameters
    ----------
    client : ClientLaser
    injected_power : float
        Master power coupled into the client cavity P_inj [W].
    detuning : float
        Δω = ω_master − ω_free [rad/s].
    frequency : array_like
        Fourier frequencies [Hz], positive and increasing.
    master_psd : array_like
        One-sided frequency-noise PSD of the master line at ``frequency`` [Hz²/Hz].

    Returns
    -------
    xarray.Dataset on ``frequency``: ``client_psd``, ``master_psd`` and ``free_psd`` [Hz²/Hz] and the
    ``transfer`` |H|²; scalars ``locked`` (1/0), ``locking_phase`` φ₀ [rad], ``locking_bandwidth`` γ_L/2π [Hz],
    ``pedestal_phase_variance`` π²h₀/γ_L [rad²], ``smsr`` [dB] and the range edges ``lower_edge`` and
    ``upper_edge`` [rad/s]. Unlocked, the client keeps its own noise and SMSR, and φ₀, γ_L and the pedestal are NaN.
    """
    lower, upper = locking_range(client, injected_power)
    delta = check_range("detuning", detuning, unit="rad/s")
    f = np.asarray(frequency, dtype=float)
    if f.ndim != 1 or f.size < 2 or not np.all(np.isfinite(f)) or f[0] <= 0 or np.any(np.diff(f) <= 0):
        raise ValueError("frequency must be a 1-D, strictly increasing array of positive Fourier frequencies [Hz]")
    master = np.broadcast_to(np.asarray(master_psd, dtype=float), f.shape)
    if not np.all(np.isfinite(master)) or np.any(master < 0):
        raise ValueError("master_psd must be finite and non-negative [Hz²/Hz]")
    free = np.full(f.shape, client.white_noise)
    rate = upper   # κ_c√ρ
    tilt = math.atan(client.alpha)
    locked = lower <= delta <= upper
    if locked:
        s = -delta / (rate * math.sqrt(1 + client.alpha**2))
        branch = math.asin(min(1.0, max(-1.0, s)))
        phase = branch - tilt if math.cos(branch - tilt) >= 0 else math.pi - branch - tilt
        gamma = rate * math.sqrt(1 + client.alpha**2) * math.cos(phase + tilt)
        transfer = gamma**2 / (gamma**2 + (2 * np.pi * f) ** 2)
        gain_drop = 2 * rate * math.cos(phase)
        smsr = client.smsr + 10 * math.log10(1 + gain_drop / client.side_mode_margin)
        pedestal = math.pi**2 * client.white_noise / gamma if gamma > 0 else math.inf
    else:
        phase = gamma = pedestal = math.nan
        transfer = np.zeros(f.shape)
        smsr = client.smsr
    client_psd = transfer * master + (1 - transfer) * free

    def var(data, units, long_name, dims=()):
        return (dims, data, {"units": units, "long_name": long_name})

    return xr.Dataset(
        {"client_psd": var(client_psd, "Hz²/Hz", "frequency-noise PSD of the client", ("frequency",)),
         "master_psd": var(np.array(master), "Hz²/Hz", "frequency-noise PSD of the master line", ("frequency",)),
         "free_psd": var(free, "Hz²/Hz", "frequency-noise PSD of the free-running client", ("frequency",)),
         "transfer": var(transfer, "1", "master-to-client noise transfer |H|²", ("frequency",)),
         "locked": var(int(locked), "1", "1 if Δω lies in the stable locking range"),
         "locking_phase": var(phase, "rad", "steady-state phase φ₀ of the client against the master"),
         "locking_bandwidth": var(gamma / (2 * math.pi), "Hz", "locking bandwidth γ_L/2π"),
         "pedestal_phase_variance": var(pedestal, "rad²", "phase variance of the high-passed own noise π²h₀/γ_L"),
         "smsr": var(smsr, "dB", "side-mode suppression ratio"),
         "lower_edge": var(lower, "rad/s", "lower edge −κ_c√ρ√(1 + α²) of the locking range"),
         "upper_edge": var(upper, "rad/s", "upper edge κ_c√ρ of the locking range")},
        coords={"frequency": ("frequency", f, {"units": "Hz", "long_name": "Fourier frequency"})},
        attrs={"injected_power": float(injected_power), "detuning": delta,
               **{f"client_{k}": v for k, v in vars(client).items()}},
    )
