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


def test_no_offset_ticks_on_a_narrow_wavelength_range():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([1536.60, 1536.61, 1536.62], [0, 1, 2])  # matplotlib's default would tick "+1.5366e3"
    fig.canvas.draw()
    assert ax.xaxis.get_major_formatter().get_offset() == ""
    plt.close(fig)


def test_each_soliton_number_is_labelled_once(run):
    import xarray as xr

    numbers = [4, 4, 2, 2, 1, 4]
    plateaus = xr.Dataset({"soliton_number": ("plateau", numbers),
                           "detuning_stop": ("plateau", np.linspace(0.1e9, 0.3e9, 6)),
                           "comb_power": ("plateau", np.linspace(1e-3, 2e-3, 6))})
    ax = plotting.plot_steps(run, plateaus=plateaus).axes[0]
    assert sorted(t.get_text() for t in ax.texts) == ["N = 1", "N = 2", "N = 4"]


def test_spectrum_and_profile_titles_name_the_run_and_a_readable_time(run):
    from combchip.plotting.axes import format_time

    time = float(run.snapshot_time[-1])
    for plot in (plotting.plot_spectrum, plotting.plot_intensity):
        title = plot(run, run=1).axes[0].get_title()
        assert f"seed {int(run.seed[1])}" in title and format_time(time) in title
    assert [format_time(t) for t in (2.5e-6, 4.2e-10, 7200.0, 0.0)] == ["2.5 µs", "420 ps", "2 h", "0 ps"]


def test_every_reference_line_of_the_hom_dip_is_labelled():
    from combchip.link.hom import hom_dip

    ax = plotting.plot_hom_dip(hom_dip(np.linspace(-3e-9, 3e-9, 61), pulse_fwhm=0.8e-9, model="weak")).axes[0]
    assert len(ax.lines) == 3 and all(not line.get_label().startswith("_") for line in ax.lines)
