"""AOPP for SNS-TF-QKD: pairing statistics against a Monte-Carlo of the protocol, the proven finite-size bounds
for any split of the phase errors, and the gain at long distance (the one-sided decoy bound is tested with the others in test_qkd_sns)."""

import dataclasses

import numpy as np
import pytest

from combchip.link.qkd.aopp import OddParityPairing, odd_parity_pairing
from combchip.link.qkd.sns import N_STATEMENTS, N_STATEMENTS_AOPP, sns_key_rate
from combchip.systems import system_c_channel

SYSTEM_C_CHANNEL = system_c_channel()


def run_pairing(rng, n_s, n_n, e_s, e_n, a_s, a_n, m_s, m_n):
    """The protocol itself on random bits: exactly a_s (a_n) untagged "sent" ("not sent") bits, m_s (m_n) of them
    with a phase error; Bob pairs each of his rarer bits with a random bit of the other kind, Alice keeps odd-parity
    pairs. Returns kept pairs, wrong kept bits, untagged pairs and their phase errors (XOR of the two bits')."""
    def bits(n, e, a, m):
        untagged = np.zeros(n, bool)
        untagged[rng.choice(n, a, replace=False)] = True
        wrong = ~untagged & (rng.random(n) < e * n / (n - a))     # untagged bits are always right
        phase = np.zeros(n, bool)
        phase[rng.choice(np.flatnonzero(untagged), m, replace=False)] = True
        return wrong, untagged, phase

    sent, not_sent = bits(n_s, e_s, a_s, m_s), bits(n_n, e_n, a_n, m_n)
    pairs = min(n_s, n_n)
    a = rng.permutation(n_s)[:pairs]
    b = rng.permutation(n_n)[:pairs]
    wrong_a, wrong_b = sent[0][a], not_sent[0][b]
    kept = wrong_a == wrong_b                                   # Alice's parity is odd iff both or neither wrong
    untagged = sent[1][a] & not_sent[1][b]
    phase = sent[2][a] ^ not_sent[2][b]
    return kept.sum(), (kept & wrong_a).sum(), untagged.sum(), (untagged & phase).sum()


def test_pairing_formulas_match_a_monte_carlo_of_the_protocol():
    rng = np.random.default_rng(5)
    n_s, n_n, e_s, e_n, a_s, a_n, e_bar = 200_000, 260_000, 0.08, 0.2, 60_000, 65_000, 0.1
    m = int(e_bar * (a_s + a_n))
    model = odd_parity_pairing(n_s, e_s * n_s, n_n, e_n * n_n, a_s, a_n, m)
    assert isinstance(model, OddParityPairing)
    assert all(f.metadata["unit"] == "1" and f.metadata["meaning"] for f in dataclasses.fields(model))
    assert model.pairs == n_s
    assert model.e1_ph == pytest.approx(m / a_s, rel=1e-12)
    assert model.e_z == pytest.approx(e_s * e_n / ((1 - e_s) * (1 - e_n) + e_s * e_n), rel=1e-12)
    # every phase error in the smaller untagged kind: the proven bound is reached, the form 2ē(1 − ē) of equal
    # independent rates (0.18) is broken; binomial spreads of 1.5e4 untagged pairs: < 3 % relative (4σ)
    kept, wrong, untagged, phase = run_pairing(rng, n_s, n_n, e_s, e_n, a_s, a_n, m, 0)
    assert kept == pytest.approx(model.n_t, rel=0.01)
    assert wrong / kept == pytest.approx(model.e_z, rel=0.05)
    assert untagged == pytest.approx(model.n1, rel=0.03)
    assert phase / untagged == pytest.approx(model.e1_ph, rel=0.05)
    assert phase / untagged > 2 * e_bar * (1 - e_bar) * 1.1
    # errors spread evenly: the observed rate is 2e(1 − e) with e = ē, below the bound
    _, _, untagged, phase = run_pairing(rng, n_s, n_n, e_s, e_n, a_s, a_n, int(e_bar * a_s), int(e_bar * a_n))
    assert phase / untagged == pytest.approx(2 * e_bar * (1 - e_bar), rel=0.05)


