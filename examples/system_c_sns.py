"""System C: X-basis error budget, and SNS-TF-QKD rate against fibre length, with and without AOPP, against PLOB.

Uses system C's link (combchip.systems.system_c_channel: published phase drifts and linewidths; stated 0.16 dB/km
fibre, η = 0.7, p_d = 1e-8, 1 nW phase reference, tracking periods and mismatches) and 10¹² pulses per distance,
optimizing the source settings at each point.

    python examples/system_c_sns.py          # writes examples/out/system_c_sns.png and .nc files
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np
import xarray as xr

from combchip.plotting import plot_rate_vs_distance
from combchip.link.qkd.sns_distance import sns_rate_vs_distance
from combchip.link.qkd.sns_errors import format_error_budget, sns_x_error_budget
from combchip.systems import system_c_channel
from _quick import sized

out = Path(__file__).with_name("out")
out.mkdir(exist_ok=True)
distance = np.array(sized([100, 204, 250, 300, 370, 420, 480], [204, 370])) * 1e3  # m
budget = sns_x_error_budget([204e3, 370e3], system_c_channel())
budget.to_netcdf(out / "system_c_x_errors.nc")
print("X-basis error budget (default settings, slice π/8):\n" + format_error_budget(budget))
fig = None
for aopp in (False, True):
    curve = sns_rate_vs_distance(distance, 1e12, system_c_channel(), aopp=aopp, optimize=sized(True, False))
    path = out / f"system_c_sns{'_aopp' if aopp else ''}.nc"
    curve.to_netcdf(path)
    assert xr.load_dataset(path).identical(curve)
    fig = plot_rate_vs_distance(curve, ax=None if fig is None else fig.axes[0], bound=not aopp)
    ratio = curve.key_rate_per_pulse / curve.plob
    print(f"AOPP {aopp}: " + ", ".join(f"{d / 1e3:.0f} km {r:.2e} ({q:.2f}× PLOB)" for d, r, q in
                                      zip(distance, curve.key_rate_per_pulse.values, ratio.values)))
fig.savefig(out / "system_c_sns.png", dpi=120)
