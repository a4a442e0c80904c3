"""Sending-or-not-sending twin-field QKD (SNS-TF-QKD) with finite pulses.

Protocol (Wang, Yu & Hu 2018; finite-key analysis of Jiang et al. 2019). In each time window Alice and
Bob independently choose a Z window (probability p_Z) or an X window (1 − p_Z).

- Z windows: each user sends a phase-randomized coherent state of intensity μ_z with probability ε
  ("sending") and vacuum otherwise. Alice's bit is 1 when she sends, Bob's is 0 when he sends, so a
  window in which exactly one user sends gives a correct bit and one in which both or neither send gives
  a wrong bit. Effective events: exactly one of the two detectors behind the 50:50 beam splitter clicks.
- X windows: phase-randomized coherent states of intensity μ_k ∈ {0, μ_1, μ_2} with probabilities
  p_0, p_1, p_2. Windows in which both users chose the same intensity form the two-mode sources
  ρ_00, ρ_11, ρ_22. For ρ_11 the random phases are announced and the window is kept for error
  estimation only if the phase difference δ = θ_A − θ_B − ψ_AB lies in one of the two slices
  |δ| ≤ Δ/2 or |δ − π| ≤ Δ/2 (acceptance Δ/π); a click in the "wrong" detector is an error.

Estimation (Jiang et al. 2019, Eqs. for ⟨s₁⟩ᴸ, ē₁^ph and N_f). ⟨s₁⟩ᴸ comes by default from the X
windows in which exactly one user sends μ_k (both sides pooled, yields S_k = (S₀ₖ + Sₖ₀)/2), or on
request from the two-mode source ρ_kk of total mean photon number 2μ_k, whose total photon number is
Poissonian and whose one-photon component (|01⟩⟨01| + |10⟩⟨10|)/2 is the same state as the untagged
Z-window one-photon state:

    ⟨s₁⟩ᴸ = [μ₂² e^{μ₁} ⟨S₁⟩ᴸ − μ₁² e^{μ₂} ⟨S₂⟩ᵁ − (μ₂² − μ₁²) ⟨S₀₀⟩ᵁ] / [μ₁μ₂(μ₂ − μ₁)]          (one-sided)
    ⟨s₁⟩ᴸ = [μ₂² e^{2μ₁} ⟨S₁₁⟩ᴸ − μ₁² e^{2μ₂} ⟨S₂₂⟩ᵁ − (μ₂² − μ₁²) ⟨S₀₀⟩ᵁ] / [2μ₁μ₂(μ₂ − μ₁)]     (two-mode)
    ⟨s₁e₁⟩ᵁ = [⟨T_Δ⟩ᵁ − e^{−2μ₁} ⟨S₀₀⟩ᴸ/2] / (2μ₁ e^{−2μ₁}),          e₁ᵁ = ⟨s₁e₁⟩ᵁ / ⟨s₁⟩ᴸ
    ⟨n₁⟩ = 2N p_Z² ε(1 − ε) μ_z e^{−μ_z} ⟨s₁⟩ᴸ,   n₁ = xᴸ(⟨n₁⟩),   e₁^ph = xᵁ(⟨n₁⟩e₁ᵁ) / n₁
    N_f = n₁[1 − h(e₁^ph)] − f n_t h(E_Z) − log₂(2/ε_cor) − 2 log₂(1/(√2 ε_PA ε̂))

T_Δ is the error yield of the post-selected ρ_11 windows. The phase error rate of the untagged Z bits
equals the bit error rate e₁ of the one-photon X states in expectation (Wang et al. 2018). Expected
values come from observed counts with the multiplicative Chernoff bounds of
:mod:`combchip.link.qkd.finite_key` (``chernoff_expected`` observed→expected, ``chernoff_observed``
expected→observed), each failing with probability ≤ ε; seven statements are used, so the security
parameter is ε_cor + ε_PA + 2ε̂ + 7ε. Following the usual simulation convention the observed counts are
set to their expected values.

Simplifications (documented, all conservative or neutral): only the X-window sources ρ_00, ρ_0k/ρ_k0 (or
ρ_kk) and ρ_11 enter (not ρ_12, … or the Z-window vacuum pairs); the three-intensity decoy bound above
instead of the linear program of later work; AOPP optional (:mod:`combchip.link.qkd.aopp`); bounds are taken separately (worst s₁ and worst
s₁e₁ at once); intensities are the same for both users (asymmetric fibre is allowed — the one-photon
state of Z and X windows then stays the same mixture, which the security proof needs).

Channel. η_A, η_B are fibre transmittances of the two arms (:func:`combchip.link.qkd.bounds.transmittance`)
times the detector efficiency η_d; p_d is the dark-count probability per detector per window. Both
detectors are threshold detectors. With a = η_Aμ_A/2, b = η_Bμ_B/2 the mean photon numbers reaching
each detector from either side, the phase-averaged single-click probability is (Bessel I₀)

    S = 2[(1 − p_d) e^{−(a+b)} I₀(2√(ab)) − (1 − p_d)² e^{−2(a+b)}],

and at a fixed phase difference δ the correct and wrong detectors see a + b ± 2v√(ab) cos δ, with
interference visibility v = 1 − 2e₀ (e₀: phase-independent misalignment, e.g. polarization or
intensity mismatch). The residual phase φ left by imperfect tracking adds to δ; see
:func:`phase_drift_misalignment` and :mod:`combchip.link.qkd.sns_tracking`. T_Δ is averaged over δ
uniform in the slice and over φ in closed form: e^{−x cos δ} = I₀(x) + 2Σₙ(−1)ⁿIₙ(x) cos nδ, and for
independent symmetric parts ⟨cos nδ⟩ = sinc(nΔ/2)·Πⱼ sinc(nωⱼTⱼ/2)·exp(−n²σ²/2) (uniform drift
residuals of full width ωⱼTⱼ, a Gaussian residual of variance σ²).

References
----------
C. Jiang, Z.-W. Yu, X.-L. Hu, X.-B. Wang, "Unconditional security of sending or not sending twin-field
quantum key distribution with finite pulses", Phys. Rev. Applied 12, 024061 (2019).
X.-B. Wang, Z.-W. Yu, X.-L. Hu, Phys. Rev. A 98, 062323 (2018).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize
from scipy.special import expit, i0e, ive, logit

from ...validation import check_choice, check_int, check_nonnegative, check_positive, check_range
from ..records import quantity
from .aopp import N_STATEMENTS as N_AOPP_HOEFFDING
from .aopp import OddParityPairing, odd_parity_pairing, one_sided_s1_lower
from .bounds import plob, transmittance
from .finite_key import _check_eps, chernoff_expected, chernoff_observed, key_length
from .mdi import binary_entropy
from .sns_tracking import PhaseTracking

N_STATEMENTS = 7
SNSDecoy = Literal["one-sided", "two-mode"]
"""Source of ⟨s₁⟩ᴸ: X windows in which one user sends, or the two-mode sources ρ_kk (module docstring)."""
PhaseDistribution = Literal["uniform", "gaussian"]
"""Distribution of the residual phase in :func:`phase_drift_misalignment`."""
N_STATEMENTS_AOPP = 4 + 2 + N_AOPP_HOEFFDING
"""Extra statements with AOPP: one-sided decoy counts (4: S₀₁ᴸ, S₀₂ᵁ, S₁₀ᴸ, S₂₀ᵁ; S₀₀ is shared), the two
untagged counts, and the pairing bounds."""


@dataclass(frozen=True)
class SNSProtocol:
    """Source settings of SNS-TF-QKD (the same for Alice and Bob).

    Parameters
    ----------
    mu_z : float
        Z-window "sending" intensity μ_z > 0 (mean photon number).
    epsilon : float
        Sending probability ε in (0, 1).
    mu_1, mu_2 : float
        X-window decoy intensities, 0 < μ₁ < μ₂.
    p_z : float
        Probability p_Z of a Z window, in (0, 1).
    p_0, p_1, p_2 : float
        Probabilities of the intensities 0, μ₁, μ₂ in an X window; each in (0, 1), summing to 1 (±1e-9).
    phase_slice : float
        Full width Δ [rad] of each accepted phase-difference slice, in (0, π]; acceptance Δ/π.
    """

    mu_z: float = 0.45
    epsilon: float = 0.05
    mu_1: float = 0.03
    mu_2: float = 0.2
    p_z: float = 0.9
    p_0: float = 0.15
    p_1: float = 0.7
    p_2: float = 0.15
    phase_slice: float = np.pi / 8

    def __post_init__(self):
        check_positive("mu_z", self.mu_z)
        check_range("epsilon", self.epsilon, 0.0, 1.0, low_open=True, high_open=True)
        check_positive("mu_1", self.mu_1)
        check_positive("mu_2", self.mu_2)
        if not self.mu_2 > self.mu_1:
            raise ValueError(f"mu_2 = {self.mu_2!r} must exceed mu_1 = {self.mu_1!r}")
        check_range("p_z", self.p_z, 0.0, 1.0, low_open=True, high_open=True)
        for name in ("p_0", "p_1", "p_2"):
            check_range(name, getattr(self, name), 0.0, 1.0, low_open=True, high_open=True)
        total = self.p_0 + self.p_1 + self.p_2
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"probabilities p_0 + p_1 + p_2 = {total!r} must sum to 1 (±1e-9)")
        check_range("phase_slice", self.phase_slice, 0.0, np.pi, "rad", low_open=True)


@dataclass(frozen=True)
class SNSChannel:
    """Fibre, detectors and phase noise of an SNS-TF-QKD link.

    Parameters
    ----------
    loss_db_per_km : float
        Fibre attenuation [dB/km] (0.2: standard SMF; ≈ 0.16 for ultra-low-loss fibre).
    fraction_a : float
        Fraction of the total distance on Alice's side, in [0, 1] (0.5: symmetric).
    extra_loss_db : float
        Lumped loss per arm [dB] (filters, couplers).
    efficiency : float
        Detector efficiency η_d in (0, 1].
    dark_count_probability : float
        Dark-count probability p_d per detector per window, in [0, 1).
    misalignment : float
        Phase-independent X-window misalignment e₀ in [0, 1/2): visibility v = 1 − 2e₀.
    tracking : PhaseTracking or None
        The one source of residual phase: fibre drifts and their re-estimation periods, laser and comb-line
        phase noise, phase-estimation noise (distance dependent) and the interference visibility, built from
        the link's parts (:class:`combchip.link.qkd.sns_tracking.PhaseTracking`), on top of ``misalignment``.
        None: a perfectly tracked phase.
    """

    loss_db_per_km: float = 0.2
    fraction_a: float = 0.5
    extra_loss_db: float = 0.0
    efficiency: float = 0.7
    dark_count_probability: float = 1e-8
    misalignment: float = 0.0
    tracking: PhaseTracking | None = None

    def __post_init__(self):
        check_nonnegative("loss_db_per_km", self.loss_db_per_km, "dB/km")
        check_range("fraction_a", self.fraction_a, 0.0, 1.0)
        check_nonnegative("extra_loss_db", self.extra_loss_db, "dB")
        check_range("efficiency", self.efficiency, 0.0, 1.0, low_open=True)
        check_range("dark_count_probability", self.dark_count_probability, 0.0, 1.0, high_open=True)
        check_range("misalignment", self.misalignment, 0.0, 0.5, high_open=True)
        if self.tracking is not None and not isinstance(self.tracking, PhaseTracking):
            raise ValueError(f"tracking must be a PhaseTracking or None, got {self.tracking!r}")

    def arm_transmittances(self, distance_m: float) -> tuple[float, float]:
        """(η_A, η_B): fibre and extra loss of each arm times the detector efficiency."""
        distance_m = check_nonnegative("distance_m", distance_m, "m")
        eta = [transmittance(d, self.loss_db_per_km, self.extra_loss_db) * self.efficiency
               for d in (self.fraction_a * distance_m, (1 - self.fraction_a) * distance_m)]
        return float(eta[0]), float(eta[1])

    def x_phase_terms(self, eta_a: float, eta_b: float) -> tuple[float, tuple[tuple[float, float], ...], float]:
        """(misalignment e₀ = (1 − v)/2, (ω, T) drift pairs, Gaussian variance σ² [rad²]) of the X windows at
        arm transmittances η_A, η_B: ``misalignment`` combined with ``tracking``'s visibility (visibilities
        multiply), and ``tracking``'s drift pairs and summed Gaussian variances (none without tracking)."""
        if self.tracking is None:
            return self.misalignment, (), 0.0
        v = (1 - 2 * self.misalignment) * self.tracking.visibility
        variance = sum(self.tracking.gaussian_variances(eta_a, eta_b).values())
        return (1 - v) / 2, self.tracking.drift_pairs(), variance


