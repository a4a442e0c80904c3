"""End-to-end network layer: key-rate matrices, four-fold coincidences, comb → rate path, CLI."""

import dataclasses

import matplotlib
import numpy as np
import pytest
import xarray as xr

matplotlib.use("Agg")

import combchip as cc
from combchip import io
from combchip.cli import main
from combchip.comb.coherence import line_coherence
from combchip.link.visibility import coherence_visibility
from combchip.link.hom import hom_dip
from combchip.link.network import (
    DEFAULT_DETECTOR,
    DEFAULT_E_D_Z,
    fourfold_coincidence_rate,
    ideal_soliton_lines,
    key_rate_matrix,
    network_key_rates,
    pair_visibility,
    rate_vs_distance,
)
from combchip.link.qkd import MDILink, combine_errors, finite_key_rate
from combchip.plotting import plot_hom_dip, plot_rate_matrix, plot_rate_vs_distance
from combchip.schema import KEY_RATE_MATRIX, NETWORK_KEY_RATES, CombLine, validate
from combchip.systems import system_a_encoder, system_a_pump, system_a_ring, system_b_transmitter, system_c_client

PUBLISHED_RATE = 267.0  # bit/s, system A average over the six pairs (REFERENCE.md)
PUBLISHED_FOURFOLD = 0.1  # Hz, system A simultaneous four-fold coincidences
SOLITON_LW, CHAOTIC_LW = 0.11e6, 1.4e6  # Hz, system A's measured comb-line linewidths


@pytest.fixture(scope="module")
def small_soliton():
    """A short soliton hold of system A's ring (512 modes resolve its sech² to −50 dB; 60 photon lifetimes)."""
    ring = system_a_ring()
    pump = dataclasses.replace(system_a_pump(), linewidth=SOLITON_LW)
    detuning = float(cc.normalize(ring, pump).detuning_hz(12.0))
    hold = 60 / ring.kappa
    return cc.simulate_comb(ring, pump, detuning, modes=512, duration=hold, initial="soliton", seed=0,
                            progress=False, snapshots=list(np.linspace(0.6, 1.0, 5) * hold))


def test_matrix_is_symmetric_nonnegative_with_nan_diagonal_and_attrs():
    losses = np.array([10.0, 14.0, 17.0, 21.0, 25.0])
    m = key_rate_matrix(5, losses_db=losses)
    v = m.values
    assert m.dims == ("user_a", "user_b") and v.shape == (5, 5)
    assert np.all(np.isnan(np.diag(v)))
    off = ~np.eye(5, dtype=bool)
    assert np.all(v[off] >= 0) and np.all(np.isfinite(v[off]))
    np.testing.assert_array_equal(v, v.T)
    assert m.attrs["units"] == "bit/s" and "key rate" in m.attrs["long_name"]
    validate(m.to_dataset(), KEY_RATE_MATRIX)
    assert m.pair_loss_db.attrs["units"] == "dB"
    np.testing.assert_allclose(m.pair_loss_db.values[0, 3], 31.0)
    # each pair is rated on its own two arms: (0, 3) at 10/21 dB and (1, 2) at 14/17 dB see the same 31 dB in
    # total, but the unbalanced pair's X-basis errors (η_aμ ≠ η_bμ at the beam splitter) cost it its key
    assert m.attrs["loss_split"] == "per arm: L_a, L_b"
    assert v[1, 2] > 0 and v[0, 3] < 0.01 * v[1, 2]
    assert key_rate_matrix(2, losses_db=15.0, repetition_rate=None).attrs["units"] == "bit/pulse pair"


def test_rate_decreases_with_loss():
    loss = np.array([5.0, 5.0, 10.0, 10.0, 15.0, 15.0, 20.0, 20.0])
    m = key_rate_matrix(8, losses_db=loss)
    balanced = m.values[[0, 2, 4, 6], [1, 3, 5, 7]]  # 5/5, 10/10, 15/15, 20/20 dB
    assert np.all(np.diff(balanced) < 0)
    assert balanced[-1] > 0  # 40 dB: still key, so the decrease is strict, not a run of zeros
    row = m.values[0, 1:]  # partner losses ascending: more loss and more imbalance
    assert np.all(np.diff(row) <= 0)


