"""System A's dual-driven soliton access: pump scans with the ring's heat and the counter-propagating aux laser.

The auxiliary laser (CH37, 1.58 W to the fibre) is first tuned from the blue into its own resonance and
parked on its blue side, where it holds a large share of the heat; the pump then scans from blue to red
(Zhou et al., Light Sci. Appl. 8, 50 (2019); Zhang et al., Optica 6, 206 (2019)). The same pump scan
runs without heat, or with heat and no aux laser, for comparison. Parked for zero net pull, the aux's fast
XPM answer to the drop (:meth:`AuxBalance.fast_response`, ~1 half-linewidth) throws pump and aux into relaxation
oscillations; parked a few half-linewidths bluer (``park_offset_hz``) the solitons keep their thermal-free step.

Backward tuning (:func:`backward_scan`): below the Hopf edge the solitons breathe, and the breathers decay one by
one over a few half-linewidths. With heat alone each loss cools the ring by one soliton's absorbed power and the
survivors feel ≈ 1 half-linewidth redder for ~τ_T, which holds them (Guo et al., Nat. Phys. 13, 94 (2017)). The
aux that holds the forward drop also takes up this cooling and, parked 5 half-linewidths blue of zero pull,
over-compensates: the jump turns blue (:func:`dual_drive_balance` ``pump_shift_slope`` > 0) and the survivors are
lost together.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import xarray as xr
from scipy.constants import c
from scipy.optimize import brentq

from ..comb.detuning import DetuningSchedule
from ..comb.normalization import normalize
from ..comb.simulate import simulate_comb
from ..comb.steps import count_solitons, soliton_threshold
from ..comb.lasers import Laser
from ..comb.resonator import Ring
from ..comb.thermal import SI3N4_ABSORPTION_Q, AuxLaser, Thermal
from ..validation import check_choice, check_int, check_positive, check_range
from .system_a import system_a_aux, system_a_pump, system_a_pumped_ring

__all__ = ["BACK_RATE", "SCAN_RATE", "AuxBalance", "aux_park_detuning", "backward_scan", "comb_span",
           "dual_drive_balance", "dual_drive_scan", "effective_threshold", "park_for_reserve", "park_for_zero_pull",
           "removals", "soliton_steps_of", "temperature_swing"]

SCAN_RATE = 2e13
"""Default slow pump scan [Hz/s]: 20 GHz/ms (≈ 160 nm/s at 1537 nm), a current-tuned laser sweep; the heat
(τ_T ≈ 19 µs) follows it, since one half-linewidth takes 4.2 µs. A piezo scan (1–100 nm/s) is slower still."""

LEAD_IN_RATE = 3e14
"""Thermal-free lead-in into chaos [Hz/s]: 0.3 GHz/µs, at which 512 modes keep 5–6 solitons to ζ_max."""

PROBE_ZETA = 11.0
"""End of the lead-in: the soliton-state power P_s is the median circulating power over ζ ∈ [9, 11]."""

BURST = 8
"""Snapshots per soliton count, 2 τ = 4/κ apart: the count is the group's median of per-snapshot counts
(:func:`~combchip.comb.steps.count_solitons`, ``statistic="median"``) at :data:`BREATHER_LEVEL`."""

BREATHER_LEVEL = 0.25
"""Count threshold as a fraction of a stationary soliton's peak 2ζ_eff: deep breathers near their decay (ζ ≈ 6.5–7.5
at f² = 19.4) dip to ≈ 0.65ζ (512 modes), below half the peak, while the background stays below 1."""

BACK_RATE = 4e12
"""Default backward scan [Hz/s]: 4 GHz/ms, about one τ_T per half-linewidth, so the heat follows each loss."""


@dataclass(frozen=True)
class AuxBalance:
    """Normalized constants of the aux steady state (:func:`AuxBalance.of`).

    With P = ⟨|ψ|²⟩ the pump's mean intracavity power, x = G(P + wB) the thermal shift and B = |b|²,
    the aux's CW state solves F(B) = B[l² + δ²] − f² = 0 with δ = ζ_b + x − B − 2P = c + aB,
    c = ζ_b + (G − 2)P, a = Gw − 1: the thermally broadened Lorentzian (Carmon et al., Opt. Express 12,
    4742 (2004)) with the aux's Kerr and the pump's XPM. The pump feels the shift s = x − 2B of ζ.
    """

    f2: float
    loss: float
    gain: float
    weight: float

    @classmethod
    def of(cls, norm, thermal: Thermal, aux) -> AuxBalance:
        mode, poles = aux.normalized(norm), thermal.poles(norm, aux)
        return cls(f2=mode.f**2, loss=mode.loss, gain=float(sum(poles.gains)), weight=poles.aux_weight)

    @property
    def a(self) -> float:
        return self.gain * self.weight - 1.0

    def power(self, zeta_b: float, pump: np.ndarray) -> np.ndarray:
        """B on the hot (blue) branch: the stable root (F_B > 0 with heat, l² + δ² − 2Bδ > 0 without)
        with δ up to the tip's (:meth:`tip`); NaN where none is (the aux has dropped off its thermal triangle
        to the cold branch)."""
        tip = self.tip()
        out = np.full(np.shape(pump), np.nan)
        for k, p in np.ndenumerate(np.asarray(pump, dtype=float)):
            cc_ = zeta_b + (self.gain - 2) * p
            roots = np.roots([self.a**2, 2 * self.a * cc_, self.loss**2 + cc_**2, -self.f2])
            roots = roots[(np.abs(roots.imag) < 1e-9 * (1 + np.abs(roots))) & (roots.real > 0)].real
            delta = cc_ + self.a * roots
            stable = (self.slope(roots, delta) > 0) & (self.loss**2 + delta**2 - 2 * roots * delta > 0) & (delta <= tip)
            if stable.any():
                out[k] = roots[stable][np.argmin(delta[stable])]
        return out

    def slope(self, power, delta):
        """F_B = ∂F/∂B = l² + δ² + 2aBδ (heat followed adiabatically): > 0 on a stable branch."""
        return self.loss**2 + delta**2 + 2 * self.a * power * delta

    def response(self, zeta_b: float, pump: np.ndarray) -> np.ndarray:
        """dB/dP = −F_P/F_B with F_P = 2Bδ(G − 2)."""
        power = self.power(zeta_b, pump)
        delta = zeta_b + (self.gain - 2) * np.asarray(pump) + self.a * power
        return -2 * power * delta * (self.gain - 2) / self.slope(power, delta)

    def fast_response(self, zeta_b: float, pump: np.ndarray) -> np.ndarray:
        """dB/dP at fixed temperature (x held, the aux's Kerr and the pump's XPM only, ~ 1/κ fast):
        −F_P/F_B|_x = 4Bδ/(l² + δ² − 2Bδ), on the hot branch of :meth:`power`."""
        power = self.power(zeta_b, pump)
        delta = zeta_b + (self.gain - 2) * np.asarray(pump) + self.a * power
        return 4 * power * delta / (self.loss**2 + delta**2 - 2 * power * delta)

    def tip(self) -> float:
        """δ at the triangle's tip, where F = F_B = 0: B = (l² + δ²)/(−2aδ) and the smaller root δ > 0 of
        (l² + δ²)² + 2af²δ = 0 (independent of P); infinite if the aux is not bistable."""
        if self.a >= 0:
            return np.inf
        h = lambda d: (self.loss**2 + d**2) ** 2 + 2 * self.a * self.f2 * d  # noqa: E731
        lowest = brentq(lambda d: 4 * d * (self.loss**2 + d**2) + 2 * self.a * self.f2, 0.0, 1e6)
        return float(brentq(h, 0.0, lowest)) if h(lowest) < 0 else np.inf

    def fold(self, pump: float) -> float:
        """Largest ζ_b on the hot branch at pump power P: ζ_b = δ − aB − (G − 2)P at the tip (:meth:`tip`)."""
        delta = self.tip()
        if not np.isfinite(delta):
            return np.inf
        return float(delta - self.a * (self.loss**2 + delta**2) / (-2 * self.a * delta) - (self.gain - 2) * pump)


def _balance_parts(norm, thermal, aux):
    if not isinstance(thermal, Thermal):
        raise ValueError(f"thermal must be a combchip.Thermal, got {type(thermal).__name__}")
    return AuxBalance.of(norm, thermal, aux)


def dual_drive_balance(pump_power, aux_detuning_hz: float, *, ring=None, pump=None, thermal: Thermal | None = None,
                       aux=None) -> xr.Dataset:
    """Steady state of heat, aux and XPM against the pump's mean intracavity power (default: system A).

    For each mean pump circulating power P the aux's CW state B (:class:`AuxBalance`, hot blue branch),
    the temperature T ∝ x = G(P + wB) and the pump's shift s = x − 2B are solved; the slopes follow
    analytically from dB/dP = −F_P/F_B: dT/dP ∝ G(1 + w·dB/dP) (without aux, G) and
    ds/dP = G(1 + w·dB/dP) − 2dB/dP. ``flat_fraction`` = 1 + w·dB/dP is the temperature swing with
    aux relative to without for a small change of P. At fixed temperature (faster than τ_T: the aux's Kerr
    and the pump's XPM answer within ~1/κ) dB/dP = 4Bδ/(l² + δ² − 2Bδ) (:meth:`AuxBalance.fast_response`);
    the aux holds the pump only where this fast slope is small against the slow one.

    Parameters
    ----------
    pump_power : float or array_like
        Mean pump intracavity circulating power [W], ≥ 0.
    aux_detuning_hz : float
        Aux laser detuning (ω_μ − ω_aux)/2π [Hz] from its cold resonance (negative: blue).
    ring, pump, thermal, aux : optional
        Default :func:`system_a_pumped_ring`, :func:`system_a_pump`, :meth:`Thermal.si3n4`, :func:`system_a_aux`.

    Returns
    -------
    xarray.Dataset
        On ``pump_power`` [W]: ``aux_intracavity_power`` [W] (NaN off the stable branch), ``temperature`` [K],
        ``thermal_shift`` and ``pump_shift`` [Hz] (heat + XPM, added to the pump's detuning), ``flat_fraction``,
        ``dT_dP`` and ``dT_dP_no_aux`` [K/W], ``pump_shift_slope`` [Hz/W]; ``aux_power_slope`` and
        ``aux_power_slope_fast`` (dB/dP, heat followed or held) [W/W]; ``fold_detuning`` [Hz] (the
        largest stable aux detuning at each P) and the inputs in attrs.
    """
    ring = system_a_pumped_ring() if ring is None else ring
    pump = system_a_pump() if pump is None else pump
    thermal = Thermal.si3n4(ring) if thermal is None else thermal
    aux = system_a_aux() if aux is None else aux
    norm = normalize(ring, pump)
    bal = _balance_parts(norm, thermal, aux)
    watts = np.atleast_1d(np.asarray(pump_power, dtype=float))
    if watts.ndim != 1 or not np.all(np.isfinite(watts) & (watts >= 0)):
        raise ValueError(f"pump_power must be finite and >= 0 W, got {pump_power!r}")
    zeta_b = float(norm.zeta(check_range("aux_detuning_hz", aux_detuning_hz, unit="Hz")))
    p = watts / norm.circulating_power_per_unit
    b = bal.power(zeta_b, p)
    db = bal.response(zeta_b, p)
    db_fast = bal.fast_response(zeta_b, p)
    aux_per_pump = aux.power_per_unit(norm) / norm.circulating_power_per_unit
    x = bal.gain * (p + bal.weight * b)
    flat = 1 + bal.weight * db
    per_watt = 1 / norm.circulating_power_per_unit
    t_slope = float(thermal.temperature(bal.gain, norm)) * per_watt

    def var(data, units, long_name):
        return ("pump_power", np.asarray(data, dtype=float), {"units": units, "long_name": long_name})

    fold = np.array([bal.fold(q) for q in p])
    return xr.Dataset(
        {
            "aux_intracavity_power": var(b * aux.power_per_unit(norm), "W", "aux circulating power (hot branch)"),
            "temperature": var(thermal.temperature(x, norm), "K", "ring temperature rise"),
            "thermal_shift": var(norm.detuning_hz(x), "Hz", "thermal shift of the pump's detuning"),
            "pump_shift": var(norm.detuning_hz(x - 2 * b), "Hz", "shift of the pump's detuning: heat + aux XPM"),
            "flat_fraction": var(flat, "1", "dT/dP with aux over dT/dP without"),
            "dT_dP": var(t_slope * flat, "K/W", "temperature slope with aux"),
            "dT_dP_no_aux": var(np.full_like(p, t_slope), "K/W", "temperature slope without aux"),
            "pump_shift_slope": var(norm.detuning_hz(bal.gain * flat - 2 * db) * per_watt, "Hz/W",
                                    "slope of the pump's detuning shift (heat + XPM)"),
            "aux_power_slope": var(db * aux_per_pump, "1", "dB/dP of aux over pump circulating power, heat followed"),
            "aux_power_slope_fast": var(db_fast * aux_per_pump, "1",
                                        "dB/dP of aux over pump circulating power at fixed temperature"),
            "fold_detuning": var(norm.detuning_hz(fold), "Hz", "largest aux detuning on the stable branch"),
        },
        coords={"pump_power": ("pump_power", watts, {"units": "W", "long_name": "mean pump circulating power"})},
        attrs={"aux_detuning": float(aux_detuning_hz), "aux_power": aux.power, "aux_mode": aux.mode,
               "thermal": str(thermal.to_dict()), "f2_aux": bal.f2, "aux_loss": bal.loss, "gain": bal.gain,
               "aux_weight": bal.weight},
    )


def park_for_reserve(lowest_power: float, *, ring=None, pump=None, thermal: Thermal | None = None, aux=None) -> float:
    """Aux detuning [Hz] holding the most heat in reserve: the tip of its thermal triangle at the lowest pump
    power ``lowest_power`` [W] the protocol reaches, so that the hot branch stays stable for every P above it
    (the tip moves to lower ζ_b as P falls, since c = ζ_b + (G − 2)P grows).
    """
    ring = system_a_pumped_ring() if ring is None else ring
    pump = system_a_pump() if pump is None else pump
    norm = normalize(ring, pump)
    bal = _balance_parts(norm, Thermal.si3n4(ring) if thermal is None else thermal, system_a_aux() if aux is None else aux)
    low = check_range("lowest_power", lowest_power, 0.0, np.inf, "W")
    return float(norm.detuning_hz(bal.fold(low / norm.circulating_power_per_unit)))


def park_for_zero_pull(chaos_power: float, soliton_power: float, *, ring=None, pump=None,
                       thermal: Thermal | None = None, aux=None) -> float:
    """Aux detuning [Hz] for which the pump's shift (heat + XPM) is the same at ``chaos_power`` and
    ``soliton_power`` [W] (mean circulating powers before and after the drop into solitons); NaN if no
    detuning on the stable branch does it.
    """
    ring = system_a_pumped_ring() if ring is None else ring
    pump = system_a_pump() if pump is None else pump
    norm = normalize(ring, pump)
    bal = _balance_parts(norm, Thermal.si3n4(ring) if thermal is None else thermal, system_a_aux() if aux is None else aux)
    high = check_positive("chaos_power", chaos_power, "W") / norm.circulating_power_per_unit
    low = check_range("soliton_power", soliton_power, 0.0, chaos_power, "W", high_open=True) / norm.circulating_power_per_unit

    def pull(zeta_b):
        b = bal.power(zeta_b, np.array([low, high]))
        shift = bal.gain * (np.array([low, high]) + bal.weight * b) - 2 * b
        return shift[0] - shift[1]

    tip = bal.fold(low) * (1 - 1e-9)
    lowest = -bal.f2 / bal.loss  # far blue: B ≈ f²/ζ_b² ≪ 1, heat pulls the pump red
    if not (np.isfinite(pull(tip)) and pull(lowest) * pull(tip) < 0):
        return float("nan")
    return float(norm.detuning_hz(brentq(pull, lowest, tip, xtol=1e-10)))


def aux_park_detuning(norm, thermal: Thermal, aux) -> float:
    """Aux detuning [Hz] at half its peak coupled power on the blue side of its heated, Kerr-tilted resonance.

    With the pump off the aux mode obeys f_b² = B[l_b² + (ζ_b + x − B)²], x = G·w·B (G the summed thermal
    gains, w the aux heat weight). The blue half-power point δ = ζ_b + x − B = −l_b at B = f_b²/(2l_b²)
    gives ζ_b = −l_b + B(1 − G·w). The fraction ½ is an assumption: the paper says only "blue side".
    """
    mode, poles = aux.normalized(norm), thermal.poles(norm, aux)
    power = mode.f**2 / (2 * mode.loss**2)
    zeta_b = -mode.loss + power * (1 - sum(poles.gains) * poles.aux_weight)
    return float(norm.detuning_hz(zeta_b))


def _lead_in(ring, pump, norm, chaos_zeta, rate, modes, dt, seed, progress):
    """Thermal-free scan from ζ = −5 to :data:`PROBE_ZETA`: the fields at ``chaos_zeta`` and at the end, the mean
    circulating power within half a linewidth of ``chaos_zeta``, and the median in the soliton window ζ ∈ [9, 11] [W]."""
    start = float(norm.detuning_hz(-5.0))
    schedule = DetuningSchedule.scan(start, float(norm.detuning_hz(PROBE_ZETA)), rate)
    at = (float(norm.detuning_hz(chaos_zeta)) - start) / rate
    ds = simulate_comb(ring, pump, schedule, modes=modes, dt=dt, seed=seed, snapshots=[at, schedule.duration],
                       progress=progress)
    zeta, power = norm.zeta(ds.detuning.values), ds.intracavity_power.values
    chaos = float(power[np.abs(zeta - chaos_zeta) <= 0.5].mean())
    solitons = float(np.median(power[(zeta >= PROBE_ZETA - 2) & (zeta <= PROBE_ZETA)]))
    return ds.field.values[0], ds.field.values[1], chaos, solitons


def _check_park(thermal, aux, park, park_offset_hz):
    if aux and not thermal:
        raise ValueError("aux = True needs thermal = True (the aux laser balances the heat)")
    if isinstance(park, str):
        check_choice("park", park, ("zero_pull", "reserve"))
    else:
        park = check_range("park", park, unit="Hz")
    park_offset_hz = check_range("park_offset_hz", park_offset_hz, unit="Hz")
    if park_offset_hz != 0 and not isinstance(park, str):
        raise ValueError("park_offset_hz applies to a parking rule, not to a given detuning park")
    return park, park_offset_hz


def _steady_start(norm, heat, laser, thermal, aux, park, park_offset_hz, chaos_w, soliton_w, power_w):
    """Heat and aux in their steady state (:class:`AuxBalance`) for the mean pump circulating power ``power_w`` [W]:
    the pump's shift x − 2B, the temperature [K], the aux field [√W] and power (|ψ|² units), the park [Hz] and the
    parked aux laser. The park follows :func:`park_for_zero_pull` (``chaos_w``, ``soliton_w``),
    :func:`park_for_reserve` (``soliton_w``) or is a given detuning [Hz]."""
    p_now = power_w / norm.circulating_power_per_unit
    shift, temperature, aux_field, aux_power, park_hz = 0.0, None, None, 0.0, float("nan")
    if not thermal:
        return shift, temperature, aux_field, aux_power, park_hz, laser
    bal = AuxBalance.of(norm, heat, laser)
    if aux:
        park_hz = (park_for_zero_pull(chaos_w, soliton_w, thermal=heat) if park == "zero_pull" else
                   park_for_reserve(soliton_w, thermal=heat) if park == "reserve" else float(park))
        park_hz = park_hz + park_offset_hz if isinstance(park, str) else park_hz
        if not np.isfinite(park_hz):
            raise ValueError(f"park = {park!r}: no aux detuning zeroes the pull between P_c = {chaos_w:.3g} W "
                             f"and P_s = {soliton_w:.3g} W")
        zeta_b = float(norm.zeta(park_hz))
        aux_power = float(bal.power(zeta_b, np.array([p_now]))[0])
        if not np.isfinite(aux_power):
            raise ValueError(f"park = {park_hz:g} Hz is off the aux's stable hot branch at P = {power_w:.3g} W")
        x = bal.gain * (p_now + bal.weight * aux_power)
        delta = zeta_b + x - aux_power - 2 * p_now
        aux_field = complex(np.sqrt(bal.f2) / (bal.loss + 1j * delta) * np.sqrt(laser.power_per_unit(norm)))
        laser = system_a_aux(park_hz)
    else:
        x = sum(heat.poles(norm).gains) * p_now
    return x - 2 * aux_power, float(heat.temperature(x, norm)), aux_field, aux_power, park_hz, laser


def _check_aux_mode(aux, laser, modes):
    if aux and not -modes // 2 <= laser.mode < modes // 2:
        raise ValueError(f"aux.mode = {laser.mode} lies outside the simulated modes [{-modes // 2}, {modes // 2 - 1}]")


def _burst_times(norm, duration, bursts):
    """Ends of the count groups, evenly spread over ``duration`` [s], and the snapshot times of each group."""
    spacing = float(norm.time_s(2.0))
    ends = np.linspace(BURST * spacing, duration, bursts)
    return ends, np.concatenate([end - spacing * np.arange(BURST - 1, -1, -1) for end in ends])


def _with_counts(ds, schedule, ends, thermal):
    """Add ``soliton_count`` (:data:`BURST` snapshots per count, median at :data:`BREATHER_LEVEL` of the peak
    2ζ_eff) on ``count`` with its time, laser and felt detuning and, with heat, the temperature."""
    counts = count_solitons(ds.field.values, threshold=2 * BREATHER_LEVEL * effective_threshold(ds), window=BURST,
                            statistic="median")
    ds["soliton_count"] = ("count", counts, {"units": "1", "long_name": f"solitons (median of {BURST} snapshots)"})
    ds = ds.assign_coords(
        count_time=("count", ends, {"units": "s", "long_name": "time of the count"}),
        count_detuning=("count", schedule(ends), {"units": "Hz", "long_name": "pump laser detuning at the count"}))
    ds["count_felt_detuning"] = ("count", schedule(ends) + _pump_shift(ds, ends), {"units": "Hz", "long_name":
                                                           "detuning the pump feels: laser + heat − 2·aux XPM"})
    if thermal:
        ds["count_temperature"] = ("count", np.interp(ends, ds.time.values, ds.temperature.values),
                                   {"units": "K", "long_name": "ring temperature rise at the count"})
    return ds


def dual_drive_scan(*, thermal: bool = True, aux: bool = True, park: str | float = "zero_pull",
                    park_offset_hz: float = 0.0, rate_hz_per_s: float = SCAN_RATE, span_hz: float | None = None,
                    hold_s: float = 0.0, back_hz: float = 0.0, back_rate_hz_per_s: float | None = None,
                    absorption_q: float = SI3N4_ABSORPTION_Q,
                    chaos_zeta: float = 6.0, lead_in_rate_hz_per_s: float = LEAD_IN_RATE, bursts: int = 60,
                    modes: int = 512, dt: float = 4e-3, seed: int = 0, progress: bool = False,
                    checkpoint=None, checkpoint_every: int = 200_000) -> xr.Dataset:
    """Slow forward pump scan of system A's pumped resonance (167.2 MHz) from chaos, with heat and/or the aux.

    Protocol: (1) a thermal-free lead-in at ``lead_in_rate_hz_per_s`` from ζ = −5 into modulation-unstable
    chaos at ``chaos_zeta`` (it continues to ζ = 11 to measure the soliton-state power P_s); (2) the slow
    run starts from that field with the heat and the aux in their steady state for the chaotic mean power
    P_c (:class:`AuxBalance`: T ∝ x = G(P_c + wB), aux field b = f/(l + iδ)), the pump laser at
    ζ_c − (x − 2B) so that it feels ζ_c; (3) it scans red by ``span_hz`` at ``rate_hz_per_s``, holds
    ``hold_s`` and scans back by ``back_hz``. The aux (constant detuning) is parked at
    :func:`park_for_zero_pull` (P_c, P_s), :func:`park_for_reserve` (P_s) or a given detuning [Hz].

    Parameters
    ----------
    thermal, aux : bool
        Heat (:meth:`Thermal.si3n4`) and the aux laser (:func:`system_a_aux`); aux needs thermal.
    park : {"zero_pull", "reserve"} or float
        Aux parking rule or its detuning [Hz].
    park_offset_hz : float
        Added to a rule's detuning [Hz]; negative parks the aux bluer (less aux power, a smaller fast XPM kick
        at the drop into solitons, a residual red pull of the heat).
    rate_hz_per_s, lead_in_rate_hz_per_s : float
        Slow scan and lead-in speeds [Hz/s], > 0.
    span_hz : float, optional
        Forward scan [Hz] > 0; default ζ_max − ζ_c + 2 half-linewidths (past the soliton existence limit).
    hold_s, back_hz : float
        Hold at the end of the forward scan [s] and backward scan [Hz], ≥ 0.
    back_rate_hz_per_s : float, optional
        Speed of the backward scan [Hz/s], > 0; ``rate_hz_per_s`` if omitted.
    absorption_q : float
        Absorption-limited Q of :meth:`Thermal.si3n4` (an assumption; it sets the heat's strength, G ∝ 1/Q_abs).
    chaos_zeta : float
        Normalized detuning of the chaotic start, in (2, 9).
    bursts : int
        Soliton counts (each from :data:`BURST` aligned snapshots) spread evenly over the slow run.
    modes : int
        512 by default: at 256 the ≈ 37-mode-wide (3 dB) solitons near ζ ≈ 7 are under-resolved and a
        thermal-free scan drops from chaos straight to the CW state (4 of 4 seeds), where 512 modes keep 5–6
        solitons up to ζ_max.
    checkpoint, checkpoint_every
        Save the slow run every ``checkpoint_every`` steps to this .npz and resume from it
        (:func:`~combchip.simulate_comb`); the short lead-in into chaos is recomputed.

    Returns
    -------
    xarray.Dataset
        :func:`~combchip.simulate_comb` output of the slow run plus ``soliton_count`` on ``count`` with
        ``count_time`` [s], ``count_detuning`` and ``count_felt_detuning`` [Hz] (laser + heat − 2·XPM) and, with
        heat, ``count_temperature`` [K]; the lead-in powers, the aux detuning and the initial slow state in attrs.
    """
    park, park_offset_hz = _check_park(thermal, aux, park, park_offset_hz)
    rate = check_positive("rate_hz_per_s", rate_hz_per_s, "Hz/s")
    lead_rate = check_positive("lead_in_rate_hz_per_s", lead_in_rate_hz_per_s, "Hz/s")
    hold_s = check_range("hold_s", hold_s, 0.0, np.inf, "s")
    back_hz = check_range("back_hz", back_hz, 0.0, np.inf, "Hz")
    back_rate = rate if back_rate_hz_per_s is None else check_positive("back_rate_hz_per_s", back_rate_hz_per_s, "Hz/s")
    chaos_zeta = check_range("chaos_zeta", chaos_zeta, 2.0, 9.0, "1", low_open=True, high_open=True)
    bursts = check_int("bursts", bursts, 1)
    modes = check_int("modes", modes, 8)
    ring, pump = system_a_pumped_ring(), system_a_pump()
    norm = normalize(ring, pump)
    span = float(norm.detuning_hz(norm.zeta_max - chaos_zeta + 2.0)) if span_hz is None else check_positive(
        "span_hz", span_hz, "Hz")
    heat, laser = Thermal.si3n4(ring, absorption_q=absorption_q), system_a_aux()
    _check_aux_mode(aux, laser, modes)
    field, _, chaos_w, soliton_w = _lead_in(ring, pump, norm, chaos_zeta, lead_rate, modes, dt, seed, progress)
    shift, temperature, aux_field, aux_power, park_hz, laser = _steady_start(
        norm, heat, laser, thermal, aux, park, park_offset_hz, chaos_w, soliton_w, chaos_w)
    start = float(norm.detuning_hz(chaos_zeta - shift))
    schedule = DetuningSchedule.scan(start, start + span, rate)
    if hold_s > 0:
        schedule = schedule.hold(hold_s)
    if back_hz > 0:
        schedule = schedule.scan_to(start + span - back_hz, back_rate)
    ends, times = _burst_times(norm, schedule.duration, bursts)
    ds = simulate_comb(ring, pump, schedule, modes=modes, dt=dt, seed=seed, snapshots=times, progress=progress,
                       initial=field, thermal=heat if thermal else None, aux=laser if aux else None,
                       initial_temperature=temperature, initial_aux_field=aux_field, checkpoint=checkpoint,
                       checkpoint_every=checkpoint_every)
    ds = _with_counts(ds, schedule, ends, thermal)
    ds.attrs.update(scan_rate=rate, lead_in_rate=lead_rate, absorption_q=float(absorption_q),
                    hold=hold_s, back=back_hz, back_rate=back_rate, span=span,
                    thermal_on=int(thermal), aux_on=int(aux), park=str(park), park_offset=park_offset_hz,
                    aux_park_detuning=park_hz,
                    chaos_zeta=chaos_zeta, chaos_power=chaos_w, soliton_power=soliton_w,
                    initial_temperature=np.nan if temperature is None else temperature,
                    initial_aux_power=aux_power * laser.power_per_unit(norm) if aux else 0.0,
                    initial_pump_shift=float(norm.detuning_hz(shift)), start_detuning=start)
    return ds


def backward_scan(*, aux: bool = True, park: str | float = "zero_pull", park_offset_hz: float = 0.0,
                  stop_zeta: float = 4.5, rate_hz_per_s: float = BACK_RATE, absorption_q: float = SI3N4_ABSORPTION_Q,
                  lead_in_rate_hz_per_s: float = LEAD_IN_RATE, bursts: int = 120, modes: int = 512, dt: float = 4e-3,
                  seed: int = 0, progress: bool = False) -> xr.Dataset:
    """Backward (blue) pump scan of system A's multi-soliton state with the ring's heat, with or without the aux.

    Protocol: a thermal-free lead-in at ``lead_in_rate_hz_per_s`` from ζ = −5 through chaos to ζ₀ =
    :data:`PROBE_ZETA` leaves several solitons; the slow run starts from that field with the heat (and the aux,
    parked as in :func:`dual_drive_scan` from the lead-in's chaotic and soliton powers) in their steady state for
    the soliton power P_s, the laser offset so that the pump feels ζ₀; the laser then scans blue to a felt
    ``stop_zeta`` (if nothing changed the shift). Losing one soliton lowers the mean power by
    ΔP₁ ≈ √(2ζd₂)/π (|ψ|² units); the felt detuning then moves by (dζ_eff/dP)·ΔP₁
    (:func:`dual_drive_balance` ``pump_shift_slope``): red by −G·ΔP₁ ≈ +1 half-linewidth with heat alone, which
    holds the survivors while the next one decays (Guo et al., Nat. Phys. 13, 94 (2017)).

    Parameters
    ----------
    aux : bool
        With system A's aux laser (:func:`system_a_aux`).
    park, park_offset_hz
        Aux parking, as in :func:`dual_drive_scan`.
    stop_zeta : float
        Felt detuning at the end of the scan for an unchanged shift, in (2, :data:`PROBE_ZETA`).
    rate_hz_per_s : float
        Backward scan speed [Hz/s], > 0 (default :data:`BACK_RATE`).
    absorption_q, lead_in_rate_hz_per_s, bursts, modes, dt, seed, progress
        As in :func:`dual_drive_scan`.

    Returns
    -------
    xarray.Dataset
        :func:`~combchip.simulate_comb` output of the slow run plus ``soliton_count`` on ``count`` with
        ``count_time`` [s], ``count_detuning`` and ``count_felt_detuning`` [Hz] and ``count_temperature`` [K];
        the lead-in powers, the aux park and the initial state in attrs.
    """
    park, park_offset_hz = _check_park(True, aux, park, park_offset_hz)
    stop_zeta = check_range("stop_zeta", stop_zeta, 2.0, PROBE_ZETA, "1", low_open=True, high_open=True)
    rate = check_positive("rate_hz_per_s", rate_hz_per_s, "Hz/s")
    lead_rate = check_positive("lead_in_rate_hz_per_s", lead_in_rate_hz_per_s, "Hz/s")
    bursts = check_int("bursts", bursts, 1)
    modes = check_int("modes", modes, 8)
    ring, pump = system_a_pumped_ring(), system_a_pump()
    norm = normalize(ring, pump)
    heat, laser = Thermal.si3n4(ring, absorption_q=absorption_q), system_a_aux()
    _check_aux_mode(aux, laser, modes)
    _, field, chaos_w, soliton_w = _lead_in(ring, pump, norm, 6.0, lead_rate, modes, dt, seed, progress)
    shift, temperature, aux_field, aux_power, park_hz, laser = _steady_start(
        norm, heat, laser, True, aux, park, park_offset_hz, chaos_w, soliton_w, soliton_w)
    start = float(norm.detuning_hz(PROBE_ZETA - shift))
    schedule = DetuningSchedule.scan(start, start - float(norm.detuning_hz(PROBE_ZETA - stop_zeta)), rate)
    ends, times = _burst_times(norm, schedule.duration, bursts)
    ds = simulate_comb(ring, pump, schedule, modes=modes, dt=dt, seed=seed, snapshots=times, progress=progress,
                       initial=field, thermal=heat, aux=laser if aux else None, initial_temperature=temperature,
                       initial_aux_field=aux_field)
    ds = _with_counts(ds, schedule, ends, True)
    ds.attrs.update(back_rate=rate, lead_in_rate=lead_rate, absorption_q=float(absorption_q), aux_on=int(aux),
                    park=str(park), park_offset=park_offset_hz, aux_park_detuning=park_hz, chaos_power=chaos_w,
                    soliton_power=soliton_w, initial_temperature=temperature,
                    initial_aux_power=aux_power * laser.power_per_unit(norm) if aux else 0.0,
                    initial_pump_shift=float(norm.detuning_hz(shift)), start_detuning=start)
    return ds


def removals(ds: xr.Dataset) -> xr.Dataset:
    """Each change of ``soliton_count`` in a scan: the count before and after, and the time [s], felt detuning
    [Hz] and temperature [K] (NaN without heat) of the count after it. One-at-a-time removal has every
    ``lost`` = 1."""
    counts = ds.soliton_count.values
    at = np.flatnonzero(np.diff(counts)) + 1
    temperature = ds.count_temperature.values[at] if "count_temperature" in ds else np.full(at.size, np.nan)

    def var(data, units, long_name):
        return ("removal", np.asarray(data), {"units": units, "long_name": long_name})

    return xr.Dataset({
        "before": var(counts[at - 1], "1", "solitons before"),
        "after": var(counts[at], "1", "solitons after"),
        "lost": var(counts[at - 1] - counts[at], "1", "solitons lost (negative: gained)"),
        "time": var(ds.count_time.values[at], "s", "time of the count after the change"),
        "felt_detuning": var(ds.count_felt_detuning.values[at], "Hz", "felt detuning at that count"),
        "temperature": var(temperature, "K", "ring temperature rise at that count"),
    }, attrs={"kappa": ds.attrs["kappa"]})

def _pump_shift(ds: xr.Dataset, times: np.ndarray) -> np.ndarray:
    """Shift [Hz] of the pump's detuning at ``times`` [s]: heat + XPM of the aux, x − 2B (zero without them)."""
    shift = np.zeros(np.shape(times))
    if "thermal_shift" in ds:
        shift = shift + np.interp(times, ds.time.values, ds.thermal_shift.values)
    if "aux_intracavity_power" in ds:
        inputs = json.loads(ds.attrs["combchip_inputs"])
        per_unit = AuxLaser.from_dict(inputs["aux"]).power_per_unit(normalize(Ring(**inputs["ring"]), Laser(**inputs["pump"])))
        cross = np.interp(times, ds.time.values, ds.aux_intracavity_power.values) / per_unit
        shift = shift - 2 * cross * ds.attrs["kappa"] / (4 * np.pi)
    return shift


def effective_threshold(ds: xr.Dataset) -> np.ndarray:
    """:func:`~combchip.comb.steps.soliton_threshold` at the detuning the pump feels: laser detuning + thermal
    shift − 2·(aux XPM), so that heated or aux-pumped solitons (peak ≈ 2ζ_eff) are counted."""
    felt = ds.snapshot_detuning + xr.DataArray(_pump_shift(ds, ds.snapshot_time.values), dims="snapshot")
    return soliton_threshold(ds.assign(snapshot_detuning=felt))


def soliton_steps_of(ds: xr.Dataset) -> dict[int, float]:
    """Pump detuning [Hz] swept while each soliton number N ≥ 1 was counted, during forward tuning.

    Each count stands for the detuning swept since the previous count (positive increments only).
    """
    counts = ds.soliton_count.values
    swept = np.diff(ds.count_detuning.values, prepend=ds.count_detuning.values[0])
    steps: dict[int, float] = {}
    for n, d in zip(counts, swept):
        if n >= 1 and d > 0:
            steps[int(n)] = steps.get(int(n), 0.0) + float(d)
    return steps


def temperature_swing(ds: xr.Dataset) -> float:
    """Temperature drop [K] from the first soliton count to the coolest point after it (NaN if none)."""
    found = np.flatnonzero(ds.soliton_count.values >= 1)
    if found.size == 0 or "count_temperature" not in ds:
        return float("nan")
    t = ds.count_temperature.values
    return float(t[found[0]] - t[found[0]:].min())


def comb_span(ds: xr.Dataset, level_db: float, snapshot: int = -1) -> float:
    """Wavelength span [m] of the lines within ``level_db`` (< 0) of the strongest non-pump line."""
    level_db = check_range("level_db", level_db, -np.inf, 0.0, "dB", high_open=True)
    spectrum = ds.spectrum.isel(snapshot=snapshot).values
    side = np.where(ds.mu.values != 0, spectrum, 0.0)
    kept = ds.frequency.values[side >= side.max() * 10 ** (level_db / 10)]
    return float(c / kept.min() - c / kept.max())
