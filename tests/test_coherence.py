"""Line coherence from time traces and the visibilities it allows: closed forms, thermal light, system A."""

import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import erfcx

from combchip.comb.coherence import line_coherence, trace_coherence
from combchip.link.visibility import coherence_visibility, trace_limitation
from combchip.link.hom import phase_noise_factor, sech2_autocorrelation

PULSE = 0.8e-9          # system A's time-bin pulses
BINS = 10e-9            # and their early/late separation
SPACING = 0.05e-9


def steady(samples=2000, offset_hz=3e7):
    t = np.arange(samples) * SPACING
    return 0.7 * np.exp(2j * np.pi * offset_hz * t)


def thermal(tau_c, runs, samples, seed):
    """Complex Ornstein–Uhlenbeck (circular Gaussian) line, exact AR(1): |g1(s)|² = e^{−2|s|/τ_c}."""
    rng = np.random.default_rng(seed)
    rho = math.exp(-SPACING / tau_c)
    noise = (rng.standard_normal((runs, samples)) + 1j * rng.standard_normal((runs, samples))) / math.sqrt(2)
    a = np.empty_like(noise)
    a[:, 0] = noise[:, 0]
    for k in range(1, samples):
        a[:, k] = rho * a[:, k - 1] + math.sqrt(1 - rho**2) * noise[:, k]
    return a


def thermal_visibility(tau_c, fwhm, separation=0.0):
    """V = K/(2 + K)-type closed form for Gaussian pulses: W is N(0, σ²) with σ = fwhm/(2√ln2), and
    K₁(T) = E[e^{−b|T+s|}], b = 2/τ_c; K₂(T) = 1 + K₁(T)."""
    sigma = fwhm / (2 * math.sqrt(math.log(2)))
    b = 2 / tau_c
    if separation == 0.0:
        k1 = erfcx(b * sigma / math.sqrt(2))
    else:
        k1 = quad(lambda s: math.exp(-s * s / (2 * sigma**2) - b * abs(separation + s)), -12 * sigma, 12 * sigma,
                  points=[-separation])[0] / (sigma * math.sqrt(2 * math.pi))
    return k1 / (2 + k1)


def test_steady_line_gives_the_coherent_ceiling_whatever_its_frequency_offset():
    coh = trace_coherence(steady(), SPACING)
    np.testing.assert_allclose(coh.g1_squared.values, 1.0, rtol=1e-12)
    np.testing.assert_allclose(coh.g2.values, 1.0, rtol=1e-12)
    v = coherence_visibility(coh, PULSE, BINS)
    assert v.hom_visibility.item() == pytest.approx(0.5, rel=1e-12)
    assert v.bsm_visibility.item() == pytest.approx(0.5, rel=1e-12)


@pytest.mark.parametrize("shape", ["gaussian", "sech2"])
def test_pump_linewidth_matches_the_lorentzian_phase_noise_closed_form(shape):
    linewidth = 20e6
    v = coherence_visibility(trace_coherence(steady(), SPACING), PULSE, BINS, shape=shape, linewidth=linewidth)
    # the same double integral as hom.phase_noise_factor, here a sum on the 0.05 ns lag grid: its error at
    # the kink of e^{−γ|s|} is ≈ γΔ²W(0)/6 ≈ 5e-5
    assert v.hom_visibility.item() == pytest.approx(0.5 * phase_noise_factor(PULSE, linewidth, linewidth, shape=shape),
                                                    rel=1e-4)
    # T ≫ pulse: e^{−2πΔνT}·E[e^{−2πΔν s}] = c² (1 + O((2πΔν τ)²)), c = e^{−πΔνT}
    c2 = math.exp(-2 * math.pi * linewidth * BINS)
    assert v.bsm_visibility.item() == pytest.approx(0.5 * c2, rel=(2 * math.pi * linewidth * PULSE) ** 2)


