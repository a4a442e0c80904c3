"""System A: how coherent are soliton and chaotic comb lines, and what visibilities and keys do they give?

Holds system A's ring in MI chaos (ζ = 5) and in a soliton state (ζ = 12), records 400 ns of every line at
0.1 ns, measures g⁽¹⁾ and g⁽²⁾ of the user lines (CH59: μ = 8, CH35: μ = −16), turns them into HOM and
time-bin Bell-state visibilities for 0.8 ns pulses 10 ns apart, and runs the four-user network on each comb.

    python examples/line_coherence.py       # writes examples/out/line_coherence.png and .nc files
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

import combchip as cc
from combchip.comb.coherence import line_coherence
from combchip.link.visibility import coherence_visibility
from combchip.link.network import network_key_rates
from combchip.plotting import plot_coherence
from combchip.systems import system_a_pump, system_a_ring
from combchip.systems.published import SYSTEM_A
from _quick import sized

PUBLISHED = {"soliton": (SYSTEM_A.hom_visibility_soliton, SYSTEM_A.bsm_visibility_soliton),   # HOM, BSM
             "chaotic": (SYSTEM_A.hom_visibility_chaotic, SYSTEM_A.bsm_visibility_chaotic)}
out = Path(__file__).with_name("out")
out.mkdir(exist_ok=True)
ring, pump = system_a_ring(), system_a_pump()
pump = cc.Laser(pump.wavelength, pump.power, linewidth=SYSTEM_A.soliton_linewidth)   # the soliton lines' linewidth
norm = cc.normalize(ring, pump)
times = float(norm.time_s(40.0)) + np.arange(sized(4000, 400)) * 0.1e-9

fig, axes = plt.subplots(2, 2, figsize=(11, 6), sharex=True, layout="constrained")
for column, (state, zeta, initial) in enumerate((("soliton", 12.0, "soliton"), ("chaotic", 5.0, None))):
    ds = cc.simulate_comb(ring, pump, float(norm.detuning_hz(zeta)), modes=sized(512, 256), duration=times[-1],
                          initial=initial, snapshots=times, seed=sized([0, 1, 2, 3], [0, 1]))
    coherence = line_coherence(ds, [8, -16])
    visibility = coherence_visibility(coherence, pulse_fwhm=SYSTEM_A.pulse_fwhm, bin_separation=SYSTEM_A.bin_separation)
    coherence.to_netcdf(out / f"line_coherence_{state}.nc")
    assert xr.load_dataset(out / f"line_coherence_{state}.nc").identical(coherence)
    plot_coherence(coherence, visibility, axes=axes[:, column])
    axes[0, column].set_title(f"{state} (ζ = {zeta:g})", fontsize=9)
    rates = network_key_rates(ds, users=4, losses_db=15.0, min_osnr_db=-60.0)
    published = PUBLISHED[state]
    print(f"{state}: g2(0) = {coherence.g2.isel(lag=0).values.round(3)}, "
          f"V_HOM = {visibility.hom_visibility.values.round(3)} (published {published[0]}), "
          f"V_BSM = {visibility.bsm_visibility.values.round(3)} (published {published[1]}), "
          f"mean key rate at 30 dB per pair {rates.key_rate.values[~np.eye(4, dtype=bool)].mean():.0f} bit/s "
          f"[{rates.attrs['visibility_model']} model]")
axes[1, 1].set_xlim(0, 15)
fig.savefig(out / "line_coherence.png", dpi=120)
