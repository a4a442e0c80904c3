"""System C's InP client DBR injection-locked to a comb line: locking range, noise transfer, linewidth, SMSR.

The comb line's white floor (13 Hz²/Hz) is the published INPUT; the DBR and the injected power are ASSUMED
(:mod:`combchip.systems.system_c_clients`). Printed: the locking range, the locking bandwidth, the client's
linewidth inside and outside the range and its side-mode suppression, against the published ≈ 60 Hz and > 30 dB.

    python examples/injection_lock.py        # writes examples/out/injection_lock.png
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from combchip.plotting import plot_injection_lock
from combchip.systems.published import SYSTEM_C
from combchip.systems.system_c_clients import CLIENT_DBR, INJECTED_POWER_DBM, system_c_client_lock
from _quick import sized

out = Path(__file__).with_name("out")
out.mkdir(exist_ok=True)
locked = system_c_client_lock(points=sized(1200, 300))
lower, upper = float(locked.lower_edge), float(locked.upper_edge)
print(f"injected {INJECTED_POWER_DBM:g} dBm into a {1e3 * CLIENT_DBR.power:g} mW DBR (α_H = {CLIENT_DBR.alpha:g}): "
      f"locking range {lower / 2 / np.pi / 1e9:.3g} … {upper / 2 / np.pi / 1e9:.3g} GHz, locking bandwidth "
      f"{float(locked.locking_bandwidth) / 1e9:.3g} GHz at zero detuning")
print(f"locked client: β-line linewidth {float(locked.client_linewidth):.3g} Hz (comb line {float(locked.master_linewidth):.3g} Hz), "
      f"carrier π·h₀ = {float(locked.carrier_linewidth):.3g} Hz, pedestal phase variance "
      f"{float(locked.pedestal_phase_variance):.2g} rad², SMSR {float(locked.smsr):.1f} dB "
      f"(assumed free-running {CLIENT_DBR.smsr:g} dB); published ≈ {SYSTEM_C.client_linewidth:g} Hz and "
      f"> {SYSTEM_C.client_side_mode_suppression_db:g} dB")
detunings = np.linspace(1.3 * lower, 1.3 * upper, sized(41, 9))
scan = [system_c_client_lock(detuning=d, points=sized(400, 100)) for d in detunings]
fig, axes = plt.subplots(1, 2, figsize=(12, 4), layout="constrained")
plot_injection_lock(locked, ax=axes[0])
axes[1].semilogy(detunings / 2 / np.pi / 1e9, [float(s.client_linewidth) for s in scan], "o-", ms=3)
for edge in (lower, upper):
    axes[1].axvline(edge / 2 / np.pi / 1e9, color="0.5", ls=":")
axes[1].set_xlabel("detuning (ω_master − ω_free)/2π [GHz]")
axes[1].set_ylabel("client β-line linewidth [Hz]")
axes[1].set_title("locked inside Mogensen's range, free running outside", fontsize=9)
fig.savefig(out / "injection_lock.png", dpi=120)
