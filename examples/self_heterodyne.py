"""System A's comb-line linewidths read by a simulated delayed self-heterodyne (DSH) measurement.

Soliton line: its frequency noise is the pump's, one to one (the elastic tape of the plain LLE, a₀ = 1, a_r = 0,
checked against stochastic runs in tests/test_line_noise.py), plus thermal terms. The pump's noise and the DSH
delay are ASSUMED (neither is published): h₀, h₋₁ of examples/line_noise.py and 2–25 km of SMF-28.
Chaotic line: system A held in modulation-instability chaos (ζ = 5) with a noisy pump; its ensemble |g⁽¹⁾|²
(pump phase noise included) gives the beat in the long-delay limit. Printed against the published 0.11 MHz
(soliton) and 1.4 MHz (chaotic).

    python examples/self_heterodyne.py        # writes examples/out/self_heterodyne.png
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import combchip as cc
from combchip.comb.coherence import coherence_time, line_coherence
from combchip.comb.line_noise import PumpFrequencyNoise, line_frequency_noise
from combchip.comb.pump_noise import noisy_detuning, pump_frequency_trace
from combchip.comb.self_heterodyne import fiber_delay, self_heterodyne, self_heterodyne_from_coherence
from combchip.plotting import plot_frequency_noise, plot_self_heterodyne
from combchip.systems import system_a_pump, system_a_ring
from combchip.systems.published import SYSTEM_A
from _quick import sized
from line_noise import PUMP_FLICKER, PUMP_WHITE

FIBRE_LENGTHS = (2e3, 10e3, 25e3)   # ASSUMED DSH delay lines [m]
LINE = 8                            # CH59, 8 FSR from the CH51 pump

out = Path(__file__).with_name("out")
out.mkdir(exist_ok=True)
fig, axes = plt.subplots(1, 3, figsize=(16, 4), layout="constrained")

pump_noise = PumpFrequencyNoise(PUMP_WHITE, PUMP_FLICKER)
frequency = np.logspace(0, 10, sized(800, 300))
soliton_psd = line_frequency_noise(pump_noise, [LINE], frequency).total_psd.sel(mu=LINE)
for length in FIBRE_LENGTHS:
    dsh = self_heterodyne(frequency, soliton_psd.values, fiber_delay(length), samples=sized(2048, 512))
    print(f"soliton line, {length / 1e3:g} km delay: DSH linewidth {float(dsh.linewidth) / 1e3:.3g} kHz "
          f"({dsh.attrs['status']}), published {SYSTEM_A.soliton_linewidth / 1e3:g} kHz")
plot_self_heterodyne(dsh, ax=axes[1])
axes[1].set_title(f"soliton line (assumed pump noise), {FIBRE_LENGTHS[-1] / 1e3:g} km", fontsize=9)

ring, pump = system_a_ring(), system_a_pump()
norm = cc.normalize(ring, pump)
start = float(norm.time_s(40.0))
times = start + np.arange(sized(1000, 200)) * 0.1e-9
seeds = sized([0, 1, 2, 3], [0, 1])
trace = pump_frequency_trace(pump_noise, times[-1] + 1e-9, 0.05e-9, seed=seeds)
ds = cc.simulate_comb(ring, pump, noisy_detuning(trace, float(norm.detuning_hz(5.0))), modes=sized(512, 256),
                      duration=times[-1], snapshots=times, seed=seeds, progress=False)
coherence = line_coherence(ds, [LINE], pump_noise=trace)
chaotic = self_heterodyne_from_coherence(coherence.sel(mu=LINE), samples=sized(2048, 512))
print(f"chaotic line (ζ = 5): coherence time {float(coherence_time(coherence).sel(mu=LINE)) * 1e9:.3g} ns, "
      f"DSH linewidth {float(chaotic.linewidth) / 1e6:.3g} MHz ({chaotic.attrs['status']}), "
      f"published {SYSTEM_A.chaotic_linewidth / 1e6:g} MHz")
plot_self_heterodyne(chaotic, ax=axes[2])
axes[2].set_title("chaotic line (LLE ensemble, long-delay limit)", fontsize=9)
plot_frequency_noise({"soliton line = pump (assumed)": soliton_psd}, ax=axes[0])
fig.savefig(out / "self_heterodyne.png", dpi=120)
