"""System A (Yan et al., npj Quantum Inf. 2025): its ring, pump, time-bin encoder, detectors and link.

Published numbers come from :data:`combchip.systems.published.SYSTEM_A`; what the paper does not give
is stated here as an assumption.
"""

from __future__ import annotations

import numpy as np
from scipy.constants import c

from ..comb.lasers import Laser
from ..comb.resonator import Ring
from ..link.qkd.channel import Detector
from ..units import db_to_ratio
from .published import SYSTEM_A

__all__ = ["DETECTOR", "system_a_encoder", "system_a_pump", "system_a_ring"]

DETECTOR = Detector(efficiency=0.75, dark_count_probability=1e-7)
"""Assumed SNSPDs (not given by the paper): η_d = 0.75, p_d = 10⁻⁷ per ~1 ns window (≈ 100 Hz dark counts)."""


def system_a_ring() -> Ring:
    """System A's 100 GHz ring.

    Measured FSR (98.7498 GHz) and loaded Q (1.08 × 10⁶); D₂, D₃ (finite-difference mode solver) and
    κ_ex (500 nm gap) from :meth:`Ring.from_geometry` on the published 1.6 × 0.8 µm cross-section and
    230 µm radius; κ₀ = κ − κ_ex; A_eff = the core area; n_g from the FSR and the radius.
    """
    p = SYSTEM_A
    geometric = Ring.from_geometry(radius=p.ring_radius, width=p.waveguide_width, height=p.waveguide_height,
                                   gap=p.coupler_gap, wavelength=p.pump_wavelength)
    kappa = 2 * np.pi * c / p.pump_wavelength / p.q_loaded
    if geometric.kappa_ex >= kappa:
        raise ValueError("the coupler model gives kappa_ex above the loaded kappa: check the gap")
    return Ring(
        wavelength=p.pump_wavelength,
        fsr=p.fsr,
        kappa0=kappa - geometric.kappa_ex,
        kappa_ex=geometric.kappa_ex,
        d2=geometric.d2,
        d3=geometric.d3,
        n2=geometric.n2,
        a_eff=geometric.a_eff,
        n_g=c / (p.fsr * 2 * np.pi * p.ring_radius),
    )


def system_a_pump(linewidth: float = 0.0) -> Laser:
    """1 W at CH51 after half of the 6.58 dB two-facet insertion loss: ≈ 0.47 W on chip.

    ``linewidth`` [Hz] is the pump's Lorentzian FWHM (not published; 0 by default).
    """
    p = SYSTEM_A
    return Laser(p.pump_wavelength, p.pump_power * float(db_to_ratio(p.insertion_loss_db / 2)), linewidth=linewidth)


def system_a_encoder(wavelength: float = 1550e-9):
    """System A's bench time-bin encoder: 0.8 ns bins 10 ns apart, LiNbO₃ IM1, IM2 and PM.

    Published: the 0.8 ns pulses and the 10 ns bin separation. Assumed: push-pull LiNbO₃ MZIs
    (r₃₃ = 30.8 pm/V, 20 mm, 15 µm gap) built for 30 dB extinction; a 2.5 GS/s DAC (0.4 ns words,
    150 ps rise) at 50 MHz qubits (two 10 ns bins per qubit). The comb line that drives it (a
    :class:`combchip.schema.CombLine`) brings its power and linewidth (published: 0.11 MHz soliton,
    1.4 MHz chaotic).
    """
    from ..tx.chips import TimeBinEncoder
    from ..tx.drive import Drive
    from ..tx.modulators import MZI
    from ..tx.phase_shifters import ElectroOpticPhaseShifter

    lithium_niobate = ElectroOpticPhaseShifter(length=20e-3, refractive_index=2.14, r=30.8e-12, thickness=15e-6,
                                               overlap=0.5, loss_db_per_m=10.0, relative_permittivity=28.0)
    im = MZI.with_extinction(30.0, lithium_niobate, bias_phase=np.pi, wavelength=wavelength)
    dac_rate = 2.5e9
    return TimeBinEncoder(
        carver=im,
        decoy=im,
        phase_modulator=lithium_niobate,
        drive=Drive(symbol_rate=1 / (2 * SYSTEM_A.bin_separation), dac_rate=dac_rate, rise_time=150e-12,
                    samples_per_symbol=500),
        bin_words=(12, round(SYSTEM_A.pulse_fwhm * dac_rate)),
        wavelength=wavelength,
    )
