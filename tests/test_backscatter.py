"""Backscattering doublet: splitting 2Γ, closed-form transmission against the time-domain solver."""

import numpy as np
import pytest
from scipy.signal import argrelmin

import combchip as cc
from combchip.comb.backscatter import doublet_splitting, doublet_transmission
from combchip.solvers import LLESolver, Schedule, SILMode

RING = cc.Ring.from_loaded_q(1550e-9, 30e9, 1e7)


def test_eigenfrequencies_split_by_two_gamma():
    gamma = 3.7 * RING.kappa
    coupling = np.array([[0, -gamma], [-gamma, 0]])  # i·d(a, b)/dt = (Δ·1 − Γσ_x)(a, b) without loss
    split = np.ptp(np.linalg.eigvalsh(coupling)) / (2 * np.pi)
    assert doublet_splitting(gamma) == pytest.approx(split, rel=1e-12)


def test_transmission_dips_two_gamma_apart():
    gamma = 4 * RING.kappa
    detuning = np.linspace(-6, 6, 240001) * RING.kappa / (2 * np.pi)
    ds = doublet_transmission(RING, gamma, detuning)
    dips = detuning[argrelmin(ds.transmission.values)[0]]
    assert dips.size == 2
    # two Lorentzians of half width κ/2 at ±Γ pull each other's minima by O((κ/2Γ)²) of the splitting
    assert np.ptp(dips) == pytest.approx(doublet_splitting(gamma), rel=(RING.kappa / (2 * gamma)) ** 2)
    # energy: what is not transmitted or reflected is lost, ≤ 1
    assert np.all(ds.transmission + ds.reflection <= 1 + 1e-12)


def test_simulated_transmission_matches_closed_form():
    """The solver's forward and backward modes, driven by a laser without feedback (k = 0, a ≡ 1), Kerr off."""
    beta = 3.0  # Γ = 1.5 κ
    zetas = np.array([-5.0, -3.0, -1.0, 0.0, 2.0, 3.0, 4.5])
    mode = SILMode(beta=beta, rate=0.0, eta=RING.coupling, phase=0.0, alpha=3.0, photon_rate=1e3,
                   carrier_rate=10.0, stimulated_rate=50.0)
    result = LLESolver(np.zeros(8), dt=5e-3).run(1e-3, [Schedule.constant(z) for z in zetas], 15.0, sil=mode,
                                                 progress=False, trace_every=1000)
    transmission = np.abs(1 - 2 * RING.coupling * result.pump_mode[:, -1] / 1e-3) ** 2
    reflection = np.abs(2 * RING.coupling * result.backward_field[:, -1] / 1e-3) ** 2
    ds = doublet_transmission(RING, beta * RING.kappa / 2, zetas * RING.kappa / (4 * np.pi))
    # transients decay as e^{−τ} (e^{−15} ≈ 3e-7); splitting error O((ζh)²) ≈ 1e-4 at |ζ| = 5; Kerr shift 1e-6
    assert np.allclose(transmission, ds.transmission, atol=2e-4)
    assert np.allclose(reflection, ds.reflection, atol=2e-4)


def test_bad_input():
    with pytest.raises(ValueError, match="backscatter_rate"):
        doublet_splitting(-1.0)
    with pytest.raises(ValueError, match="backscatter_rate"):
        doublet_transmission(RING, np.nan, [0.0])
    with pytest.raises(ValueError, match="detuning_hz"):
        doublet_transmission(RING, 1e6, [[0.0, 1.0]])
    with pytest.raises(ValueError, match="ring"):
        doublet_transmission("ring", 1e6, [0.0])
