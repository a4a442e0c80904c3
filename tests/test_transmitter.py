"""Transmitter chips: system B's carving, decoy levels and polarization states from device physics."""

import dataclasses

import numpy as np
import pytest
from scipy.constants import c

from combchip.schema import PHASE_SYMBOL_STREAM, SYMBOL_STREAM, TRANSMITTER_STATES, CombLine, validate
from combchip.tx.drive import pulse_fwhm
from combchip.tx.grating_couplers import GratingCoupler2D
from combchip.tx.modulators import MZI
from combchip.tx.protocol import Transmitter
from combchip.systems import system_b_transmitter
from combchip.systems.published import SYSTEM_A, SYSTEM_B
from combchip.tx.chips import de_bruijn

LINE = CombLine(frequency=c / 1550e-9, power=1e-3)
"""A 1 mW comb line at the chips' design wavelength."""
WEAK = dataclasses.replace(LINE, power=1e-6)
"""The 1 µW line that drives system A's encoder (its 30 dB carving leaves little to attenuate)."""


@pytest.fixture(scope="module")
def chip():
    return system_b_transmitter()


@pytest.fixture(scope="module")
def ideal(chip):
    """The chip with an 80 dB MZI-3, a perfect 2D grating (vertical fibre: orthogonal arms) and an
    instantaneous drive (no ISI)."""
    coupler = GratingCoupler2D.soi(wavelength=chip.wavelength, fibre_angle_deg=0.0)
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
    # one 100 ps DAC word at 10 GS/s, 25 ps rise, the drawn 25 GHz electrode: the published 95 ps to within 5 %
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
        rho = chip._coherency(chip._fields(np.full(16, k), np.zeros(16, int), 1.0, levels), 16, LINE)
        means.append(np.real(np.trace(rho, axis1=1, axis2=2)).mean())
    ratios = np.array(means) / means[0]
    target = np.array([SYSTEM_A.intensities[k] for k in labels]) / SYSTEM_A.intensities["z"]
    np.testing.assert_allclose(ratios[:3], target[:3], rtol=5e-3)  # steady levels: only the sampled grid
    # the vacuum is the decoy MZI's null: 10^(−ER/10) of the z pulse, ±10 % for the carver's own floor
    assert ratios[3] == pytest.approx(10 ** (-chip.decoy.extinction_ratio_db / 10), rel=0.1)


def test_symbol_stream_is_calibrated_reproducible_and_reports_imperfections(chip):
    ds = validate(chip.symbols(200_000, LINE, seed=3), SYMBOL_STREAM)
    assert ds.attrs["mu_z"] == pytest.approx(SYSTEM_A.intensities["z"], rel=0.01)  # VOA set on the pattern average
    for label, p in SYSTEM_A.probabilities.items():
        share = float((ds.intensity == list(SYSTEM_A.probabilities).index(label)).mean())
        assert share == pytest.approx(p, abs=5 * np.sqrt(p * (1 - p) / 200_000))  # 5σ binomial
    assert ds.attrs["mu_o"] > 0  # finite extinction: the vacuum decoy is not empty
    assert 0 < ds.attrs["misalignment_z"] < 0.03
    again = chip.symbols(200_000, LINE, seed=3)
    np.testing.assert_array_equal(again.mu.values, ds.mu.values)


def test_states_have_high_fidelity_with_ideal_parts_and_degrade_with_a_phase_error(ideal):
    base = ideal.symbols(50_000, LINE, seed=0)
    # left: depletion loss differs between arms at 3 V ± V/2, so MZI-3's null at Vπ is ≈ 21 dB, not 80 dB
    assert 1 - base.attrs["misalignment_z"] > 0.99 and 1 - base.attrs["misalignment_x"] > 0.99
    for delta in (0.2, 0.4):
        tilted = dataclasses.replace(ideal, trim_error=delta).symbols(50_000, LINE, seed=0)
        extra = tilted.attrs["misalignment_x"] - base.attrs["misalignment_x"]
        # a relative H/V phase error δ leaves ⟨±|ρ|±⟩ = cos²(δ/2): the X error grows by sin²(δ/2)
        assert extra == pytest.approx(np.sin(delta / 2) ** 2, rel=0.05)
        # Z states ignore the H/V phase but for the cross term of the 80 dB grating crosstalk (≈ 1e-5)
        assert tilted.attrs["misalignment_z"] == pytest.approx(base.attrs["misalignment_z"], abs=1e-5)