@pytest.mark.parametrize("split", [1.0, 0.5, 0.0])
def test_finite_size_bounds_hold_in_repeated_protocol_runs(split):
    rng = np.random.default_rng(11)
    n_s, n_n, e_s, e_n, a_s, a_n, m, eps = 20_000, 24_000, 0.1, 0.1, 4_000, 5_000, 450, 1e-3
    bound = odd_parity_pairing(n_s, e_s * n_s, n_n, e_n * n_n, a_s, a_n, m, eps=eps)
    runs = [run_pairing(rng, n_s, n_n, e_s, e_n, a_s, a_n, int(split * m), m - int(split * m)) for _ in range(100)]
    # each Hoeffding statement fails with probability ≤ 1e-3: no failure is expected in 100 runs, however the
    # phase errors split between the kinds
    assert all(untagged >= bound.n1 for _, _, untagged, _ in runs)
    assert all(phase / untagged <= bound.e1_ph for _, _, untagged, phase in runs)
    assert bound.n1 < 20_000 * 0.2 * 5_000 / 24_000 and bound.e1_ph > m / a_s


def test_aopp_cuts_the_bit_error_and_counts_its_statements():
    plain = sns_key_rate(370e3, 1e12, channel=SYSTEM_C_CHANNEL)
    paired = sns_key_rate(370e3, 1e12, channel=SYSTEM_C_CHANNEL, aopp=True)
    assert paired.aopp and not plain.aopp
    assert paired.e_z < plain.e_z ** 1.5          # E' ≈ E_s E_n: second order in the raw error
    assert paired.n_t < plain.n_t / 2             # at most one kept bit per pair
    assert paired.e1_ph > plain.e1_ph             # 2e(1 − e) > e
    assert paired.eps_total == pytest.approx((4 + N_STATEMENTS + N_STATEMENTS_AOPP) * 1e-10, rel=1e-12)


@pytest.fixture(scope="module")
def system_c_aopp(system_c_optimum):
    return {aopp: system_c_optimum(370e3, aopp=aopp) for aopp in (False, True)}


@pytest.mark.slow  # two SNS optimizations at 370 km (≈ 14 s)
def test_aopp_raises_the_optimized_system_c_rate_at_370_km(system_c_aopp):
    plain, paired = system_c_aopp[False], system_c_aopp[True]
    print(f"370 km: no AOPP {plain.key_rate_per_pulse:.3e}, AOPP {paired.key_rate_per_pulse:.3e}, "
          f"PLOB {plain.plob:.3e}")
    # AOPP tolerates a larger sending probability (its bit errors are second order), so the optimum gains
    assert paired.key_rate_per_pulse > 1.2 * plain.key_rate_per_pulse
    assert paired.protocol.epsilon > plain.protocol.epsilon


@pytest.mark.parametrize("kwargs, name", [
    ({"sent": -1.0}, "sent"), ({"sent_errors": 11.0}, "sent_errors"), ({"not_sent_errors": -1.0}, "not_sent_errors"),
    ({"untagged_sent": 11.0}, "untagged_sent"), ({"untagged_not_sent": -1.0}, "untagged_not_sent"),
    ({"phase_errors": -1.0}, "phase_errors"), ({"eps": 0.0}, "eps"), ({"eps": 1.0}, "eps"),
])
def test_bad_pairing_inputs_raise_naming_parameter(kwargs, name):
    args = {"sent": 10.0, "sent_errors": 1.0, "not_sent": 10.0, "not_sent_errors": 1.0, "untagged_sent": 2.0,
            "untagged_not_sent": 2.0, "phase_errors": 0.4, "eps": None}
    with pytest.raises(ValueError, match=name):
        odd_parity_pairing(**{**args, **kwargs})
