"""Repeaterless capacity bounds of a pure-loss channel and fibre transmittance.

Both bounds are in bits per channel use (per mode, per pulse) for a lossy bosonic channel of
transmittance η. A repeaterless point-to-point QKD protocol cannot beat PLOB; MDI-QKD with Alice and
Bob each at transmittance η_a, η_b is bounded by PLOB of the end-to-end transmittance η_a·η_b.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ...units import db_to_ratio
from ...validation import check_nonnegative, check_range


def _check_array(name: str, values, low=-np.inf, high=np.inf, unit: str = "", *, low_open=False, high_open=False):
    """``values`` as a float array, after checking its extremes with :func:`check_range` (NaN rejected)."""
    array = np.asarray(values, dtype=float)
    if array.size == 0:
        raise ValueError(f"{name} must not be empty")
    if np.isnan(array).any():
        raise ValueError(f"{name} must not contain NaN, got {values!r}")
    for extreme in (array.min(), array.max()):
        check_range(name, extreme, low, high, unit, low_open=low_open, high_open=high_open)
    return array


def _maybe_scalar(array):
    return float(array) if np.ndim(array) == 0 else array


def plob(eta: ArrayLike) -> float | np.ndarray:
    """PLOB bound −log₂(1 − η) [bit per channel use].

    The secret-key capacity of the pure-loss channel; η → 0 gives ≈ η/ln 2 ≈ 1.44 η.

    Parameters
    ----------
    eta : float or array_like
        Channel transmittance in [0, 1] (η = 1 gives +inf).

    References
    ----------
    S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun. 8, 15043 (2017).
    """
    eta = _check_array("eta", eta, 0.0, 1.0)
    with np.errstate(divide="ignore"):
        return _maybe_scalar(-np.log1p(-eta) / np.log(2))


def tgw(eta: ArrayLike) -> float | np.ndarray:
    """TGW bound log₂[(1 + η)/(1 − η)] [bit per channel use].

    The squashed-entanglement bound of the pure-loss channel; η → 0 gives ≈ 2η/ln 2, twice PLOB.

    Parameters
    ----------
    eta : float or array_like
        Channel transmittance in [0, 1] (η = 1 gives +inf).

    References
    ----------
    M. Takeoka, S. Guha, M. M. Wilde, Nat. Commun. 5, 5235 (2014).
    """
    eta = _check_array("eta", eta, 0.0, 1.0)
    with np.errstate(divide="ignore"):
        return _maybe_scalar((np.log1p(eta) - np.log1p(-eta)) / np.log(2))


def transmittance(distance_m: ArrayLike, loss_db_per_km: float = 0.2, extra_loss_db: float = 0.0) -> float | np.ndarray:
    """Fibre transmittance η = 10^(−(α·L + L_extra)/10).

    Parameters
    ----------
    distance_m : float or array_like
        Fibre length L [m].
    loss_db_per_km : float
        Attenuation α [dB/km] (0.2 dB/km: standard single-mode fibre at 1550 nm).
    extra_loss_db : float
        Lumped insertion loss of filters, couplers, … [dB].

    References
    ----------
    G. P. Agrawal, *Fiber-Optic Communication Systems*, 4th ed. (Wiley, 2010), Sec. 2.5.
    """
    distance_m = _check_array("distance_m", distance_m, 0.0, np.inf, "m")
    check_nonnegative("loss_db_per_km", loss_db_per_km, "dB/km")
    check_nonnegative("extra_loss_db", extra_loss_db, "dB")
    return _maybe_scalar(db_to_ratio(loss_db_per_km * distance_m / 1e3 + extra_loss_db))
