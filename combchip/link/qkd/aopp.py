"""Actively odd-parity pairing (AOPP) of SNS-TF-QKD Z bits, with finite-size margins.

AOPP (Xu et al. 2020). Bob splits his effective Z bits by his own choice: "sent" (his bit 0; correct
when Alice did not send) and "not sent" (bit 1; correct when Alice sent). He pairs each bit of the rarer
kind with a random bit of the other kind, n_g = min(n_s, n_n) pairs of odd parity on his side, and
announces the pairs; Alice announces her parities and the pairs with odd parity on both sides stay. The
first bit of each kept pair is the raw key:

    n_t' = n_g [(1 − E_s)(1 − E_n) + E_s E_n],      E' = E_s E_n / [(1 − E_s)(1 − E_n) + E_s E_n],

with E_s, E_n the bit-error rates of Bob's "sent" and "not sent" bits. A pair of untagged bits (one
party sent a single photon, the other nothing) always has the right parity, and the kept bit's phase
error is the parity of the two bits' phase errors, so

    n₁' = n_g (n₁⁽ˢ⁾/n_s)(n₁⁽ⁿ⁾/n_n),      e₁'^ph = 2 e₁^ph (1 − e₁^ph),

n₁⁽ˢ⁾ (Bob sent one photon, Alice nothing) and n₁⁽ⁿ⁾ (the reverse) bounded separately by one-sided
decoys (:func:`one_sided_s1_lower`) on the X windows in which only one user sent.

Finite size (this module's construction, not the zigzag bound of Jiang et al. 2020): random pairing is
sampling without replacement, so Hoeffding's bound (1963, §6) gives, each with failure probability ε,
u_s ≥ n_g f_s − √(n_g ln(1/ε)/2) untagged "sent" bits among the paired ones, n₁' ≥ u_s f_n − √(u_s ln(1/ε)/2)
untagged partners, and e₁'^ph ≤ 2ē(1 − ē) + √(ln(1/ε)/(2n₁')) with ē the upper bound of e₁^ph ≤ 1/2.

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


def _hoeffding(count: float, fraction: float, eps: float | None) -> float:
    """Lower bound on the successes among ``count`` draws without replacement with success fraction ``fraction``."""
    mean = count * fraction
    if eps is None:
        return mean
    return max(mean - np.sqrt(count * np.log(1 / eps) / 2), 0.0)


@dataclass(frozen=True)
class OddParityPairing:
    """Bits kept by AOPP and their error rates (:func:`odd_parity_pairing`)."""

    pairs: float = quantity("1", "number of pairs n_g = min(n_s, n_n)")
    n_t: float = quantity("1", "number of kept bits n_t'")
    e_z: float = quantity("1", "bit-error rate E' of the kept bits")
    n1: float = quantity("1", "number of untagged kept bits n₁' (lower bound)")
    e1_ph: float = quantity("1", "phase-error rate e₁'^ph of the untagged kept bits (upper bound)")


def odd_parity_pairing(sent: float, sent_errors: float, not_sent: float, not_sent_errors: float,
                       untagged_sent: float, untagged_not_sent: float, e1_ph: float,
                       eps: float | None = None) -> OddParityPairing:
    """Kept bits, their error rate, and the untagged bits and phase error after AOPP.

    Parameters
    ----------
    sent, not_sent : float
        Bob's effective Z bits n_s ("sent") and n_n ("not sent").
    sent_errors, not_sent_errors : float
        Wrong bits among them (both sent; neither sent).
    untagged_sent, untagged_not_sent : float
        Lower bounds of the untagged bits n₁⁽ˢ⁾ ≤ n_s and n₁⁽ⁿ⁾ ≤ n_n.
    e1_ph : float
        Upper bound of the phase-error rate of the untagged bits, in [0, 1/2].
    eps : float or None
        Failure probability of each of the :data:`N_STATEMENTS` Hoeffding statements; None: expected values.

    Returns
    -------
    OddParityPairing
        n_g, n_t', E', n₁', e₁'^ph (module docstring).
    """
    sent, not_sent = check_nonnegative("sent", sent), check_nonnegative("not_sent", not_sent)
    for name, value, total in (("sent_errors", sent_errors, sent), ("not_sent_errors", not_sent_errors, not_sent),
                               ("untagged_sent", untagged_sent, sent),
                               ("untagged_not_sent", untagged_not_sent, not_sent)):
        check_range(name, value, 0.0, total)
    e1_ph = check_range("e1_ph", e1_ph, 0.0, 0.5)
    if eps is not None:
        check_range("eps", eps, 0.0, 1.0, low_open=True, high_open=True)
    pairs = min(sent, not_sent)
    if pairs <= 0:
        return OddParityPairing(pairs=0.0, n_t=0.0, e_z=0.5, n1=0.0, e1_ph=0.5)
    e_s, e_n = sent_errors / sent, not_sent_errors / not_sent
    kept = (1 - e_s) * (1 - e_n) + e_s * e_n
    paired_untagged = _hoeffding(pairs, untagged_sent / sent, eps)
    n1 = _hoeffding(paired_untagged, untagged_not_sent / not_sent, eps)
    e1 = 2 * e1_ph * (1 - e1_ph)
    if eps is not None:
        e1 = min(e1 + np.sqrt(np.log(1 / eps) / (2 * n1)), 0.5) if n1 > 0 else 0.5
    return OddParityPairing(pairs=float(pairs), n_t=float(pairs * kept),
                            e_z=float(e_s * e_n / kept) if kept > 0 else 0.5, n1=float(n1), e1_ph=float(e1))
