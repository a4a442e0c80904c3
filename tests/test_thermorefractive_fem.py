"""Finite-element thermorefractive noise: closed forms, the discrete sum rule, the heat sink, two materials."""

import math

import numpy as np
import pytest
from scipy.constants import k as k_B

from combchip.comb.thermorefractive import ThermalDiffusion
from combchip.comb.thermorefractive_fem import SI3N4, CrossSection, ThermalMaterial, fem_temperature_noise
from combchip.systems.system_c import SIO2_THERMAL

SIO2 = ThermalMaterial(**SIO2_THERMAL)
LENGTH, TEMPERATURE = 2 * math.pi * 1e-3, 300.0


def test_homogeneous_matches_infinite_medium_closed_form():
    # 0.1–100 MHz: diffusion lengths √(D/ω) = 1.2 µm … 37 nm ≪ the 4 µm to the walls (their correction ~ e^(−2d/ℓ)),
    # and P2 elements of ≤ 200 nm resolve the Gaussian (a_y = 0.6 µm): measured 5e-4 (P1 at 100 nm: 1.5 %).
    widths = (1e-6, 0.6e-6)
    section = CrossSection(1e-6, 0.4e-6, 4e-6, 4e-6, SIO2, SIO2)
    f = np.array([1e5, 1e6, 1e7, 1e8])
    ds = fem_temperature_noise(section, widths, LENGTH, TEMPERATURE, f, step=200e-9, growth=1.2, order=2)
    closed = ThermalDiffusion(widths, LENGTH, TEMPERATURE, SIO2.volumetric_heat_capacity, SIO2.conductivity)
    np.testing.assert_allclose(ds.temperature_psd.values, closed.psd(f), rtol=3e-3)
    assert ds.temperature_psd.attrs["units"] == "K²/Hz"
    assert ds.attrs["core_conductivity"] == SIO2.conductivity


def test_discrete_sum_rule():
    # ∫S df = k_B T² bᵀM⁻¹b/L holds exactly for any mesh (pole expansion); the log-grid quadrature (30/decade) of
    # Lorentzians plus the flat head S(0)·f_min and the f⁻² tail S(f_max)·f_max is good to ~1e-8.
    section = CrossSection(1e-6, 0.4e-6, 2e-6, 2e-6, SI3N4, SIO2, half_width=10e-6)
    f = np.logspace(-3, 12, 451)
    ds = fem_temperature_noise(section, (1e-6, 0.6e-6), LENGTH, TEMPERATURE, f, step=200e-9, growth=1.3)
    s = ds.temperature_psd.values
    integral = np.trapezoid(s * f, np.log(f)) + s[0] * f[0] + s[-1] * f[-1]
    assert integral == pytest.approx(ds.attrs["discrete_variance"], rel=1e-6)
    assert ds.attrs["discrete_variance"] < ds.attrs["continuum_variance"]


def test_heat_sink_flattens_to_the_strip_static_response():
    # An isotropic Gaussian (a = 0.5 µm) at height h above the isothermal plane in a strip of height H_s (insulating
    # top): images give R = (γ_E/2 + ln(4H_s/(π√2·a)·tan(πh/2H_s)))/(2πκ) exactly for a harmonic regular part
    # (mean-value property); walls at 60 µm add e^(−π·60/2H_s) ≈ 1e-8. P2 at 200 nm: measured 6e-5, tolerance 1e-3.
    a, depth, height, top = 0.5e-6, 2e-6, 0.4e-6, 3e-6
    section = CrossSection(1e-6, height, depth, top, SIO2, SIO2)
    f = np.array([1e-3, 1e-1, 10.0])
    ds = fem_temperature_noise(section, (a, a), LENGTH, TEMPERATURE, f, step=200e-9, growth=1.2, order=2)
    h, strip = depth + height / 2, depth + height + top
    image = 4 * strip / (math.pi * math.sqrt(2) * a) * math.tan(math.pi * h / (2 * strip))
    resistance = (np.euler_gamma / 2 + math.log(image)) / (2 * math.pi * SIO2.conductivity)
    assert ds.attrs["static_psd"] == pytest.approx(4 * k_B * TEMPERATURE**2 * resistance / LENGTH, rel=1e-3)
    # flat below the sink's corner D/(2πd²) ≈ 30 kHz (the homogeneous model's logarithm would rise 20 % per decade)
    np.testing.assert_allclose(ds.temperature_psd.values, ds.attrs["static_psd"], rtol=1e-5)