def phase_drift_misalignment(drift_rate: float, interval: float,
                             distribution: PhaseDistribution = "uniform") -> float:
    """Misalignment e_d = (1 − ⟨cos φ⟩)/2 from a phase drifting at ω [rad/s], re-referenced every T [s].

    A linear drift φ(t) = ωt measured against the reference taken over the same interval leaves a
    residual uniform over [−ωT/2, ωT/2], hence ⟨cos φ⟩ = sin(ωT/2)/(ωT/2) and
    e_d = [1 − sinc(ωT/2)]/2 ≈ (ωT)²/48. ``distribution="gaussian"`` takes a Gaussian residual of the
    same variance σ² = (ωT)²/12: ⟨cos φ⟩ = exp(−σ²/2). A single photon split over the two arms with
    relative phase error φ exits the wrong port with probability sin²(φ/2) = (1 − cos φ)/2.

    References
    ----------
    C. Jiang et al., Phys. Rev. Applied 12, 024061 (2019) (phase slicing); the average is elementary.
    """
    omega = check_nonnegative("drift_rate", drift_rate, "rad/s")
    t = check_nonnegative("interval", interval, "s")
    if check_choice("distribution", distribution, PhaseDistribution) == "uniform":
        mean_cos = np.sinc(omega * t / (2 * np.pi))
    else:
        mean_cos = np.exp(-(omega * t) ** 2 / 24)
    return float((1 - mean_cos) / 2)


