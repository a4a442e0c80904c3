import dataclasses
import math

import numpy as np
import pytest
import xarray as xr
from scipy.integrate import dblquad, quad
from scipy.optimize import brentq
from scipy.special import erfcx, i0

from combchip.link import hom
from combchip.link.hom import (
    OverlapFactors,
    _i0m1,
    bsm_visibility_time_bin,
    hom_dip,
    hom_visibility,
    mode_overlap,
    overlap_factors,
    overlap_from_lines,
    phase_noise_factor,
    time_bin_coherence,
)

LN2 = math.log(2)
SECH_FWHM = 2 * math.acosh(math.sqrt(2))


def gaussian_field(fwhm):
    a = 2 * LN2 / fwhm**2
    return lambda t: (2 * a / math.pi) ** 0.25 * math.exp(-a * t * t)


def sech_field(fwhm):
    width = fwhm / SECH_FWHM
    return lambda t: 1 / (math.cosh(t / width) * math.sqrt(2 * width))


def field_overlap(field_a, field_b, delay, dnu, span):
    """|∫ E_A(t) E_B(t − δ) e^{−i2πΔν t} dt|², written out independently of the module."""
    w = 2 * math.pi * dnu
    kw = dict(limit=500, points=[0.0, delay], epsabs=1e-14, epsrel=1e-12)
    lo, hi = min(0.0, delay) - span, max(0.0, delay) + span
    re = quad(lambda t: field_a(t) * field_b(t - delay) * math.cos(w * t), lo, hi, **kw)[0]
    im = quad(lambda t: field_a(t) * field_b(t - delay) * math.sin(w * t), lo, hi, **kw)[0]
    return re * re + im * im


def normal_average(fn, mean, sigma, peak=0.0):
    """⟨fn(x)⟩, x ~ N(mean, σ²), by adaptive quadrature with a break point at the peak of fn."""
    weight = lambda x: math.exp(-0.5 * ((x - mean) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))  # noqa: E731
    lo, hi = mean - 12 * sigma, mean + 12 * sigma
    points = [p for p in (peak, mean) if lo < p < hi]
    return quad(lambda x: weight(x) * fn(x), lo, hi, points=points, limit=500, epsabs=1e-14, epsrel=1e-11)[0]


def coincidences_by_phase_average(mu_a, mu_b, overlap, dark_count, efficiency):
    """C₀ and C_∞ by numerical averaging of P_c·P_d over the relative phase φ (no Bessel functions)."""
    q = 1 - dark_count
    click = lambda n: 1 - q * math.exp(-efficiency * n)  # noqa: E731

    def c(m):
        mean, beat = (mu_a + mu_b) / 2, math.sqrt(m * mu_a * mu_b)
        f = lambda p: click(mean + beat * math.cos(p)) * click(mean - beat * math.cos(p))  # noqa: E731
        return quad(f, 0, 2 * math.pi, epsabs=1e-15, epsrel=1e-13)[0] / (2 * math.pi)

    return c(overlap), c(0.0)


# ----------------------------------------------------------------------------- HOM visibility
def test_ideal_limit_is_one_half():
    # weak-pulse formula: exact arithmetic; threshold model: correction −(ημ)²/48 ≈ 2e-11 at μ = 1e-5
    assert hom_visibility(0.1, 0.1, model="weak") == pytest.approx(0.5, rel=1e-15)
    assert hom_visibility(1e-5, 1e-5) == pytest.approx(0.5, rel=1e-10)
    assert hom_visibility(1e-5, 1e-5, overlap=0.8) == pytest.approx(0.4, rel=1e-10)


