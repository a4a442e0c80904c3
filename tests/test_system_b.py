"""System B end to end: comb line → silicon chip → 100 km per user → BSM → finite key, against the paper."""

import dataclasses

import numpy as np
import pytest

from combchip.link.qkd.bounds import plob
from combchip.link.qkd.channel import Detector, combine_errors
from combchip.systems import system_b_key_rate, system_b_line
from combchip.systems.published import SYSTEM_B
from combchip.systems.system_b_link import SystemBKeyRate


@pytest.fixture(scope="module")
def fixed():
    """The chain at the start settings, without optimization (≈ 1 s)."""
    return system_b_key_rate(optimize=False)


def test_qbers_and_visibility_come_from_the_devices(fixed):
    r = fixed
    # 2 ps drift and a 30 kHz beat σ against ≈ 100 ps pulses leave M > 0.999: V = M/2 within 0.05 % of 1/2
    assert r.hom_visibility == pytest.approx(r.mode_overlap / 2, rel=1e-12)
    assert 0.999 < r.mode_overlap < 1.0
    # the model omits what else lowers the measured dip (polarization after 100 km, intensity imbalance)
    assert r.hom_visibility > SYSTEM_B.hom_visibility
    # e_d^Z: both chips' Z-state errors (MZI-3 extinction, 2D-grating crosstalk, drive ISI), combined
    assert r.e_d_z == pytest.approx(combine_errors(r.state_error_z, r.state_error_z), rel=1e-12)
    # QBER_Z = e_d^Z plus dark-count coincidences, which p_d ≈ 4e-8 against Q_zz ≈ 1e-5 keeps below 1e-3
    assert abs(r.qber_z - r.e_d_z) < 1e-3
    # published 1.7 %: the chips' 30 dB-class Z errors (≈ 1 % each) give it to within 0.5 percentage point
    assert r.qber_z == pytest.approx(SYSTEM_B.qber_z, abs=5e-3)
    # X basis: phase-randomized WCS give ≥ 25 % at V = 1/2; published 27.4 %. The devices give ≈ 25.5 %: their
    # 2D grating is the ideal one of its geometry (42 dB extinction, 0.13 dB PDL at 10° tilt); fabrication
    # asymmetry and the fibres' polarization drift, which the model leaves out, make up the ≈ 2 points
    assert 0.25 < r.qber_x < SYSTEM_B.qber_x
    assert r.qber_x == pytest.approx(SYSTEM_B.qber_x, abs=2.5e-2)
    # e_d^X = (1/2 − V) ⊕ ε_X ⊕ ε_X
    assert r.e_d_x == pytest.approx(combine_errors(0.5 - r.hom_visibility, r.state_error_x, r.state_error_x),
                                    rel=1e-12)


def test_record_states_its_inputs_and_units(fixed):
    r = fixed
    assert isinstance(r, SystemBKeyRate)
    for f in dataclasses.fields(r):
        assert "unit" in f.metadata and f.metadata["meaning"]
    assert r.pulse_pairs == pytest.approx(SYSTEM_B.block * SYSTEM_B.symbol_rate, rel=1e-15)
    assert r.distance_per_user == SYSTEM_B.fibre_per_user
    assert r.pulse_fwhm == pytest.approx(SYSTEM_B.pulse_fwhm, rel=0.05)  # the chip's carved pulses
    # the 'vacuum' is two 30 dB nulls plus the drive's ISI: kept in the estimate, well below 20 dB of the signal
    assert r.intensities["o"] == r.vacuum_mu and 0 < r.vacuum_mu < 1e-2 * r.intensities["z"]
    # the key is ℓ/T clipped at zero, and ℓ, the unclipped length, is kept
    assert r.key_rate == pytest.approx(max(r.key_length, 0.0) / r.block_seconds, rel=1e-12, abs=0.0)
    assert r.optimized is False and r.optimizer_converged is None