def slice_misalignment(phase_slice: float) -> float:
    """Single-photon error (1 − sinc(Δ/2))/2 of a phase difference uniform over a slice of full width Δ."""
    delta = check_range("phase_slice", phase_slice, 0.0, np.pi, "rad", low_open=True)
    return float((1 - np.sinc(delta / (2 * np.pi))) / 2)


def single_click_yield(mu_a: ArrayLike, mu_b: ArrayLike, eta_a: ArrayLike, eta_b: ArrayLike,
                       p_d: float) -> float | np.ndarray:
    """Phase-averaged probability that exactly one detector clicks, 2[(1−p_d)e^{−(a+b)}I₀(2√(ab)) − (1−p_d)²e^{−2(a+b)}].

    a = η_Aμ_A/2, b = η_Bμ_B/2. Arrays broadcast.
    """
    a, b = np.asarray(eta_a) * mu_a / 2, np.asarray(eta_b) * mu_b / 2
    c = 2 * np.sqrt(a * b)
    # e^{−(a+b)} I₀(c) = i0e(c) e^{c − (a+b)}, with c ≤ a + b
    return 2 * ((1 - p_d) * i0e(c) * np.exp(c - (a + b)) - (1 - p_d) ** 2 * np.exp(-2 * (a + b)))


def slice_error_yield(mu: float, eta_a: float, eta_b: float, p_d: float, phase_slice: float,
                      misalignment: float = 0.0, drifts: tuple[tuple[float, float], ...] = (),
                      phase_variance: float = 0.0) -> float:
    """Error yield T_Δ of ρ_μμ windows kept by the phase slice: wrong detector only clicks.

    T_Δ = ⟨(1 − p_d)e^{−I_c(δ)}⟩ − (1 − p_d)²e^{−2(a+b)}, I_c = a + b + x cos δ, x = 2v√(ab), averaged over
    δ = s + Σφⱼ + g (s uniform in [−Δ/2, Δ/2], φⱼ uniform over [−ωⱼTⱼ/2, ωⱼTⱼ/2] for each ``drifts`` pair
    (ωⱼ [rad/s], Tⱼ [s]), g Gaussian of variance ``phase_variance`` [rad²]) by the Bessel series of the module docstring. The slice
    around π gives the same value by symmetry.
    """
    check_nonnegative("phase_variance", phase_variance, "rad²")
    a, b = eta_a * mu / 2, eta_b * mu / 2
    x = 2 * (1 - 2 * misalignment) * np.sqrt(a * b)
    n = np.arange(1, 31 + int(4 * x))
    mean_cos = np.exp(-n**2 * phase_variance / 2) * np.sinc(n * phase_slice / (2 * np.pi))
    for rate, t in drifts:
        mean_cos = mean_cos * np.sinc(n * rate * t / (2 * np.pi))
    # e^{−(a+b)} Iₙ(x) = ive(n, x) e^{x − (a+b)}, with x ≤ a + b
    average = np.exp(x - (a + b)) * (ive(0, x) + 2 * np.sum((-1.0) ** n * ive(n, x) * mean_cos))
    return float((1 - p_d) * average - (1 - p_d) ** 2 * np.exp(-2 * (a + b)))


