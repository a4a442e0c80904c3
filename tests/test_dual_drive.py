"""System A's dual drive: the measured resonances, the aux laser's parking point, and bad inputs."""

import numpy as np
import pytest
from scipy.constants import c

import combchip as cc
from combchip.systems import SYSTEM_A
from combchip.systems.dual_drive import (BREATHER_LEVEL, AuxBalance, aux_park_detuning, backward_scan, comb_span,
                                        dual_drive_balance, dual_drive_scan, park_for_reserve, park_for_zero_pull,
                                        removals, temperature_swing)
from combchip.systems.system_a import system_a_aux, system_a_pump, system_a_pumped_ring
from combchip.units import db_to_ratio


def test_resonances_use_their_own_measured_linewidths_and_the_facet_loss():
    ring, aux = system_a_pumped_ring(), system_a_aux()
    assert ring.linewidth == pytest.approx(SYSTEM_A.pump_resonance_linewidth, rel=1e-12)
    assert aux.linewidth == SYSTEM_A.aux_resonance_linewidth
    # half the two-facet loss: 1.58 W to the fibre → ≈ 0.74 W on chip
    assert aux.power == pytest.approx(SYSTEM_A.aux_power * db_to_ratio(SYSTEM_A.insertion_loss_db / 2), rel=1e-12)
    # CH37 sits 13.04 FSRs below CH51: the nearest resonance is μ = −13
    assert aux.mode == round((c / SYSTEM_A.aux_wavelength - c / SYSTEM_A.pump_wavelength) / SYSTEM_A.fsr) == -13
    assert 0 < aux.coupling < 1


def test_aux_park_point_is_the_blue_half_power_point_of_the_heated_resonance():
    ring, pump, aux = system_a_pumped_ring(), system_a_pump(), system_a_aux()
    norm = cc.normalize(ring, pump)
    thermal = cc.Thermal.si3n4(ring)
    mode, poles = aux.normalized(norm), thermal.poles(norm, aux)
    zeta_b = float(norm.zeta(aux_park_detuning(norm, thermal, aux)))
    power = mode.f**2 / (2 * mode.loss**2)
    x = sum(poles.gains) * poles.aux_weight * power
    # the stationary aux equation f_b² = B[l_b² + (ζ_b + x − B)²] holds there, with δ = −l_b (blue side)
    assert power * (mode.loss**2 + (zeta_b + x - power) ** 2) == pytest.approx(mode.f**2, rel=1e-12)
    assert zeta_b + x - power == pytest.approx(-mode.loss, rel=1e-12)


@pytest.mark.parametrize("kwargs, name", [
    (dict(thermal=False, aux=True), "aux"),
    (dict(rate_hz_per_s=0.0), "rate_hz_per_s"),
    (dict(span_hz=0.0), "span_hz"),
    (dict(hold_s=-1.0), "hold_s"),
    (dict(back_hz=-1e9), "back_hz"),
    (dict(back_rate_hz_per_s=0.0), "back_rate_hz_per_s"),
    (dict(park="cold"), "park"),
    (dict(park=np.nan), "park"),
    (dict(chaos_zeta=12.0), "chaos_zeta"),
    (dict(lead_in_rate_hz_per_s=-1.0), "lead_in_rate_hz_per_s"),
    (dict(bursts=0), "bursts"),
    (dict(absorption_q=0.0), "absorption_q"),
    (dict(park_offset_hz=np.inf), "park_offset_hz"),
    (dict(park=1e9, park_offset_hz=-1e8), "park_offset_hz"),
    (dict(modes=16), "aux.mode"),
])
def test_dual_drive_scan_rejects_bad_inputs_by_name(kwargs, name):
    with pytest.raises(ValueError, match=name):
        dual_drive_scan(**kwargs)


def test_comb_span_of_a_known_spectrum_and_bad_level():
    mu = np.arange(-4, 5)
    freq = 193e12 + 100e9 * mu
    spectrum = np.where(mu == 0, 1.0, 10.0 ** (-np.abs(mu)))[None]  # −10 dB per line away from the pump
    import xarray as xr
    ds = xr.Dataset({"spectrum": (("snapshot", "mu"), spectrum)}, coords={"mu": mu, "frequency": ("mu", freq)})
    # the strongest side lines are μ = ±1; −20 dB keeps |μ| ≤ 3
    assert comb_span(ds, -20.0) == pytest.approx(c / freq[1] - c / freq[-2], rel=1e-12)
    with pytest.raises(ValueError, match="level_db"):
        comb_span(ds, 3.0)


