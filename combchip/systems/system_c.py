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

__all__ = ["BACKSCATTER_RATE", "DELAY_IMBALANCE", "DFB_COUPLING", "DFB_CURRENT", "INTENSITY_MISMATCH",
           "POLARIZATION_MISMATCH", "REFERENCE_POWER", "RING_RADIUS", "RING_WIDTH", "system_c_channel",
           "system_c_client", "system_c_comb_ring", "system_c_dark_pulse", "system_c_line_noise", "system_c_ring",
           "system_c_sil", "system_c_thermorefractive"]

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
published output."""


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
        [W] (all lines, pump included) and ``bus_input_power`` [W]. Raises RuntimeError if no phase gives a
        stationary comb.
    """
    from ..comb.detuning import DetuningSchedule
    from ..comb.normalization import normalize
    from ..comb.simulate import simulate_comb

    phases = np.linspace(-math.pi, math.pi, 8, endpoint=False) if feedback_phases is None else np.atleast_1d(
        np.asarray(feedback_phases, dtype=float))
    if phases.ndim != 1 or phases.size == 0 or not np.all(np.isfinite(phases)):
        raise ValueError(f"feedback_phases must be finite numbers [rad], got {feedback_phases!r}")
    if not (np.isfinite(free_running_detuning) and free_running_detuning > 0):
        raise ValueError(f"free_running_detuning must be > 0 (red side, κ/2 units), got {free_running_detuning!r}")
    ring = system_c_comb_ring()
    step = -free_running_detuning / 4
    tried = []
    for phase in phases:
        sil = system_c_sil(float(phase), current, coupling)
        norm = normalize(ring, sil.pump())
        t = 2 / norm.kappa
        knots = (0.0, 300 * t, 500 * t, 500 * t * (1 + 1e-9), 600 * t)
        xi = (-20.0, free_running_detuning, free_running_detuning, free_running_detuning + step,
              free_running_detuning + step)
        schedule = DetuningSchedule(knots, tuple(float(norm.detuning_hz(x)) for x in xi))

        def run(dt=None, snapshots=2):
            return simulate_comb(ring, sil.pump(), schedule, modes=modes, sil=sil, seed=seed, progress=progress,
                                 snapshots=snapshots, dt=dt)

        ds = run(snapshots=[*np.linspace(410 * t, 450 * t, 5), 600 * t])
        windows = [((ds.time.values > a * t) & (ds.time.values < b * t)) for a, b in ((450, 500), (550, 600))]
        comb = ds.comb_power.values
        steady = all(comb[w].mean() > 0 and np.ptp(comb[w]) < 1e-3 * comb[w].mean() for w in windows)
        tried.append(float(phase))
        if not steady:
            continue
        shifts, zeta = [], np.nan
        for trace in (ds, run(dt=ds.attrs["dt_normalized"] / 2)):
            zeta = norm.zeta(trace.laser_detuning.values).ravel()
            before, after = ((trace.time.values > a * t) & (trace.time.values < b * t) for a, b in ((450, 500),
                                                                                                 (550, 600)))
            shifts.append(zeta[after].mean() - zeta[before].mean())
            zeta = float(zeta[before].mean())
        shift, error = (4 * shifts[1] - shifts[0]) / 3, abs(shifts[1] - shifts[0]) / 3
        resolved = abs(shift) > 3 * error
        stabilization = step / shift if resolved else abs(step) / (abs(shift) + error)
        ds = ds.isel(snapshot=slice(0, 5))
        locked_linewidth = float(sil.laser.linewidth / stabilization**2)
        ds.attrs.update(
            feedback_phase=float(phase), phases_tried=tried, locked_zeta=zeta,
            stabilization_resolved=int(resolved), stabilization=float(stabilization),
            noise_suppression_db=float(20 * np.log10(abs(stabilization))),
            comb_line_linewidth=locked_linewidth, pump_linewidth=locked_linewidth,
            pump_linewidth_is_bound=int(not resolved),
            total_output_power=float(ds.spectrum.isel(snapshot=-1).sum()), bus_input_power=sil.pump().power,
            free_running_linewidth=sil.laser.linewidth)
        return ds
    raise RuntimeError(f"no feedback phase of {tried} gave a stationary comb at free-running detuning "
                       f"{free_running_detuning} (κ/2 units)")


