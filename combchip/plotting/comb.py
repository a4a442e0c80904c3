"""Figures of comb results: steps, spectra, intensity profiles, line tables, the CW branch."""

from __future__ import annotations

import numpy as np
from scipy.constants import c

from .axes import format_time, new_axes


def plot_steps(ds, ax=None, plateaus=None):
    """Comb power [mW] against detuning [GHz] for each run: CW rise, chaos and soliton steps.

    With a ``plateaus`` table (:func:`~combchip.analyse_steps`), each soliton number N is written once, at the
    end of the highest-detuning plateau that has it.
    """
    fig, ax = new_axes(ax, figsize=(7, 4))
    runs = ds if "run" in ds.dims else ds.expand_dims("run")
    for r in range(runs.sizes["run"]):
        run = runs.isel(run=r)
        ax.plot(run.detuning / 1e9, run.comb_power * 1e3, lw=0.6, label=f"seed {int(run.seed)}" if "seed" in run.coords else None)
    if plateaus is not None:
        numbers = plateaus.soliton_number.values
        for n in np.unique(numbers):
            last = plateaus.isel(plateau=np.flatnonzero(numbers == n)).sortby("detuning_stop").isel(plateau=-1)
            ax.annotate(f"N = {int(n)}", (float(last.detuning_stop) / 1e9, float(last.comb_power) * 1e3),
                        fontsize=7, ha="right", va="bottom")
    ax.set_xlabel("detuning (ω₀ − ω_p)/2π [GHz]")
    ax.set_ylabel("comb power [mW]")
    ax.set_title("soliton steps in a forward scan")
    if runs.sizes["run"] > 1:
        ax.legend(fontsize=7)
    return fig


def _which(data, snapshot) -> str:
    """The shown run (its seed) and snapshot time, for a title: "seed 3, t = 1.2 µs"."""
    seed = f"seed {int(data.seed)}, " if "seed" in data.coords and data.seed.ndim == 0 else ""
    return f"{seed}t = {format_time(float(data.snapshot_time.isel(snapshot=snapshot)))}"


def plot_spectrum(ds, snapshot=-1, run=0, ax=None, floor_dbm=-80.0):
    """Output spectrum per line [dBm] against wavelength [nm]; the title names the run (seed) and time shown."""
    fig, ax = new_axes(ax, figsize=(7, 4))
    data = ds.isel(run=run) if "run" in ds.dims else ds
    power = data.spectrum.isel(snapshot=snapshot).values
    wavelength = c / data.frequency.values * 1e9
    dbm = 10 * np.log10(np.maximum(power, 1e-300) / 1e-3)
    ax.vlines(wavelength, floor_dbm, np.maximum(dbm, floor_dbm), lw=0.8)
    ax.set_ylim(floor_dbm, dbm.max() + 5)
    ax.set_xlabel("wavelength [nm]")
    ax.set_ylabel("line power [dBm]")
    ax.set_title(f"output spectrum ({_which(data, snapshot)})")
    return fig


def plot_intensity(ds, snapshot=-1, run=0, ax=None):
    """Intracavity circulating power [W] against azimuthal angle; the title names the run (seed) and time shown."""
    fig, ax = new_axes(ax, figsize=(7, 3))
    data = ds.isel(run=run) if "run" in ds.dims else ds
    ax.plot(data.theta, np.abs(data.field.isel(snapshot=snapshot).values) ** 2, lw=0.8)
    ax.set_xlabel("θ [rad]")
    ax.set_ylabel("intracavity power [W]")
    ax.set_title(f"intracavity intensity profile ({_which(data, snapshot)})")
    return fig


def plot_lines(lines, axes=None):
    """Line power [dBm], OSNR [dB] and linewidth [Hz] against wavelength [nm] from :func:`~combchip.comb_lines`."""
    import matplotlib.pyplot as plt

    if axes is None:
        fig, axes = plt.subplots(3, 1, figsize=(7, 7), sharex=True, layout="constrained")
    else:
        fig = axes[0].figure
    wavelength = c / lines.line_frequency.values * 1e9
    for ax, name, label in zip(axes, ("power_dbm", "osnr", "linewidth"),
                               ("line power [dBm]", "OSNR [dB]", "linewidth [Hz]")):
        ax.plot(wavelength, lines[name].values, ".", ms=3)
        ax.set_ylabel(label)
    axes[2].set_yscale("symlog", linthresh=1.0)
    axes[2].set_xlabel("wavelength [nm]")
    axes[0].set_title("comb lines")
    return fig


def plot_cw_branch(f2, zeta, ax=None):
    """CW intracavity power ρ = |ψ|² against detuning ζ: all three roots of f² = ρ[1 + (ζ − ρ)²]."""
    from combchip.solvers import cw_branch

    fig, ax = new_axes(ax, figsize=(6, 4))
    roots = cw_branch(f2, np.asarray(zeta, dtype=float))
    for k, style in enumerate(("-", ":", "-")):
        ax.plot(zeta, roots[:, k], style, c="C0")
    ax.set_xlabel("normalized detuning ζ")
    ax.set_ylabel("intracavity power ρ = |ψ|²")
    ax.set_title(f"CW branch, f² = {f2:g} (dotted: unstable middle root)")
    return fig


