"""MDI-QKD: WCS gains, decoy bounds, Chernoff conversions, finite key, optimisation, system A's key rate."""

import dataclasses

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import OptimizeResult
from scipy.stats import poisson

from combchip.link.qkd import (
    AsymptoticRate,
    Detector,
    FiniteKeyEstimate,
    MDILink,
    OptimizedSettings,
    asymptotic_rate,
    chernoff_expected,
    chernoff_observed,
    combine_errors,
    e11_upper_bound,
    estimate_from_counts,
    expected_counts,
    finite_key_rate,
    gains,
    misalignment_from_visibility,
    optimize_parameters,
    pack_settings,
    photon_number_yields,
    plob,
    rate_vs_loss,
    s11_lower_bound,
    s11_lower_bound_lp,
    sample_counts,
    state_error_from_extinction,
    unpack_settings,
)
from combchip.link.qkd.mdi import check_sides, pulse_pairs
from combchip.link.qkd.optimize import AsymmetricSettings, balanced_start, optimize_asymmetric
from combchip.systems.published import SYSTEM_A
from combchip.units import db_to_ratio

MU, P = SYSTEM_A.intensities, SYSTEM_A.probabilities
N_SYSTEM_A = SYSTEM_A.pulse_pairs
CLOCK = 100e6  # Hz
PUBLISHED_RATE = 267.0  # bit/s, average over the user pairs

# Stated SNSPD and transmitter for system A (none of these is given by the paper):
ETA_D, P_DARK = 0.75, 1e-7  # SNSPD: 75 % efficiency; ~100 Hz dark counts in a ~1 ns window per time bin
EXTINCTION_DB = 30.0  # time-bin carving extinction, borrowed from system B's MZIs (30 dB)
V_HOM = 0.467  # measured HOM visibility, soliton state


def system_a_link(eta_d=ETA_D, p_dark=P_DARK):
    e_z = combine_errors(state_error_from_extinction(EXTINCTION_DB), state_error_from_extinction(EXTINCTION_DB))
    return MDILink.from_losses(15.0, 15.0, Detector(eta_d, p_dark), v_hom=V_HOM, e_d_z=e_z, encoding="time-bin")


def mixture(yields, mu_a, mu_b):
    """Σ P_μa(n) P_μb(m) Y_nm: the phase-randomized coherent-state gain of Fock-state yields."""
    n = yields["n"].values
    return float(np.einsum("n,m,nm->", poisson.pmf(n, mu_a), poisson.pmf(n, mu_b), yields.values))


# --- gains -------------------------------------------------------------------------------------------


def test_gains_small_mu_limit():
    # p_d = 0, e_d = 0, a = η_aμ_a, b = η_bμ_b ≤ 1e-3: Q_Z = ab/2 (both Bell states), Q_X = (a + b)²/4,
    # (E·Q)_X = (a + b)²/8 − ab/4, each up to a relative O(a + b) ≤ 2e-3 correction.
    mu_a, mu_b, eta_a, eta_b = 0.5, 0.2, 2e-3, 3e-3
    a, b = eta_a * mu_a, eta_b * mu_b
    g = gains(mu_a, mu_b, eta_a, eta_b, 0.0, 0.0, bsm="both")
    assert g.q_z == pytest.approx(a * b / 2, rel=3e-3)
    assert g.eq_z == 0.0
    assert g.q_x == pytest.approx((a + b) ** 2 / 4, rel=3e-3)
    assert g.eq_x == pytest.approx((a + b) ** 2 / 8 - a * b / 4, rel=3e-3)
    # equal intensities: the 25 % X-basis error floor of weak coherent pulses
    assert gains(0.1, 0.1, 1e-3, 1e-3, 0.0, 0.0).e_x == pytest.approx(0.25, rel=1e-3)


def test_time_bin_psi_minus_halves_every_gain():
    pol = gains(0.4, 0.3, 0.02, 0.05, 1e-6, (0.01, 0.04), encoding="polarization")
    tb = gains(0.4, 0.3, 0.02, 0.05, 1e-6, (0.01, 0.04), encoding="time-bin")
    for full, half in zip(pol, tb):
        assert half == pytest.approx(full / 2, rel=1e-15)
    assert tb.e_z == pytest.approx(pol.e_z, rel=1e-14) and tb.e_x == pytest.approx(pol.e_x, rel=1e-14)


@pytest.mark.parametrize("eta_a, eta_b, p_d, e_d", [(0.03, 0.02, 1e-6, 0.0), (0.5, 0.3, 1e-3, 0.0),
                                                    (0.3, 0.3, 0.01, 0.07), (0.9, 0.05, 1e-5, 0.2)])