def test_too_little_line_power_is_reported(chip):
    with pytest.raises(ValueError, match=r"line\.power = 1e-12 W is too low"):
        chip.symbols(10, dataclasses.replace(LINE, power=1e-12))


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(count=0), "count"),
        (dict(line=1e-3), "line must be a combchip.schema.CombLine"),
        (dict(line=dataclasses.replace(LINE, power=0.0)), r"line\.power"),
        (dict(probabilities={"z": 0.5, "y": 0.2, "x": 0.2, "o": 0.2}), "sum to 1"),
        (dict(intensities={"z": -0.1, "y": 0.2, "x": 0.05, "o": 0.0}), "intensities"),
        (dict(basis_probability=1.5), "basis_probability"),
    ],
)
def test_symbols_reject_nonsense(chip, kwargs, name):
    args = dict(count=10, line=LINE) | kwargs
    with pytest.raises(ValueError, match=name):
        chip.symbols(**args)


@pytest.fixture(scope="module")
def encoder():
    from combchip.systems import system_a_encoder

    return system_a_encoder()


def _basis_error(states, basis):
    """Mean state error of the signal intensity's states of one basis ("Z" or "X")."""
    return float(states.error.sel(intensity="z", state=[f"{basis}0", f"{basis}1"]).mean())


def test_time_bin_x_errors_follow_the_comb_line_coherence(encoder):
    lines = {width: dataclasses.replace(WEAK, linewidth=width) for width in (0.0, 0.11e6, 1.4e6)}
    states = {width: validate(encoder.states(line), TRANSMITTER_STATES) for width, line in lines.items()}
    separation = encoder.timing.bin_separation
    own = 1 - 2 * _basis_error(states[0.0], "X")   # the chip's X coherence on a line of no width
    for width in (0.11e6, 1.4e6):
        # ρ_el carries the line's |g⁽¹⁾(T/2)| = exp(−πΔν·T/2): 1 − 2e_X scales by exactly that (rounding only)
        coherence = (1 - 2 * _basis_error(states[width], "X")) / own
        assert coherence == pytest.approx(np.exp(-np.pi * width * separation), rel=1e-9)
        # the Z states live on the diagonal of ρ, which the line's phase noise leaves alone
        assert _basis_error(states[width], "Z") == pytest.approx(_basis_error(states[0.0], "Z"), rel=1e-12)
    errors = {}
    for width in (0.11e6, 1.4e6):
        ds = encoder.symbols(100_000, lines[width], seed=0)
        errors[width] = ds.attrs["misalignment_x"]
        assert ds.attrs["mu_z"] == pytest.approx(0.636, rel=1e-3)
        assert ds.attrs["mu_x_relative_spread"] < 1e-6  # X bins are set to carry one full pulse's energy
        assert ds.attrs["line_linewidth"] == width
    # the stream draws the same states: e_X grows by half the coherence lost (±0.1 %: the chip's own c ≈ 0.997)
    expected = (np.exp(-np.pi * 0.11e6 * separation) - np.exp(-np.pi * 1.4e6 * separation)) / 2
    assert errors[1.4e6] - errors[0.11e6] == pytest.approx(expected, rel=1e-3)
    assert 1 - errors[0.11e6] > 0.99  # soliton line: fidelity > 0.99


def test_the_line_power_sets_the_attenuator(chip, encoder):
    for device, line in ((chip, LINE), (encoder, WEAK)):
        brighter = dataclasses.replace(line, power=4 * line.power)
        states = [device.states(each) for each in (line, brighter)]
        passed = [s.attrs["line_power"] * device.voa_transmission(s.attrs["attenuation"]) for s in states]
        # the chip is linear in the line's field, so the attenuator passes the same power whatever the line
        # brings: 4× the line, 1/4 of the transmission (±1e-6: brentq on the heater power)
        assert passed[1] == pytest.approx(passed[0], rel=1e-6)
        np.testing.assert_allclose(states[1].mu.values, states[0].mu.values, rtol=1e-6)
        assert states[1].attrs["line_power"] == 4 * line.power


def test_chips_are_transmitters_with_their_timing(chip, encoder, client):
    for device, encoding in ((chip, "polarization"), (encoder, "time-bin"), (client, "phase")):
        assert isinstance(device, Transmitter) and device.encoding == encoding
    # system B: one 100 ps DAC word carves the published 95 ps pulses to within 5 %; no bins
    assert chip.timing.pulse_fwhm == pytest.approx(SYSTEM_B.pulse_fwhm, rel=0.05)
    assert chip.timing.bin_separation == 0.0 and chip.timing.symbol_rate == SYSTEM_B.symbol_rate
    # system A: two 0.4 ns words make the published 0.8 ns bins (±2 % for the 150 ps rise), 10 ns apart
    assert encoder.timing.pulse_fwhm == pytest.approx(SYSTEM_A.pulse_fwhm, rel=0.02)
    assert encoder.timing.bin_separation == SYSTEM_A.bin_separation
    assert client.timing.bin_separation == 0.0


