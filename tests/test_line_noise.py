"""Comb-line frequency noise (elastic tape), linewidths from a PSD, and the resolved-linewidth rule of comb_lines."""

import math

import numpy as np
import pytest
import xarray as xr
from scipy.signal import lfilter

import combchip as cc
from combchip.comb.line_noise import (PumpFrequencyNoise, ThermalFrequencyNoise, beta_linewidth, intrinsic_linewidth,
                                      line_frequency_noise, lineshape_linewidth, phase_variance)
from combchip.comb.lines import comb_lines, line_table
from combchip.comb.reprate import TemperatureNoise
from combchip.schema import COMB_LINES, validate
from combchip.systems.system_a import system_a_pump, system_a_ring

FREQUENCY = np.logspace(0, 10, 1000)   # 1 Hz cut-off (1 s observation) to 10 GHz


def test_white_noise_gives_the_lorentzian_linewidth_three_ways():
    h0 = 1e4
    psd = np.full(FREQUENCY.size, h0)
    assert intrinsic_linewidth(h0) == pytest.approx(math.pi * h0, rel=1e-15)
    # β line crosses at f_c = π²h₀/(8 ln2): A = h₀(f_c − f_min), FWHM = π·h₀·√(1 − f_min/f_c) (exact on any grid)
    crossing = math.pi**2 * h0 / (8 * math.log(2))
    assert beta_linewidth(FREQUENCY, psd) == pytest.approx(math.pi * h0 * math.sqrt(1 - FREQUENCY[0] / crossing), rel=1e-9)
    # σ²_φ(τ) = 2π²h₀τ (the grid's ends change it by ~f_min·τ and 1/(f_max·τ)) and the lineshape is a Lorentzian
    # of FWHM π·h₀ (the 1 Hz cut-off moves σ²_φ by < 10⁻³ over the first 1/e of the field autocorrelation)
    assert phase_variance(FREQUENCY, psd, 1e-6)[0] == pytest.approx(2 * math.pi**2 * h0 * 1e-6, rel=1e-2)
    assert lineshape_linewidth(FREQUENCY, psd) == pytest.approx(math.pi * h0, rel=1e-3)


@pytest.mark.parametrize("flicker", [1e8, 1e10, 1e12])
def test_beta_line_approximates_the_flicker_lineshape(flicker):
    f = np.logspace(3, 10, 400)
    beta = beta_linewidth(f, flicker / f)
    direct = lineshape_linewidth(f, flicker / f)
    # Di Domenico et al. (2010), Fig. 4: the β-line FWHM is within ≈ 10 % of the 1/f lineshape's (here 5–7 % low)
    assert beta == pytest.approx(direct, rel=0.1)
    assert beta < direct


def test_elastic_tape_maps_each_source_through_its_fixed_point():
    pump = PumpFrequencyNoise(white=1e3, flicker=1e7)
    mu = np.array([-50, 0, 50])
    ds = line_frequency_noise(pump, mu, FREQUENCY)
    # a₀ = 1, a_r = 0: every line inherits the pump noise one to one, the fixed point is at infinity
    np.testing.assert_allclose(ds.total_psd.values, np.broadcast_to(1e3 + 1e7 / FREQUENCY, (3, FREQUENCY.size)))
    assert np.isinf(ds.fixed_point.item())
    np.testing.assert_allclose(ds.intrinsic_linewidth, math.pi * 1e3)
    # thermal driver, free-running pump: fixed point at the pump, S_ν ∝ μ², nothing on the pump line
    env = TemperatureNoise(drift=1e-3, white=1e-5)
    thermal = ThermalFrequencyNoise.environment(env, pump_coefficient=0.0, rep_rate_coefficient=-2.5e6)
    both = line_frequency_noise([pump, thermal], mu, FREQUENCY)
    assert both.fixed_point.sel(source="environment").item() == 0.0
    np.testing.assert_allclose(both.psd.sel(source="environment", mu=0), 0.0)
    s_t = env.drift**2 / (2 * np.pi**2 * FREQUENCY**2) + env.white**2
    np.testing.assert_allclose(both.psd.sel(source="environment", mu=50), (50 * 2.5e6) ** 2 * s_t, rtol=1e-12)
    np.testing.assert_allclose(both.total_psd, both.psd.sum("source"))
    np.testing.assert_allclose(both.intrinsic_linewidth.sel(mu=-50),
                               math.pi * (1e3 + (50 * 2.5e6 * env.white) ** 2), rtol=1e-12)
    # a pump that follows the resonance: δν_μ = (a₀ + μ a_r)δT vanishes at μ_fix = −a₀/a_r
    follow = ThermalFrequencyNoise.environment(env, pump_coefficient=-2.5e9, rep_rate_coefficient=-2.5e6)
    tape = line_frequency_noise(follow, [-1000, -999], FREQUENCY)
    assert tape.fixed_point.item() == -1000.0
    np.testing.assert_allclose(tape.total_psd.sel(mu=-1000), 0.0, atol=1e-30)
    assert validate_units(tape)
    # a thermal low pass to the ring: the corner halves the environment PSD and removes its white floor
    slow = ThermalFrequencyNoise.environment(env, 0.0, 1.0, cutoff=10.0)
    assert slow.driver_psd([10.0, 20.0])[0] == pytest.approx(0.5 * (env.drift**2 / (200 * np.pi**2) + env.white**2))
    assert slow.white_level == 0.0


