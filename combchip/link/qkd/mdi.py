"""Four-intensity decoy-state MDI-QKD: per-side settings, decoy estimation and the asymptotic key rate.

Protocol (Zhou, Yu & Wang 2016): Alice and Bob each send, independently, a phase-randomized weak
coherent pulse from one of four sources

- o: the weakest ("vacuum") decoy of intensity o ≥ 0 (probability p_o); a carver of finite extinction
  leaves o > 0;
- x, y: X-basis decoys of intensity o < x < y (p_x, p_y);
- z: Z-basis signal of intensity z (p_z).

The key is distilled from the zz events only. The single-photon-pair yield s₁₁ and its X-basis error
e₁₁ are estimated from the X-basis sources {o, x, y}. Each side may use its own intensities and
probabilities (asymmetric MDI-QKD, Wang, Xu & Lo 2019: :class:`MDISettings`); then the one-sided yields
S_xo, S_ox, S_yo, S_oy enter separately. When both sides use the same settings only their symmetric sums
S_xo + S_ox, S_yo + S_oy enter (keys ``"xo+ox"``, ``"yo+oy"``). Throughout, a "yield" S_αβ is the
probability of an announced BSM per pulse pair of Alice's source α and Bob's β, and a^α_n, b^β_m the
Poisson photon-number distributions of Alice's α and Bob's β.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import linprog
from scipy.special import entr
from scipy.stats import poisson

from ...systems.published import SYSTEM_A
from ...validation import check_choice, check_positive, check_range
from ..records import quantity
from .channel import MDILink

SOURCES = ("z", "y", "x", "o")
SIDES = ("alice", "bob")
X_OBSERVABLES = ("xx", "yy", "xo+ox", "yo+oy", "oo")
"""X-basis observables of a symmetric protocol."""
SPLIT_OBSERVABLES = ("xx", "yy", "xo", "ox", "yo", "oy", "oo")
"""X-basis observables of an asymmetric protocol (Alice's source first)."""
DecoyMethod = Literal["four-intensity", "lp", "infinite"]
"""How :func:`asymptotic_rate` bounds s₁₁ and e₁₁."""


def binary_entropy(p: ArrayLike) -> float | np.ndarray:
    """h(p) = −p log₂ p − (1 − p) log₂(1 − p), from :func:`scipy.special.entr`."""
    p = np.asarray(p, dtype=float)
    value = (entr(p) + entr(1 - p)) / np.log(2)
    return float(value) if value.ndim == 0 else value


def _check_side(intensities: Mapping, probabilities: Mapping, label: str = "") -> tuple[dict, dict]:
    """One side's settings (names prefixed by ``label``, e.g. ``"['bob']"``) as float dicts."""
    for name, table in (("intensities", intensities), ("probabilities", probabilities)):
        if not isinstance(table, Mapping) or set(table) != set(SOURCES):
            raise ValueError(f"{name}{label} must be a mapping with keys {SOURCES}, got {table!r}")
    mu = {k: check_range(f"intensities{label}[{k!r}]", intensities[k], 0.0, np.inf) for k in SOURCES}
    check_range(f"intensities{label}['x']", mu["x"], 0.0, mu["y"], low_open=True, high_open=True)
    check_range(f"intensities{label}['o']", mu["o"], 0.0, mu["x"], high_open=True)
    check_positive(f"intensities{label}['z']", mu["z"])
    prob = {k: check_range(f"probabilities{label}[{k!r}]", probabilities[k], 0.0, 1.0, low_open=True)
            for k in SOURCES}
    total = sum(prob.values())
    if abs(total - 1.0) > 1e-9:
        raise ValueError(f"probabilities{label} must sum to 1, got {total!r}")
    return mu, prob


def check_protocol(intensities: Mapping, probabilities: Mapping) -> tuple[dict[str, float], dict[str, float]]:
    """Validate one side's four-intensity settings; return them as float dicts keyed ``"z", "y", "x", "o"``.

    Requires 0 ≤ o < x < y (o > 0: a leaky vacuum decoy), z > 0, probabilities in (0, 1] summing to 1
    (±1e-9).
    """
    return _check_side(intensities, probabilities)


def _per_side(table, name: str) -> tuple[Mapping, Mapping]:
    """(Alice's, Bob's) table from a flat mapping (both sides) or a mapping keyed ``"alice", "bob"``."""
    if isinstance(table, Mapping) and set(table) == set(SIDES):
        return table["alice"], table["bob"]
    if isinstance(table, Mapping) and set(table) == set(SOURCES):
        return table, table
    raise ValueError(f"{name} must be keyed {SOURCES} (both sides) or {SIDES} (per side), got {table!r}")


@dataclass(frozen=True)
class MDISettings:
    """Validated four-intensity settings of both sides (:func:`check_sides`).

    ``symmetric`` when both sides send the same intensities with the same probabilities; then the
    one-sided observables enter as their sums (``X_OBSERVABLES``), else separately (``SPLIT_OBSERVABLES``).
    """

    intensities_a: dict = quantity("photons", "Alice's mean photon numbers keyed 'z', 'y', 'x', 'o'")
    probabilities_a: dict = quantity("1", "Alice's source probabilities")
    intensities_b: dict = quantity("photons", "Bob's mean photon numbers")
    probabilities_b: dict = quantity("1", "Bob's source probabilities")

    @property
    def symmetric(self) -> bool:
        return self.intensities_a == self.intensities_b and self.probabilities_a == self.probabilities_b

    @property
    def observables(self) -> tuple[str, ...]:
        return X_OBSERVABLES if self.symmetric else SPLIT_OBSERVABLES

    @property
    def count_keys(self) -> tuple[str, ...]:
        """Keys of the counts of this protocol (:func:`expected_counts`)."""
        return ("zz", "zz_err", "xx_err", *self.observables)

    @property
    def intensities(self) -> dict:
        """Intensities in the per-side form ``{"alice": …, "bob": …}``."""
        return {"alice": self.intensities_a, "bob": self.intensities_b}

    @property
    def probabilities(self) -> dict:
        return {"alice": self.probabilities_a, "bob": self.probabilities_b}


def check_sides(intensities: Mapping, probabilities: Mapping) -> MDISettings:
    """Validate the settings of both sides (:func:`check_protocol` each).

    Each of ``intensities`` and ``probabilities`` is either keyed ``"z", "y", "x", "o"`` (the same for
    both sides) or keyed ``"alice", "bob"`` with one such mapping per side (asymmetric MDI-QKD).
    """
    mu_a, mu_b = _per_side(intensities, "intensities")
    p_a, p_b = _per_side(probabilities, "probabilities")
    per_side = isinstance(intensities, Mapping) and "alice" in intensities or "alice" in probabilities
    labels = ("['alice']", "['bob']") if per_side else ("", "")
    return MDISettings(*_check_side(mu_a, p_a, labels[0]), *_check_side(mu_b, p_b, labels[1]))


def _poisson(mu, n):
    return poisson.pmf(n, mu)


def _subtracted(side: Mapping, n: int, source: str) -> float:
    """c^α_n = a^α_n − (a^α_0/a^o_0) a^o_n = e^(−α)(αⁿ − oⁿ)/n!: the weight of n photons in α after the
    o-source term that cancels its vacuum is removed (n ≥ 1)."""
    a, o = side[source], side["o"]
    return float(np.exp(-a) * (a**n - o**n) / np.prod(np.arange(1, n + 1)))


def decoy_weights(intensities_a: Mapping, intensities_b: Mapping) -> tuple[dict[str, float], dict[str, float]]:
    """Linear coefficients of s₁₁ ≥ Σ_k w_k S_k and s₁₁e₁₁ ≤ Σ_k v_k S_k on the one-sided X-basis yields.

    Vacuum subtraction. With r^α = a^α_0/a^o_0 = e^(o−α) per side, the combination

        S̃_αβ = S_αβ − r^β_B S_αo − r^α_A S_oβ + r^α_A r^β_B S_oo = Σ_{n,m≥1} c^α_n d^β_m Y_nm

    (c, d: :func:`_subtracted` of Alice and Bob) holds exactly for any o ≥ 0 (the n = 0 and m = 0 terms
    cancel). The ratios R(n) = c^y_n/c^x_n = e^(x−y)(yⁿ − oⁿ)/(xⁿ − oⁿ) grow with n for o < x < y
    (R(n+1)/R(n) ∝ h(y/o)/h(x/o), h(t) = 1 + 1/Σ_{k=1}^{n} t^(−k) rising in t), so with
    λ = min(R_A(2)R_B(1), R_A(1)R_B(2)) every (n, m) ≠ (1, 1) enters λS̃_xx − S̃_yy with
    c^x_n d^x_m (λ − R_A(n)R_B(m)) ≤ 0 and

        s₁₁ ≥ (λ S̃_xx − S̃_yy) / [c^x_1 d^x_1 (λ − R_A(1)R_B(1))].

    For o = 0 and equal sides this is Zhou, Yu & Wang's four-intensity bound.

    Phase errors. e_nm = 1/2 when n = 0 or m = 0 (a vacuum carries no bit), so
    T_xx ≥ a^x_1 b^x_1 s₁₁e₁₁ + W/2, W the xx yield of the n = 0 or m = 0 terms. The o-terms of S̃_xx give
    V = r^x_B S_xo + r^x_A S_ox − r^x_A r^x_B S_oo = W + E, E = Σ_{n,m≥1}(r^x_B b^o_m c^x_n + r^x_A a^o_n b^x_m)
    Y_nm ≥ 0. Since r^x_B b^o_m/d^x_m = o_Bᵐ/(x_Bᵐ − o_Bᵐ), r^x_A a^o_n/c^x_n = o_Aⁿ/(x_Aⁿ − o_Aⁿ) and
    b^x_m/d^x_m = x_Bᵐ/(x_Bᵐ − o_Bᵐ) all fall with n, m ≥ 1, each coefficient of E is at most
    τ = o_B/(x_B − o_B) + o_A x_B/[(x_A − o_A)(x_B − o_B)] ≈ o_A/x_A + o_B/x_B times c^x_n d^x_m, so
    E ≤ τ S̃_xx = τ (S_xx − V):

        s₁₁e₁₁ ≤ [T_xx + τ S_xx/2 − (1 + τ) V/2] / (a^x_1 b^x_1)   (τ = 0 for o = 0).

    Returns
    -------
    (dict, dict)
        Coefficients of s₁₁ on ``SPLIT_OBSERVABLES``; of s₁₁e₁₁ on ``"xx_err", "xx", "xo", "ox", "oo"``.

    References
    ----------
    Y.-H. Zhou, Z.-W. Yu, X.-B. Wang, Phys. Rev. A 93, 042324 (2016) (four-intensity bounds);
    W. Wang, F. Xu, H.-K. Lo, Phys. Rev. X 9, 041012 (2019) (per-side intensities).
    """
    a, b = intensities_a, intensities_b
    r = {(side, k): np.exp(s["o"] - s[k]) for side, s in (("a", a), ("b", b)) for k in ("x", "y")}
    ratio = {(side, n): _subtracted(s, n, "y") / _subtracted(s, n, "x") for side, s in (("a", a), ("b", b))
             for n in (1, 2)}
    lam = min(ratio["a", 2] * ratio["b", 1], ratio["a", 1] * ratio["b", 2])
    d = _subtracted(a, 1, "x") * _subtracted(b, 1, "x") * (lam - ratio["a", 1] * ratio["b", 1])
    s11 = {"xx": lam / d, "yy": -1 / d, "xo": -lam * r["b", "x"] / d, "ox": -lam * r["a", "x"] / d,
           "yo": r["b", "y"] / d, "oy": r["a", "y"] / d,
           "oo": (lam * r["a", "x"] * r["b", "x"] - r["a", "y"] * r["b", "y"]) / d}
    a1b1 = _poisson(a["x"], 1) * _poisson(b["x"], 1)
    tau = (b["o"] + a["o"] * b["x"] / (a["x"] - a["o"])) / (b["x"] - b["o"])
    half = (1 + tau) / (2 * a1b1)
    se11 = {"xx_err": 1 / a1b1, "xx": tau / (2 * a1b1), "xo": -r["b", "x"] * half, "ox": -r["a", "x"] * half,
            "oo": r["a", "x"] * r["b", "x"] * half}
    return s11, se11


def _merged(coefficients: Mapping) -> dict[str, float]:
    """Coefficients on the symmetric sums: equal sides give equal ``"xo"``/``"ox"`` (``"yo"``/``"oy"``) terms."""
    out = {k: v for k, v in coefficients.items() if k not in ("xo", "ox", "yo", "oy")}
    for pair in ("xo", "yo"):
        if pair in coefficients:
            out[f"{pair}+{pair[::-1]}"] = coefficients[pair]
    return out


def settings_coefficients(settings: MDISettings) -> tuple[dict[str, float], dict[str, float]]:
    """:func:`decoy_weights` keyed by ``settings.observables`` (the sums for a symmetric protocol)."""
    s11, se11 = decoy_weights(settings.intensities_a, settings.intensities_b)
    return (_merged(s11), _merged(se11)) if settings.symmetric else (s11, se11)


def decoy_coefficients(intensities: Mapping) -> tuple[dict[str, float], dict[str, float]]:
    """:func:`decoy_weights` of ``intensities`` (flat, or keyed ``"alice", "bob"``); on the sums
    ``"xo+ox", "yo+oy"`` when both sides' intensities are equal.

    For o = 0 and equal sides, with D = a₁a'₁(a₁a'₂ − a'₁a₂) (a, a' the distributions of x and y):
    s₁₁ ≥ [a'₁a'₂ S_xx − a₁a₂ S_yy − a'₁a'₂a₀ (S_xo + S_ox) + a₁a₂a'₀ (S_yo + S_oy)
    + (a'₁a'₂a₀² − a₁a₂a'₀²) S_oo] / D and s₁₁e₁₁ ≤ [T_xx − a₀(S_xo + S_ox)/2 + a₀² S_oo/2] / a₁².

    References
    ----------
    Y.-H. Zhou, Z.-W. Yu, X.-B. Wang, Phys. Rev. A 93, 042324 (2016).
    """
    mu_a, mu_b = _per_side(intensities, "intensities")
    s11, se11 = decoy_weights(mu_a, mu_b)
    return (_merged(s11), _merged(se11)) if dict(mu_a) == dict(mu_b) else (s11, se11)


def s11_lower_bound(yields: Mapping, intensities: Mapping) -> float:
    """Closed-form lower bound on s₁₁ from exact X-basis yields (:func:`decoy_coefficients`)."""
    coeff, _ = decoy_coefficients(intensities)
    return float(sum(c * yields[k] for k, c in coeff.items()))


def e11_upper_bound(yields: Mapping, intensities: Mapping, s11: float | None = None) -> float:
    """Upper bound on e₁₁ = (s₁₁e₁₁)ᵁ / s₁₁ᴸ, capped at 1/2 (:func:`decoy_coefficients`)."""
    _, coeff = decoy_coefficients(intensities)
    s11 = s11_lower_bound(yields, intensities) if s11 is None else s11
    if s11 <= 0:
        return 0.5
    return float(min(sum(c * yields[k] for k, c in coeff.items()) / s11, 0.5))


def _observable_weights(key, mu_a, mu_b, n_max):
    """a^α_n b^β_m over n, m ≤ n_max (summed over both orders for "αo+oα")."""
    n = np.arange(n_max + 1)
    if "+" in key:
        return _observable_weights(key[:2], mu_a, mu_b, n_max) + _observable_weights(key[3:], mu_a, mu_b, n_max)
    return np.outer(_poisson(mu_a[key[0]], n), _poisson(mu_b[key[1]], n))


def s11_lower_bound_lp(yields: Mapping, intensities: Mapping, n_max: int = 12) -> float:
    """Lower bound on s₁₁ by linear programming over the photon-number yields s_nm ∈ [0, 1], n, m ≤ N.

    minimize s₁₁ subject to Σ_{n,m≤N} w_nm s_nm ≤ S_k ≤ Σ_{n,m≤N} w_nm s_nm + (Σ w − Σ_{n,m≤N} w) for
    every X-basis observable k, w_nm = a^α_n b^β_m; the truncation tail enters with the worst-case
    yield 1, so the bound is valid for any N but loosened by an absolute ~P(n > N) (1e-19 at N = 12 for
    intensities ≤ 0.2). Solved with :func:`scipy.optimize.linprog` (HiGHS) in units of the largest yield.
    It uses the same data as :func:`s11_lower_bound` and is at least as tight up to the tail and the LP's
    feasibility tolerance: at extreme loss ratios (0/17 dB, y/x = 2) it can fall ≈ 1e-6 (relative) below the
    closed form, which stays valid; both are lower bounds.
    ``intensities`` as in :func:`decoy_coefficients`.

    References
    ----------
    Y.-H. Zhou, Z.-W. Yu, X.-B. Wang, Phys. Rev. A 93, 042324 (2016) (the observables; the LP is ours).
    """
    mu_a, mu_b = _per_side(intensities, "intensities")
    keys = X_OBSERVABLES if dict(mu_a) == dict(mu_b) else SPLIT_OBSERVABLES
    size = (n_max + 1) ** 2
    # yields are ~η_aη_b ≪ 1: work in units of the largest observed yield, rows normalized to unit rhs
    unit = max(max(yields[k] for k in keys), np.finfo(float).tiny)
    rows, upper = [], []
    for key in keys:
        w = _observable_weights(key, mu_a, mu_b, n_max).ravel()
        total = 2.0 if "+" in key else 1.0
        tail = max(total - w.sum(), 0.0) / unit
        value = yields[key] / unit
        norm = value if value > 1e-12 else 1.0
        rows += [w / norm, -w / norm]
        upper += [value / norm, (tail - value) / norm]
    objective = np.zeros(size)
    objective[n_max + 2] = 1.0
    result = linprog(objective, A_ub=np.array(rows), b_ub=np.array(upper), bounds=(0, 1 / unit), method="highs",
                     options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10})
    if not result.success:
        raise RuntimeError(f"decoy LP failed: {result.message}")
    return float(result.fun) * unit