def decoy_s1_lower(s_11: ArrayLike, s_22: ArrayLike, s_00: ArrayLike, mu_1: float,
                   mu_2: float) -> float | np.ndarray:
    """⟨s₁⟩ᴸ = [μ₂²e^{2μ₁}S₁₁ − μ₁²e^{2μ₂}S₂₂ − (μ₂² − μ₁²)S₀₀] / [2μ₁μ₂(μ₂ − μ₁)] (Jiang et al. 2019)."""
    return (mu_2**2 * np.exp(2 * mu_1) * s_11 - mu_1**2 * np.exp(2 * mu_2) * s_22
            - (mu_2**2 - mu_1**2) * s_00) / (2 * mu_1 * mu_2 * (mu_2 - mu_1))


@dataclass(frozen=True)
class SNSKeyRate:
    """Key rate of SNS-TF-QKD and the estimates behind it (:func:`sns_key_rate`).

    With AOPP, ``n1``, ``e1_ph``, ``n_t`` and ``e_z`` are those of the bits kept after pairing.
    """

    key_rate_per_pulse: float = quantity("bit/pulse", "N_f/N, clipped at 0")
    key_length: float = quantity("bit", "N_f, unclipped")
    clipped: bool = quantity("", "True when a negative N_f was clipped to 0")
    warning: str | None = quantity("", "why the key was clipped, else None")
    s1_lower: float = quantity("1", "lower bound ⟨s₁⟩ᴸ on the one-photon yield")
    e1_upper: float = quantity("1", "upper bound e₁ᵁ on the one-photon X-window error rate")
    n1: float = quantity("1", "number of untagged Z bits n₁ (lower bound)")
    e1_ph: float = quantity("1", "phase-error rate e₁^ph of the untagged bits (upper bound)")
    n_t: float = quantity("1", "number of effective Z bits n_t")
    e_z: float = quantity("1", "bit-error rate E_Z of the effective Z bits")
    t_slice: float = quantity("1", "error yield T_Δ of the post-selected ρ_11 windows")
    e_x: float = quantity("1", "error rate of the post-selected ρ_11 windows")
    eta_a: float = quantity("1", "Alice's arm transmittance, detector efficiency included")
    eta_b: float = quantity("1", "Bob's arm transmittance, detector efficiency included")
    eta_channel: float = quantity("1", "fibre and extra loss end to end, no detector")
    plob: float = quantity("bit/pulse", "PLOB bound −log₂(1 − eta_channel)")
    eps_total: float = quantity("1", "security parameter 4ε + (statements)·ε; 0 for the asymptotic rate")
    finite_key: bool = quantity("", "False for the asymptotic rate")
    aopp: bool = quantity("", "whether the Z bits were paired (AOPP)")
    decoy: SNSDecoy = quantity("", "source of ⟨s₁⟩ᴸ")
    protocol: SNSProtocol = quantity("", "the source settings used")


