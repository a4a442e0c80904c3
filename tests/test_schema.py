"""Dataset contracts and the comb-line record: the producers meet them, broken Datasets are named."""

import math

import numpy as np
import pytest
import xarray as xr

from combchip.comb.lines import line_table
from combchip.link.network import ideal_soliton_lines
from combchip.schema import COMB_LINES, KEY_RATE_MATRIX, CombLine, validate
from combchip.systems.published import SYSTEM_A


@pytest.fixture
def lines():
    """Five lines μ = −2 … 2 around 193.1 THz, 100 GHz apart, the μ = 1 line broad."""
    mu = np.arange(-2, 3)
    return line_table(mu, 193.1e12 + 100e9 * mu, np.full(5, 1e-3), np.full(5, 40.0), [1e5, 1e5, 1e5, 1.4e6, 1e5])


def test_line_table_meets_the_comb_lines_contract(lines):
    assert validate(lines, COMB_LINES) is lines
    for name, declared in {**COMB_LINES.required, **COMB_LINES.optional}.items():
        assert lines[name].attrs == {"units": declared.units[0], "long_name": declared.long_name}
    # CH31 = 190 THz + 31 × 100 GHz: 193.1 THz sits on it, 1 mW is 0 dBm
    assert lines.itu_channel.sel(mu=0) == 31 and lines.itu_offset.sel(mu=0) == pytest.approx(0.0, abs=1e-3)
    np.testing.assert_allclose(lines.power_dbm.values, 0.0, atol=1e-12)
    validate(ideal_soliton_lines(3), COMB_LINES)


@pytest.mark.parametrize("name", list(COMB_LINES.required))
def test_a_table_missing_a_variable_is_rejected_by_name(lines, name):
    with pytest.raises(ValueError, match=f"comb-lines table lacks the variable\\(s\\) {name}$"):
        validate(lines.drop_vars(name), COMB_LINES)


def test_wrong_dims_and_units_are_rejected_by_name(lines):
    flat = lines.assign(osnr=("channel", lines.osnr.values, lines.osnr.attrs))
    with pytest.raises(ValueError, match=r"^osnr of the comb-lines table must have dims \('mu',\)"):
        validate(flat, COMB_LINES)
    lines.power_dbm.attrs["units"] = "W"   # an optional variable, when present, is checked as well
    with pytest.raises(ValueError, match="^power_dbm of the comb-lines table must be in units dBm, got 'W'"):
        validate(lines, COMB_LINES)
    with pytest.raises(ValueError, match="must be an xarray.Dataset"):
        validate(lines.power, COMB_LINES)


def test_contract_entries_take_one_of_the_allowed_units():
    dims, data, attrs = KEY_RATE_MATRIX.entry("key_rate", np.zeros((2, 2)), "bit/pulse pair")
    assert dims == ("user_a", "user_b") and attrs["units"] == "bit/pulse pair"
    assert KEY_RATE_MATRIX.entry("key_rate", None)[2]["units"] == "bit/s"
    with pytest.raises(ValueError, match="units = 'Hz' is not allowed for key_rate"):
        KEY_RATE_MATRIX.entry("key_rate", None, "Hz")
    with pytest.raises(ValueError, match="name = 'rate'"):
        KEY_RATE_MATRIX.entry("rate", None)


def test_a_comb_line_is_a_row_of_the_table(lines):
    line = CombLine.from_table(lines, 1)
    assert line == CombLine(frequency=193.2e12, power=1e-3, linewidth=1.4e6, osnr=40.0, mu=1)
    assert line.wavelength == pytest.approx(299792458.0 / 193.2e12, rel=1e-15)
    # Lorentzian line: |g⁽¹⁾(τ)| = exp(−πΔν|τ|); at 10 ns and 1.4 MHz that is e^{−0.044}
    assert line.coherence(10e-9) == line.coherence(-10e-9) == pytest.approx(math.exp(-math.pi * 1.4e6 * 10e-9))
    assert line.coherence(0.0) == 1.0
    # OSNR 40 dB leaves 1/(1 + 10⁻⁴) of the power in the steady line
    assert line.coherent_fraction == pytest.approx(1 / (1 + 1e-4), rel=1e-15)
    assert CombLine(193.1e12, 1e-3).coherent_fraction == 1.0
    with pytest.raises(ValueError, match="mu = 7 is not a line"):
        CombLine.from_table(lines, 7)
    with pytest.raises(ValueError, match="lacks the variable\\(s\\) linewidth"):
        CombLine.from_table(lines.drop_vars("linewidth"), 1)


def test_ideal_lines_default_to_system_a():
    row = CombLine.from_table(ideal_soliton_lines(1), 0)
    assert row.frequency == pytest.approx(299792458.0 / SYSTEM_A.pump_wavelength, rel=1e-15)
    assert row.linewidth == SYSTEM_A.soliton_linewidth
    spacing = np.diff(ideal_soliton_lines(1).line_frequency.values)
    np.testing.assert_allclose(spacing, SYSTEM_A.fsr, rtol=1e-12)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(frequency=0.0), "frequency"),
        (dict(power=-1e-3), "power"),
        (dict(linewidth=float("nan")), "linewidth"),
        (dict(osnr=float("nan")), "osnr"),
        (dict(osnr=-math.inf), "osnr"),
    ],
)
def test_comb_line_rejects_nonsense(kwargs, name):
    with pytest.raises(ValueError, match=f"^{name} = "):
        CombLine(**({"frequency": 193.1e12, "power": 1e-3} | kwargs))


def test_a_dataset_round_trips_and_still_meets_its_contract(lines, tmp_path):
    lines.to_netcdf(tmp_path / "lines.nc")
    validate(xr.load_dataset(tmp_path / "lines.nc"), COMB_LINES)
