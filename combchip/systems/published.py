"""Every published number combchip uses, written once, with its unit and source.

Each system is a frozen dataclass instance whose fields hold plain SI values; a field's metadata gives
its ``unit`` and ``source`` (paper, and section, figure or table). Nothing here is computed and this
module imports nothing from combchip, so every layer may read it. Numbers combchip has to *assume*
(detector efficiencies, a ring's coupling where a paper gives none) are not here: they live, marked as
assumptions, next to the system that uses them (``system_a``, ``system_b``, ``system_c``).

References
----------
A: X. Yan, Y. Zheng, … X. Ma, "A measurement-device-independent quantum key distribution network using
   optical frequency comb", npj Quantum Inf. (2025), arXiv:2502.11860.
B: Wang, Zheng, Huang, … Chen, Han, "Microcomb-driven large-scale fully connected quantum network",
   arXiv (2025).
C: "Weiming Quantum Chip-Network": twin-field QKD with a self-injection-locked dark-pulse microcomb and
   InP client chips, Nature (2026).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from types import MappingProxyType

__all__ = ["SYSTEM_A", "SYSTEM_B", "SYSTEM_C", "SystemA", "SystemB", "SystemC", "catalogue", "source"]

_A = "Yan et al., npj Quantum Inf. (2025)"
_B = "Wang et al., arXiv (2025), microcomb-driven 200-user network"
_C = "Weiming Quantum Chip-Network, Nature (2026)"


def _n(value, unit: str, where: str, paper: str):
    """A published number: ``value`` in ``unit``, found at ``where`` in ``paper``."""
    metadata = {"unit": unit, "source": f"{paper}, {where}"}
    if isinstance(value, dict):
        frozen = MappingProxyType(dict(value))
        return field(default_factory=lambda: frozen, metadata=metadata)
    return field(default=value, metadata=metadata)


def _a(value, unit, where):
    return _n(value, unit, where, _A)


def _b(value, unit, where):
    return _n(value, unit, where, _B)


def _c(value, unit, where):
    return _n(value, unit, where, _C)


@dataclass(frozen=True)
class SystemA:
    """System A: four-user MDI-QKD network driven by a dual-driven Si₃N₄ soliton comb (Ligentec)."""

    ring_radius: float = _a(230e-6, "m", "comb chip (≈ 230 µm)")
    waveguide_width: float = _a(1.6e-6, "m", "comb chip: ring and bus waveguide")
    waveguide_height: float = _a(0.8e-6, "m", "comb chip: ring and bus waveguide")
    coupler_gap: float = _a(0.5e-6, "m", "comb chip: single-bus point coupler")
    fsr: float = _a(98.7498e9, "Hz", "comb chip: mean FSR over 122 resonances")
    q_loaded: float = _a(1.08e6, "1", "comb chip: mean loaded Q")
    fibre_array_pitch: float = _a(127e-6, "m", "comb chip: fibre-array coupling")
    insertion_loss_db: float = _a(6.58, "dB", "comb chip: both facets together")
    pump_wavelength: float = _a(1536.6678e-9, "m", "pump at ITU CH51")
    pump_power: float = _a(1.0, "W", "pump amplified to 1 W (before the chip)")
    pump_resonance_linewidth: float = _a(167.2e6, "Hz", "pumped resonance, FWHM")
    aux_wavelength: float = _a(1546.8807e-9, "m", "auxiliary laser at ITU CH37, counter-clockwise")
    aux_power: float = _a(1.58, "W", "auxiliary laser power to the fibre")
    aux_resonance_linewidth: float = _a(158.2e6, "Hz", "auxiliary resonance, FWHM")
    comb_span: float = _a(120e-9, "m", "soliton comb span, 1480–1600 nm")
    soliton_linewidth: float = _a(0.11e6, "Hz", "comb-line linewidth in the soliton state (delayed self-heterodyne)")
    chaotic_linewidth: float = _a(1.4e6, "Hz", "comb-line linewidth in the chaotic state (delayed self-heterodyne)")
    link_channels: tuple = _a((35, 43, 59), "ITU channel", "three comb lines serve four users")
    fbg_bandwidth: float = _a(10e9, "Hz", "FBG filter per user")
    pulse_fwhm: float = _a(0.8e-9, "s", "time-bin pulses")
    bin_separation: float = _a(10e-9, "s", "early/late time bins")
    clock: float = _a(100e6, "Hz", "system clock")
    coincidence_resolution: float = _a(156e-12, "s", "Bell-state measurement")
    intensities: MappingProxyType = _a({"z": 0.636, "y": 0.204, "x": 0.054, "o": 0.0}, "photons",
                                       "four-intensity decoy settings")
    probabilities: MappingProxyType = _a({"z": 0.754, "y": 0.036, "x": 0.188, "o": 0.022}, "1",
                                         "four-intensity decoy probabilities")
    eps: float = _a(1e-10, "1", "finite-key security parameter")
    error_correction_efficiency: float = _a(1.16, "1", "error-correction inefficiency f")
    hom_visibility_soliton: float = _a(0.467, "1", "HOM visibility, soliton state")
    bsm_visibility_soliton: float = _a(0.456, "1", "Bell-state-measurement visibility, soliton state")
    hom_visibility_chaotic: float = _a(0.286, "1", "HOM visibility, chaotic state")
    bsm_visibility_chaotic: float = _a(0.088, "1", "Bell-state-measurement visibility, chaotic state")
    hom_visibility_all_pairs_min: float = _a(0.46, "1", "all six user pairs above 46 %")
    loss_per_pair_db: float = _a(30.0, "dB", "about 30 dB per user pair")
    pulse_pairs: float = _a(3e12, "1", "pulse pairs per user pair (8.3 h)")
    key_rate: float = _a(267.0, "bit/s", "average key rate")
    fourfold_rate: float = _a(0.1, "Hz", "four-fold simultaneous coincidences")


@dataclass(frozen=True)
class SystemB:
    """System B: 200-user MDI-QKD network with locked 49 GHz soliton combs and silicon transmitter chips."""

    fsr: float = _b(49e9, "Hz", "soliton microcomb chip")
    lines: int = _b(200, "1", "more than 200 lines with SNR > 20 dB")
    line_snr_db: float = _b(20.0, "dB", "line SNR threshold")
    comb_span: float = _b(100e-9, "m", "more than 100 nm")
    rep_rate_error_sigma: float = _b(215.0, "Hz", "locked rep-rate error over 3 h, standard deviation")
    rep_rate_error_peak_to_peak: float = _b(1442.0, "Hz", "locked rep-rate error over 3 h, peak to peak")
    temperature_peak_to_peak: float = _b(0.150, "K", "ring temperature excursion while locked (< 150 mK)")
    soliton_temperature_window: float = _b(2.0, "K", "temperature window the soliton survives (≈ 2 K)")
    beat_note_sigma: float = _b(30e3, "Hz", "beat of matching lines of two locked chips, σ")
    symbol_rate: float = _b(2.5e9, "Hz", "silicon transmitter clock")
    pulse_fwhm: float = _b(95e-12, "s", "carved pulses (MZI-1/2)")
    extinction_db: float = _b(30.0, "dB", "MZI-1/2 extinction")
    v_pi: tuple = _b((3.47, 3.80), "V", "Vπ of the two transmitter chips")
    fibre_per_user: float = _b(100e3, "m", "fibre from each user to the relay")
    arrival_drift: float = _b(2e-12, "s", "arrival-time drift held to ≈ 2 ps")
    hom_visibility: float = _b(0.489, "1", "HOM visibility, one line pair")
    hom_visibility_mean: float = _b(0.485, "1", "HOM visibility averaged over 80 line pairs")
    eps: float = _b(1e-10, "1", "finite-key security parameter (ε < 10⁻¹⁰)")
    block: float = _b(1000.0, "s", "finite-key block")
    qber_z: float = _b(0.017, "1", "QBER in the Z basis")
    qber_x: float = _b(0.274, "1", "QBER in the X basis")


@dataclass(frozen=True)
class SystemC:
    """System C: SNS-TF-QKD network fed by a SIL dark-pulse Si₃N₄ comb and 20 InP client chips."""

    ring_thickness: float = _c(100e-9, "m", "Si₃N₄ ring, normal dispersion")
    q_intrinsic: float = _c(20e6, "1", "ring intrinsic Q (20.0 ± 2.8 M across modes)")
    q_intrinsic_spread: float = _c(2.8e6, "1", "spread of the intrinsic Q across modes")
    propagation_loss_db_per_m: float = _c(1.7, "dB/m", "ring propagation loss")
    fsr: float = _c(30.03e9, "Hz", "ring FSR near 1549.78 nm")
    wavelength: float = _c(1549.78e-9, "m", "operating wavelength of the ring")
    comb_power_dbm: float = _c(10.0, "dBm", "flat-top dark-pulse comb, total output")
    noise_suppression_db: float = _c(25.0, "dB", "comb-line frequency noise below the free-running DFB (> 25 dB)")
    white_frequency_noise: float = _c(13.0, "Hz²/Hz", "white floor of the comb-line frequency noise")
    intrinsic_linewidth: float = _c(40.0, "Hz", "intrinsic linewidth π·13 Hz²/Hz")
    output_stability: float = _c(0.994, "1", "relative output over 12 h (0.994 ± 0.006)")
    clients: int = _c(20, "1", "InP client chips")
    client_chip_size: tuple = _c((4.6e-3, 2e-3), "m", "InP client chip, 4.6 × 2 mm²")
    client_linewidth: float = _c(60.0, "Hz", "injection-locked DBR linewidth")
    client_side_mode_suppression_db: float = _c(30.0, "dB", "injection-locked DBR side-mode suppression (> 30 dB)")
    dbr_tuning_range: float = _c(3.2e-9, "m", "continuous DBR tuning")
    v_pi: float = _c(5.8, "V", "modulator Vπ (5.8 ± 1.4 V)")
    v_pi_spread: float = _c(1.4, "V", "spread of the modulator Vπ")
    modulator_visibility_db: float = _c(33.8, "dB", "modulator interference visibility (33.8 ± 5.6 dB)")
    modulator_visibility_spread_db: float = _c(5.6, "dB", "spread of the modulator interference visibility")
    modulator_yield: tuple = _c((117, 120), "1", "working modulators out of those tested")
    channels: int = _c(10, "1", "wavelength channels")
    distances: tuple = _c((204e3, 370e3), "m", "fibre between the users")
    reference_phase_drift: float = _c(2.9e3, "rad/s", "phase drift of the reference signal (2.9 rad/ms)")
    difference_phase_drift: float = _c(30.0, "rad/s", "phase drift of the phase difference (0.03 rad/ms)")
    pulses_per_case: float = _c(1e12, "1", "pulses sent per case")


SYSTEM_A = SystemA()
SYSTEM_B = SystemB()
SYSTEM_C = SystemC()


def source(system, name: str) -> str:
    """Unit and source of the published number ``name`` of ``system`` (e.g. ``source(SYSTEM_A, "fsr")``)."""
    for f in fields(system):
        if f.name == name:
            return f"{f.metadata['unit']}; {f.metadata['source']}"
    raise ValueError(f"name = {name!r} is not a published number of {type(system).__name__}")


def catalogue() -> list[tuple[str, str, object, str, str]]:
    """Every published number as (system, name, value, unit, source) rows."""
    rows = []
    for label, system in (("A", SYSTEM_A), ("B", SYSTEM_B), ("C", SYSTEM_C)):
        for f in fields(system):
            value = getattr(system, f.name)
            rows.append((label, f.name, dict(value) if isinstance(value, MappingProxyType) else value,
                         f.metadata["unit"], f.metadata["source"]))
    return rows
