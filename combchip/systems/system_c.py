"""System C (Weiming Quantum Chip-Network, Nature 2026): its 30 GHz ring, InP client chip and SNS link.

Published numbers come from :data:`combchip.systems.published.SYSTEM_C`; what the paper does not give
is stated here as an assumption.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.constants import c

from ..comb.resonator import Ring
from ..waveguide import radius_for_fsr
from .published import SYSTEM_C

__all__ = ["BACKSCATTER_RATE", "DELAY_IMBALANCE", "DFB_COUPLING", "DFB_CURRENT", "FLAT_TOP_EXCESS_DB",
           "FLAT_TOP_LINES", "HEAT_WEIGHT", "INTENSITY_MISMATCH",
           "POLARIZATION_MISMATCH", "REFERENCE_POWER", "RING_RADIUS", "RING_WIDTH", "system_c_channel",
           "system_c_client", "system_c_comb_ring", "system_c_dark_pulse", "system_c_dark_pulse_map",
           "system_c_heat_weight", "system_c_line_noise", "system_c_ring", "system_c_sil", "system_c_thermorefractive"]

RING_WIDTH = 2.8e-6
"""Assumed ring and bus width [m] of the 100 nm thick Si₃N₄ guide (weakly guiding, ultrahigh Q)."""
RING_RADIUS = radius_for_fsr(fsr=SYSTEM_C.fsr, width=RING_WIDTH, height=SYSTEM_C.ring_thickness,
                             wavelength=SYSTEM_C.wavelength, method="fem")
"""Drawn ring radius [m]: R = c/(2π·n_g·FSR) for the published FSR, n_g the full-vectorial (femwell) group index
of the :data:`RING_WIDTH` × 100 nm guide at 1549.78 nm (straight guide; tabulated in :mod:`combchip.mode_table`,
so importing this module solves no mesh)."""


def system_c_ring() -> Ring:
    """System C's ultrahigh-Q 30.03 GHz Si₃N₄ ring (100 nm thick, normal dispersion).

    Published: FSR 30.03 GHz and Q_i = 20 × 10⁶ at 1549.78 nm. Assumed: critical coupling (Q_ex = Q_i)
    and the width :data:`RING_WIDTH`; the radius :data:`RING_RADIUS` is solved from the FSR, so
    n_g = c/(FSR·2πR) is the mode solver's group index.
    """
    n_g = c / (SYSTEM_C.fsr * 2 * math.pi * RING_RADIUS)
    return Ring.from_q(SYSTEM_C.wavelength, SYSTEM_C.fsr, SYSTEM_C.q_intrinsic, SYSTEM_C.q_intrinsic, n_g=n_g)


def system_c_client(symbol_rate: float = 1.25e9, wavelength: float = 1550e-9):
    """System C's InP client chip: two single-drive InP IMs and a PM, 4 mm linear electro-optic sections.

    The modulators are built for the published 33.8 dB interference visibility; 4 mm of InP (r₄₁ = 1.4 pm/V,
    0.5 µm intrinsic layer, Γ = 0.7, assumed) gives Vπ ≈ 6.2 V against the published 5.8 ± 1.4 V. The
    symbol rate and the 8-samples-per-symbol, 30 ps-rise DAC are assumptions (the paper does not give them).
    Each 4 mm section is a lumped electrode (as drawn): its 1.76 pF junction behind a 50 Ω driver terminated in
    50 Ω limits the drive to f_RC ≈ 3.6 GHz (:meth:`~combchip.tx.phase_shifters.ElectroOpticPhaseShifter.rc_response`).
    """
    from ..tx.chips import InPClientChip
    from ..tx.drive import Drive
    from ..tx.modulators import MZI
    from ..tx.phase_shifters import ElectroOpticPhaseShifter

    section = ElectroOpticPhaseShifter(length=4e-3)
    lumped = section.rc_response()
    im = MZI.with_extinction(SYSTEM_C.modulator_visibility_db, section, drive="single", bias_phase=np.pi,
                             wavelength=wavelength, response=lumped)
    return InPClientChip(
        carver=im,
        decoy=im,
        phase_modulator=section,
        drive=Drive(symbol_rate=symbol_rate, dac_rate=8 * symbol_rate, rise_time=30e-12, samples_per_symbol=64,
                    response=lumped),
        wavelength=wavelength,
    )


REFERENCE_POWER = 1e-9
"""Time-averaged phase-reference power per user at its output [W] (assumed)."""
POLARIZATION_MISMATCH = 0.1
"""Residual angle between the users' polarizations at the relay [rad] (assumed: 20 dB extinction, sin²θ = 0.01)."""
INTENSITY_MISMATCH = 0.025
"""Relative source-intensity mismatch δ = (I_a − I_b)/(I_a + I_b) (assumed: the users' μ agree to ≈ 5 %)."""
DELAY_IMBALANCE = 5e-6
"""Difference of the comb light's delays to the relay through the two users [s] (assumed: ≈ 1 km of fibre)."""


