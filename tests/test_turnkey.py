"""Turnkey bright solitons: a self-injection-locked laser switched on at a fixed detuning, no scan."""

import dataclasses

import numpy as np
import pytest

from combchip.comb.normalization import normalize
from combchip.comb.turnkey import assumed_turnkey_setup, soliton_lock_detuning, turnkey_start

RING, SIL, FREE = assumed_turnkey_setup()
PER_ZETA = RING.kappa / (4 * np.pi)
"""Hz per unit of normalized detuning ζ."""


def test_without_backscatter_the_lock_is_the_free_running_laser():
    # Γ = 0: no backward wave, ν = 0, so ζ_L = ξ exactly (closed form); brentq to 1e-9 in ζ
    quiet = dataclasses.replace(SIL, backscatter_rate=0.0)
    assert soliton_lock_detuning(RING, quiet, FREE, 3, modes=64) == pytest.approx(FREE, abs=1e-6 * PER_ZETA)


def test_no_soliton_lock_outside_the_existence_range():
    # ξ far beyond π²f²/8: no soliton exists there, so no lock point (NaN, not a number)
    beyond = 2 * np.pi**2 * normalize(RING, SIL.pump()).f2 / 8 * PER_ZETA
    assert np.isnan(soliton_lock_detuning(RING, SIL, beyond, 1, modes=64))


@pytest.mark.parametrize("call, name", [
    (lambda: soliton_lock_detuning("ring", SIL, FREE, 1), "ring"),
    (lambda: soliton_lock_detuning(RING, "dfb", FREE, 1), "sil"),
    (lambda: soliton_lock_detuning(RING, SIL, np.nan, 1), "free_running_detuning"),
    (lambda: soliton_lock_detuning(RING, SIL, FREE, 0), "solitons"),
    (lambda: soliton_lock_detuning(RING, SIL, FREE, 1, span=-1.0), "span"),
    (lambda: turnkey_start(RING, SIL, np.inf), "free_running_detuning"),
    (lambda: turnkey_start(RING, SIL, FREE, modes=4), "modes"),
    (lambda: turnkey_start(RING, SIL, FREE, duration=-1e-6), "duration"),
    (lambda: turnkey_start(RING, SIL, FREE, seed=[0, 1]), "seed"),
])
def test_bad_inputs(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@pytest.mark.slow
def test_turnkey_sil_start_gives_a_bright_soliton():
    ds = turnkey_start(RING, SIL, FREE, modes=256, duration=800 * 2 / RING.kappa, seed=3)
    a = ds.attrs
    assert np.ptp(ds.detuning.values) == 0  # the free-running laser is never scanned
    assert a["soliton_number"] >= 1 and a["steady"]
    # the lock lands inside the soliton existence range, red of the chaos edge (ζ ≈ 5 at f² = 14.4)
    assert 5 < a["locked_zeta"] < a["soliton_range"]
    # bright solitons: peaks 2ζ_L·(W per unit) plus the background's cross term 2√(2ζ)|ψ_bg| (≈ 14 % here)
    unit = a["circulating_power_per_unit"]
    peak = float(np.max(np.abs(ds.field.isel(snapshot=-1).values) ** 2))
    assert 1.0 < peak / (2 * a["locked_zeta"] * unit) < 1.3
    # N-soliton lock theory (non-overlapping solitons, |b|² ≪ 1, 128-mode Newton): 0.011 measured, 0.05 allowed
    assert abs(a["predicted_locked_detuning"] - a["locked_detuning"]) < 0.05 * PER_ZETA


@pytest.mark.slow
def test_strong_backscatter_holds_the_laser_at_the_chaos_edge():
    # 2Γ/2π = 10 MHz (K₀ 25× larger): the chaotic state's backward wave, near its cross-phase-shifted resonance,
    # can pull the laser by more than ξ − ζ_edge, so the lock sits at the chaos edge (ζ ≈ 5 at f² = 14.4), unsteady
    strong = dataclasses.replace(SIL, backscatter_rate=2 * np.pi * 5e6)
    a = turnkey_start(RING, strong, FREE, modes=256, duration=300 * 2 / RING.kappa, seed=3, predict=False).attrs
    assert a["locked_zeta"] < 6 and not a["steady"]
