"""The package's shape: import cost and boundaries, and every published number written once."""

import io
import subprocess
import sys
import tokenize
from dataclasses import fields
from pathlib import Path

import pytest

from combchip.systems import published
from combchip.systems.published import SYSTEM_A, SYSTEM_B, SYSTEM_C

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_CODE = [p for d in ("combchip", "solvers", "layouts") for p in (ROOT / d).rglob("*.py")
                if p.name != "published.py"]

DISTINCTIVE = {
    SYSTEM_A.fsr, SYSTEM_A.pump_wavelength, SYSTEM_A.aux_wavelength, SYSTEM_A.q_loaded, SYSTEM_A.insertion_loss_db,
    SYSTEM_A.pump_resonance_linewidth, SYSTEM_A.aux_resonance_linewidth, SYSTEM_A.soliton_linewidth,
    SYSTEM_A.hom_visibility_soliton, SYSTEM_A.bsm_visibility_soliton, SYSTEM_A.hom_visibility_chaotic,
    SYSTEM_A.bsm_visibility_chaotic, SYSTEM_A.error_correction_efficiency, *SYSTEM_A.intensities.values(),
    *SYSTEM_A.probabilities.values(), SYSTEM_B.hom_visibility, SYSTEM_B.hom_visibility_mean, SYSTEM_B.qber_x,
    SYSTEM_B.rep_rate_error_sigma, SYSTEM_B.rep_rate_error_peak_to_peak, *SYSTEM_B.v_pi, SYSTEM_C.fsr,
    SYSTEM_C.wavelength, SYSTEM_C.reference_phase_drift, SYSTEM_C.modulator_visibility_db, SYSTEM_C.v_pi,
} - {0.0}
"""Published values unlikely to be typed for another reason (0, 1, round numbers left out)."""


def _numbers(path):
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
    for tok in tokens:
        if tok.type == tokenize.NUMBER:
            try:
                yield tok.start[0], float(tok.string.replace("_", ""))
            except ValueError:
                continue


def test_published_numbers_are_written_once():
    found = [f"{p.relative_to(ROOT)}:{line} = {value!r}" for p in PACKAGE_CODE for line, value in _numbers(p)
             if any(abs(value - v) <= 1e-12 * abs(v) for v in DISTINCTIVE)]
    assert not found, "published numbers typed outside systems/published.py:\n" + "\n".join(found)


@pytest.mark.parametrize("system", [SYSTEM_A, SYSTEM_B, SYSTEM_C], ids=["A", "B", "C"])
def test_every_published_number_has_a_unit_and_a_source(system):
    for f in fields(system):
        assert f.metadata["unit"], f.name
        assert f.metadata["source"].count(",") >= 1, f.name          # "paper, where in it"
    assert "mean FSR over 122 resonances" in published.source(SYSTEM_A, "fsr")
    with pytest.raises(ValueError, match="name"):
        published.source(SYSTEM_A, "radius_of_the_moon")


def test_catalogue_lists_every_number_of_the_three_systems():
    rows = published.catalogue()
    assert len(rows) == sum(len(fields(s)) for s in (SYSTEM_A, SYSTEM_B, SYSTEM_C))
    assert ("A", "key_rate", 267.0, "bit/s") == rows[[r[1] for r in rows].index("key_rate")][:4]


def test_published_numbers_are_frozen():
    with pytest.raises(AttributeError):
        SYSTEM_A.fsr = 1.0
    with pytest.raises(TypeError):
        SYSTEM_A.intensities["z"] = 1.0


def test_import_combchip_loads_neither_gdsfactory_nor_the_link_models():
    code = ("import sys, combchip; print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('gdsfactory', 'kfactory', 'klayout') or m.startswith(('combchip.link', 'combchip.layouts'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_docstrings_cite_papers_not_unshipped_files():
    cited = [f"{p.relative_to(ROOT)}" for p in PACKAGE_CODE
             if "REFERENCE.md" in p.read_text() or "DESIGN.md" in p.read_text()]
    assert not cited, f"these files cite REFERENCE.md or DESIGN.md, which the package does not ship: {cited}"
