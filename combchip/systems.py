"""Device numbers of the published systems (../shared/REFERENCE.md), as Ring and Laser objects."""

from __future__ import annotations

import numpy as np
from scipy.constants import c

from .lasers import Laser
from .resonator import Ring
from .units import db_to_ratio

SYSTEM_A = {
    "radius": 230e-6,
    "width": 1.6e-6,
    "height": 0.8e-6,
    "gap": 0.5e-6,
    "pump_wavelength": 1536.6678e-9,
    "fsr": 98.7498e9,
    "q_loaded": 1.08e6,
    "amplified_pump_power": 1.0,
    "insertion_loss_db": 6.58,
}
"""Yan et al., npj Quantum Inf. (2025): Ligentec Si₃N₄ ring, pump at ITU CH51."""


def system_a_ring() -> Ring:
    """System A's 100 GHz ring.

    Measured FSR (98.7498 GHz) and loaded Q (1.08 × 10⁶); D₂, D₃ (finite-difference mode solver)
    and κ_ex (500 nm gap) from :meth:`Ring.from_geometry`; κ₀ = κ − κ_ex; A_eff = the core area.
    """
    p = SYSTEM_A
    geometric = Ring.from_geometry(p["radius"], p["width"], p["height"], p["gap"], wavelength=p["pump_wavelength"])
    kappa = 2 * np.pi * c / p["pump_wavelength"] / p["q_loaded"]
    if geometric.kappa_ex >= kappa:
        raise ValueError("the coupler model gives kappa_ex above the loaded kappa: check the gap")
    return Ring(
        wavelength=p["pump_wavelength"],
        fsr=p["fsr"],
        kappa0=kappa - geometric.kappa_ex,
        kappa_ex=geometric.kappa_ex,
        d2=geometric.d2,
        d3=geometric.d3,
        n2=geometric.n2,
        a_eff=geometric.a_eff,
        n_g=c / (p["fsr"] * 2 * np.pi * p["radius"]),
    )


def system_a_pump() -> Laser:
    """1 W at CH51 after half of the 6.58 dB two-facet insertion loss: ≈ 0.47 W on chip."""
    p = SYSTEM_A
    return Laser(p["pump_wavelength"], p["amplified_pump_power"] * float(db_to_ratio(p["insertion_loss_db"] / 2)))


def system_b_transmitter(wavelength: float = 1550e-9):
    """System B's 2.5 GHz silicon polarization-encoding chip, from device physics.

    Push-pull carrier-depletion MZIs (3.5 mm, 5 × 10¹⁷ cm⁻³ p-n, 3 V reverse bias) on a traveling-wave
    electrode (n_μ = 3.7 against n_g = 3.9, 35 Ω loaded line, 2.5 dB/cm/√GHz), MZI-1/2/3 built for
    30 dB extinction, a thermo-optic MZI VOA, SOI 1D and 2D grating couplers, and a 10 GS/s DAC with
    25 ps rise time driving one word per 400 ps symbol.
    """
    from .encoder import Drive
    from .grating_couplers import GratingCoupler1D, GratingCoupler2D
    from .modulators import MZI
    from .phase_shifters import DepletionPhaseShifter, ThermoOpticPhaseShifter
    from .rf import TravelingWaveResponse
    from .transmitter import SiPolarizationChip

    arm = DepletionPhaseShifter(length=3.5e-3)
    line = TravelingWaveResponse(length=3.5e-3, n_optical_group=3.9, n_microwave=3.7, rf_loss_db_per_m_sqrt_ghz=250.0,
                                 characteristic_impedance=35.0, load_impedance=35.0, source_impedance=50.0)
    common = dict(common_voltage=3.0, response=line, wavelength=wavelength)
    return SiPolarizationChip(
        carver=MZI.with_extinction(30.0, arm, bias_phase=np.pi, **common),
        decoy=MZI.with_extinction(30.0, arm, bias_phase=np.pi, **common),
        voa=MZI(ThermoOpticPhaseShifter(), drive="single", wavelength=wavelength),
        basis=MZI.with_extinction(30.0, arm, **common),
        phase=MZI(arm, **common),
        input_coupler=GratingCoupler1D.soi(),
        output_coupler=GratingCoupler2D.soi(wavelength=wavelength),
        drive=Drive(symbol_rate=2.5e9, dac_rate=10e9, rise_time=25e-12, samples_per_symbol=64, response=line),
        wavelength=wavelength,
    )