def test_line_power_is_absorbed_by_the_attenuator(fixed):
    brighter = system_b_key_rate(optimize=False, line_power=1e-3)
    # the chip's VOA is set from the line power, so the realized states and the key do not change
    for label in "zyx":
        assert brighter.intensities[label] == pytest.approx(fixed.intensities[label], rel=1e-6)
    assert brighter.qber_z == pytest.approx(fixed.qber_z, rel=1e-6)
    with pytest.raises(ValueError, match="power"):
        system_b_key_rate(optimize=False, line_power=1e-15)


def test_line_sits_on_the_comb_grid():
    a, b = system_b_line(mu=1), system_b_line(mu=3)
    assert b.frequency - a.frequency == pytest.approx(2 * SYSTEM_B.fsr, rel=1e-12)
    with pytest.raises(ValueError, match="mu"):
        system_b_line(mu=1.5)


@pytest.mark.parametrize("kwargs, name", [
    ({"block_seconds": -1.0}, "block_seconds"), ({"distance": -1.0}, "distance"),
    ({"pump_linewidth": -1.0}, "pump_linewidth"), ({"line_power": 0.0}, "line_power"),
    ({"relay_loss_db": -1.0}, "relay_loss_db"), ({"fibre_loss_db_per_km": np.nan}, "fibre_loss_db_per_km"),
    ({"detector": "snspd"}, "detector"), ({"optimize": "yes"}, "optimize"),
    ({"polarization_angle": np.inf}, "polarization_angle"),
    ({"initial": ({"z": 0.3}, {"z": 1.0})}, "intensities"),
])
def test_rejects_nonsense(kwargs, name):
    with pytest.raises(ValueError, match=name):
        system_b_key_rate(**{"optimize": False, **kwargs})


@pytest.mark.slow
def test_optimized_1000_s_block_gives_a_key_below_plob(fixed):
    r = system_b_key_rate(SYSTEM_B.block)
    assert r.optimized and r.optimizer_converged, r.optimizer_message
    assert r.key_rate > 0 and not r.finite_key.clipped and r.finite_key.status == "certified"
    # certified for the chip's own leaky vacuum (μ_o > 0 from its finite extinction), which the bound takes exactly
    assert r.vacuum_mu > 0 and r.intensities["o"] == r.vacuum_mu and r.key_status == "certified"
    # the optimum never falls below the start settings (same chip, same link)
    assert r.key_rate >= fixed.key_rate
    eta = (10 ** (-r.loss_per_user_db / 10) * r.detector.efficiency) ** 2
    assert r.key_rate / r.symbol_rate < plob(eta)  # repeaterless bound of the user-to-user transmittance
    # re-driven at the optimum, the chip's errors barely move: QBER_Z still within 0.5 point of 1.7 %
    assert r.qber_z == pytest.approx(SYSTEM_B.qber_z, abs=5e-3)
    assert isinstance(r.detector, Detector)


def test_the_leaky_vacuum_enters_the_estimate(fixed):
    # the chip's 30 dB extinction leaves photons in the "vacuum" state; the estimate uses them (status: the
    # estimator's own), and an empty vacuum on the same link gives at least as long a key (ℓ unclipped)
    from combchip.link.qkd import MDILink, finite_key_rate
    assert fixed.vacuum_mu > 0 and fixed.key_status == fixed.finite_key.status
    link = MDILink.from_losses(fixed.loss_per_user_db, fixed.loss_per_user_db, fixed.detector, e_d_z=fixed.e_d_z,
                               e_d_x=fixed.e_d_x)
    leaky = finite_key_rate(link, fixed.intensities, fixed.probabilities, fixed.pulse_pairs, eps=SYSTEM_B.eps)
    assert leaky.key_length == pytest.approx(fixed.key_length, rel=1e-12)
    empty = finite_key_rate(link, dict(fixed.intensities, o=0.0), fixed.probabilities, fixed.pulse_pairs,
                            eps=SYSTEM_B.eps)
    assert empty.key_length >= leaky.key_length
