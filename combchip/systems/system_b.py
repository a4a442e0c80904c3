"""System B (Wang et al., arXiv 2025): its 49 GHz ring, its 2.5 GHz silicon transmitter chip and its link.

Published numbers come from :data:`combchip.systems.published.SYSTEM_B`; what the paper does not give
is stated here as an assumption.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.constants import c

from ..comb.resonator import Ring
from ..link.records import quantity
from ..units import db_to_ratio, dbm_to_w
from ..validation import check_int, check_positive, check_range
from .published import SYSTEM_A, SYSTEM_B

__all__ = ["RepRateLockFigures", "ring_radius", "SystemBCombFigures", "system_b_comb", "system_b_comb_figures",
           "system_b_comb_lines", "system_b_comb_ring", "system_b_lock", "system_b_lock_figures", "system_b_ring",
           "system_b_transmitter"]

PUMP_WAVELENGTH = 1560e-9
"""Assumed pump wavelength [m]: the Rb-locked seed (780 nm) doubled."""
Q_LOADED = 1e6
"""Assumed loaded Q at critical coupling."""


def ring_radius() -> float:
    """Radius [m] of system B's ring: R = c/(2π·n_g·FSR) for the published FSR, with n_g the full-vectorial
    (femwell) group index of the assumed :data:`WIDTH` × :data:`HEIGHT` guide at :data:`PUMP_WAVELENGTH`
    (:func:`combchip.waveguide.radius_for_fsr`; straight-guide n_g, the bend changes it by < 1e-4)."""
    from ..waveguide import radius_for_fsr

    return radius_for_fsr(fsr=SYSTEM_B.fsr, width=WIDTH, height=HEIGHT, wavelength=PUMP_WAVELENGTH, method="fem")


def system_b_ring() -> Ring:
    """System B's 49 GHz Si₃N₄ ring (published FSR; assumed pump wavelength, loaded Q and cross-section).

    Its length is 2π·:func:`ring_radius`, so n_g = c/(FSR·2πR) is the mode solver's group index and the
    ring the layout draws (``combchip.layouts.ring.mrr49``) is the ring modelled here.
    """
    n_g = c / (SYSTEM_B.fsr * 2 * np.pi * ring_radius())
    return Ring.from_loaded_q(PUMP_WAVELENGTH, SYSTEM_B.fsr, Q_LOADED, coupling=0.5, n_g=n_g)


# --- the soliton comb from the ring's cross-section (assumptions; the paper gives the comb's results) ---
WIDTH, HEIGHT = SYSTEM_A.waveguide_width, SYSTEM_A.waveguide_height
"""Assumed ring cross-section [m]: system A's 1.6 × 0.8 µm Si₃N₄ guide (the same Ligentec-class platform)."""
PUMP_POWER = SYSTEM_A.pump_power * float(db_to_ratio(SYSTEM_A.insertion_loss_db / 2))
"""Assumed on-chip pump power [W]: system A's amplified 1 W behind one of its two facets (≈ 0.47 W)."""
DETUNING_FRACTION = 0.75
"""Assumed pump detuning as a fraction of the soliton existence limit ζ_max = π²f²/8: the auxiliary laser's
heat balance is taken to hold the cold-cavity detuning there (no thermal shift left in the simulation)."""
OUTPUT_COUPLING_DB = SYSTEM_A.insertion_loss_db / 2
"""Assumed output-facet loss [dB] between the bus and the spectrum analyser (half of system A's two facets)."""
NOISE_FLOOR_DBM = -60.0
"""Assumed noise floor of the optical spectrum analyser in its resolution bandwidth [dBm] (a grating OSA's
full-span sweep); the line SNR is the line's power at the analyser over this floor."""
SETTLE_TAU = 200.0
"""Normalized time τ = κt/2 the soliton relaxes for: perturbations decay as e^{−τ} or slower breathing modes."""


