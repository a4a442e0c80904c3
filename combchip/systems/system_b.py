"""System B (Wang et al., arXiv 2025): its 49 GHz ring and its 2.5 GHz silicon transmitter chip.

Published numbers come from :data:`combchip.systems.published.SYSTEM_B`; what the paper does not give
is stated here as an assumption.
"""

from __future__ import annotations

import numpy as np

from ..comb.resonator import Ring
from .published import SYSTEM_B

__all__ = ["system_b_ring", "system_b_transmitter"]

PUMP_WAVELENGTH = 1560e-9
"""Assumed pump wavelength [m]: the Rb-locked seed (780 nm) doubled."""
Q_LOADED = 1e6
"""Assumed loaded Q at critical coupling."""
GROUP_INDEX = 2.1
"""Assumed group index of the 1.6 × 0.8 µm Si₃N₄ ring (system A's cross-section gives 2.10)."""


def system_b_ring() -> Ring:
    """System B's 49 GHz Si₃N₄ ring (published FSR; assumed pump wavelength, loaded Q and n_g)."""
    return Ring.from_loaded_q(PUMP_WAVELENGTH, SYSTEM_B.fsr, Q_LOADED, coupling=0.5, n_g=GROUP_INDEX)


def system_b_transmitter(wavelength: float = 1550e-9):
    """System B's 2.5 GHz silicon polarization-encoding chip, from device physics.

    Published: the 2.5 GHz clock, push-pull depletion MZIs with 30 dB extinction, a thermo-optic VOA,
    1D and 2D grating couplers. Assumed: 3.5 mm arms (5 × 10¹⁷ cm⁻³ p-n, 3 V reverse bias) on a
    traveling-wave electrode (n_μ = 3.7 against n_g = 3.9, 35 Ω loaded line, 2.5 dB/cm/√GHz), SOI
    grating couplers and a 10 GS/s DAC with 25 ps rise time driving one word per 400 ps symbol.
    """
    from ..tx.chips import SiPolarizationChip
    from ..tx.drive import Drive
    from ..tx.grating_couplers import GratingCoupler1D, GratingCoupler2D
    from ..tx.modulators import MZI
    from ..tx.phase_shifters import DepletionPhaseShifter, ThermoOpticPhaseShifter
    from ..tx.rf import TravelingWaveResponse

    arm = DepletionPhaseShifter(length=3.5e-3)
    line = TravelingWaveResponse(length=3.5e-3, n_optical_group=3.9, n_microwave=3.7, rf_loss_db_per_m_sqrt_ghz=250.0,
                                 characteristic_impedance=35.0, load_impedance=35.0, source_impedance=50.0)
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
