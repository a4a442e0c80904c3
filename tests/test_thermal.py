"""Heat and the counter-propagating auxiliary pump: thermal triangle, multirate convergence, XPM and shared heat."""

import numpy as np
import pytest
from scipy.constants import c, hbar
from scipy.optimize import brentq

import combchip as cc
from combchip.comb.detuning import DetuningSchedule, wavelength_rate_to_hz
from combchip.solvers import AuxMode, HeatPoles, LLESolver, Schedule, cw_branch

MODES = np.zeros(8)  # below the MI threshold the field stays CW: 8 modes carry it


def thermal_fold(f2, gain, upper=True):
    """ζ where the thermo-Kerr CW branch folds: (1+G)f² = ρ'[1 + (ζ − ρ')²], ρ' = (1+G)ρ, at ρ'_± = (2ζ ± √(ζ²−3))/3."""
    fp = (1 + gain) * f2
    sign = 1 if upper else -1
    return brentq(lambda z: (r := (2 * z + sign * np.sqrt(z * z - 3)) / 3) * (1 + (z - r) ** 2) - fp, np.sqrt(3) + 1e-9, 100)


@pytest.mark.slow
def test_thermal_triangle_drops_at_the_fold_backward_scan_has_none_and_width_scales_with_power():
    gain, kt, duration = 15.0, 100.0, 6000.0
    f2 = np.array([0.8, 0.5, 0.8])
    schedules = [Schedule.ramp(0, 16, duration), Schedule.ramp(0, 16, duration), Schedule.ramp(16, 0, duration)]
    run = LLESolver(MODES, dt=0.04).run(np.sqrt(f2), schedules, duration, thermal=HeatPoles((1 / kt,), (-gain,)),
                                        trace_every=25, slow_every=50, progress=False)
    drops = []
    for k in (0, 1):
        power, zeta = run.mean_power[k], run.zeta[k]
        top = np.argmax(power)
        assert power[top] == pytest.approx(f2[k], rel=1e-3)  # the forward scan rides the tilted resonance to its peak
        drops.append(zeta[top + np.argmax(power[top:] < 0.5 * power[top])])
        predicted = thermal_fold(f2[k], gain)
        # a slow passage through a fold drops late, never early; 4 % bounds the delay at a scan of 0.27 linewidths per τ_T
        assert predicted < drops[-1] < 1.04 * predicted
    # width ∝ power: ζ_drop ≈ (1+G)f²; the two delays differ by < 2 %
    assert drops[0] / drops[1] == pytest.approx(thermal_fold(0.8, gain) / thermal_fold(0.5, gain), rel=0.02)
    power, zeta = run.mean_power[2], run.zeta[2]
    jump = thermal_fold(0.8, gain, upper=False)
    # backward: the lower branch (ρ < 0.1 here) up to the lower fold, then the jump; no triangle on the red side
    assert np.all(power[zeta > jump + 0.5] < 0.15)
    assert jump - 1.0 < zeta[np.argmax(power > 0.2)] < jump


def relaxation(kt, zeta=2.5, f2=0.8, gain=-3.0, periods=1.5, dt=0.04):
    duration = periods * kt
    run = LLESolver(MODES, dt=dt).run(np.sqrt(f2), Schedule.constant(zeta), duration,
                                      thermal=HeatPoles((1 / kt,), (gain,)), trace_every=max(1, int(duration / dt / 300)),
                                      progress=False)
    return np.interp(np.linspace(0, periods, 61), run.trace_tau / kt, run.thermal_shift[0])


@pytest.mark.slow
def test_multirate_heat_converges_as_kappa_tau_grows():
    x2, x3, x4 = (relaxation(kt) for kt in (1e2, 1e3, 1e4))
    e2, e3 = np.max(np.abs(x2 - x4)), np.max(np.abs(x3 - x4))
    # the field follows the heat adiabatically up to O(1/(κτ_T/2)): the distance to 10⁴ shrinks ≈ 11× per decade
    assert e3 < e2 / 5, (e2, e3)
    # heating pulls the resonance towards the pump: x runs from 0 towards −3ρ(2.5 + x), below its start
    assert -3.0 * 0.8 < x4[-1] < 0.5 * -3.0 * np.nanmax(cw_branch(0.8, 2.5))