def test_netcdf_round_trip(tmp_path):
    m = key_rate_matrix(4, distances=[10e3, 20e3, 30e3, 40e3])
    np.testing.assert_allclose(m.user_loss_db.values, [2.0, 4.0, 6.0, 8.0])  # 0.2 dB/km over 10–40 km
    path = io.save(m.to_dataset(), tmp_path / "m.nc")
    back = io.load(path).key_rate
    xr.testing.assert_allclose(back, m)
    assert back.attrs["units"] == "bit/s" and back.attrs["pulses"] == 3e12


def test_system_a_rate_and_fourfold_are_of_the_published_order():
    # 30 dB per pair (15 dB per arm), measured V = 46.7 %, system A's protocol, 3e12 pulse pairs,
    # ε = 1e-10, f = 1.16, 100 MHz, stated SNSPD (η_d = 0.75, p_d = 1e-7). "Of the order": factor 3.
    m = key_rate_matrix(4, losses_db=15.0, visibility=0.467)
    rates = m.values[~np.eye(4, dtype=bool)]
    assert PUBLISHED_RATE / 3 <= rates.mean() <= PUBLISHED_RATE * 3
    # four-fold: R₄ = f_clock·(p_z²Q_zz)² with Q_zz ∝ η² (η ≈ 0.024 per arm), so a ±1.5 dB error in the
    # per-arm loss moves R₄ by 10^(±0.6) ≈ ×4: the band is a factor 5 either way.
    four = fourfold_coincidence_rate(30.0)
    assert PUBLISHED_FOURFOLD / 5 <= four["rate"] <= PUBLISHED_FOURFOLD * 5
    np.testing.assert_allclose(four["rate"], 100e6 * four["p_pair_1"] ** 2)
    # counting every same-basis source pair only adds coincidences
    assert fourfold_coincidence_rate(30.0, sources="matched")["rate"] >= four["rate"]
    # R₄ ∝ P₁P₂ and P ∝ η_aη_b (dark counts negligible): 3 dB more on one pair halves it (±2 %)
    ratio = fourfold_coincidence_rate(30.0, 33.0)["rate"] / four["rate"]
    assert 0.49 <= ratio <= 0.51


def test_end_to_end_from_a_small_soliton_run(small_soliton):
    ds = validate(network_key_rates(small_soliton, transmitter=system_a_encoder(), users=4, losses_db=15.0),
                  NETWORK_KEY_RATES)
    assert ds.key_rate.shape == (4, 4)
    assert ds.sizes["wavelength"] == 3  # n − 1 lines for even n
    assert np.all(ds.colour.values[~np.eye(4, dtype=bool)] >= 0)
    off = ~np.eye(4, dtype=bool)
    assert np.all(ds.key_rate.values[off] > 0)
    assert ds.attrs["pulse_fwhm"] == pytest.approx(0.8e-9, rel=0.02)  # 2 DAC words at 2.5 GS/s, 150 ps rise
    # each pair's visibility comes from its own line's linewidth (soliton lines: ≥ the 0.11 MHz pump)
    lw = ds.line_linewidth.values[off]
    assert np.all(lw >= SOLITON_LW) and np.all(lw < 1e6)
    v = ds.bsm_visibility.values[off]
    assert np.all((0.45 < v) & (v < 0.5))
    np.testing.assert_allclose(ds.e_d_x.values[off], 0.5 - v)
    assert PUBLISHED_RATE / 3 <= float(ds.key_rate.mean()) <= PUBLISHED_RATE * 3