def test_sech2_autocorrelation_is_the_convolution_of_two_sech2_pulses():
    for d in (0.0, 0.4, 2.5):
        direct = quad(lambda x: (1 / math.cosh(x) ** 2) * (1 / math.cosh(x + d) ** 2), -40, 40)[0] / 4
        assert sech2_autocorrelation(d) == pytest.approx(direct, rel=1e-9)


@pytest.mark.parametrize("tau_c", [0.3e-9, 1.0e-9, 4.0e-9])
def test_thermal_line_matches_its_closed_form(tau_c):
    coh = trace_coherence(thermal(tau_c, runs=48, samples=4096, seed=7), SPACING)
    # circular Gaussian light: g2(0) = 2; 48 × 4096 samples of τ_c ≥ 6 samples: ±5 % statistical
    assert coh.g2.isel(lag=0).item() == pytest.approx(2.0, rel=0.05)
    v = coherence_visibility(coh, PULSE, BINS)
    assert v.hom_visibility.item() == pytest.approx(thermal_visibility(tau_c, PULSE), rel=0.05)
    assert v.hom_visibility.item() < 1 / 3
    assert v.bsm_visibility.item() == pytest.approx(thermal_visibility(tau_c, PULSE, BINS), abs=0.01)


def test_thermal_limits():
    assert thermal_visibility(1e-6, PULSE) == pytest.approx(1 / 3, rel=1e-3)   # coherent over the pulse
    assert thermal_visibility(1e-12, PULSE) < 1e-2                               # decorrelates within it


@pytest.mark.slow  # system_a_states: two 2400-snapshot LLE holds (≈ 8 s, shared with test_network)
def test_system_a_soliton_line_is_coherent_and_chaotic_line_thermal(system_a_states):
    lines = [8, -16]   # CH59 and CH35 of system A lie 8 and 16 FSR from the CH51 pump
    soliton = line_coherence(system_a_states["soliton"], lines)
    chaotic = line_coherence(system_a_states["chaotic"], lines)
    # soliton lines are steady: g2 = 1 to 1e-3 (vacuum-noise floor only)
    np.testing.assert_allclose(soliton.g2.isel(lag=0).values, 1.0, atol=1e-3)
    # MI chaos sums many random four-wave-mixing paths: circular-Gaussian statistics, g2(0) ≈ 2 (±20 %: two runs)
    np.testing.assert_allclose(chaotic.g2.isel(lag=0).values, 2.0, rtol=0.2)
    v_sol = coherence_visibility(soliton, PULSE, BINS)
    v_cha = coherence_visibility(chaotic, PULSE, BINS)
    # soliton: only the 0.11 MHz pump linewidth acts: HOM 1/2·M_pn, BSM 1/2·e^{−2πΔνT} (to the O(10⁻³) noise)
    np.testing.assert_allclose(v_sol.hom_visibility.values, 0.5 * phase_noise_factor(PULSE, 0.11e6, 0.11e6), rtol=2e-3)
    np.testing.assert_allclose(v_sol.bsm_visibility.values, 0.5 * math.exp(-2 * math.pi * 0.11e6 * BINS), rtol=2e-3)
    # chaos: below the 1/3 of thermal light (it decorrelates within 0.8 ns), and no early/late coherence over 10 ns
    # (published: HOM 28.6 %, BSM 8.8 % against 46.7 % and 45.6 % for the soliton)
    assert np.all(v_cha.hom_visibility.values < 1 / 3)
    assert np.all(v_cha.hom_visibility.values > 0.1)
    assert np.all(v_cha.bsm_visibility.values < 0.02)


@pytest.mark.slow  # system_a_states (≈ 8 s)
def test_pump_line_power_matches_the_spectrum(system_a_states):
    ds = system_a_states["soliton"]
    coh = line_coherence(ds, 0)
    # the pump line is the transmitted pump minus the out-coupled field; interpolation moves it < 1 %
    assert coh.power.item() == pytest.approx(float(ds.spectrum.sel(mu=0).mean()), rel=0.01)


