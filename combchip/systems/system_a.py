"""System A (Yan et al., npj Quantum Inf. 2025): its ring, pump, time-bin encoder, detectors and link.

Published numbers come from :data:`combchip.systems.published.SYSTEM_A`; what the paper does not give
is stated here as an assumption.
"""

from __future__ import annotations

import numpy as np
from scipy.constants import c

from ..comb.detuning import DetuningSchedule
from ..comb.lasers import Laser
from ..comb.resonator import Ring
from ..comb.thermal import AuxLaser
from ..link.qkd.channel import Detector
from ..units import db_to_ratio
from .published import SYSTEM_A

__all__ = ["DETECTOR", "system_a_aux", "system_a_encoder", "system_a_pump", "system_a_pumped_ring", "system_a_ring"]

DETECTOR = Detector(efficiency=0.75, dark_count_probability=1e-7)
"""Assumed SNSPDs (not given by the paper): η_d = 0.75, p_d = 10⁻⁷ per ~1 ns window (≈ 100 Hz dark counts)."""


def system_a_ring() -> Ring:
    """System A's 100 GHz ring.

    Measured FSR (98.7498 GHz) and loaded Q (1.08 × 10⁶); D₂, D₃ (full-vectorial bent-guide femwell modes),
    κ_ex (coupled-mode overlap along the 500 nm gap coupler) and A_eff (mode field over the core) from
    :meth:`Ring.from_geometry` on the published 1.6 × 0.8 µm cross-section and 230 µm radius; κ₀ = κ − κ_ex;
    n_g from the FSR and the radius.
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


def system_a_pumped_ring() -> Ring:
    """System A's ring with the pumped resonance's own measured linewidth (167.2 MHz FWHM) instead of the mean Q.

    κ_ex (500 nm gap), D₂, D₃ and A_eff as in :func:`system_a_ring`; κ₀ = 2π·167.2 MHz − κ_ex.
    """
    mean = system_a_ring()
    kappa = 2 * np.pi * SYSTEM_A.pump_resonance_linewidth
    if mean.kappa_ex >= kappa:
        raise ValueError("the coupler model gives kappa_ex above the pumped resonance's kappa: check the gap")
    return Ring(wavelength=mean.wavelength, fsr=mean.fsr, kappa0=kappa - mean.kappa_ex, kappa_ex=mean.kappa_ex,
                d2=mean.d2, d3=mean.d3, n2=mean.n2, a_eff=mean.a_eff, n_g=mean.n_g)


def system_a_aux(detuning: float | DetuningSchedule = 0.0) -> AuxLaser:
    """System A's counter-propagating auxiliary laser at CH37 (1546.8807 nm), 1.58 W to the fibre.

    On chip: 1.58 W after half of the 6.58 dB two-facet insertion loss (assumed split equally between
    the facets, as for the pump): ≈ 0.74 W. Its resonance is the one nearest CH37,
    μ = round((ν_aux − ν_pump)/FSR) = −13, with the measured 158.2 MHz FWHM and κ_ex from the
    500 nm gap at 1546.88 nm (:meth:`Ring.from_geometry`). ``detuning`` [Hz] is (ω_μ − ω_aux)/2π,
    negative on the blue side where the paper parks it.
    """
    p = SYSTEM_A
    mode = int(round((c / p.aux_wavelength - c / p.pump_wavelength) / p.fsr))
    coupler = Ring.from_geometry(radius=p.ring_radius, width=p.waveguide_width, height=p.waveguide_height,
                                 gap=p.coupler_gap, wavelength=p.aux_wavelength)
    kappa = 2 * np.pi * p.aux_resonance_linewidth
    if coupler.kappa_ex >= kappa:
        raise ValueError("the coupler model gives kappa_ex above the aux resonance's kappa: check the gap")
    return AuxLaser(power=p.aux_power * float(db_to_ratio(p.insertion_loss_db / 2)), mode=mode, detuning=detuning,
                    linewidth=p.aux_resonance_linewidth, coupling=coupler.kappa_ex / kappa)


def system_a_pump(linewidth: float = 0.0) -> Laser:
    """1 W at CH51 after half of the 6.58 dB two-facet insertion loss: ≈ 0.47 W on chip.

    ``linewidth`` [Hz] is the pump's Lorentzian FWHM (not published; 0 by default).
    """
    p = SYSTEM_A
    return Laser(p.pump_wavelength, p.pump_power * float(db_to_ratio(p.insertion_loss_db / 2)), linewidth=linewidth)


def system_a_encoder(wavelength: float = 1550e-9):
    """System A's bench time-bin encoder: 0.8 ns bins 10 ns apart, LiNbO₃ IM1, IM2 and PM.

    Published: the 0.8 ns pulses, the 10 ns bin separation and the 100 MHz clock. Derived: the qubit rate,
    :func:`combchip.tx.protocol.time_bin_symbol_rate` = 50 MHz, since bins one clock period apart leave no room
    for an interleaved qubit (the late bin of qubit k would share its slot with the early bin of qubit k + 1).
    Assumed: push-pull LiNbO₃ MZIs (r₃₃ = 30.8 pm/V, 20 mm, 15 µm gap) built for 30 dB extinction; a 2.5 GS/s
    DAC (0.4 ns words, 150 ps rise). The comb line that drives it (a
    :class:`combchip.schema.CombLine`) brings its power and linewidth (published: 0.11 MHz soliton,
    1.4 MHz chaotic).
    """
    from ..tx.chips import TimeBinEncoder
    from ..tx.drive import Drive
    from ..tx.modulators import MZI
    from ..tx.phase_shifters import ElectroOpticPhaseShifter
    from ..tx.protocol import time_bin_symbol_rate

    lithium_niobate = ElectroOpticPhaseShifter(length=20e-3, refractive_index=2.14, r=30.8e-12, thickness=15e-6,
                                               overlap=0.5, loss_db_per_m=10.0, relative_permittivity=28.0)
    im = MZI.with_extinction(30.0, lithium_niobate, bias_phase=np.pi, wavelength=wavelength)
    dac_rate = 2.5e9
    return TimeBinEncoder(
        carver=im,
        decoy=im,
        phase_modulator=lithium_niobate,
        drive=Drive(symbol_rate=time_bin_symbol_rate(SYSTEM_A.clock, SYSTEM_A.bin_separation, SYSTEM_A.pulse_fwhm),
                    dac_rate=dac_rate, rise_time=150e-12,
                    samples_per_symbol=500),
        bin_words=(12, round(SYSTEM_A.pulse_fwhm * dac_rate)),
        wavelength=wavelength,
    )
