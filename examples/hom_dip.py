"""A counted HOM dip of system A's 0.8 ns pulses, and its fit: visibility, width and centre with errors.

The dip comes from the overlap model (combchip.link.hom.hom_dip: threshold detectors, μ = 0.1 each, 50 ps rms
timing jitter, 0.15 rad polarization error); Poisson counts (seed 1) at 2000 coincidences per point far
from the dip stand in for a measurement, and combchip.link.hom_fit recovers the parameters.

    python examples/hom_dip.py              # writes examples/out/hom_dip.png
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from combchip.link.hom import hom_dip
from combchip.link.hom_fit import fit_hom_dip
from combchip.plotting import plot_hom_dip, plot_hom_fit
from _quick import sized

out = Path(__file__).with_name("out")
out.mkdir(exist_ok=True)
delay = np.linspace(-3e-9, 3e-9, sized(61, 21))
dip = hom_dip(delay, 0.1, 0.1, pulse_fwhm=0.8e-9, jitter=50e-12, polarization_angle=0.15)
counts = np.random.default_rng(1).poisson(2000 * dip.values)
fit = fit_hom_dip(delay, counts)
v = {name: float(fit[name]) for name in ("visibility", "visibility_err", "dip_fwhm", "dip_fwhm_err", "center",
                                         "center_err", "chi2_reduced")}
print(f"model: V = {100 * dip.attrs['visibility']:.2f} %; fit: V = {100 * v['visibility']:.2f} ± "
      f"{100 * v['visibility_err']:.2f} %, FWHM {v['dip_fwhm'] * 1e9:.3f} ± {v['dip_fwhm_err'] * 1e9:.3f} ns, "
      f"centre {v['center'] * 1e12:.0f} ± {v['center_err'] * 1e12:.0f} ps, χ²/dof {v['chi2_reduced']:.2f}")
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
plot_hom_dip(dip, ax=left)
plot_hom_fit(fit, ax=right)
fig.savefig(out / "hom_dip.png", dpi=120)