def system_c_channel(reference_interval: float = 10e-6, difference_interval: float = 1e-3):
    """System C's SNS-TF-QKD link (:class:`combchip.link.qkd.sns.SNSChannel`) with its phase tracking.

    Published: phase drift 2.9 rad/ms on the reference and 0.03 rad/ms on the phase difference
    (dual-wavelength tracking), injection-locked client linewidths ≈ 60 Hz, comb-line intrinsic linewidth
    ≈ 40 Hz, wavelength 1549.78 nm. Assumed: ultra-low-loss fibre 0.16 dB/km, SNSPD efficiency 0.7,
    dark-count probability 1e-8 per window, the reference re-estimated every ``reference_interval`` [s] and
    the phase difference every ``difference_interval`` [s], both from :data:`REFERENCE_POWER` per user, and
    :data:`POLARIZATION_MISMATCH`, :data:`INTENSITY_MISMATCH`, :data:`DELAY_IMBALANCE`. The X-basis errors
    follow from these parts (:class:`combchip.link.qkd.sns_tracking.PhaseTracking`).
    """
    from ..link.qkd.sns import SNSChannel
    from ..link.qkd.sns_tracking import PhaseTracking

    tracking = PhaseTracking(
        reference_power=REFERENCE_POWER, wavelength=SYSTEM_C.wavelength,
        reference_drift_rate=SYSTEM_C.reference_phase_drift, reference_interval=reference_interval,
        difference_drift_rate=SYSTEM_C.difference_phase_drift, difference_interval=difference_interval,
        linewidth_a=SYSTEM_C.client_linewidth, linewidth_b=SYSTEM_C.client_linewidth,
        comb_linewidth=SYSTEM_C.intrinsic_linewidth, delay_imbalance=DELAY_IMBALANCE,
        polarization_mismatch=POLARIZATION_MISMATCH, intensity_mismatch=INTENSITY_MISMATCH)
    return SNSChannel(loss_db_per_km=0.16, efficiency=0.7, dark_count_probability=1e-8, tracking=tracking)


BACKSCATTER_RATE = 2 * math.pi * 1e6
"""Assumed forward–backward coupling Γ [rad/s] of the ring: a 2 MHz doublet splitting, unresolved under the
≈ 19 MHz loaded linewidth (the paper gives none)."""
DFB_COUPLING = 0.3
"""Assumed DFB-to-bus power coupling η_c through the air gap (the paper gives none)."""
DFB_CURRENT = 0.33
"""Assumed DFB drive current [A] (the paper gives none): ≈ 99 mW from :meth:`combchip.SemiconductorLaser.dfb`, a
100 mW-class InP DFB. With A_eff from the mode field a platicon needs the CW bistability at the locked detuning,
f² > ρ₊[1 + (ζ − ρ₊)²] with ρ₊ = (2ζ + √(ζ² − 3))/3 (≈ 1.97 at the locked ζ ≈ 2.1 near threshold; Godey et al.,
Phys. Rev. A 89, 063814 (2014)), i.e. ≥ 72 mW from the DFB at :data:`DFB_COUPLING`; 120 mA (32 mW, f² = 0.88) is
below even the cusp f² = 8/(3√3). 330 mA gives f² ≈ 2.7, 1.4× that threshold; it is not chosen to match the
published output. Its platicon is not flat-topped (:data:`FLAT_TOP_LINES`) at any feedback phase or free-running
detuning (:func:`system_c_dark_pulse_map`): the lock holds ζ at 2.58–2.68 (bistability window 2.31–2.82), the phase
sets the dark fraction within 0.19–0.73, and the √|d₂|-wide fronts keep ≤ 14 lines within 20 dB. A flat top needs
sharper fronts and a narrow bright section: at 1 A (≈ 314 mW, f² ≈ 8.6) it appears in a band one grid step wide
(Δξ = 1, Δφ ≈ 0.05 rad) along the edge of the stationary region, where the lock pulls ζ from ≈ 6.05 to 5.0–5.5, with
19.1–19.2 dBm out against the published ≈ 10 dBm; the lowest current with a flat top is ≈ 0.58 A (f² ≈ 4.9,
16.5 dBm out: a flat top needs a dark fraction ≈ 0.84, where the ring passes most of the bus power). 330 mA stays the
documented point."""


def system_c_comb_ring() -> Ring:
    """:func:`system_c_ring` with D₂ and D₃ of the full-vectorial bent-guide modes of its 2.8 µm × 100 nm guide.

    :func:`combchip.waveguide.ring_dispersion` (``"fem"``, femwell, tabulated in :mod:`combchip.mode_table`)
    gives D₂/2π ≈ −0.75 MHz, normal dispersion (the effective-index method: −0.74 MHz). A_eff ≈ 16.3 µm² is
    that of the bent mode's field, (∫|E|²dA)²/∫_core|E|⁴dA (:func:`combchip.waveguide.effective_area`): the
    100 nm core holds a small part of the power, so the Kerr shift g₀ ∝ n₂/A_eff is ≈ 16× below a 1 µm² guide's.
    """
    from dataclasses import replace

    from ..waveguide import effective_area, ring_dispersion

    guide = dict(width=RING_WIDTH, height=SYSTEM_C.ring_thickness, wavelength=SYSTEM_C.wavelength,
                 radius=RING_RADIUS)
    disp = ring_dispersion(**guide, method="fem")
    return replace(system_c_ring(), d2=disp["d2"], d3=disp["d3"], a_eff=effective_area(**guide))