@pytest.mark.parametrize("basis", ["Z", "X"])
def test_closed_form_gains_match_fock_enumeration(eta_a, eta_b, p_d, e_d, basis):
    # Independent check of Ma & Razavi's expressions: exact Fock-state yields (beam-splitter algebra,
    # inclusion–exclusion over threshold clicks), Poisson-mixed. N = 25 leaves a tail < 1e-20; the
    # inclusion–exclusion cancels to ~1e-8 relative when the click probabilities are ~1e-8.
    ds = photon_number_yields(25, eta_a, eta_b, p_d, basis, e_d=e_d)
    for mu_a, mu_b in [(0.6, 0.2), (0.054, 0.204), (0.2, 0.0), (0.0, 0.0)]:
        g = gains(mu_a, mu_b, eta_a, eta_b, p_d, e_d, bsm="both")
        q, eq = (g.q_z, g.eq_z) if basis == "Z" else (g.q_x, g.eq_x)
        assert mixture(ds["yield"], mu_a, mu_b) == pytest.approx(q, rel=1e-6, abs=1e-15)
        assert mixture(ds["error_yield"], mu_a, mu_b) == pytest.approx(eq, rel=1e-6, abs=1e-15)


@pytest.mark.parametrize("basis", ["Z", "X"])
def test_each_bell_state_carries_half(basis):
    # |Ψ⁺⟩ events map one to one onto |Ψ⁻⟩ events under the input bits (X relation flipped).
    minus = photon_number_yields(6, 0.2, 0.4, 1e-3, basis, e_d=0.05, bsm="psi-minus")
    plus = photon_number_yields(6, 0.2, 0.4, 1e-3, basis, e_d=0.05, bsm="psi-plus")
    xr.testing.assert_allclose(minus.drop_attrs(), plus.drop_attrs(), rtol=1e-10, atol=1e-15)


@settings(max_examples=80, deadline=None)
@given(st.floats(0, 2), st.floats(0, 2), st.floats(0, 1), st.floats(0, 1), st.floats(0, 0.1),
       st.floats(0, 0.5), st.floats(0, 0.5), st.sampled_from(["polarization", "time-bin"]))
def test_error_rates_are_probabilities(mu_a, mu_b, eta_a, eta_b, p_d, e_z, e_x, encoding):
    g = gains(mu_a, mu_b, eta_a, eta_b, p_d, (e_z, e_x), encoding=encoding)
    assert 0 <= g.q_z <= 1 and 0 <= g.q_x <= 1
    tol = 1e-12  # rounding of the cancellation-free forms
    assert -tol <= g.e_z <= 0.5 + tol
    assert -tol <= g.e_x <= 0.5 + tol


def test_misalignment_from_visibility_matches_mode_overlap():
    # e_d^X = 1/2 − V with V = M/2: the flip model and a true mode mismatch M give the same single-photon
    # error (no dark counts: the relation is for the photons; rounding of the enumeration ~1e-12).
    assert misalignment_from_visibility(0.5) == 0.0
    assert misalignment_from_visibility(V_HOM) == pytest.approx(0.033, abs=1e-12)
    for v in (0.2, 0.4, V_HOM):
        overlap = photon_number_yields(2, 0.03, 0.02, 0.0, "X", mode_overlap=2 * v, bsm="psi-minus")
        flip = photon_number_yields(2, 0.03, 0.02, 0.0, "X", e_d=misalignment_from_visibility(v), bsm="psi-minus")
        e_overlap = overlap["error_yield"][1, 1] / overlap["yield"][1, 1]
        e_flip = flip["error_yield"][1, 1] / flip["yield"][1, 1]
        assert float(e_overlap) == pytest.approx(float(e_flip), rel=1e-10)
        assert float(e_flip) == pytest.approx(0.5 - v, rel=1e-10)


def test_state_errors_combine_as_xor():
    a, b = 0.01, 0.03
    assert combine_errors(a, b) == pytest.approx(a + b - 2 * a * b, rel=1e-14)
    assert combine_errors(a) == pytest.approx(a, rel=1e-14)
    assert state_error_from_extinction(30.0) == pytest.approx(1 / 1001, rel=1e-12)


# --- decoy bounds ------------------------------------------------------------------------------------


def true_yields(eta_a, eta_b, p_d, e_d, n_max=12):
    """Exact Fock yields of a model link and the X-basis observables they produce (tail < 1e-15)."""
    x = photon_number_yields(n_max, eta_a, eta_b, p_d, "X", e_d=e_d)
    y, ey = x["yield"], x["error_yield"]
    obs = {"xx": mixture(y, MU["x"], MU["x"]), "yy": mixture(y, MU["y"], MU["y"]), "oo": mixture(y, 0, 0),
           "xo+ox": mixture(y, MU["x"], 0) + mixture(y, 0, MU["x"]),
           "yo+oy": mixture(y, MU["y"], 0) + mixture(y, 0, MU["y"]), "xx_err": mixture(ey, MU["x"], MU["x"])}
    return obs, float(y[1, 1]), float(ey[1, 1] / y[1, 1])


