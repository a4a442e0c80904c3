"""Fabrication Monte Carlo: how width, height and gap spreads move system A's ring, and how coupler and layer
spreads move an InP MZI modulator, against system C's measured modulator spreads.

The spreads are assumptions (:mod:`combchip.systems.fabrication`); the ring uses the effective-index mode engine.

    python examples/fabrication.py       # writes examples/out/fabrication.png (ring) and fabrication_modulator.png
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from combchip.plotting.maps import plot_fabrication
from combchip.systems.fabrication import modulator_monte_carlo, ring_monte_carlo
from _quick import sized

if __name__ == "__main__":
    out = Path(__file__).with_name("out")
    out.mkdir(exist_ok=True)
    ring = ring_monte_carlo(sized(400, 8), seed=0)
    scale = {"fsr": (1e9, "GHz"), "d2": (2e6 * 3.141592653589793, "2π·MHz"), "kappa_ex": (2e6 * 3.141592653589793, "2π·MHz"),
             "zeta_max": (1.0, ""), "soliton_detuning_max": (1e9, "GHz")}
    for name, (unit, label) in scale.items():
        values = ring[name] / unit
        print(f"{name:>22}: {float(values.mean()):.4g} ± {float(values.std()):.2g} {label} "
              f"({100 * float(values.std() / abs(values.mean())):.2f} %)")
    plot_fabrication(ring, ["fsr", "d2", "kappa_ex", "zeta_max", "soliton_detuning_max", "soliton_range"]
                     ).savefig(out / "fabrication.png", dpi=110)
    mzi = modulator_monte_carlo(sized(1000, 8), seed=0)
    for name in ("extinction_ratio", "v_pi"):
        print(f"{name:>22}: model {float(mzi[name].mean()):.3g} ± {float(mzi[name].std()):.2g} "
              f"{mzi[name].attrs['units']}, published {mzi.attrs[f'published_{name}']} ± "
              f"{mzi.attrs[f'published_{name}_spread']}")
    plot_fabrication(mzi).savefig(out / "fabrication_modulator.png", dpi=110)