def system_c_sil(feedback_phase: float = math.pi, current: float = DFB_CURRENT, coupling: float = DFB_COUPLING):
    """System C's InP DFB (:meth:`combchip.SemiconductorLaser.dfb` at ``current`` [A], assumed parameters) on
    ``coupling`` (η_c), self-injection locked through :data:`BACKSCATTER_RATE`."""
    from ..comb.sil import SelfInjection, SemiconductorLaser

    return SelfInjection(SemiconductorLaser.dfb(SYSTEM_C.wavelength, current), BACKSCATTER_RATE,
                         feedback_phase=feedback_phase, coupling_efficiency=coupling)


FLAT_TOP_LINES = 10
"""Flat-top criterion: at least this many sidebands (pump excluded) within 10 dB of the strongest sideband, with the
first sidebands at most :data:`FLAT_TOP_EXCESS_DB` above the median of the lines |μ| = 2 … 5 that such a plateau
holds (the median over all lines within 20 dB would fill with a sharp profile's sidelobes). A platicon is two
switching fronts a dark fraction d of the ring apart; with sharp fronts |ψ_μ|² ∝ sin²(πμd)/μ² (Lobanov et al., Opt.
Express 23, 7143 (2015)), whose 1/μ² envelope falls 10 dB by |μ| = √10: at most 6 lines within 10 dB, the first
sidebands standing above the rest. Five lines a side within 10 dB need the sinc's main lobe to reach |μ| = 5, i.e.
min(d, 1 − d) ≲ 0.15 (sin x/x = 1/√10 at x ≈ 2.3), and fronts sharp enough for their own spectrum to reach as far.
A sharp square wave passes for d ≤ 0.12 (first-sideband excess 2.4 dB) and fails at 0.15 (3.9 dB) and 0.45 (16 dB)."""
FLAT_TOP_EXCESS_DB = 3.0
"""First-sideband excess [dB] above the plateau allowed in a flat top (:data:`FLAT_TOP_LINES`)."""


