"""Backward tuning of system A's multi-soliton state (Guo et al., Nat. Phys. 13, 94 (2017)) with the ring's heat.

A thermal-free lead-in leaves several solitons at ζ = 11; the pump then scans blue at 4 GHz/ms (about one τ_T per
half-linewidth) with the heat alone, and with the CH37 aux laser parked 5 (the forward-access setting) or 15
half-linewidths blue of zero net pull. One soliton fewer cools the ring, and with heat alone the survivors feel
≈ +1 half-linewidth redder for ~τ_T: they are held while the next breather decays. At the 5-half-linewidth park the
aux over-compensates (the jump turns blue) and the survivors go together. One seed each: whether the losses come
one at a time varies from run to run.

    python examples/backward_tuning.py      # writes examples/out/backward_tuning.png (≈ 7 min on one core)
"""

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import combchip as cc
from combchip.plotting.comb import plot_backward_scan
from combchip.systems.dual_drive import backward_scan, park_for_reserve, removals
from combchip.systems.system_a import system_a_pump, system_a_pumped_ring
from _quick import sized

out = Path(__file__).with_name("out")
out.mkdir(exist_ok=True)
half_linewidth = cc.normalize(system_a_pumped_ring(), system_a_pump()).kappa / (4 * math.pi)
# quick: 32 modes form no solitons in the lead-in, so zero pull has no solution; the aux is parked by hand
common = dict(modes=sized(512, 32), rate_hz_per_s=sized(4e12, 3e15), lead_in_rate_hz_per_s=sized(3e14, 3e16),
              bursts=sized(120, 4), seed=0)
cases = {"heat only": dict(aux=False)}
for offset in (5, 15):
    park = sized(dict(park_offset_hz=-offset * half_linewidth), dict(park=0.5 * park_for_reserve(0.0) - offset * 1e8))
    cases[f"aux, {offset} half-linewidths blue of zero pull"] = dict(aux=True, **park)
scans = {label: backward_scan(**kwargs, **common) for label, kwargs in cases.items()}
for label, ds in scans.items():
    table = removals(ds)
    steps = ", ".join(f"{b}→{a} at ζ_eff {4 * math.pi * z / ds.attrs['kappa']:.2f} ({t * 1e6:.1f} µs, {k:.3f} K)"
                      for b, a, z, t, k in zip(table.before.values, table.after.values, table.felt_detuning.values,
                                               table.time.values, table.temperature.values))
    print(f"{label}: {int(ds.soliton_count[0])} solitons; {steps or 'no change'}")
plot_backward_scan(scans).savefig(out / "backward_tuning.png", dpi=120)
