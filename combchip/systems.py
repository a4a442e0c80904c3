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