def test_each_pair_drives_the_transmitter_with_its_own_comb_line():
    chip = system_b_transmitter()
    lines = ideal_soliton_lines(2)  # μ = −2 … 2
    lines.power.values[:] = [2e-3, 1e-3, 5e-3, 0.5e-3, 3e-3]
    ds = validate(network_key_rates(lines, transmitter=chip, users=4, losses_db=15.0), NETWORK_KEY_RATES)
    off = ~np.eye(4, dtype=bool)
    np.testing.assert_allclose(ds.line_power.values[off], lines.power.sel(mu=ds.line_mu.values[off]).values)
    # each line drives the chip; its attenuator absorbs the line's power, so every line gives the same states
    direct = chip.states(CombLine.from_table(lines, int(ds.wavelength_mu[1])))
    np.testing.assert_allclose(ds.state_mu.isel(wavelength=1).values, direct.mu.values, rtol=1e-12)
    np.testing.assert_allclose(ds.state_mu.values, ds.state_mu.values[[0]].repeat(3, axis=0), rtol=1e-6)
    # the silicon chip's four signal states differ by ≈ 2.4 % in μ (MZI-3/4 losses; the 2D grating's arms are
    # equal at 45° azimuth): reported as a side-channel figure
    spread = ds.state_mu_spread.sel(intensity="z").values
    assert np.all((0.01 < spread) & (spread < 0.05)) and ds.state_mu_spread.attrs["units"] == "1"
    # the link gets the realized levels (vacuum 0 for the decoy bound) and the chip's Z errors
    realized = direct.mu.mean("state")
    for label in "zyx":
        assert ds.attrs[f"intensity_{label}"] == pytest.approx(float(realized.sel(intensity=label)), rel=1e-6)
    assert ds.attrs["intensity_o"] == 0.0
    e_z = float(direct.error.sel(intensity="z", state=["Z0", "Z1"]).mean())
    assert ds.attrs["e_d_z"] == pytest.approx(combine_errors(e_z, e_z), rel=1e-6)
    assert ds.attrs["encoding"] == "polarization" and ds.attrs["repetition_rate"] == chip.timing.symbol_rate


def test_time_bin_bsm_visibility_follows_the_encoders_x_states_on_each_line():
    encoder = system_a_encoder()
    ratio = {}
    for lw in (SOLITON_LW, CHAOTIC_LW):
        ds = network_key_rates(ideal_soliton_lines(2, linewidth=lw), transmitter=encoder, users=2, losses_db=15.0)
        ratio[lw] = float(ds.bsm_visibility[0, 1] / ds.hom_visibility[0, 1])
        # V_BSM = c_A c_B V_HOM with c = 1 − 2e_X, the X error of the encoder on the pair's line
        e_x = float(ds.state_error.isel(wavelength=0).sel(intensity="z", state=["X0", "X1"]).mean())
        assert ratio[lw] == pytest.approx((1 - 2 * e_x) ** 2, rel=1e-9)
    # e_X follows the line's coherence exp(−πΔν·T/2) (T/2 = 10 ns): c_A c_B falls by exp(−2π·ΔΔν·T/2)
    expected = np.exp(-2 * np.pi * (CHAOTIC_LW - SOLITON_LW) * encoder.timing.bin_separation)
    assert ratio[CHAOTIC_LW] / ratio[SOLITON_LW] == pytest.approx(expected, rel=1e-9)
    # the chip and the chip-free path send qubits at the same rate, derived from the 100 MHz clock (50 MHz)
    chip_free = network_key_rates(None, users=2, losses_db=15.0)
    assert ds.attrs["repetition_rate"] == chip_free.attrs["repetition_rate"] == encoder.timing.symbol_rate == 50e6


def test_chaotic_line_has_lower_visibility_and_rate():
    soliton = pair_visibility(SOLITON_LW)
    chaotic = pair_visibility(CHAOTIC_LW)
    assert chaotic["bsm_visibility"] < soliton["bsm_visibility"] - 0.03  # c² = e^{−2π·1.4 MHz·10 ns} ≈ 0.92
    assert chaotic["hom_visibility"] <= soliton["hom_visibility"]
    rates = [network_key_rates(None, users=4, losses_db=15.0, default_linewidth=lw).key_rate.values[0, 1]
             for lw in (SOLITON_LW, CHAOTIC_LW)]
    assert rates[1] < rates[0]


