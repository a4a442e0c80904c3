"""Fit a measured Hong–Ou–Mandel dip: visibility, width, centre and baseline with their standard errors.

Model (weak transform-limited pulses of equal shape, :func:`combchip.link.hom.hom_dip`): C(δt) = C_∞ [1 − V·D((δt − δt₀)/w)],
where D is the squared field overlap |∫E(t)E(t − δt)dt|² normalized to 1, with FWHM w: D = exp(−4 ln2 x²) for
Gaussian pulses (w = √(τ_A² + τ_B² + 8 ln2 σ_t²) with Gaussian jitter) and D = (u/sinh u)², u = c·x, for
sech² pulses. Weighted least squares (:func:`scipy.optimize.curve_fit`), by default with Poisson errors √C
on counted coincidences.

References
----------
C. K. Hong, Z. Y. Ou and L. Mandel, PRL 59, 2044 (1987).
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike
from scipy.optimize import curve_fit

from ..validation import check_choice
from .hom import Shape

__all__ = ["fit_hom_dip"]

_SECH_DIP_FWHM = 2.98286714   # c: the FWHM of (u/sinh u)², from (u/sinh u)² = ½
_MIN_POINTS = 5
_PARAMETERS = (("baseline", "1", "baseline C_∞"), ("visibility", "1", "dip visibility V"),
               ("center", "s", "dip centre δt₀"), ("dip_fwhm", "s", "dip FWHM w"))
"""Name, units and long name of the fitted parameters, in the order of the model's arguments."""


def _dip_shape(shape: Shape):
    if shape == "gaussian":
        return lambda x: np.exp(-4.0 * math.log(2.0) * x**2)
    def sech_dip(x):
        u = np.abs(_SECH_DIP_FWHM * x)
        with np.errstate(over="ignore"):
            return np.where(u < 1e-6, 1.0 - u**2 / 3.0, (u / np.sinh(np.maximum(u, 1e-6))) ** 2)

    return sech_dip


def _array(name: str, values) -> np.ndarray:
    a = np.asarray(values, dtype=float)
    if a.ndim != 1 or not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be a 1-D array of finite numbers")
    return a


def fit_hom_dip(delay: ArrayLike, coincidences: ArrayLike, *, sigma: ArrayLike | None = None,
                shape: Shape = "gaussian") -> xr.Dataset:
    """Fit C(δt) = C_∞[1 − V·D((δt − δt₀)/w)] to a measured dip.

    Parameters
    ----------
    delay : array_like
        Relative delays δt [s] (at least five).
    coincidences : array_like
        Coincidences at each delay: counts (default errors √C, at least 1) or normalized values with ``sigma``.
    sigma : array_like, optional
        Standard errors of ``coincidences`` (> 0).
    shape : {"gaussian", "sech2"}
        Pulse shape, which fixes the dip profile D.

    Returns
    -------
    xarray.Dataset
        On ``delay`` [s]: ``coincidence`` (the data), ``fit`` (the model) and ``residual`` (in standard
        errors). Scalars: ``visibility`` V, ``dip_fwhm`` w [s], ``center`` δt₀ [s] and ``baseline`` C_∞ (in
        the units of ``coincidences``), each with its standard error ``*_err``, and ``chi2_reduced``.
        ``attrs`` hold ``shape``.
    """
    t = _array("delay", delay)
    c = _array("coincidences", coincidences)
    if t.size != c.size:
        raise ValueError(f"delay and coincidences must have the same length, got {t.size} and {c.size}")
    if t.size < _MIN_POINTS:
        raise ValueError(f"delay needs at least {_MIN_POINTS} points to fit four parameters, got {t.size}")
    if np.any(c < 0):
        raise ValueError("coincidences must be >= 0")
    check_choice("shape", shape, Shape)
    if sigma is None:
        s = np.sqrt(np.maximum(c, 1.0))
    else:
        s = _array("sigma", sigma)
        if s.size != c.size or np.any(s <= 0):
            raise ValueError("sigma must have one positive value per coincidence")
    profile = _dip_shape(shape)

    def model(x, baseline, visibility, center, width):
        return baseline * (1.0 - visibility * profile((x - center) / width))

    # fit in scaled units (delays over their span, counts over their maximum) so that all four parameters are O(1)
    span, peak = float(np.ptp(t)) or 1.0, float(np.max(c)) or 1.0
    x, y, w = (t - t.min()) / span, c / peak, s / peak
    visibility0 = float(np.clip(1.0 - np.min(y), 0.01, 0.99))
    below = x[y < 1 - visibility0 / 2]
    p0 = [1.0, visibility0, float(x[np.argmin(y)]), max(float(np.ptp(below)) if below.size > 1 else 0.25, 1 / x.size)]
    bounds = ([0.0, 0.0, -1.0, 1 / (100 * x.size)], [np.inf, 1.0, 2.0, 10.0])
    scaled, cov = curve_fit(model, x, y, p0=p0, sigma=w, absolute_sigma=True, bounds=bounds, x_scale="jac",
                            ftol=1e-12, xtol=1e-12, gtol=1e-12)
    units = np.array([peak, 1.0, span, span])
    params = scaled * units + np.array([0.0, 0.0, t.min(), 0.0])
    errors = np.sqrt(np.diag(cov)) * units
    fit = model(t, *params)
    residual = (c - fit) / s
    dof = max(t.size - 4, 1)

    def var(values, units, long_name):
        return ("delay", values, {"units": units, "long_name": long_name})

    data = {"coincidence": var(c, "1", "measured coincidences"), "fit": var(fit, "1", "fitted dip C_∞[1 − V·D]"),
            "residual": var(residual, "1", "residual in standard errors")}
    for (name, units, long_name), value, error in zip(_PARAMETERS, params, errors):
        data[name] = ((), float(value), {"units": units, "long_name": long_name})
        data[f"{name}_err"] = ((), float(error), {"units": units, "long_name": f"standard error of the {long_name}"})
    data["chi2_reduced"] = ((), float(residual @ residual / dof), {"units": "1", "long_name": "reduced χ² of the fit"})
    return xr.Dataset(data, coords={"delay": ("delay", t, {"units": "s", "long_name": "relative delay δt"})},
                      attrs={"shape": shape})