@pytest.mark.slow  # system_a_states (≈ 8 s)
def test_bad_inputs(system_a_states):
    ds = system_a_states["soliton"]
    coh = trace_coherence(steady(), SPACING)
    cases = [
        (lambda: trace_coherence(np.ones(4), SPACING), "samples"),
        (lambda: trace_coherence(steady(), -1.0), "spacing"),
        (lambda: trace_coherence(np.zeros(100), SPACING), "no power"),
        (lambda: trace_coherence(steady(), SPACING, max_lag=1.0), "max_lag"),
        (lambda: trace_coherence(np.full(100, np.nan), SPACING), "amplitude"),
        (lambda: line_coherence(ds.isel(snapshot=slice(0, 5)), 8), "snapshots"),
        (lambda: line_coherence(ds.isel(snapshot=[0, 1, 2, 5, *range(10, 30)]), 8), "evenly spaced"),
        (lambda: line_coherence(ds, 9999), "mu"),
        (lambda: line_coherence(ds, 1.5), "mu"),
        (lambda: line_coherence("ds", 8), "ds"),
        (lambda: coherence_visibility(coh, -PULSE), "pulse_fwhm"),
        (lambda: coherence_visibility(coh, 0.1e-9), "pulse_fwhm"),
        (lambda: coherence_visibility(coh, PULSE, 1e-6), "longer trace"),
        (lambda: coherence_visibility(coh, PULSE, -1.0), "bin_separation"),
        (lambda: coherence_visibility(coh, PULSE, linewidth=-1.0), "linewidth"),
        (lambda: coherence_visibility(coh, PULSE, overlap=1.5), "overlap"),
        (lambda: coherence_visibility(coh, PULSE, shape="square"), "shape"),
        (lambda: coherence_visibility(ds, PULSE), "coherence"),
    ]
    for call, word in cases:
        with pytest.raises(ValueError, match=word):
            call()


@pytest.mark.slow  # system_a_states (≈ 8 s)
def test_coherence_figure_plots_both_functions_in_ns(system_a_states, tmp_path):
    from combchip.plotting import plot_coherence

    coh = line_coherence(system_a_states["chaotic"], [8, -16])
    v = coherence_visibility(coh, PULSE, BINS)
    fig = plot_coherence(coh, v)
    top, bottom = fig.axes
    np.testing.assert_allclose(top.lines[1].get_xdata(), coh.lag.values * 1e9)
    # |g1|² with the run's 0.11 MHz Lorentzian pump linewidth, which the noiseless-pump run left out of g1
    np.testing.assert_allclose(top.lines[1].get_ydata(), coh.g1_squared.sel(mu=-16).values
                               * np.exp(-2 * np.pi * coh.attrs["pump_linewidth"] * coh.lag.values))
    assert coh.attrs["pump_linewidth"] > 0
    np.testing.assert_allclose(bottom.lines[0].get_ydata(), coh.g2.sel(mu=8).values)
    assert "ns" in bottom.get_xlabel()
    assert f"{100 * v.hom_visibility.sel(mu=8).item():.1f} %" in top.get_legend().get_texts()[0].get_text()
    fig.savefig(tmp_path / "coherence.png")
    assert (tmp_path / "coherence.png").stat().st_size > 1000


def test_trace_limitation_states_what_a_trace_must_resolve():
    # 0.05 ns samples, lags to 50 ns: 0.8 ns pulses 10 ns apart are resolved, 0.1 ns pulses (2 samples) are not,
    # and 46 ns bins need lags to 46 + 6·0.8 ns > 50 ns
    assert trace_limitation(SPACING, 50e-9, PULSE, BINS) == ""
    assert "denser snapshots" in trace_limitation(SPACING, 50e-9, 0.1e-9, BINS)
    assert "longer trace" in trace_limitation(SPACING, 50e-9, PULSE, 46e-9)
    assert "longer trace" in trace_limitation(SPACING, 50e-9, PULSE, 40e-9, shape="sech2")   # sech² W spans 14 FWHM
    assert trace_limitation(SPACING, 50e-9, PULSE, 40e-9) == ""


