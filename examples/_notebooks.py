"""Run every example notebook top to bottom (nbclient), as CI does, and check that none is committed with outputs.

    COMBCHIP_QUICK=1 python examples/_notebooks.py              # all of them, reduced size
    python examples/_notebooks.py examples/05_layouts.ipynb       # one, full size

Each notebook runs in its own kernel with ``examples/`` as the working folder (its figures go to
``examples/out/``); the executed copy is not written back, so the committed file stays stripped.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).parent


def outputs_left(notebook) -> list[int]:
    """Indices of the code cells that carry outputs or an execution count."""
    return [i for i, cell in enumerate(notebook.cells)
            if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)]


def run(path: Path, timeout: float = 1200.0) -> float:
    """Execute the notebook at ``path`` in a fresh kernel; return the wall time [s]. Raises on any failing cell."""
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def main(paths) -> int:
    paths = [Path(p) for p in paths] or sorted(HERE.glob("*.ipynb"))
    if not paths:
        print("no notebooks found", file=sys.stderr)
        return 1
    for path in paths:
        dirty = outputs_left(nbformat.read(path, as_version=4))
        if dirty:
            print(f"{path}: code cells {dirty} carry outputs; strip them before committing", file=sys.stderr)
            return 1
    for path in paths:
        print(f"== {path}", flush=True)
        print(f"   ran in {run(path):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
