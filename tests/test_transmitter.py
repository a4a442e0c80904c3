"""Transmitter chips: system B's carving, decoy levels and polarization states from device physics."""

import dataclasses

import numpy as np
import pytest

from combchip.tx.drive import pulse_fwhm
from combchip.tx.modulators import MZI
from combchip.systems import system_b_transmitter
from combchip.systems.published import SYSTEM_A
from combchip.tx.chips import de_bruijn


@pytest.fixture(scope="module")
def chip():
    return system_b_transmitter()


@pytest.fixture(scope="module")
def ideal(chip):
    """The chip with an 80 dB MZI-3, a perfect 2D grating and an instantaneous drive (no ISI)."""
    coupler = dataclasses.replace(chip.output_coupler, crosstalk_db=80.0, polarization_dependent_loss_db=0.0)
    basis = MZI.with_extinction(80.0, chip.basis.arm_a, common_voltage=3.0)
    drive = dataclasses.replace(chip.drive, response=None, rise_time=0.0)
    return dataclasses.replace(chip, output_coupler=coupler, basis=basis, drive=drive)


def test_de_bruijn_holds_every_pair_once():
    seq = de_bruijn(16, 2)
    pairs = set(zip(np.roll(seq, 1).tolist(), seq.tolist()))
    assert len(seq) == 256 and len(pairs) == 256


def test_system_b_carving_from_device_physics(chip):
    drive = dataclasses.replace(chip.drive, samples_per_symbol=400)
    voltage = drive.waveform(np.tile([[0, 1, 0, 0]], (8, 1)) * chip.carver_amplitude)
    power = np.abs(chip.carver.field_transfer(voltage, port="cross")) ** 2
    fwhm = pulse_fwhm(power, drive.sample_rate, 400)
    # one 100 ps DAC word at 10 GS/s, 25 ps rise, 47 GHz electrode: the published 95 ps to within 5 %
    assert fwhm == pytest.approx(np.full(8, 95e-12), rel=0.05)
    assert drive.symbol_rate == 2.5e9
    assert chip.carver.extinction_ratio_db == pytest.approx(30.0, abs=1e-9)
    slots = power.reshape(8, 400)
    # the pulse-to-floor contrast stays within 3 dB of the static 30 dB: the drive's skin-effect tail lifts the floor
    assert 27.0 < 10 * np.log10(slots.max() / slots.min()) <= 30.0 + 1e-6


def test_decoy_levels_reproduce_the_four_intensity_ratios_without_isi(chip):
    labels = tuple(SYSTEM_A.intensities)
    levels = chip.decoy_levels(labels, SYSTEM_A.intensities)
    means = []
    for k in range(len(labels)):
        rho = chip._coherency(chip._fields(np.full(16, k), np.zeros(16, int), 1.0, levels), 16)
        means.append(np.real(np.trace(rho, axis1=1, axis2=2)).mean())
    ratios = np.array(means) / means[0]
    target = np.array([SYSTEM_A.intensities[k] for k in labels]) / SYSTEM_A.intensities["z"]
    np.testing.assert_allclose(ratios[:3], target[:3], rtol=5e-3)  # steady levels: only the sampled grid
    # the vacuum is the decoy MZI's null: 10^(−ER/10) of the z pulse, ±10 % for the carver's own floor
    assert ratios[3] == pytest.approx(10 ** (-chip.decoy.extinction_ratio_db / 10), rel=0.1)


def test_symbol_stream_is_calibrated_reproducible_and_reports_imperfections(chip):
    ds = chip.symbols(200_000, line_power=1e-3, seed=3)
    assert ds.attrs["mu_z"] == pytest.approx(SYSTEM_A.intensities["z"], rel=0.01)  # VOA set on the pattern average
    for label, p in SYSTEM_A.probabilities.items():
        share = float((ds.intensity == list(SYSTEM_A.probabilities).index(label)).mean())
        assert share == pytest.approx(p, abs=5 * np.sqrt(p * (1 - p) / 200_000))  # 5σ binomial
    assert ds.attrs["mu_o"] > 0  # finite extinction: the vacuum decoy is not empty
    assert 0 < ds.attrs["misalignment_z"] < 0.03
    again = chip.symbols(200_000, line_power=1e-3, seed=3)
    np.testing.assert_array_equal(again.mu.values, ds.mu.values)