@pytest.mark.parametrize("k_a, k_b", [(1, 1), (1, 2), (1, 5), (3, 7)])
@pytest.mark.parametrize("overlap", [1.0, 0.93, 0.4])
def test_unequal_intensities(k_a, k_b, overlap):
    expected = 2 * k_a * k_b / (k_a + k_b) ** 2 * overlap
    scale = 1e-2
    # closed form evaluated two ways: round-off only
    assert hom_visibility(scale * k_a, scale * k_b, overlap, model="weak") == pytest.approx(expected, rel=1e-13)
    # threshold detectors at μ ≤ 0.07: relative correction |−A²/12 + B²/16| ≤ 5e-4
    exact = hom_visibility(scale * k_a, scale * k_b, overlap)
    assert exact < expected
    assert exact == pytest.approx(expected, rel=5e-4)


@pytest.mark.parametrize("k_b, overlap, efficiency", [(1.0, 1.0, 1.0), (0.3, 0.9, 0.6), (4.0, 0.5, 0.8)])
def test_threshold_model_converges_to_weak_limit(k_b, overlap, efficiency):
    corrections = []
    for mu in (3e-2, 1e-2, 3e-3):
        mu_a, mu_b = mu, k_b * mu
        a = efficiency * (mu_a + mu_b) / 2
        b2 = efficiency**2 * overlap * mu_a * mu_b
        ratio = hom_visibility(mu_a, mu_b, overlap, efficiency=efficiency) / hom_visibility(
            mu_a, mu_b, overlap, efficiency=efficiency, model="weak")
        predicted = -a * a / 12 + b2 / 16
        # no O(μ) term; the O(μ²) term is −A²/12 + B²/16 < 0; the next term is O(μ³), so the relative
        # mismatch is O(μ) (≤ 3 %·A at these μ)
        assert predicted < 0
        assert (ratio - 1) / predicted == pytest.approx(1.0, abs=max(0.02, a))
        corrections.append(ratio - 1)
    # dividing μ by 3 divides the correction by ≈ 9 (second order), not 3 (first order)
    assert corrections[0] / corrections[1] == pytest.approx(9.0, rel=0.1)


@pytest.mark.parametrize("mu_a, mu_b, overlap, dark_count, efficiency",
                         [(0.5, 0.5, 1.0, 0.0, 1.0), (0.636, 0.204, 0.85, 1e-3, 0.7), (2.0, 0.05, 0.6, 0.05, 0.3)])
def test_threshold_formula_against_phase_average(mu_a, mu_b, overlap, dark_count, efficiency):
    c0, cinf = coincidences_by_phase_average(mu_a, mu_b, overlap, dark_count, efficiency)
    # I₀ closed form vs quadrature over φ of the same click probabilities: quadrature error ~1e-13
    assert hom_visibility(mu_a, mu_b, overlap, dark_count, efficiency) == pytest.approx((cinf - c0) / cinf, rel=1e-9)


def test_dark_counts_weak_limit():
    mu, pd = 1e-3, 2e-4
    # weak model: V = η²Mμ²/(2(ημ + p_d)²), exact arithmetic
    assert hom_visibility(mu, mu, 1.0, pd, 1.0, model="weak") == pytest.approx(mu**2 / (2 * (mu + pd) ** 2), rel=1e-13)
    # threshold model agrees to first order in μ and p_d (relative O(1e-3))
    assert hom_visibility(mu, mu, 1.0, pd) == pytest.approx(mu**2 / (2 * (mu + pd) ** 2), rel=3e-3)
    assert hom_visibility(mu, mu, 1.0, pd) < hom_visibility(mu, mu, 1.0, 0.0)


# ----------------------------------------------------------------------------- overlap: Gaussian
@pytest.mark.parametrize("tau_a, tau_b, delay, dnu",
                         [(0.8e-9, 0.8e-9, 0.0, 3e8), (0.8e-9, 0.8e-9, 0.4e-9, 0.0), (95e-12, 150e-12, 60e-12, 2e9),
                          (95e-12, 60e-12, -30e-12, -5e9)])
