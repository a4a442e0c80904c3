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


def test_time_bin_schedule_on_system_a_clock():
    from combchip.systems import system_a_encoder
    from combchip.systems.published import SYSTEM_A
    from combchip.tx.protocol import Timing, time_bin_symbol_rate

    # bins one 10 ns clock period apart: the interleaved schedule (a qubit per clock) puts the late bin of qubit k
    # on the early bin of qubit k + 1, so the densest resolvable schedule is a qubit every two clock periods
    interleaved = Timing(SYSTEM_A.clock, SYSTEM_A.pulse_fwhm, SYSTEM_A.bin_separation)
    assert interleaved.min_pulse_gap == 0.0
    assert np.any(np.diff(interleaved.pulse_times(4)) == 0.0)
    rate = time_bin_symbol_rate(SYSTEM_A.clock, SYSTEM_A.bin_separation, SYSTEM_A.pulse_fwhm)
    assert rate == SYSTEM_A.clock / 2
    # 15 ns bins on the same clock interleave: a qubit per clock, pulses 5 ns apart
    assert time_bin_symbol_rate(100e6, 15e-9, 0.8e-9) == 100e6
    assert Timing(100e6, 0.8e-9, 15e-9).min_pulse_gap == pytest.approx(5e-9)
    timing = system_a_encoder().timing
    assert timing.symbol_rate == rate and timing.bin_separation == SYSTEM_A.bin_separation
    gaps = np.diff(timing.pulse_times(50))
    assert gaps.min() >= 2 * timing.pulse_fwhm   # no two pulses of the stream overlap
    # the published 3e12 pulse pairs are 100 MHz × 8.3 h: twice the qubits this schedule sends in that time


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda p: p.time_bin_symbol_rate(0.0, 10e-9, 0.8e-9), "clock"),
        (lambda p: p.time_bin_symbol_rate(100e6, -1.0, 0.8e-9), "bin_separation"),
        (lambda p: p.time_bin_symbol_rate(100e6, 10e-9, 0.0), "pulse_fwhm"),
        (lambda p: p.time_bin_symbol_rate(100e6, 10e-9, 0.8e-9, min_gap_fwhm=0.0), "min_gap_fwhm"),
        (lambda p: p.time_bin_symbol_rate(100e6, 1e-9, 0.8e-9), "bin_separation"),
        (lambda p: p.Timing(100e6, 0.8e-9, 10e-9).pulse_times(0), "symbols"),
    ],
)
def test_schedule_rejects_nonsense(call, name):
    from combchip.tx import protocol

    with pytest.raises(ValueError, match=name):
        call(protocol)