@dataclass(frozen=True)
class SNSOptimum(SNSKeyRate):
    """:class:`SNSKeyRate` at the settings found by :func:`optimize_sns` (its ``protocol``)."""

    optimizer_success: bool = quantity("", "whether Nelder–Mead reported convergence")


def sns_key_rate(distance_m: float, pulses: float, protocol: SNSProtocol | None = None,
                 channel: SNSChannel | None = None, *, eps: float = 1e-10, f: float = 1.1,
                 finite_key: bool = True, aopp: bool = False, decoy: SNSDecoy = "one-sided") -> SNSKeyRate:
    """Secret key per sent pulse (per time window) of SNS-TF-QKD over ``distance_m`` of fibre.

    N_f from the module-docstring equations (Jiang et al. 2019); the rate is N_f/N, clipped at 0.

    Parameters
    ----------
    distance_m : float
        Total Alice–Bob fibre length [m], split by ``channel.fraction_a``.
    pulses : float
        Number N of time windows (pulse pairs) sent.
    protocol, channel : SNSProtocol, SNSChannel
        Defaults: ``SNSProtocol()``, ``SNSChannel()``.
    eps : float
        Failure probability of each Chernoff statement, also ε_cor, ε_PA, ε̂.
    f : float
        Error-correction inefficiency ≥ 1.
    finite_key : bool
        False: asymptotic rate (expected values, no Chernoff margins, no finite-size tail).
    aopp : bool
        Distil the Z bits by actively odd-parity pairing (:mod:`combchip.link.qkd.aopp`) before error
        correction.
    decoy : {"one-sided", "two-mode"}
        Source of ⟨s₁⟩ᴸ: the X windows in which exactly one user sends μ₁ or μ₂, both sides pooled
        (Jiang et al. 2019), or the two-mode sources ρ₁₁, ρ₂₂ (module docstring).

    Returns
    -------
    SNSKeyRate

    References
    ----------
    C. Jiang, Z.-W. Yu, X.-L. Hu, X.-B. Wang, Phys. Rev. Applied 12, 024061 (2019).
    """
    protocol = SNSProtocol() if protocol is None else protocol
    channel = SNSChannel() if channel is None else channel
    if not isinstance(protocol, SNSProtocol):
        raise ValueError(f"protocol must be an SNSProtocol, got {protocol!r}")
    if not isinstance(channel, SNSChannel):
        raise ValueError(f"channel must be an SNSChannel, got {channel!r}")
    n = check_positive("pulses", pulses)
    eps = _check_eps(eps)
    check_range("f", f, 1.0, np.inf)
    check_choice("decoy", decoy, SNSDecoy)
    p = protocol
    eta_a, eta_b = channel.arm_transmittances(distance_m)
    p_d = channel.dark_count_probability
    margin = eps if finite_key else None

    # Z windows
    s_00 = single_click_yield(0.0, 0.0, eta_a, eta_b, p_d)
    s_a = single_click_yield(p.mu_z, 0.0, eta_a, eta_b, p_d)
    s_b = single_click_yield(0.0, p.mu_z, eta_a, eta_b, p_d)
    s_zz = single_click_yield(p.mu_z, p.mu_z, eta_a, eta_b, p_d)
    n_zw = n * p.p_z**2
    wrong = (1 - p.epsilon) ** 2 * s_00 + p.epsilon**2 * s_zz
    n_t = n_zw * (wrong + p.epsilon * (1 - p.epsilon) * (s_a + s_b))
    e_z = n_zw * wrong / n_t

    n_xw = n * (1 - p.p_z) ** 2
    yields, s1, e1 = _x_window_estimates(p, channel, n_xw, eta_a, eta_b, decoy, margin)
    single_z = n_zw * 2 * p.epsilon * (1 - p.epsilon) * p.mu_z * np.exp(-p.mu_z)
    if finite_key:
        n1 = float(chernoff_observed(single_z * s1, eps)[0])
        phase_errors = float(chernoff_observed(single_z * s1 * e1, eps)[1])
        e1_ph = min(phase_errors / n1, 0.5) if n1 > 0 else 0.5
    else:
        n1, e1_ph = single_z * s1, e1
        phase_errors = n1 * e1
    statements = N_STATEMENTS
    if aopp:
        paired = _aopp(p, n_xw, n_zw, (s_00, s_a, s_b, s_zz), phase_errors, eta_a, eta_b, p_d, margin)
        n1, e1_ph, n_t, e_z = paired.n1, paired.e1_ph, paired.n_t, paired.e_z
        statements += N_STATEMENTS_AOPP
    if finite_key:
        length = key_length(n1, e1_ph, n_t, e_z, f=f, eps_cor=eps, eps_pa=eps, eps_hat=eps)
    else:
        length = float(n1 * (1 - binary_entropy(e1_ph)) - f * n_t * binary_entropy(e_z))

    clipped = length < 0
    eta_channel = transmittance(distance_m, channel.loss_db_per_km, 2 * channel.extra_loss_db)
    return SNSKeyRate(
        key_rate_per_pulse=max(length, 0.0) / n, key_length=float(length), clipped=bool(clipped),
        warning=f"negative key length {length:.4g} bit clipped to 0" if clipped else None,
        s1_lower=float(s1), e1_upper=float(e1), n1=float(n1), e1_ph=float(e1_ph), n_t=float(n_t), e_z=float(e_z),
        t_slice=yields["slice"], e_x=float(yields["slice"] / yields["11"]) if yields["11"] > 0 else 0.5,
        eta_a=eta_a, eta_b=eta_b, eta_channel=float(eta_channel), plob=float(plob(eta_channel)),
        eps_total=4 * eps + statements * eps if finite_key else 0.0, finite_key=finite_key, aopp=bool(aopp),
        decoy=decoy, protocol=protocol,
    )


