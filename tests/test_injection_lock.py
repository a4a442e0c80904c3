"""Injection locking of a client laser: Mogensen's locking range, first-order noise transfer, SMSR, bad inputs."""

import math

import numpy as np
import pytest

from combchip.tx.injection_lock import ClientLaser, injection_lock, locking_range

CLIENT = ClientLaser(power=10e-3, linewidth=1e6, alpha=3.0, cavity_length=600e-6, group_index=3.7,
                     reflectivity=0.3, smsr=35.0, side_mode_margin=1e10)
F = np.logspace(0, 11, 600)
MASTER = np.full(F.size, 13.0)   # a white master line, h₀ = 13 Hz²/Hz


def test_locking_range_is_mogensens_asymmetric_band():
    lower, upper = locking_range(CLIENT, 10e-6)
    rate = CLIENT.injection_rate * math.sqrt(1e-3)
    assert CLIENT.injection_rate == pytest.approx((1 - 0.3) / (math.sqrt(0.3) * 2 * 3.7 * 600e-6 / 2.99792458e8))
    assert (lower, upper) == pytest.approx((-rate * math.sqrt(10.0), rate))
    for detuning, locked in ((0.99 * lower, 1), (1.01 * lower, 0), (0.99 * upper, 1), (1.01 * upper, 0), (0.0, 1)):
        assert int(injection_lock(CLIENT, 10e-6, detuning, F, MASTER).locked) == locked
    # at zero detuning the loop is fastest, γ_L = κ_c√ρ√(1 + α²); it closes (γ_L → 0) at the lower edge
    centre = injection_lock(CLIENT, 10e-6, 0.0, F, MASTER)
    assert float(centre.locking_bandwidth) == pytest.approx(rate * math.sqrt(10.0) / (2 * math.pi), rel=1e-12)
    edge = injection_lock(CLIENT, 10e-6, 0.999999 * lower, F, MASTER)
    assert float(edge.locking_bandwidth) < 1e-2 * float(centre.locking_bandwidth)
    # the steady state solves Δω = −κ_c√ρ√(1 + α²)·sin(φ₀ + arctan α) with cos φ₀ ≥ 0
    for detuning in np.linspace(0.9 * lower, 0.9 * upper, 7):
        phase = float(injection_lock(CLIENT, 10e-6, detuning, F, MASTER).locking_phase)
        assert -rate * math.sqrt(10.0) * math.sin(phase + math.atan(3.0)) == pytest.approx(detuning, abs=1e-6 * rate)
        assert math.cos(phase) >= 0


def test_client_inherits_the_master_noise_inside_the_locking_bandwidth_and_unlocks_outside():
    ds = injection_lock(CLIENT, 10e-6, 0.0, F, MASTER)
    corner = float(ds.locking_bandwidth)
    psd = ds.client_psd
    # first order: |H|² = 1/(1 + (f/f_L)²): inside, the master's 13 Hz²/Hz plus the own h₀ suppressed by (f/f_L)²
    # (3·10⁻³ Hz²/Hz at f_L/10⁴); outside, the own h₀ plus 13·(f_L/f)² (at 30 f_L: 1.1·10⁻³ relative)
    assert float(psd.interp(frequency=corner / 1e4)) == pytest.approx(13.0, rel=1e-3)
    assert float(psd.interp(frequency=corner * 30)) == pytest.approx(CLIENT.white_noise, rel=2e-3)
    assert float(ds.transfer.interp(frequency=corner)) == pytest.approx(0.5, rel=1e-2)   # log-grid interpolation
    # the own noise left above f_L is a bounded phase error: π²h₀/γ_L, the integral of h₀(1 − |H|²)/f²
    gamma = 2 * math.pi * corner
    residual = np.trapezoid(CLIENT.white_noise * (1 - ds.transfer.values) / F**2, F) + CLIENT.white_noise / F[-1]
    # (the tail above the grid's 100 GHz, where 1 − |H|² = 1, added in closed form: h₀/f_max)
    assert float(ds.pedestal_phase_variance) == pytest.approx(residual, rel=1e-3)
    assert float(ds.pedestal_phase_variance) == pytest.approx(math.pi**2 * CLIENT.white_noise / gamma)
    # the locked gain drops by 2κ_c√ρ cos φ₀: the side modes lose power
    assert float(ds.smsr) > CLIENT.smsr
    # outside the range the client runs free: its own noise everywhere, its own SMSR, no locking bandwidth
    lower, _ = locking_range(CLIENT, 10e-6)
    free = injection_lock(CLIENT, 10e-6, 1.2 * lower, F, MASTER)
    np.testing.assert_allclose(free.client_psd, CLIENT.white_noise)
    assert float(free.smsr) == CLIENT.smsr and np.isnan(float(free.locking_bandwidth))