def test_gaussian_overlap_against_field_integral(tau_a, tau_b, delay, dnu):
    direct = field_overlap(gaussian_field(tau_a), gaussian_field(tau_b), delay, dnu, 8 * max(tau_a, tau_b))
    s2 = tau_a**2 + tau_b**2
    w = 2 * math.pi * dnu
    factors = overlap_factors(tau_a, tau_b, frequency_offset=dnu, delay=delay)
    # closed forms against quadrature of the field overlap (quadrature tolerance 1e-12)
    assert mode_overlap(tau_a, tau_b, frequency_offset=dnu, delay=delay) == pytest.approx(direct, rel=1e-9, abs=1e-14)
    assert factors.duration == pytest.approx(2 * tau_a * tau_b / s2, rel=1e-14)
    assert factors.frequency == pytest.approx(math.exp(-w * w * tau_a**2 * tau_b**2 / (4 * LN2 * s2)), rel=1e-14)
    assert factors.delay == pytest.approx(math.exp(-4 * LN2 * delay**2 / s2), rel=1e-14)


def test_overlap_factors_record_multiplies_to_the_mode_overlap():
    kwargs = dict(frequency_offset=3e8, jitter=50e-12, linewidth_a=1e5, polarization_angle=0.2)
    factors = overlap_factors(0.8e-9, **kwargs)
    assert isinstance(factors, OverlapFactors)
    fields = dataclasses.fields(factors)
    assert [f.name for f in fields] == ["duration", "frequency", "delay", "phase_noise", "polarization"]
    assert all(f.metadata["unit"] == "1" and f.metadata["meaning"] for f in fields)
    assert factors.polarization == pytest.approx(math.cos(0.2) ** 2, rel=1e-15)
    assert factors.product == pytest.approx(mode_overlap(0.8e-9, **kwargs), rel=1e-15)
    with pytest.raises(dataclasses.FrozenInstanceError):
        factors.delay = 1.0


def test_i0m1_is_accurate_at_small_arguments_and_shared():
    # small x: I₀(x) − 1 = q + q²/4 + q³/36 + …, q = x²/4 (next term < 1e-17 relative for x ≤ 1e-2), where
    # i0(x) − 1 loses every digit; around the switch at x = 2 the direct form has no cancellation (I₀(2) − 1 ≈ 1.28)
    x = np.logspace(-12, -2, 30)
    q = x**2 / 4
    np.testing.assert_allclose(_i0m1(x), q * (1 + q / 4 + q**2 / 36), rtol=1e-15)
    near = np.linspace(1.5, 2.5, 41)
    np.testing.assert_allclose(_i0m1(near), i0(near) - 1, rtol=1e-14)
    from combchip.link.qkd import channel
    assert channel._i0m1 is _i0m1  # one implementation for the HOM and the MDI-QKD gains


def test_gaussian_jitter_is_convolution():
    tau, sigma = 95e-12, 40e-12
    for mean in (0.0, 50e-12, 150e-12):
        convolved = normal_average(lambda d: mode_overlap(tau, delay=d), mean, sigma)
        # closed-form Gaussian average vs adaptive quadrature (tolerance 1e-11)
        assert mode_overlap(tau, delay=mean, jitter=sigma) == pytest.approx(convolved, rel=1e-8)


def test_gaussian_frequency_noise_average():
    tau, sigma = 95e-12, 2e9
    for mean in (0.0, 1e9, 5e9):
        averaged = normal_average(lambda f: mode_overlap(tau, frequency_offset=f), mean, sigma)
        # closed-form Gaussian average vs adaptive quadrature (tolerance 1e-11)
        assert mode_overlap(tau, frequency_offset=mean, frequency_noise_sigma=sigma) == pytest.approx(averaged, rel=1e-8)


# ----------------------------------------------------------------------------- overlap: sech²
@pytest.mark.parametrize("tau_b, delay, dnu", [(95e-12, 40e-12, 0.0), (95e-12, 0.0, 4e9), (95e-12, 70e-12, 3e9),
                                               (140e-12, 0.0, 0.0), (140e-12, 50e-12, 2e9)])