@pytest.mark.slow  # 25 drawn links, each with its LP bound and a finite-key estimate (≈ 2.5 s)
@settings(max_examples=25, deadline=None)
@given(st.floats(0, 35), st.floats(0, 35), st.floats(0, 1e-4), st.floats(0, 0.1))
def test_decoy_bounds_bracket_the_true_single_photon_values(loss_a, loss_b, p_d, e_d):
    eta_a, eta_b = float(db_to_ratio(loss_a)), float(db_to_ratio(loss_b))
    obs, y11, e11 = true_yields(eta_a, eta_b, p_d, e_d)
    z = photon_number_yields(1, eta_a, eta_b, p_d, "Z", e_d=e_d)
    assert float(z["yield"][1, 1]) == pytest.approx(y11, rel=1e-9)  # single-photon pairs: basis independent
    rounding = 1e-9 * y11  # float error of the yields; the decoy gap is ≥ 1 % of Y₁₁ here
    lp_tolerance = 1e-7 * y11  # HiGHS row feasibility 1e-10 (relative), amplified by decoy coefficients ≲ 30
    closed = s11_lower_bound(obs, MU)
    lp = s11_lower_bound_lp(obs, MU)
    assert closed <= y11 + rounding  # valid; it may be negative (useless) for very unequal losses
    assert closed - lp_tolerance <= lp <= y11 + rounding + lp_tolerance
    if abs(loss_a - loss_b) <= 10:
        assert closed > 0.5 * y11  # and useful for comparable losses
    assert e11_upper_bound(obs, MU, closed) >= e11 - 1e-9
    # finite key on the exact expected counts: the Chernoff intervals contain them, so the bounds hold too
    n = 1e12
    pairs = pulse_pairs(n, P)
    counts = {k: pairs[k] * v for k, v in obs.items()}
    counts.update(zz=1e6, zz_err=1e3)
    est = estimate_from_counts(counts, n, MU, P, method="separate")
    assert est.s11 <= y11 + rounding
    assert est.e11_x >= e11 - 1e-9


def test_decoy_tightness_orders_the_rates():
    link = system_a_link()
    closed = asymptotic_rate(link, decoy="four-intensity")
    lp = asymptotic_rate(link, decoy="lp")
    ideal = asymptotic_rate(link, decoy="infinite")
    assert closed.s11 <= lp.s11 * (1 + 1e-9) <= ideal.s11 * (1 + 1e-9)
    assert closed.key_rate_per_pulse < ideal.key_rate_per_pulse
    # the ideal single-photon error is the HOM misalignment plus a little dark-count noise
    assert ideal.e11 == pytest.approx(misalignment_from_visibility(V_HOM), rel=0.01)


# --- Chernoff bounds -------------------------------------------------------------------------------------

MEANS = [1.0, 10.0, 100.0, 1e3, 1e5]
EPSILONS = [1e-2, 1e-5, 1e-10]


@pytest.mark.parametrize("eps", EPSILONS)
@pytest.mark.parametrize("mu", MEANS)
def test_expected_to_observed_against_poisson_tails(mu, eps):
    lower, upper = chernoff_observed(mu, eps)
    below = poisson.cdf(np.floor(lower), mu) if lower > 0 else 0.0
    above = poisson.sf(np.ceil(upper) - 1, mu)
    assert below <= eps and above <= eps
    if mu >= 100:
        # not vacuous either: the Chernoff bound exceeds the Poisson tail by ≈ δ√(2πμ) = √(4π ln(1/ε)) ≤ 20
        assert below >= eps / 100 and above >= eps / 100


@pytest.mark.parametrize("eps", EPSILONS)
@pytest.mark.parametrize("mu", MEANS)
def test_observed_to_expected_covers_the_true_mean(mu, eps):
    # P_μ[μᴸ(X) > μ] and P_μ[μᵁ(X) < μ], exact Poisson sums. μᴸ and μᵁ increase with x (checked on a
    # grid), so each event is a Poisson tail beyond an integer threshold, found by bisection.
    grid = np.unique(np.round(np.linspace(0, 3 * mu + 100, 400)))
    lower, upper = chernoff_expected(grid, eps)
    assert np.all(np.diff(lower) >= 0) and np.all(np.diff(upper) > 0)

    def first_integer(predicate):
        lo, hi = 0, int(10 * mu + 1000)  # predicate(hi) holds, and it is monotone in x
        while lo < hi:
            mid = (lo + hi) // 2
            lo, hi = (lo, mid) if predicate(mid) else (mid + 1, hi)
        return lo

    above = first_integer(lambda x: chernoff_expected(float(x), eps)[0] > mu)
    below = first_integer(lambda x: chernoff_expected(float(x), eps)[1] >= mu)  # μᵁ(X) < μ ⇔ X < below
    assert poisson.sf(above - 1, mu) <= eps
    assert poisson.cdf(below - 1, mu) <= eps if below > 0 else True


