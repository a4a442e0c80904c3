"""System B: the 49 GHz ring's rep rate locked to an RF reference through its temperature.

Two chips are locked independently against a drifting environment; the figure shows chip 1's locked
rep-rate error against the closed-loop prediction, and the σ of the line-pair offset against n.

    python examples/rep_rate_lock.py        # writes examples/out/rep_rate_lock.png
"""

from dataclasses import fields
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from combchip.plotting.comb import plot_rep_rate_lock
from combchip.systems.system_b import system_b_lock_figures
from _quick import sized

out = Path(__file__).with_name("out")
out.mkdir(exist_ok=True)
first, second, offsets, figures = system_b_lock_figures(duration=sized(3 * 3600.0, 120.0), seed=0)
for f in fields(figures):
    print(f"{f.name:36s} {getattr(figures, f.name)!s:>14} {f.metadata['unit']}")

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4), layout="constrained")
plot_rep_rate_lock(first, ax=left, predicted_sigma=figures.predicted_sigma)
n = offsets.n.values
right.plot(n, offsets.line_offset.std("time") / 1e3, label="two locked chips (model)")
right.axhline(figures.published_beat_sigma / 1e3, color="k", ls="--", lw=0.8, label="published beat σ")
right.plot(n, np.sqrt(2) * figures.published_sigma * np.abs(n) / 1e3, ":", label="√2·|n|·published rep-rate σ")
right.set(xlabel="line number n from the pump", ylabel="σ of the line-pair offset [kHz]",
          title="offset of line n between two chips")
right.legend(fontsize=7)
fig.savefig(out / "rep_rate_lock.png", dpi=120)