def test_temperature_in_si_units_reaches_r_times_absorbed_power():
    ring = cc.Ring(wavelength=1550e-9, fsr=100e9, kappa0=6e8, kappa_ex=6e8, d2=2 * np.pi * 1e6)
    pump = cc.Laser(1550e-9, 0.01)
    thermal = cc.Thermal(time_constant=20e-9, resistance=500.0, dfdT=-2.3e9, absorption=0.3)
    ds = cc.simulate_comb(ring, pump, detuning=0.3 * ring.linewidth, modes=8, duration=300e-9, thermal=thermal,
                          noise=False, progress=False, snapshots=1)
    absorbed = thermal.absorption * ring.kappa0 * ds.intracavity_power[-1] / ring.fsr
    # after 15 τ_T the pole has settled to e⁻¹⁵; 10⁻³ covers the block lag (r·Δτ ≤ 10⁻³)
    assert float(ds.temperature[-1]) == pytest.approx(thermal.resistance * float(absorbed), rel=1e-3)
    assert float(ds.thermal_shift[-1]) == pytest.approx(thermal.dfdT * float(ds.temperature[-1]), rel=1e-12)
    assert ds.temperature.attrs["units"] == "K" and ds.thermal_shift.attrs["units"] == "Hz"
    assert cc.inputs_from(ds)["thermal"] == thermal


def test_aux_mode_couples_by_xpm_and_shared_heat():
    f2, zeta, fb2, loss, zeta_b, gain, weight = 1.5, 1.0, 2.0, 1.2, 0.5, -0.5, 0.8
    aux = AuxMode(f=np.sqrt(fb2), loss=loss, schedule=Schedule.constant(zeta_b))
    run = LLESolver(MODES, dt=0.01).run(np.sqrt(f2), Schedule.constant(zeta), 120.0, aux=aux, progress=False,
                                        thermal=HeatPoles((1 / 5.0,), (gain,), aux_weight=weight), slow_every=1)
    rho, power_b, x = run.mean_power[0, -1], run.aux_power[0, -1], run.thermal_shift[0, -1]
    assert power_b > 0.3 and abs(x) > 0.3  # both couplings matter at this point
    # stationary equations: f² = ρ[1 + (ζ + x − ρ − 2B)²], f_b² = B[l_b² + (ζ_b + x − B − 2ρ)²], x = g(ρ + wB);
    # the O(h²) splitting error at h = 0.01 is ~10⁻⁴
    assert rho * (1 + (zeta + x - rho - 2 * power_b) ** 2) == pytest.approx(f2, rel=1e-3)
    assert power_b * (loss**2 + (zeta_b + x - power_b - 2 * rho) ** 2) == pytest.approx(fb2, rel=1e-3)
    assert x == pytest.approx(gain * (rho + weight * power_b), rel=1e-3)


def test_aux_laser_in_simulate_comb_reports_its_power():
    ring = cc.Ring(wavelength=1550e-9, fsr=100e9, kappa0=6e8, kappa_ex=6e8, d2=2 * np.pi * 1e6)
    aux = cc.AuxLaser(power=0.02, mode=-3, detuning=0.0)
    ds = cc.simulate_comb(ring, cc.Laser(1550e-9, 0.0), detuning=0.0, modes=8, duration=40e-9, aux=aux, noise=False,
                          progress=False, snapshots=1)
    # alone on resonance it obeys the Kerr CW cubic f_b² = B[1 + B²], B = 2g·N_photons/κ, P_circ = ħω·N·FSR
    omega = 2 * np.pi * float(ring.resonance_frequencies(-3))
    fb2 = 8 * ring.g0 * ring.kappa_ex * aux.power / (ring.kappa**3 * hbar * omega)
    expected = float(np.nanmax(cw_branch(fb2, 0.0))) * ring.kappa / (2 * ring.g0) * hbar * omega * ring.fsr
    assert fb2 > 0.3  # the Kerr shift matters
    # 40 ns = 20 photon lifetimes settle to e⁻²⁰; the O(h²) splitting leaves < 10⁻⁴
    assert float(ds.aux_intracavity_power[-1]) == pytest.approx(expected, rel=1e-3)
    assert float(ds.intracavity_power[-1]) == 0.0
    assert ds.aux_intracavity_power.attrs["units"] == "W"


def test_si3n4_defaults_are_in_the_measured_ranges():
    ring = cc.Ring.from_loaded_q(1550e-9, 100e9, 1e6, n_g=2.1, a_eff=1.28e-12)
    thermal = cc.Thermal.si3n4(ring)
    assert -3e9 < thermal.dfdT < -1.5e9  # Si₃N₄ rings tune by ≈ 15–25 pm/K near 1550 nm
    assert 1e-7 < thermal.time_constant < 1e-4 and 10 < thermal.resistance < 1e4
    assert 0 < thermal.absorption < 1