def _system_a():
    ring, pump, aux = system_a_pumped_ring(), system_a_pump(), system_a_aux()
    norm = cc.normalize(ring, pump)
    thermal = cc.Thermal.si3n4(ring)
    return norm, thermal, aux, AuxBalance.of(norm, thermal, aux)


def test_aux_alone_sits_on_its_hot_resonance_where_the_triangle_cubic_says():
    # P = 0: B[l² + (ζ_b + aB)²] = f² (Carmon's cubic with a = Gw − 1); at ζ_b = −a f²/l² the hot branch is
    # exactly on resonance, B = f²/l², with F_B = l² > 0 (stable); 1e-9: cubic root rounding
    norm, thermal, aux, bal = _system_a()
    zeta_b = -bal.a * bal.f2 / bal.loss**2
    ds = dual_drive_balance(0.0, float(norm.detuning_hz(zeta_b)))
    assert ds.aux_intracavity_power.item() == pytest.approx(bal.f2 / bal.loss**2 * aux.power_per_unit(norm), rel=1e-9)
    # T = R_th·a·κ₀_aux·(P_circ/FSR) for the aux's own absorbed power (closed form of the heat model)
    absorbed = thermal.absorption * aux.heat_weight(norm) * norm.ring.kappa0 * ds.aux_intracavity_power.item() / (
        norm.ring.fsr * aux.power_per_unit(norm) / norm.circulating_power_per_unit)
    assert ds.temperature.item() == pytest.approx(thermal.resistance * absorbed, rel=1e-9)


def test_without_aux_heat_follows_r_th_times_absorbed_pump_power():
    # far-detuned aux (B ~ f²/ζ_b² ≈ 1e-12): T = R_th·a·κ₀·P/FSR, the pump shifted by (dν/dT)·T; 1e-6 is B's share
    norm, thermal, aux, bal = _system_a()
    power = np.array([1.0, 10.0, 20.0])
    ds = dual_drive_balance(power, -1e15)
    expected = thermal.resistance * thermal.absorption * norm.ring.kappa0 * power / norm.ring.fsr
    np.testing.assert_allclose(ds.temperature, expected, rtol=1e-6)
    np.testing.assert_allclose(ds.pump_shift, thermal.dfdT * expected, rtol=1e-6)
    np.testing.assert_allclose(ds.flat_fraction, 1.0, atol=1e-6)


@pytest.mark.parametrize("fraction", [0.3, 0.9])
def test_analytic_slopes_match_finite_differences_of_the_steady_state(fraction):
    # dB/dP = −F_P/F_B against a central difference of the solved branch; 1e-5: O(h²) with h = 1e-3 W
    norm, thermal, aux, bal = _system_a()
    park = fraction * park_for_reserve(0.0)
    power, h = 10.0, 1e-3
    ds = dual_drive_balance([power - h, power, power + h], park)
    dT = (ds.temperature[2] - ds.temperature[0]).item() / (2 * h)
    ds_shift = (ds.pump_shift[2] - ds.pump_shift[0]).item() / (2 * h)
    assert ds.dT_dP[1].item() == pytest.approx(dT, rel=1e-5, abs=1e-9)
    assert ds.pump_shift_slope[1].item() == pytest.approx(ds_shift, rel=1e-5)


def test_zero_pull_leaves_exactly_the_xpm_share_of_the_temperature_swing():
    # s = G(P + wB) − 2B unchanged ⇒ ΔB = GΔP/(2 − Gw) ⇒ ΔT/ΔT_no_aux = 2/(2 − Gw), exactly; 1e-8: root finding
    norm, thermal, aux, bal = _system_a()
    high, low = 20.0, 5.0
    park = park_for_zero_pull(high, low)
    ds = dual_drive_balance([low, high], park)
    assert ds.pump_shift[0].item() == pytest.approx(ds.pump_shift[1].item(), abs=1e-8 * norm.kappa)
    bare = dual_drive_balance([low, high], -1e15)
    swing = (ds.temperature[1] - ds.temperature[0]) / (bare.temperature[1] - bare.temperature[0])
    assert swing.item() == pytest.approx(2 / (2 - bal.gain * bal.weight), rel=1e-6)


