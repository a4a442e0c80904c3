"""System A: forward scan over four noise seeds → CW rise, sub-combs, chaos, soliton steps.

    python examples/soliton_steps.py        # writes examples/out/soliton_steps.{nc,png}
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import combchip as cc
from combchip.plotting import plot_summary
from combchip.systems.soliton_steps import soliton_steps
from _quick import sized

out = Path(__file__).with_name("out")
ds, plateaus = soliton_steps(seeds=sized((0, 1, 2, 3), (0,)), modes=sized(512, 128), rate=sized(0.01, 0.1))
print(plateaus.to_dataframe().to_string())
cc.save(ds, out / "soliton_steps.nc")
plot_summary(ds, plateaus).savefig(out / "soliton_steps.png", dpi=120)