def _x_window_estimates(p: SNSProtocol, channel: SNSChannel, n_xw, eta_a, eta_b, decoy, eps):
    """Yields of the X-window sources ρ_00, ρ_11, ρ_22 and of the post-selected ρ_11 errors ("slice"), and
    ⟨s₁⟩ᴸ and e₁ᵁ from them (module docstring); Chernoff bounds of the counts, or expected values if ``eps`` is
    None."""
    p_d = channel.dark_count_probability
    pairs = {"00": n_xw * p.p_0**2, "11": n_xw * p.p_1**2, "22": n_xw * p.p_2**2}
    pairs["slice"] = pairs["11"] * p.phase_slice / np.pi
    yields = {"00": single_click_yield(0.0, 0.0, eta_a, eta_b, p_d),
              "11": single_click_yield(p.mu_1, p.mu_1, eta_a, eta_b, p_d),
              "22": single_click_yield(p.mu_2, p.mu_2, eta_a, eta_b, p_d),
              "slice": slice_error_yield(p.mu_1, eta_a, eta_b, p_d, p.phase_slice,
                                         *channel.x_phase_terms(eta_a, eta_b))}
    if eps is None:
        lower = upper = yields
    else:
        bounds = {k: chernoff_expected(pairs[k] * yields[k], eps) for k in pairs}
        lower = {k: b[0] / pairs[k] for k, b in bounds.items()}
        upper = {k: b[1] / pairs[k] for k, b in bounds.items()}
    if decoy == "two-mode":
        s1 = max(decoy_s1_lower(lower["11"], upper["22"], upper["00"], p.mu_1, p.mu_2), 0.0)
    else:
        s1 = _one_sided_s1(p, n_xw, ("a", "b"), eta_a, eta_b, p_d, eps)
    s1e1 = max((upper["slice"] - np.exp(-2 * p.mu_1) * lower["00"] / 2) / (2 * p.mu_1 * np.exp(-2 * p.mu_1)), 0.0)
    return yields, s1, min(s1e1 / s1, 0.5) if s1 > 0 else 0.5