def system_b_comb_ring(q_loaded: float = Q_LOADED) -> Ring:
    """System B's 49 GHz Si₃N₄ ring from its assumed cross-section (:data:`WIDTH` × :data:`HEIGHT`).

    n_g at :data:`PUMP_WAVELENGTH` comes from the full-vectorial femwell mode solver
    (:func:`combchip.waveguide.group_index`); the radius is solved from the published FSR,
    R = c/(2π·n_g·FSR); FSR, D₂ and D₃ are then read back from the ring's resonances
    n_eff(ω_m)·ω_m·R/c = m (:func:`combchip.waveguide.ring_dispersion`, Herr et al., Nat. Photon. 8, 145
    (2014)) of the bent guide. Loaded Q assumed (critical coupling), A_eff from the mode field
    (:func:`combchip.waveguide.effective_area`). The radius is ``ring.length/2π``.
    """
    from ..waveguide import effective_area, group_index, ring_dispersion

    q_loaded = check_positive("q_loaded", q_loaded)
    guide = dict(width=WIDTH, height=HEIGHT, wavelength=PUMP_WAVELENGTH, method="fem")
    radius = c / (2 * np.pi * group_index(**guide) * SYSTEM_B.fsr)
    disp = ring_dispersion(radius=radius, **guide)
    return Ring.from_loaded_q(PUMP_WAVELENGTH, disp["fsr"], q_loaded, coupling=0.5, d2=disp["d2"], d3=disp["d3"],
                              a_eff=effective_area(width=WIDTH, height=HEIGHT, wavelength=PUMP_WAVELENGTH,
                                                   radius=radius), n_g=disp["n_g"])


def system_b_comb(*, pump_power: float = PUMP_POWER, detuning_fraction: float = DETUNING_FRACTION,
                  q_loaded: float = Q_LOADED, modes: int = 1024, dt: float | None = None, noise: bool = False,
                  seed: int = 0):
    """A single soliton in system B's ring (:func:`system_b_comb_ring`), held at a fixed detuning.

    The LLE (:func:`combchip.simulate_comb`) starts from the sech soliton on its CW background and relaxes
    for τ = :data:`SETTLE_TAU` at ζ = ``detuning_fraction``·π²f²/8. The pump is given no linewidth: a
    soliton's lines carry the seed's, which the link adds (``system_b_line(linewidth=...)``). Without ``noise`` the line powers are those of
    the stationary soliton; vacuum noise (half a photon per mode, ħω·κ_ex/2 ≈ −74 dBm per line in the bus)
    only jitters each snapshot's weak lines (by ≈ 2√(P_vac/P_μ) in power).

    Parameters
    ----------
    pump_power : float
        On-chip pump power [W]; it must put the pump above the parametric threshold (f² > 1).
    detuning_fraction : float
        ζ/ζ_max in (0, 1).
    q_loaded : float
        Loaded Q (critical coupling).
    modes : int
        Number of simulated modes N (≥ 64).
    dt : float, optional
        Normalized step (default: :func:`combchip.comb.simulate.default_dt` for these modes).
    noise : bool
        Vacuum-noise seeding.
    seed : int
        Vacuum-noise seed.

    Returns
    -------
    xarray.Dataset
        The :func:`~combchip.simulate_comb` result (20 snapshots, the last five after τ ≥ 150).
    """
    from ..comb.lasers import Laser
    from ..comb.normalization import normalize
    from ..comb.simulate import simulate_comb

    check_positive("pump_power", pump_power, "W")
    fraction = check_range("detuning_fraction", detuning_fraction, 0.0, 1.0, low_open=True, high_open=True)
    modes = check_int("modes", modes, 64)
    check_positive("q_loaded", q_loaded)
    ring = system_b_comb_ring(q_loaded)
    pump = Laser(PUMP_WAVELENGTH, pump_power)
    norm = normalize(ring, pump)
    if norm.f2 <= 1:
        raise ValueError(f"pump_power = {pump_power!r} W is below the parametric threshold "
                         f"{norm.threshold_power:.3g} W (f² = {norm.f2:.3g}): no soliton")
    detuning = float(norm.detuning_hz(fraction * norm.zeta_max))
    return simulate_comb(ring, pump, detuning, modes=modes, duration=float(norm.time_s(SETTLE_TAU)), seed=seed,
                         initial="soliton", dt=dt, noise=bool(noise), progress=False)


