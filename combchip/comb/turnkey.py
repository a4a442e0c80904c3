"""Turnkey soliton start: a self-injection-locked laser switched on at a fixed free-running detuning, no scan.

Stationary lock of an N-soliton state (Kondratiev et al., Opt. Express 25, 28167 (2017), with the Kerr-loaded
backward mode of Voloshin et al., Nat. Commun. 12, 235 (2021); Shen et al., Nature 582, 365 (2020)). In the laser's
frame, with ζ_L = 2(ω₀ − ω)/κ its detuning, the forward field holds N non-overlapping solitons on the CW background,
so its pump mode and mean power are

    ψ₀ = ψ_bg + N(ψ₀⁽¹⁾ − ψ_bg),     P = P_bg + N(P⁽¹⁾ − P_bg),

from one Newton-refined soliton (:func:`combchip.solvers.stationary.newton_stationary`). The backward mode,
detuned by the cross-phase shift 2P, holds b = iβψ₀/(1 + i(ζ_L − 2P)), and the laser's frequency offset is

    ν = 2(ω − ω_d)/κ = −Im[(1 + iα_H)·k(2η/f)e^{iφ}·b],

so the lock point solves ξ = ζ_L + ν(ζ_L), ξ = 2(ω₀ − ω_d)/κ the free-running detuning. Neglected: |b|² ≪ 1
(self- and cross-phase of b, and the back-coupling iβb into ψ₀) and the gain change of the laser (|a| = 1).

When the laser is switched on the cold ring pulls it into resonance, the field goes through modulation
instability and chaos, and the laser then seeks a lock point. The chaotic state's backward wave sits near its
resonance (ζ_L ≈ 2P) and is strong, so if it can pull the laser as far as ξ − ζ_edge (ζ_edge the red end of
chaos) the laser stays at the chaos edge; this is what a strong doublet (large β, K₀) does for every feedback
phase. With a weak doublet the chaotic state cannot hold the lock: the laser returns towards ξ, the field drops
out of chaos into solitons, and the far weaker soliton feedback locks it at the ζ_L given above.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy.interpolate import CubicSpline
from scipy.optimize import brentq

from ..validation import check_int, check_positive
from .normalization import normalize
from .resonator import Ring
from .sil import SelfInjection, SemiconductorLaser
from .simulate import simulate_comb
from .steps import count_solitons

__all__ = ["assumed_turnkey_setup", "soliton_lock_detuning", "turnkey_start"]

STEADY_SPREAD = 1e-2
"""Largest spread of the locked ζ_L over the last fifth of the run for a steady lock (a fraction of a linewidth)."""


def assumed_turnkey_setup() -> tuple[Ring, SelfInjection, float]:
    """An assumed ring, DFB and free-running detuning [Hz] that start solitons (none of it a published device).

    A Si₃N₄-like ring in the spirit of Shen et al. (2020): 1550 nm, FSR 40 GHz, loaded Q 10⁷ at critical coupling
    (κ/2π ≈ 19 MHz), D₂/2π = 0.2 MHz, n₂ = 2.4 × 10⁻¹⁹ m²/W, A_eff = 1 µm², n_g = 2.1; the
    :meth:`SemiconductorLaser.dfb` at 120 mA with 30 % laser-to-bus coupling (f² ≈ 14.4); a weak doublet,
    2Γ/2π = 0.4 MHz (β = 2Γ/κ ≈ 0.02, K₀ ≈ 65); feedback phase φ = 1.75 rad; the free-running laser ξ = 11.5
    half-linewidths red of the cold resonance.
    """
    ring = Ring.from_loaded_q(1550e-9, 40e9, 1e7, coupling=0.5, d2=2 * np.pi * 0.2e6, n2=2.4e-19, a_eff=1e-12,
                              n_g=2.1)
    sil = SelfInjection(SemiconductorLaser.dfb(1550e-9), 2 * np.pi * 0.2e6, feedback_phase=1.75)
    return ring, sil, 11.5 * ring.kappa / (4 * np.pi)


def _check(ring, sil):
    if not isinstance(ring, Ring):
        raise ValueError(f"ring must be a combchip.Ring, got {type(ring).__name__}")
    if not isinstance(sil, SelfInjection):
        raise ValueError(f"sil must be a combchip.SelfInjection, got {type(sil).__name__}")


def soliton_lock_detuning(ring: Ring, sil: SelfInjection, free_running_detuning: float, solitons: int,
                          modes: int = 128, span: float = 3.0) -> float:
    """Locked laser detuning (ω₀ − ω)/2π [Hz] of an N-soliton state for a free-running detuning [Hz].

    Solves ξ = ζ_L + ν(ζ_L) (module docstring) for ζ_L within ``span`` (normalized) of ξ by
    :func:`scipy.optimize.brentq`, with ψ₀⁽¹⁾ and P⁽¹⁾ from Newton solitons on ``modes`` modes at nine detunings
    (continued from the red end) and cubic splines between them; the bluest root with dξ/dζ_L > 0 is returned.
    NaN where no such root lies there (the N-soliton state cannot hold the lock) or where the soliton does not
    exist (ζ_L beyond π²f²/8 or below the soliton's fold).
    """
    from combchip.solvers.lle import mode_numbers
    from combchip.solvers.stationary import cw_state, newton_stationary, soliton_guess

    _check(ring, sil)
    solitons = check_int("solitons", solitons, 1)
    modes = check_int("modes", modes, 16)
    span = check_positive("span", span)
    if not np.isfinite(free_running_detuning):
        raise ValueError(f"free_running_detuning must be finite Hz, got {free_running_detuning}")
    norm = normalize(ring, sil.pump())
    mode = sil.normalized(norm)
    f, d_int = norm.f, norm.d_int(mode_numbers(modes))
    xi = float(norm.zeta(free_running_detuning))
    gain = 2 * mode.rate * mode.eta / f * np.exp(1j * mode.phase) * (1 + 1j * mode.alpha)

    grid = np.linspace(xi - span, xi + span, 9)
    grid = grid[(grid > 0) & (grid < np.pi**2 * norm.f2 / 8)][::-1]
    pump_mode, power, guess = [], [], None
    for zeta in grid:  # continuation from the red end, where the soliton is far from its fold
        try:
            guess = newton_stationary(soliton_guess(f, zeta, norm.d2, modes) if guess is None else guess, f, zeta,
                                      d_int, stability=False).field
        except (RuntimeError, ValueError):
            break
        bg = cw_state(f, zeta, "lower")
        pump_mode.append(bg + solitons * (guess.mean() - bg))
        power.append(abs(bg) ** 2 + solitons * (np.mean(abs(guess) ** 2) - abs(bg) ** 2))
    if len(pump_mode) < 4:
        return float("nan")
    zetas = grid[:len(pump_mode)][::-1]
    mode0 = CubicSpline(zetas, np.array(pump_mode[::-1]))
    mean_power = CubicSpline(zetas, np.array(power[::-1]))

    def mismatch(zeta):
        b = 1j * mode.beta * mode0(zeta) / (1 + 1j * (zeta - 2 * mean_power(zeta)))
        return zeta - float(np.imag(gain * b)) - xi

    fine = np.linspace(zetas[0], zetas[-1], 200)
    values = np.array([mismatch(z) for z in fine])
    for k in range(fine.size - 1):
        lo, hi = values[k], values[k + 1]
        if lo * hi <= 0 and hi > lo:  # rising: K = dξ/dζ_L > 0, the stable side
            return float(norm.detuning_hz(brentq(mismatch, fine[k], fine[k + 1], xtol=1e-9)))
    return float("nan")


def turnkey_start(ring: Ring, sil: SelfInjection, free_running_detuning: float, *, modes: int = 128,
                  duration: float | None = None, seed: int = 0, snapshots: int = 4, progress: bool = False,
                  predict: bool = True) -> xr.Dataset:
    """Switch ``sil``'s laser on at a fixed free-running detuning [Hz] with the ring empty (vacuum noise), no scan.

    Runs :func:`~combchip.comb.simulate.simulate_comb` with ``sil`` (default ``duration`` 800 photon lifetimes
    2/κ) and records in ``attrs``:

    * ``soliton_number``: intensity maxima above ζ_L (half a soliton's 2ζ_L peak, :func:`count_solitons`) in the
      last snapshot, ζ_L the final locked laser detuning;
    * ``locked_detuning`` [Hz] (ω₀ − ω)/2π and ``locked_zeta``, their spread over the last fifth of the run
      (``lock_spread`` [Hz]) and ``steady`` (spread below :data:`STEADY_SPREAD` linewidths);
    * ``predicted_locked_detuning`` [Hz]: :func:`soliton_lock_detuning` for that soliton number (NaN without
      solitons or with ``predict=False``);
    * ``soliton_range``: the normalized bound π²f²/8 of soliton existence.
    """
    _check(ring, sil)
    modes = check_int("modes", modes, 16)
    seed = check_int("seed", seed, 0)
    if not np.isfinite(free_running_detuning):
        raise ValueError(f"free_running_detuning must be finite Hz, got {free_running_detuning}")
    norm = normalize(ring, sil.pump())
    duration = 800 * 2 / ring.kappa if duration is None else check_positive("duration", duration, "s")
    ds = simulate_comb(ring, sil.pump(), float(free_running_detuning), modes=modes, duration=duration, seed=seed,
                       snapshots=snapshots, sil=sil, progress=progress)
    laser = ds.laser_detuning.values
    tail = laser[-max(2, laser.size // 5):]
    zeta = float(norm.zeta(laser[-1]))
    field = ds.field.isel(snapshot=-1).values
    level = max(zeta, 1.0) * norm.circulating_power_per_unit
    number = int(count_solitons(field, threshold=level))
    spread = float(np.ptp(tail))
    predicted = (soliton_lock_detuning(ring, sil, free_running_detuning, number)
                 if predict and number > 0 else float("nan"))
    ds.attrs.update(soliton_number=number, locked_detuning=float(laser[-1]), locked_zeta=zeta, lock_spread=spread,
                    steady=int(spread < STEADY_SPREAD * ring.linewidth), predicted_locked_detuning=predicted,
                    free_running_zeta=float(norm.zeta(free_running_detuning)),
                    soliton_range=float(np.pi**2 * norm.f2 / 8))
    return ds