def test_sech2_overlap_against_field_integral(tau_b, delay, dnu):
    tau_a = 95e-12
    direct = field_overlap(sech_field(tau_a), sech_field(tau_b), delay, dnu, 45 * tau_b / SECH_FWHM)
    # closed form (τ_A = τ_B) or vector quadrature against scalar quadrature (tolerance 1e-12)
    assert mode_overlap(tau_a, tau_b, shape="sech2", frequency_offset=dnu, delay=delay) == pytest.approx(direct, rel=1e-8)


def test_sech2_closed_forms():
    tau = 95e-12
    width = tau / SECH_FWHM
    d = 0.7
    v = math.pi * (2 * math.pi * 3e9) * width / 2
    # ∫sech x sech(x−d) dx = 2d/sinh d and ∫sech²x e^{−iΩx} dx = πΩ/sinh(πΩ/2): round-off only
    assert mode_overlap(tau, shape="sech2", delay=d * width) == pytest.approx((d / math.sinh(d)) ** 2, rel=1e-12)
    assert mode_overlap(tau, shape="sech2", frequency_offset=3e9) == pytest.approx((v / math.sinh(v)) ** 2, rel=1e-12)


@pytest.mark.parametrize("sigma", [10e-12, 120e-12])   # Gauss–Hermite branch and adaptive branch
def test_sech2_jitter_is_convolution(sigma):
    tau = 95e-12
    for mean in (0.0, 80e-12):
        convolved = normal_average(lambda d: mode_overlap(tau, shape="sech2", delay=d), mean, sigma)
        # averaging rules (96-node Gauss–Hermite or adaptive, 1e-10) vs adaptive quadrature (1e-11)
        assert mode_overlap(tau, shape="sech2", delay=mean, jitter=sigma) == pytest.approx(convolved, rel=1e-8)


def test_sech2_frequency_noise_average():
    tau, sigma = 95e-12, 1e9
    averaged = normal_average(lambda f: mode_overlap(tau, shape="sech2", frequency_offset=f), 2e9, sigma)
    # Gauss–Hermite (96 nodes; σ_ω·T ≈ 0.34) vs adaptive quadrature (tolerance 1e-11)
    assert mode_overlap(tau, shape="sech2", frequency_offset=2e9, frequency_noise_sigma=sigma) == pytest.approx(
        averaged, rel=1e-8)


def test_polarization():
    for theta in (0.0, 0.3, math.pi / 4, 1.2, math.pi / 2):
        # cos²θ: round-off only
        assert mode_overlap(1e-9, polarization_angle=theta) == pytest.approx(math.cos(theta) ** 2, rel=1e-12, abs=1e-15)
    h, v, d, r = [1, 0], [0, 1], [1, 1], [1, 1j]
    assert mode_overlap(1e-9, jones=(h, v)) == 0.0
    assert mode_overlap(1e-9, jones=(h, d)) == pytest.approx(0.5, rel=1e-15)
    assert mode_overlap(1e-9, jones=(d, r)) == pytest.approx(0.5, rel=1e-15)
    assert mode_overlap(1e-9, jones=(r, [2j, -2])) == pytest.approx(1.0, rel=1e-15)


# ----------------------------------------------------------------------------- phase noise
def test_phase_noise_limits_and_monotonic():
    tau = 0.8e-9
    assert phase_noise_factor(tau, 0.0, 0.0) == 1.0
    s = tau / math.sqrt(4 * LN2)                       # std of t − t' for identical Gaussian pulses
    for shape in ("gaussian", "sech2"):
        values = [phase_noise_factor(tau, lw, lw, shape=shape) for lw in np.geomspace(1e2, 1e11, 28)]
        assert all(0.0 < v <= 1.0 for v in values)
        assert np.all(np.diff(values) < 0)
        assert values[0] == pytest.approx(1.0, abs=1e-6)    # γ⟨|t − t'|⟩ ≈ 2π·100 Hz·0.5 ns ≈ 3e-7
        assert values[-1] < 0.05                            # pulse ≫ coherence time
    small = 2 * math.pi * 1e3                               # γ = π(Δν_A + Δν_B), Δν = 1 kHz each
    # 1 − M_pn ≈ γ⟨|t − t'|⟩ = γ s √(2/π), next term O((γs)²) ~ 1e-12
    assert 1 - phase_noise_factor(tau, 1e3, 1e3) == pytest.approx(small * s * math.sqrt(2 / math.pi), rel=1e-5)


