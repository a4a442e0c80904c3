"""Figures of line noise: frequency-noise PSDs, the delayed self-heterodyne beat and its fit, injection locking."""

from __future__ import annotations

import numpy as np

from .axes import new_axes

__all__ = ["plot_fem_thermorefractive", "plot_frequency_noise", "plot_injection_lock", "plot_self_heterodyne",
           "plot_sil_noise", "plot_thermorefractive"]


def plot_frequency_noise(curves, ax=None):
    """One-sided frequency-noise PSDs S_ν(f) [Hz²/Hz] on log axes, each with its intrinsic level π·S_ν(∞) [Hz].

    ``curves`` maps a label ("free-running pump", "soliton line μ = 20", …) to a DataArray on ``frequency``
    (e.g. :func:`combchip.comb.line_noise.frequency_noise_psd`'s ``psd`` or ``line_frequency_noise``'s
    ``total_psd``) or a pair (frequency [Hz], psd [Hz²/Hz]).
    """
    if not curves:
        raise ValueError("curves must map at least one label to a PSD")
    fig, ax = new_axes(ax, figsize=(6.5, 4))
    for label, curve in curves.items():
        f, s = (curve.frequency.values, curve.values) if hasattr(curve, "frequency") else map(np.asarray, curve)
        ax.loglog(f, s, label=f"{label} (π·S(f_max) = {np.pi * s[-1]:.3g} Hz)")
    ax.set_xlabel("Fourier frequency f [Hz]")
    ax.set_ylabel("S_ν(f) [Hz²/Hz]")
    ax.set_title("frequency-noise PSD", fontsize=9)
    ax.legend(fontsize=7)
    return fig


def plot_self_heterodyne(dsh, ax=None):
    """Delayed self-heterodyne beat about f_AOM [MHz] and its Lorentzian fit
    (:func:`combchip.comb.self_heterodyne.self_heterodyne`), with the linewidth read from the fit."""
    fig, ax = new_axes(ax, figsize=(6, 4))
    offset = dsh.offset.values / 1e6
    peak = float(dsh.beat.max())
    ax.plot(offset, 10 * np.log10(np.maximum(dsh.beat.values / peak, 1e-12)), label="beat")
    linewidth = float(dsh.linewidth)
    text = f"{linewidth / 1e3:.4g} kHz" if np.isfinite(linewidth) else f"NaN ({dsh.attrs['status']})"
    ax.plot(offset, 10 * np.log10(np.maximum(dsh.fit.values / peak, 1e-12)), "--",
            label=f"Lorentzian fit: FWHM/2 = {text}")
    ax.set_ylim(-40, 3)
    ax.set_xlabel("offset from f_AOM [MHz]")
    ax.set_ylabel("beat power [dB]")
    delay = dsh.attrs.get("delay", np.inf)
    ax.set_title(f"delayed self-heterodyne, τ_d = {delay * 1e6:.3g} µs, carrier "
                 f"{100 * float(dsh.carrier_fraction):.2g} %", fontsize=9)
    ax.legend(fontsize=8)
    return fig


def plot_injection_lock(lock, ax=None):
    """Frequency-noise PSDs of the master line, the free-running and the locked client
    (:func:`combchip.tx.injection_lock.injection_lock`), with the locking bandwidth γ_L/2π marked."""
    fig, ax = new_axes(ax, figsize=(6.5, 4))
    f = lock.frequency.values
    ax.loglog(f, lock.free_psd.values, label="free-running client")
    ax.loglog(f, lock.master_psd.values, label="master (comb line)")
    ax.loglog(f, lock.client_psd.values, "--", label=f"locked client, SMSR {float(lock.smsr):.1f} dB")
    bandwidth = float(lock.locking_bandwidth)
    if np.isfinite(bandwidth):
        ax.axvline(bandwidth, color="0.5", ls=":", lw=0.8, label=f"locking bandwidth {bandwidth / 1e9:.3g} GHz")
    ax.set_xlabel("Fourier frequency f [Hz]")
    ax.set_ylabel("S_ν(f) [Hz²/Hz]")
    ax.set_title("injection locking: first-order transfer of the master's noise", fontsize=9)
    ax.legend(fontsize=8)
    return fig


def plot_sil_noise(noise, mu=None, reference=None, ax=None):
    """Frequency-noise PSDs of the free-running laser, the ring (TRN), the SIL-locked laser and comb line ``mu``
    (:func:`combchip.comb.sil_noise.sil_frequency_noise`; default: the first line) with its laser and TRN parts
    (thin), the floor read over the band marked, |K(f)| on the right axis, and an optional ``reference`` white
    level [Hz²/Hz] (dotted)."""
    fig, ax = new_axes(ax, figsize=(6.5, 4.2))
    f = noise.frequency.values
    line = noise.sel(mu=noise.mu.values[0] if mu is None else mu)
    bound = "≤ " if noise.attrs.get("stabilization_is_bound") else ""
    ax.loglog(f, noise.free_running_psd.values, label="free-running laser")
    ax.loglog(f, noise.ring_psd.values, ":", label="ring resonance (thermorefractive)")
    ax.loglog(f, noise.locked_psd.values, label="SIL-locked laser" + (" (upper bound)" if bound else ""))
    ax.loglog(f, line.line_psd.values, "--", label=f"comb line μ = {int(line.mu)}: π·floor {bound}"
              f"{float(line.intrinsic_linewidth):.3g} Hz, β-line {float(line.beta_linewidth):.3g} Hz")
    ax.loglog(f, line.line_ring_psd.values, color="C3", lw=0.8, label="  line's TRN part")
    ax.loglog(f, line.line_laser_psd.values, color="C4", lw=0.8, label="  line's laser part S_free/|K|²")
    ax.plot(float(line.floor_frequency), float(line.floor), "ko", ms=4)
    ax.axvspan(*noise.attrs["band"], color="0.9", zorder=0, label="floor band")
    if reference is not None:
        ax.axhline(reference, color="k", ls=":", lw=0.8, label=f"reference {reference:g} Hz²/Hz")
    ax.set_xlabel("Fourier frequency f [Hz]")
    ax.set_ylabel("S_ν(f) [Hz²/Hz]")
    right = ax.twinx()
    right.loglog(f, noise.stabilization.values, color="0.5", lw=0.8)
    right.set_ylabel("|K(f)| (grey)")
    ax.set_title("self-injection locking: laser, ring and comb-line frequency noise", fontsize=9)
    ax.legend(fontsize=6.5, loc="lower left")
    return fig