def system_b_comb_lines(ds=None, *, noise_floor_dbm: float = NOISE_FLOOR_DBM,
                        output_coupling_db: float = OUTPUT_COUPLING_DB, **comb_kwargs):
    """System B's comb-line table (:func:`combchip.comb.lines.comb_lines`) with each line's SNR.

    SNR_μ = P_μ·10^(−L_out/10)/P_floor [dB]: the bus power P_μ behind the output facet over the analyser's
    noise floor in its resolution bandwidth (a line, far narrower than the bandwidth, puts all its power in
    one bin). Lines down to 120 dB below the strongest sideband are kept.

    Parameters
    ----------
    ds : xarray.Dataset, optional
        A :func:`system_b_comb` result; computed with ``comb_kwargs`` when omitted.
    noise_floor_dbm : float
        Analyser noise floor [dBm].
    output_coupling_db : float
        Loss from the bus to the analyser [dB], ≥ 0.
    **comb_kwargs
        Passed to :func:`system_b_comb` when ``ds`` is None.

    Returns
    -------
    xarray.Dataset
        The comb-lines table, plus ``snr`` [dB] on ``mu``; the floor and coupling loss in ``attrs``.
    """
    from ..comb.lines import comb_lines

    floor = dbm_to_w(check_range("noise_floor_dbm", noise_floor_dbm, -200.0, 60.0, "dBm"))
    coupling = float(db_to_ratio(check_range("output_coupling_db", output_coupling_db, 0.0, 100.0, "dB")))
    if ds is not None and comb_kwargs:
        raise ValueError(f"comb_kwargs {sorted(comb_kwargs)} apply only when ds is None")
    ds = system_b_comb(**comb_kwargs) if ds is None else ds
    lines = comb_lines(ds, floor_db=-120.0)
    lines["snr"] = ("mu", 10 * np.log10(np.maximum(lines.power.values * coupling, 1e-300) / floor),
                    {"units": "dB", "long_name": "line power at the analyser over its noise floor"})
    lines.attrs.update(noise_floor_dbm=float(noise_floor_dbm), output_coupling_db=float(output_coupling_db))
    return lines


@dataclass(frozen=True)
class SystemBCombFigures:
    """System B's modelled soliton comb next to the published figures."""

    n_g: float = quantity("1", "group index of the assumed cross-section at the pump (FD mode solver)")
    radius: float = quantity("m", "ring radius solved from the published FSR with that n_g")
    fsr: float = quantity("Hz", "FSR read back from the ring's resonances")
    d2: float = quantity("rad/s", "D₂ of the ring")
    d3: float = quantity("rad/s", "D₃ of the ring")
    f2: float = quantity("1", "normalized pump power f²")
    zeta: float = quantity("1", "normalized detuning ζ held by the auxiliary laser")
    zeta_max: float = quantity("1", "soliton existence limit π²f²/8")
    peak_line_power: float = quantity("W", "strongest sideband in the bus")
    lines: int = quantity("1", "lines with SNR above the published threshold")
    span: float = quantity("m", "wavelength span of those lines")
    published_lines: int = quantity("1", "published line count (more than)")
    published_span: float = quantity("m", "published span (more than)")
    mode_convergence: float = quantity("1", "largest relative change of the counted lines' powers, N → 2N modes")
    step_convergence: float = quantity("1", "largest relative change of the counted lines' powers, step h → h/2")


def _counted(lines, threshold_db):
    above = lines.where(lines.snr > threshold_db, drop=True)
    frequency = above.line_frequency.values
    return above, int(frequency.size), float(c / frequency.min() - c / frequency.max()) if frequency.size else 0.0