def test_chernoff_roots_solve_the_divergence_equation():
    # x ln(x/μ) − x + μ = ln(1/ε) at both roots, also for counts up to 1e12 (relative 1e-9 of ln(1/ε)).
    def divergence(x, mu):
        return x * np.log(x / mu) - x + mu

    # 146556242.29: a sum of counts (found by hypothesis) on which Brent's method stalled on e^τ − 1 − τ cancellation
    for x in [3.0, 1e4, 1e8, 146556242.28986222]:
        lo, up = chernoff_expected(x, 1e-10)
        assert divergence(x, lo) == pytest.approx(np.log(1e10), rel=1e-6)
        assert divergence(x, up) == pytest.approx(np.log(1e10), rel=1e-6)
    lo, up = chernoff_expected(1e12, 1e-10)
    assert (up - 1e12) == pytest.approx(np.sqrt(2 * np.log(1e10) * 1e12), rel=1e-3)  # δ → √(2 ln(1/ε)/x)
    assert chernoff_expected(0.0, 1e-10) == (0.0, pytest.approx(np.log(1e10)))


# --- finite key ------------------------------------------------------------------------------------------


# The certified joint worst case (brute force, property tests, named outcomes): tests/test_qkd_certified.py


def test_joint_is_never_below_separate():
    for link in (system_a_link(), system_a_link(0.7, 1e-6)):
        counts = expected_counts(link, MU, P, N_SYSTEM_A)
        for jc in (False, True):
            joint = estimate_from_counts(counts, N_SYSTEM_A, MU, P, method="joint", joint_constraints=jc)
            separate = estimate_from_counts(counts, N_SYSTEM_A, MU, P, method="separate", joint_constraints=jc)
            assert joint.key_length >= separate.key_length


def test_negative_keys_are_clipped_and_flagged():
    lossy = MDILink.from_losses(35.0, 35.0, Detector(ETA_D, P_DARK), v_hom=V_HOM, encoding="time-bin")
    for method in ("joint", "separate"):
        out = finite_key_rate(lossy, MU, P, N_SYSTEM_A, method=method)
        assert out.key_length < 0
        assert out.key_rate_per_pulse == 0.0 and out.clipped and "clipped" in out.warning
    dark = MDILink.from_losses(45.0, 45.0, Detector(ETA_D, 1e-5), v_hom=V_HOM, encoding="time-bin")
    asym = asymptotic_rate(dark)
    assert asym.key_rate_raw < 0 and asym.key_rate_per_pulse == 0.0 and asym.clipped
    good = finite_key_rate(system_a_link(), MU, P, N_SYSTEM_A)
    assert not good.clipped and good.warning is None


@settings(max_examples=30, deadline=None)
@given(st.dictionaries(st.sampled_from(["zz", "xx", "yy", "oo", "xo+ox", "yo+oy"]),
                       st.floats(0, 1e8), min_size=6, max_size=6),
       st.floats(0, 1), st.floats(0, 1), st.sampled_from(["joint", "separate"]))
def test_key_rate_is_never_negative(counts, frac_z, frac_x, method):
    counts = dict(counts, zz_err=frac_z * counts["zz"], xx_err=frac_x * counts["xx"])
    out = estimate_from_counts(counts, 1e12, MU, P, method=method)
    assert out.key_rate_per_pulse >= 0
    assert out.clipped == (out.key_length < 0)
    if out.status == "infeasible":  # a named outcome, not a number
        assert np.isnan(out.key_length) and np.isnan(out.e11_ph) and "estimation failed" in out.warning
    else:
        assert out.status == "certified" and 0.0 <= out.e11_ph <= 0.5


# --- system A ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("eta_d, p_dark", [(ETA_D, P_DARK), (0.7, 1e-7), (0.8, 1e-7), (0.7, 1e-6), (0.8, 1e-6)])
def test_system_a_key_rate_is_of_the_published_order(eta_d, p_dark):
    # 30 dB per user pair split 15/15 dB, SNSPD η_d ∈ [0.7, 0.8], p_d ∈ [1e-7, 1e-6], e_d^X = 1/2 − 0.467,
    # e_d^Z from 30 dB extinction, time-bin |Ψ⁻⟩ BSM, published intensities/probabilities, 3e12 pulse
    # pairs, ε = 1e-10, f = 1.16, 100 MHz. "Of the order of 267 bit/s": within a factor 3.
    out = finite_key_rate(system_a_link(eta_d, p_dark), MU, P, N_SYSTEM_A, eps=1e-10, f=1.16, repetition_rate=CLOCK)
    assert PUBLISHED_RATE / 3 <= out.key_rate <= PUBLISHED_RATE * 3
    assert out.e_zz < 0.01 and 0.1 < out.e11_ph < 0.25


def test_system_a_numbers():
    # The nominal point: asymptotic ≥ finite, and the finite rate is below PLOB of η_aη_b (per pulse pair).
    link = system_a_link()
    finite = finite_key_rate(link, MU, P, N_SYSTEM_A, repetition_rate=CLOCK)
    asym = asymptotic_rate(link)
    assert finite.key_rate_per_pulse < asym.key_rate_per_pulse < plob(link.eta_a * link.eta_b)
    assert finite.key_rate == pytest.approx(295, rel=0.02)  # regression of the number reported
    separate = finite_key_rate(link, MU, P, N_SYSTEM_A, method="separate", repetition_rate=CLOCK)
    assert separate.key_rate == pytest.approx(73, rel=0.02)


