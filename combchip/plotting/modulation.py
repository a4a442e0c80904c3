"""Figure of a comb started by a pump modulated at the FSR (``simulate_comb(..., modulation=...)``)."""

from __future__ import annotations

import json

import numpy as np

from ..comb.pump_modulation import PumpModulation
from .comb import plot_intensity, plot_spectrum, plot_steps


def plot_modulated_pump(ds, reference=None, snapshot=-1, axes=None):
    """Comb power against detuning, the intracavity profile with the drive's |m(θ)|² and the spectrum of a run with
    a modulated pump; ``reference`` (the same scan with the plain pump) is drawn beside it in grey.

    The drive is drawn at the angle 2πj/N of field sample j, the grid on which the solver applies it.
    """
    import matplotlib.pyplot as plt

    if axes is None:
        fig, axes = plt.subplots(1, 3, figsize=(15, 4), layout="constrained")
    else:
        fig = axes[0].figure
    inputs = json.loads(ds.attrs["combchip_inputs"])
    if inputs.get("modulation") is None:
        raise ValueError("ds has no pump modulation: not a simulate_comb(..., modulation=...) result")
    modulation = PumpModulation(**inputs["modulation"])
    plot_steps(ds, ax=axes[0])
    plot_intensity(ds, snapshot=snapshot, ax=axes[1])
    plot_spectrum(ds, snapshot=snapshot, ax=axes[2])
    if reference is not None:
        axes[0].plot(reference.detuning / 1e9, reference.comb_power * 1e3, color="0.6", lw=0.8, label="plain pump")
        axes[1].plot(reference.theta, np.abs(reference.field.isel(snapshot=snapshot).values) ** 2, color="0.6",
                     lw=0.8, label="plain pump")
        axes[0].legend(fontsize=7)
    drive = axes[1].twinx()
    drive.plot(ds.theta, np.abs(modulation.profile(ds.theta.values)) ** 2, "--", color="C1", lw=0.8)
    drive.set_ylabel("drive |m(θ)|²", color="C1")
    axes[0].set_title(f"{modulation.kind} modulation, depth {modulation.depth:g}, at {modulation.harmonic} × FSR",
                      fontsize=9)
    return fig