@pytest.mark.slow  # its --optimize run is a grid optimization (≈ 14 s)
def test_cli_writes_netcdf_and_png(tmp_path, capsys):
    assert main(["network", "--users", "4", "--distance-km", "75", "--out", str(tmp_path)]) == 0
    ds = io.load(tmp_path / "key_rate.nc")
    assert ds.key_rate.shape == (4, 4) and (tmp_path / "key_rate.png").stat().st_size > 1000
    np.testing.assert_allclose(ds.user_loss_db.values, 15.0)  # 75 km at 0.2 dB/km: the CLI's km become metres
    assert "4 users" in capsys.readouterr().out
    assert main(["network", "--users", "2", "--distance-km", "75", "--optimize", "--out", str(tmp_path)]) == 0
    assert "optimized settings" in capsys.readouterr().out and io.load(tmp_path / "key_rate.nc").attrs["optimized"] == 1
    assert main(["network", "--users", "1", "--distance-km", "5", "--out", str(tmp_path)]) == 2
    assert "--users" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:  # a flag's value that does not parse is argparse's usage error
        main(["network", "--users", "3", "--distance-km", "-5", "--out", str(tmp_path)])
    assert exit_.value.code == 2 and "--distance-km" in capsys.readouterr().err


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: key_rate_matrix(1, losses_db=10.0), "users"),
        (lambda: key_rate_matrix(3, distances=[1e3, -2e3, 3e3]), r"distances\[1\] = -2000.0 m"),
        (lambda: key_rate_matrix(3, losses_db=-1.0), "losses_db"),
        (lambda: key_rate_matrix(3), "losses_db"),
        (lambda: key_rate_matrix(3, losses_db=10.0, visibility=0.7), "visibility"),
        (lambda: network_key_rates(None, users=1), "users"),
        (lambda: network_key_rates(None, users=4, distances=-1.0), "distances"),
        (lambda: network_key_rates(None, transmitter="chip"), "transmitter must be a"),
        (lambda: network_key_rates(None, transmitter=system_c_client()), "transmitter.encoding = 'phase'"),
        (lambda: network_key_rates(None, transmitter=system_a_encoder(), encoding="polarization"), "encoding"),
        (lambda: rate_vs_distance([10e3, -1.0]), r"distance\[1\]"),
        (lambda: fourfold_coincidence_rate(-3.0), "loss_pair_db"),
        (lambda: key_rate_matrix(5000, losses_db=10.0), "users = 5000 users exceeds MAX_USERS"),
        (lambda: key_rate_matrix(3, losses_db=10.0, method="spline"), "method"),
        (lambda: key_rate_matrix(3, losses_db=10.0, grid_tolerance=0.0), "grid_tolerance"),
        (lambda: key_rate_matrix(3, losses_db=10.0, grid_tolerance=1.5), "grid_tolerance"),
        (lambda: key_rate_matrix(3, losses_db=10.0, loss_step_db=-1.0), "loss_step_db"),
    ],
)
def test_bad_inputs_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def _rate(loss_a, loss_b, e_d_x=0.5 - 0.467):
    link = MDILink.from_losses(loss_a, loss_b, DEFAULT_DETECTOR, e_d_x=e_d_x, e_d_z=DEFAULT_E_D_Z, encoding="time-bin")
    return finite_key_rate(link, cc.systems.published.SYSTEM_A.intensities,
                           cc.systems.published.SYSTEM_A.probabilities, 3e12).key_rate_per_pulse


def test_pairs_are_rated_on_their_two_arm_losses():
    m = key_rate_matrix(3, losses_db=[15.0, 15.0, 10.0], repetition_rate=None, method="exact")
    # the exact finite-key rate of each pair's own (L_a, L_b) link, symmetric under L_a ↔ L_b
    assert m.values[0, 1] == pytest.approx(_rate(15.0, 15.0), rel=1e-12)
    assert m.values[0, 2] == pytest.approx(_rate(10.0, 15.0), rel=1e-12) == pytest.approx(_rate(15.0, 10.0), rel=1e-9)
    # the balanced model gave 10/20 dB the 15/15 dB rate; with system A's settings it has no key at all
    assert key_rate_matrix(2, losses_db=[10.0, 20.0]).values[0, 1] == 0.0 == _rate(10.0, 20.0)


def _raw(loss_a, loss_b, e_d_x=0.5 - 0.467):
    link = MDILink.from_losses(loss_a, loss_b, DEFAULT_DETECTOR, e_d_x=e_d_x, e_d_z=DEFAULT_E_D_Z, encoding="time-bin")
    return finite_key_rate(link, cc.systems.published.SYSTEM_A.intensities,
                           cc.systems.published.SYSTEM_A.probabilities, 3e12).key_length / 3e12


@pytest.mark.slow  # 9 users across the cut-off: the adaptive grid and the exact matrix (≈ 40 s)
def test_grid_is_exact_near_the_cut_off():
    from scipy.optimize import brentq

    # a partner 0.01 dB short of the 15 dB user's cut-off: ≈ 1 bit/s, where the old grid gave ≈ 1e-25 bit/s
    cutoff = brentq(lambda b: _raw(15.0, b), 16.0, 26.0, xtol=1e-9)
    losses = np.r_[np.linspace(12.0, 26.0, 7), 15.0, cutoff - 0.01]
    grid = key_rate_matrix(9, losses_db=losses, method="grid", loss_step_db=1.0)
    exact = key_rate_matrix(9, losses_db=losses, method="exact")
    off = ~np.eye(9, dtype=bool)
    assert (exact.values[off] == 0).any() and (exact.values[off] > 0).any()
    assert 0.05 < exact.values[7, 8] < 5.0   # bit/s at the 50 MHz qubit rate (≈ 1.6e-9 bit per pulse pair)
    # within the 1 % tolerance where interpolated, exact near the cut-off: no 1e-25 bit/s tails
    np.testing.assert_allclose(grid.values[off], exact.values[off], rtol=0.01, atol=0.0)