@pytest.mark.parametrize("call, name", [
    (lambda: ClientLaser(-1.0, 1e6, 3.0, 6e-4, 3.7, 0.3, 35.0, 1e10), "power"),
    (lambda: ClientLaser(1e-2, 1e6, 50.0, 6e-4, 3.7, 0.3, 35.0, 1e10), "alpha"),
    (lambda: ClientLaser(1e-2, 1e6, 3.0, 6e-4, 3.7, 1.0, 35.0, 1e10), "reflectivity"),
    (lambda: ClientLaser(1e-2, 0.0, 3.0, 6e-4, 3.7, 0.3, 35.0, 1e10), "linewidth"),
    (lambda: ClientLaser(1e-2, 1e6, 3.0, 6e-4, 3.7, 0.3, 35.0, 0.0), "side_mode_margin"),
    (lambda: locking_range("laser", 1e-6), "client"),
    (lambda: locking_range(CLIENT, 0.0), "injected_power"),
    (lambda: injection_lock(CLIENT, 1e-6, math.nan, F, MASTER), "detuning"),
    (lambda: injection_lock(CLIENT, 1e-6, 0.0, F[::-1], MASTER), "frequency"),
    (lambda: injection_lock(CLIENT, 1e-6, 0.0, F, -MASTER), "master_psd"),
])
def test_bad_inputs_are_rejected(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_system_c_client_inherits_the_comb_line_linewidth():
    from combchip.systems.published import SYSTEM_C
    from combchip.systems.system_c_clients import CLIENT_DBR, system_c_client_lock

    locked = system_c_client_lock()
    # the client's own 1 MHz noise sits above the GHz locking bandwidth, far under the β line there: its β-line
    # linewidth is the comb line's, π·13·√(1 − f_min/f_β) ≈ 39.9 Hz, to 10⁻⁶
    assert int(locked.locked) == 1
    assert float(locked.client_linewidth) == pytest.approx(float(locked.master_linewidth), rel=1e-6)
    assert float(locked.carrier_linewidth) == pytest.approx(math.pi * SYSTEM_C.white_frequency_noise)
    assert locked.attrs["published_client_linewidth"] == SYSTEM_C.client_linewidth
    # tuned outside the range the DBR runs free: its own π·h₀ = 1 MHz Lorentzian (β line: within 1 %)
    lower = float(locked.lower_edge)
    free = system_c_client_lock(detuning=1.5 * lower)
    assert int(free.locked) == 0
    assert float(free.client_linewidth) == pytest.approx(CLIENT_DBR.linewidth, rel=0.01)


def test_injection_lock_figure(tmp_path):
    from combchip.plotting import plot_frequency_noise, plot_injection_lock

    ds = injection_lock(CLIENT, 10e-6, 0.0, F, MASTER)
    fig = plot_injection_lock(ds)
    np.testing.assert_allclose(fig.axes[0].lines[2].get_ydata(), ds.client_psd.values)
    assert "GHz" in fig.axes[0].lines[3].get_label()
    fig.savefig(tmp_path / "lock.png")
    psd = plot_frequency_noise({"client": ds.client_psd, "master": (F, MASTER)})
    assert len(psd.axes[0].lines) == 2 and "40.8 Hz" in psd.axes[0].lines[1].get_label()
    with pytest.raises(ValueError, match="curves"):
        plot_frequency_noise({})