_PAIRS = ("zz", "xx", "yy", "xo", "ox", "yo", "oy", "oo")


def expected_yields(link: MDILink, intensities: Mapping) -> dict[str, float]:
    """Model yields per pulse pair of every observable: ``"zz", "zz_err", "xx", "xx_err", "yy", "oo"``, the
    one-sided ``"xo", "ox", "yo", "oy"`` (Alice's source first) and their sums ``"xo+ox", "yo+oy"``.
    ``intensities`` flat or keyed ``"alice", "bob"``."""
    mu_a, mu_b = _per_side(intensities, "intensities")
    g = {pair: link.gains(mu_a[pair[0]], mu_b[pair[1]]) for pair in _PAIRS}
    out = {pair: float(g[pair].q_x) for pair in _PAIRS[1:]}
    out.update(zz=float(g["zz"].q_z), zz_err=float(g["zz"].eq_z), xx_err=float(g["xx"].eq_x),
               **{"xo+ox": out["xo"] + out["ox"], "yo+oy": out["yo"] + out["oy"]})
    return out


def pulse_pairs(total_pulse_pairs: float, probabilities: Mapping) -> dict[str, float]:
    """Pulse pairs N_k = N p^A_α p^B_β behind each observable (keys of :func:`expected_yields`); for the sums
    "αo+oα" (equal probabilities only) the count per order, N p_α p_o."""
    p_a, p_b = _per_side(probabilities, "probabilities")
    n = total_pulse_pairs
    out = {pair: n * p_a[pair[0]] * p_b[pair[1]] for pair in _PAIRS}
    out.update(zz_err=out["zz"], xx_err=out["xx"])
    if dict(p_a) == dict(p_b):
        out.update({"xo+ox": out["xo"], "yo+oy": out["yo"]})
    return out


