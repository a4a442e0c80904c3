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

__all__ = ["DELAY_IMBALANCE", "INTENSITY_MISMATCH", "POLARIZATION_MISMATCH", "REFERENCE_POWER", "RING_RADIUS",
           "RING_WIDTH", "system_c_channel", "system_c_client", "system_c_ring"]

RING_WIDTH = 2.8e-6
"""Assumed ring and bus width [m] of the 100 nm thick Si₃N₄ guide (weakly guiding, ultrahigh Q)."""
RING_RADIUS = radius_for_fsr(fsr=SYSTEM_C.fsr, width=RING_WIDTH, height=SYSTEM_C.ring_thickness,
                             wavelength=SYSTEM_C.wavelength, method="eim")
"""Drawn ring radius [m]: R = c/(2π·n_g·FSR) for the published FSR, n_g ≈ 1.591 the effective-index group index
of the :data:`RING_WIDTH` × 100 nm guide at 1549.78 nm (the finite-difference solver's default grid needs
1.8 × 10⁶ unknowns for a 100 nm core, above its limit); R ≈ 998.7 µm, L ≈ 6.28 mm."""


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
    """
    from ..tx.chips import InPClientChip
    from ..tx.drive import Drive
    from ..tx.modulators import MZI
    from ..tx.phase_shifters import ElectroOpticPhaseShifter

    section = ElectroOpticPhaseShifter(length=4e-3)
    im = MZI.with_extinction(SYSTEM_C.modulator_visibility_db, section, drive="single", bias_phase=np.pi,
                             wavelength=wavelength)
    return InPClientChip(
        carver=im,
        decoy=im,
        phase_modulator=section,
        drive=Drive(symbol_rate=symbol_rate, dac_rate=8 * symbol_rate, rise_time=30e-12, samples_per_symbol=64),
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
