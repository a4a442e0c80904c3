"""The layouts' figures carry the circuit models' numbers: the angled facet's R(θ) and the drawn InP chip's
netlist-as-circuit transfer beside the compact chain."""

from __future__ import annotations

import dataclasses
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
import xarray as xr

from combchip.layouts import models as m
from combchip.layouts import plots


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_facet_plot_carries_the_modal_reflectance():
    """Every plotted point is AngledFacet's R(θ) (1e-12, dB round trip); the marked point sits at the facet's
    angle with the closed form R_F(θ)·exp[−(k₀nw₀ sin 2θ/2)²] (1e-12); the plane-wave curve starts at
    ((n − 1)/(n + 1))² and the modal curve never exceeds it (an overlap is ≤ 1)."""
    facet = m.AngledFacet(angle_deg=9.0)
    angles = np.linspace(0.0, 15.0, 31)
    fig = plots.plot_facet_reflectance(facet, angles_deg=angles)
    modal, plane, marked = fig.axes[0].get_lines()
    expected = [dataclasses.replace(facet, angle_deg=a).reflectance(m.WL0_UM) for a in angles]
    assert 10 ** (modal.get_ydata() / 10) == pytest.approx(expected, rel=1e-12)
    theta = math.radians(9.0)
    closed = (m.fresnel_reflectance(facet.neff, theta)
              * math.exp(-((2 * math.pi / (m.WL0_UM * 1e-6) * facet.neff * facet.mode_radius * math.sin(2 * theta))
                           / 2) ** 2))
    assert list(marked.get_xdata()) == [9.0]
    assert 10 ** (marked.get_ydata()[0] / 10) == pytest.approx(closed, rel=1e-12)
    assert 10 ** (plane.get_ydata()[0] / 10) == pytest.approx(((facet.neff - 1) / (facet.neff + 1)) ** 2, rel=1e-12)
    assert np.all(modal.get_ydata() <= plane.get_ydata() + 1e-12)


def test_chip_transfer_plot_is_the_circuit_beside_the_compact_chain():
    """The drawn InP chip's netlist as a circuit against the compact chain, IM I swept ±2V_π at 1550 nm and
    IM III at 1570 nm: the transmissions agree to 2e-9 (the circuit test's 1e-9 on the field modulus, squared),
    both curves and their difference are what the figure plots, and the sweep reaches the IMs' extinction
    (the driven IM's minimum is > 20 dB below its maximum)."""
    for modulator, wl in (("im1", 1.55), ("im3", 1.57)):
        ds = plots.inp_chip_transfer(np.linspace(-12.0, 12.0, 17), modulator=modulator, wl=wl)
        assert ds.circuit.values == pytest.approx(ds.compact.values, rel=2e-9)
        assert ds.circuit.max() / ds.circuit.min() > 100
        assert ds.attrs["modulator"] == modulator and ds.attrs["wavelength"] == pytest.approx(wl * 1e-6)
    fig = plots.plot_chip_transfer(ds)
    top, bottom = fig.axes
    circuit, compact = top.get_lines()
    assert 10 ** (circuit.get_ydata() / 10) == pytest.approx(ds.circuit.values, rel=1e-12)
    assert 10 ** (compact.get_ydata() / 10) == pytest.approx(ds.compact.values, rel=1e-12)
    (gap,) = bottom.get_lines()
    assert gap.get_ydata() == pytest.approx(np.abs(ds.circuit.values - ds.compact.values), abs=0)
    assert bottom.get_yscale() == "log"


def test_layout_plots_reject_nonsense():
    for angles in ([], [-1.0, 2.0], [np.nan], [20.0], [[1.0, 2.0]]):
        with pytest.raises(ValueError, match="angles_deg"):
            plots.plot_facet_reflectance(angles_deg=angles)
    with pytest.raises(ValueError, match="facet"):
        plots.plot_facet_reflectance(facet=7.0)
    with pytest.raises(ValueError, match="wl"):
        plots.plot_facet_reflectance(wl=-1.55)
    with pytest.raises(ValueError, match="transfer"):
        plots.plot_chip_transfer(xr.Dataset({"circuit": ("v", [1.0])}))
    with pytest.raises(ValueError, match="modulator"):
        plots.inp_chip_transfer([0.0, 1.0], modulator="im9")
    for voltages in ([], [0.0, np.inf]):
        with pytest.raises(ValueError, match="voltages"):
            plots.inp_chip_transfer(voltages)
    with pytest.raises(ValueError, match="wl"):
        plots.inp_chip_transfer([0.0], wl=0.0)