CORE_FRACTION = 0.1
"""Assumed share of the mode (power and heated volume) in the 100 nm Si₃N₄ core; the rest is in the SiO₂ cladding.
It enters the mode's dn/dT and the volumetric heat capacity; 0.2 would raise the TRN level by ≈ 20 %."""
SI3N4_THERMAL = {"density": 3100.0, "heat_capacity": 800.0}
"""Assumed bulk LPCVD Si₃N₄: ρ [kg/m³], C [J/(kg K)] (typical handbook values)."""
SIO2_THERMAL = {"density": 2200.0, "heat_capacity": 740.0, "conductivity": 1.38}
"""Fused-silica cladding: ρ [kg/m³], C [J/(kg K)], κ_th [W/(m K)] (handbook values at 300 K)."""
TEMPERATURE = 300.0
"""Assumed chip temperature [K]."""


def system_c_thermorefractive(temperature: float = TEMPERATURE):
    """Thermorefractive noise of system C's pumped mode (:class:`combchip.comb.line_noise.ThermalFrequencyNoise`).

    ⟨δT²⟩ = k_B·T²/(ρC·V) (Gorodetsky and Grudinin, JOSA B 21, 697 (2004)) over the mode volume V = A_eff·2πR
    (:func:`system_c_comb_ring`'s A_eff, :data:`RING_RADIUS`), ρC the volume average of core and cladding with
    :data:`CORE_FRACTION`. Relaxation time τ = A_eff/(4πD), D = κ_th/(ρC) of the SiO₂ cladding: the correlation of a
    Gaussian-weighted temperature under 2-D diffusion falls as 1/(1 + t/τ), whose high-frequency PSD,
    ⟨δT²⟩/(π²f²τ), the single pole shares. a₀ = dν₀/dT = −ν·(dn/dT)/n_g, a_r = dFSR/dT = −FSR·(dn/dT)/n_g with
    dn/dT of the mode weighted by :data:`CORE_FRACTION` (:func:`combchip.comb.reprate.mode_dn_dt`); no substrate
    expansion (a fluctuation inside the mode volume does not strain the chip).
    """
    from ..comb.line_noise import ThermalFrequencyNoise
    from ..comb.reprate import fsr_temperature_coefficient, mode_dn_dt
    from ..waveguide import THERMO_OPTIC

    ring = system_c_comb_ring()
    g = CORE_FRACTION
    rho_c = (g * SI3N4_THERMAL["density"] * SI3N4_THERMAL["heat_capacity"]
             + (1 - g) * SIO2_THERMAL["density"] * SIO2_THERMAL["heat_capacity"])
    diffusivity = SIO2_THERMAL["conductivity"] / (SIO2_THERMAL["density"] * SIO2_THERMAL["heat_capacity"])
    dn_dt = mode_dn_dt(THERMO_OPTIC["Si3N4"], THERMO_OPTIC["SiO2"], g)
    return ThermalFrequencyNoise.thermorefractive(
        temperature, ring.a_eff * 2 * math.pi * RING_RADIUS, rho_c, 1.0, ring.a_eff / (4 * math.pi * diffusivity),
        -(c / ring.wavelength) * dn_dt / ring.n_g, fsr_temperature_coefficient(ring, dn_dt, 0.0))


def system_c_line_noise(stabilization: float, *, stabilization_is_bound: bool = True, mu=(0, 1, 10),
                        frequency=None, band=(1e5, 1e7), current: float = DFB_CURRENT,
                        coupling: float = DFB_COUPLING):
    """Frequency noise of system C's free-running DFB, SIL-locked pump and comb lines
    (:func:`combchip.comb.sil_noise.sil_frequency_noise`).

    The DFB (:func:`system_c_sil` at ``current``, ``coupling``) has white Henry noise h₀ = Δν_Henry/π and no flicker
    term (its parameters give none); the ring noise is :func:`system_c_thermorefractive`; κ and β = 2Γ/κ are
    :func:`system_c_comb_ring`'s and :data:`BACKSCATTER_RATE`'s. ``stabilization`` is the Kerr-loaded K of
    :func:`system_c_dark_pulse` (its lower bound where ``stabilization_is_bound``). The intrinsic linewidth is
    π × the minimum of the line's PSD over ``band`` (default 0.1–10 MHz: above the thermal corners and the
    β-line crossing, below the ring half-linewidth κ/4π ≈ 9.7 MHz; the window a self-heterodyne or
    reference-beat floor is read from). ``frequency`` defaults to 1 Hz … 1 GHz (the β line's cut-off 1/T₀ = 1 Hz).
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
                    published_intrinsic_linewidth=SYSTEM_C.intrinsic_linewidth,
                    published_white_frequency_noise=SYSTEM_C.white_frequency_noise)
    return ds
