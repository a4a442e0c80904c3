"""Delayed self-heterodyne: white noise gives π·h₀, flicker broadens with the delay, bad inputs are named."""

import math

import numpy as np
import pytest
import xarray as xr

from combchip.comb.coherence import trace_coherence
from combchip.comb.self_heterodyne import fiber_delay, self_heterodyne, self_heterodyne_from_coherence

F = np.logspace(0, 10, 400)   # 1 Hz (1 s observation) to 10 GHz


def test_white_noise_gives_the_lorentzian_linewidth_pi_h0():
    h0 = 1e4
    # 20 km: τ_d = 98 µs, 2πΔν·τ_d = 19, the carrier is e⁻¹⁹; the beat is a Lorentzian of FWHM 2πh₀ (Richter 1986)
    # cut at τ_d, so the fit is wide by ≈ e^{−2πΔν τ_d} plus the 0.1 % sampling of the 400-point grid
    dsh = self_heterodyne(F, np.full(F.size, h0), fiber_delay(20e3), samples=1024)
    assert dsh.attrs["status"] == "resolved"
    assert float(dsh.linewidth) == pytest.approx(math.pi * h0, rel=0.01)
    assert float(dsh.carrier_fraction) == pytest.approx(math.exp(-2 * math.pi**2 * h0 * fiber_delay(20e3)), rel=0.02)
    # the beat integrates to the continuous power 1 − carrier
    assert np.trapezoid(dsh.beat, dsh.offset) == pytest.approx(1 - float(dsh.carrier_fraction), rel=0.02)
    # 1 km (τ_d ≈ 0.16/Δν): a carrier of e^{−2πΔν τ_d} = 0.38 and delay fringes; no linewidth, a reason
    short = self_heterodyne(F, np.full(F.size, h0), fiber_delay(1e3), samples=1024)
    assert short.attrs["status"] == "delay_too_short" and np.isnan(float(short.linewidth))
    assert float(short.carrier_fraction) == pytest.approx(0.38, abs=0.01)
    assert "coherence time" in short.attrs["reason"]


def test_flicker_noise_broadens_the_beat_with_the_delay_as_ln_tau():
    h1 = 1e11
    widths = {tau: float(self_heterodyne(F, h1 / F, tau, samples=1024).direct_fwhm) for tau in (5e-4, 5e-3)}
    # quasi-static Gaussian beat: FWHM² = 8 ln2 · 4h₋₁∫sin²(πfτ_d)/f df + const, so FWHM² grows by
    # 16 ln2 · h₋₁ · ln(τ₂/τ₁) (Mercer 1991); the leading term of a law whose correction falls only as
    # 1/ln(FWHM·τ_d) (7, 5.6 and 4.3 % over the decades from 50 µs to 50 ms): 10 %
    growth = widths[5e-3] ** 2 - widths[5e-4] ** 2
    assert growth == pytest.approx(16 * math.log(2) * h1 * math.log(10), rel=0.1)
    assert widths[5e-3] * 5e-4 > 1e3


def test_long_delay_limit_from_a_coherence_record():
    # a Lorentzian line sampled as |g1|² = e^{−2πΔν s}: the beat is a Lorentzian of FWHM 2Δν
    linewidth, spacing = 2e6, 1e-9
    lag = np.arange(4000) * spacing
    coh = xr.Dataset({"g1_squared": ("lag", np.exp(-2 * math.pi * linewidth * lag))}, coords={"lag": lag})
    dsh = self_heterodyne_from_coherence(coh, samples=1024)
    assert dsh.attrs["status"] == "resolved"
    assert float(dsh.linewidth) == pytest.approx(linewidth, rel=0.02)   # the 1 ns lag step: 2πΔν·Δs/2 ≈ 0.6 %
    steady = trace_coherence(np.ones(64), 1e-9)
    flat = self_heterodyne_from_coherence(steady)
    assert flat.attrs["status"] == "above_span" and np.isnan(float(flat.linewidth))


@pytest.mark.parametrize("call, name", [
    (lambda: self_heterodyne(F, np.ones(F.size), -1.0), "delay"),
    (lambda: self_heterodyne(F, np.ones(F.size), 1e-5, aom_shift=0.0), "aom_shift"),
    (lambda: self_heterodyne(F, -np.ones(F.size), 1e-5), "psd"),
    (lambda: self_heterodyne(F[::-1], np.ones(F.size), 1e-5), "frequency"),
    (lambda: fiber_delay(-1.0), "length"),
    (lambda: fiber_delay(1e3, group_index=0.5), "group_index"),
    (lambda: self_heterodyne_from_coherence("coh"), "coherence"),
])
def test_bad_inputs_are_rejected(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_dsh_figure_shows_the_beat_and_its_fit(tmp_path):
    from combchip.plotting import plot_self_heterodyne

    dsh = self_heterodyne(F, np.full(F.size, 1e4), fiber_delay(20e3), samples=512)
    fig = plot_self_heterodyne(dsh)
    beat, fit = fig.axes[0].lines
    np.testing.assert_allclose(beat.get_xdata(), dsh.offset.values / 1e6)
    assert f"{float(dsh.linewidth) / 1e3:.4g} kHz" in fit.get_label()
    fig.savefig(tmp_path / "dsh.png")
    assert (tmp_path / "dsh.png").stat().st_size > 1000
