"""System C: frequency noise of the free-running DFB, the SIL-locked pump and the dark-pulse comb lines.

The Kerr-loaded stabilization K comes from the SIL-started platicon run (:func:`system_c_dark_pulse`, assumed
330 mA DFB); where the lock pins the laser it is a lower bound, and the locked PSDs and linewidths below are then
upper bounds in their DFB part. K(f) falls beyond the ring's half-linewidth; the ring's thermorefractive noise
(TRN: heat diffusion out of the mode's heat weight, computed from the femwell field, homogeneous SiO₂ assumed;
:func:`system_c_thermorefractive`) reaches the locked laser inside the lock. Printed: the heat weight, the K(f)
corner, the TRN level and slope, where it meets the published 13 Hz²/Hz, the floor of a line's PSD over 0.1–10 MHz
and which term sets it, the intrinsic (π·floor) and β-line linewidths against the published ≈ 40 Hz, and the doublet
splitting at which linear SIL theory would make the DFB's own noise a 13 Hz²/Hz floor.

    python examples/sil_line_noise.py        (COMBCHIP_QUICK=1: 64 modes, a coarser frequency grid)

Writes examples/out/sil_line_noise.png, sil_line_noise_trn.png and sil_line_noise_backscatter.png.
"""

from pathlib import Path

import numpy as np

from _quick import sized
from combchip.plotting.noise import plot_sil_noise, plot_thermorefractive
from combchip.plotting.sil import plot_sil_backscatter
from combchip.systems.published import SYSTEM_C
from combchip.comb.sil import backscatter_for_stabilization
from combchip.systems.system_c import (BACKSCATTER_RATE, HEAT_WEIGHT, system_c_comb_ring, system_c_dark_pulse,
                                       system_c_line_noise, system_c_sil, system_c_thermorefractive)

ds = system_c_dark_pulse(feedback_phases=sized(None, [-np.pi]), modes=sized(128, 64))
a = ds.attrs
bound = not a["stabilization_resolved"]
ge, le = ("≥ ", "≤ ") if bound else ("= ", "")
noise = system_c_line_noise(a["stabilization"], stabilization_is_bound=bound, mu=[0, 1, 10],
                            frequency=np.logspace(0, 9, sized(1801, 451)))
f, k = noise.frequency.values, noise.stabilization.values
corner = f[np.argmax(k < k[0] / np.sqrt(2))]
print(f"K {ge}{a['stabilization']:.3g} (φ = {a['feedback_phase']:.2f} rad); |K(f)| = K/√2 at {corner / 1e6:.3g} MHz "
      f"(ring half-linewidth κ/4π = {noise.attrs['kappa'] / (4 * np.pi) / 1e6:.3g} MHz, β = {noise.attrs['beta']:.3g})")
print(f"free-running DFB h₀ = {float(noise.free_running_psd[0]):.3g} Hz²/Hz (π·h₀ = "
      f"{noise.attrs['free_running_linewidth'] / 1e3:.3g} kHz)")
print(f"heat weight (femwell field): core confinement Γ = {HEAT_WEIGHT['confinement']:.3f}, Gaussian widths "
      f"{HEAT_WEIGHT['widths'][0] * 1e6:.3f} × {HEAT_WEIGHT['widths'][1] * 1e6:.3f} µm, ∫w² = "
      f"{HEAT_WEIGHT['weight_square'] * 1e-12:.3f} /µm² (the Gaussian's: "
      f"{1e-12 / (2 * np.pi * np.prod(HEAT_WEIGHT['widths'])):.3f})")
slope = np.gradient(np.log(noise.ring_psd.values), np.log(f))
for x in (1e3, 1e5, 1e6, 1e7):
    print(f"  TRN a₀²S_T at {x:.0e} Hz: {float(noise.ring_psd.interp(frequency=x)):.3g} Hz²/Hz (slope "
          f"{np.interp(x, f, slope):.2f}); locked laser {le}{float(noise.locked_psd.interp(frequency=x)):.3g} Hz²/Hz")
meet = np.interp(-np.log(SYSTEM_C.white_frequency_noise), -np.log(noise.ring_psd.values), f)
print(f"TRN equals the published {SYSTEM_C.white_frequency_noise:g} Hz²/Hz at {meet / 1e6:.3g} MHz and keeps falling "
      f"(not white); the line's laser part overtakes it at "
      f"{f[np.argmax(noise.line_laser_psd.values > noise.line_ring_psd.sel(mu=0).values)] / 1e6:.3g} MHz")
for mu in noise.mu.values:
    row = noise.sel(mu=mu)
    print(f"line μ = {mu:+d}: floor {le}{float(row.floor):.3g} Hz²/Hz at {float(row.floor_frequency) / 1e6:.3g} MHz "
          f"(set by the {row.floor_source.item()} term), intrinsic {le}{float(row.intrinsic_linewidth):.3g} Hz, "
          f"β-line {float(row.beta_linewidth):.3g} Hz (1 Hz cut-off); published ≈ {SYSTEM_C.intrinsic_linewidth:g} Hz "
          f"(white floor {SYSTEM_C.white_frequency_noise:g} Hz²/Hz)")
needed = np.sqrt(float(noise.free_running_psd[0]) / SYSTEM_C.white_frequency_noise)
design = backscatter_for_stabilization(system_c_comb_ring(), system_c_sil(a["feedback_phase"]), needed)
print(f"a {SYSTEM_C.white_frequency_noise:g} Hz²/Hz white floor from this DFB alone would need K ≈ {needed:.3g} "
      f"({20 * np.log10(needed):.0f} dB; published > {SYSTEM_C.noise_suppression_db:g} dB): linear SIL theory gives "
      f"it with a {design.doublet_splitting / 1e6:.3g} MHz doublet (assumed here: "
      f"{2 * BACKSCATTER_RATE / (2 * np.pi) / 1e6:g} MHz) {design.reason}")

out = Path(__file__).with_name("out")
out.mkdir(exist_ok=True)
plot_sil_noise(noise, reference=SYSTEM_C.white_frequency_noise).savefig(out / "sil_line_noise.png", dpi=120)
trn = system_c_thermorefractive()
plot_thermorefractive(trn.diffusion, scale=trn.pump_coefficient**2).savefig(out / "sil_line_noise_trn.png", dpi=120)
plot_sil_backscatter(system_c_comb_ring(), system_c_sil(a["feedback_phase"]), design).savefig(
    out / "sil_line_noise_backscatter.png", dpi=120)