def test_assumed_absorption_q_implies_the_stated_absorption_of_system_a():
    # SI3N4_ABSORPTION_Q is an assumption; its docstring states what it implies for system A's pumped resonance:
    # a = Q_i/Q_abs ≈ 0.044 and κ_abs/2π = ν/Q_abs ≈ 3.9 MHz, i.e. a·κ₀ (2 % rounding of the stated digits)
    from combchip.comb.thermal import SI3N4_ABSORPTION_Q
    from combchip.systems import system_a_pumped_ring

    ring = system_a_pumped_ring()
    thermal = cc.Thermal.si3n4(ring)
    assert thermal.absorption == pytest.approx(ring.q_i / SI3N4_ABSORPTION_Q, rel=1e-12)
    assert thermal.absorption == pytest.approx(0.044, rel=0.02)
    assert thermal.absorption * ring.kappa0 / (2 * np.pi) == pytest.approx(3.9e6, rel=0.02)
    assert thermal.absorption * ring.kappa0 == pytest.approx(ring.omega0 / SI3N4_ABSORPTION_Q, rel=1e-9)


def test_scans_in_physical_units():
    rate = wavelength_rate_to_hz(1e-9, 1550e-9)  # 1 nm/s
    assert rate == pytest.approx(c / 1550e-9**2 * 1e-9, rel=1e-12)
    scan = DetuningSchedule.scan(-1e9, 2e9, 3e12).hold(1e-6).scan_to(1e9, 1e12)  # 3 GHz/ms forward, stop, back
    assert scan.time == pytest.approx((0.0, 1e-3, 1e-3 + 1e-6, 2e-3 + 1e-6))
    assert scan.detuning == (-1e9, 2e9, 2e9, 1e9)


@pytest.mark.parametrize(
    "build, name",
    [
        (lambda: cc.Thermal(time_constant=0.0, resistance=1.0, dfdT=-1e9, absorption=0.1), "time_constant"),
        (lambda: cc.Thermal(time_constant=-1e-6, resistance=1.0, dfdT=-1e9, absorption=0.1), "time_constant"),
        (lambda: cc.Thermal(time_constant=1e-6, resistance=1.0, dfdT=-1e9, absorption=1.5), "absorption"),
        (lambda: cc.AuxLaser(power=0.1, mode=0), "mode"),
        (lambda: cc.AuxLaser(power=-0.1, mode=3), "power"),
        (lambda: DetuningSchedule.scan(0.0, 1e9, 0.0), "rate_hz_per_s"),
        (lambda: HeatPoles((0.0,), (1.0,)), "rates"),
        (lambda: AuxMode(1.0, 0.0, Schedule.constant(0.0)), "loss"),
    ],
)
def test_bad_inputs_are_rejected_by_name(build, name):
    with pytest.raises(ValueError, match=name):
        build()


def test_simulate_comb_rejects_aux_outside_the_modes_and_bad_models():
    ring = cc.Ring(wavelength=1550e-9, fsr=100e9, kappa0=6e8, kappa_ex=6e8)
    pump = cc.Laser(1550e-9, 0.01)
    with pytest.raises(ValueError, match="aux.mode"):
        cc.simulate_comb(ring, pump, 0.0, modes=8, duration=1e-9, aux=cc.AuxLaser(0.1, mode=9), progress=False)
    with pytest.raises(ValueError, match="thermal"):
        cc.simulate_comb(ring, pump, 0.0, modes=8, duration=1e-9, thermal="hot", progress=False)


def test_a_run_from_a_slow_steady_state_repeats_from_its_saved_inputs(tmp_path):
    # initial temperature and aux field are inputs: saved in attrs, reloaded by inputs_from, run again bit for bit
    ring = cc.Ring(wavelength=1550e-9, fsr=100e9, kappa0=6e8, kappa_ex=6e8, d2=2 * np.pi * 1e6)
    pump = cc.Laser(1550e-9, 0.01)
    thermal = cc.Thermal(time_constant=20e-9, resistance=500.0, dfdT=-2.3e9, absorption=0.3)
    aux = cc.AuxLaser(power=0.005, mode=2, detuning=0.2 * ring.linewidth)
    ds = cc.simulate_comb(ring, pump, detuning=0.3 * ring.linewidth, modes=8, duration=20e-9, thermal=thermal,
                          aux=aux, initial_temperature=0.05, initial_aux_field=0.3 + 0.1j, progress=False,
                          snapshots=1, seed=1)
    cc.save(ds, tmp_path / "run.nc")
    inputs = cc.inputs_from(cc.load(tmp_path / "run.nc"))
    assert inputs["initial_temperature"] == 0.05 and inputs["initial_aux_field"] == 0.3 + 0.1j
    again = cc.simulate_comb(**inputs)
    np.testing.assert_array_equal(again.field.values, ds.field.values)
    assert float(ds.temperature[0]) == pytest.approx(0.05, rel=0.05)  # starts at the given state