def test_estimate_from_counts_reproduces_the_model_rate():
    link = system_a_link()
    model = finite_key_rate(link, MU, P, N_SYSTEM_A)
    counts = expected_counts(link, MU, P, N_SYSTEM_A)
    # the one-sided sums given as their parts: same data, same answer
    split = {k: v for k, v in counts.items() if "+" not in k}
    g = {pair: link.gains(MU[pair[0]], MU[pair[1]]).q_x * N_SYSTEM_A * P[pair[0]] * P[pair[1]]
         for pair in ("xo", "ox", "yo", "oy")}
    split.update(g)
    again = estimate_from_counts(split, N_SYSTEM_A, MU, P, eps=1e-10, f=1.16)
    assert again.key_rate_per_pulse == pytest.approx(model.key_rate_per_pulse, rel=1e-6)
    # Poisson-sampled counts: over 60 seeds the rate scatters by 3.2 % (1σ) about the model; 15 % ≈ 4.7σ
    for seed in range(5):
        sampled = sample_counts(link, MU, P, N_SYSTEM_A, seed=seed)
        assert sampled == sample_counts(link, MU, P, N_SYSTEM_A, seed=seed)
        rate = estimate_from_counts(sampled, N_SYSTEM_A, MU, P).key_rate_per_pulse
        assert rate == pytest.approx(model.key_rate_per_pulse, rel=0.15)


@pytest.mark.slow  # two Nelder–Mead optimizations of the finite-key rate (≈ 7 s)
def test_optimizer_improves_a_poor_start():
    link = system_a_link()
    poor = ({"z": 0.3, "y": 0.1, "x": 0.02, "o": 0.0}, {"z": 0.25, "y": 0.25, "x": 0.25, "o": 0.25})
    out = optimize_parameters(link, N_SYSTEM_A, initial=poor, method="separate", maxiter=300)
    assert isinstance(out, OptimizedSettings) and isinstance(out.result, OptimizeResult)
    assert out.key_rate_per_pulse > 2 * out.initial_rate
    # the record's rate is the finite-key rate at its settings (same method), up to Nelder–Mead's last step
    again = finite_key_rate(link, out.intensities, out.probabilities, N_SYSTEM_A, method="separate")
    assert again.key_rate_per_pulse == pytest.approx(out.key_rate_per_pulse, rel=1e-12)
    mu, p = out.intensities, out.probabilities
    assert 0 < mu["x"] < mu["y"] and mu["o"] == 0 and sum(p.values()) == pytest.approx(1, abs=1e-12)
    asym = optimize_parameters(link)
    assert asym.key_rate_per_pulse >= asym.initial_rate


def test_settings_coordinates_round_trip():
    mu, p = unpack_settings(pack_settings(MU, P))
    assert mu == pytest.approx(dict(MU), rel=1e-12, abs=1e-15) and p == pytest.approx(dict(P), rel=1e-12)


def units_of(record) -> dict:
    return {f.name: f.metadata["unit"] for f in dataclasses.fields(record)}


def test_results_are_frozen_records_with_units():
    link = system_a_link()
    asym = asymptotic_rate(link)
    finite = finite_key_rate(link, MU, P, N_SYSTEM_A, repetition_rate=CLOCK)
    assert isinstance(asym, AsymptoticRate) and isinstance(finite, FiniteKeyEstimate)
    for record in (asym, finite):
        assert all(f.metadata["meaning"] for f in dataclasses.fields(record))
        assert units_of(record)["key_rate_per_pulse"] == "bit/pulse pair"
        with pytest.raises(dataclasses.FrozenInstanceError):
            record.key_rate_per_pulse = 1.0
    units = units_of(finite)
    assert units["key_length"] == units["leak_ec"] == "bit" and units["key_rate"] == "bit/s"
    assert units_of(OptimizedSettings)["intensities"] == "photons"
    assert finite.key_rate == pytest.approx(finite.key_rate_per_pulse * CLOCK, rel=1e-15)
    assert finite.key_rate_per_pulse == pytest.approx(finite.key_length / N_SYSTEM_A, rel=1e-15)
    assert isinstance(finite.n_statements, int) and finite.method == "joint" and finite.joint_constraints
    assert finite_key_rate(link, MU, P, N_SYSTEM_A).key_rate is None


def test_rate_vs_loss_dataset():
    ds = rate_vs_loss([20.0, 30.0, 40.0], Detector(ETA_D, P_DARK), v_hom=V_HOM, total_pulse_pairs=N_SYSTEM_A)
    assert ds["rate_finite"].attrs["units"] == "bit/pulse pair" and ds["loss_db"].attrs["units"] == "dB"
    assert np.all(np.diff(ds["rate_infinite_decoy"]) < 0)
    assert np.all(ds["rate_finite"] <= ds["rate_asymptotic"])
    assert np.all(ds["rate_asymptotic"] <= ds["rate_infinite_decoy"])
    assert np.all(ds["rate_infinite_decoy"] < ds["plob"])
    assert ds.attrs["v_hom"] == V_HOM


# --- bad inputs -----------------------------------------------------------------------------------------

