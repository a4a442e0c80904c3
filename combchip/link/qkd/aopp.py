"""Actively odd-parity pairing (AOPP) of SNS-TF-QKD Z bits, with a proven finite-size phase-error bound.

AOPP (Xu et al. 2020). Bob splits his effective Z bits by his own choice: "sent" (his bit 0; correct
when Alice did not send) and "not sent" (bit 1; correct when Alice sent). He pairs each bit of the rarer
kind R with a distinct, uniformly random bit of the other kind O, n_g = n_R pairs of odd parity on his
side, and announces the pairs; Alice announces her parities and the pairs with odd parity on both sides
stay. The first bit of each kept pair is the raw key:

    n_t' = n_g [(1 − E_s)(1 − E_n) + E_s E_n],      E' = E_s E_n / [(1 − E_s)(1 − E_n) + E_s E_n],

with E_s, E_n the bit-error rates of Bob's "sent" and "not sent" bits. A pair of two untagged bits (one
party sent a single photon, the other nothing) always has the right parity and is kept; its phase error
is the parity (XOR) of the two bits' phase errors.

Phase-error bound (proved here; it needs neither equal phase-error rates of the two kinds nor
independent errors within a pair, which the earlier form 2e(1 − e) assumed). Let U_R, U_O be the
untagged bits of each kind, a_R = |U_R|, a_O = |U_O|, m_R, m_O their phase errors, m_R + m_O ≤ M (the
caller's upper bound on the phase errors of all untagged Z bits), and the pairing π: R → O a uniformly
random injection drawn independently of the (virtual) phase errors. The untagged pairs are
S = {r ∈ U_R : π(r) ∈ U_O}, n₁' = |S|, a hypergeometric count (a_R draws from n_O with a_O successes).
Given n₁' = k, permuting the labels of U_R or of U_O leaves the law of π unchanged, so S is a uniform
k-subset of U_R and π(S) a uniform k-subset of U_O. A pair with odd phase parity holds at least one
phase error, so its count K ≤ X_R + X_O with X_R (X_O) the phase errors in S (in π(S)), each
hypergeometric given k. Hoeffding's bound for sampling without replacement (1963, §6), each with
failure probability ε (L = ln 1/ε):

    n₁' ≥ a_R a_O / n_O − √(a_R L / 2),
    K/n₁' ≤ m_R/a_R + m_O/a_O + 2√(L / (2n₁')) ≤ M / min(a_R, a_O) + √(2L / n₁'),

and the lower bounds a_R ≥ a_Rᴸ, a_O ≥ a_Oᴸ may replace a_R, a_O (a subset gives fewer successes). The
bound is tight: if every phase error sits in the smaller kind, e₁'^ph = M/min(a_R, a_O) in expectation.
For a_R = a_O = n₁/2 and M = n₁ē it is 2ē against the unproven 2ē(1 − ē): the cost is 2ē² in the rate.
The untagged counts a_R, a_O come from one-sided decoys (:func:`one_sided_s1_lower`) on the X windows in
which only one user sent.

References
----------
H. Xu, Z.-W. Yu, C. Jiang, X.-L. Hu, X.-B. Wang, Phys. Rev. A 101, 042330 (2020).
C. Jiang, X.-L. Hu, H. Xu, Z.-W. Yu, X.-B. Wang, New J. Phys. 22, 053048 (2020) (finite-key AOPP).
W. Hoeffding, J. Am. Stat. Assoc. 58, 13 (1963).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ...validation import check_nonnegative, check_range
from ..records import quantity

__all__ = ["N_STATEMENTS", "OddParityPairing", "odd_parity_pairing", "one_sided_s1_lower"]

N_STATEMENTS = 3
"""Hoeffding statements of :func:`odd_parity_pairing` with ``eps`` (the decoy statements are the caller's)."""


def one_sided_s1_lower(s_10: ArrayLike, s_20: ArrayLike, s_00: ArrayLike, mu_1: float,
                       mu_2: float) -> float | np.ndarray:
    """⟨s₁₀⟩ᴸ = [μ₂²e^{μ₁}S₁₀ − μ₁²e^{μ₂}S₂₀ − (μ₂² − μ₁²)S₀₀] / [μ₁μ₂(μ₂ − μ₁)].

    One-photon yield of windows in which one user sends μ₁ or μ₂ and the other nothing (three-intensity
    decoy: Ma, Qi, Zhao & Lo, PRA 72, 012326 (2005), applied to one source).
    """
    return (mu_2**2 * np.exp(mu_1) * s_10 - mu_1**2 * np.exp(mu_2) * s_20
            - (mu_2**2 - mu_1**2) * s_00) / (mu_1 * mu_2 * (mu_2 - mu_1))


@dataclass(frozen=True)
class OddParityPairing:
    """Bits kept by AOPP and their error rates (:func:`odd_parity_pairing`)."""

    pairs: float = quantity("1", "number of pairs n_g = min(n_s, n_n)")
    n_t: float = quantity("1", "number of kept bits n_t'")
    e_z: float = quantity("1", "bit-error rate E' of the kept bits")
    n1: float = quantity("1", "number of untagged kept bits n₁' (lower bound)")
    e1_ph: float = quantity("1", "phase-error rate e₁'^ph of the untagged kept bits (upper bound)")


def odd_parity_pairing(sent: float, sent_errors: float, not_sent: float, not_sent_errors: float,
                       untagged_sent: float, untagged_not_sent: float, phase_errors: float,
                       eps: float | None = None) -> OddParityPairing:
    """Kept bits, their error rate, and the untagged bits and their phase-error bound after AOPP.

    Parameters
    ----------
    sent, not_sent : float
        Bob's effective Z bits n_s ("sent") and n_n ("not sent").
    sent_errors, not_sent_errors : float
        Wrong bits among them (both sent; neither sent).
    untagged_sent, untagged_not_sent : float
        Lower bounds of the untagged bits n₁⁽ˢ⁾ ≤ n_s and n₁⁽ⁿ⁾ ≤ n_n.
    phase_errors : float
        Upper bound M ≥ 0 of the phase errors among all untagged Z bits, however they split between the kinds.
    eps : float or None
        Failure probability of each of the :data:`N_STATEMENTS` Hoeffding statements; None: expected values.

    Returns
    -------
    OddParityPairing
        n_g, n_t', E', n₁' ≥ a_R a_O/n_O − √(a_R L/2) and e₁'^ph ≤ M/min(a_R, a_O) + √(2L/n₁') (module docstring).
    """
    sent, not_sent = check_nonnegative("sent", sent), check_nonnegative("not_sent", not_sent)
    for name, value, total in (("sent_errors", sent_errors, sent), ("not_sent_errors", not_sent_errors, not_sent),
                               ("untagged_sent", untagged_sent, sent),
                               ("untagged_not_sent", untagged_not_sent, not_sent)):
        check_range(name, value, 0.0, total)
    phase_errors = check_nonnegative("phase_errors", phase_errors)
    if eps is not None:
        check_range("eps", eps, 0.0, 1.0, low_open=True, high_open=True)
    pairs = min(sent, not_sent)
    if pairs <= 0:
        return OddParityPairing(pairs=0.0, n_t=0.0, e_z=0.5, n1=0.0, e1_ph=0.5)
    e_s, e_n = sent_errors / sent, not_sent_errors / not_sent
    kept = (1 - e_s) * (1 - e_n) + e_s * e_n
    (a_r, _), (a_o, n_o) = sorted(((untagged_sent, sent), (untagged_not_sent, not_sent)), key=lambda k: k[1])
    log_inv = 0.0 if eps is None else np.log(1 / eps)
    n1 = max(a_r * a_o / n_o - np.sqrt(a_r * log_inv / 2), 0.0)
    smaller = min(a_r, a_o)
    e1 = min(phase_errors / smaller + np.sqrt(2 * log_inv / n1), 0.5) if n1 > 0 and smaller > 0 else 0.5
    return OddParityPairing(pairs=float(pairs), n_t=float(pairs * kept),
                            e_z=float(e_s * e_n / kept) if kept > 0 else 0.5, n1=float(n1), e1_ph=float(e1))