@pytest.mark.parametrize("shape, tau_b", [("gaussian", 0.8e-9), ("gaussian", 0.3e-9), ("sech2", 0.8e-9), ("sech2", 0.5e-9)])
def test_phase_noise_against_double_integral(shape, tau_b):
    tau_a, lw = 0.8e-9, 3e8
    make = gaussian_field if shape == "gaussian" else sech_field
    fa, fb = make(tau_a), make(tau_b)
    p = lambda t: fa(t) * fb(t)  # noqa: E731
    span = 30 * tau_a
    norm = quad(p, -span, span, points=[0.0], epsabs=0, epsrel=1e-12)[0]
    gam = math.pi * 2 * lw
    direct = 2 * dblquad(lambda tp, t: p(t) * p(tp) * math.exp(-gam * (t - tp)), -span, span,
                         lambda t: -span, lambda t: t, epsabs=1e-13, epsrel=1e-10)[0] / norm**2
    # erfcx / autocorrelation forms vs the defining double integral (tolerance 1e-10)
    assert phase_noise_factor(tau_a, lw, lw, pulse_fwhm_b=tau_b, shape=shape) == pytest.approx(direct, rel=1e-8)
    if shape == "gaussian":
        s = tau_a * tau_b / math.sqrt(2 * LN2 * (tau_a**2 + tau_b**2))
        assert phase_noise_factor(tau_a, lw, lw, pulse_fwhm_b=tau_b) == pytest.approx(erfcx(gam * s / math.sqrt(2)), rel=1e-14)


# ----------------------------------------------------------------------------- dip
def dip_fwhm(dip):
    depth = 1 - float(dip.interp(delay=0.0))
    half = lambda d: float(1 - dip.interp(delay=d, method="cubic")) - depth / 2  # noqa: E731
    right = brentq(half, 0.0, float(dip.delay.max()), xtol=1e-16)
    left = brentq(half, float(dip.delay.min()), 0.0, xtol=1e-16)
    return right - left, depth


@pytest.mark.parametrize("tau_a, tau_b, jitter", [(0.8e-9, 0.8e-9, 0.0), (95e-12, 130e-12, 30e-12)])
def test_dip_width_and_depth(tau_a, tau_b, jitter):
    scale = max(tau_a, tau_b)
    delay = np.linspace(-4 * scale, 4 * scale, 1601)
    dip = hom_dip(delay, 0.05, 0.05, pulse_fwhm=tau_a, pulse_fwhm_b=tau_b, jitter=jitter, model="weak")
    width, depth = dip_fwhm(dip)
    # Gaussian dip: FWHM = √(τ_A² + τ_B² + 8 ln2 σ_t²); cubic interpolation on a 0.5 %·τ grid → 1e-5
    assert width == pytest.approx(math.sqrt(tau_a**2 + tau_b**2 + 8 * LN2 * jitter**2), rel=1e-5)
    m0 = mode_overlap(tau_a, tau_b, jitter=jitter)
    assert depth == pytest.approx(hom_visibility(0.05, 0.05, m0, model="weak"), rel=1e-12)
    assert dip.attrs["visibility"] == pytest.approx(depth, rel=1e-12)
    far = hom_dip([-20 * scale, 20 * scale], 0.05, 0.05, pulse_fwhm=tau_a, pulse_fwhm_b=tau_b, jitter=jitter)
    np.testing.assert_allclose(far.values, 1.0, rtol=0, atol=1e-15)   # M ~ exp(−500) that far out
    assert dip.delay.attrs["units"] == "s" and dip.attrs["units"] == "1" and "long_name" in dip.attrs