def _one_sided_s1(p: SNSProtocol, n_xw, senders, eta_a, eta_b, p_d, eps) -> float:
    """⟨s₁⟩ᴸ (:func:`combchip.link.qkd.aopp.one_sided_s1_lower`) from the X windows in which only the ``senders``
    ("a", "b" or both, pooled) send μ₁ or μ₂ and the other user nothing; expected values if ``eps`` is None."""
    def one_sender(mu, who):
        return single_click_yield(*((mu, 0.0) if who == "a" else (0.0, mu)), eta_a, eta_b, p_d)

    per_side = {"1": n_xw * p.p_0 * p.p_1, "2": n_xw * p.p_0 * p.p_2}
    windows = {k: len(senders) * w for k, w in per_side.items()} | {"0": n_xw * p.p_0**2}
    counts = {k: per_side[k] * sum(one_sender(mu, who) for who in senders) for k, mu in (("1", p.mu_1), ("2", p.mu_2))}
    counts["0"] = windows["0"] * single_click_yield(0.0, 0.0, eta_a, eta_b, p_d)
    if eps is None:
        bounds = {k: (counts[k] / windows[k],) * 2 for k in counts}
    else:
        bounds = {k: tuple(b / windows[k] for b in chernoff_expected(counts[k], eps)) for k in counts}
    return max(one_sided_s1_lower(bounds["1"][0], bounds["2"][1], bounds["0"][1], p.mu_1, p.mu_2), 0.0)


