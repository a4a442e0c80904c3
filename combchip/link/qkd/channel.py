"""MDI-QKD link model: detectors, misalignment, and the gains of phase-randomized weak coherent states.

The Bell-state measurement (BSM) is a 50:50 beam splitter followed by four threshold detection windows:

- polarization encoding: a PBS on each output, windows c_H, c_V, d_H, d_V;
- time-bin encoding: one detector per output, each opened in the early and late bin, windows
  c_E, c_L, d_E, d_L. With the map H ↔ E, V ↔ L the two are the same linear-optics problem.

|Ψ⁻⟩ is announced on the coincidences (c_H, d_V) or (c_V, d_H); |Ψ⁺⟩ on (c_H, c_V) or (d_H, d_V),
in both cases with the other two windows silent. A time-bin |Ψ⁺⟩ needs one detector to fire in
both bins, 10 ns apart in system A, which an SNSPD's dead time forbids: a time-bin BSM identifies
|Ψ⁻⟩ only (``bsm="psi-minus"``, the default for ``encoding="time-bin"``). Not modelled: a detector dead
after an early-bin click cannot veto a late-bin photon, so three-window events that this model rejects
would be kept; they need ≥ 3 detected photons, a fraction ≲ ημ (≈ 2 % for system A) of the two-fold events.

Transmittances η_a, η_b are end to end: fibre, filters and detector efficiency. Misalignment e_d is
modelled as in Ma & Razavi (2012): Bob's state is replaced by the orthogonal state of the same basis
with probability e_d; it is an input, computed by the helpers below from measured quantities.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike
from scipy.special import comb

from ...units import db_to_ratio
from ...validation import check_choice, check_int, check_nonnegative, check_range
from ..hom import _i0m1
from .bounds import _check_array, _maybe_scalar

Encoding = Literal["polarization", "time-bin"]
"""Qubit encodings; both are the same linear-optics problem at the BSM (module docstring)."""
BSM = Literal["psi-minus", "both"]
"""Bell states a link announces: |Ψ⁻⟩ only, or |Ψ⁻⟩ and |Ψ⁺⟩."""
BellStates = Literal["psi-minus", "psi-plus", "both"]
"""Bell states counted by :func:`photon_number_yields`."""
Basis = Literal["Z", "X"]


def default_bsm(encoding: Encoding) -> BSM:
    """``"both"`` Bell states for polarization, ``"psi-minus"`` for time-bin (see the module docstring)."""
    return "both" if check_choice("encoding", encoding, Encoding) == "polarization" else "psi-minus"


@dataclass(frozen=True)
class Detector:
    """A threshold single-photon detector.

    Parameters
    ----------
    efficiency : float
        Detection efficiency η_d in (0, 1].
    dark_count_probability : float
        Probability p_d of a click without light in one detection window (gate), in [0, 1).
        For a free-running SNSPD, p_d = 1 − exp(−R_dark·τ_window); see :func:`dark_count_probability`.

    References
    ----------
    X. Ma, M. Razavi, Phys. Rev. A 86, 062319 (2012), Sec. II.
    """

    efficiency: float = 1.0
    dark_count_probability: float = 0.0

    def __post_init__(self):
        check_range("efficiency", self.efficiency, 0.0, 1.0, low_open=True)
        check_range("dark_count_probability", self.dark_count_probability, 0.0, 1.0, high_open=True)


def dark_count_probability(dark_count_rate: float, window: float) -> float:
    """p_d = 1 − exp(−R_dark·τ) for Poissonian dark counts at rate R_dark [Hz] in a window τ [s]."""
    rate = check_nonnegative("dark_count_rate", dark_count_rate, "Hz")
    window = check_nonnegative("window", window, "s")
    return float(-np.expm1(-rate * window))


def misalignment_from_visibility(v_hom: float) -> float:
    """X-basis misalignment e_d^X = (1 − M)/2 = 1/2 − V from the two-photon interference visibility.

    For two phase-randomized weak coherent pulses of equal mean photon number the HOM visibility is
    V = M/2, M = |⟨ψ_a|ψ_b⟩|² the mode overlap (spectral, temporal, polarization). A single-photon
    pair is indistinguishable with probability M and then gives the ideal X-basis correlation; with
    probability 1 − M it is distinguishable, does not interfere, and the BSM outcome is independent
    of the bits (error 1/2). Hence e₁₁^X = (1 − M)/2 = 1/2 − V, which is the single-photon error rate
    e_d of the Ma-Razavi model. Exact for single-photon pairs; multi-photon X-basis terms of a true
    mode mismatch differ slightly (:func:`photon_number_yields` has both models).

    Parameters
    ----------
    v_hom : float
        WCS HOM visibility V in [0, 1/2].

    References
    ----------
    L. Mandel, Phys. Rev. A 28, 929 (1983) (two-photon interference of independent classical fields,
    V ≤ 1/2; for phase-randomized coherent pulses of equal intensity V = M/2).
    """
    v_hom = check_range("v_hom", v_hom, 0.0, 0.5)
    return 0.5 - v_hom


def state_error_from_extinction(extinction_db: float) -> float:
    """Wrong-state probability ε = 1/(1 + 10^(ER/10)) = r/(1 + r), r = 10^(−ER/10), of a state carved with
    extinction ratio ER [dB].

    For time-bin Z states: the fraction of a pulse's photons left in the other bin by an intensity
    modulator of finite extinction.
    """
    leak = float(db_to_ratio(check_nonnegative("extinction_db", extinction_db, "dB")))
    return leak / (1.0 + leak)


def combine_errors(*errors: float) -> float:
    """Flip probability of independent bit flips: e = [1 − Π(1 − 2eᵢ)]/2 (XOR of Bernoulli variables).

    Alice's and Bob's state errors ε_a, ε_b combine into e_d = ε_a + ε_b − 2ε_aε_b.
    """
    product = 1.0
    for k, e in enumerate(errors):
        product *= 1 - 2 * check_range(f"errors[{k}]", e, 0.0, 0.5)
    return 0.5 * (1 - product)


def _ratio(eq, q):
    """E = (E·Q)/Q, and 1/2 where Q = 0."""
    q = np.asarray(q, dtype=float)
    out = np.divide(eq, q, out=np.full(q.shape, 0.5), where=q > 0)
    return _maybe_scalar(out)


class Gains(NamedTuple):
    """Gains Q (successful-BSM probability per pulse pair) and error gains E·Q of both bases."""

    q_z: float | np.ndarray
    eq_z: float | np.ndarray
    q_x: float | np.ndarray
    eq_x: float | np.ndarray

    @property
    def e_z(self) -> float | np.ndarray:
        """Z-basis error rate E_Z = (E·Q)_Z / Q_Z."""
        return _ratio(self.eq_z, self.q_z)

    @property
    def e_x(self) -> float | np.ndarray:
        """X-basis error rate E_X = (E·Q)_X / Q_X."""
        return _ratio(self.eq_x, self.q_x)


def _split_ed(e_d):
    if np.ndim(e_d) == 0:
        e = check_range("e_d", e_d, 0.0, 0.5)
        return e, e
    if len(e_d) != 2:
        raise ValueError(f"e_d must be a float or a pair (e_d_z, e_d_x), got {e_d!r}")
    return check_range("e_d[0] (Z)", e_d[0], 0.0, 0.5), check_range("e_d[1] (X)", e_d[1], 0.0, 0.5)


def gains(mu_a: ArrayLike, mu_b: ArrayLike, eta_a: ArrayLike, eta_b: ArrayLike, p_d: float,
          e_d: float | tuple[float, float], encoding: Encoding = "polarization", bsm: BSM | None = None) -> Gains:
    """Gains of MDI-QKD with phase-randomized weak coherent states, Z and X bases.

    With μ' = η_aμ_a + η_bμ_b, x = √(η_aμ_aη_bμ_b)/2, y = (1 − p_d)e^(−μ'/4), for both Bell states
    (Ma & Razavi 2012, Appendix; threshold detectors, e_d as Bob's state flip):

        Q_C = 2(1 − p_d)² e^(−μ'/2) [1 − (1 − p_d)e^(−η_aμ_a/2)] [1 − (1 − p_d)e^(−η_bμ_b/2)]
        Q_E = 2p_d(1 − p_d)² e^(−μ'/2) [I₀(2x) − (1 − p_d)e^(−μ'/2)]
        Q_Z = Q_C + Q_E,                 (E·Q)_Z = e_d Q_C + (1 − e_d) Q_E
        Q_X = 2y² [1 + 2y² − 4y I₀(x) + I₀(2x)],
        (E·Q)_X = Q_X/2 − 2(1/2 − e_d) y² [I₀(2x) − 1]

    evaluated in cancellation-free form. With ``bsm="psi-minus"`` every gain is halved: the four
    input-bit combinations map |Ψ⁺⟩ events onto |Ψ⁻⟩ events one to one (with the X-basis bit
    relation flipped), so each Bell state carries exactly half of Q and of E·Q in both bases
    (checked against :func:`photon_number_yields`). Arrays broadcast.

    Parameters
    ----------
    mu_a, mu_b : float or array_like
        Mean photon numbers of Alice's and Bob's pulses (≥ 0).
    eta_a, eta_b : float or array_like
        End-to-end transmittances to the BSM detectors, detector efficiency included, in [0, 1].
    p_d : float
        Dark-count probability per detection window, in [0, 1).
    e_d : float or (float, float)
        Misalignment in [0, 1/2], one value or (e_d^Z, e_d^X).
    encoding : {"polarization", "time-bin"}
    bsm : {"psi-minus", "both"}, optional
        Bell states announced; default :func:`default_bsm` of the encoding.

    Returns
    -------
    Gains
        (Q_Z, (E·Q)_Z, Q_X, (E·Q)_X), probabilities per pulse pair.

    References
    ----------
    X. Ma, M. Razavi, Phys. Rev. A 86, 062319 (2012), Appendix A.
    """
    mu_a = _check_array("mu_a", mu_a, 0.0, np.inf)
    mu_b = _check_array("mu_b", mu_b, 0.0, np.inf)
    eta_a = _check_array("eta_a", eta_a, 0.0, 1.0)
    eta_b = _check_array("eta_b", eta_b, 0.0, 1.0)
    p_d = check_range("p_d", p_d, 0.0, 1.0, high_open=True)
    e_dz, e_dx = _split_ed(e_d)
    check_choice("encoding", encoding, Encoding)
    bsm = default_bsm(encoding) if bsm is None else check_choice("bsm", bsm, BSM)

    a, b = eta_a * mu_a, eta_b * mu_b
    mu_sum = a + b
    x = np.sqrt(a * b) / 2
    log_keep = np.log1p(-p_d)
    keep2 = (1 - p_d) ** 2
    decay = np.exp(-mu_sum / 2)
    q_c = 2 * keep2 * decay * -np.expm1(log_keep - a / 2) * -np.expm1(log_keep - b / 2)
    q_e = 2 * p_d * keep2 * decay * (_i0m1(2 * x) - np.expm1(log_keep - mu_sum / 2))
    q_z = q_c + q_e
    eq_z = e_dz * q_c + (1 - e_dz) * q_e

    y = np.exp(log_keep - mu_sum / 4)
    one_minus_y = -np.expm1(log_keep - mu_sum / 4)
    interference = _i0m1(2 * x)
    q_x = 2 * y**2 * (2 * one_minus_y**2 - 4 * y * _i0m1(x) + interference)
    eq_x = q_x / 2 - 2 * (0.5 - e_dx) * y**2 * interference

    scale = 0.5 if bsm == "psi-minus" else 1.0
    return Gains(*(_maybe_scalar(scale * v) for v in (q_z, eq_z, q_x, eq_x)))


@dataclass(frozen=True)
class MDILink:
    """One user pair of an MDI-QKD link: transmittances, dark counts, misalignment, encoding.

    Parameters
    ----------
    eta_a, eta_b : float
        End-to-end transmittances (fibre × filters × detector efficiency), in (0, 1].
    dark_count_probability : float
        p_d per detection window, in [0, 1).
    e_d_z, e_d_x : float
        Misalignment of the Z and X bases, in [0, 1/2].
    encoding : {"polarization", "time-bin"}
    bsm : {"psi-minus", "both"}, optional
        Default :func:`default_bsm` of the encoding.
    """

    eta_a: float
    eta_b: float
    dark_count_probability: float = 0.0
    e_d_z: float = 0.0
    e_d_x: float = 0.0
    encoding: Encoding = "polarization"
    bsm: BSM | None = None

    def __post_init__(self):
        check_range("eta_a", self.eta_a, 0.0, 1.0, low_open=True)
        check_range("eta_b", self.eta_b, 0.0, 1.0, low_open=True)
        check_range("dark_count_probability", self.dark_count_probability, 0.0, 1.0, high_open=True)
        check_range("e_d_z", self.e_d_z, 0.0, 0.5)
        check_range("e_d_x", self.e_d_x, 0.0, 0.5)
        check_choice("encoding", self.encoding, Encoding)
        if self.bsm is None:
            object.__setattr__(self, "bsm", default_bsm(self.encoding))
        check_choice("bsm", self.bsm, BSM)

    @classmethod
    def from_losses(cls, loss_a_db: float, loss_b_db: float, detector: Detector, *, v_hom: float | None = None,
                    e_d_x: float | None = None, e_d_z: float = 0.0, encoding: Encoding = "polarization",
                    bsm: BSM | None = None) -> MDILink:
        """Link from the channel losses of each user [dB], the BSM detectors and the measured HOM visibility.

        η = 10^(−L/10)·η_d. Give either ``v_hom`` (then e_d^X = :func:`misalignment_from_visibility`)
        or ``e_d_x`` directly; ``e_d_z`` comes from the transmitters' state errors
        (:func:`state_error_from_extinction`, :func:`combine_errors`).
        """
        check_nonnegative("loss_a_db", loss_a_db, "dB")
        check_nonnegative("loss_b_db", loss_b_db, "dB")
        if not isinstance(detector, Detector):
            raise ValueError(f"detector must be a Detector, got {detector!r}")
        if (v_hom is None) == (e_d_x is None):
            raise ValueError("give exactly one of v_hom and e_d_x")
        e_x = misalignment_from_visibility(v_hom) if v_hom is not None else e_d_x
        eta_a = float(db_to_ratio(loss_a_db)) * detector.efficiency
        eta_b = float(db_to_ratio(loss_b_db)) * detector.efficiency
        return cls(eta_a, eta_b, detector.dark_count_probability, e_d_z, e_x, encoding, bsm)

    @property
    def e_d(self) -> tuple[float, float]:
        """(e_d^Z, e_d^X)."""
        return (self.e_d_z, self.e_d_x)

    def gains(self, mu_a: ArrayLike, mu_b: ArrayLike) -> Gains:
        """:func:`gains` of this link."""
        return gains(mu_a, mu_b, self.eta_a, self.eta_b, self.dark_count_probability, self.e_d, self.encoding, self.bsm)

    def photon_number_yields(self, n_max: int, basis: Basis) -> xr.Dataset:
        """:func:`photon_number_yields` of this link (misalignment as a state flip)."""
        e = self.e_d_z if basis == "Z" else self.e_d_x
        return photon_number_yields(n_max, self.eta_a, self.eta_b, self.dark_count_probability, basis, e_d=e,
                                    bsm=self.bsm)


# --- exact photon-number yields -------------------------------------------------------------------------

_STATES = {"Z": (np.array([1.0, 0.0]), np.array([0.0, 1.0])),
           "X": (np.array([1.0, 1.0]) / np.sqrt(2), np.array([1.0, -1.0]) / np.sqrt(2))}
_PATTERNS = {"psi-minus": ((0, 3), (1, 2)), "psi-plus": ((0, 1), (2, 3))}
_OUTPUT = {"a": np.array([1.0, 1.0]) / np.sqrt(2), "b": np.array([1.0, -1.0]) / np.sqrt(2)}


def _modes(state, port, eta, overlap_part):
    """Amplitudes on the detection windows [c_H, c_V, d_H, d_V] × temporal modes [shared, orthogonal]."""
    windows = np.kron(_OUTPUT[port], state)
    return np.sqrt(eta) * np.stack([np.sqrt(overlap_part) * windows, np.sqrt(1 - overlap_part) * windows], axis=1)


def _no_click(k, l, u, w, silent, p_d):
    """P(no click in the windows ``silent``) for k photons in mode u and l photons in mode w.

    The projection onto vacuum in those windows leaves modes A, B with ‖A‖² = p, ‖B‖² = q, ⟨A|B⟩ = g:
    P₀ = ‖(A†)^k (B†)^l|0⟩‖²/(k! l!) = p^k Σ_j C(l, j) C(k + j, j) (|g|²/p)^j (q − |g|²/p)^(l−j),
    times (1 − p_d)^|silent| for the dark counts.
    """
    mask = np.zeros(4, dtype=bool)
    mask[list(silent)] = True
    p = 1 - np.sum(np.abs(u[mask]) ** 2)
    q = 1 - np.sum(np.abs(w[mask]) ** 2)
    g2 = abs(np.sum(np.conj(u[~mask]) * w[~mask])) ** 2
    dark = (1 - p_d) ** mask.sum()
    if p <= 0:
        return np.where(k == 0, q**l, 0.0) * dark
    r2 = max(q - g2 / p, 0.0)
    j = np.arange(int(l.max()) + 1)[:, None, None]
    terms = np.where(j <= l, comb(l, j) * comb(k + j, j) * (g2 / p) ** j * r2 ** np.clip(l - j, 0, None), 0.0)
    return p**k * terms.sum(axis=0) * dark


def photon_number_yields(n_max: int, eta_a: float, eta_b: float, p_d: float, basis: Basis, *, e_d: float = 0.0,
                         mode_overlap: float = 1.0, bsm: BellStates = "both") -> xr.Dataset:
    """Exact yields Y_nm and error yields (E·Y)_nm of Fock states |n⟩_A|m⟩_B at the BSM.

    Each source's photons occupy one mode (polarization/time-bin state × temporal mode); Bob's temporal
    mode overlaps Alice's with |⟨ψ_a|ψ_b⟩|² = ``mode_overlap``. Loss is a beam splitter to an
    unobserved mode. The probability that exactly the windows C click is, by inclusion–exclusion,
    P(C) = Σ_{T⊆C} (−1)^|T| P₀(D∖C ∪ T) with P₀ the no-click probability of :func:`_no_click`.
    Averaged over the four input-bit pairs; Bob's state is flipped with probability ``e_d``.
    Phase-randomized coherent states are the Poisson mixture of these yields, so
    Q(μ_a, μ_b) = Σ_nm P_μa(n) P_μb(m) Y_nm reproduces :func:`gains`.

    Parameters
    ----------
    n_max : int
        Largest photon number n, m.
    eta_a, eta_b, p_d : float
        As in :func:`gains`.
    basis : {"Z", "X"}
    e_d : float
        State-flip probability of Bob, in [0, 1/2].
    mode_overlap : float
        M in [0, 1].
    bsm : {"psi-minus", "psi-plus", "both"}

    Returns
    -------
    xarray.Dataset
        ``yield`` and ``error_yield`` over (n, m).

    References
    ----------
    X. Ma, M. Razavi, Phys. Rev. A 86, 062319 (2012) (detection model);
    U. Leonhardt, *Measuring the Quantum State of Light* (CUP, 1997), ch. 4 (beam-splitter transformation).
    """
    n_max = check_int("n_max", n_max, 0)
    eta_a = check_range("eta_a", eta_a, 0.0, 1.0)
    eta_b = check_range("eta_b", eta_b, 0.0, 1.0)
    p_d = check_range("p_d", p_d, 0.0, 1.0, high_open=True)
    e_d = check_range("e_d", e_d, 0.0, 0.5)
    mode_overlap = check_range("mode_overlap", mode_overlap, 0.0, 1.0)
    check_choice("basis", basis, Basis)
    check_choice("bsm", bsm, BellStates)

    k, l = np.meshgrid(np.arange(n_max + 1), np.arange(n_max + 1), indexing="ij")
    states = _STATES[basis]
    announced = ("psi-minus", "psi-plus") if bsm == "both" else (bsm,)
    total = np.zeros(k.shape)
    errors = np.zeros(k.shape)
    for bit_a, bit_b, flip in itertools.product((0, 1), (0, 1), (False, True)):
        weight = 0.25 * (e_d if flip else 1 - e_d)
        if weight == 0:
            continue
        u = _modes(states[bit_a], "a", eta_a, 1.0)
        w = _modes(states[bit_b ^ flip], "b", eta_b, mode_overlap)
        for state in announced:
            correlated = state == "psi-plus" and basis == "X"
            wrong = (bit_a == bit_b) != correlated
            for clicks in _PATTERNS[state]:
                others = tuple(set(range(4)) - set(clicks))
                prob = sum((-1) ** len(t) * _no_click(k, l, u, w, others + t, p_d)
                           for r in range(3) for t in itertools.combinations(clicks, r))
                total += weight * prob
                if wrong:
                    errors += weight * prob
    coords = {"n": np.arange(n_max + 1), "m": np.arange(n_max + 1)}
    return xr.Dataset(
        {"yield": (("n", "m"), total, {"units": "1", "long_name": f"{basis}-basis yield Y_nm"}),
         "error_yield": (("n", "m"), errors, {"units": "1", "long_name": f"{basis}-basis error yield (E·Y)_nm"})},
        coords=coords,
        attrs={"eta_a": eta_a, "eta_b": eta_b, "p_d": p_d, "basis": basis, "e_d": e_d, "mode_overlap": mode_overlap,
               "bsm": bsm},
    )