def test_two_materials_variance_converges_to_equipartition():
    # A weight that jumps ×3 at the 100 nm core's edges: its P1 projection misses O(h) of ∫w²/ρC (the jump), so the
    # gap to the continuum halves with the step (measured 1.39 %, 0.75 %); bᵀM⁻¹b ≤ ∫w²/ρC for every mesh.
    section = CrossSection(2.8e-6, 100e-9, 4e-6, 3e-6, SI3N4, SIO2)

    def weight(x, y):
        return np.where((abs(x) < 1.4e-6) & (abs(y) < 50e-9), 3.0, 1.0) * np.exp(-(x / 1e-6) ** 2 - (y / 0.6e-6) ** 2)

    gaps = []
    for step in (50e-9, 25e-9):
        ds = fem_temperature_noise(section, weight, LENGTH, TEMPERATURE, [1e6], step=step, growth=1.2)
        gaps.append(1 - ds.attrs["discrete_variance"] / ds.attrs["continuum_variance"])
    assert 0 < gaps[1] < 0.01
    assert 0.4 < gaps[1] / gaps[0] < 0.65


@pytest.mark.parametrize("kwargs, name", [
    ({"core_width": -1e-6}, "core_width"), ({"core_height": 0.0}, "core_height"),
    ({"substrate_depth": float("nan")}, "substrate_depth"), ({"top_cladding": -1.0}, "top_cladding"),
    ({"half_width": 1e-6}, "half_width"), ({"core": 3.0}, "core"), ({"cladding": None}, "cladding")])
def test_bad_sections(kwargs, name):
    args = {"core_width": 2.8e-6, "core_height": 100e-9, "substrate_depth": 4e-6, "top_cladding": 3e-6,
            "core": SI3N4, "cladding": SIO2} | kwargs
    with pytest.raises(ValueError, match=name):
        CrossSection(**args)


@pytest.mark.parametrize("kwargs, name", [
    ({"section": "ring"}, "section"), ({"weight": (1e-6, -1e-6)}, "weight"),
    ({"weight": lambda x, y: 0 * x}, "weight"), ({"weight": lambda x, y: np.sin(x / 1e-7)}, "weight"), ({"length": 0.0}, "length"), ({"temperature": -3.0}, "temperature"),
    ({"frequency": [0.0, 1.0]}, "frequency"), ({"step": 1e-6}, "step"), ({"growth": 1.0}, "growth"),
    ({"order": 3}, "order")])
def test_bad_inputs(kwargs, name):
    args = {"section": CrossSection(1e-6, 0.4e-6, 2e-6, 2e-6, SIO2, SIO2, half_width=5e-6), "weight": (1e-6, 5e-7),
            "length": LENGTH, "temperature": TEMPERATURE, "frequency": [1e6], "step": 200e-9} | kwargs
    with pytest.raises(ValueError, match=name):
        fem_temperature_noise(**args)
    with pytest.raises(ValueError, match="density"):
        ThermalMaterial(-1.0, 700.0, 3.0)


def test_plot_fem_thermorefractive():
    import matplotlib
    matplotlib.use("Agg")
    from combchip.plotting import plot_fem_thermorefractive

    section = CrossSection(1e-6, 0.4e-6, 2e-6, 2e-6, SIO2, SIO2, half_width=5e-6)
    f = np.logspace(4, 7, 4)
    ds = fem_temperature_noise(section, (1e-6, 5e-7), LENGTH, TEMPERATURE, f, step=200e-9)
    fig = plot_fem_thermorefractive({"FEM": ds}, scale=2.0, reference={"closed form": (f, 3 * f)})
    reference, fem = fig.axes[0].lines
    np.testing.assert_allclose(reference.get_ydata(), 6 * f)  # the scale multiplies every curve
    np.testing.assert_allclose(fem.get_ydata(), 2 * ds.temperature_psd.values)
    assert f"{ds.attrs['discrete_variance']:.3g}" in fem.get_label() and fig.axes[0].get_ylabel() == "S_ν [Hz²/Hz]"
    with pytest.raises(ValueError, match="curves"):
        plot_fem_thermorefractive({})
    with pytest.raises(ValueError, match="curves"):
        plot_fem_thermorefractive({"FEM": (f, f)})