def system_b_comb_figures(modes: int = 1024, seed: int = 0, **line_kwargs) -> SystemBCombFigures:
    """:class:`SystemBCombFigures` of :func:`system_b_comb_lines` at ``modes`` N, checked against 2N modes.

    All runs use the default step h of the 2N-mode run, so that the mode check holds h fixed; the step
    check repeats the N-mode run at h/2. ``line_kwargs`` (``noise_floor_dbm``, ``output_coupling_db``) go to
    :func:`system_b_comb_lines`.
    """
    modes = check_int("modes", modes, 64)
    wide = system_b_comb(modes=2 * modes, seed=seed)
    step = float(wide.attrs["dt_normalized"])
    ds = system_b_comb(modes=modes, dt=step, seed=seed)
    lines = system_b_comb_lines(ds, **line_kwargs)
    above, count, span = _counted(lines, SYSTEM_B.line_snr_db)

    def change(other):
        values = system_b_comb_lines(other, **line_kwargs).power.sel(mu=above.mu).values
        return float(np.max(np.abs(values / above.power.values - 1))) if count else np.nan

    ring = system_b_comb_ring()
    return SystemBCombFigures(
        n_g=ring.n_g, radius=ring.length / (2 * np.pi), fsr=ring.fsr, d2=ring.d2, d3=ring.d3, f2=float(ds.attrs["f2"]),
        zeta=float(4 * np.pi * ds.snapshot_detuning[-1] / ds.attrs["kappa"]), zeta_max=float(ds.attrs["zeta_max"]),
        peak_line_power=float(lines.power.where(lines.mu != 0).max()), lines=count, span=span,
        published_lines=SYSTEM_B.lines, published_span=SYSTEM_B.comb_span, mode_convergence=change(wide),
        step_convergence=change(system_b_comb(modes=modes, dt=step / 2, seed=seed)))


def system_b_transmitter(wavelength: float = 1550e-9):
    """System B's 2.5 GHz silicon polarization-encoding chip, from device physics.

    Published: the 2.5 GHz clock, push-pull depletion MZIs with 30 dB extinction, a thermo-optic VOA,
    1D and 2D grating couplers. Assumed: 3.5 mm arms (5 × 10¹⁷ cm⁻³ p-n, 3 V reverse bias) on a
    dual-drive coplanar electrode per arm (10 µm signal, 4 µm gaps set by the p-n contacts, 2 µm Al, matched
    termination) whose Z₀, n_μ and conductor loss follow from those widths on the SOI stack, loaded by the junction
    at 3 V (:class:`~combchip.tx.cpw.CoplanarLine`; n_g = 3.9 assumed), SOI
    grating couplers and a 10 GS/s DAC with 25 ps rise time driving one word per 400 ps symbol.
    """
    from ..tx.chips import SiPolarizationChip
    from ..tx.cpw import CoplanarLine
    from ..tx.drive import Drive
    from ..tx.grating_couplers import GratingCoupler1D, GratingCoupler2D
    from ..tx.modulators import MZI
    from ..tx.phase_shifters import DepletionPhaseShifter, ThermoOpticPhaseShifter
    from ..tx.rf import TravelingWaveResponse

    arm = DepletionPhaseShifter(length=3.5e-3)
    electrode = CoplanarLine(signal_width=10e-6, gap=4e-6, loading_capacitance=arm.capacitance(3.0) / arm.length)
    line = TravelingWaveResponse.from_line(electrode, arm.length, n_optical_group=3.9)
    common = dict(common_voltage=3.0, response=line, wavelength=wavelength)
    extinction = SYSTEM_B.extinction_db
    return SiPolarizationChip(
        carver=MZI.with_extinction(extinction, arm, bias_phase=np.pi, **common),
        decoy=MZI.with_extinction(extinction, arm, bias_phase=np.pi, **common),
        voa=MZI(ThermoOpticPhaseShifter(), drive="single", wavelength=wavelength),
        basis=MZI.with_extinction(extinction, arm, **common),
        phase=MZI(arm, **common),
        input_coupler=GratingCoupler1D.soi(),
        output_coupler=GratingCoupler2D.soi(wavelength=wavelength),
        drive=Drive(symbol_rate=SYSTEM_B.symbol_rate, dac_rate=4 * SYSTEM_B.symbol_rate, rise_time=25e-12,
                    samples_per_symbol=64, response=line),
        wavelength=wavelength,
    )