BAD_P = dict(P, o=0.2)
NEG_MU = dict(MU, x=-0.1)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: asymptotic_rate(system_a_link(), MU, BAD_P), "probabilities"),
        (lambda: asymptotic_rate(system_a_link(), NEG_MU, P), r"intensities\['x'\]"),
        (lambda: asymptotic_rate(system_a_link(), dict(MU, o=0.06), P), r"intensities\['o'\]"),  # o ≥ x
        (lambda: asymptotic_rate(system_a_link(), dict(MU, x=0.3), P), r"intensities\['x'\]"),
        (lambda: finite_key_rate(system_a_link(), MU, P, 1e12, eps=0.0), "eps"),
        (lambda: finite_key_rate(system_a_link(), MU, P, 1e12, eps=1.0), "eps"),
        (lambda: estimate_from_counts(expected_counts(system_a_link(), MU, P, 1e12), 1e12, MU, P, eps=-1), "eps"),
        (lambda: estimate_from_counts({"zz": 1}, 1e12, MU, P), "counts"),
        (lambda: estimate_from_counts(dict(expected_counts(system_a_link(), MU, P, 1e12), xx_err=1e9), 1e12, MU, P),
         "xx_err"),
        (lambda: Detector(efficiency=1.2), "efficiency"),
        (lambda: Detector(dark_count_probability=-1e-7), "dark_count_probability"),
        (lambda: gains(0.5, 0.5, 1.5, 0.1, 0.0, 0.0), "eta_a"),
        (lambda: gains(-0.5, 0.5, 0.1, 0.1, 0.0, 0.0), "mu_a"),
        (lambda: gains(0.5, 0.5, 0.1, 0.1, 0.0, 0.7), "e_d"),
        (lambda: gains(0.5, 0.5, 0.1, 0.1, 0.0, 0.0, encoding="phase"), "encoding"),
        (lambda: misalignment_from_visibility(0.6), "v_hom"),
        (lambda: MDILink(0.1, 0.1, bsm="psi-plus"), "bsm"),
        (lambda: optimize_parameters(system_a_link(), -1.0), "total_pulse_pairs"),
        (lambda: optimize_parameters(system_a_link(), maxiter=0), "maxiter"),
        (lambda: optimize_parameters(system_a_link(), initial=(MU, BAD_P)), "probabilities"),
        (lambda: pack_settings(NEG_MU, P), r"intensities\['x'\]"),
        (lambda: unpack_settings(np.zeros(5)), "theta"),
        (lambda: asymptotic_rate(system_a_link(), decoy="five-intensity"), "decoy"),
        (lambda: finite_key_rate(system_a_link(), MU, P, 1e12, method="both"), "method"),
        (lambda: rate_vs_loss([-1.0], Detector(), v_hom=V_HOM), "loss_db"),
    ],
)
def test_bad_inputs_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@pytest.mark.slow  # one Nelder–Mead run of ≈ 560 finite-key evaluations (≈ 1–8 min, machine load)
def test_optimizer_finds_key_from_a_start_without_key():
    # 10/20 dB arms: system A's settings give a negative key; dividing a negative rate by p_z² stops the
    # search from drifting to p_z → 0 (where ℓ → −finite-size cost) and it reaches ≈ 71 bit/s at 100 MHz
    from combchip.link.network import DEFAULT_DETECTOR, DEFAULT_E_D_Z
    from combchip.link.qkd.optimize import optimize_parameters
    link = MDILink.from_losses(10.0, 20.0, DEFAULT_DETECTOR, e_d_x=0.5 - 0.467, e_d_z=DEFAULT_E_D_Z, encoding="time-bin")
    result = optimize_parameters(link, 3e12, xatol=1e-2, fatol=1e-4)
    assert result.initial_rate < 0 < result.key_rate_raw
    assert result.probabilities["z"] > 0.3 and result.evaluations == result.result.nfev
    assert result.key_rate_per_pulse == pytest.approx(
        finite_key_rate(link, result.intensities, result.probabilities, 3e12).key_rate_per_pulse, rel=1e-12)


# --- per-side (asymmetric) settings and a leaky vacuum decoy ---------------------------------------------


def per_side_observables(eta_a, eta_b, p_d, e_d, mu_a, mu_b, n_max=12):
    """Exact one-sided X-basis observables of per-side intensities, and the true (Y₁₁, e₁₁) (tail < 1e-15)."""
    x = photon_number_yields(n_max, eta_a, eta_b, p_d, "X", e_d=e_d)
    y, ey = x["yield"], x["error_yield"]
    obs = {a + b: mixture(y, mu_a[a], mu_b[b]) for a in "xyo" for b in "xyo"}
    obs.update({"xx_err": mixture(ey, mu_a["x"], mu_b["x"]), "xo+ox": obs["xo"] + obs["ox"],
                "yo+oy": obs["yo"] + obs["oy"]})
    return obs, float(y[1, 1]), float(ey[1, 1] / y[1, 1])


side = st.fixed_dictionaries({"x": st.floats(0.01, 0.15), "y_over_x": st.floats(1.5, 6.0), "o": st.floats(0, 3e-3)})


