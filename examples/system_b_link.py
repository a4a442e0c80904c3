"""System B end to end: locked soliton line → silicon polarization chip → 100 km per user → BSM → finite key.

Prints the modelled QBER_Z, QBER_X and HOM visibility against the published ones (Wang et al., arXiv 2025)
and the optimized finite-key rate for 1000 s and 10⁴ s blocks (assumed SNSPDs η = 0.75, 100 Hz dark counts;
0.2 dB/km fibre, 1 dB relay loss; 10 kHz seed linewidth; see combchip.systems.system_b_link).

    python examples/system_b_link.py     # writes examples/out/system_b_link.png
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from combchip.systems import system_b_key_rate
from combchip.systems.published import SYSTEM_B
from _quick import sized

out = Path(__file__).with_name("out")
out.mkdir(exist_ok=True)
blocks = (SYSTEM_B.block, 10 * SYSTEM_B.block)  # s
results = [system_b_key_rate(block, optimize=sized(True, False)) for block in blocks]
r = results[0]

rows = [("QBER_Z", r.qber_z, SYSTEM_B.qber_z), ("QBER_X", r.qber_x, SYSTEM_B.qber_x),
        ("V_HOM", r.hom_visibility, SYSTEM_B.hom_visibility)]
print(f"{'':8s} {'model':>8s} {'published':>10s}")
for name, model, published in rows:
    print(f"{name:8s} {100 * model:7.2f}% {100 * published:9.2f}%")
print(f"V_HOM averaged over 80 line pairs (published): {100 * SYSTEM_B.hom_visibility_mean:.1f}%")
for res in results:
    print(f"T = {res.block_seconds:g} s, N = {res.pulse_pairs:.2e}: key rate {res.key_rate:.3g} bit/s "
          f"({res.key_status}; optimizer: {res.optimizer_message}); settings μ = "
          + ", ".join(f"{k} {v:.3f}" for k, v in res.intensities.items())
          + "; p = " + ", ".join(f"{k} {v:.3f}" for k, v in res.probabilities.items()))

fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
x = range(len(rows))
ax.bar([i - 0.2 for i in x], [100 * m for _, m, _ in rows], 0.4, label="model")
ax.bar([i + 0.2 for i in x], [100 * p for _, _, p in rows], 0.4, label="published")
ax.set_xticks(list(x), [name for name, _, _ in rows])
ax.set_ylabel("%")
ax.legend()
bx.bar([f"{res.block_seconds:g} s" for res in results], [res.key_rate for res in results])
bx.set_ylabel("finite-key rate (bit/s)")
bx.set_title(f"{SYSTEM_B.fibre_per_user / 1e3:g} km per user")
fig.savefig(out / "system_b_link.png", dpi=120)
