"""A stationary dark pulse (normal dispersion) refined by Newton, with its stability and spectrum.

    python examples/dark_pulse.py           # writes examples/out/dark_pulse.png
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from combchip.solvers import LLESolver, Schedule, cw_branch, dark_pulse_guess, newton_stationary
from combchip.solvers.lle import mode_numbers
from _quick import sized

out = Path(__file__).with_name("out")
out.mkdir(exist_ok=True)
modes, hold = sized(512, 128), sized(150.0, 30.0)  # hold in τ
d2, f2, zeta = -0.02, 4.0, 3.5  # normalized: d₂ = 2D₂/κ < 0, inside the bistable range ζ > √3
print("CW roots ρ:", cw_branch(f2, zeta))
d_int = d2 * mode_numbers(modes) ** 2 / 2
run = LLESolver(d_int, dt=4e-3).run(np.sqrt(f2), Schedule.constant(zeta), hold,
                                    initial=dark_pulse_guess(np.sqrt(f2), zeta, d2, modes, width=1.5),
                                    snapshot_tau=[hold])
state = newton_stationary(run.fields()[0, 0], np.sqrt(f2), zeta, d_int)
print(f"Newton residual {state.residual:.1e} in {state.iterations} iterations; largest growth {state.max_growth:.3f}")

theta = -np.pi + 2 * np.pi * np.arange(modes) / modes
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5), layout="constrained")
left.plot(theta, np.abs(state.field) ** 2)
left.set(xlabel="θ [rad]", ylabel="|ψ|²", title="dark pulse")
mu = np.fft.fftshift(mode_numbers(modes))
right.plot(mu, 10 * np.log10(np.fft.fftshift(state.spectrum)), ".", ms=2)
right.set(xlabel="μ", ylabel="|ψ_μ|² [dB]", title="spectrum", xlim=(-120, 120), ylim=(-120, 10))
fig.savefig(out / "dark_pulse.png", dpi=120)
