"""Rep-rate tuning and locking through temperature (system B): dFSR/dT, the PI loop, line-pair offsets."""

import numpy as np
import pytest
from scipy.constants import c

from combchip.comb.reprate import (Heater, PILoop, RepRateLock, TemperatureNoise, fsr_temperature_coefficient,
                                   line_offsets, mode_dn_dt, predicted_residual, simulate_lock)
from combchip.plotting.comb import plot_rep_rate_lock
from combchip.systems.system_b import system_b_lock, system_b_lock_figures, system_b_ring


def test_dfsr_dt_matches_a_finite_difference_of_c_over_ng_l():
    ring, dn, alpha = system_b_ring(), 2.1e-5, 2.6e-6
    fsr = lambda dT: c / ((ring.n_g + dn * dT) * ring.length * (1 + alpha * dT))  # noqa: E731
    numeric = (fsr(1e-3) - fsr(-1e-3)) / 2e-3
    # central difference: O(δT²·coeff²) ≈ 1e-16 relative, far below 1e-8
    assert fsr_temperature_coefficient(ring, dn, alpha) == pytest.approx(numeric, rel=1e-8)
    assert fsr_temperature_coefficient(ring, dn, alpha) < 0  # warmer: longer and slower ring


def test_mode_dn_dt_weights_core_and_cladding_by_confinement():
    assert mode_dn_dt(2.45e-5, 0.95e-5, 1.0) == 2.45e-5
    assert mode_dn_dt(2.45e-5, 0.95e-5, 0.0) == 0.95e-5
    assert mode_dn_dt(2.45e-5, 0.95e-5, 0.8) == pytest.approx(0.8 * 2.45e-5 + 0.2 * 0.95e-5, rel=1e-12)


def test_pi_loop_crosses_over_at_its_bandwidth_and_rejects_slow_drift():
    heater = Heater(20.0, 10e-3, 0.1, 0.05)
    loop = PILoop.for_bandwidth(heater, 1.0, 1e-3)
    gain = 1 / loop.sensitivity(np.array([1.0]), heater) - 1
    # the ZOH delay adds ≈ 2π·f·Δt = 0.6 % of phase at 1 Hz; |L(f_c)| = 1 to 2 %
    assert abs(gain[0]) == pytest.approx(1.0, rel=0.02)
    # integrator: |S| ≈ f/f_c well below the bandwidth, → 1 far above it
    assert abs(loop.sensitivity(np.array([1e-3]), heater)[0]) == pytest.approx(1e-3, rel=0.02)
    assert abs(loop.sensitivity(np.array([200.0]), heater)[0]) == pytest.approx(1.0, rel=0.02)


def test_predicted_residual_of_white_noise_is_the_mean_of_m_samples():
    heater = Heater(20.0, 10e-3, 0.1, 0.05)
    lock = RepRateLock(-6e5, heater, PILoop.for_bandwidth(heater, 1e-3, 1e-3), TemperatureNoise(0.0, 1e-4), 1.0)
    # a loop 1000× slower than the gate leaves the white noise alone: σ_T² = white²/(2·gate); |S| < 1 only
    # below 1 mHz, 0.2 % of the averaging band, so 1 %
    expected = 6e5 * 1e-4 / np.sqrt(2 * 1.0)
    assert predicted_residual(lock) == pytest.approx(expected, rel=0.01)


@pytest.fixture(scope="module")
def locked():
    lock = system_b_lock()
    return lock, simulate_lock(lock, 1800.0, seed=3)


def test_simulated_lock_stays_within_the_closed_loop_prediction(locked):
    lock, ds = locked
    assert float(ds.clipped_fraction.max()) == 0.0  # linear loop: the prediction is exact in distribution
    # 1800 readings, correlated over ≲ 1 s (1 Hz loop): σ estimated to ≈ 2 %; 10 % is 5 standard errors
    assert float(ds.fsr_error.std()) == pytest.approx(predicted_residual(lock), rel=0.10)
    # the integrator removes any offset: the mean is zero to 5 standard errors
    assert abs(float(ds.fsr_error.mean())) < 5 * predicted_residual(lock) / np.sqrt(ds.sizes["time"])


def test_heater_cancels_the_environment_and_stays_inside_the_soliton_window(locked):
    lock, ds = locked
    ring, env, heat = ds.ring_temperature.values, ds.environment_temperature.values, ds.heater_temperature.values
    np.testing.assert_allclose(ring, env + heat, atol=1e-12)  # ε = T_env + ΔT_h, averaged per gate
    np.testing.assert_allclose(ds.fsr_error.values, lock.dfsr_dt * ring, rtol=1e-12)
    # locked: the heater follows the environment's drift, leaving a ring temperature ≪ the drift
    assert np.std(ring) < 0.01 * np.std(env)
    assert np.abs(heat).max() < 1.0  # within ±1 K of the bias, half the published ≈ 2 K soliton window
    power = ds.heater_power.values
    assert np.all((power >= 0) & (power <= lock.heater.max_power))


def test_same_seed_same_series_and_chunking_does_not_matter():
    lock = system_b_lock()
    a = simulate_lock(lock, 50.0, seed=1, chunk_gates=7)
    b = simulate_lock(lock, 50.0, seed=1, chunk_gates=7)
    np.testing.assert_array_equal(a.fsr_error.values, b.fsr_error.values)
    assert not np.array_equal(a.fsr_error.values, simulate_lock(lock, 50.0, seed=2).fsr_error.values)


