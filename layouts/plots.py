"""Figures of the layouts' circuit models: the angled facet's modal reflectance R(θ) and a whole drawn chip's
transfer, evaluated from its netlist, against the compact models of :mod:`combchip.tx`.

They live beside the layouts rather than in :mod:`combchip.plotting`, which never imports gdsfactory.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import xarray as xr

from combchip.units import db_to_ratio, ratio_to_db
from combchip.validation import check_choice, check_wavelength

from . import models as m
from .pdk import activated

__all__ = ["IM_INSTANCES", "inp_chip_transfer", "plot_chip_transfer", "plot_facet_reflectance"]

IM_INSTANCES = ("im1", "im2", "im3")
"""The InP chip's intensity-modulator instances: IM I (carver), IM II and IM III (level)."""


def _axes(ax, **kwargs):
    import matplotlib.pyplot as plt

    if ax is None:
        return plt.subplots(layout="constrained", **kwargs)
    return (ax[0] if isinstance(ax, (tuple, list, np.ndarray)) else ax).figure, ax


def _grid(name: str, values, low: float, high: float, unit: str) -> np.ndarray:
    """``values`` as a non-empty 1D float array of finite numbers in [low, high]."""
    grid = np.asarray(values, dtype=float)
    if grid.ndim != 1 or grid.size == 0 or not np.all(np.isfinite(grid)) or grid.min() < low or grid.max() > high:
        raise ValueError(f"{name} must be a non-empty 1D array of finite values in [{low:g}, {high:g}] {unit}, "
                         f"got {values!r}")
    return grid


def plot_facet_reflectance(facet: m.AngledFacet | None = None, angles_deg=None, wl: float = m.WL0_UM, ax=None):
    """Modal reflectance R(θ) = R_F(θ)·exp[−(k₀ n w₀ sin 2θ / 2)²] [dB] of :class:`~.models.AngledFacet`
    against the guide's tilt θ [deg], beside the plane-wave Fresnel R_F(θ), with ``facet``'s own angle marked
    (D. Marcuse, J. Lightwave Technol. 7, 336 (1989)).

    ``angles_deg`` spans 0–15° (default 151 points); ``wl`` is the wavelength [µm]. Returns the figure.
    """
    facet = m.AngledFacet() if facet is None else facet
    if not isinstance(facet, m.AngledFacet):
        raise ValueError(f"facet must be an AngledFacet, got {type(facet).__name__}")
    angles = _grid("angles_deg", np.linspace(0.0, 15.0, 151) if angles_deg is None else angles_deg, 0.0, 15.0, "deg")
    check_wavelength("wl", wl * 1e-6)
    tilted = [dataclasses.replace(facet, angle_deg=float(a)) for a in angles]
    fig, ax = _axes(ax)
    ax.plot(angles, ratio_to_db([f.reflectance(wl) for f in tilted]), label="modal R(θ) (Gaussian mode)")
    ax.plot(angles, ratio_to_db([f.fresnel for f in tilted]), "--", label="plane wave R_F(θ)")
    marked = float(ratio_to_db(facet.reflectance(wl)))
    ax.plot([facet.angle_deg], [marked], "o", label=f"θ = {facet.angle_deg:g}°: {marked:.1f} dB")
    ax.set(xlabel="tilt from facet normal θ [deg]", ylabel="reflectance [dB]",
           title=f"angled InP facet, n = {facet.neff:g}, w₀ = {facet.mode_radius * 1e6:.2f} µm, λ = {wl:g} µm")
    ax.legend()
    return fig