def test_dip_threshold_model_and_sech2():
    delay = np.linspace(-300e-12, 300e-12, 41)
    dip = hom_dip(delay, 0.4, 0.2, pulse_fwhm=95e-12, shape="sech2", jitter=2e-12, dark_count=1e-4, efficiency=0.8)
    expected = [1 - hom_visibility(0.4, 0.2, mode_overlap(95e-12, shape="sech2", delay=d, jitter=2e-12), 1e-4, 0.8)
                for d in delay]
    # same formulas evaluated point by point: round-off and the 1e-10 averaging tolerance
    np.testing.assert_allclose(dip.values, expected, rtol=1e-9)
    assert isinstance(dip, xr.DataArray) and dip.dims == ("delay",)


# ----------------------------------------------------------------------------- Bell-state measurement
def test_time_bin_coherence():
    # exp(−πΔνΔt): round-off only
    assert time_bin_coherence(0.11e6, 10e-9) == pytest.approx(math.exp(-math.pi * 0.11e6 * 10e-9), rel=1e-15)
    assert time_bin_coherence(0.0, 10e-9) == 1.0


def test_bsm_weak_limit_and_coherence():
    # weak limit: V_BSM = c·M·2μ_aμ_b/(μ_a + μ_b)², round-off only
    assert bsm_visibility_time_bin(0.1, 0.1, 1.0, 1.0, model="weak") == pytest.approx(0.5, rel=1e-15)
    assert bsm_visibility_time_bin(0.1, 0.3, 0.9, (0.95, 0.9), model="weak") == pytest.approx(
        0.95 * 0.9 * 0.9 * 2 * 0.03 / 0.16, rel=1e-13)
    ratios = []
    for mu in (1e-2, 1e-3):
        mu_a, mu_b, m, c = mu, 0.5 * mu, 0.9, 0.95
        s, z = (mu_a + mu_b) / 4, math.sqrt(m * mu_a * mu_b) / 2
        ratio = bsm_visibility_time_bin(mu_a, mu_b, m, c) / bsm_visibility_time_bin(mu_a, mu_b, m, c, model="weak")
        # exact/weak − 1 = s − z²/(2s) + O(μ²): relative mismatch O(μ) ≤ 1 %
        assert (ratio - 1) / (s - z * z / (2 * s)) == pytest.approx(1.0, abs=0.01)
        ratios.append(ratio - 1)
    assert ratios[0] / ratios[1] == pytest.approx(10.0, rel=0.01)    # first order in μ


def test_bsm_series_against_phase_average():
    mu_a, mu_b, m, c, pd, eta = 0.5, 0.3, 0.85, 0.7, 1e-3, 0.8
    q = 1 - pd
    sigma = math.sqrt(-2 * math.log(c))
    s, k = (mu_a + mu_b) / 4, math.sqrt(m * mu_a * mu_b) / 2
    click = lambda n: 1 - q * math.exp(-eta * n)  # noqa: E731
    none = lambda n: q * math.exp(-eta * n)  # noqa: E731

    def rate(dtheta):
        def f(eps, phi):
            x, y = math.cos(phi), math.cos(phi + dtheta + eps)
            first = click(s + k * x) * none(s - k * x) * click(s - k * y) * none(s + k * y)
            second = click(s - k * x) * none(s + k * x) * click(s + k * y) * none(s - k * y)
            return (first + second) * math.exp(-0.5 * (eps / sigma) ** 2)
        return dblquad(f, 0, 2 * math.pi, -10 * sigma, 10 * sigma, epsabs=1e-13, epsrel=1e-10)[0]

    same, opposite = rate(0.0), rate(math.pi)
    # Bessel series (Graf's addition theorem) vs brute-force average over φ and ε (tolerance 1e-10)
    assert bsm_visibility_time_bin(mu_a, mu_b, m, c, pd, eta) == pytest.approx((opposite - same) / (opposite + same), rel=1e-7)


