"""What is drawn is what is simulated: the InP client chip's netlist evaluated as a circuit.

The angled output facet's modal reflectance R(θ) (Marcuse's Gaussian-mode overlap) at the normal, the drawn 7°
and 9°, then the whole drawn chip (lasers cut out as sources) against the compact chain IM I · IM II · IM III ·
PM · facet of combchip.tx while IM I's drive sweeps ±2V_π at 1550 nm.

    python examples/chip_circuits.py   # writes examples/out/chip_circuits.png
"""

# %% The angled facet

import dataclasses
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from combchip.layouts import plots
from combchip.layouts.models import AngledFacet
from combchip.systems import system_c_client
from combchip.units import ratio_to_db
from _quick import sized

out = Path(__file__).with_name("out")
out.mkdir(exist_ok=True)
facet = AngledFacet()
print(f"facet: n = {facet.neff:g}, Gaussian mode radius w0 = {facet.mode_radius * 1e6:.3f} µm")
for angle in (0.0, 7.0, 9.0):
    tilted = dataclasses.replace(facet, angle_deg=angle)
    print(f"  {angle:g}°: modal R = {tilted.reflectance():.4g} ({ratio_to_db(tilted.reflectance()):.1f} dB), "
          f"plane-wave R_F = {tilted.fresnel:.4g}, beam leaves at {tilted.exit_angle_deg:.1f}° in air")

# %% The whole chip as a circuit against the compact chain
client = system_c_client()
v_pi = client.carver.v_pi(client.wavelength)
transfer = plots.inp_chip_transfer(np.linspace(-2 * v_pi, 2 * v_pi, sized(201, 21)), client=client)
gap = np.abs(transfer.circuit - transfer.compact)
print(f"IM I swept over ±{float(transfer.voltage.max()):.2f} V (V_π = {transfer.attrs['v_pi']:.2f} V): peak "
      f"transmission {ratio_to_db(float(transfer.circuit.max())):.2f} dB; max |circuit − compact| = "
      f"{float(gap.max()):.2e} ({float((gap / transfer.compact).max()):.1e} relative)")

# %% Figure
fig = plt.figure(figsize=(11, 7), layout="constrained")
grid = fig.add_gridspec(2, 2)
plots.plot_facet_reflectance(facet, ax=fig.add_subplot(grid[:, 0]))
top = fig.add_subplot(grid[0, 1])
plots.plot_chip_transfer(transfer, axes=(top, fig.add_subplot(grid[1, 1], sharex=top)))
fig.savefig(out / "chip_circuits.png", dpi=120)
print(f"wrote {out / 'chip_circuits.png'}")