def test_loss_grid_interpolates_every_pair_within_tolerance_and_is_exact_at_the_cut_off():
    from combchip.link.loss_grid import LossGrid

    # a closed-form rate with a curved cut-off c(a) and a diagonal cut-off at a* = 20.68 dB: exp decay × distance
    def raw(a, b):
        c = a + 1.6 * (20.68 - a) - 0.02 * (20.68 - a) ** 2
        return np.exp(-0.45 * (a + b)) * (c - b) * (1 + 0.1 * np.sin(b))

    users = np.random.default_rng(3).uniform(10.0, 30.0, 120)
    i, j = np.triu_indices(users.size, 1)
    lo, hi = np.minimum(users[i], users[j]), np.maximum(users[i], users[j])
    grid = LossGrid(raw, lo, hi, 0.01)
    values, exact = grid.rates(lo, hi)
    truth = np.maximum([raw(a, b) for a, b in zip(lo, hi)], 0.0)
    assert grid.diagonal == pytest.approx(20.68, abs=1e-5)
    assert grid.evaluations < 0.2 * lo.size and exact.sum() < 0.01 * lo.size
    assert np.all(np.isnan(values[exact])) and np.all(values[~exact & (truth == 0)] == 0)
    key = ~exact & (truth > 0)
    assert key.sum() > 500
    np.testing.assert_allclose(values[key], truth[key], rtol=0.01)


@pytest.mark.slow  # system B's scale: 19,900 pairs on the adaptive grid (≈ 1 min), 40 pairs exactly
def test_200_user_network_agrees_with_exact_evaluation():
    # system B's scale: 200 users, 19,900 pairs, 50–150 km each (10–30 dB: key only near the diagonal)
    distance = np.random.default_rng(0).uniform(50e3, 150e3, 200)
    ds = network_key_rates(None, users=200, distances=distance)
    v = ds.key_rate.values
    assert v.shape == (200, 200) and ds.sizes["wavelength"] == 199
    assert ds.attrs["method"] == "grid" and ds.attrs["interpolation_max_rel_error"] < 0.01
    off = ~np.eye(200, dtype=bool)
    assert np.all(v[off] >= 0) and np.all(np.isnan(np.diag(v)))
    # 20 random pairs with key and 20 without, exactly
    a, b = np.triu_indices(200, 1)
    rng = np.random.default_rng(1)
    pick = np.r_[rng.choice(np.flatnonzero(v[a, b] > 0), 20, replace=False),
                 rng.choice(np.flatnonzero(v[a, b] == 0), 20, replace=False)]
    loss = ds.user_loss_db.values
    truth = np.array([max(_raw(loss[a[k]], loss[b[k]], float(ds.e_d_x.values[a[k], b[k]])), 0.0) for k in pick])
    np.testing.assert_allclose(v[a[pick], b[pick]], truth * ds.attrs["repetition_rate"], rtol=0.01, atol=0.0)


def test_plots(tmp_path):
    m = key_rate_matrix(4, losses_db=[10.0, 15.0, 20.0, 40.0])
    plot_rate_matrix(m).savefig(tmp_path / "m.png")
    curve = rate_vs_distance([0.0, 25e3, 50e3, 75e3, 100e3])
    assert curve.distance.attrs["units"] == "m" and curve.distance.values[-1] == 100e3
    # the finite-key MDI rate stays below the repeaterless bound of the end-to-end transmittance
    assert np.all(curve.key_rate_per_pulse.values <= curve.plob.values)
    plot_rate_vs_distance(curve).savefig(tmp_path / "d.png")
    dip = hom_dip(np.linspace(-3e-9, 3e-9, 61), pulse_fwhm=0.8e-9, model="weak")
    plot_hom_dip(dip).savefig(tmp_path / "h.png")
    assert all((tmp_path / f).stat().st_size > 1000 for f in ("m.png", "d.png", "h.png"))


