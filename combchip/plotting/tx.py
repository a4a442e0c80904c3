"""Figures of transmitter parts and chips: MZI transfer, pulse trains, grating spectra, prepared states."""

from __future__ import annotations

import numpy as np
from scipy.constants import c

from .axes import new_axes


_STATE_AXES = {"Z0": (1.0, 0.0, 0.0), "Z1": (-1.0, 0.0, 0.0), "X0": (0.0, 1.0, 0.0), "X1": (0.0, -1.0, 0.0)}
"""Ideal Stokes vectors of the prepared states: Z0 = H, Z1 = V, X0 = (H + V)/√2, X1 = (H − V)/√2."""


def _mzi_drive_axis(mzi):
    """(scale, label) of the MZI drive axis: heater power [mW] for thermo-optic arms, else voltage [V]."""
    if hasattr(mzi.arm_a, "phase_from_voltage"):
        return 1e3, "heater power P [mW]"
    return 1.0, "drive voltage V [V]"


def plot_mzi_transfer(mzi, voltages=None, wavelength=None, ax=None, db=True):
    """Bar and cross power transmission [dB, or linear if not ``db``] against drive voltage [V].

    The ``mzi.output`` port is drawn thick, the other thin; a dashed line marks Vπ. Without
    ``voltages`` the range is 0 … 2·Vπ, cut at the largest drive the arms accept: Vπ comes from
    ``mzi.v_pi()`` or, if that scan leaves the arms' valid range (ValueError, e.g. a depletion
    push-pull arm pushed into forward bias), from ``mzi.v_pi(v_max=2·(common_voltage + 0.9 V))``,
    which then also caps the range. Thermo-optic MZIs are driven by heater power: ``voltages`` are
    then heater powers [W], plotted in mW, and the mark is Pπ.
    """
    fig, ax = new_axes(ax, figsize=(6, 4))
    scale, xlabel = _mzi_drive_axis(mzi)
    v_pi = None
    if voltages is None:
        try:
            v_pi = mzi.v_pi(wavelength)
            v_limit = 2 * v_pi
        except ValueError:
            v_limit = 2 * (mzi.common_voltage + 0.9)
            v_pi = mzi.v_pi(wavelength, v_max=v_limit)
        voltages = np.linspace(0.0, min(2 * v_pi, v_limit), 401)
    else:
        voltages = np.asarray(voltages, dtype=float)
        if voltages.max() > 0:
            try:
                v_pi = mzi.v_pi(wavelength, v_max=float(voltages.max()))
            except ValueError:
                v_pi = None
    power = mzi.transmission(voltages, wavelength)
    curves = 10 * np.log10(np.maximum(power, 1e-30)) if db else power
    for k, port in enumerate(("bar", "cross")):
        chosen = port == mzi.output
        ax.plot(voltages * scale, curves[..., k], lw=2.0 if chosen else 0.9, c=f"C{k}",
                label=f"{port} (output)" if chosen else port, zorder=3 if chosen else 2)
    if db:  # an ideal null is −300 dB (the floor): show 60 dB below the peak at most
        top = curves.max()
        ax.set_ylim(max(curves.min(), top - 60) - 2, top + 2)
    if v_pi is not None:
        name, unit = ("Pπ", "mW") if scale != 1 else ("Vπ", "V")
        ax.axvline(v_pi * scale, ls="--", lw=0.8, c="0.4", label=name)
        ax.annotate(f"{name} = {v_pi * scale:.3g} {unit}", (v_pi * scale, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(3, -3), textcoords="offset points", ha="left", va="top", fontsize=8, color="0.3")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("power transmission [dB]" if db else "power transmission |t|²")
    lam = mzi.wavelength if wavelength is None else float(wavelength)
    er = mzi.extinction_ratio_db
    ax.set_title(f"MZI transfer at {lam * 1e9:.2f} nm (ER {'∞' if np.isinf(er) else f'{er:.3g}'} dB at {mzi.output})")
    ax.legend(fontsize=8)
    return fig


def plot_pulse_train(chip, symbols=8, ax=None, eye=False):
    """Carver output power [mW for 1 mW CW in, i.e. the power transmission |t|²] against time [ps].

    The carver pulses of ``symbols`` symbols (the chip's DAC words at ``chip.carver_amplitude``,
    through ``chip.drive`` at 256 samples per symbol and the carver's field transfer at its output
    port). The title gives the mean FWHM of :func:`~combchip.tx.drive.pulse_fwhm`. With ``eye``,
    every symbol slot is overlaid on one symbol period (an eye diagram).
    """
    from dataclasses import replace

    from ..tx.drive import pulse_fwhm

    fig, ax = new_axes(ax, figsize=(7, 3.5))
    drive = replace(chip.drive, samples_per_symbol=256)
    voltage = drive.waveform(chip._carver_words(symbols, chip.carver_amplitude))
    power_mw = np.abs(chip.carver.field_transfer(voltage, chip.wavelength, port=chip.carver.output)) ** 2  # × 1 mW in
    time_ps = drive.time(symbols) * 1e12
    if eye:
        slot_ps = time_ps[: drive.samples_per_symbol]
        for slot in power_mw.reshape(symbols, drive.samples_per_symbol):
            ax.plot(slot_ps, slot, c="C0", lw=0.8, alpha=0.6)
        ax.set_xlim(0, 1e12 / drive.symbol_rate)
        ax.set_xlabel("time in symbol slot [ps]")
    else:
        ax.plot(time_ps, power_mw, c="C0", lw=0.9, label="carver output")
        ax.vlines(np.arange(1, symbols) * 1e12 / drive.symbol_rate, 0, 1, transform=ax.get_xaxis_transform(),
                  colors="0.85", lw=0.6, zorder=0, label="symbol slot boundaries")
        ax.set_xlim(0, time_ps[-1] + 1e12 / drive.sample_rate)
        ax.set_xlabel("time [ps]")
        if symbols > 1:
            ax.legend(fontsize=7, loc="upper right")
    fwhm_ps = pulse_fwhm(power_mw, drive.sample_rate, drive.samples_per_symbol) * 1e12
    ax.set_ylabel("carver output [mW] for 1 mW in")
    ax.set_ylim(bottom=0)
    ax.set_title(f"carver pulses at {chip.drive.symbol_rate / 1e9:g} GBd{' (eye)' if eye else ''}: "
                 f"FWHM = {fwhm_ps.mean():.1f} ps")
    return fig


def plot_grating_spectrum(coupler, wavelengths=None, ax=None):
    """Fibre-to-chip power transmission [dB] against wavelength [nm].

    A :class:`~combchip.tx.grating_couplers.GratingCoupler1D` is drawn with its 1-dB and 3-dB
    bandwidths marked as horizontal bars 1 and 3 dB below the peak; a ``GratingCoupler2D`` with
    both arms (arm 1: H, arm 2: V). The default range is the centre ± one 3-dB bandwidth
    (plus half the arms' split for 2D), i.e. down to about 12 dB below the peak.
    """
    fig, ax = new_axes(ax, figsize=(6, 4))
    two_d = hasattr(coupler, "arms")
    if wavelengths is None:
        arm = coupler.arms[0] if two_d else coupler
        half = arm.bandwidth_3db + (abs(coupler.wavelength_split) / 2 if two_d else 0.0)
        wavelengths = np.linspace(coupler.centre_wavelength - half, coupler.centre_wavelength + half, 401)
    wavelengths = np.asarray(wavelengths, dtype=float)
    power = np.asarray(coupler.transmission(wavelengths))
    nm = wavelengths * 1e9
    if two_d:
        for k, name in enumerate(("H (arm 1)", "V (arm 2)")):
            ax.plot(nm, 10 * np.log10(power[k]), lw=1.2, label=name)
        ax.legend(fontsize=8)
        title = (f"2D grating coupler: peak IL {-10 * np.log10(power.max()):.2f} dB, "
                 f"λ_H − λ_V = {coupler.wavelength_split * 1e9:.2f} nm")
    else:
        ax.plot(nm, 10 * np.log10(power), lw=1.2, c="C0", label="transmission")
        peak_db = -coupler.insertion_loss_db
        centre = coupler.centre_wavelength * 1e9
        for level, width, colour in ((1.0, coupler.bandwidth_1db, "C1"), (3.0, coupler.bandwidth_3db, "C2")):
            ax.hlines(peak_db - level, centre - width * 5e8, centre + width * 5e8, colors=colour, lw=1.5,
                      label=f"{level:g}-dB bandwidth {width * 1e9:.1f} nm")
        ax.axvline(centre, ls=":", c="0.5", lw=0.8, label=f"centre {centre:.1f} nm")
        ax.legend(fontsize=8, loc="lower center")
        title = f"grating coupler: peak IL {coupler.insertion_loss_db:.2f} dB at {centre:.1f} nm"
    ax.set_xlabel("wavelength [nm]")
    ax.set_ylabel("transmission [dB]")
    ax.set_title(title)
    return fig


def stokes_vectors(density) -> np.ndarray:
    """Normalized Stokes vectors (..., 3) of unit-trace density matrices (..., 2, 2) over modes (H, V).

    S = (ρ_HH − ρ_VV, 2 Re ρ_HV, −2 Im ρ_HV), divided by tr ρ where it is non-zero. With ρ = |ψ⟩⟨ψ|,
    ψ = (ψ_H, ψ_V), ρ_HV = ψ_H ψ_V*: H → +S1, V → −S1, (H + V)/√2 → +S2, (H − V)/√2 → −S2 and
    (H + iV)/√2 → +S3. For time-bin modes (early, late) the same formula is the Bloch vector.
    """
    rho = np.asarray(density)
    trace = np.real(rho[..., 0, 0] + rho[..., 1, 1])
    s = np.stack([np.real(rho[..., 0, 0] - rho[..., 1, 1]), 2 * np.real(rho[..., 0, 1]), -2 * np.imag(rho[..., 0, 1])],
                 axis=-1)
    return s / np.where(trace > 0, trace, 1.0)[..., None]


def plot_states(table_or_dataset, ax=None):
    """Prepared states as points on the Poincaré sphere (3D, axes S1, S2, S3, unit radius).

    A :class:`~combchip.tx.chips.SymbolTable` gives one point per (previous, current) class pair
    with non-zero photon number, the Stokes vector of its density matrix (:func:`stokes_vectors`
    for the sign convention), coloured by state (Z0, Z1, X0, X1), all intensities together. A
    symbol Dataset of ``Chip.symbols`` holds only each symbol's fidelity F with its ideal state ŝ,
    so its points are the component along ŝ, (2F − 1)·ŝ, drawn on the ideal axis. Open black
    circles mark the ideal states ±S1 (Z) and ±S2 (X). ``ax`` must be a 3D axes.
    """
    import matplotlib.pyplot as plt

    from ..tx.chips import STATES

    if ax is None:
        fig = plt.figure(figsize=(5.5, 5.5))
        ax = fig.add_subplot(projection="3d")
    elif getattr(ax, "name", "") != "3d":
        raise ValueError("plot_states draws on a 3D axes: pass fig.add_subplot(projection='3d')")
    fig = ax.figure
    ideal = np.array([_STATE_AXES[name] for name in STATES])
    if hasattr(table_or_dataset, "density"):
        table = table_or_dataset
        classes = table.photons.shape[1]
        stokes = stokes_vectors(table.density)
        populated = table.photons > 0
        state_of_class = np.arange(classes) % 4
        points = [stokes[:, state_of_class == k][populated[:, state_of_class == k]] for k in range(4)]
        fidelity = table.fidelity[populated]
        kind = "symbol table"
    else:
        ds = table_or_dataset
        state = 2 * np.asarray(ds.basis) + np.asarray(ds.bit)
        along = 2 * np.asarray(ds.fidelity) - 1
        points = [along[state == k, None] * ideal[k] for k in range(4)]
        fidelity = np.asarray(ds.fidelity)
        kind = "symbols, (2F − 1)·ŝ"
    u, v = np.meshgrid(np.linspace(0, 2 * np.pi, 37), np.linspace(0, np.pi, 19))
    ax.plot_wireframe(np.cos(u) * np.sin(v), np.sin(u) * np.sin(v), np.cos(v), color="0.85", lw=0.4)
    for axis in np.eye(3):
        ax.plot(*np.stack([-axis, axis], axis=1) * 1.15, c="0.6", lw=0.6)
    ax.plot(ideal[:, 0], ideal[:, 1], ideal[:, 2], "o", ms=12, mfc="none", mec="k", mew=1.2, label="ideal")
    for k, name in enumerate(STATES):
        p = points[k]
        ax.plot(p[:, 0], p[:, 1], p[:, 2], "o", ms=4, c=f"C{k}", label=name, ls="")
    for k, name in enumerate(STATES):
        ax.text(*(ideal[k] * 1.3), name, ha="center", va="center", fontsize=9)
    ax.set_xlim(-1.2, 1.2)
    ax.set_ylim(-1.2, 1.2)
    ax.set_zlim(-1.2, 1.2)
    ax.set_box_aspect((1, 1, 1))
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_ticks([-1, 0, 1])
        axis.pane.set_alpha(0.0)
    ax.view_init(elev=20, azim=-60)
    ax.set_xlabel("S1 (H − V)")
    ax.set_ylabel("S2 (D − A)")
    ax.set_zlabel("S3 (H + iV)")
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title(f"prepared states ({kind}): F from {fidelity.min():.4f} to {fidelity.max():.4f}", fontsize=9)
    return fig