def intensities_of(drawn):
    return {"z": 0.6, "y": drawn["x"] * drawn["y_over_x"], "x": drawn["x"], "o": min(drawn["o"], 0.5 * drawn["x"])}


@pytest.mark.slow  # 30 drawn links, each with its exact Fock yields and an LP (≈ 3 s)
@settings(max_examples=30, deadline=None)
@given(st.floats(0, 30), st.floats(0, 30), st.floats(0, 1e-5), st.floats(0, 0.1), side, side)
def test_per_side_decoy_bounds_never_pass_the_true_values(loss_a, loss_b, p_d, e_d, drawn_a, drawn_b):
    # unequal intensities and a leaky o on either side: the closed form and the LP stay valid bounds of the
    # simulated channel's exact Y₁₁ and e₁₁
    mu = {"alice": intensities_of(drawn_a), "bob": intensities_of(drawn_b)}
    obs, y11, e11 = per_side_observables(float(db_to_ratio(loss_a)), float(db_to_ratio(loss_b)), p_d, e_d,
                                         mu["alice"], mu["bob"])
    rounding = 1e-9 * y11  # float error of the yields
    closed = s11_lower_bound(obs, mu)
    assert closed <= y11 + rounding
    assert e11_upper_bound(obs, mu, closed) >= e11 - 1e-9
    assert s11_lower_bound_lp(obs, mu) <= y11 + 1e-7 * y11  # the LP too (HiGHS's relative tolerance)


@pytest.mark.slow  # 12 drawn links × 7 values of o, each with its exact Fock yields (≈ 20 s)
@settings(max_examples=12, deadline=None)
@given(st.floats(0, 25), st.floats(0, 25), st.floats(0, 1e-6), st.floats(0, 0.08))
def test_leaky_vacuum_bound_tends_to_the_empty_one_and_loosens_with_o(loss_a, loss_b, p_d, e_d):
    eta_a, eta_b = float(db_to_ratio(loss_a)), float(db_to_ratio(loss_b))
    s11, e11 = [], []
    for o in (0.0, 1e-9, 1e-5, 1e-4, 6e-4, 2e-3, 8e-3):
        mu = dict(MU, o=o)
        obs, y11, _ = per_side_observables(eta_a, eta_b, p_d, e_d, mu, mu)
        s11.append(s11_lower_bound(obs, mu) / y11)
        e11.append(e11_upper_bound(obs, mu, s11[-1] * y11))
    # o → 0: today's bound; the O(o/x) corrections are ≤ 1e-9/0.054 ≈ 2e-8 at o = 1e-9
    assert s11[1] == pytest.approx(s11[0], rel=1e-6, abs=1e-9) and e11[1] == pytest.approx(e11[0], abs=1e-6)
    # monotone: a brighter "vacuum" never tightens either bound (1e-9: rounding of the yields)
    assert all(b <= a + 1e-9 for a, b in zip(s11, s11[1:]))
    assert all(b >= a - 1e-9 for a, b in zip(e11, e11[1:]))


def test_equal_sides_given_per_side_are_the_symmetric_protocol():
    link = system_a_link()
    per_side_mu, per_side_p = {"alice": MU, "bob": dict(MU)}, {"alice": P, "bob": dict(P)}
    assert asymptotic_rate(link, per_side_mu, per_side_p) == asymptotic_rate(link, MU, P)
    flat = finite_key_rate(link, MU, P, N_SYSTEM_A)
    split = finite_key_rate(link, per_side_mu, per_side_p, N_SYSTEM_A)
    assert split.key_length == flat.key_length and split.n_statements == flat.n_statements
    assert check_sides(per_side_mu, per_side_p).symmetric


def test_asymmetric_counts_enter_one_sided():
    # 10/20 dB arms, Alice's decoys damped by η_B/η_A (balanced at the relay): a certified key from the
    # one-sided counts, joint ≥ separate, and the merged sums are refused (they hide which side was vacuum)
    link = MDILink.from_losses(10.0, 20.0, Detector(ETA_D, P_DARK), v_hom=V_HOM, encoding="time-bin")
    mu = {"alice": dict(MU, x=MU["x"] / 10, y=MU["y"] / 10), "bob": MU}
    counts = expected_counts(link, mu, P, N_SYSTEM_A)
    assert {"xo", "ox", "yo", "oy"} <= set(counts) and "xo+ox" not in counts
    joint = estimate_from_counts(counts, N_SYSTEM_A, mu, P)
    separate = estimate_from_counts(counts, N_SYSTEM_A, mu, P, method="separate")
    assert joint.status == separate.status == "certified" and joint.key_length >= separate.key_length
    assert 0.0 <= joint.certificate_gap <= 1e-6 * max(joint.n11_z, 1.0)  # stopping gap 1e-7 of the term ≤ n₁₁ᶻ
    _, y11, _ = per_side_observables(link.eta_a, link.eta_b, P_DARK, link.e_d_x, mu["alice"], mu["bob"])
    assert separate.s11 <= y11  # the expected counts sit inside the Chernoff polytope
    merged = dict(counts, **{"xo+ox": counts["xo"] + counts["ox"]})
    del merged["xo"], merged["ox"]
    with pytest.raises(ValueError, match="counts"):
        estimate_from_counts(merged, N_SYSTEM_A, mu, P)


