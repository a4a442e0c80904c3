"""Time to build, write (fab GDS) and render every chip in a fresh process, and to simulate an MZI's netlist
and each whole transmitter chip's netlist as a circuit (never run as a test).

    python benchmarks/bench_layouts.py
"""

import tempfile
import time
from pathlib import Path

start = time.perf_counter()
import gdsfactory as gf  # noqa: E402

from combchip.layouts import pdk  # noqa: E402
from combchip.layouts.chips import CELLS, build  # noqa: E402
from combchip.layouts.models import circuit  # noqa: E402
from combchip.layouts.transmitter_inp import tx_inp  # noqa: E402
from combchip.layouts.transmitter_si import tx_si  # noqa: E402

imported = time.perf_counter()
with tempfile.TemporaryDirectory() as folder:
    for name in CELLS:
        t0 = time.perf_counter()
        build(name, Path(folder) / f"{name}.gds")
        print(f"{name:7s} {time.perf_counter() - t0:6.2f} s")
print(f"import {imported - start:.2f} s; all chips {time.perf_counter() - imported:.2f} s (target < 15 s)")
with pdk.activated():
    mzi = gf.Component(base={i.name: i for i in tx_si().insts}["mzi1"].cell.base)
    t0 = time.perf_counter()
    circuit(mzi, wl=[1.55] * 101)
    t1 = time.perf_counter()
    circuit(mzi, wl=1.55)
    t2 = time.perf_counter()
print(f"MZI netlist circuit: 101 wavelengths {t1 - t0:.3f} s, 1 wavelength {t2 - t1:.3f} s "
      f"(ratio {(t1 - t0) / (t2 - t1):.1f}: netlist extraction dominates)")
with pdk.activated():
    for name, chip, sources in (("tx-si", tx_si(), ()), ("tx-inp", tx_inp(), ("laser_q", "laser_ref"))):
        t0 = time.perf_counter()
        s = circuit(chip, wl=[1.53, 1.55, 1.57], sources=sources)
        print(f"{name} whole-chip circuit, 3 wavelengths: {time.perf_counter() - t0:.2f} s ({len(s)} port pairs)")
