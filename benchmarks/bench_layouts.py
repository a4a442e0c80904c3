"""Time to build, write (fab GDS) and render every chip in a fresh process (never run as a test).

    python benchmarks/bench_layouts.py
"""

import tempfile
import time
from pathlib import Path

start = time.perf_counter()
from combchip.layouts.chips import CELLS, build  # noqa: E402

imported = time.perf_counter()
with tempfile.TemporaryDirectory() as folder:
    for name in CELLS:
        t0 = time.perf_counter()
        build(name, Path(folder) / f"{name}.gds")
        print(f"{name:7s} {time.perf_counter() - t0:6.2f} s")
print(f"import {imported - start:.2f} s; all chips {time.perf_counter() - imported:.2f} s (target < 15 s)")
