"""Conversions used only at the edges: dBm, dB and nepers.

A loss L [dB] transmits the power ratio 10^(−L/10) and the field ratio 10^(−L/20); a power ratio r is
10 log₁₀ r dB; one neper of field attenuation is 20 log₁₀ e ≈ 8.686 dB.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["db_to_amplitude", "db_to_neper", "db_to_ratio", "dbm_to_w", "neper_to_db", "ratio_to_db", "w_to_dbm"]

_DB_PER_NEPER = 20 / np.log(10)


def dbm_to_w(power_dbm: ArrayLike) -> float | np.ndarray:
    """P[W] = 10^(P[dBm]/10) · 1 mW."""
    return 1e-3 * 10 ** (np.asarray(power_dbm, dtype=float) / 10)


def w_to_dbm(power_w: ArrayLike) -> float | np.ndarray:
    """P[dBm] = 10 log₁₀(P / 1 mW); −inf for zero power."""
    return ratio_to_db(np.asarray(power_w, dtype=float) / 1e-3)


def ratio_to_db(ratio: ArrayLike) -> float | np.ndarray:
    """Power ratio in dB, 10 log₁₀ r (positive for a gain or an extinction ratio); −inf for r = 0.

    A loss of ``loss_db`` is ``−ratio_to_db(db_to_ratio(loss_db))``.
    """
    with np.errstate(divide="ignore"):
        return 10 * np.log10(np.asarray(ratio, dtype=float))


def db_to_ratio(loss_db: ArrayLike) -> float | np.ndarray:
    """Power transmission 10^(−L/10) of a loss of ``loss_db`` dB."""
    return 10 ** (-np.asarray(loss_db, dtype=float) / 10)


def db_to_amplitude(loss_db: ArrayLike) -> float | np.ndarray:
    """Field (amplitude) transmission 10^(−L/20) of a loss of ``loss_db`` dB."""
    return 10 ** (-np.asarray(loss_db, dtype=float) / 20)


def db_to_neper(value_db: ArrayLike) -> float | np.ndarray:
    """Field attenuation in nepers of ``value_db`` dB: L·ln(10)/20 (for example dB/m → Np/m)."""
    return np.asarray(value_db, dtype=float) / _DB_PER_NEPER


def neper_to_db(value_np: ArrayLike) -> float | np.ndarray:
    """Field attenuation in dB of ``value_np`` nepers: 20 log₁₀(e)·x (for example Np/m → dB/m)."""
    return np.asarray(value_np, dtype=float) * _DB_PER_NEPER