def test_states_have_high_fidelity_with_ideal_parts_and_degrade_with_a_phase_error(ideal):
    base = ideal.symbols(50_000, line_power=1e-3, seed=0)
    # left: depletion loss differs between arms at 3 V ± V/2, so MZI-3's null at Vπ is ≈ 21 dB, not 80 dB
    assert 1 - base.attrs["misalignment_z"] > 0.99 and 1 - base.attrs["misalignment_x"] > 0.99
    for delta in (0.2, 0.4):
        tilted = dataclasses.replace(ideal, trim_error=delta).symbols(50_000, line_power=1e-3, seed=0)
        extra = tilted.attrs["misalignment_x"] - base.attrs["misalignment_x"]
        # a relative H/V phase error δ leaves ⟨±|ρ|±⟩ = cos²(δ/2): the X error grows by sin²(δ/2)
        assert extra == pytest.approx(np.sin(delta / 2) ** 2, rel=0.05)
        # Z states ignore the H/V phase but for the cross term of the 80 dB grating crosstalk (≈ 1e-5)
        assert tilted.attrs["misalignment_z"] == pytest.approx(base.attrs["misalignment_z"], abs=1e-5)


def test_too_little_line_power_is_reported(chip):
    with pytest.raises(ValueError, match="line_power"):
        chip.symbols(10, line_power=1e-12)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(count=0), "count"),
        (dict(line_power=-1.0), "line_power"),
        (dict(probabilities={"z": 0.5, "y": 0.2, "x": 0.2, "o": 0.2}), "sum to 1"),
        (dict(intensities={"z": -0.1, "y": 0.2, "x": 0.05, "o": 0.0}), "intensities"),
        (dict(basis_probability=1.5), "basis_probability"),
    ],
)
def test_symbols_reject_nonsense(chip, kwargs, name):
    args = dict(count=10, line_power=1e-3) | kwargs
    with pytest.raises(ValueError, match=name):
        chip.symbols(**args)


@pytest.fixture(scope="module")
def encoders():
    from combchip.systems import system_a_encoder

    return {width: system_a_encoder(linewidth=width) for width in (0.11e6, 1.4e6)}


def test_time_bin_x_errors_follow_the_comb_line_coherence(encoders):
    errors = {}
    for width, encoder in encoders.items():
        ds = encoder.symbols(100_000, line_power=1e-6, seed=0)
        errors[width] = ds.attrs["misalignment_x"]
        assert ds.attrs["mu_z"] == pytest.approx(0.636, rel=1e-3)
        assert ds.attrs["mu_x_relative_spread"] < 1e-6  # X bins are set to carry one full pulse's energy
    separation = encoders[0.11e6].bin_separation
    coherence = {w: np.exp(-np.pi * w * separation) for w in errors}
    # a Lorentzian line keeps e^{−πΔν·Δt} of the early–late coherence: e_X grows by half its loss
    expected = (coherence[0.11e6] - coherence[1.4e6]) / 2
    assert errors[1.4e6] - errors[0.11e6] == pytest.approx(expected, rel=1e-3)
    assert 1 - errors[0.11e6] > 0.99  # soliton line: fidelity > 0.99


def test_time_bin_vacuum_and_z_errors_come_from_the_finite_extinction(encoders):
    encoder = encoders[0.11e6]
    ds = encoder.symbols(100_000, line_power=1e-6, seed=1)
    # IM2 at its null passes 10^(−ER/10) of the z pulse
    assert ds.attrs["mu_o"] / ds.attrs["mu_z"] == pytest.approx(10 ** (-encoder.decoy.extinction_ratio_db / 10), rel=0.02)
    # IM1's null leaks 1e-3 of the peak power into the empty bin's 1.6 ns gate: about gate/pulse × 1e-3
    assert 1e-3 < ds.attrs["misalignment_z"] < 4e-3


@pytest.fixture(scope="module")
def client():
    from combchip.systems import system_c_client

    return system_c_client()