def system_a_encoder(linewidth: float = 0.11e6, wavelength: float = 1550e-9):
    """System A's bench time-bin encoder: 0.8 ns bins 10 ns apart, LiNbO₃ IM1, IM2 and PM.

    Push-pull LiNbO₃ MZIs (r₃₃ = 30.8 pm/V, 20 mm, 15 µm gap) built for 30 dB extinction; a 2.5 GS/s
    DAC (0.4 ns words, 150 ps rise) at 50 MHz qubits (two 10 ns bins per qubit). ``linewidth`` is the
    comb line's (0.11 MHz soliton, 1.4 MHz chaotic in system A).
    """
    from .encoder import Drive
    from .modulators import MZI
    from .phase_shifters import ElectroOpticPhaseShifter
    from .transmitter import TimeBinEncoder

    lithium_niobate = ElectroOpticPhaseShifter(length=20e-3, refractive_index=2.14, r=30.8e-12, thickness=15e-6,
                                               overlap=0.5, loss_db_per_m=10.0, relative_permittivity=28.0)
    im = MZI.with_extinction(30.0, lithium_niobate, bias_phase=np.pi, wavelength=wavelength)
    return TimeBinEncoder(
        carver=im,
        decoy=im,
        phase_modulator=lithium_niobate,
        drive=Drive(symbol_rate=50e6, dac_rate=2.5e9, rise_time=150e-12, samples_per_symbol=500),
        bin_words=(12, 2),
        linewidth=linewidth,
        wavelength=wavelength,
    )


def system_c_client(symbol_rate: float = 1.25e9, wavelength: float = 1550e-9):
    """System C's InP client chip: two single-drive InP IMs and a PM, 4 mm linear electro-optic sections.

    The modulators are built for the measured 33.8 dB interference visibility; 4 mm of InP (r₄₁ = 1.4 pm/V,
    0.5 µm intrinsic layer, Γ = 0.7) gives Vπ ≈ 6.2 V against the published 5.8 ± 1.4 V. The symbol
    rate and the 10 GS/s, 30 ps-rise DAC are assumptions (the reference does not give them).
    """
    from .encoder import Drive
    from .modulators import MZI
    from .phase_shifters import ElectroOpticPhaseShifter
    from .transmitter import InPClientChip

    section = ElectroOpticPhaseShifter(length=4e-3)
    im = MZI.with_extinction(33.8, section, drive="single", bias_phase=np.pi, wavelength=wavelength)
    return InPClientChip(
        carver=im,
        decoy=im,
        phase_modulator=section,
        drive=Drive(symbol_rate=symbol_rate, dac_rate=8 * symbol_rate, rise_time=30e-12, samples_per_symbol=64),
        wavelength=wavelength,
    )


def system_c_channel(reference_interval: float = 10e-6, difference_interval: float = 1e-3):
    """System C's SNS-TF-QKD link (:class:`combchip.qkd.sns.SNSChannel`).

    Published: phase drift 2.9 rad/ms on the reference and 0.03 rad/ms on the phase difference,
    dual-wavelength tracking. Stated here (not in the reference): ultra-low-loss fibre 0.16 dB/km,
    SNSPD efficiency 0.7, dark-count probability 1e-8 per window, the reference re-estimated every
    ``reference_interval`` [s] and the phase difference every ``difference_interval`` [s].
    """
    from .qkd.sns import SNSChannel

    return SNSChannel(loss_db_per_km=0.16, efficiency=0.7, dark_count_probability=1e-8,
                      phase_noise=((2.9e3, reference_interval), (30.0, difference_interval)))