def inp_chip_transfer(voltages=None, modulator: str = "im1", wl: float = m.WL0_UM, client=None,
                      facet_angle_deg: float = m.FACET_ANGLE_DEG) -> xr.Dataset:
    """Power transmission, laser 2's output → its facet, of the drawn InP client chip against one IM's drive.

    ``circuit``: the netlist of :func:`~.transmitter_inp.tx_inp` evaluated by :func:`~.models.circuit` (lasers
    cut out as sources, routes lossless so that the compact chain, which has no routes, is comparable).
    ``compact``: |t_IMI·t_IMII·t_IMIII·t_PM|²·(1 − R_F(θ)) from :class:`combchip.tx.modulators.MZI` and the
    phase shifter, the undriven IMs held open (at V_π(λ) from their π bias, full transmission) and the PM at 0 V.
    The two agree to the circuit's rounding.

    Parameters
    ----------
    voltages : array, optional
        Drive [V] of ``modulator`` (default −2V_π … 2V_π, 101 points).
    modulator : {"im1", "im2", "im3"}
    wl : float
        Wavelength [µm].
    client : InPClientChip, optional
        System C's client (:func:`combchip.systems.system_c_client`) by default; its IMs and PM must share
        one shifter design (the circuit models one), lengths apart.
    facet_angle_deg : float
        Drawn tilt of the output guides [deg].
    """
    from combchip.systems import system_c_client

    from .transmitter_inp import tx_inp

    client = system_c_client() if client is None else client
    check_choice("modulator", modulator, IM_INSTANCES)
    lam = check_wavelength("wl", wl * 1e-6)
    shifter = client.carver.arm_a
    for name, arm in (("decoy", client.decoy.arm_a), ("phase_modulator", client.phase_modulator)):
        if dataclasses.replace(arm, length=shifter.length) != shifter:
            raise ValueError(f"client: {name}'s shifter differs from the carver's beyond its length; the circuit "
                             "models one shifter design")
    v_pi = client.carver.v_pi(lam)
    volts = _grid("voltages", np.linspace(-2 * v_pi, 2 * v_pi, 101) if voltages is None else voltages,
                  -math.inf, math.inf, "V")
    mzis = {"im1": client.carver, "im2": client.decoy, "im3": client.decoy}
    drive = {name: volts if name == modulator else np.full_like(volts, mzis[name].v_pi(lam)) for name in IM_INSTANCES}
    inp = m.InPModels(loss_db_per_m=0.0, shifter=shifter)
    settings = {name: m.im_settings(mzis[name], drive[name]) for name in IM_INSTANCES}
    with activated():
        cell = tx_inp(client, facet_angle_deg=facet_angle_deg)
        s = m.circuit(cell, wl, settings, m.models(inp=inp), sources=("laser_q", "laser_ref"))
    facet = dataclasses.replace(inp.facet, angle_deg=float(facet_angle_deg))
    pm = client.phase_modulator
    chain = np.prod([m.dc_biased(mzis[n], lam).field_transfer(drive[n], lam, port="cross") for n in IM_INSTANCES], 0)
    compact = np.abs(chain) ** 2 * db_to_ratio(pm.loss_db(0.0, lam)) * (1 - facet.fresnel)
    attrs = {"units": "1"}
    return xr.Dataset(
        {"circuit": ("voltage", np.abs(s[("laser_q,o2", "out_q")]) ** 2,
                     {**attrs, "long_name": "transmission, chip netlist as a circuit"}),
         "compact": ("voltage", compact, {**attrs, "long_name": "transmission, compact-model chain"})},
        coords={"voltage": ("voltage", volts, {"units": "V", "long_name": f"{modulator} drive voltage"})},
        attrs={"modulator": modulator, "wavelength": lam, "facet_angle_deg": float(facet_angle_deg),
               "v_pi": v_pi, "route_loss_db_per_m": 0.0})


def plot_chip_transfer(transfer: xr.Dataset | None = None, axes=None):
    """The drawn InP chip's transmission [dB] from its netlist and from the compact chain (two curves that
    overlap), and |circuit − compact| on a log axis; ``transfer`` from :func:`inp_chip_transfer` (its defaults
    if None). ``axes`` is a pair of axes; returns the figure."""
    transfer = inp_chip_transfer() if transfer is None else transfer
    if not isinstance(transfer, xr.Dataset) or not {"circuit", "compact"} <= set(transfer.data_vars):
        raise ValueError("transfer must be a Dataset from inp_chip_transfer, with 'circuit' and 'compact'")
    fig, (top, bottom) = _axes(axes, nrows=2, sharex=True)
    v = transfer.voltage.values
    for name, style in (("circuit", "-"), ("compact", "--")):
        top.plot(v, ratio_to_db(transfer[name].values), style, label=transfer[name].attrs["long_name"])
    top.set(ylabel="laser → facet transmission [dB]",
            title=f"InP client chip at {transfer.attrs['wavelength'] * 1e9:.0f} nm, {transfer.attrs['modulator']} "
                  f"driven\n(V_π = {transfer.attrs['v_pi']:.2f} V), "
                  f"output facet {transfer.attrs['facet_angle_deg']:g}°")
    top.legend()
    bottom.semilogy(v, np.abs(transfer.circuit.values - transfer.compact.values), "k.")
    bottom.set(xlabel=transfer.voltage.attrs["long_name"] + " [V]", ylabel="|circuit − compact|")
    return fig
