"""The certified finite-key estimator of MDI-QKD: joint worst case by cutting planes, named outcomes, input limits."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog, minimize_scalar

from combchip.link.qkd import (
    Detector,
    MDILink,
    binary_entropy,
    chernoff_expected,
    chernoff_observed,
    decoy_coefficients,
    estimate_from_counts,
    expected_counts,
    finite_key_rate,
    key_length,
    sample_counts,
)
from combchip.link.qkd.mdi import X_OBSERVABLES, pulse_pairs
from combchip.systems.published import SYSTEM_A

MU, P, N = SYSTEM_A.intensities, SYSTEM_A.probabilities, SYSTEM_A.pulse_pairs
EPS = SYSTEM_A.eps
KEYS = [*X_OBSERVABLES, "xx_err"]
# what ℓ subtracts besides λ_EC: log₂(2/ε_cor) + 2 log₂(1/(√2 ε_PA ε̂)) with every ε = SYSTEM_A.eps
TAIL = np.log2(2 / EPS) + 2 * np.log2(1 / (np.sqrt(2) * EPS**2))


def system_a_counts(error_fraction=None):
    """Expected counts of system A's link (15 + 15 dB, η_d = 0.75, p_d = 1e-7, V_HOM = 0.467, time bin),
    with the X-basis error count set to ``error_fraction`` of the X-basis count if given."""
    link = MDILink.from_losses(15, 15, Detector(0.75, 1e-7), v_hom=0.467, encoding="time-bin")
    counts = expected_counts(link, MU, P, N)
    if error_fraction is not None:
        counts["xx_err"] = error_fraction * counts["xx"]
    return counts


def single_photon_term(est):
    """The certified lower bound on n₁₁ᶻ[1 − h(e₁₁^ph)] that ℓ was built from [bit]."""
    return est.key_length + est.leak_ec + TAIL


def check_certified(joint, separate):
    assert joint.status == separate.status == "certified"
    assert 0.0 <= joint.e11_ph <= 0.5 and 0.0 <= separate.e11_ph <= 0.5
    assert joint.key_length >= separate.key_length  # same polytope; the separate bound is a lower bound of the joint
    lower = single_photon_term(joint)
    assert 0.0 <= joint.certificate_gap <= 1e-6 * max(lower + joint.certificate_gap, 1.0)
    # n₁₁ᶻ and e₁₁^ph are reported so that they reproduce ℓ (1e-9: the root finder's tolerance on e₁₁^ph)
    again = key_length(joint.n11_z, joint.e11_ph, joint.n_zz, joint.e_zz)
    assert again == pytest.approx(joint.key_length, rel=1e-9, abs=1e-3)


@pytest.mark.parametrize("fraction", np.linspace(0.225, 0.30, 7))
def test_system_a_shaped_counts_are_certified(fraction):
    # The failing family: before, SLSQP stopped outside P at the low end (e₁₁^ph < 0 and ℓ < 0
    # for fractions 0.225–0.232 while the separate bound gave ~10⁷ bit); now every one is certified.
    counts = system_a_counts(fraction)
    joint = estimate_from_counts(counts, N, MU, P, method="joint")
    separate = estimate_from_counts(counts, N, MU, P, method="separate")
    check_certified(joint, separate)
    assert joint.key_length > 0 and joint.warning is None


# --- brute force over the polytope of single-count bounds (joint_constraints=False), rebuilt independently ----


def independent_problem(counts):
    """Box bounds of every count, ⟨T_xx⟩ ≤ ⟨n_xx⟩ and t ≥ 0, and G(ν) = F(xᴸ(A s), xᵁ(A t)), from public pieces."""
    pairs = pulse_pairs(N, P)
    cs, ce = decoy_coefficients(MU)
    ws = np.array([cs.get(k, 0.0) / pairs[k] for k in KEYS])
    we = np.array([ce.get(k, 0.0) / pairs[k] for k in KEYS])
    lo, up = (np.array(v) for v in zip(*(chernoff_expected(counts[k], EPS) for k in KEYS)))
    a_ub = np.vstack([np.eye(6)[5] - np.eye(6)[0], -we / np.abs(we).max()])
    big_a = pairs["zz"] * (MU["z"] * np.exp(-MU["z"])) ** 2

    def g(nu):
        n = chernoff_observed(big_a * max(ws @ nu, 0.0), EPS)[0]
        m = chernoff_observed(big_a * max(we @ nu, 0.0), EPS)[1]
        return n * (1 - binary_entropy(min(m / n, 0.5))) if n > 0 else 0.0

    return ws, we, lo, up, a_ub, g


def pareto_minimum(counts):
    """min G over the polytope by brute force along its image in (s, t): G rises with s and falls with t, so the
    minimum lies on the edges of the image polygon exposed by directions (cos θ, −sin θ), θ ∈ [0, π/2]."""
    ws, we, lo, up, a_ub, g = independent_problem(counts)
    vertices = []
    for theta in np.linspace(0, np.pi / 2, 61):
        w = np.cos(theta) * ws / np.abs(ws).max() - np.sin(theta) * we / np.abs(we).max()
        res = linprog(w * (up - lo), A_ub=a_ub * (up - lo), b_ub=-a_ub @ lo, bounds=(0, 1), method="highs")
        assert res.status == 0
        vertices.append(lo + (up - lo) * res.x)
    best = min(g(v) for v in vertices)
    for a, b in zip(vertices, vertices[1:]):
        if not np.allclose(a, b, rtol=1e-12):  # G is convex along the edge: a bounded scalar search finds its minimum
            res = minimize_scalar(lambda u: g(a + u * (b - a)), bounds=(0, 1), method="bounded",
                                  options={"xatol": 1e-10})
            best = min(best, res.fun)
    return best


def sampled_values(counts, samples, rng):
    """G at the corners of the box and at random points, kept where they satisfy ⟨T_xx⟩ ≤ ⟨n_xx⟩ and t ≥ 0."""
    ws, we, lo, up, a_ub, g = independent_problem(counts)
    corners = np.array(np.meshgrid(*zip(lo, up))).reshape(6, -1).T
    points = np.vstack([corners, lo + (up - lo) * rng.random((samples, 6))])
    points = points[np.all(points @ a_ub.T <= 0, axis=1)]
    return np.array([g(p) for p in points])


@pytest.mark.parametrize("fraction", [None, 0.225, 0.29])
def test_joint_minimum_agrees_with_brute_force(fraction):
    counts = system_a_counts(fraction)
    est = estimate_from_counts(counts, N, MU, P, method="joint", joint_constraints=False)
    lower = single_photon_term(est)
    brute = pareto_minimum(counts)
    # a relative 1e-6: the certificate's 1e-7 stopping gap plus the scalar searches' and the LPs' tolerances
    assert lower == pytest.approx(brute, rel=1e-6)
    sampled = sampled_values(counts, 1000, np.random.default_rng(0))
    assert sampled.size > 50 and sampled.min() >= lower * (1 - 1e-9)  # no allowed point goes below the bound


# --- property tests over random realistic count sets -------------------------------------------------------


@pytest.mark.slow  # 12 examples × (joint + separate) estimates ≈ 5 s
@settings(max_examples=12, deadline=None)
@given(loss_a=st.floats(8.0, 22.0), loss_b=st.floats(8.0, 22.0), eta_d=st.floats(0.5, 0.9),
       p_dark=st.floats(1e-8, 1e-6), v_hom=st.floats(0.35, 0.5), pulses=st.floats(3e11, 1e14),
       error_scale=st.floats(0.85, 1.15), seed=st.integers(0, 2**31 - 1))
def test_certified_on_random_realistic_counts(loss_a, loss_b, eta_d, p_dark, v_hom, pulses, error_scale, seed):
    link = MDILink.from_losses(loss_a, loss_b, Detector(eta_d, p_dark), v_hom=v_hom, encoding="time-bin")
    counts = sample_counts(link, MU, P, pulses, seed=seed)
    counts["xx_err"] = min(round(error_scale * counts["xx_err"]), counts["xx"])
    joint = estimate_from_counts(counts, pulses, MU, P, method="joint")
    separate = estimate_from_counts(counts, pulses, MU, P, method="separate")
    if joint.status == "infeasible":  # a named outcome: then for both methods, no key and NaN estimates
        assert separate.status == "infeasible" and joint.key_rate_per_pulse == 0.0 and np.isnan(joint.e11_ph)
        return
    check_certified(joint, separate)


# --- named outcomes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["joint", "separate"])
def test_inconsistent_counts_are_a_named_outcome(method):
    # No X-basis errors at all, yet ~5000 one-sided vacuum detections: t(ν) ≥ 0 needs ⟨T_xx⟩ ≳ 10⁴, while
    # the Chernoff bound of 0 observed errors allows ⟨T_xx⟩ ≤ ln(1/ε) ≈ 23. No expected counts fit.
    counts = system_a_counts(0.0)
    out = estimate_from_counts(counts, N, MU, P, method=method, repetition_rate=1e8)
    assert out.status == "infeasible"
    assert np.isnan(out.key_length) and np.isnan(out.e11_ph) and np.isnan(out.n11_z)
    assert out.key_rate_per_pulse == 0.0 and out.key_rate == 0.0 and not out.clipped
    assert "estimation failed" in out.warning and "no secure key" not in out.warning


def test_no_key_warning_only_when_the_certified_bound_is_negative():
    lossy = MDILink.from_losses(35.0, 35.0, Detector(0.75, 1e-7), v_hom=0.467, encoding="time-bin")
    out = finite_key_rate(lossy, MU, P, N)
    assert out.status == "certified" and out.clipped and "no secure key" in out.warning
    assert single_photon_term(out) - out.leak_ec - TAIL < 0


def test_huge_block_stays_certified():
    # 10¹⁸ pulse pairs (the allowed maximum): counts ~10¹³, Chernoff widths ~10⁻⁶ of them; the LPs work in
    # units of those widths, so the certificate still closes and joint → separate as N → ∞ (within 0.1 %).
    link = MDILink.from_losses(15, 15, Detector(0.75, 1e-7), v_hom=0.467, encoding="time-bin")
    joint = finite_key_rate(link, MU, P, 1e18)
    separate = finite_key_rate(link, MU, P, 1e18, method="separate")
    check_certified(joint, separate)
    assert joint.key_length == pytest.approx(separate.key_length, rel=1e-3)


# --- bad inputs -------------------------------------------------------------------------------------------


def too_many(key):
    counts = system_a_counts()
    sent = pulse_pairs(N, P)[key] * (2 if "+" in key else 1)
    counts[key] = sent * 1.001
    if key == "xx":
        counts["xx_err"] = counts["xx"] * 0.2
    return counts


@pytest.mark.parametrize(
    "call, name",
    [
        *[(lambda k=k: estimate_from_counts(too_many(k), N, MU, P), re.escape(f"counts['{k}']"))
          for k in ("zz", "xx", "yy", "xo+ox", "yo+oy", "oo")],
        (lambda: estimate_from_counts(dict(system_a_counts(), xx=1e300), N, MU, P), r"counts\['xx'\]"),
        (lambda: estimate_from_counts(system_a_counts(), 1e30, MU, P), "total_pulse_pairs"),
        (lambda: finite_key_rate(MDILink(0.03, 0.03), MU, P, 1e30), "total_pulse_pairs"),
        (lambda: estimate_from_counts(system_a_counts(), N, MU, P, eps=1e-31), "eps"),
        (lambda: estimate_from_counts(system_a_counts(), N, MU, P, eps_pa=1e-40), "eps_pa"),
        (lambda: chernoff_expected(10.0, 1e-31), "eps"),
        (lambda: key_length(1e6, 0.6, 1e7, 0.01), "e11_ph"),
        (lambda: key_length(1e6, -0.01, 1e7, 0.01), "e11_ph"),
        (lambda: key_length(1e6, 0.1, 1e7, 1.2), "e_zz"),
        (lambda: key_length(-1.0, 0.1, 1e7, 0.01), "n11"),
        (lambda: key_length(1e6, 0.1, 1e7, 0.01, eps_hat=1e-31), "eps_hat"),
    ],
)
def test_bad_inputs_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_vectorized_chernoff_roots_match_elementwise_and_solve_the_divergence():
    """One array call gives each element's own roots (the batched Newton freezes converged elements), and each
    root solves D(x‖μ) = ln(1/ε), written without cancellation, to 1e-12 relative — also the lower root xᴸ as
    μ ↓ ln(1/ε), where (τ − 1)e^τ + 1 − c loses ~1e-6 to cancellation unless 1 − c = (μ − L)/μ is formed
    first."""
    big_l = np.log(1 / EPS)
    mu = np.array([big_l * (1 + 1e-9), big_l * 1.01, 3.0, 2e4, 3e5, 1e9, 1e15])
    lows, highs = chernoff_observed(mu, EPS)
    for m, lo, up in zip(mu, lows, highs):
        assert chernoff_observed(float(m), EPS) == (lo, up)
    assert np.all((lows > 0) == (mu > big_l))  # xᴸ = 0 exactly when μ ≤ ln(1/ε)
    for m, x in [*zip(mu[lows > 0], lows[lows > 0]), *zip(mu, highs)]:
        u = x / m  # D/μ = u ln u − u + 1 = L/μ  ⇔  u(ln u − 1) = (L − μ)/μ
        assert u * (np.log(u) - 1) == pytest.approx((big_l - m) / m, rel=1e-12)
    counts = np.array([0.3, 7.0, 2e4, 1e12])
    lows, highs = chernoff_expected(counts, EPS)
    for x, lo, up in zip(counts, lows, highs):
        assert chernoff_expected(float(x), EPS) == (lo, up)
        for m in (lo, up):  # D(x‖μ)/x = ln(x/μ) − 1 + μ/x = L/x
            assert np.log(x / m) - 1 + m / x == pytest.approx(big_l / x, rel=1e-12)