@pytest.fixture(scope="module")
def chaotic_and_soliton_combs():
    """System A's ring held in MI chaos (ζ = 3) and in a soliton state (ζ = 12), 11 snapshots 10 τ apart."""
    ring, pump = system_a_ring(), system_a_pump()
    norm = cc.normalize(ring, pump)
    duration = float(norm.time_s(400.0))
    times = list(np.linspace(float(norm.time_s(300.0)), duration, 11))
    return {name: cc.simulate_comb(ring, pump, float(norm.detuning_hz(zeta)), modes=512, duration=duration,
                                   initial=initial, snapshots=times, seed=1, progress=False)
            for name, zeta, initial in (("chaotic", 3.0, None), ("soliton", 12.0, "soliton"))}


@pytest.mark.slow  # two 400 τ LLE holds at 512 modes (≈ 2 s)
def test_chaotic_comb_lines_give_clearly_lower_visibility_than_soliton_lines(chaotic_and_soliton_combs):
    result = {name: network_key_rates(ds, users=4, losses_db=15.0, min_osnr_db=-60.0)
              for name, ds in chaotic_and_soliton_combs.items()}
    off = ~np.eye(4, dtype=bool)
    v_soliton = result["soliton"].hom_visibility.values[off]
    v_chaotic = result["chaotic"].hom_visibility.values[off]
    # a stationary soliton's lines are coherent (OSNR ≈ 60 dB): V at the 0.5 ceiling within 1 %
    assert np.all(v_soliton > 0.495)
    # MI chaos leaves most of each line's power fluctuating from pulse to pulse: M → p²M
    assert np.all(v_chaotic < 0.5 * v_soliton)
    assert np.all(result["chaotic"].key_rate.values[off] < result["soliton"].key_rate.values[off])


@pytest.mark.slow  # system_a_states: two 2400-snapshot LLE holds (≈ 8 s, shared with test_coherence)
def test_network_takes_visibilities_from_the_simulated_line_coherence(system_a_states):
    off = ~np.eye(4, dtype=bool)
    result = {name: network_key_rates(ds, users=4, losses_db=15.0, min_osnr_db=-60.0)
              for name, ds in system_a_states.items()}
    assert {r.attrs["visibility_model"] for r in result.values()} == {"trace"}
    soliton, chaotic = result["soliton"], result["chaotic"]
    # the same numbers as the coherence module for the pair's line (the plan's μ)
    mu = int(soliton.line_mu.values[0, 1])
    direct = coherence_visibility(line_coherence(system_a_states["soliton"], mu), 0.8e-9, 10e-9)
    assert soliton.bsm_visibility.values[0, 1] == pytest.approx(direct.bsm_visibility.item(), rel=1e-12)
    # soliton: at the ceiling less the 0.11 MHz pump phase diffusion over 10 ns (0.4966); chaos: no BSM fringe,
    # so e_X ≈ 1/2 and no key (published: BSM 45.6 % against 8.8 %)
    assert np.all(soliton.bsm_visibility.values[off] > 0.49)
    assert np.all(chaotic.bsm_visibility.values[off] < 0.02)
    assert np.all(soliton.key_rate.values[off] > 0)
    assert np.all(chaotic.key_rate.values[off] == 0)
    forced = network_key_rates(system_a_states["soliton"], users=4, losses_db=15.0, visibility_model="osnr")
    assert forced.attrs["visibility_model"] == "osnr"


@pytest.mark.slow  # system_a_states (≈ 8 s)
def test_cli_takes_the_trace_model_from_a_dense_comb_file(system_a_states, tmp_path, capsys):
    io.save(system_a_states["soliton"], tmp_path / "comb.nc")
    assert main(["network", "--users", "4", "--distance-km", "75", "--comb", str(tmp_path / "comb.nc"),
                 "--out", str(tmp_path)]) == 0
    assert "from the simulated field's line coherence" in capsys.readouterr().out
    assert io.load(tmp_path / "key_rate.nc").attrs["visibility_model"] == "trace"


@pytest.mark.slow  # system_a_states (≈ 8 s)
def test_visibility_model_is_validated(system_a_states):
    with pytest.raises(ValueError, match="visibility_model"):
        network_key_rates(system_a_states["soliton"], users=4, visibility_model="exact")
    with pytest.raises(ValueError, match="visibility_model"):
        network_key_rates(None, users=4, visibility_model="trace")


