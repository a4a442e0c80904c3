"""Heat-diffusion thermorefractive noise of a mode's heat weight: closed forms, limits and the sampled-weight path."""

import math

import numpy as np
import pytest
from scipy.constants import k as k_B
from scipy.integrate import quad

from combchip.comb.line_noise import ThermalFrequencyNoise, line_frequency_noise
from combchip.comb.thermorefractive import ThermalDiffusion, gaussian_kernel

T, L, RHO_C, KAPPA_TH = 300.0, 6e-3, 1.628e6, 1.38       # SiO₂ around a 6 mm ring
D = KAPPA_TH / RHO_C
WIDTHS = (1.5e-6, 0.6e-6)


def _direct(frequency, spectrum, scales):
    """∫ d²k/(4π²)·|ŵ(k)|²·2Dk²/(ω² + D²k⁴) by nested adaptive quadrature over θ ∈ [0, π/2] (×4) and ln k."""
    omega = 2 * math.pi * frequency
    marks = sorted([math.log(math.sqrt(omega / D))] + [math.log(1 / s) for s in scales])

    def radial(theta):
        def f(u):
            k = math.exp(u)
            return k * k * spectrum(k * math.cos(theta), k * math.sin(theta)) * 2 * D * k**2 / (omega**2 + D**2 * k**4)
        return quad(f, marks[0] - 14, marks[-1] + 7, points=marks, limit=400, epsabs=0, epsrel=1e-11)[0]
    return 4 * quad(radial, 0, math.pi / 2, limit=200, epsabs=0, epsrel=1e-11)[0] / (4 * math.pi**2)


def test_gaussian_closed_form_equals_the_wavenumber_integral():
    ax, ay = WIDTHS
    gauss = lambda kx, ky: math.exp(-(kx * ax) ** 2 / 2 - (ky * ay) ** 2 / 2)   # noqa: E731
    for f in (1e2, 1e5, 1e7):
        # both sides converge to ≤ 1e-10; the A&S asymptotic switch errs < 1e-8
        assert gaussian_kernel(f, WIDTHS, D) == pytest.approx(_direct(f, gauss, WIDTHS), rel=1e-8)


def test_spectrum_integrates_to_the_fluctuation_dissipation_variance():
    trn = ThermalDiffusion(WIDTHS, L, T, RHO_C, KAPPA_TH)
    assert trn.variance == pytest.approx(k_B * T**2 / (RHO_C * L * 2 * math.pi * WIDTHS[0] * WIDTHS[1]), rel=1e-14)
    corners = [math.log(D / a**2) for a in WIDTHS]
    total = quad(lambda u: float(trn.psd(math.exp(u))) * math.exp(u), math.log(1e-12), math.log(1e16),
                 points=corners, limit=800, epsrel=1e-10)[0]
    # the tails beyond 1e-12 and 1e16 Hz hold < 1e-9 of it (f·ln f and 1/f)
    assert total == pytest.approx(trn.variance, rel=1e-6)


def test_low_high_and_elongated_limits():
    trn = ThermalDiffusion(WIDTHS, L, T, RHO_C, KAPPA_TH)
    scale = k_B * T**2 / (math.pi * KAPPA_TH * L)
    mean = sum(WIDTHS) / 2
    f = 1e-3            # ω·a²/D ≈ 1e-8: the next term is O(z ln z)
    assert float(trn.psd(f)) == pytest.approx(scale * (-np.euler_gamma - math.log(math.pi * f * mean**2 / D)),
                                              rel=1e-6)
    f, omega = 1e12, 2e12 * math.pi      # z ≈ 1e6: the next term is O(1/z²)
    high = 2 * D * k_B * T**2 * sum(a**-2 for a in WIDTHS) / (math.pi * RHO_C * L * WIDTHS[0] * WIDTHS[1] * omega**2)
    assert float(trn.psd(f)) == pytest.approx(high, rel=1e-6)
    # a_x/a_y = 10⁴, midway between the corners: ω^(−1/2), corrections O((ω a_y²/D)^(1/2), (D/ω a_x²)^(1/2)) = 1 %
    ax, ay = 100e-6, 10e-9
    flat = ThermalDiffusion((ax, ay), L, T, RHO_C, KAPPA_TH)
    omega = D / (ax * ay)
    mid = k_B * T**2 / (L * ax * math.sqrt(math.pi * omega * KAPPA_TH * RHO_C))
    assert float(flat.psd(omega / (2 * math.pi))) == pytest.approx(mid, rel=0.02)


def test_single_pole_shares_the_variance_and_the_high_frequency_tail():
    trn = ThermalDiffusion(WIDTHS, L, T, RHO_C, KAPPA_TH)
    tau = 1 / (D * sum(a**-2 for a in WIDTHS))
    pole = ThermalFrequencyNoise.thermorefractive(T, L * 2 * math.pi * WIDTHS[0] * WIDTHS[1], RHO_C, 1.0, tau, 0.0, 1.0)
    assert pole.variance == pytest.approx(trn.variance, rel=1e-12)
    # both fall as f⁻² far above the corner, with the same coefficient (next terms O(1/(ωτ)²))
    assert float(pole.driver_psd([1e12, 2e12])[0]) == pytest.approx(float(trn.psd(1e12)), rel=1e-6)
    # but the diffusion spectrum is far above the pole's between the corners (log, then slower than f⁻²)
    assert float(trn.psd(1e3)) > 3 * float(pole.driver_psd([1e3, 2e3])[0])