def expected_counts(link: MDILink, intensities: Mapping, probabilities: Mapping,
                    total_pulse_pairs: float) -> dict[str, float]:
    """Expected detection counts ⟨n_k⟩ = N_k S_k of the protocol's observables (``count_keys`` of
    :func:`check_sides`; the input format of :func:`combchip.link.qkd.finite_key.estimate_from_counts`)."""
    settings = check_sides(intensities, probabilities)
    check_positive("total_pulse_pairs", total_pulse_pairs)
    y = expected_yields(link, settings.intensities)
    n = pulse_pairs(total_pulse_pairs, settings.probabilities)
    return {k: float(n[k] * y[k]) for k in settings.count_keys}


def sample_counts(link: MDILink, intensities: Mapping, probabilities: Mapping, total_pulse_pairs: float, *,
                  seed: int | np.random.Generator | None = None) -> dict[str, int]:
    """Counts drawn around :func:`expected_counts`: n_k ~ Poisson(⟨n_k⟩), errors ~ Binomial(n_k, E_k)."""
    rng = np.random.default_rng(seed)
    mean = expected_counts(link, intensities, probabilities, total_pulse_pairs)
    counts = {k: int(rng.poisson(v)) for k, v in mean.items() if not k.endswith("_err")}
    for k in ("zz", "xx"):
        rate = mean[f"{k}_err"] / mean[k] if mean[k] > 0 else 0.5
        counts[f"{k}_err"] = int(rng.binomial(counts[k], rate))
    return counts


