"""Sphinx configuration: the API reference from the numpydoc docstrings, and the example notebooks rendered
as committed (outputs stripped, never executed here).

    sphinx-build -W --keep-going -b html docs docs/_build/html
"""

import sys
from pathlib import Path

import combchip

sys.path.insert(0, str(Path(__file__).with_name("_ext")))

project = "combchip"
author = "the combchip developers"
copyright = f"2026, {author}"
release = version = combchip.__version__

extensions = ["sphinx.ext.autodoc", "sphinx.ext.mathjax", "numpydoc", "myst_nb", "automodules", "plaintext_docstrings"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
source_suffix = {".rst": "restructuredtext", ".ipynb": "myst-nb", ".md": "myst-nb"}

autodoc_member_order = "bysource"
autodoc_typehints = "none"
numpydoc_show_class_members = False  # autodoc lists the members
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks = set()
automodules_roots = ["combchip", "combchip.solvers", "combchip.layouts"]  # each module on some page, or a warning

nb_execution_mode = "off"
myst_enable_extensions = ["dollarmath", "amsmath"]

html_theme = "alabaster"
html_static_path = []

# the notebooks live beside the example scripts; Sphinx reads only its own folder, so copy them in (git-ignored)
notebooks = Path(__file__).with_name("notebooks")
notebooks.mkdir(exist_ok=True)
for stale in notebooks.glob("*.ipynb"):
    stale.unlink()
for notebook in sorted(Path(__file__).parents[1].joinpath("examples").glob("*.ipynb")):
    notebooks.joinpath(notebook.name).write_bytes(notebook.read_bytes())
