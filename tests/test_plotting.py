"""Every figure draws the data it is given, in the units its labels state."""

import numpy as np
import pytest

import combchip as cc
from combchip import plotting

LAMBDA = 1536.67e-9


@pytest.fixture(scope="module")
def run():
    ring = cc.Ring(LAMBDA, 98.75e9, 2 * np.pi * 70e6, 2 * np.pi * 110e6, d2=2 * np.pi * 0.6e6)
    with pytest.warns(RuntimeWarning, match="aliased"):  # 128 modes keep it fast; the MI comb overfills them
        return cc.simulate_comb(ring, cc.Laser(LAMBDA, 0.3), cc.Ramp(-0.3e9, 0.4e9, 200 / ring.kappa), modes=128,
                                seed=[0, 1], snapshots=4, progress=False)


def test_steps_figure_plots_comb_power_in_mw_against_detuning_in_ghz(run):
    ax = plotting.plot_steps(run).axes[0]
    assert len(ax.lines) == 2
    np.testing.assert_allclose(ax.lines[1].get_xdata(), run.detuning[1] / 1e9)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), run.comb_power[1] * 1e3)
    assert "GHz" in ax.get_xlabel() and "mW" in ax.get_ylabel()


def test_spectrum_figure_plots_dbm_against_wavelength(run):
    ax = plotting.plot_spectrum(run, floor_dbm=-300).axes[0]
    segments = ax.collections[0].get_segments()
    tops = np.array([s[1, 1] for s in segments])
    expected = 10 * np.log10(run.spectrum.isel(run=0, snapshot=-1).values / 1e-3)
    np.testing.assert_allclose(tops, expected)
    assert "nm" in ax.get_xlabel() and "dBm" in ax.get_ylabel()


def test_intensity_and_lines_and_cw_figures(run):
    ax = plotting.plot_intensity(run).axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), np.abs(run.field.isel(run=0, snapshot=-1)) ** 2)
    lines = cc.comb_lines(run, snapshots=slice(-3, None))
    axes = plotting.plot_lines(lines).axes
    np.testing.assert_allclose(axes[0].lines[0].get_ydata(), lines.power_dbm)
    zeta = np.linspace(-2, 6, 50)
    cw = plotting.plot_cw_branch(8.0, zeta).axes[0]
    np.testing.assert_allclose(cw.lines[0].get_ydata(), cc.solvers.cw_branch(8.0, zeta)[:, 0])
    assert len(plotting.plot_summary(run).axes) == 3