def plot_summary(ds, plateaus=None, run=0):
    """Steps of every run, and the final spectrum and intensity profile of run ``run``, in one figure."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(10, 8), layout="constrained")
    grid = fig.add_gridspec(3, 1, height_ratios=(1.3, 1, 0.8))
    plot_steps(ds, ax=fig.add_subplot(grid[0]), plateaus=plateaus)
    plot_spectrum(ds, run=run, ax=fig.add_subplot(grid[1]))
    plot_intensity(ds, run=run, ax=fig.add_subplot(grid[2]))
    return fig


def plot_rep_rate_lock(ds, ax=None, predicted_sigma=None):
    """Locked rep-rate error [Hz] against time [h] from :func:`~combchip.comb.reprate.simulate_lock`.

    Dashed lines at ±``predicted_sigma`` [Hz] (the closed-loop prediction), if given.
    """
    fig, ax = new_axes(ax, figsize=(7, 3.5))
    error = ds.fsr_error.values
    ax.plot(ds.time / 3600, error, lw=0.4, label=f"σ = {np.std(error):.3g} Hz, p-p = {np.ptp(error):.3g} Hz")
    if predicted_sigma is not None:
        ax.hlines([-predicted_sigma, predicted_sigma], 0, 1, transform=ax.get_yaxis_transform(), colors="k",
                  ls="--", lw=0.8, label=f"±σ predicted = {predicted_sigma:.3g} Hz")
    ax.set_xlabel("time [h]")
    ax.set_ylabel("rep-rate error [Hz]")
    ax.set_title(f"locked rep rate, {ds.attrs['gate']:g} s counter gate")
    ax.legend(fontsize=7)
    return fig


def plot_dual_drive(ds, axes=None):
    """Comb power [mW], ring temperature rise [K] and aux circulating power [W] against pump wavelength.

    The pump wavelength is λ_p = c/(ν₀ − Δν), shown as its offset from the cold resonance λ₀ [pm]; variables a
    run lacks (no heat, no aux laser) leave their panel empty.
    """
    import matplotlib.pyplot as plt

    if axes is None:
        fig, axes = plt.subplots(3, 1, figsize=(7, 7), sharex=True, layout="constrained")
    else:
        fig = axes[0].figure
    runs = ds if "run" in ds.dims else ds.expand_dims("run")
    nu0 = c / ds.attrs["ring_wavelength"]
    for r in range(runs.sizes["run"]):
        run = runs.isel(run=r)
        offset = (c / (nu0 - run.detuning.values) - ds.attrs["ring_wavelength"]) * 1e12
        for ax, name, scale in zip(axes, ("comb_power", "temperature", "aux_intracavity_power"), (1e3, 1.0, 1.0)):
            if name in run:
                ax.plot(offset, run[name].values * scale, lw=0.6)
    for ax, label in zip(axes, ("comb power [mW]", "temperature rise [K]", "aux circulating power [W]")):
        ax.set_ylabel(label)
    axes[-1].set_xlabel("pump wavelength − cold resonance [pm]")
    axes[0].set_title("dual-driven pump scan")
    return fig


def plot_line_noise(noise, mu=None, ax=None):
    """Frequency-noise PSD [Hz²/Hz] of comb lines (:func:`combchip.comb.line_noise.line_frequency_noise`) against
    Fourier frequency [Hz], with the β-separation line 8 ln2·f/π² and each line's intrinsic and β linewidths."""
    fig, ax = new_axes(ax, figsize=(7, 4.5))
    modes = noise.mu.values if mu is None else np.atleast_1d(mu)
    f = noise.frequency.values
    for m in modes:
        line = noise.sel(mu=m)
        ax.loglog(f, line.total_psd, lw=1.0, label=f"μ = {int(m)}: π·S_ν(∞) = {float(line.intrinsic_linewidth):.3g} Hz, "
                                                f"β-line FWHM = {float(line.beta_linewidth):.3g} Hz")
    ax.loglog(f, 8 * np.log(2) * f / np.pi**2, "k--", lw=0.8, label="β-separation line 8 ln2·f/π²")
    ax.set_xlabel("Fourier frequency f [Hz]")
    ax.set_ylabel("S_ν(f) [Hz²/Hz]")
    ax.set_title("comb-line frequency noise")
    ax.legend(fontsize=7)
    return fig


def plot_backward_scan(scans, axes=None):
    """Soliton number, felt detuning ζ_eff = 4πΔν_eff/κ and ring temperature rise [K] against time [µs] during backward
    scans (:func:`~combchip.systems.dual_drive.backward_scan`); ``scans`` maps a label to each run's Dataset."""
    import matplotlib.pyplot as plt

    if axes is None:
        fig, axes = plt.subplots(3, 1, figsize=(7, 7), sharex=True, layout="constrained")
    else:
        fig = axes[0].figure
    for label, ds in scans.items():
        t = ds.count_time.values * 1e6
        axes[0].step(t, ds.soliton_count.values, where="post", label=label)
        axes[1].plot(t, 4 * np.pi * ds.count_felt_detuning.values / ds.attrs["kappa"], lw=1)
        axes[2].plot(t, ds.count_temperature.values, lw=1)
    for ax, name in zip(axes, ("solitons", "felt detuning ζ_eff", "temperature rise [K]")):
        ax.set_ylabel(name)
    axes[-1].set_xlabel("time [µs]")
    axes[0].set_title("backward pump scan")
    axes[0].legend(fontsize=7)
    return fig