def _aopp(p: SNSProtocol, n_xw, n_zw, z_yields, phase_errors, eta_a, eta_b, p_d, eps) -> OddParityPairing:
    """:func:`combchip.link.qkd.aopp.odd_parity_pairing` of the Z bits, with one-sided decoys for each kind of untagged bit."""
    s_00, s_a, s_b, s_zz = z_yields
    one_photon = n_zw * p.epsilon * (1 - p.epsilon) * p.mu_z * np.exp(-p.mu_z)
    untagged = []
    for sender in ("b", "a"):        # Bob's "sent" bits hold Bob's single photons; "not sent" bits Alice's
        expected = one_photon * _one_sided_s1(p, n_xw, (sender,), eta_a, eta_b, p_d, eps)
        untagged.append(expected if eps is None else float(chernoff_observed(expected, eps)[0]))
    sent = n_zw * ((1 - p.epsilon) * p.epsilon * s_b + p.epsilon**2 * s_zz)
    not_sent = n_zw * (p.epsilon * (1 - p.epsilon) * s_a + (1 - p.epsilon) ** 2 * s_00)
    return odd_parity_pairing(sent, n_zw * p.epsilon**2 * s_zz, not_sent, n_zw * (1 - p.epsilon) ** 2 * s_00,
                              min(untagged[0], sent), min(untagged[1], not_sent), phase_errors, eps)


def _to_protocol(x, phase_slice):
    mu_z, mu_1 = np.exp(x[0]), np.exp(x[2])
    mu_2 = mu_1 + np.exp(x[3])
    e = np.exp(np.concatenate([[0.0], x[5:7]]))  # softmax for (p_0, p_1, p_2)
    p0, p1, p2 = e / e.sum()
    return SNSProtocol(mu_z=float(mu_z), epsilon=float(expit(x[1])), mu_1=float(mu_1), mu_2=float(mu_2),
                       p_z=float(expit(x[4])), p_0=float(p0), p_1=float(p1), p_2=float(1 - p0 - p1),
                       phase_slice=phase_slice)


def optimize_sns(distance_m: float, pulses: float, channel: SNSChannel | None = None,
                 initial: SNSProtocol | None = None, *, eps: float = 1e-10, f: float = 1.1,
                 finite_key: bool = True, aopp: bool = False, maxiter: int = 2000) -> SNSOptimum:
    """Maximize :func:`sns_key_rate` over μ_z, ε, μ₁, μ₂, p_Z, p_0, p_1, p_2 (Δ fixed at ``initial``'s).

    Nelder–Mead (:func:`scipy.optimize.minimize`) on the unclipped key length per pulse in an
    unconstrained parametrization: log-intensities with μ₂ = μ₁ + e^y, logits for ε and p_Z, softmax
    for (p_0, p_1, p_2). A local optimum from ``initial`` (default ``SNSProtocol()``).

    Returns
    -------
    SNSOptimum
        The :func:`sns_key_rate` record at the optimum (``protocol``), and ``optimizer_success``.

    References
    ----------
    C. Jiang, Z.-W. Yu, X.-L. Hu, X.-B. Wang, Phys. Rev. Applied 12, 024061 (2019).
    """
    initial = SNSProtocol() if initial is None else initial
    if not isinstance(initial, SNSProtocol):
        raise ValueError(f"initial must be an SNSProtocol, got {initial!r}")
    check_int("maxiter", maxiter, 1)
    x0 = np.array([np.log(initial.mu_z), logit(initial.epsilon), np.log(initial.mu_1),
                   np.log(initial.mu_2 - initial.mu_1), logit(initial.p_z),
                   np.log(initial.p_1 / initial.p_0), np.log(initial.p_2 / initial.p_0)])
    check_positive("pulses", pulses)
    eta_a, eta_b = (SNSChannel() if channel is None else channel).arm_transmittances(distance_m)
    scale = pulses * (eta_a + eta_b)  # key length per pulse is O(η); Nelder–Mead's tolerances are absolute

    def objective(x):
        try:
            proto = _to_protocol(np.clip(x, -30, 30), initial.phase_slice)
        except ValueError:
            return 1e300
        return -sns_key_rate(distance_m, pulses, proto, channel, eps=eps, f=f, finite_key=finite_key,
                             aopp=aopp).key_length / scale

    result = minimize(objective, x0, method="Nelder-Mead",
                      options={"maxiter": maxiter, "xatol": 1e-4, "fatol": 1e-8, "adaptive": True})
    best = _to_protocol(np.clip(result.x, -30, 30), initial.phase_slice)
    out = sns_key_rate(distance_m, pulses, best, channel, eps=eps, f=f, finite_key=finite_key, aopp=aopp)
    return SNSOptimum(**vars(out), optimizer_success=bool(result.success))