def test_inp_client_modulators_match_system_c(client):
    v_pi = client.carver.v_pi()
    section = client.carver.arm_a
    # linear Pockels closed form Vπ = λd/(n³rΓL) for the single-drive arm
    expected = 1550e-9 * section.thickness / (section.refractive_index**3 * section.r * section.overlap * section.length)
    assert v_pi == pytest.approx(expected, rel=1e-6)
    assert 5.8 - 1.4 <= v_pi <= 5.8 + 1.4  # system C's measured spread
    assert client.carver.extinction_ratio_db == pytest.approx(33.8, abs=1e-9)


def test_inp_client_intensities_and_chirp_phase_offsets(client):
    from combchip.tx.chips import SNS_INTENSITIES

    ds = client.symbols(200_000, line_power=1e-3, seed=2)
    for label in ("s", "y", "x"):
        assert ds.attrs[f"mu_{label}"] == pytest.approx(SNS_INTENSITIES[label], rel=2e-3)
    # the vacuum level is IM II's null: 10^(−33.8/10) of the signal
    assert ds.attrs["mu_o"] / ds.attrs["mu_s"] == pytest.approx(10 ** (-3.38), rel=0.05)
    # single-drive IMs chirp: a level's phase offset is the static phase of IM II's field at that level
    levels = client.decoy_levels(tuple(SNS_INTENSITIES), SNS_INTENSITIES)
    static = np.angle(client.decoy.field_transfer(levels[:3], port=client.decoy.output))
    for k, label in enumerate(("s", "y", "x")):
        expected = np.angle(np.exp(1j * (static[k] - static[0])))
        # ±10 mrad: the PM drive's inter-symbol tail moves each pulse's phase by a few mrad
        assert ds.attrs[f"phase_offset_{label}"] == pytest.approx(expected, abs=1e-2)
    assert abs(ds.attrs["phase_offset_y"]) > 0.5  # tens of degrees: decoys must be phase-randomized


def test_inp_phase_slices_are_uniform_and_encoded(client):
    ds = client.symbols(50_000, line_power=1e-3, seed=4)
    signal = ds.where(ds.intensity == 0, drop=True)
    # the signal's phase error is only the residual ISI of the PM drive: ≪ 2π/M
    assert float(np.abs(signal.phase_error).max()) < 0.1 * 2 * np.pi / client.phase_slices
    counts = np.bincount(ds.phase_slice.values, minlength=client.phase_slices)
    assert counts.min() > 0.8 * counts.mean()


def test_an_x_split_error_costs_the_closed_form_fidelity(ideal):
    def x0_error(chip):
        ds = chip.symbols(50_000, line_power=1e-3, seed=0)
        plus = (ds.basis == 1) & (ds.bit == 0)  # X0: MZI-4 at rest, so its arms are balanced
        return 1 - float(ds.fidelity.where(plus, drop=True).mean())

    base = x0_error(ideal)
    assert base < 1e-3
    for delta in (0.1, 0.3):
        # amplitudes √((1 ± δ)/2) give ⟨+|ρ|+⟩ = (1 + √(1 − δ²))/2
        expected = (1 - np.sqrt(1 - delta**2)) / 2
        assert x0_error(dataclasses.replace(ideal, split_error=delta)) - base == pytest.approx(expected, rel=0.05)


@pytest.mark.parametrize(
    "change, name",
    [
        (dict(linewidth=-1.0), "linewidth"),
        (dict(bin_words=(20, 8)), "bin_words"),
        (dict(gate=0.0), "gate"),
    ],
)
def test_time_bin_encoder_rejects_nonsense(encoders, change, name):
    with pytest.raises(ValueError, match=name):
        dataclasses.replace(encoders[0.11e6], **change)


def test_chips_reject_nonsense(chip, client):
    with pytest.raises(ValueError, match="phase_slices"):
        dataclasses.replace(client, phase_slices=1)
    with pytest.raises(ValueError, match="split_error"):
        dataclasses.replace(chip, split_error=1.0)
    with pytest.raises(ValueError, match="sum to 1"):
        client.symbols(10, line_power=1e-3, probabilities={"s": 0.9, "y": 0.1, "x": 0.1, "o": 0.1})
