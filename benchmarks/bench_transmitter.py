"""Time to encode 10⁶ symbols with system B's chip and system A's encoder (never run as a test).

    python benchmarks/bench_transmitter.py
"""

import time

from scipy.constants import c

from combchip.schema import CombLine
from combchip.systems import system_a_encoder, system_b_transmitter


def main():
    for name, chip, power in (("system B Si chip", system_b_transmitter(), 1e-3),
                              ("system A time-bin encoder", system_a_encoder(), 1e-6)):
        line = CombLine(frequency=c / chip.wavelength, power=power)
        chip.symbols(1000, line)
        start = time.perf_counter()
        ds = chip.symbols(1_000_000, line, seed=1)
        elapsed = time.perf_counter() - start
        print(f"{name}: 10⁶ symbols in {elapsed:.2f} s (calibration and ISI table included); "
              f"μ_z = {ds.attrs['mu_z']:.4f}, e_Z = {ds.attrs['misalignment_z']:.4f}, e_X = {ds.attrs['misalignment_x']:.4f}")


if __name__ == "__main__":
    main()