def _platicon_shape(power, mu, lines) -> dict:
    """Dark fraction of an intracavity power profile and the flatness of its line powers (pump excluded)."""
    dark = float(np.mean(power < (power.max() + power.min()) / 2))
    side, order = lines[mu != 0], np.abs(mu[mu != 0])
    with np.errstate(divide="ignore"):  # a sharp profile's spectral zeros: −inf dB
        level = 10 * np.log10(side / side.max())
    plateau = side[(order >= 2) & (order <= FLAT_TOP_LINES // 2)]
    excess = float(10 * np.log10(side[order == 1].max() / np.median(plateau)))
    counts = {f"lines_within_{x}db": int((level > -x).sum()) for x in (3, 10, 20)}
    return dict(dark_fraction=dark, **counts, first_sideband_excess_db=excess,
                flat_top=int(counts["lines_within_10db"] >= FLAT_TOP_LINES and excess <= FLAT_TOP_EXCESS_DB))


def _bistability_window(f2: float) -> tuple[float, float]:
    """ζ range of the CW bistability at f²: the folds ρ± = (2ζ ± √(ζ² − 3))/3 reach f² = ρ±[1 + (ζ − ρ±)²]
    (Godey et al., Phys. Rev. A 89, 063814 (2014)); NaN below the cusp f² = 8/(3√3)."""
    from scipy.optimize import brentq

    if f2 <= 8 / (3 * math.sqrt(3)):
        return math.nan, math.nan

    def fold(zeta, sign):
        rho = (2 * zeta + sign * math.sqrt(max(zeta**2 - 3, 0.0))) / 3
        return rho * (1 + (zeta - rho) ** 2) - f2

    cusp, top = math.sqrt(3), 2 * f2 + 2
    return brentq(fold, cusp, top, args=(-1,)), brentq(fold, cusp, top, args=(1,))


def _sil_start(ring, sil, free_running_detuning, step=None):
    """Normalization, τ unit [s] and schedule of a SIL start: ξ from −20 to ξ₁ over 300 τ, held 200 τ (then ξ₁ + step
    held 100 τ where ``step`` is given)."""
    from ..comb.detuning import DetuningSchedule
    from ..comb.normalization import normalize

    norm = normalize(ring, sil.pump())
    t = 2 / norm.kappa
    knots, xi = (0.0, 300 * t, 500 * t), (-20.0, free_running_detuning, free_running_detuning)
    if step is not None:
        knots, xi = knots + (500 * t * (1 + 1e-9), 600 * t), xi + (free_running_detuning + step,) * 2
    return norm, t, DetuningSchedule(knots, tuple(float(norm.detuning_hz(x)) for x in xi))


def _window(ds, t, start, stop):
    return (ds.time.values > start * t) & (ds.time.values < stop * t)


def _steady(ds, t, spans) -> bool:
    """Comb power steady to 10⁻³ over each (start, stop) span [τ]."""
    comb = ds.comb_power.values
    return all(comb[w].mean() > 0 and np.ptp(comb[w]) < 1e-3 * comb[w].mean()
               for w in (_window(ds, t, *span) for span in spans))


def _check_detunings(name, values):
    values = np.atleast_1d(np.asarray(values, dtype=float))
    if values.ndim != 1 or values.size == 0 or not np.all(np.isfinite(values) & (values > 0)):
        raise ValueError(f"{name} must be > 0 (red side, κ/2 units), got {values!r}")
    return values


def _check_phases(phases):
    phases = np.linspace(-math.pi, math.pi, 8, endpoint=False) if phases is None else np.atleast_1d(
        np.asarray(phases, dtype=float))
    if phases.ndim != 1 or phases.size == 0 or not np.all(np.isfinite(phases)):
        raise ValueError(f"feedback_phases must be finite numbers [rad], got {phases!r}")
    return phases


def system_c_dark_pulse(feedback_phases=None, *, free_running_detuning: float = 20.0, modes: int = 128,
                        current: float = DFB_CURRENT, coupling: float = DFB_COUPLING, seed: int = 0,
                        progress: bool = False):
    """System C's dark pulse (platicon) started by self-injection locking, the feedback phase swept.

    For each phase φ (default 8 over [−π, π)) the free-running DFB (``current`` [A], ``coupling`` η_c) is tuned from
    ξ = −20 (blue of the resonance) to ``free_running_detuning`` ξ₁ (ξ = 2(ω₀ − ω_d)/κ) over 300 τ (τ = κt/2) and
    held 200 τ; then ξ steps by Δξ = −ξ₁/4 and is held 100 τ. The first φ ending in a stationary comb (comb power
    steady to 10⁻³ over the last 50 τ of each hold) is run again at half the time step h, and the shift Δζ of the
    locked laser's detuning ζ is Richardson-extrapolated, Δζ_R = (4Δζ(h/2) − Δζ(h))/3 (the splitting error is
    O(h²)), with the error estimate ε = |Δζ(h/2) − Δζ(h)|/3. The Kerr-loaded stabilization coefficient is
    K = Δξ/Δζ_R where |Δζ_R| > 3ε; otherwise K is not resolved and only |K| ≥ |Δξ|/(|Δζ_R| + ε) is known (at the
    330 mA default the Kerr-loaded lock pins ζ: at h/4 it stays within 4 × 10⁻⁴ over ξ = 10…30, while a step read
    at h alone gives K ≈ 500). The DFB's frequency noise reaches the locked laser divided by K² (Kondratiev et al., Opt.
    Express 25, 28167 (2017)), adiabatically, i.e. at Fourier frequencies well inside the locking band.

    Returns
    -------
    xarray.Dataset
        The :func:`~combchip.comb.simulate.simulate_comb` result of that phase at the step h (five snapshots 10 τ
        apart at the end of the ξ₁ hold), with ``attrs``: ``feedback_phase``, ``phases_tried``, ``locked_zeta`` (ζ
        over the last 50 τ of the ξ₁ hold, at h/2), ``stabilization_resolved`` (1 or 0), ``stabilization`` (K, or
        its lower bound where not resolved), ``noise_suppression_db`` (20 log₁₀|K|, or its lower bound: frequency
        noise of the locked laser, which is the pump line, against the free-running DFB), ``comb_line_linewidth``
        [Hz] (the DFB's Henry linewidth / K², or its upper bound; also set as ``pump_linewidth``, the locked
        pump's, so that :func:`~combchip.comb.lines.comb_lines` carries it to the lines; ``pump_linewidth_is_bound``
        = 1 marks it an upper bound, "from_pump_bound"), ``total_output_power``
        [W] (all lines, pump included), ``bus_input_power`` [W], and the shape of the last snapshot:
        ``dark_fraction`` (share of the ring below the mid-level of the profile), ``lines_within_3db``,
        ``lines_within_10db``, ``lines_within_20db`` (sidebands within that of the strongest sideband),
        ``first_sideband_excess_db`` and ``flat_top`` (1 where :data:`FLAT_TOP_LINES` is met). Raises RuntimeError
        if no phase gives a stationary comb.
    """
    from ..comb.simulate import simulate_comb

    phases = _check_phases(feedback_phases)
    _check_detunings("free_running_detuning", free_running_detuning)
    ring = system_c_comb_ring()
    step = -free_running_detuning / 4
    tried = []
    for phase in phases:
        sil = system_c_sil(float(phase), current, coupling)
        norm, t, schedule = _sil_start(ring, sil, free_running_detuning, step)

        def run(dt=None, snapshots=2):
            return simulate_comb(ring, sil.pump(), schedule, modes=modes, sil=sil, seed=seed, progress=progress,
                                 snapshots=snapshots, dt=dt)

        ds = run(snapshots=[*np.linspace(410 * t, 450 * t, 5), 600 * t])
        tried.append(float(phase))
        if not _steady(ds, t, ((450, 500), (550, 600))):
            continue
        shifts, zeta = [], np.nan
        for trace in (ds, run(dt=ds.attrs["dt_normalized"] / 2)):
            zeta = norm.zeta(trace.laser_detuning.values).ravel()
            before, after = _window(trace, t, 450, 500), _window(trace, t, 550, 600)
            shifts.append(zeta[after].mean() - zeta[before].mean())
            zeta = float(zeta[before].mean())
        shift, error = (4 * shifts[1] - shifts[0]) / 3, abs(shifts[1] - shifts[0]) / 3
        resolved = abs(shift) > 3 * error
        stabilization = step / shift if resolved else abs(step) / (abs(shift) + error)
        ds = ds.isel(snapshot=slice(0, 5))
        locked_linewidth = float(sil.laser.linewidth / stabilization**2)
        last = ds.isel(snapshot=-1)
        ds.attrs.update(
            feedback_phase=float(phase), phases_tried=tried, locked_zeta=zeta,
            stabilization_resolved=int(resolved), stabilization=float(stabilization),
            noise_suppression_db=float(20 * np.log10(abs(stabilization))),
            comb_line_linewidth=locked_linewidth, pump_linewidth=locked_linewidth,
            pump_linewidth_is_bound=int(not resolved),
            total_output_power=float(last.spectrum.sum()), bus_input_power=sil.pump().power,
            free_running_linewidth=sil.laser.linewidth,
            **_platicon_shape(np.abs(last.field.values) ** 2, ds.mu.values, last.spectrum.values))
        return ds
    raise RuntimeError(f"no feedback phase of {tried} gave a stationary comb at free-running detuning "
                       f"{free_running_detuning} (κ/2 units)")


def system_c_dark_pulse_map(feedback_phases=None, free_running_detunings=(10.0, 20.0, 30.0, 45.0, 60.0), *,
                            modes: int = 128, current: float = DFB_CURRENT, coupling: float = DFB_COUPLING,
                            seed: int = 0, progress: bool = False):
    """Where system C's SIL-started dark pulse forms, and how flat its spectrum is, over the two operating knobs.

    The air gap's feedback phase φ (unknown; default 8 over [−π, π)) and the DFB's free-running detuning ξ₁
    (its current tuning, κ/2 units, red side) are scanned at a fixed ``current`` [A] (f² fixed). Each point runs the
    start of :func:`system_c_dark_pulse`: ξ from −20 to ξ₁ over 300 τ, held 200 τ. A point is stationary when the
    comb power is steady to 10⁻³ over the last 50 τ and above 10⁻³ of the bus power (below, the sidebands hold only
    vacuum noise); the others (unlocked, chaotic or CW) get NaN shape figures.
    The flat-top criterion is :data:`FLAT_TOP_LINES`. The lock sets ζ and, through the pump mode's share of the
    backscattered field, the platicon's dark fraction (Lihachev et al., Nat. Commun. 13, 1771 (2022)); the map
    shows which of the two the knobs move.

    Returns
    -------
    xarray.Dataset
        On (``feedback_phase`` [rad], ``free_running_detuning`` [κ/2]): ``stationary`` (1/0), ``locked_zeta``,
        ``dark_fraction``, ``lines_within_3db``, ``lines_within_10db``, ``lines_within_20db``,
        ``first_sideband_excess`` [dB], ``flat_top`` (1/0) and ``total_output_power`` [W] (all lines, pump
        included), NaN where not stationary; ``attrs``: the inputs, ``f2``, ``bistability_low`` and
        ``bistability_high`` (the CW bistability's ζ window at f², closed form), ``bus_input_power`` [W].
    """
    import xarray as xr

    from ..comb.simulate import simulate_comb

    phases = _check_phases(feedback_phases)
    detunings = _check_detunings("free_running_detunings", free_running_detunings)
    ring = system_c_comb_ring()
    names = ("locked_zeta", "dark_fraction", "lines_within_3db", "lines_within_10db", "lines_within_20db",
             "first_sideband_excess_db", "flat_top", "total_output_power")
    out = {name: np.full((phases.size, detunings.size), np.nan) for name in names}
    stationary = np.zeros((phases.size, detunings.size), dtype=int)
    for i, phase in enumerate(phases):
        sil = system_c_sil(float(phase), current, coupling)
        for j, xi in enumerate(detunings):
            norm, t, schedule = _sil_start(ring, sil, float(xi))
            ds = simulate_comb(ring, sil.pump(), schedule, modes=modes, sil=sil, seed=seed, progress=progress,
                               snapshots=[500 * t])
            if not (_steady(ds, t, ((450, 500),)) and ds.comb_power.values[-1] > 1e-3 * sil.pump().power):
                continue
            stationary[i, j] = 1
            last = ds.isel(snapshot=-1)
            shape = _platicon_shape(np.abs(last.field.values) ** 2,
                                    ds.mu.values, last.spectrum.values)
            shape.update(locked_zeta=float(norm.zeta(ds.laser_detuning.values.ravel()[_window(ds, t, 450, 500)])
                                           .mean()), total_output_power=float(last.spectrum.sum()))
            for name in names:
                out[name][i, j] = shape[name]
    dims = ("feedback_phase", "free_running_detuning")

    def var(data, units, long_name):
        return xr.Variable(dims, data, {"units": units, "long_name": long_name})

    low, high = _bistability_window(norm.f2)
    return xr.Dataset(
        {"stationary": var(stationary, "1", "stationary comb (1) or not (0)"),
         "locked_zeta": var(out["locked_zeta"], "1", "locked laser detuning ζ (κ/2 units)"),
         "dark_fraction": var(out["dark_fraction"], "1", "share of the ring below the profile's mid-level"),
         **{f"lines_within_{x}db": var(out[f"lines_within_{x}db"], "1",
                                        f"sidebands within {x} dB of the strongest sideband") for x in (3, 10, 20)},
         "first_sideband_excess": var(out["first_sideband_excess_db"], "dB",
                                      "first sidebands above the median of |μ| = 2…5"),
         "flat_top": var(out["flat_top"], "1", "flat-top criterion met (1) or not (0)"),
         "total_output_power": var(out["total_output_power"], "W", "total output power, pump included")},
        coords={"feedback_phase": ("feedback_phase", phases, {"units": "rad", "long_name": "feedback phase φ"}),
                "free_running_detuning": ("free_running_detuning", detunings,
                                          {"units": "1", "long_name": "free-running detuning ξ₁ (κ/2 units)"})},
        attrs={"current": float(current), "coupling": float(coupling), "modes": int(modes), "seed": int(seed),
               "f2": float(norm.f2), "bistability_low": low, "bistability_high": high,
               "bus_input_power": float(sil.pump().power), "flat_top_lines": FLAT_TOP_LINES,
               "flat_top_excess_db": FLAT_TOP_EXCESS_DB})


SIO2_THERMAL = {"density": 2200.0, "heat_capacity": 740.0, "conductivity": 1.38}
"""Fused-silica cladding: ρ [kg/m³], C [J/(kg K)], κ_th [W/(m K)] (handbook values at 300 K). The thermal model is
homogeneous SiO₂: the 100 nm Si₃N₄ core's own ρC (≈ 1.5×) and κ_th (≈ 10–20×, film-dependent) are not
resolved (assumed). The core holds ≈ 1/3 of the heat weight and ≈ 80 % of ∫w²: its own ρC lowers the variance
24 % (−32 % of S_T at 10 MHz, −10 % at 1 MHz) by the finite-element cross-check
(:func:`combchip.comb.thermorefractive_fem.fem_temperature_noise`, ``examples/trn_fem.py``, assumed film constants);
this is the model's main thermal approximation."""
TEMPERATURE = 300.0
"""Assumed chip temperature [K]."""
HEAT_WEIGHT = {
    "confinement": 0.16314052153373804,
    "cladding_confinement": 0.8613639664033454,
    "widths": (1.0794081487238755e-06, 6.450822993189328e-07),
    "weight_square": 568311244518.1353,
    "shape_wavenumbers": (2.044721e+05, 2.993074e+05, 3.621255e+05, 4.381278e+05, 5.300813e+05, 6.413339e+05,
                          7.759360e+05, 9.387882e+05, 1.135819e+06, 1.374203e+06, 1.662619e+06, 2.011567e+06,
                          2.433751e+06, 2.944542e+06, 3.562538e+06, 4.310238e+06, 5.214863e+06, 6.309350e+06,
                          7.633546e+06, 9.235662e+06, 1.117403e+07, 1.351921e+07, 1.635660e+07, 1.978950e+07,
                          2.394289e+07, 2.896798e+07, 3.504773e+07, 4.240349e+07, 5.130306e+07, 6.207047e+07,
                          7.509771e+07, 9.085910e+07, 1.099285e+08, 1.330001e+08, 1.609139e+08, 1.946862e+08,
                          2.355466e+08),
    "shape_weights": (1.007441e+05, 4.125721e+05, 2.835794e+05, 6.046678e+06, 7.095996e+06, 3.368303e+07,
                      2.943557e+07, 2.620840e+08, 4.410390e+08, 1.271158e+09, 2.881220e+09, 5.469766e+09,
                      9.404726e+09, 1.337413e+10, 1.944210e+10, 2.016927e+10, 2.269257e+10, 2.078406e+10,
                      1.937211e+10, 2.061092e+10, 2.011626e+10, 2.159240e+10, 2.309130e+10, 2.261311e+10,
                      2.282681e+10, 2.151612e+10, 1.710031e+10, 1.082601e+10, 4.058205e+09, 3.437734e+08,
                      2.365170e+09, 5.846634e+09, 2.970573e+09, 1.049152e+09, 3.704282e+09, 1.312363e+09,
                      2.347529e+09),
}
"""System C's pumped mode read by the temperature, tabulated from :func:`system_c_heat_weight` (femwell, the bent
2.8 µm × 100 nm guide of :func:`system_c_comb_ring`'s A_eff, 16 × 8 cells): the confinements Γ = cε₀∫n|E|²dA
of the core and of the cladding (power-normalized field; dn_eff/dT = Σ Γ·dn/dT), the Gaussian widths (a_x, a_y)
[m] of the heat weight w ∝ n·(dn/dT)·|E|² (a² = 2 × its variance), ∫w² dA [1/m²] by FEM quadrature, and the
non-Gaussian rest of |ŵ(k)|² in |k| bins (:meth:`combchip.comb.thermorefractive.ThermalDiffusion.from_weight`,
sampled at 50 × 12.5 nm). Regenerate with ``system_c_heat_weight()`` (≈ 2.5 min: the field is probed at 4 × 10⁵
points)."""


def system_c_heat_weight(sample: bool = True) -> dict:
    """Heat weight of system C's pumped mode from its femwell field (the solve behind :func:`system_c_comb_ring`'s
    A_eff), the numbers :data:`HEAT_WEIGHT` tabulates.

    The mode's resonance moves by δν = a₀·∫w·δT dA (uniform along the ring) with w ∝ n·(dn/dT)·|E|², ∫w dA = 1,
    from first-order perturbation of n_eff (δn_eff = cε₀∫n·δn·|E|²dA for a field carrying unit power;
    A. W. Snyder and J. D. Love, *Optical Waveguide Theory*, 1983, §18) and δν/ν = −δn_eff/n_g. Returns a dict:
    ``confinement`` and ``cladding_confinement`` (Γ = cε₀∫n|E|²dA over each), ``widths`` (a_x, a_y) [m] (a² = 2 ×
    the weight's variance about its centroid), ``weight_square`` ∫w² dA [1/m²] (FEM quadrature) and, with
    ``sample``, ``diffusion`` (:meth:`~combchip.comb.thermorefractive.ThermalDiffusion.from_weight` of the weight
    probed on a 50 × 12.5 nm grid over the mesh; slow) with its ``shape_wavenumbers`` and ``shape_weights``.
    """
    from scipy.constants import epsilon_0
    from skfem import Functional
    from skfem.helpers import dot

    from ..comb.thermorefractive import ThermalDiffusion
    from ..modes import DEFAULT_CELLS, mesh, solve
    from ..waveguide import THERMO_OPTIC, _fem_optics

    width, height, lam = RING_WIDTH, SYSTEM_C.ring_thickness, SYSTEM_C.wavelength
    optics = _fem_optics(width, height, "Si3N4", "SiO2")
    n_core, n_clad, _ = optics(lam)
    grid, which = mesh(width, height, lam, n_core, n_clad, DEFAULT_CELLS)
    mode = solve(grid, which, lam, RING_RADIUS, optics)
    in_core = which >= 0
    n = np.where(in_core, n_core, n_clad)
    heat = n * np.where(in_core, THERMO_OPTIC["Si3N4"], THERMO_OPTIC["SiO2"])    # n·dn/dT per element
    cells = mode.basis_epsilon_r

    def integral(fun, **fields):
        @Functional
        def form(w):
            e2 = (dot(np.conj(w["E"][0]), w["E"][0]) + np.conj(w["E"][1]) * w["E"][1]).real
            return fun(w, e2)
        return float(form.assemble(mode.basis, E=mode.basis.interpolate(mode.E),
                                   **{k: cells.interpolate(v) for k, v in fields.items()}))

    gamma = [c * epsilon_0 * integral(lambda w, e2: w["n"] * w["on"] * e2, n=n, on=on)
             for on in (in_core.astype(float), (~in_core).astype(float))]
    total = integral(lambda w, e2: w["h"] * e2, h=heat)
    mx, my = (integral(lambda w, e2: w["h"] * e2 * w.x[i], h=heat) / total for i in (0, 1))
    ax, ay = (math.sqrt(2 * integral(lambda w, e2: w["h"] * e2 * (w.x[i] - m) ** 2, h=heat) / total) * 1e-6
              for i, m in ((0, mx), (1, my)))
    out = {"confinement": gamma[0], "cladding_confinement": gamma[1], "widths": (ax, ay),
           "weight_square": integral(lambda w, e2: (w["h"] * e2) ** 2, h=heat) / total**2 * 1e12}
    if sample:
        (e_t, basis_t), (e_z, basis_z) = mode.basis.split(mode.E)
        half_x, half_y = (0.999 * float(np.max(grid.p[i])) for i in (0, 1))
        xs = 0.05 * (np.arange(-int(half_x / 0.05), int(half_x / 0.05)) + 0.5)          # µm, walls between samples
        ys = 0.0125 * (np.arange(-int(half_y / 0.0125), int(half_y / 0.0125)) + 0.5)
        weight = np.empty((xs.size, ys.size))
        for i, x in enumerate(xs):                                   # one column at a time: skfem's element finder
            points = np.vstack([np.full(ys.size, x), ys])            # is quadratic in the points it is given
            e2 = (np.abs((basis_t.probes(points) @ e_t).reshape(2, -1)) ** 2).sum(axis=0) \
                + np.abs(basis_z.probes(points) @ e_z) ** 2
            inside = (abs(x) < width * 5e5) & (np.abs(ys) < height * 5e5)
            weight[i] = np.where(inside, heat[in_core][0], heat[~in_core][0]) * e2
        out["diffusion"] = ThermalDiffusion.from_weight(
            xs * 1e-6, ys * 1e-6, weight, 2 * math.pi * RING_RADIUS, TEMPERATURE,
            SIO2_THERMAL["density"] * SIO2_THERMAL["heat_capacity"], SIO2_THERMAL["conductivity"])
        out["shape_wavenumbers"] = out["diffusion"].shape_wavenumbers
        out["shape_weights"] = out["diffusion"].shape_weights
    return out


def system_c_thermorefractive(temperature: float = TEMPERATURE):
    """Thermorefractive noise of system C's pumped mode (:class:`combchip.comb.line_noise.ThermalFrequencyNoise`).

    S_T is the heat-diffusion spectrum of the mode's heat weight (:data:`HEAT_WEIGHT`, from the mode field;
    :class:`combchip.comb.thermorefractive.ThermalDiffusion`) in homogeneous SiO₂ (:data:`SIO2_THERMAL`; no heat
    sink: below its corner D/(2πd²), ≈ 1.4 kHz for a d ≈ 10 µm cladding, the model's logarithm overstates S_T) over
    the ring's circumference 2π·:data:`RING_RADIUS`. a₀ = dν₀/dT = −ν·(dn_eff/dT)/n_g and a_r = dFSR/dT =
    −FSR·(dn_eff/dT)/n_g (:func:`combchip.comb.reprate.fsr_temperature_coefficient`; dn_g/dT ≈ dn_eff/dT) with
    dn_eff/dT = Γ_core·dn/dT(Si₃N₄) + Γ_clad·dn/dT(SiO₂) (:data:`HEAT_WEIGHT`'s confinements); no substrate
    expansion (a fluctuation inside the mode does not strain the chip).
    """
    from ..comb.line_noise import ThermalFrequencyNoise
    from ..comb.reprate import fsr_temperature_coefficient
    from ..comb.thermorefractive import ThermalDiffusion
    from ..waveguide import THERMO_OPTIC

    ring = system_c_comb_ring()
    dn_dt = (HEAT_WEIGHT["confinement"] * THERMO_OPTIC["Si3N4"]
             + HEAT_WEIGHT["cladding_confinement"] * THERMO_OPTIC["SiO2"])
    diffusion = ThermalDiffusion(
        HEAT_WEIGHT["widths"], 2 * math.pi * RING_RADIUS, temperature,
        SIO2_THERMAL["density"] * SIO2_THERMAL["heat_capacity"], SIO2_THERMAL["conductivity"],
        HEAT_WEIGHT["shape_wavenumbers"], HEAT_WEIGHT["shape_weights"])
    return ThermalFrequencyNoise.thermal_diffusion(diffusion, -(c / ring.wavelength) * dn_dt / ring.n_g,
                                                   fsr_temperature_coefficient(ring, dn_dt, 0.0))


def system_c_line_noise(stabilization: float, *, stabilization_is_bound: bool = True, mu=(0, 1, 10),
                        frequency=None, band=(1e5, 1e7), current: float = DFB_CURRENT,
                        coupling: float = DFB_COUPLING):
    """Frequency noise of system C's free-running DFB, SIL-locked pump and comb lines
    (:func:`combchip.comb.sil_noise.sil_frequency_noise`).

    The DFB (:func:`system_c_sil` at ``current``, ``coupling``) has white Henry noise h₀ = Δν_Henry/π and no flicker
    term (its parameters give none); the ring noise is :func:`system_c_thermorefractive` (heat diffusion out of the
    mode's heat weight); κ and β = 2Γ/κ are :func:`system_c_comb_ring`'s and :data:`BACKSCATTER_RATE`'s.
    ``stabilization`` is the Kerr-loaded K of :func:`system_c_dark_pulse` (its lower bound where
    ``stabilization_is_bound``). The intrinsic linewidth is π × the minimum of the line's PSD over ``band``
    (default 0.1–10 MHz, below the ring half-linewidth κ/4π ≈ 9.7 MHz; the window a self-heterodyne or
    reference-beat floor is read from). The thermorefractive part is not white there: it falls ≈ f⁻¹ (the core's
    100 nm sheet of heat weight), so the minimum sits at the band's top and depends on it. ``frequency`` defaults to
    1 Hz … 1 GHz (the β line's cut-off 1/T₀ = 1 Hz).
    """
    from ..comb.line_noise import PumpFrequencyNoise
    from ..comb.sil_noise import sil_frequency_noise

    ring = system_c_comb_ring()
    sil = system_c_sil(current=current, coupling=coupling)
    grid = np.logspace(0, 9, 1801) if frequency is None else frequency
    ds = sil_frequency_noise(grid, PumpFrequencyNoise(sil.laser.linewidth / math.pi), system_c_thermorefractive(),
                             stabilization, ring.kappa, sil.beta(ring), mu=mu, band=band,
                             stabilization_is_bound=stabilization_is_bound)
    ds.attrs.update(current=float(current), coupling=float(coupling), free_running_linewidth=sil.laser.linewidth,
                    core_confinement=HEAT_WEIGHT["confinement"], heat_weight_widths=list(HEAT_WEIGHT["widths"]),
                    published_intrinsic_linewidth=SYSTEM_C.intrinsic_linewidth,
                    published_white_frequency_noise=SYSTEM_C.white_frequency_noise)
    return ds
