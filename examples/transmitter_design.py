"""Design a 2.5 GHz polarization-encoding transmitter (system B) from device physics.

Depletion phase shifter → push-pull MZIs with 30 dB extinction → carving, decoy levels, VOA and
polarization states → a 1 mW comb line drives it → the realized states and a stream of encoded symbols
with their imperfections.

    python examples/transmitter_design.py   # writes examples/out/transmitter_design.png

The ``# %%`` cells open as a notebook in Jupyter (jupytext) or VS Code.
"""

# %% The chip, built from its parts

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scipy.constants import c

from combchip import plotting
from combchip.schema import CombLine
from combchip.systems import system_b_transmitter
from combchip.systems.published import SYSTEM_A
from _quick import sized

out = Path(__file__).with_name("out")
out.mkdir(exist_ok=True)
chip = system_b_transmitter()
arm = chip.carver.arm_a
v_max = 2 * (chip.carver.common_voltage + 0.99 * arm.builtin_voltage)
print(f"depletion arm: VπL = {arm.v_pi_l() * 100:.2f} V·cm, C = {arm.capacitance(3.0) * 1e12:.2f} pF at 3 V, "
      f"R = {arm.resistance:.1f} Ω")
print(f"push-pull MZI: Vπ = {chip.carver.v_pi(v_max=v_max):.2f} V (differential), ER = "
      f"{chip.carver.extinction_ratio_db:.1f} dB, electrode bandwidth {chip.carver.bandwidth_3db / 1e9:.1f} GHz")
print(f"1D GC: {chip.input_coupler.centre_wavelength * 1e9:.1f} nm, {chip.input_coupler.insertion_loss_db:.2f} dB, "
      f"1-dB width {chip.input_coupler.bandwidth_1db * 1e9:.1f} nm")

# %% A million encoded symbols from a 1 mW comb line
line = CombLine(frequency=c / chip.wavelength, power=1e-3, linewidth=SYSTEM_A.soliton_linewidth)
states = chip.states(line)
z = states.mu.sel(intensity="z")
print(f"realized μ_z per state: {', '.join(f'{s} {m:.4f}' for s, m in zip(states.state.values, z.values))}; "
      f"spread {100 * float((z.max() - z.min()) / z.mean()):.1f} % (a basis side channel)")
ds = chip.symbols(sized(1_000_000, 10_000), line, seed=0)
print(f"VOA heater: {ds.attrs['attenuation'] * 1e3:.2f} mW for a 1 mW comb line")
for label, target in SYSTEM_A.intensities.items():
    print(f"  μ_{label}: target {target:.3f}, realized {ds.attrs[f'mu_{label}']:.4f} "
          f"(pattern spread {100 * ds.attrs[f'mu_{label}_relative_spread']:.1f} %)")
print(f"  misalignment: Z {100 * ds.attrs['misalignment_z']:.2f} %, X {100 * ds.attrs['misalignment_x']:.2f} %")

# %% Figures: MZI transfer, carved pulses (eye), grating spectrum, prepared states
fig = plt.figure(figsize=(11, 8), layout="constrained")
grid = fig.add_gridspec(2, 2)
plotting.plot_mzi_transfer(chip.carver, voltages=np.linspace(0, v_max, 200), ax=fig.add_subplot(grid[0, 0]))
plotting.plot_pulse_train(chip, ax=fig.add_subplot(grid[0, 1]), eye=True)
plotting.plot_grating_spectrum(chip.input_coupler, ax=fig.add_subplot(grid[1, 0]))
table = chip.table_for(tuple(SYSTEM_A.intensities), SYSTEM_A.intensities, ds.attrs["attenuation"], line)
plotting.plot_states(table, ax=fig.add_subplot(grid[1, 1], projection="3d"))
fig.savefig(out / "transmitter_design.png", dpi=110)