def test_silicon_states_differ_in_mean_photon_number(chip, encoder):
    si = chip.states(LINE)
    z = si.mu.sel(intensity="z")
    # the attenuator is calibrated on the pattern average of the signal's states; weighting the predecessors
    # by their probabilities instead moves the mean by the ISI, < 0.1 %
    assert float(z.mean()) == pytest.approx(SYSTEM_A.intensities["z"], rel=1e-3)
    # MZI-3/4 set the states with unequal (bias-dependent free-carrier) losses: the four Z, X levels differ by
    # ≈ 2.4 % (a basis side channel); the 2D grating's two arms couple equally at 45° azimuth
    assert 0.01 < float((z.max() - z.min()) / z.mean()) < 0.05
    # the time-bin encoder balances its X bins to one full pulse: its states agree to rounding
    a = encoder.states(WEAK).mu.sel(intensity="z")
    assert float((a.max() - a.min()) / a.mean()) < 1e-9


def test_time_bin_vacuum_and_z_errors_come_from_the_finite_extinction(encoder):
    ds = encoder.symbols(100_000, WEAK, seed=1)
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

    ds = validate(client.symbols(200_000, LINE, seed=2), PHASE_SYMBOL_STREAM)
    # ±0.5 %: the lumped electrodes' 3.6 GHz RC tail carries 0.26 % of a level into the next 0.8 ns symbol
    assert client.carver.bandwidth_3db == pytest.approx(3.6e9, rel=0.01)
    for label in ("s", "y", "x"):
        assert ds.attrs[f"mu_{label}"] == pytest.approx(SNS_INTENSITIES[label], rel=5e-3)
    # the vacuum level is IM II's null, 10^(−33.8/10) of the signal, lifted ≈ 18 % by the RC tail of the
    # neighbouring symbols' drive (3.6 GHz lumped electrodes at 1.25 GBd)
    assert 10 ** (-3.38) < ds.attrs["mu_o"] / ds.attrs["mu_s"] < 1.3 * 10 ** (-3.38)
    # single-drive IMs chirp: a level's phase offset is the static phase of IM II's field at that level
    levels = client.decoy_levels(tuple(SNS_INTENSITIES), SNS_INTENSITIES)
    static = np.angle(client.decoy.field_transfer(levels[:3], port=client.decoy.output))
    for k, label in enumerate(("s", "y", "x")):
        expected = np.angle(np.exp(1j * (static[k] - static[0])))
        # ±10 mrad: the PM drive's inter-symbol tail moves each pulse's phase by a few mrad
        assert ds.attrs[f"phase_offset_{label}"] == pytest.approx(expected, abs=1e-2)
    assert abs(ds.attrs["phase_offset_y"]) > 0.5  # tens of degrees: decoys must be phase-randomized
    # a phase error δ costs the state error sin²(δ/2) (±0.01: the slices' ISI spreads δ by a few mrad)
    states = client.states(LINE)
    assert float(states.error.sel(intensity="y").mean()) == pytest.approx(np.sin(ds.attrs["phase_offset_y"] / 2) ** 2,
                                                                          abs=1e-2)


def test_inp_phase_slices_are_uniform_and_encoded(client):
    ds = client.symbols(50_000, LINE, seed=4)
    signal = ds.where(ds.intensity == 0, drop=True)
    # the signal's phase error is only the residual ISI of the PM drive: ≪ 2π/M
    assert float(np.abs(signal.phase_error).max()) < 0.1 * 2 * np.pi / client.phase_slices
    counts = np.bincount(ds.phase_slice.values, minlength=client.phase_slices)
    assert counts.min() > 0.8 * counts.mean()


def test_an_x_split_error_costs_the_closed_form_fidelity(ideal):
    def x0_error(chip):
        ds = chip.symbols(50_000, LINE, seed=0)
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
        (dict(bin_words=(20, 8)), "bin_words"),
        (dict(gate=0.0), "gate"),
    ],
)
def test_time_bin_encoder_rejects_nonsense(encoder, change, name):
    with pytest.raises(ValueError, match=name):
        dataclasses.replace(encoder, **change)


def test_chips_reject_nonsense(chip, client):
    with pytest.raises(ValueError, match="phase_slices"):
        dataclasses.replace(client, phase_slices=1)
    with pytest.raises(ValueError, match="split_error"):
        dataclasses.replace(chip, split_error=1.0)
    with pytest.raises(ValueError, match="sum to 1"):
        client.symbols(10, LINE, probabilities={"s": 0.9, "y": 0.1, "x": 0.1, "o": 0.1})