def validate_units(ds: xr.Dataset) -> bool:
    return all("units" in v.attrs and "long_name" in v.attrs for v in ds.variables.values())


def test_thermorefractive_single_pole_keeps_the_thermodynamic_variance():
    trn = ThermalFrequencyNoise.thermorefractive(temperature=300.0, mode_volume=1e-14, density=3290.0,
                                                 heat_capacity=800.0, time_constant=1e-5, pump_coefficient=0.0,
                                                 rep_rate_coefficient=1.0)
    f = np.logspace(-1, 10, 20000)
    variance = 1.380649e-23 * 300.0**2 / (3290.0 * 800.0 * 1e-14)
    # ∫ S_T df over all f = k_B T²/(ρ C V) (Landau–Lifshitz); the grid misses < 1e-5 of it at either end
    assert np.trapezoid(trn.driver_psd(f), f) == pytest.approx(variance, rel=1e-3)
    assert trn.white_level == 0.0


@pytest.mark.parametrize("call, name", [
    (lambda: PumpFrequencyNoise(white=-1.0), "white"),
    (lambda: PumpFrequencyNoise(white=1.0, flicker=np.nan), "flicker"),
    (lambda: PumpFrequencyNoise(white=1.0, rep_rate_coupling=2.0), "rep_rate_coupling"),
    (lambda: ThermalFrequencyNoise.thermorefractive(300.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0), "mode_volume"),
    (lambda: ThermalFrequencyNoise.environment("hot", 0.0, 1.0), "noise"),
    (lambda: ThermalFrequencyNoise.environment(TemperatureNoise(1e-3, 0.0), 0.0, 1.0, cutoff=0.0), "cutoff"),
    (lambda: line_frequency_noise([], [0], FREQUENCY), "sources"),
    (lambda: line_frequency_noise(PumpFrequencyNoise(1.0), [0.5], FREQUENCY), "mu"),
    (lambda: line_frequency_noise(PumpFrequencyNoise(1.0), [0], [1.0, 0.5]), "frequency"),
    (lambda: beta_linewidth(FREQUENCY, -np.ones(FREQUENCY.size)), "psd"),
    (lambda: intrinsic_linewidth(-1.0), "white_level"),
    (lambda: lineshape_linewidth(np.array([1e3, 1e4]), np.array([1e-9, 1e-9])), "carrier"),
    (lambda: line_table([0], [193e12], [1e-3], [30.0], [-1.0]), "linewidth"),
    (lambda: line_table([0], [193e12], [1e-3], [30.0], [1e5], linewidth_status=["measured"]), "linewidth_status"),
])
def test_bad_inputs_are_rejected(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# ---- comb_lines: a linewidth only where the run resolves it --------------------------------------------------

N = 16


def _lines_run(spacing, snapshots, tau_c, seed=0, pump_linewidth=0.0):
    """A simulate_comb-like Dataset: steady lines μ = −1, 0, 1 and a Lorentzian line μ = 5 of coherence time τ_c
    (complex Ornstein–Uhlenbeck, exact AR(1): |g⁽¹⁾(s)| = e^{−|s|/τ_c}, FWHM 1/(πτ_c))."""
    rng = np.random.default_rng(seed)
    rho = math.exp(-spacing / tau_c)
    noise = (rng.standard_normal(snapshots) + 1j * rng.standard_normal(snapshots)) / math.sqrt(2)
    line = lfilter([math.sqrt(1 - rho**2)], [1, -rho], noise)
    line += rho ** np.arange(snapshots) * noise[0] * (1 - math.sqrt(1 - rho**2))  # start in equilibrium
    coeff = np.zeros((snapshots, N), complex)
    coeff[:, 0], coeff[:, 1], coeff[:, -1] = 1.0, 0.5, 0.5
    coeff[:, 5] = 1e-3 * line
    field = np.fft.ifft(coeff, axis=-1) * N
    mu = np.arange(-N // 2, N // 2)
    spectrum = np.abs(coeff[:, mu % N]) ** 2
    time = np.arange(snapshots) * spacing
    return xr.Dataset({"field": (("snapshot", "theta"), field), "spectrum": (("snapshot", "mu"), spectrum),
                       "snapshot_time": ("snapshot", time), "snapshot_detuning": ("snapshot", np.zeros(snapshots))},
                      coords={"mu": mu, "frequency": ("mu", 193e12 + 1e11 * mu)},
                      attrs={"ring_fsr": 1e11, "pump_linewidth": pump_linewidth, "dt": 0.0})


def test_comb_lines_resolves_a_lorentzian_line_and_flags_the_rest():
    tau_c = 1e-9
    resolved = [comb_lines(_lines_run(0.1 * tau_c, 4001, tau_c, seed), snapshots=slice(None), floor_db=-120)
                .sel(mu=5) for seed in range(4)]
    assert all(r.linewidth_status.item() == "resolved" for r in resolved)
    # 400 τ_c of record: the fitted 1/(πτ_c) scatters by ≈ 4 % (measured over 8 seeds); 15 % is > 3σ
    for r in resolved:
        assert r.linewidth.item() == pytest.approx(1 / (math.pi * tau_c), rel=0.15)
    coarse = comb_lines(_lines_run(10 * tau_c, 101, tau_c), snapshots=slice(None), floor_db=-120)
    assert coarse.linewidth_status.sel(mu=5).item() == "below_resolution"
    assert np.isnan(coarse.linewidth.sel(mu=5).item())
    short = comb_lines(_lines_run(1e-3 * tau_c, 41, tau_c), snapshots=slice(None), floor_db=-120)
    assert short.linewidth_status.sel(mu=5).item() == "above_span" and np.isnan(short.linewidth.sel(mu=5).item())
    # the steady lines keep the pump's linewidth when the run has one, never 0 Hz
    assert short.linewidth_status.sel(mu=1).item() == "above_span"
    inherited = comb_lines(_lines_run(1e-3 * tau_c, 41, tau_c, pump_linewidth=5e4), snapshots=slice(None),
                           floor_db=-120)
    assert inherited.linewidth_status.sel(mu=1).item() == "from_pump" and inherited.linewidth.sel(mu=1).item() == 5e4
    assert validate(inherited, COMB_LINES).linewidth_status.attrs["units"] == "1"
    bounded = _lines_run(1e-3 * tau_c, 41, tau_c, pump_linewidth=5e4)
    bounded.attrs["pump_linewidth_is_bound"] = 1  # an upper bound on the pump's linewidth stays marked as one
    bound = comb_lines(bounded, snapshots=slice(None), floor_db=-120)
    assert bound.linewidth_status.sel(mu=1).item() == "from_pump_bound" and bound.linewidth.sel(mu=1).item() == 5e4
    single = comb_lines(_lines_run(1e-10, 4, tau_c), snapshots=[0])
    assert set(single.linewidth_status.values) == {"unmeasured"} and bool(np.isnan(single.linewidth).all())


@pytest.mark.slow  # three 21-snapshot LLE holds of system A's ring in MI chaos (≈ 3 s)
def test_chaotic_linewidth_no_longer_scales_with_the_snapshot_spacing():
    ring, pump = system_a_ring(), system_a_pump()
    norm = cc.normalize(ring, pump)
    start = float(norm.time_s(300.0))
    values, statuses = {}, {}
    for spacing in (10e-9, 1e-9, 0.1e-9):
        times = list(start + np.arange(21) * spacing)
        ds = cc.simulate_comb(ring, pump, float(norm.detuning_hz(3.0)), modes=512, duration=times[-1], snapshots=times,
                              seed=1, progress=False)
        for snapshots in (slice(-5, None), slice(None)):
            lines = comb_lines(ds, snapshots=snapshots).sel(mu=np.arange(1, 21))
            status = lines.linewidth_status.values
            assert set(status) <= {"resolved", "below_resolution", "above_span"}  # no pump linewidth: never from_pump
            assert np.all(np.isnan(lines.linewidth.values[status != "resolved"]))
            values[spacing, snapshots.start] = lines.linewidth.values[status == "resolved"]
            statuses.setdefault(spacing, set()).update(status)
    # 10 ns and 1 ns sample slower than the chaos decorrelates: no number (was 23 and 234 MHz)
    assert all(v.size == 0 for (spacing, _), v in values.items() if spacing >= 1e-9)
    assert all(statuses[spacing] == {"below_resolution"} for spacing in (10e-9, 1e-9))
    # 0.1 ns over 2 ns resolves the sub-ns decorrelation of some of the lines μ = 1…20 (which ones varies with the
    # chaotic trajectory: 2–3 of 8 in seeds 1–3); the last five snapshots (0.4 ns) cannot (τ_c ≤ span/4 = 0.1 ns < 2Δt)
    assert values[0.1e-9, None].size >= 1 and values[0.1e-9, -5].size == 0


# ---- seeded pump noise and the stochastic check of the elastic tape -------------------------------------------

from combchip.comb.line_noise import frequency_noise_psd, line_frequency_fluctuations  # noqa: E402
from combchip.comb.pump_noise import noisy_detuning, pump_frequency_trace  # noqa: E402


def test_pump_trace_has_the_requested_white_plus_flicker_psd_and_is_seeded():
    noise = PumpFrequencyNoise(white=1e6, flicker=1e12)
    trace = pump_frequency_trace(noise, 2e-3, 1e-8, seed=[4, 5])
    psd = frequency_noise_psd(trace, segment=2**14)
    # 2 runs × 23 half-overlapping Hann segments of 6.1 kHz resolution: the 1e5–2e5 Hz band holds 16 bins, ≈ 4 %
    # statistical error (the higher bands far less); 10 % is 2.5σ
    for low, high in ((1e5, 2e5), (1e6, 2e6), (1e7, 2e7)):
        band = psd.psd.sel(frequency=slice(low, high))
        expected = (noise.white + noise.flicker / band.frequency).mean()
        assert float(band.mean()) == pytest.approx(float(expected), rel=0.1)
    # φ_p is the trapezoid integral of the linear-between-samples δν_p
    np.testing.assert_allclose(np.diff(trace.phase.values[0]),
                               np.pi * 1e-8 * (trace.frequency_offset.values[0, 1:] + trace.frequency_offset.values[0, :-1]))
    alone = pump_frequency_trace(noise, 2e-3, 1e-8, seed=5)
    np.testing.assert_array_equal(alone.frequency_offset.values, trace.frequency_offset.values[1])
    schedule = noisy_detuning(alone, 3e8)
    np.testing.assert_allclose(schedule(alone.time.values), 3e8 - alone.frequency_offset.values)


def _tape_ring():
    """100 GHz ring, κ/2π = 100 MHz, D₂/2π = 10 MHz (d₂ = 0.2) and D₃/2π = 0.35 MHz: the soliton's recoil from
    its dispersive wave (μ ≈ −86, inside 128 modes without aliasing) makes its rep rate depend on the detuning."""
    ring = cc.Ring(1550e-9, 100e9, 2 * np.pi * 50e6, 2 * np.pi * 50e6, d2=2 * np.pi * 10e6, d3=2 * np.pi * 0.35e6)
    unit = cc.normalize(ring, cc.Laser(1550e-9, 1.0))
    pump = cc.Laser(1550e-9, 10.0 / unit.f2)   # f² = 10; at ζ = 8 a stable single soliton (no breathing)
    return ring, pump, cc.normalize(ring, pump)


@pytest.mark.slow  # two 0.6 µs deterministic and four 2 µs noisy 128-mode soliton runs (≈ 5 s)
def test_stochastic_soliton_lines_follow_the_elastic_tape():
    ring, pump, norm = _tape_ring()
    mu = np.array([-20, 0, 20])
    zeta = 8.0
    # a_r from quasi-static runs: the line's frequency in the pump frame moves by μ·a_r·δν_p when the pump moves
    slope = {}
    for step in (-0.2, 0.2):
        times = np.linspace(200e-9, 600e-9, 41)
        ds = cc.simulate_comb(ring, pump, float(norm.detuning_hz(zeta + step)), modes=128, duration=600e-9,
                              initial="soliton", snapshots=times, progress=False)
        coeff = np.fft.fft(ds.field.values, axis=-1)[:, mu % 128]
        slope[step] = -np.polyfit(times, np.unwrap(np.angle(coeff), axis=0), 1)[0] / (2 * np.pi)
    pump_step = -float(norm.detuning_hz(zeta + 0.2) - norm.detuning_hz(zeta - 0.2))
    a_r = (slope[0.2] - slope[-0.2])[2] / (20 * pump_step)
    assert (slope[0.2] - slope[-0.2])[0] / (-20 * pump_step) == pytest.approx(a_r, rel=1e-2)   # linear in μ
    assert abs(20 * a_r) > 0.1   # the check below must see the tape tilt, not only a₀
    # noisy pump: white h₀ = 10⁵ Hz²/Hz (0.3 MHz Lorentzian), δζ ≈ 0.2 rms per 0.5 ns sample
    trace = pump_frequency_trace(PumpFrequencyNoise(white=1e5), 2e-6, 0.5e-9, seed=[0, 1, 2, 3])
    times = 100e-9 + np.arange(1900) * 1e-9
    ds = cc.simulate_comb(ring, pump, noisy_detuning(trace, float(norm.detuning_hz(zeta))), modes=128,
                          duration=2e-6, initial="soliton", snapshots=times, seed=[0, 1, 2, 3], progress=False)
    lines = frequency_noise_psd(line_frequency_fluctuations(ds, mu, trace), segment=512)
    snapped = ds.snapshot_time.values   # the solver's steps nearest to ``times``
    phase = trace.phase.interp(time=snapped).values
    realized = xr.Dataset({"frequency_offset": (("run", "time"), np.diff(phase, axis=-1) / (2 * np.pi * np.diff(snapped)))},
                          coords={"time": (snapped[1:] + snapped[:-1]) / 2})
    pump_psd = frequency_noise_psd(realized, segment=512).psd.values
    # below κ/(10·2π) = 10 MHz the soliton follows the pump quasi-statically: S_ν,μ = (1 + μ a_r)² S_p of the same
    # realization, to the (f/f_κ)² ≈ 1 % dynamic correction and the ≈ 1 % scatter of the ratio
    band = slice(0, 10e6)
    band = lines.frequency.values <= 10e6
    ratio = (lines.psd.values[:, band] / pump_psd[band]).mean(axis=-1)
    np.testing.assert_allclose(ratio, (1 + mu * a_r) ** 2, rtol=0.03)
    # and the realized pump is the requested white level within the statistical error of 4 runs × 6 segments × 5 bins
    assert float(pump_psd[band].mean()) == pytest.approx(1e5, rel=0.25)
