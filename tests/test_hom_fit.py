"""HOM dip fitting: exact recovery of a noiseless dip, statistical recovery of a counted one, bad inputs."""

import math

import numpy as np
import pytest
import xarray as xr

from combchip.link.hom import hom_dip
from combchip.link.hom_fit import fit_hom_dip
from combchip.plotting import plot_hom_fit

DELAY = np.linspace(-3e-9, 3e-9, 61)
TAU, JITTER = 0.8e-9, 0.2e-9


@pytest.mark.parametrize("shape", ["gaussian", "sech2"])
def test_noiseless_dip_is_recovered_exactly(shape):
    dip = hom_dip(DELAY - 0.3e-9, 0.1, 0.1, pulse_fwhm=TAU, shape=shape, model="weak")
    fit = fit_hom_dip(DELAY, 1e4 * dip.values, shape=shape)
    # weak limit: V = 1/2 exactly; the dip is the squared field overlap: FWHM √2·τ for Gaussian pulses, and for
    # sech²(t/T) pulses (τ = 2 acosh√2·T) 2u½·T with (u½/sinh u½)² = ½
    width = math.sqrt(2) * TAU if shape == "gaussian" else 2.9828671357 * TAU / (2 * math.acosh(math.sqrt(2)))
    assert float(fit.visibility) == pytest.approx(0.5, rel=1e-6)
    assert float(fit.center) == pytest.approx(0.3e-9, abs=1e-15)
    assert float(fit.dip_fwhm) == pytest.approx(width, rel=1e-6)
    assert float(fit.baseline) == pytest.approx(1e4, rel=1e-8)


def test_counted_dip_with_jitter_recovers_its_parameters_within_errors(tmp_path):
    dip = hom_dip(DELAY, 0.1, 0.1, pulse_fwhm=TAU, jitter=JITTER, polarization_angle=0.2, model="weak")
    counts = np.random.default_rng(3).poisson(2000 * dip.values)
    fit = fit_hom_dip(DELAY, counts)
    # closed forms: the jitter convolves the √2τ-wide dip, so FWHM = √(2τ² + 8 ln2 σ_t²) and the depth falls by
    # √2τ/FWHM from cos²(0.2)/2; Poisson data: within 3 standard errors
    width = math.sqrt(2 * TAU**2 + 8 * math.log(2) * JITTER**2)
    expected_visibility = 0.5 * math.cos(0.2) ** 2 * math.sqrt(2) * TAU / width
    assert abs(float(fit.visibility) - expected_visibility) < 3 * float(fit.visibility_err)
    assert abs(float(fit.dip_fwhm) - width) < 3 * float(fit.dip_fwhm_err)
    assert 0.6 < float(fit.chi2_reduced) < 1.5      # 57 degrees of freedom: χ²/dof within ±2.6σ of 1
    ax = plot_hom_fit(fit).axes[0]
    np.testing.assert_allclose(ax.lines[1].get_xdata(), DELAY * 1e9)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), fit.fit.values)
    ax.figure.savefig(tmp_path / "fit.png")


def test_fitted_parameters_are_scalar_variables_with_units(tmp_path):
    dip = hom_dip(DELAY, 0.1, 0.1, pulse_fwhm=TAU, model="weak")
    fit = fit_hom_dip(DELAY, 1e4 * dip.values, shape="sech2")
    units = {"visibility": "1", "dip_fwhm": "s", "center": "s", "baseline": "1", "chi2_reduced": "1"}
    for name, unit in units.items():
        for var in [name] + ([f"{name}_err"] if name != "chi2_reduced" else []):
            assert fit[var].dims == () and fit[var].attrs["units"] == unit and fit[var].attrs["long_name"]
            assert var not in fit.attrs
    assert fit.attrs == {"shape": "sech2"}
    assert float(fit.visibility_err) > 0 and float(fit.dip_fwhm_err) > 0
    fit.to_netcdf(tmp_path / "fit.nc")
    assert xr.load_dataset(tmp_path / "fit.nc").identical(fit)


@pytest.mark.parametrize("kwargs, name", [
    ({"delay": DELAY[:4], "coincidences": np.ones(4)}, "at least"),
    ({"delay": DELAY, "coincidences": np.ones(5)}, "same length"),
    ({"delay": DELAY, "coincidences": -np.ones(61)}, "coincidences"),
    ({"delay": DELAY, "coincidences": np.ones(61), "sigma": np.zeros(61)}, "sigma"),
    ({"delay": np.full(61, np.nan), "coincidences": np.ones(61)}, "delay"),
    ({"delay": DELAY, "coincidences": np.ones(61), "shape": "square"}, "shape"),
])
def test_bad_inputs_raise(kwargs, name):
    with pytest.raises(ValueError, match=name):
        fit_hom_dip(**kwargs)