def test_anti_windup_keeps_the_heater_in_range_and_recovers():
    heater = Heater(20.0, 10e-3, 0.01, 0.005)  # ±0.1 K of range against ≈ 0.5 K of drift in 1000 s
    lock = RepRateLock(-6e5, heater, PILoop.for_bandwidth(heater, 1.0, 1e-3), TemperatureNoise(2e-2, 0.0), 1.0)
    ds = simulate_lock(lock, 1000.0, seed=0)
    clipped = ds.clipped_fraction.values > 0
    assert clipped.any() and not clipped.all()
    power = ds.heater_power.values
    assert np.all((power >= 0) & (power <= heater.max_power))
    # while clipped the ring follows the environment beyond the range; unclipped gates are locked again
    locked_gates = ds.clipped_fraction.values == 0
    assert np.abs(ds.ring_temperature.values[locked_gates]).max() < 0.1 * np.abs(ds.ring_temperature.values).max()


def test_line_offsets_grow_linearly_in_n(locked):
    lock, first = locked
    second = simulate_lock(lock, 1800.0, seed=4)
    n = np.arange(-100, 101)
    offsets = line_offsets(first, second, n, 0.0, seed=0)
    delta = first.fsr_error.values - second.fsr_error.values
    np.testing.assert_allclose(offsets.line_offset.values, n[None, :] * delta[:, None], rtol=1e-12)
    sigma = offsets.line_offset.std("time").values
    np.testing.assert_allclose(sigma, np.abs(n) * np.std(delta), rtol=1e-12)  # σ(n) = |n|·σ(Δf_rep)
    with_pump = line_offsets(first, second, n, 1e3, seed=0).line_offset.std("time").values
    assert with_pump[100] == pytest.approx(1e3, rel=0.1)  # line 0: the pump offset alone (1800 samples, 10 %)
    # far from the pump the rep-rate term dominates: slope → σ(Δf_rep)
    assert (with_pump[-1] - with_pump[-51]) / 50 == pytest.approx(np.std(delta), rel=0.1)


def test_system_b_figures_are_consistent():
    first, _, offsets, figures = system_b_lock_figures(duration=600.0, seed=0, modes=(0, 50, 100))
    n_g = system_b_ring().n_g  # the FD group index of the assumed 1.6 × 0.8 µm guide (≈ 2.120)
    assert figures.dfsr_dt == pytest.approx(-49e9 * ((0.8 * 2.45e-5 + 0.2 * 0.95e-5) / n_g + 2.6e-6), rel=1e-12)
    assert not figures.clipped and figures.heater_max_excursion < figures.soliton_window / 2
    assert figures.simulated_sigma == pytest.approx(figures.predicted_sigma, rel=0.15)  # 600 readings: 3 % s.e.
    # √2·215 Hz·n = 30 kHz: the published numbers alone put the beat at |n| ≈ 99
    assert figures.beat_line_published == pytest.approx(30e3 / (np.sqrt(2) * 215.0), rel=1e-12)
    assert offsets.sizes["n"] == 3


def test_plot_draws_the_rep_rate_error_in_hz_against_hours(locked):
    _, ds = locked
    ax = plot_rep_rate_lock(ds, predicted_sigma=50.0).axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), ds.fsr_error.values)
    np.testing.assert_allclose(ax.lines[0].get_xdata(), ds.time.values / 3600)
    assert "Hz" in ax.get_ylabel() and "h" in ax.get_xlabel()


def test_bad_inputs_name_the_parameter():
    heater = Heater(20.0, 10e-3, 0.1, 0.05)
    loop = PILoop.for_bandwidth(heater, 1.0, 1e-3)
    noise = TemperatureNoise(1e-4, 1e-5)
    lock = RepRateLock(-6e5, heater, loop, noise, 1.0)
    ds = simulate_lock(lock, 10.0, seed=0)
    cases = [
        ("confinement", lambda: mode_dn_dt(2e-5, 1e-5, 1.5)),
        ("ring", lambda: fsr_temperature_coefficient(49e9, 2e-5, 2.6e-6)),
        ("expansion", lambda: fsr_temperature_coefficient(system_b_ring(), 2e-5, np.nan)),
        ("thermal_resistance", lambda: Heater(-1.0, 1e-3, 0.1, 0.05)),
        ("bias_power", lambda: Heater(20.0, 1e-3, 0.1, 0.2)),
        ("drift", lambda: TemperatureNoise(-1.0, 0.0)),
        ("integral", lambda: PILoop(1.0, 0.0, 1e-3)),
        ("bandwidth", lambda: PILoop.for_bandwidth(heater, 100.0, 1e-3)),
        ("dfsr_dt", lambda: RepRateLock(0.0, heater, loop, noise, 1.0)),
        ("gate", lambda: RepRateLock(-6e5, heater, loop, noise, 1.5e-3)),
        ("noise", lambda: RepRateLock(-6e5, heater, loop, 1e-4, 1.0)),
        ("lock", lambda: predicted_residual("lock")),
        ("duration", lambda: simulate_lock(lock, 1.0)),
        ("duration", lambda: simulate_lock(lock, -5.0)),
        ("modes", lambda: line_offsets(ds, ds, [0.5], 0.0)),
        ("pump_offset_sigma", lambda: line_offsets(ds, ds, [1], -1.0)),
        ("first", lambda: line_offsets(None, ds, [1], 0.0)),
    ]
    for name, call in cases:
        with pytest.raises(ValueError, match=name):
            call()