# ----------------------------------------------------------------------------- the published systems
SOLITON, CHAOTIC = 0.11e6, 1.4e6      # delayed self-heterodyne linewidths of system A [Hz]


def system_a(linewidth):
    line = {"line_frequency": 193.4e12, "linewidth": linewidth}
    m = overlap_from_lines(line, line, 0.8e-9)
    c = time_bin_coherence(linewidth, 10e-9) ** 2
    return m, hom_visibility(1e-3, 1e-3, m), bsm_visibility_time_bin(1e-3, 1e-3, m, c, model="weak")


def test_system_a_soliton_versus_chaotic():
    m_sol, hom_sol, bsm_sol = system_a(SOLITON)
    m_ch, hom_ch, bsm_ch = system_a(CHAOTIC)
    print(f"\nsystem A soliton: M = {m_sol:.5f}, HOM = {hom_sol:.4f}, BSM = {bsm_sol:.4f}")
    print(f"system A chaotic: M = {m_ch:.5f}, HOM = {hom_ch:.4f}, BSM = {bsm_ch:.4f}")
    s = 0.8e-9 / math.sqrt(4 * LN2)
    for m, lw in ((m_sol, SOLITON), (m_ch, CHAOTIC)):
        # M = erfcx(π·2Δν·s/√2) for identical Gaussian pulses: round-off only
        assert m == pytest.approx(erfcx(math.pi * 2 * lw * s / math.sqrt(2)), rel=1e-14)
    # Lorentzian phase noise over 0.8 ns barely touches HOM (both within 0.4 % of 1/2, μ = 1e-3 adds < 1e-7) ...
    assert 0.498 < hom_ch < hom_sol < 0.5
    # ... but 10 ns bins cost exp(−2πΔνΔt): 0.993 (soliton) vs 0.916 (chaotic)
    assert bsm_ch < bsm_sol
    assert bsm_sol == pytest.approx(m_sol / 2 * math.exp(-2 * math.pi * SOLITON * 10e-9), rel=1e-12)
    assert bsm_ch == pytest.approx(m_ch / 2 * math.exp(-2 * math.pi * CHAOTIC * 10e-9), rel=1e-12)
    assert bsm_sol - bsm_ch > 0.03


def test_system_b():
    line = {"line_frequency": 193.4e12, "linewidth": 0.0}
    m = overlap_from_lines(line, line, 95e-12, jitter=2e-12, frequency_noise_sigma=30e3)
    k_t, k_f = 2 * LN2 / 95e-12**2, (95e-12) ** 2 / (8 * LN2)
    sw = 2 * math.pi * 30e3
    # equal Gaussian pulses: M = (1 + 2k_tσ_t²)^(−1/2)(1 + 2k_νσ_ω²)^(−1/2), round-off only
    assert m == pytest.approx((1 + 2 * k_t * 4e-24) ** -0.5 * (1 + 2 * k_f * sw**2) ** -0.5, rel=1e-14)
    v = hom_visibility(1e-3, 1e-3, m)
    m_sech = overlap_from_lines(line, line, 95e-12, jitter=2e-12, frequency_noise_sigma=30e3, shape="sech2")
    print(f"\nsystem B: M = {m:.6f} (Gaussian), {m_sech:.6f} (sech²); HOM = {v:.4f}")
    assert 0.4995 < v < 0.5          # 2 ps of 95 ps and 30 kHz of ~5 GHz leave M > 0.999


