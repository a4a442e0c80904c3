"""Fabrication Monte Carlo: system A's ring from geometry spreads, an InP MZI from coupler and layer spreads."""

import numpy as np
import pytest

from combchip.systems.fabrication import modulator_monte_carlo, ring_monte_carlo
from combchip.systems.published import SYSTEM_A, SYSTEM_C
from combchip.waveguide import lateral_decay_constant


def test_ring_copies_are_seeded_and_consistent():
    ds = ring_monte_carlo(4, seed=4)
    again = ring_monte_carlo(4, seed=4)
    assert ds.identical(again) and not ds.fsr[:2].equals(ring_monte_carlo(2, seed=5).fsr)
    assert ds.fsr.attrs["units"] == "Hz" and ds.kappa_ex.attrs["units"] == "rad/s" and "eim" in ds.attrs["mode_engine"]
    np.testing.assert_allclose(ds.zeta_max, np.pi**2 * ds.f2 / 8, rtol=1e-12)  # Herr et al. 2014
    np.testing.assert_allclose(ds.soliton_detuning_max, ds.kappa * ds.zeta_max / (4 * np.pi), rtol=1e-12)
    biased = ring_monte_carlo(3, height_sigma=0.0, gap_sigma=0.0, seed=4)  # a width bias closes the gap as much
    np.testing.assert_allclose(biased.gap - SYSTEM_A.coupler_gap, -(biased.width - SYSTEM_A.waveguide_width), atol=1e-18)
    exact = ring_monte_carlo(3, width_sigma=0.0, height_sigma=0.0, gap_sigma=0.0)
    for name in ("fsr", "d2", "kappa_ex"):
        assert float(exact[name].std() / exact[name].mean()) < 1e-12  # no spread in, none out (to rounding)
    # the loaded κ of the design is the published mean loaded Q's
    omega = 2 * np.pi * 299792458.0 / SYSTEM_A.pump_wavelength
    np.testing.assert_allclose(exact.kappa, omega / SYSTEM_A.q_loaded, rtol=1e-12)


def test_coupling_falls_with_the_gap_at_twice_the_evanescent_decay():
    # point-coupler model: ln κ_ex linear in the gap with slope −2γ, γ = k₀√(n_eff² − n_clad²); the 5 % allows
    # for the slab supermodes' own decay, which the model's closed form takes as γ
    ds = ring_monte_carlo(8, width_sigma=0.0, height_sigma=0.0, gap_sigma=20e-9, seed=2)
    slope = np.polyfit(ds.gap.values, np.log(ds.kappa_ex.values), 1)[0]
    gamma = lateral_decay_constant(width=SYSTEM_A.waveguide_width, height=SYSTEM_A.waveguide_height,
                                   wavelength=SYSTEM_A.pump_wavelength)
    assert slope == pytest.approx(-2 * gamma, rel=0.05)
    assert float(ds.fsr.std()) < 1.0  # the gap does not touch the ring's dispersion


def test_modulator_extinction_and_v_pi_follow_their_closed_forms():
    ds = modulator_monte_carlo(20, seed=1)
    r1, r2 = ds.splitter_ratio.values, ds.combiner_ratio.values
    # ER = ((A + B)/(A − B))² = (A + B)⁴/(r₂ − r₁)², since A² − B² = r₂ − r₁; (A + B)⁴ = 1 − O(δ²) is < 0.05 dB here
    a_plus_b = np.sqrt(r2 * (1 - r1)) + np.sqrt(r1 * (1 - r2))
    expected = 40 * np.log10(a_plus_b) - 20 * np.log10(np.abs(r2 - r1))
    np.testing.assert_allclose(ds.extinction_ratio, expected, rtol=1e-9)
    np.testing.assert_allclose(ds.extinction_ratio, -20 * np.log10(np.abs(r2 - r1)), atol=0.05)
    section = {"n": 3.17, "r": 1.4e-12, "overlap": 0.7, "length": 4e-3}
    closed = 1550e-9 * ds.thickness / (section["n"] ** 3 * section["r"] * section["overlap"] * section["length"])
    np.testing.assert_allclose(ds.v_pi, closed, rtol=1e-6)  # Vπ = λd/(n³rΓL), single drive
    assert ds.attrs["published_v_pi"] == SYSTEM_C.v_pi and ds.extinction_ratio.attrs["units"] == "dB"


@pytest.mark.slow
def test_extinction_spread_in_db_is_that_of_a_log_normal_variable():
    # ER_dB ≈ −20 log₁₀|r₂ − r₁|: the std of ln|Z| is π/(2√2) for any σ, so σ(ER_dB) = 20/ln 10·π/(2√2) ≈ 9.65 dB
    # (system C reports 5.6 dB). Excess kurtosis 4 of ln|Z| gives a 6 % standard error at n = 400: tolerance 20 %.
    ds = modulator_monte_carlo(400, seed=3)
    assert float(ds.extinction_ratio.std()) == pytest.approx(20 / np.log(10) * np.pi / (2 * np.sqrt(2)), rel=0.2)


@pytest.mark.parametrize("call, match", [
    (lambda: ring_monte_carlo(1), "samples"),
    (lambda: ring_monte_carlo(4, width_sigma=-1e-9), "width_sigma"),
    (lambda: ring_monte_carlo(4, gap_sigma=float("nan")), "gap_sigma"),
    (lambda: ring_monte_carlo(4, seed=-1), "seed"),
    (lambda: modulator_monte_carlo(4, splitter_sigma=-0.1), "splitter_sigma"),
    (lambda: modulator_monte_carlo(4, thickness_sigma=-1.0), "thickness_sigma"),
])
def test_bad_inputs_are_refused(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_plot_fabrication_draws_the_published_band():
    import matplotlib

    matplotlib.use("Agg")
    from combchip.plotting.maps import plot_fabrication

    fig = plot_fabrication(modulator_monte_carlo(8, seed=0))
    labels = [t.get_text() for ax in fig.axes for t in ax.get_legend().get_texts()]
    assert any(label.startswith("published 5.8 ± 1.4 V") for label in labels)
    assert any(label.startswith("published 33.8 ± 5.6 dB") for label in labels)