def test_sampled_gaussian_weight_needs_no_shape_correction():
    x, y = np.linspace(-12e-6, 12e-6, 401), np.linspace(-6e-6, 6e-6, 401)
    w = np.exp(-(x[:, None] - 0.3e-6) ** 2 / WIDTHS[0] ** 2 - y[None, :] ** 2 / WIDTHS[1] ** 2)
    trn = ThermalDiffusion.from_weight(x, y, w, L, T, RHO_C, KAPPA_TH)
    assert trn.widths == pytest.approx(WIDTHS, rel=1e-9)       # the centroid is removed
    f = np.logspace(0, 9, 10)
    np.testing.assert_allclose(trn.psd(f), ThermalDiffusion(WIDTHS, L, T, RHO_C, KAPPA_TH).psd(f), rtol=1e-9)


def test_sampled_exponential_weight_matches_its_transform():
    """w ∝ exp(−|x|/b_x − |y|/b_y): ŵ = 1/((1 + k_x²b_x²)(1 + k_y²b_y²)), ∫w² = 1/(16 b_x b_y); its cusps make the
    tail fall slower than a Gaussian's, which the binned FFT must carry."""
    bx, by = 1e-6, 0.25e-6
    x, y = 0.04e-6 * (np.arange(-350, 350) + 0.5), 0.01e-6 * (np.arange(-400, 400) + 0.5)
    trn = ThermalDiffusion.from_weight(x, y, np.exp(-np.abs(x[:, None]) / bx - np.abs(y[None, :]) / by),
                                       L, T, RHO_C, KAPPA_TH)
    # midpoint sampling of the cusp errs O((Δ/b)²) ≈ 2e-3
    assert trn.weight_square == pytest.approx(1 / (16 * bx * by), rel=4e-3)
    spectrum = lambda kx, ky: 1 / ((1 + (kx * bx) ** 2) * (1 + (ky * by) ** 2)) ** 2   # noqa: E731
    scale = 2 * k_B * T**2 / (RHO_C * L)
    for f in (1e4, 1e6, 1e8):
        # 12 bins per decade: the kernel at the bin centre errs ≲ 0.5 %
        assert float(trn.psd(f)) == pytest.approx(scale * _direct(f, spectrum, (bx, by)), rel=0.01)


def test_thermal_frequency_noise_carries_the_diffusion_spectrum():
    trn = ThermalDiffusion(WIDTHS, L, T, RHO_C, KAPPA_TH)
    noise = ThermalFrequencyNoise.thermal_diffusion(trn, -1e9, -1e5)
    f = np.logspace(0, 8, 9)
    np.testing.assert_array_equal(noise.driver_psd(f), trn.psd(f))
    assert noise.white_level == 0.0
    ds = line_frequency_noise([noise], [0, 10], f)
    np.testing.assert_allclose(ds.total_psd.sel(mu=0), 1e18 * trn.psd(f), rtol=1e-12)
    assert isinstance(ds.attrs["thermorefractive_diffusion"], str)         # a NetCDF-writable attribute


def test_plot_thermorefractive():
    import matplotlib.pyplot as plt

    from combchip.plotting.noise import plot_thermorefractive

    fig = plot_thermorefractive(ThermalDiffusion(WIDTHS, L, T, RHO_C, KAPPA_TH, (1e7,), (1e10,)))
    assert len(fig.axes[0].lines) == 5
    plt.close(fig)
    with pytest.raises(ValueError, match="diffusion"):
        plot_thermorefractive(None)


@pytest.mark.parametrize("call, name", [
    (lambda: ThermalDiffusion((0.0, 1e-6), L, T, RHO_C, KAPPA_TH), "widths"),
    (lambda: ThermalDiffusion((1e-6,), L, T, RHO_C, KAPPA_TH), "widths"),
    (lambda: ThermalDiffusion(WIDTHS, -L, T, RHO_C, KAPPA_TH), "length"),
    (lambda: ThermalDiffusion(WIDTHS, L, 0.0, RHO_C, KAPPA_TH), "temperature"),
    (lambda: ThermalDiffusion(WIDTHS, L, T, np.nan, KAPPA_TH), "heat_capacity"),
    (lambda: ThermalDiffusion(WIDTHS, L, T, RHO_C, 0.0), "conductivity"),
    (lambda: ThermalDiffusion(WIDTHS, L, T, RHO_C, KAPPA_TH, (1e6,), ()), "shape_wavenumbers"),
    (lambda: ThermalDiffusion(WIDTHS, L, T, RHO_C, KAPPA_TH).psd([0.0, 1.0]), "frequency"),
    (lambda: gaussian_kernel(1.0, WIDTHS, -D), "diffusivity"),
    (lambda: gaussian_kernel(1.0, (1e-6, np.inf), D), "widths"),
    (lambda: ThermalDiffusion.from_weight(np.geomspace(1, 2, 9), np.arange(9.0), np.ones((9, 9)), L, T, RHO_C,
                                          KAPPA_TH), "x"),
    (lambda: ThermalDiffusion.from_weight(np.arange(9.0), np.arange(9.0), -np.ones((9, 9)), L, T, RHO_C,
                                          KAPPA_TH), "weight"),
    (lambda: ThermalFrequencyNoise.thermal_diffusion("hot", 1.0, 1.0), "diffusion"),
])
def test_bad_input_is_rejected(call, name):
    with pytest.raises(ValueError, match=name):
        call()
