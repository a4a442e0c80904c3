"""Transmitter-chip figures draw the model's numbers, in the units their labels state."""

from dataclasses import replace

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from combchip import plotting  # noqa: E402
from combchip.schema import CombLine  # noqa: E402
from combchip.tx.drive import pulse_fwhm  # noqa: E402
from combchip.tx.grating_couplers import GratingCoupler1D, GratingCoupler2D  # noqa: E402
from combchip.systems import system_b_transmitter  # noqa: E402
from combchip.systems.published import SYSTEM_A  # noqa: E402
from combchip.tx.chips import STATES  # noqa: E402

LINE = CombLine(frequency=299792458.0 / 1550e-9, power=1e-3)
"""A 1 mW comb line at the chip's design wavelength."""


@pytest.fixture(scope="module")
def chip():
    return system_b_transmitter()


@pytest.fixture(scope="module")
def table(chip):
    return chip.table_for(("z", "y", "x", "o"), SYSTEM_A.intensities, chip.voa_open, LINE)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _line(ax, label):
    (line,) = [ln for ln in ax.lines if ln.get_label() == label]
    return line


def test_mzi_transfer_plots_both_ports_in_db_against_volts_and_marks_v_pi(chip):
    mzi = chip.carver
    v_pi = mzi.v_pi(v_max=7.8)
    ax = plotting.plot_mzi_transfer(mzi).axes[0]
    cross, bar = _line(ax, "cross (output)"), _line(ax, "bar")
    volts = cross.get_xdata()
    assert volts[0] == 0 and v_pi < volts[-1] <= 7.8  # 2·Vπ would forward-bias an arm: capped at v_max
    expected = mzi.transmission(volts)
    np.testing.assert_allclose(bar.get_ydata(), 10 * np.log10(expected[:, 0]))
    np.testing.assert_allclose(cross.get_ydata(), 10 * np.log10(expected[:, 1]))
    assert cross.get_linewidth() > bar.get_linewidth()
    marks = [ln for ln in ax.lines if ln not in (cross, bar)]
    assert len(marks) == 1 and np.allclose(marks[0].get_xdata(), v_pi)
    assert "[V]" in ax.get_xlabel() and "dB" in ax.get_ylabel()

    volts = np.linspace(-2, 5, 50)
    ax = plotting.plot_mzi_transfer(chip.basis, voltages=volts, db=False).axes[0]
    np.testing.assert_allclose(_line(ax, "cross (output)").get_ydata(), chip.basis.transmission(volts, port="cross"))
    np.testing.assert_allclose(_line(ax, "bar").get_xdata(), volts)
    assert "dB" not in ax.get_ylabel()


def test_mzi_transfer_of_a_thermo_optic_voa_uses_heater_power_in_mw(chip):
    voa = chip.voa
    ax = plotting.plot_mzi_transfer(voa).axes[0]
    line = _line(ax, f"{voa.output} (output)")
    milliwatts = line.get_xdata()
    np.testing.assert_allclose(milliwatts[-1], 2e3 * voa.v_pi())
    expected = voa.transmission(milliwatts / 1e3, port=voa.output)
    floored = np.maximum(expected, 1e-30)  # the ideal null is drawn at the −300 dB floor
    np.testing.assert_allclose(line.get_ydata(), 10 * np.log10(floored))
    assert "mW" in ax.get_xlabel()


def test_pulse_train_plots_carver_power_in_mw_against_ps_with_fwhm_in_title(chip):
    drive = replace(chip.drive, samples_per_symbol=256)
    voltage = drive.waveform(chip._carver_words(6, chip.carver_amplitude))
    power = chip.carver.transmission(voltage, port=chip.carver.output)  # mW for 1 mW in
    ax = plotting.plot_pulse_train(chip, symbols=6).axes[0]
    line = ax.lines[0]
    np.testing.assert_allclose(line.get_xdata(), np.arange(6 * 256) / drive.sample_rate * 1e12)
    np.testing.assert_allclose(line.get_ydata(), power)
    fwhm = pulse_fwhm(power, drive.sample_rate, 256).mean() * 1e12
    assert f"{fwhm:.1f} ps" in ax.get_title()
    assert "[ps]" in ax.get_xlabel() and "mW" in ax.get_ylabel()

    eye = plotting.plot_pulse_train(chip, symbols=6, eye=True).axes[0]
    assert len(eye.lines) == 6
    for k, slot in enumerate(eye.lines):
        np.testing.assert_allclose(slot.get_xdata(), np.arange(256) / drive.sample_rate * 1e12)
        np.testing.assert_allclose(slot.get_ydata(), power[k * 256 : (k + 1) * 256])
    assert eye.get_xlim() == pytest.approx((0, 400))