def plot_thermorefractive(diffusion, frequency=None, scale=1.0, ax=None):
    """Temperature-noise PSD of a mode's heat weight (:class:`combchip.comb.thermorefractive.ThermalDiffusion`)
    beside the Gaussian of the same second moments alone and the single pole with that Gaussian's variance and f⁻²
    tail (τ = 1/(D·(a_x⁻² + a_y⁻²))); ``scale`` multiplies every curve (a₀² [Hz²/K²] gives the resonance's S_ν).
    ``frequency`` defaults to 1 Hz … 1 GHz."""
    from ..comb.line_noise import ThermalFrequencyNoise
    from ..comb.thermorefractive import ThermalDiffusion

    if not isinstance(diffusion, ThermalDiffusion):
        raise ValueError(f"diffusion must be a ThermalDiffusion, got {type(diffusion).__name__}")
    f = np.logspace(0, 9, 451) if frequency is None else np.asarray(frequency, dtype=float)
    d = diffusion
    gauss = ThermalDiffusion(d.widths, d.length, d.temperature, d.heat_capacity, d.conductivity)
    tau = 1 / (d.diffusivity * sum(a**-2 for a in d.widths))
    volume = d.length * 2 * np.pi * d.widths[0] * d.widths[1]            # the Gaussian's k_B T²/(ρC V) variance
    pole = ThermalFrequencyNoise.thermorefractive(d.temperature, volume, d.heat_capacity, 1.0, tau, 0.0,
                                                  0.0).driver_psd(f)
    fig, ax = new_axes(ax, figsize=(6.0, 4.0))
    unit = "K²/Hz" if scale == 1.0 else "Hz²/Hz"
    ax.loglog(f, scale * d.psd(f), label="mode heat weight (Gaussian + FFT shape)")
    ax.loglog(f, scale * gauss.psd(f), "--", label=f"Gaussian {d.widths[0] * 1e6:.3g} × {d.widths[1] * 1e6:.3g} µm "
                                                   "(same second moments)")
    ax.loglog(f, scale * pole, ":", label=f"single pole, the Gaussian's variance and f⁻² tail (τ = {tau * 1e6:.3g} µs)")
    for a in d.widths:
        ax.axvline(d.diffusivity / (2 * np.pi * a**2), color="0.7", lw=0.8)
    ax.set_xlabel("Fourier frequency f [Hz]")
    ax.set_ylabel(f"S [{unit}]")
    ax.set_title("thermorefractive noise: heat diffusion out of the mode (grey: D/2πa² corners)", fontsize=9)
    ax.legend(fontsize=7, loc="lower left")
    return fig


def plot_fem_thermorefractive(curves, scale=1.0, reference=None, ax=None):
    """Finite-element temperature-noise PSDs (:func:`combchip.comb.thermorefractive_fem.fem_temperature_noise`)
    beside a homogeneous-medium reference; ``curves`` maps a label to such a Dataset, ``reference`` maps a label to
    a pair (frequency [Hz], S [K²/Hz]) drawn dashed, and ``scale`` multiplies every curve (a₀² [Hz²/K²] gives the
    resonance's S_ν). Each FEM label carries its sum-rule variance ∫S df = k_B·T²·bᵀM⁻¹b/L."""
    if not curves:
        raise ValueError("curves must map at least one label to a fem_temperature_noise Dataset")
    fig, ax = new_axes(ax, figsize=(6.5, 4.2))
    for label, (f, s) in (reference or {}).items():
        ax.loglog(f, scale * np.asarray(s), color="0.75", lw=4, label=label)
    for i, (label, ds) in enumerate(curves.items()):
        if "temperature_psd" not in getattr(ds, "data_vars", {}):
            raise ValueError(f"curves[{label!r}] must be a fem_temperature_noise Dataset")
        ax.loglog(ds.frequency.values, scale * ds.temperature_psd.values, ("-", "-.", "--", ":")[i % 4],
                  label=f"{label} (⟨δT̄²⟩ = {ds.attrs['discrete_variance']:.3g} K²)")
    ax.set_xlabel("Fourier frequency f [Hz]")
    ax.set_ylabel("S_T [K²/Hz]" if scale == 1.0 else "S_ν [Hz²/Hz]")
    ax.set_title("thermorefractive noise by finite elements on the cross-section", fontsize=9)
    ax.legend(fontsize=6.5, loc="lower left")
    return fig
