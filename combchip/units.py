"""Conversions used only at the edges: dBm and dB."""

from __future__ import annotations

import numpy as np


def dbm_to_w(power_dbm):
    """P[W] = 10^(P[dBm]/10) · 1 mW."""
    return 1e-3 * 10 ** (np.asarray(power_dbm, dtype=float) / 10)


def w_to_dbm(power_w):
    """P[dBm] = 10 log₁₀(P / 1 mW); −inf for zero power."""
    with np.errstate(divide="ignore"):
        return 10 * np.log10(np.asarray(power_w, dtype=float) / 1e-3)


def db_to_ratio(loss_db):
    """Power transmission 10^(−L/10) of a loss of ``loss_db`` dB."""
    return 10 ** (-np.asarray(loss_db, dtype=float) / 10)