@pytest.mark.slow  # two exact finite-key optimizations (≈ 14 s)
def test_exact_optimization_gives_the_rate_of_the_settings_it_reports():
    m = key_rate_matrix(2, losses_db=[12.0, 18.0], optimize=True, method="exact", repetition_rate=None)
    plain = key_rate_matrix(2, losses_db=[12.0, 18.0], method="exact", repetition_rate=None)
    mu = {k: float(m[f"intensity_{k}"][0, 1]) for k in "zyx"} | {"o": 0.0}
    p = {k: float(m[f"probability_{k}"][0, 1]) for k in "zyxo"}
    link = MDILink.from_losses(12.0, 18.0, DEFAULT_DETECTOR, e_d_x=0.5 - 0.467, e_d_z=DEFAULT_E_D_Z, encoding="time-bin")
    assert m.values[0, 1] == pytest.approx(finite_key_rate(link, mu, p, 3e12).key_rate_per_pulse, rel=1e-12)
    # system A's published settings are not the optimum of this unbalanced link
    assert m.values[0, 1] > plain.values[0, 1]
    assert m.attrs["optimized"] == 1 and "intensity_z" not in m.attrs


def test_optimized_settings_field_is_continuous_where_nearest_anchors_jumped():
    from combchip.link.network import _RateModel
    from combchip.link.qkd import pack_settings
    from combchip.systems.published import SYSTEM_A

    model = _RateModel(DEFAULT_E_D_Z, SYSTEM_A.intensities, SYSTEM_A.probabilities, 3e12, 1e-10, 1.16,
                       DEFAULT_DETECTOR, "time-bin", optimize=True)
    low = pack_settings(SYSTEM_A.intensities, SYSTEM_A.probabilities)
    high = pack_settings({"z": 0.6, "y": 0.25, "x": 0.06, "o": 0.0}, {"z": 0.5, "y": 0.07, "x": 0.39, "o": 0.04})
    theta = np.empty((2, 2, 6))
    theta[0, 0], theta[0, 1], theta[1, 0], theta[1, 1] = low, high, high, high
    model.field = (np.array([15.0, 20.0]), theta)
    # at a node the node's settings; midway between nodes the bilinear mean of θ (not one node's settings)
    assert pack_settings(*model.settings(15.0, 15.0)) == pytest.approx(low, rel=1e-12)
    np.testing.assert_allclose(model.field_theta(np.array([17.5]), np.array([17.5]))[0],
                               0.25 * low + 0.75 * high, rtol=1e-12)
    # symmetric in L_a ↔ L_b, clamped outside the nodes
    assert model.settings(15.0, 17.0) == model.settings(17.0, 15.0)
    assert model.settings(10.0, 25.0) == model.settings(15.0, 20.0)
    # where the nearest anchor switched (17.5 dB) the rate is continuous: a 2e-6 dB step moves the settings by
    # O(1e-6) and the rate by a relative O(1e-6) (bound 1e-4), where the anchors' switch changed it by > 1 %
    e = 0.5 - 0.467
    below, above = model.raw(17.5 - 1e-6, 17.5 - 1e-6, e), model.raw(17.5 + 1e-6, 17.5 + 1e-6, e)
    assert below > 0 and above == pytest.approx(below, rel=1e-4)
    link = MDILink.from_losses(17.5, 17.5, DEFAULT_DETECTOR, e_d_x=e, e_d_z=DEFAULT_E_D_Z, encoding="time-bin")
    jump = [finite_key_rate(link, *node, 3e12).key_length / 3e12
            for node in (model.settings(15.0, 15.0), model.settings(20.0, 20.0))]
    assert abs(jump[1] - jump[0]) > 0.01 * below


