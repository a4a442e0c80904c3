"""System A's four-user MDI-QKD network: planning, per-pair key rates, four-fold coincidences and the
time-division variant, from the published settings (Yan et al., npj Quantum Inf. 2025) and stated SNSPDs
(η = 0.75, p_d = 1e-7); system A's bench encoder, driven by each pair's comb line, on ideal soliton lines.

    python examples/system_a_network.py     # writes examples/out/system_a_network.png and .nc
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from combchip import io
from combchip.link.network import fourfold_coincidence_rate, key_rate_matrix, network_key_rates, rate_vs_distance
from combchip.link.network_plan import resources, tdm_resources, tdm_schedule, wavelength_plan
from combchip.plotting import plot_rate_matrix, plot_rate_vs_distance, plot_wavelength_graph
from combchip.systems import system_a_encoder
from combchip.systems.published import SYSTEM_A
from _quick import sized

out = Path(__file__).with_name("out")
out.mkdir(exist_ok=True)

print("fully connected, 4 users:", resources(4))
print("time-division, 8 users:", tdm_resources(8))
for slot, pairs in enumerate(tdm_schedule(8)):
    print(f"  slot {slot}: {pairs}")

# about 30 dB per user pair, split 15/15 dB; HOM visibility as published, 3e12 pulse pairs, 100 MHz
rates = key_rate_matrix(4, losses_db=[15.0, 15.0, 15.0, 15.0], visibility=SYSTEM_A.hom_visibility_soliton)
io.save(rates.to_dataset(), out / "system_a_network.nc")
print(f"key rate per pair: {float(rates[0, 1]):.0f} bit/s (published average {SYSTEM_A.key_rate:g} bit/s)")
print(f"four-fold coincidences: {fourfold_coincidence_rate(30.0)['rate']:.3f} Hz "
      f"(published ≈ {SYSTEM_A.fourfold_rate:g} Hz)")

# the same link with the bench encoder on each pair's comb line: its realized levels, errors and symbol rate
chain = network_key_rates(None, transmitter=system_a_encoder(), users=4, losses_db=15.0)
print(f"with the encoder: {float(chain.key_rate[0, 1]):.0f} bit/s at {chain.attrs['repetition_rate'] / 1e6:g} MHz, "
      f"e_d^Z = {chain.attrs['e_d_z']:.2e}, state μ spread {chain.state_mu_spread.sel(intensity='z').max().item():.1e}")

fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), layout="constrained")
plot_wavelength_graph(wavelength_plan(4), ax=axes[0])
plot_rate_matrix(rates, ax=axes[1])
distances = sized([0.0, 25e3, 50e3, 75e3, 100e3, 125e3], [0.0, 50e3, 100e3])  # m
plot_rate_vs_distance(rate_vs_distance(distances), ax=axes[2])
fig.savefig(out / "system_a_network.png", dpi=120)