# --- repetition-rate lock (assumptions; the paper gives the lock's results, not its parts) ---
CORE_CONFINEMENT = 0.8
"""Assumed power fraction of the TE mode in the 1.6 × 0.8 µm Si₃N₄ core at 1560 nm (the rest in SiO₂)."""
SUBSTRATE_EXPANSION = 2.6e-6
"""Linear expansion of the Si substrate at 300 K [1/K] (Y. Okada and Y. Tokumaru, J. Appl. Phys. 56, 314 (1984))."""
HEATER_RESISTANCE = 20.0
"""Assumed heater-to-ring thermal resistance [K/W] of an on-chip microheater."""
HEATER_TIME_CONSTANT = 10e-3
"""Assumed heater-to-ring thermal time constant [s]."""
HEATER_MAX_POWER = 0.1
"""Assumed heater power range [W], biased at its middle: ±1 K around the bias point."""
LOOP_SAMPLE_TIME = 1e-3
"""Assumed update interval of the digital PI loop [s]."""
LOOP_BANDWIDTH = 1.0
"""Assumed unity-gain frequency of the lock [Hz] (a slow thermal loop)."""
COUNTER_GATE = 1.0
"""Assumed gate of the counter that reads the rep-rate error [s]."""
ENVIRONMENT_DRIFT = 5e-4
"""Assumed random walk of the chip mount [K/√s]: ≈ 50 mK rms after 3 h."""
ENVIRONMENT_WHITE = 5e-5
"""Assumed white temperature noise at the ring [K/√Hz]."""
PUMP_OFFSET_SIGMA = 1e3
"""Assumed σ [Hz] of the offset between the two chips' Rb-locked seed lasers (per counter gate)."""


def system_b_lock(ring: Ring | None = None):
    """System B's rep-rate lock: the 49 GHz ring's dFSR/dT, an on-chip heater and a PI loop.

    dn_g/dT is the core/cladding mix :func:`~combchip.comb.reprate.mode_dn_dt` of Si₃N₄ (from
    :data:`combchip.waveguide.THERMO_OPTIC`) and SiO₂; L expands with the Si substrate. Heater, loop,
    counter and environment are the assumptions stated in this module.
    """
    from ..comb.reprate import (Heater, PILoop, RepRateLock, TemperatureNoise, fsr_temperature_coefficient,
                                mode_dn_dt)
    from ..waveguide import THERMO_OPTIC

    ring = ring or system_b_ring()
    dn_dt = mode_dn_dt(THERMO_OPTIC["Si3N4"], THERMO_OPTIC["SiO2"], CORE_CONFINEMENT)
    heater = Heater(HEATER_RESISTANCE, HEATER_TIME_CONSTANT, HEATER_MAX_POWER, HEATER_MAX_POWER / 2)
    return RepRateLock(fsr_temperature_coefficient(ring, dn_dt, SUBSTRATE_EXPANSION), heater,
                       PILoop.for_bandwidth(heater, LOOP_BANDWIDTH, LOOP_SAMPLE_TIME),
                       TemperatureNoise(ENVIRONMENT_DRIFT, ENVIRONMENT_WHITE), COUNTER_GATE)