@pytest.mark.slow  # three settings nodes and three per-pair optimizations (≈ 1 min on a quiet core)
def test_optimized_network_agrees_with_per_pair_optimization_and_beats_fixed_settings(tmp_path):
    from combchip.link.qkd import optimize_parameters

    # six users at 15, 17, 19 dB: settings nodes at 15 and 19 dB, so the 17 dB pairs take interpolated settings
    losses = np.array([15.0, 15.0, 17.0, 17.0, 19.0, 19.0])
    tolerance = 0.01
    m = key_rate_matrix(6, losses_db=losses, optimize=True, method="grid", optimum_checks=1, seed=3,
                        grid_tolerance=tolerance, repetition_rate=None)
    fixed = key_rate_matrix(6, losses_db=losses, method="grid", repetition_rate=None)
    assert m.attrs["settings_node_loss_db"].tolist() == pytest.approx([15.0, 19.0])
    off = ~np.eye(6, dtype=bool)
    # optimized ≥ fixed at every pair (fixed settings are the first node's start), strictly on the unbalanced
    assert np.all(m.values[off] >= fixed.values[off] * (1 - tolerance)) and m.values[0, 4] > fixed.values[0, 4]
    assert m.attrs["optimum_violations"].size == 0 and m.attrs["optimum_max_excess"] <= tolerance
    # each off-node pair against its own optimum (warm-started from its settings): the interpolant never
    # exceeds the optimum by more than the grid tolerance, and interpolated settings lose < 1 % (second order)
    for a, b in ((0, 2), (2, 4)):
        settings = ({k: float(m[f"intensity_{k}"][a, b]) for k in "zyx"} | {"o": 0.0},
                    {k: float(m[f"probability_{k}"][a, b]) for k in "zyxo"})
        link = MDILink.from_losses(losses[a], losses[b], DEFAULT_DETECTOR, e_d_x=0.5 - 0.467, e_d_z=DEFAULT_E_D_Z,
                                   encoding="time-bin")
        best = optimize_parameters(link, 3e12, initial=settings, xatol=1e-2, fatol=1e-4).key_rate_per_pulse
        assert best * (1 - tolerance) <= m.values[a, b] <= best * (1 + tolerance)
        # the reported settings give the reported rate (to the grid tolerance)
        assert m.values[a, b] == pytest.approx(finite_key_rate(link, *settings, 3e12).key_rate_per_pulse,
                                               rel=tolerance)
    io.save(m.to_dataset(), tmp_path / "m.nc")
    np.testing.assert_allclose(io.load(tmp_path / "m.nc").intensity_z.values, m.intensity_z.values)


@pytest.mark.parametrize("kwargs, name", [({"optimize": "yes"}, "optimize"), ({"optimize_step_db": 0.0}, "optimize_step_db"),
                                           ({"optimum_checks": -1}, "optimum_checks")])
def test_bad_optimization_settings_raise(kwargs, name):
    with pytest.raises(ValueError, match=name):
        key_rate_matrix(3, losses_db=10.0, **kwargs)


@pytest.mark.parametrize("kwargs, name", [
    ({"raw": 1.0}, "raw"), ({"tolerance": 0.0}, "tolerance"), ({"tolerance": 1.0}, "tolerance"),
    ({"step_db": -1.0}, "step_db"), ({"min_step_db": 5.0}, "min_step_db"), ({"xtol_db": 0.0}, "xtol_db"),
    ({"cutoff_tolerance_db": -1e-4}, "cutoff_tolerance_db"), ({"lo": [10.0, 12.0]}, "lo and hi"),
    ({"lo": [25.0]}, "lo and hi"), ({"hi": [np.nan]}, "lo and hi")])
def test_loss_grid_rejects_bad_inputs(kwargs, name):
    from combchip.link.loss_grid import LossGrid

    args = {"raw": lambda a, b: 20.0 - a - b, "lo": [10.0], "hi": [12.0], "tolerance": 0.01, **kwargs}
    with pytest.raises(ValueError, match=name):
        LossGrid(args.pop("raw"), args.pop("lo"), args.pop("hi"), args.pop("tolerance"), **args)


def test_optimize_progress_bar_counts_on_stderr_and_changes_nothing(capsys, monkeypatch):
    import functools

    import combchip.link.network as network

    # a few Nelder–Mead steps per optimization keep this fast; the bar and the results are what is checked here
    monkeypatch.setattr(network, "optimize_parameters", functools.partial(network.optimize_parameters, maxiter=3))
    kwargs = dict(losses_db=[12.0, 18.0], optimize=True, method="exact", repetition_rate=None)
    quiet = key_rate_matrix(2, **kwargs)
    assert capsys.readouterr().err == ""  # progress=False by default: the library stays silent
    shown = key_rate_matrix(2, progress=True, **kwargs)
    err = capsys.readouterr().err
    assert "optimizing settings" in err and "1/1" in err  # one distinct pair, optimized once
    xr.testing.assert_identical(quiet, shown)
    with pytest.raises(ValueError, match="progress"):
        key_rate_matrix(2, progress="yes", **kwargs)