def test_the_hot_branch_ends_at_the_triangle_tip():
    # park_for_reserve puts the tip at the given pump power: just below it the branch is stable (F_B > 0),
    # just above it no stable hot root is left; and the tip moves to lower detuning as the pump power falls
    norm, thermal, aux, bal = _system_a()
    tip = park_for_reserve(5.0)
    assert np.isfinite(dual_drive_balance(5.0, tip * (1 - 1e-6)).aux_intracavity_power.item())
    assert np.isnan(dual_drive_balance(5.0, tip * (1 + 1e-6)).aux_intracavity_power.item())
    assert np.isfinite(dual_drive_balance(20.0, tip * (1 + 1e-6)).aux_intracavity_power.item())
    assert park_for_reserve(0.0) < tip


@pytest.mark.parametrize("call, name", [
    (lambda: dual_drive_balance(-1.0, 0.0), "pump_power"),
    (lambda: dual_drive_balance(1.0, np.nan), "aux_detuning_hz"),
    (lambda: dual_drive_balance(1.0, 0.0, thermal="hot"), "thermal"),
    (lambda: park_for_reserve(-1.0), "lowest_power"),
    (lambda: park_for_zero_pull(1.0, 2.0), "soliton_power"),
    (lambda: park_for_zero_pull(0.0, 0.0), "chaos_power"),
])
def test_balance_rejects_bad_inputs_by_name(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_equilibrium_start_and_the_count_threshold_at_the_felt_detuning():
    # simulate_comb starts at the given temperature and aux field (first trace sample, before any step has
    # relaxed them: 1e-3 K and 1 % for one block of heat and the aux's first trace interval), and the
    # soliton threshold uses ζ + x − 2B (half a soliton's peak ζ_eff per unit |ψ|²; 1e-9 rounding)
    from combchip.systems.dual_drive import effective_threshold
    norm, thermal, aux, bal = _system_a()
    ring, pump = norm.ring, system_a_pump()
    field = np.sqrt(20.0) * np.exp(0.3j)
    ds = cc.simulate_comb(ring, pump, 3e9, modes=32, duration=2e-9, seed=0, snapshots=4, progress=False,
                          thermal=thermal, aux=system_a_aux(1e9), initial_temperature=0.5, initial_aux_field=field)
    assert ds.temperature[0].item() == pytest.approx(0.5, abs=1e-3)
    assert ds.aux_intracavity_power[0].item() == pytest.approx(20.0, rel=1e-2)
    t = ds.snapshot_time.values
    felt = (3e9 + np.interp(t, ds.time.values, ds.thermal_shift.values)
            - 2 * np.interp(t, ds.time.values, ds.aux_intracavity_power.values) / aux.power_per_unit(norm)
            * norm.kappa / (4 * np.pi))
    expected = np.maximum(norm.zeta(felt), 1.0) * norm.circulating_power_per_unit
    np.testing.assert_allclose(effective_threshold(ds)[:, 0], expected, rtol=1e-9)
    with pytest.raises(ValueError, match="initial_temperature"):
        cc.simulate_comb(ring, pump, 3e9, modes=32, duration=1e-9, progress=False, initial_temperature=1.0)
    with pytest.raises(ValueError, match="initial_aux_field"):
        cc.simulate_comb(ring, pump, 3e9, modes=32, duration=1e-9, progress=False, thermal=thermal,
                         initial_aux_field=1.0)


def _assert_starts_in_balance(ds, power, park, felt_detuning_hz):
    """The run's recorded start is dual_drive_balance's steady state for ``power`` at ``park``: its temperature,
    and the laser offset by the balance's pump shift so that the pump feels ``felt_detuning_hz`` (1e-9: the same
    closed form)."""
    steady = dual_drive_balance(power, park)
    assert ds.attrs["initial_temperature"] == pytest.approx(steady.temperature.item(), rel=1e-9)
    assert ds.attrs["start_detuning"] + steady.pump_shift.item() == pytest.approx(felt_detuning_hz, rel=1e-9)


@pytest.mark.slow
def test_slow_run_starts_from_the_recorded_balance_steady_state():
    # the slow run starts where dual_drive_balance puts heat and aux for the lead-in's chaotic power, with the
    # laser offset so that the pump feels ζ_c (1e-9: the same closed form; 1e-3 K and 1 %: the first trace
    # sample, before one block of heat and the aux's first trace interval relax them). 32 modes form no
    # solitons in the lead-in, hence a hand-set park on the hot branch.
    norm = _system_a()[0]
    park = 0.5 * park_for_reserve(0.0)
    ds = dual_drive_scan(park=park, modes=32, rate_hz_per_s=3e16, lead_in_rate_hz_per_s=3e16, span_hz=2e9, bursts=2)
    _assert_starts_in_balance(ds, ds.attrs["chaos_power"], park, float(norm.detuning_hz(ds.attrs["chaos_zeta"])))
    assert ds.attrs["initial_aux_power"] == pytest.approx(
        dual_drive_balance(ds.attrs["chaos_power"], park).aux_intracavity_power.item(), rel=1e-9)
    assert ds.temperature[0].item() == pytest.approx(ds.attrs["initial_temperature"], abs=1e-3)
    assert ds.aux_intracavity_power[0].item() == pytest.approx(ds.attrs["initial_aux_power"], rel=1e-2)


@pytest.mark.parametrize("fraction", [0.02, 0.3])
def test_fast_aux_response_matches_finite_differences_at_fixed_temperature(fraction):
    # temperature held (x fixed): B[l² + (ζ_b + x − B − 2P)²] = f² solved at P ± h, the root on the same branch;
    # 1e-5: O(h²) with h = 1e-4 in units of |ψ|²
    norm, thermal, aux, bal = _system_a()
    zeta_b, power, h = float(norm.zeta(fraction * park_for_reserve(0.0))), 2.0, 1e-4
    b0 = bal.power(zeta_b, np.array([power]))[0]
    x = bal.gain * (power + bal.weight * b0)

    def frozen(p):
        d = zeta_b + x - 2 * p
        roots = np.roots([1.0, -2 * d, bal.loss**2 + d**2, -bal.f2])
        roots = roots[np.abs(roots.imag) < 1e-9].real
        return roots[np.argmin(np.abs(roots - b0))]

    numeric = (frozen(power + h) - frozen(power - h)) / (2 * h)
    assert bal.fast_response(zeta_b, np.array([power]))[0] == pytest.approx(numeric, rel=1e-5)
    ds = dual_drive_balance(power * norm.circulating_power_per_unit, fraction * park_for_reserve(0.0))
    assert ds.aux_power_slope_fast.item() == pytest.approx(
        numeric * aux.power_per_unit(norm) / norm.circulating_power_per_unit, rel=1e-5)


def test_weaker_absorption_weakens_the_heat_and_raises_the_zero_pull_swing():
    # G ∝ a = Q_i/Q_abs (Thermal.si3n4), so 2/(2 − Gw) rises toward 1 as Q_abs grows; 1e-12: same closed form
    ring, pump, aux = system_a_pumped_ring(), system_a_pump(), system_a_aux()
    norm = cc.normalize(ring, pump)
    weak, strong = (AuxBalance.of(norm, cc.Thermal.si3n4(ring, absorption_q=q), aux) for q in (1e8, 1e7))
    assert strong.gain / weak.gain == pytest.approx(10.0, rel=1e-12)
    high, low = 20.0, 5.0
    for q, bal in ((1e8, weak), (1e7, strong)):
        park = park_for_zero_pull(high, low, thermal=cc.Thermal.si3n4(ring, absorption_q=q))
        ds = dual_drive_balance([low, high], park, thermal=cc.Thermal.si3n4(ring, absorption_q=q))
        assert ds.pump_shift[0].item() == pytest.approx(ds.pump_shift[1].item(), abs=1e-8 * norm.kappa)
    assert 2 / (2 - strong.gain * strong.weight) < 2 / (2 - weak.gain * weak.weight) < 1


@pytest.mark.slow
def test_an_aux_parked_5_hw_blue_of_zero_pull_keeps_solitons_at_the_assumed_absorption_q():
    """At the assumed absorption-limited Q (5e7, :data:`~combchip.comb.thermal.SI3N4_ABSORPTION_Q`, uncited).

    Heat alone pulls the pump G(P_c − P_s) ≈ 24 half-linewidths red at the drop into solitons (thermal-free step
    ≈ 22; heat-only runs keep 7.5). At zero pull the aux's fast XPM kick (−1.1) throws the pump and aux into
    relaxation oscillations that lose every soliton; parked 5 half-linewidths bluer the kick is −0.4 and the slow
    pull +4.7 (the same margin also holds at Q_abs = 1e7, where heat alone would pull ≈ 120).
    """
    ring, pump = system_a_pumped_ring(), system_a_pump()
    norm = cc.normalize(ring, pump)
    half_linewidth = norm.kappa / (4 * np.pi)
    ds = dual_drive_scan(park_offset_hz=-5 * half_linewidth, span_hz=8 * half_linewidth, bursts=16)
    counts = ds.soliton_count.values
    # solitons from the drop to the end of the scan, one number once the heat has settled (the second half)
    assert counts[-1] >= 1 and np.all(counts[len(counts) // 2:] == counts[-1])
    assert ds.count_felt_detuning.values[-1] > float(norm.detuning_hz(ds.attrs["chaos_zeta"] + 8))
    # the temperature drop is the balance's steady-state share of the aux-free drop; 0.2: P_s grows along the
    # step and the first count falls inside the heat's transient
    powers = [ds.attrs["chaos_power"], ds.attrs["soliton_power"]]
    held = dual_drive_balance(powers, ds.attrs["aux_park_detuning"]).temperature.values
    bare = dual_drive_balance(powers, -1e15).temperature.values
    assert temperature_swing(ds) / (bare[0] - bare[1]) == pytest.approx((held[0] - held[1]) / (bare[0] - bare[1]),
                                                                        rel=0.2)


def _slow_breathers(zeta=7.0, d2=0.0138, modes=512, snapshots=16, pulses=4):
    """Four sech pulses √(2ζa)·sech(√(2ζa/d₂)θ) on a 0.6 background whose amplitude a = 1 + 0.75 sin(2πs/128 + φ_j)
    breathes with a period of 128 snapshots, far longer than a count's group of 8: the pulse at φ = −π/2 stays at
    a = 0.25–0.29 through the first group."""
    theta = np.linspace(-np.pi, np.pi, modes, endpoint=False)
    field = np.full((snapshots, modes), 0.6 + 0j)
    for s in range(snapshots):
        for x, phi in list(zip((-2.0, -0.4, 1.0, 2.5), (-np.pi / 2, 0.0, np.pi / 2, np.pi)))[4 - pulses:]:
            a = 1 + 0.75 * np.sin(2 * np.pi * s / 128 + phi)
            field[s] += np.sqrt(2 * zeta * a) / np.cosh(np.sqrt(2 * zeta * a / d2) * np.angle(np.exp(1j * (theta - x))))
    return field


def test_median_count_keeps_a_breather_in_its_low_phase():
    zeta, field = 7.0, _slow_breathers()
    # the low breather peaks at (0.6 + √(2ζa))² ≈ 6.1–6.6 < ζ in every snapshot of the first group: below half the
    # stationary peak, so the aligned average misses it ...
    assert cc.count_solitons(field, threshold=zeta, window=8)[0] == 3
    # ... while each snapshot, counted at a quarter of the stationary peak (0.5ζ = 3.5, far above the 0.6² background),
    # holds all four
    level = 2 * BREATHER_LEVEL * zeta
    np.testing.assert_array_equal(cc.count_solitons(field, threshold=level, window=8, statistic="median"), [4, 4])
    # the upper median of an even group: four snapshots with 3 and four with 4 count 4
    mixed = np.concatenate([_slow_breathers(pulses=3)[:4], field[4:8]])
    assert cc.count_solitons(mixed, threshold=level, window=8, statistic="median")[0] == 4
    with pytest.raises(ValueError, match="statistic"):
        cc.count_solitons(field, window=8, statistic="mode")


def test_a_lost_soliton_moves_the_felt_detuning_red_with_heat_alone_and_blue_at_the_default_aux_park():
    # One soliton fewer lowers the mean power by ΔP₁ = √(2ζd₂)/π (|ψ|² units; Herr et al. 2014). With heat alone the
    # ring cools by R_th·a·κ₀·ΔP/FSR and the pump feels ζ + (−dν/dT)·ΔT: red, ≈ +1 half-linewidth at ζ = 7–10, which
    # holds the survivors (Guo et al., Nat. Phys. 13, 94 (2017)). The aux parked 5 half-linewidths blue of zero pull
    # (P_c = 11 W, P_s = 5 W, as the 512-mode lead-in gives) takes up the heat and over-compensates: the jump turns
    # blue, both at once (aux XPM at fixed temperature) and after τ_T; 20 half-linewidths bluer the heat's sign is back.
    norm, thermal, aux, bal = _system_a()
    half = norm.kappa / (4 * np.pi)
    power, zeta = 5.0, 7.0
    step = np.sqrt(2 * zeta * norm.d2) / np.pi * norm.circulating_power_per_unit  # [W]
    closed = -thermal.dfdT * thermal.resistance * thermal.absorption * norm.ring.kappa0 * step / norm.ring.fsr
    bare = dual_drive_balance(power, -1e15)
    assert -bare.pump_shift_slope.item() * step == pytest.approx(closed, rel=1e-6)  # 1e-6: the far aux's share
    assert 0.8 < closed / half < 1.0
    zero_pull = park_for_zero_pull(11.0, 5.0)
    held = dual_drive_balance(power, zero_pull - 5 * half)
    slow = -held.pump_shift_slope.item() * step
    # XPM: the pump feels −2B (|b|² units); at fixed temperature the lost ΔP raises B by (dB/dP)·ΔP
    fast = 2 * held.aux_power_slope_fast.item() * step / aux.power_per_unit(norm) * half
    assert slow < 0 and fast < 0
    blue = dual_drive_balance(power, zero_pull - 20 * half)
    assert -blue.pump_shift_slope.item() * step > 0.5 * closed


def test_removals_list_every_change_of_the_count():
    import xarray as xr
    counts = np.array([5, 5, 4, 4, 2, 2, 1])
    ds = xr.Dataset({"soliton_count": ("count", counts), "count_felt_detuning": ("count", np.arange(7.0)),
                     "count_temperature": ("count", np.linspace(0.3, 0.2, 7))},
                    coords={"count_time": ("count", np.arange(7) * 1e-6)}, attrs={"kappa": 1e9})
    table = removals(ds)
    np.testing.assert_array_equal(table.lost, [1, 2, 1])
    np.testing.assert_array_equal(table.after, [4, 2, 1])
    np.testing.assert_allclose(table.felt_detuning, [2.0, 4.0, 6.0])


def test_plot_backward_scan_draws_count_felt_detuning_and_temperature():
    import xarray as xr
    from combchip.plotting import plot_backward_scan
    kappa = 2 * np.pi * 1e8
    ds = xr.Dataset({"soliton_count": ("count", [3, 2, 1]), "count_felt_detuning": ("count", [7e8, 6e8, 5e8]),
                     "count_temperature": ("count", [0.3, 0.25, 0.2])},
                    coords={"count_time": ("count", [1e-6, 2e-6, 3e-6])}, attrs={"kappa": kappa})
    fig = plot_backward_scan({"heat only": ds})
    counts, felt, temperature = (ax.lines[0] for ax in fig.axes)
    np.testing.assert_allclose(counts.get_ydata(), [3, 2, 1])
    np.testing.assert_allclose(felt.get_ydata(), 4 * np.pi * np.array([7e8, 6e8, 5e8]) / kappa)  # ζ_eff
    np.testing.assert_allclose(temperature.get_xdata(), [1.0, 2.0, 3.0])  # µs


@pytest.mark.parametrize("kwargs, name", [
    (dict(stop_zeta=11.0), "stop_zeta"),
    (dict(stop_zeta=np.nan), "stop_zeta"),
    (dict(rate_hz_per_s=0.0), "rate_hz_per_s"),
    (dict(park="cold"), "park"),
    (dict(park=1e9, park_offset_hz=-1e8), "park_offset_hz"),
    (dict(bursts=0), "bursts"),
    (dict(modes=16), "aux.mode"),
])
def test_backward_scan_rejects_bad_inputs_by_name(kwargs, name):
    with pytest.raises(ValueError, match=name):
        backward_scan(**kwargs)


@pytest.mark.slow
def test_backward_scan_starts_at_the_probe_detuning_in_the_balance_steady_state():
    # the slow run starts where dual_drive_balance puts heat and aux for the lead-in's soliton power, the laser offset
    # so that the pump feels ζ₀ = PROBE_ZETA (1e-9: the same closed form), and the scan ends (stop_zeta − ζ₀)
    # half-linewidths bluer. 32 modes form no solitons, hence a hand-set park on the hot branch.
    from combchip.systems.dual_drive import PROBE_ZETA
    norm = _system_a()[0]
    park = 0.5 * park_for_reserve(0.0)
    ds = backward_scan(park=park, modes=32, rate_hz_per_s=3e15, lead_in_rate_hz_per_s=3e16, stop_zeta=8.0, bursts=2)
    _assert_starts_in_balance(ds, ds.attrs["soliton_power"], park, float(norm.detuning_hz(PROBE_ZETA)))
    assert ds.count_detuning.values[-1] - ds.attrs["start_detuning"] == pytest.approx(
        float(norm.detuning_hz(8.0 - PROBE_ZETA)), rel=1e-9)
    assert removals(ds).sizes["removal"] == 0  # no solitons at 32 modes: nothing to remove