def test_x_basis_errors_are_least_when_decoys_arrive_balanced():
    # small-η limit (η μ ≤ 1e-3, p_d = e_d = 0): E_X = 1/2 − ab/(a + b)², a = η_Aμ_A, b = η_Bμ_B; minimal,
    # 1/4, at η_Aμ_A = η_Bμ_B (optimize.py's docstring). Grid step 1 %: the argmin within one step.
    eta_a, eta_b, mu_a = 0.01, 0.001, 0.05
    mu_b = np.linspace(0.2, 0.8, 61)
    e_x = gains(mu_a, mu_b, eta_a, eta_b, 0.0, 0.0, bsm="both").e_x
    a, b = eta_a * mu_a, eta_b * mu_b
    assert np.allclose(e_x, 0.5 - a * b / (a + b) ** 2, rtol=2e-3)
    assert mu_b[np.argmin(e_x)] == pytest.approx(mu_a * eta_a / eta_b, abs=0.011)
    assert e_x.min() == pytest.approx(0.25, rel=2e-3)
    start_mu, _ = balanced_start(MDILink(eta_a, eta_b), MU, P)
    assert eta_a * start_mu["alice"]["x"] == pytest.approx(eta_b * start_mu["bob"]["x"], rel=1e-12)
    assert start_mu["alice"]["z"] == start_mu["bob"]["z"] == MU["z"]


@pytest.mark.slow  # Nelder–Mead searches of the separate-bound rate, 6 and 12 coordinates (≤ 250 iterations each, ≈ 25 s)
def test_asymmetric_optimum_beats_the_symmetric_one_on_unequal_arms():
    # 10/20 dB arms: measured 57.5 bit/s (asymmetric) against 3.4 bit/s (symmetric) at 100 MHz, separate bound
    link = MDILink.from_losses(10.0, 20.0, Detector(ETA_D, P_DARK), v_hom=V_HOM, encoding="time-bin")
    out = optimize_asymmetric(link, N_SYSTEM_A, method="separate", joint_constraints=False, maxiter=250)
    assert isinstance(out, AsymmetricSettings) and out.key_rate_raw >= out.symmetric.key_rate_raw
    assert out.key_rate_per_pulse > 1.5 * out.symmetric.key_rate_per_pulse > 0
    again = finite_key_rate(link, out.intensities, out.probabilities, N_SYSTEM_A, method="separate",
                            joint_constraints=False)
    assert again.key_rate_per_pulse == pytest.approx(out.key_rate_per_pulse, rel=1e-12)
    # the low-loss user (Alice) sends weaker X-basis decoys: toward η_A x_A = η_B x_B
    assert out.intensities["alice"]["x"] < out.intensities["bob"]["x"]


@pytest.mark.parametrize("call, name", [
    (lambda: check_sides({"alice": MU}, P), "intensities"),
    (lambda: check_sides({"alice": MU, "bob": NEG_MU}, P), r"intensities\['bob'\]\['x'\]"),
    (lambda: check_sides(MU, {"alice": P, "bob": BAD_P}), r"probabilities\['bob'\]"),
    (lambda: optimize_asymmetric(system_a_link(), -1.0), "total_pulse_pairs"),
    (lambda: optimize_asymmetric("link", 1e12), "link"),
    (lambda: optimize_asymmetric(system_a_link(), 1e12, maxiter=0), "maxiter"),
    (lambda: balanced_start(system_a_link(), NEG_MU, P), r"intensities\['x'\]"),
])
def test_per_side_bad_inputs_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@pytest.mark.parametrize("bad, name", [({"rate": 1.0}, "rate"), ({"maxiter": 0}, "maxiter"),
                                       ({"xatol": -1.0}, "xatol"), ({"mu0": {"z": 0.5}}, "intensities")])
def test_local_search_rejects_bad_inputs(bad, name):
    from combchip.link.qkd.optimize import local_search
    kwargs = {"rate": lambda mu, p: 1.0, "mu0": SYSTEM_A.intensities, "p0": SYSTEM_A.probabilities,
              "maxiter": 10, "xatol": 1e-2, "fatol": 1e-4, **bad}
    with pytest.raises(ValueError, match=name):
        local_search(**kwargs)


def test_local_search_finds_the_maximum_of_a_concave_rate():
    # a smooth rate peaked at z = 0.4 (other coordinates free): the search must end within xatol of it
    from combchip.link.qkd.optimize import local_search
    mu, p, best, start, result = local_search(lambda mu, p: 1.0 - (mu["z"] - 0.4) ** 2, SYSTEM_A.intensities,
                                              SYSTEM_A.probabilities, 2000, 1e-6, 1e-12)
    assert mu["z"] == pytest.approx(0.4, abs=1e-3) and best == pytest.approx(1.0, abs=1e-6) and best >= start