def ideal_single_photon(link: MDILink) -> tuple[float, float]:
    """Exact (Y₁₁^Z, e₁₁^X) of the link: what an infinite number of decoys would estimate."""
    z = link.photon_number_yields(1, "Z")
    x = link.photon_number_yields(1, "X")
    return float(z["yield"][1, 1]), float(x["error_yield"][1, 1] / x["yield"][1, 1])


@dataclass(frozen=True)
class AsymptoticRate:
    """Asymptotic key rate of four-intensity MDI-QKD and the estimates behind it (:func:`asymptotic_rate`)."""

    key_rate_per_pulse: float = quantity("bit/pulse pair", "key rate R, clipped at 0")
    key_rate_raw: float = quantity("bit/pulse pair", "key rate R, unclipped")
    clipped: bool = quantity("", "True when a negative R was clipped to 0")
    s11: float = quantity("1", "single-photon-pair yield s₁₁ (lower bound, or exact for decoy='infinite')")
    e11: float = quantity("1", "single-photon-pair X-basis error rate e₁₁ (upper bound, or exact)")
    q_zz: float = quantity("1", "gain Q_zz of the zz source pair (announced BSM per pulse pair)")
    e_zz: float = quantity("1", "quantum bit-error rate E_zz of the zz source pair")


def asymptotic_rate(link: MDILink, intensities: Mapping = SYSTEM_A.intensities,
                    probabilities: Mapping = SYSTEM_A.probabilities,
                    f: float = SYSTEM_A.error_correction_efficiency,
                    decoy: DecoyMethod = "four-intensity") -> AsymptoticRate:
    """Asymptotic key rate per pulse pair of four-intensity MDI-QKD.

        R = p^A_z p^B_z [a^z_1 b^z_1 s₁₁ (1 − h(e₁₁)) − f Q_zz h(E_zz)],   a^z_1 = z_A e^(−z_A), b^z_1 likewise,

    i.e. R = Q₁₁ᶻ[1 − h(e₁₁ˣ)] − f Q_zz h(E_zz) per pulse pair. Negative R is clipped to 0 and flagged.

    Parameters
    ----------
    link : MDILink
    intensities, probabilities : mapping
        Keyed ``"z", "y", "x", "o"`` for both sides, or ``"alice", "bob"`` per side (:func:`check_sides`).
    f : float
        Error-correction inefficiency (≥ 1).
    decoy : {"four-intensity", "lp", "infinite"}
        s₁₁ and e₁₁ from the closed-form decoy bounds, from the LP over photon-number yields
        (:func:`s11_lower_bound_lp`), or their exact values (:func:`ideal_single_photon`).

    Returns
    -------
    AsymptoticRate

    References
    ----------
    Y.-H. Zhou, Z.-W. Yu, X.-B. Wang, Phys. Rev. A 93, 042324 (2016);
    W. Wang, F. Xu, H.-K. Lo, Phys. Rev. X 9, 041012 (2019).
    """
    settings = check_sides(intensities, probabilities)
    check_range("f", f, 1.0, np.inf)
    check_choice("decoy", decoy, DecoyMethod)
    mu = settings.intensities
    y = expected_yields(link, mu)
    if decoy == "infinite":
        s11, e11 = ideal_single_photon(link)
    else:
        s11 = (s11_lower_bound if decoy == "four-intensity" else s11_lower_bound_lp)(y, mu)
        e11 = e11_upper_bound(y, mu, s11)
    s11 = max(s11, 0.0)
    a1b1 = _poisson(settings.intensities_a["z"], 1) * _poisson(settings.intensities_b["z"], 1)
    e_zz = y["zz_err"] / y["zz"]
    p_zz = settings.probabilities_a["z"] * settings.probabilities_b["z"]
    raw = p_zz * (a1b1 * s11 * (1 - binary_entropy(e11)) - f * y["zz"] * binary_entropy(e_zz))
    return AsymptoticRate(key_rate_per_pulse=float(max(raw, 0.0)), key_rate_raw=float(raw), clipped=bool(raw < 0),
                          s11=float(s11), e11=float(e11), q_zz=float(y["zz"]), e_zz=float(e_zz))
