"""dB, dBm and neper helpers of combchip.units against their definitions."""

import math

import numpy as np
import pytest

from combchip.units import db_to_amplitude, db_to_neper, db_to_ratio, neper_to_db, ratio_to_db

EXACT = 1e-12  # one closed form against another: only rounding differs


def test_ratio_to_db_inverts_db_to_ratio_as_a_loss():
    loss = np.array([0.0, 3.0, 30.0, 127.5])
    np.testing.assert_allclose(-ratio_to_db(db_to_ratio(loss)), loss, rtol=EXACT, atol=EXACT)
    assert ratio_to_db(2.0) == pytest.approx(3.0103, abs=1e-4)  # the half-power "3 dB"
    assert ratio_to_db(1000.0) == pytest.approx(30.0, rel=EXACT)
    assert ratio_to_db(0.0) == -np.inf


def test_amplitude_is_the_square_root_of_the_power_ratio():
    loss = np.linspace(0.0, 40.0, 9)
    np.testing.assert_allclose(db_to_amplitude(loss) ** 2, db_to_ratio(loss), rtol=EXACT)
    assert db_to_amplitude(20.0) == pytest.approx(0.1, rel=EXACT)


def test_nepers_and_db():
    # one neper of field attenuation is e^{-1} in amplitude: 20 log10(e) = 8.6859 dB
    assert neper_to_db(1.0) == pytest.approx(20 * math.log10(math.e), rel=EXACT)
    assert db_to_amplitude(neper_to_db(0.7)) == pytest.approx(math.exp(-0.7), rel=EXACT)
    np.testing.assert_allclose(db_to_neper(neper_to_db([0.1, 2.0])), [0.1, 2.0], rtol=EXACT)
    assert db_to_neper(20.0) == pytest.approx(math.log(10), rel=EXACT)