def test_grating_spectrum_plots_db_against_nm_with_bandwidth_bars():
    coupler = GratingCoupler1D.soi()
    ax = plotting.plot_grating_spectrum(coupler).axes[0]
    line = ax.lines[0]
    nm = line.get_xdata()
    np.testing.assert_allclose(line.get_ydata(), 10 * np.log10(coupler.transmission(nm * 1e-9)))
    centre = coupler.centre_wavelength * 1e9
    assert nm[0] < centre < nm[-1]
    bars = ax.collections
    for bar, level, width in zip(bars, (1, 3), (coupler.bandwidth_1db, coupler.bandwidth_3db)):
        (segment,) = bar.get_segments()
        np.testing.assert_allclose(segment[:, 1], -coupler.insertion_loss_db - level)
        np.testing.assert_allclose(segment[:, 0], centre + np.array([-0.5, 0.5]) * width * 1e9)
        # the bar's ends lie on the curve
        np.testing.assert_allclose(10 * np.log10(coupler.transmission(segment[:, 0] * 1e-9)), segment[:, 1])
    assert "nm" in ax.get_xlabel() and "dB" in ax.get_ylabel()


def test_grating_spectrum_of_a_2d_coupler_plots_both_arms():
    coupler = GratingCoupler2D.soi()
    nm = np.linspace(1520, 1580, 61)
    ax = plotting.plot_grating_spectrum(coupler, wavelengths=nm * 1e-9).axes[0]
    expected = 10 * np.log10(coupler.transmission(nm * 1e-9))
    for k, name in enumerate(("H (arm 1)", "V (arm 2)")):
        np.testing.assert_allclose(_line(ax, name).get_xdata(), nm)
        np.testing.assert_allclose(_line(ax, name).get_ydata(), expected[k])


def test_states_plot_stokes_vectors_of_the_table_and_the_ideal_states(table):
    ax = plotting.plot_states(table).axes[0]
    rho = table.density
    stokes = np.stack([(rho[..., 0, 0] - rho[..., 1, 1]).real, 2 * rho[..., 0, 1].real, -2 * rho[..., 0, 1].imag], -1)
    assert np.allclose(np.trace(rho, axis1=2, axis2=3), 1)
    for k, name in enumerate(STATES):
        expected = stokes[:, k::4].reshape(-1, 3)  # every previous class, every intensity of this state
        plotted = np.array(_line(ax, name).get_data_3d()).T
        np.testing.assert_allclose(plotted, expected, atol=1e-12)
    # for unit-trace ρ the fidelity with the ideal state ŝ is F = (1 + S·ŝ)/2
    axes = np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0]] * len(table.labels))
    np.testing.assert_allclose(np.einsum("pci,ci->pc", stokes, axes), 2 * table.fidelity - 1, atol=1e-12)
    ideal = np.array(_line(ax, "ideal").get_data_3d()).T
    np.testing.assert_allclose(ideal, [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0]])
    assert ax.get_xlabel().startswith("S1") and ax.get_ylabel().startswith("S2") and ax.get_zlabel().startswith("S3")


def test_stokes_sign_convention_and_symbol_dataset(chip):
    jones = np.array([[1, 0], [0, 1], [1, 1], [1, -1], [1, 1j]]) / np.array([1, 1, 2**0.5, 2**0.5, 2**0.5])[:, None]
    rho = np.einsum("ki,kj->kij", jones, jones.conj())
    np.testing.assert_allclose(plotting.stokes_vectors(rho),
                               [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1]], atol=1e-15)

    ds = chip.symbols(200, LINE, seed=1)
    ax = plotting.plot_states(ds).axes[0]
    x0 = (ds.basis.values == 1) & (ds.bit.values == 0)
    plotted = np.array(_line(ax, "X0").get_data_3d()).T
    np.testing.assert_allclose(plotted[:, 1], 2 * ds.fidelity.values[x0] - 1)
    np.testing.assert_allclose(plotted[:, [0, 2]], 0)
    with pytest.raises(ValueError, match="3D"):
        plotting.plot_states(ds, ax=plt.subplots()[1])


def test_every_reference_line_of_the_transmitter_figures_is_labelled(chip):
    axes = [plotting.plot_mzi_transfer(chip.carver).axes[0], plotting.plot_pulse_train(chip, symbols=4).axes[0],
            plotting.plot_grating_spectrum(GratingCoupler1D.soi()).axes[0]]
    for ax in axes:
        assert all(not line.get_label().startswith("_") for line in ax.lines), ax.get_title()
