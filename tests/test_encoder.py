"""Drive waveforms, carving and pulse metrics."""

import numpy as np
import pytest

from combchip.tx.drive import Drive, carve, extinction_ratio_db, pulse_fwhm


def test_rise_time_of_a_step_matches_the_specification():
    drive = Drive(symbol_rate=1e9, dac_rate=1e9, rise_time=40e-12, samples_per_symbol=1000)
    v = drive.waveform([0.0, 0.0, 1.0, 1.0])
    t = drive.time(4)
    rising = (t > 1.0e-9) & (t < 3.0e-9)
    t10 = np.interp(0.1, v[rising], t[rising])
    t90 = np.interp(0.9, v[rising], t[rising])
    # Gaussian edge: the 10–90 % time is 2.563σ by construction; 1 ps = one sample of slack
    assert t90 - t10 == pytest.approx(40e-12, abs=1e-12)


def test_zero_order_hold_without_filtering():
    drive = Drive(symbol_rate=2.5e9, dac_rate=10e9, samples_per_symbol=8)
    v = drive.waveform([[1, 0, 0, 0], [0, 2, 0, 0]])
    np.testing.assert_array_equal(v, [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0])


def test_gaussian_pulse_fwhm_and_extinction():
    rate, n = 100e9, 40
    sigma = 95e-12 / (2 * np.sqrt(2 * np.log(2)))
    pulse = np.exp(-((np.arange(n) - n / 2) / rate) ** 2 / (2 * sigma**2))
    power = np.r_[pulse, 1e-3 * np.ones(n)]
    assert pulse_fwhm(power, rate, n)[0] == pytest.approx(95e-12, rel=0.01)  # linear interpolation on a 10 ps grid
    assert extinction_ratio_db(power, n, [0], [1]) == pytest.approx(10 * np.log10(pulse.sum() / (1e-3 * n)))


def test_carve_multiplies_the_field_by_the_transfer():
    v = np.linspace(0, 3.5, 11)
    np.testing.assert_allclose(carve(lambda x: np.sin(np.pi * x / 7.0), v, 2.0), 2.0 * np.sin(np.pi * v / 7.0))


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(symbol_rate=0.0, dac_rate=1e9), "symbol_rate"),
        (dict(symbol_rate=1e9, dac_rate=1.5e9), "dac_rate"),
        (dict(symbol_rate=1e9, dac_rate=1e9, rise_time=-1e-12), "rise_time"),
        (dict(symbol_rate=1e9, dac_rate=4e9, samples_per_symbol=6), "samples_per_symbol"),
    ],
)
def test_drive_rejects_nonsense(kwargs, name):
    with pytest.raises(ValueError, match=name):
        Drive(**kwargs)


def test_waveform_rejects_a_wrong_shape():
    with pytest.raises(ValueError, match="levels"):
        Drive(symbol_rate=1e9, dac_rate=2e9, samples_per_symbol=8).waveform(np.zeros((3, 3)))


def test_pulses_have_the_duty_cycle_in_whole_words_and_reject_more_than_one():
    drive = Drive(symbol_rate=1e9, dac_rate=8e9, samples_per_symbol=64)
    words = drive.pulses(3, 0.25, 2.0)
    np.testing.assert_array_equal(words[0], [0, 0, 0, 2, 2, 0, 0, 0])
    with pytest.raises(ValueError, match="duty_cycle"):
        drive.pulses(3, 1.5, 2.0)