@dataclass(frozen=True)
class RepRateLockFigures:
    """System B's rep-rate lock: modelled figures next to the published ones."""

    dfsr_dt: float = quantity("Hz/K", "FSR temperature coefficient dFSR/dT")
    fsr_tuning_range: float = quantity("Hz", "|dFSR/dT| × the published soliton temperature window")
    predicted_sigma: float = quantity("Hz", "rep-rate error σ from the closed-loop transfer function")
    simulated_sigma: float = quantity("Hz", "rep-rate error σ of the simulated counter readings (chip 1)")
    published_sigma: float = quantity("Hz", "published rep-rate error σ over 3 h")
    simulated_peak_to_peak: float = quantity("Hz", "rep-rate error peak to peak (chip 1)")
    published_peak_to_peak: float = quantity("Hz", "published rep-rate error peak to peak")
    heater_peak_to_peak: float = quantity("K", "heater temperature excursion ΔT_h, peak to peak (chip 1)")
    published_temperature_peak_to_peak: float = quantity("K", "published temperature excursion while locked")
    heater_max_excursion: float = quantity("K", "largest |ΔT_h| from the bias point, both chips")
    soliton_window: float = quantity("K", "published temperature window of the soliton")
    clipped: bool = quantity("", "whether the heater power ever hit its range")
    rep_rate_difference_sigma: float = quantity("Hz", "σ of the difference of the two chips' rep-rate errors")
    beat_line_model: float = quantity("1", "|n| at which the modelled line-offset σ reaches the published beat σ")
    beat_line_published: float = quantity("1", "|n| at which √2 × the published rep-rate σ reaches the beat σ")
    published_beat_sigma: float = quantity("Hz", "published σ of the beat of matching lines of two chips")


def system_b_lock_figures(duration: float = 3 * 3600.0, seed: int = 0, modes=tuple(range(-100, 101))):
    """Two independently locked system B chips over ``duration`` [s].

    Returns (chip 1, chip 2, line offsets, :class:`RepRateLockFigures`); the chips use seeds ``seed`` and
    ``seed + 1``, the pump offset ``seed + 2``. The line at which σ(n) = √(σ_p² + n²σ_Δ²) reaches the
    published beat σ is where the paper's beat would sit if the rep-rate lock set it.
    """
    from ..comb.reprate import line_offsets, predicted_residual, simulate_lock

    lock = system_b_lock()
    first, second = simulate_lock(lock, duration, seed=seed), simulate_lock(lock, duration, seed=seed + 1)
    offsets = line_offsets(first, second, np.asarray(modes), PUMP_OFFSET_SIGMA, seed=seed + 2)
    sigma_delta = float(offsets.rep_rate_difference.std())
    sigma_pump = float(offsets.pump_offset.std())
    beat = SYSTEM_B.beat_note_sigma
    figures = RepRateLockFigures(
        dfsr_dt=lock.dfsr_dt,
        fsr_tuning_range=abs(lock.dfsr_dt) * SYSTEM_B.soliton_temperature_window,
        predicted_sigma=predicted_residual(lock),
        simulated_sigma=float(first.fsr_error.std()),
        published_sigma=SYSTEM_B.rep_rate_error_sigma,
        simulated_peak_to_peak=float(np.ptp(first.fsr_error.values)),
        published_peak_to_peak=SYSTEM_B.rep_rate_error_peak_to_peak,
        heater_peak_to_peak=float(np.ptp(first.heater_temperature.values)),
        published_temperature_peak_to_peak=SYSTEM_B.temperature_peak_to_peak,
        heater_max_excursion=float(max(np.abs(first.heater_temperature).max(), np.abs(second.heater_temperature).max())),
        soliton_window=SYSTEM_B.soliton_temperature_window,
        clipped=bool(max(first.clipped_fraction.max(), second.clipped_fraction.max()) > 0),
        rep_rate_difference_sigma=sigma_delta,
        beat_line_model=float(np.sqrt(max(beat**2 - sigma_pump**2, 0.0)) / sigma_delta),
        beat_line_published=beat / (np.sqrt(2) * SYSTEM_B.rep_rate_error_sigma),
        published_beat_sigma=beat,
    )
    return first, second, offsets, figures