def test_overlap_from_comb_lines_table():
    table = xr.Dataset({"line_frequency": ("mu", [193.3e12, 193.4e12]), "linewidth": ("mu", [2e5, 1e5])},
                       coords={"mu": [-1, 0]})
    m = overlap_from_lines(table.isel(mu=1), {"line_frequency": 193.4e12 + 1e9, "linewidth": 3e5}, 95e-12)
    # same numbers through mode_overlap: round-off only
    assert m == pytest.approx(mode_overlap(95e-12, frequency_offset=1e9, linewidth_a=1e5, linewidth_b=3e5), rel=1e-14)
    assert overlap_from_lines(table.isel(mu=0), table.isel(mu=1), 95e-12) < 1e-100   # 100 GHz apart
    with pytest.raises(ValueError, match="line_a"):
        overlap_from_lines(table, table.isel(mu=1), 95e-12)
    with pytest.raises(ValueError, match="linewidth"):
        overlap_from_lines({"line_frequency": 1.9e14}, table.isel(mu=1), 95e-12)


# ----------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize("call, name", [
    (lambda: hom_visibility(-0.1, 0.1), "mu_a"),
    (lambda: hom_visibility(0.1, -1e-3), "mu_b"),
    (lambda: hom_visibility(0.1, 0.1, efficiency=1.2), "efficiency"),
    (lambda: hom_visibility(0.1, 0.1, efficiency=0.0), "efficiency"),
    (lambda: hom_visibility(0.1, 0.1, overlap=1.1), "overlap"),
    (lambda: hom_visibility(0.1, 0.1, dark_count=-1e-6), "dark_count"),
    (lambda: hom_visibility(0.0, 0.0), "mu_a"),
    (lambda: hom_visibility(0.1, 0.1, model="exact"), "model"),
    (lambda: bsm_visibility_time_bin(0.1, 0.1, 1.0, 1.5), "coherence"),
    (lambda: bsm_visibility_time_bin(0.1, 0.1, 1.0, (0.9, -0.1)), "coherence"),
    (lambda: bsm_visibility_time_bin(-0.1, 0.1), "mu_a"),
    (lambda: mode_overlap(-1e-9), "pulse_fwhm"),
    (lambda: mode_overlap(1e-9, 0.0), "pulse_fwhm_b"),
    (lambda: mode_overlap(1e-9, linewidth_a=-1.0), "linewidth_a"),
    (lambda: mode_overlap(1e-9, linewidth_b=float("nan")), "linewidth_b"),
    (lambda: mode_overlap(1e-9, jitter=-1e-12), "jitter"),
    (lambda: mode_overlap(1e-9, frequency_noise_sigma=-1.0), "frequency_noise_sigma"),
    (lambda: mode_overlap(1e-9, frequency_offset=float("inf")), "frequency_offset"),
    (lambda: mode_overlap(1e-9, shape="lorentzian"), "shape"),
    (lambda: overlap_factors(1e-9, delay=float("nan")), "delay"),
    (lambda: hom_dip([0.0], pulse_fwhm=1e-9, model="exact"), "model"),
    (lambda: mode_overlap(1e-9, jones=([0, 0], [1, 0])), "jones"),
    (lambda: mode_overlap(1e-9, polarization_angle=0.1, jones=([1, 0], [1, 0])), "polarization_angle"),
    (lambda: phase_noise_factor(1e-9, -5.0), "linewidth_a"),
    (lambda: time_bin_coherence(-1.0, 1e-8), "linewidth"),
    (lambda: time_bin_coherence(1e5, -1e-8), "bin_separation"),
    (lambda: hom_dip([0.0, np.nan], pulse_fwhm=1e-9), "delay"),
    (lambda: hom_dip([0.0], pulse_fwhm=1e-9, efficiency=2.0), "efficiency"),
    (lambda: overlap_from_lines({"line_frequency": -1.0, "linewidth": 0.0}, {"line_frequency": 1e14, "linewidth": 0.0},
                                1e-9), "line_a"),
    (lambda: overlap_from_lines({"line_frequency": 1e14, "linewidth": -1.0}, {"line_frequency": 1e14, "linewidth": 0.0},
                                1e-9), "linewidth"),
])
def test_bad_inputs_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_module_exports():
    assert set(hom.__all__) >= {"mode_overlap", "hom_visibility", "hom_dip", "bsm_visibility_time_bin", "overlap_from_lines"}
