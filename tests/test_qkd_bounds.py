"""Repeaterless bounds (PLOB, TGW) and fibre transmittance against their closed forms."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from combchip.link.qkd import plob, tgw, transmittance


@pytest.mark.parametrize("k", [1, 2, 5, 20])
def test_plob_closed_form(k):
    # η = 1 − 2^−k gives exactly k bits; float rounding of η only (1e-12).
    assert plob(1 - 2.0**-k) == pytest.approx(k, rel=1e-12)


@pytest.mark.parametrize("eta, bits", [(1 / 3, 1.0), (0.6, 2.0), (7 / 9, 3.0)])
def test_tgw_closed_form(eta, bits):
    # (1 + η)/(1 − η) = 2, 4, 8 for these η.
    assert tgw(eta) == pytest.approx(bits, rel=1e-12)


def test_small_transmittance_limits():
    eta = np.array([1e-10, 1e-8, 1e-6])
    # −log₂(1 − η) = (η + η²/2 + …)/ln 2: relative correction η/2 ≤ 5e-7.
    np.testing.assert_allclose(plob(eta) / eta, 1 / np.log(2), rtol=1e-6)
    assert plob(1e-6) / 1e-6 == pytest.approx(1.4427, abs=1e-4)
    # log₂((1 + η)/(1 − η)) = 2(η + η³/3 + …)/ln 2: twice PLOB at leading order.
    np.testing.assert_allclose(tgw(eta) / eta, 2 / np.log(2), rtol=1e-6)


def test_endpoints():
    assert plob(0.0) == 0.0 and tgw(0.0) == 0.0
    assert np.isinf(plob(1.0)) and np.isinf(tgw(1.0))


@settings(max_examples=60, deadline=None)
@given(st.floats(0.0, 0.999), st.floats(1e-6, 0.5))
def test_monotonic_and_ordered(eta, step):
    higher = min(eta + step * (1 - eta), 0.9999)
    assert plob(higher) > plob(eta)
    assert tgw(higher) > tgw(eta)
    # (1 + η)/(1 − η) ≥ 1/(1 − η): TGW is never below PLOB.
    assert tgw(eta) >= plob(eta)


def test_arrays_keep_shape():
    eta = np.linspace(0, 0.9, 12).reshape(3, 4)
    assert plob(eta).shape == (3, 4)
    np.testing.assert_allclose(tgw(eta), np.log2((1 + eta) / (1 - eta)), rtol=1e-13)


def test_transmittance():
    # 100 km × 0.2 dB/km = 20 dB → 1 %; 3 dB extra halves it (10^−0.3 = 0.501).
    assert transmittance(100e3) == pytest.approx(0.01, rel=1e-12)
    assert transmittance(100e3, extra_loss_db=3.0) == pytest.approx(0.01 * 10**-0.3, rel=1e-12)
    assert transmittance(50e3, loss_db_per_km=0.16) == pytest.approx(10**-0.8, rel=1e-12)
    np.testing.assert_allclose(transmittance(np.array([0.0, 10e3])), [1.0, 10**-0.2], rtol=1e-12)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: plob(1.2), "eta"),
        (lambda: plob(-0.1), "eta"),
        (lambda: tgw(np.array([0.1, np.nan])), "eta"),
        (lambda: transmittance(-1.0), "distance_m"),
        (lambda: transmittance(1e3, loss_db_per_km=-0.2), "loss_db_per_km"),
        (lambda: transmittance(1e3, extra_loss_db=-1), "extra_loss_db"),
    ],
)
def test_bad_inputs_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()
