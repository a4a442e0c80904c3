"""SNS-TF-QKD X-basis errors from the link's parts: phase-noise closed forms against simulations, the error
budget against the key rate's e_X, system C's budget, bad inputs."""

import dataclasses

import numpy as np
import pytest
import xarray as xr
from scipy.constants import c, h

from combchip.link.qkd.sns import SNSChannel, sns_key_rate
from combchip.link.qkd.sns_errors import SOURCES, format_error_budget, sns_x_error_budget
from combchip.link.qkd.sns_tracking import PhaseTracking, estimation_phase_variance, laser_phase_variance
from combchip.systems import system_c_channel

CHANNEL = system_c_channel()


def test_laser_variance_matches_simulated_wiener_phase_about_its_window_mean():
    rng = np.random.default_rng(3)
    lw_a, lw_b, window, steps, paths = 60.0, 40.0, 1e-3, 400, 4000
    diffusion = 2 * np.pi * (lw_a + lw_b)
    phase = np.cumsum(rng.normal(0, np.sqrt(diffusion * window / steps), (paths, steps)), axis=1)
    residual = phase - phase.mean(axis=1, keepdims=True)
    # 4000 paths: the mean square has a relative spread ≈ √(2/4000)·(correlation) < 2 %; allow 5 %
    assert np.mean(residual**2) == pytest.approx(laser_phase_variance(lw_a, lw_b, window), rel=0.05)


@pytest.mark.parametrize("visibility", [1.0, 0.9])
def test_estimation_variance_is_reached_by_fringe_counting(visibility):
    rng = np.random.default_rng(4)
    n, phi = 20_000, np.pi / 2
    plus = rng.binomial(n, (1 + visibility * np.cos(phi)) / 2, 20_000)
    estimate = np.arccos(np.clip((2 * plus - n) / (n * visibility), -1, 1))
    # 2e4 trials: the sample variance is within 2 % (2σ·√(2/2e4) ≈ 2 %); allow 4 %
    assert np.var(estimate) == pytest.approx(estimation_phase_variance(n, visibility), rel=0.04)


def test_detected_reference_photons_closed_form():
    t = CHANNEL.tracking
    assert t.detected_photons(1e-3, 2e-3, 1e-5) == pytest.approx(t.reference_power * t.wavelength / (h * c) * 3e-3
                                                                  * 1e-5, rel=1e-12)


def test_budget_total_is_the_key_rates_e_x_and_the_parts_add_up(tmp_path):
    budget = sns_x_error_budget([204e3, 370e3], CHANNEL)
    for d, total in zip((204e3, 370e3), budget.total.values):
        assert total == pytest.approx(sns_key_rate(d, 1e12, channel=CHANNEL).e_x, rel=1e-12)
    assert list(budget.source.values) == list(SOURCES) and np.all(budget.error.values >= 0)
    # e_X = (1 − Π V_j)/2 = Σ e_j − 2Σ e_i e_j + …: cross terms ≈ 2·(0.5 %)² relative to 1 % → ≤ 2 %
    np.testing.assert_allclose(budget.error.sum("source").values, budget.total.values, rtol=0.02)
    # estimation variance ∝ 1/n ∝ 1/η: the arms' transmittance ratio (0.16 dB/km over 83 km per arm)
    est = budget.error.sel(source="phase estimation").values
    eta = [sum(CHANNEL.arm_transmittances(d)) for d in (204e3, 370e3)]
    variances = -2 * np.log(1 - 2 * est)
    assert variances[1] / variances[0] == pytest.approx(eta[0] / eta[1], rel=1e-9)  # both estimates ∝ 1/η
    assert budget.reference_photons.values[0] / budget.reference_photons.values[1] == pytest.approx(eta[0] / eta[1])
    for v in list(budget.data_vars) + ["distance", "source"]:
        assert "units" in budget[v].attrs and budget[v].attrs["long_name"]
    budget.to_netcdf(tmp_path / "b.nc")
    assert xr.load_dataset(tmp_path / "b.nc").identical(budget)
    table = format_error_budget(budget)
    assert "phase estimation" in table and "370 km" in table


def test_system_c_x_error_budget():
    """Stated parts (system_c_channel): published drifts and linewidths, assumed 1 nW reference, 10 µs / 1 ms
    tracking, 0.1 rad polarization and 2.5 % intensity mismatch, 5 µs delay imbalance; default Δ = π/8."""
    budget = sns_x_error_budget([204e3, 370e3], CHANNEL)
    print("\n" + format_error_budget(budget))
    e = budget.error.sel(distance=370e3)
    # the slice (0.32 %) and the polarization (0.25 %) dominate; at 370 km the estimation from ≈ 120 reference
    # photons per 10 µs (1/n = 0.83 % rad² → 0.21 %) is next
    assert e.sel(source="phase slice") > e.sel(source="phase estimation") > e.sel(source="laser phase noise")
    assert budget.reference_photons.sel(distance=370e3) == pytest.approx(120, rel=0.02)
    assert 0.006 < budget.total.sel(distance=204e3) < budget.total.sel(distance=370e3) < 0.01


def test_bad_inputs_raise_naming_parameter():
    with pytest.raises(ValueError, match="channel"):
        sns_x_error_budget([100e3], SNSChannel())
    with pytest.raises(ValueError, match="distance"):
        sns_x_error_budget([-1.0], CHANNEL)
    with pytest.raises(ValueError, match="distance"):
        sns_x_error_budget([], CHANNEL)
    with pytest.raises(ValueError, match="protocol"):
        sns_x_error_budget([100e3], CHANNEL, protocol={"mu_1": 0.1})
    with pytest.raises(ValueError, match="tracking"):
        SNSChannel(tracking=0.1)
    with pytest.raises(ValueError, match="detected_photons"):
        estimation_phase_variance(0.0)
    with pytest.raises(ValueError, match="linewidth_b"):
        laser_phase_variance(1.0, -1.0, 1e-3)
    for name, value in [("reference_power", 0.0), ("wavelength", 1.0), ("reference_interval", 0.0),
                        ("difference_drift_rate", -1.0), ("comb_linewidth", -1.0), ("delay_imbalance", -1.0),
                        ("polarization_mismatch", 2.0), ("intensity_mismatch", 1.0)]:
        with pytest.raises(ValueError, match=name):
            dataclasses.replace(CHANNEL.tracking, **{name: value})
