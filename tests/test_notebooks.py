"""The example notebooks are committed as valid nbformat-4 files without outputs, and each reads the quick switch.

CI executes them (``COMBCHIP_QUICK=1 python examples/_notebooks.py`` in ``.ci/run``); these checks only read the
files, so they cost milliseconds.
"""

import importlib.util
from pathlib import Path

import nbformat
import pytest

EXAMPLES = Path(__file__).parents[1] / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))


def _runner():
    spec = importlib.util.spec_from_file_location("_notebooks", EXAMPLES / "_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 4, [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_valid_stripped_and_sized(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)  # raises on a malformed file
    assert notebook.nbformat == 4
    assert _runner().outputs_left(notebook) == [], f"{path.name} is committed with outputs"
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert "from _quick import" in code, f"{path.name} ignores COMBCHIP_QUICK"
    assert notebook.cells[0].cell_type == "markdown" and notebook.cells[0].source.startswith("# ")


def test_outputs_left_finds_outputs():
    """The stripped check itself can fail: a cell with an output or an execution count is reported."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1"), nbformat.v4.new_code_cell("2")])
    notebook.cells[1].outputs = [nbformat.v4.new_output("stream", text="2")]
    notebook.cells[0].execution_count = 3
    assert _runner().outputs_left(notebook) == [0, 1]