# ---- ensemble coherence with a noisy pump ------------------------------------------------------------------

@pytest.mark.slow  # two batches of four 2 µs noisy-pump 128-mode runs (≈ 6 s)
def test_noisy_pump_coherence_separates_soliton_and_chaotic_lines():
    import combchip as cc
    from combchip.comb.coherence import coherence_time
    from combchip.comb.line_noise import PumpFrequencyNoise
    from combchip.comb.pump_noise import noisy_detuning, pump_frequency_trace

    # κ/2π = 100 MHz, d₂ = 0.2, f² = 10: a stable soliton at ζ = 8, modulation-instability chaos at ζ = 2
    ring = cc.Ring(1550e-9, 100e9, 2 * np.pi * 50e6, 2 * np.pi * 50e6, d2=2 * np.pi * 10e6)
    pump = cc.Laser(1550e-9, 10.0 / cc.normalize(ring, cc.Laser(1550e-9, 1.0)).f2)
    norm = cc.normalize(ring, pump)
    h0 = 1e5   # white pump noise: Lorentzian FWHM π·h₀ ≈ 0.31 MHz, |g1|² = e^{−2π²h₀|s|}, τ_c = 0.51 µs
    seeds = [0, 1, 2, 3]
    trace = pump_frequency_trace(PumpFrequencyNoise(white=h0), 2.2e-6, 0.5e-9, seed=seeds)
    times = 200e-9 + np.arange(1000) * 2e-9
    mu = [5, -5]
    coh = {}
    for state, zeta, initial in (("soliton", 8.0, "soliton"), ("chaotic", 2.0, None)):
        ds = cc.simulate_comb(ring, pump, noisy_detuning(trace, float(norm.detuning_hz(zeta))), modes=128,
                              duration=times[-1], initial=initial, snapshots=times, seed=seeds, progress=False)
        coh[state] = line_coherence(ds, mu, pump_noise=trace)
        grid = np.linspace(ds.snapshot_time.values[0], ds.snapshot_time.values[-1], times.size)
        pump_only = trace_coherence(np.exp(-1j * trace.phase.interp(time=grid).values), float(grid[1] - grid[0]))
    soliton, chaotic = coh["soliton"], coh["chaotic"]
    assert soliton.attrs["pump_linewidth"] == 0.0   # the pump's noise is in g1: coherence_visibility adds nothing
    # a soliton line carries the pump's phase one to one (a₀ = 1, a_r = 0 without D₃): its |g1|² is the realized
    # pump's own, to the 1 % left by its small amplitude noise
    for m in mu:
        np.testing.assert_allclose(soliton.g1_squared.sel(mu=m).values, pump_only.g1_squared.values, atol=0.01)
    # it decays instead of staying at 1: near 1 at 10 ns, below 1/e by the largest lag (closed form e^{−1.97} = 0.14;
    # 4 runs × 2 µs hold ≈ 16 coherence times, so the estimate scatters by ≈ ±0.1)
    assert np.all(soliton.g1_squared.sel(lag=10e-9, method="nearest").values > 0.95)
    assert np.all(soliton.g1_squared.isel(lag=-1).values < 0.3)
    tau_s, tau_c = coherence_time(soliton), coherence_time(chaotic)
    np.testing.assert_allclose(tau_s.values, 1 / (2 * np.pi**2 * h0), rtol=0.35)
    # chaos decorrelates within nanoseconds: at least an order of magnitude apart (the linewidths 1/(2πτ_c) too)
    assert np.all(tau_s.values > 10 * tau_c.values)
    assert np.isnan(coherence_time(trace_coherence(steady(), SPACING))) and "1/e" in coherence_time(
        trace_coherence(steady(), SPACING)).attrs["reason"]
