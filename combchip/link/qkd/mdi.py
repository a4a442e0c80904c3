"""Four-intensity decoy-state MDI-QKD: decoy estimation, asymptotic key rate, parameter optimisation.

Protocol (Zhou, Yu & Wang 2016): Alice and Bob each send, independently, a phase-randomized weak
coherent pulse from one of four sources

- o: vacuum (probability p_o);
- x, y: X-basis decoys of intensity x < y (p_x, p_y);
- z: Z-basis signal of intensity z (p_z).

The key is distilled from the zz events only. The single-photon-pair yield s₁₁ and its X-basis error
e₁₁ are estimated from the X-basis sources {o, x, y}. Both users use the same intensity set, so only
the symmetric sums S_xo + S_ox, S_yo + S_oy of the one-sided yields enter (keys ``"xo+ox"``, ``"yo+oy"``).
Throughout, a "yield" S_αβ is the probability of an announced BSM per pulse pair of source pair αβ, and
a_k = e^(−x)x^k/k!, a'_k = e^(−y)y^k/k! are the photon-number distributions of x and y.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import xarray as xr
from scipy.optimize import linprog, minimize, minimize_scalar
from scipy.special import entr, expit, logit, softmax
from scipy.stats import poisson

from ...systems.published import SYSTEM_A
from ...validation import check_positive, check_range
from .bounds import _check_array, plob
from .channel import Detector, MDILink

SOURCES = ("z", "y", "x", "o")
X_OBSERVABLES = ("xx", "yy", "xo+ox", "yo+oy", "oo")



def binary_entropy(p):
    """h(p) = −p log₂ p − (1 − p) log₂(1 − p), from :func:`scipy.special.entr`."""
    p = np.asarray(p, dtype=float)
    value = (entr(p) + entr(1 - p)) / np.log(2)
    return float(value) if value.ndim == 0 else value


def check_protocol(intensities: Mapping, probabilities: Mapping) -> tuple[dict, dict]:
    """Validate the four-intensity settings; return them as float dicts keyed ``"z", "y", "x", "o"``.

    Requires o = 0 (vacuum), 0 < x < y, z > 0, probabilities in [0, 1] summing to 1 (±1e-9) and
    p_z, p_x, p_y, p_o > 0 where a bound needs them.
    """
    for name, table in (("intensities", intensities), ("probabilities", probabilities)):
        if not isinstance(table, Mapping) or set(table) != set(SOURCES):
            raise ValueError(f"{name} must be a mapping with keys {SOURCES}, got {table!r}")
    mu = {k: check_range(f"intensities[{k!r}]", intensities[k], 0.0, np.inf) for k in SOURCES}
    if mu["o"] != 0.0:
        raise ValueError(f"intensities['o'] = {mu['o']!r} must be 0 (the vacuum source)")
    check_range("intensities['x']", mu["x"], 0.0, mu["y"], low_open=True, high_open=True)
    check_positive("intensities['z']", mu["z"])
    prob = {k: check_range(f"probabilities[{k!r}]", probabilities[k], 0.0, 1.0, low_open=True) for k in SOURCES}
    total = sum(prob.values())
    if abs(total - 1.0) > 1e-9:
        raise ValueError(f"probabilities must sum to 1, got {total!r}")
    return mu, prob


def _poisson(mu, n):
    return poisson.pmf(n, mu)


def decoy_coefficients(intensities: Mapping) -> tuple[dict, dict]:
    """Linear coefficients of the single-photon-pair bounds on the X-basis yields.

    With D = a₁a'₁(a₁a'₂ − a'₁a₂) > 0 for x < y,

        s₁₁ ≥ [a'₁a'₂ S_xx − a₁a₂ S_yy − a'₁a'₂a₀ (S_xo + S_ox) + a₁a₂a'₀ (S_yo + S_oy)
               + (a'₁a'₂a₀² − a₁a₂a'₀²) S_oo] / D,

    since every photon-number pair with n + m ≥ 3 enters a'₁a'₂ a_n a_m − a₁a₂ a'_n a'_m ≤ 0 times s_nm ≥ 0
    after the vacuum terms cancel. With e_0m = e_n0 = 1/2 (a vacuum carries no bit),

        s₁₁e₁₁ ≤ [T_xx − a₀(S_xo + S_ox)/2 + a₀² S_oo/2] / a₁²,

    T_xx the error yield of xx.

    Returns
    -------
    (dict, dict)
        Coefficients of s₁₁ on ``X_OBSERVABLES``; coefficients of s₁₁e₁₁ on ``"xx_err", "xo+ox", "oo"``.

    References
    ----------
    Y.-H. Zhou, Z.-W. Yu, X.-B. Wang, Phys. Rev. A 93, 042324 (2016).
    """
    x, y = intensities["x"], intensities["y"]
    a0, a1, a2 = (_poisson(x, k) for k in range(3))
    b0, b1, b2 = (_poisson(y, k) for k in range(3))
    d = a1 * b1 * (a1 * b2 - b1 * a2)
    s11 = {"xx": b1 * b2 / d, "yy": -a1 * a2 / d, "xo+ox": -b1 * b2 * a0 / d, "yo+oy": a1 * a2 * b0 / d,
           "oo": (b1 * b2 * a0**2 - a1 * a2 * b0**2) / d}
    se11 = {"xx_err": 1 / a1**2, "xo+ox": -a0 / (2 * a1**2), "oo": a0**2 / (2 * a1**2)}
    return s11, se11


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


def _observable_weights(key, intensities, n_max):
    """P_α(n)P_β(m) over n, m ≤ n_max (summed over both orders for "αo+oα")."""
    n = np.arange(n_max + 1)
    mu = {k: intensities[k] for k in SOURCES}
    if "+" in key:
        alpha = key[0]
        one = _poisson(mu[alpha], n)
        vac = (n == 0).astype(float)
        return np.outer(one, vac) + np.outer(vac, one)
    return np.outer(_poisson(mu[key[0]], n), _poisson(mu[key[1]], n))


def s11_lower_bound_lp(yields: Mapping, intensities: Mapping, n_max: int = 12) -> float:
    """Lower bound on s₁₁ by linear programming over the photon-number yields s_nm ∈ [0, 1], n, m ≤ N.

    minimize s₁₁ subject to Σ_{n,m≤N} w_nm s_nm ≤ S_k ≤ Σ_{n,m≤N} w_nm s_nm + (Σ w − Σ_{n,m≤N} w) for
    every X-basis observable k, w_nm = P_α(n)P_β(m); the truncation tail enters with the worst-case
    yield 1, so the bound is valid for any N but loosened by an absolute ~P(n > N) (1e-19 at N = 12 for
    intensities ≤ 0.2). Solved with :func:`scipy.optimize.linprog` (HiGHS) in units of the largest yield.
    It uses the same data as :func:`s11_lower_bound` and is as tight up to the tail.

    References
    ----------
    Y.-H. Zhou, Z.-W. Yu, X.-B. Wang, Phys. Rev. A 93, 042324 (2016) (the observables; the LP is ours).
    """
    size = (n_max + 1) ** 2
    # yields are ~η_aη_b ≪ 1: work in units of the largest observed yield, rows normalized to unit rhs
    unit = max(max(yields[k] for k in X_OBSERVABLES), np.finfo(float).tiny)
    rows, upper = [], []
    for key in X_OBSERVABLES:
        w = _observable_weights(key, intensities, n_max).ravel()
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


def expected_yields(link: MDILink, intensities: Mapping) -> dict:
    """Model yields of all observables of the protocol (keys of :func:`expected_counts`, per pulse pair)."""
    mu = intensities
    g = {pair: link.gains(mu[pair[0]], mu[pair[1]]) for pair in ("zz", "xx", "yy", "xo", "ox", "yo", "oy", "oo")}
    return {"zz": g["zz"].q_z, "zz_err": g["zz"].eq_z, "xx": g["xx"].q_x, "xx_err": g["xx"].eq_x, "yy": g["yy"].q_x,
            "xo+ox": g["xo"].q_x + g["ox"].q_x, "yo+oy": g["yo"].q_x + g["oy"].q_x, "oo": g["oo"].q_x}


def pulse_pairs(total_pulse_pairs: float, probabilities: Mapping) -> dict:
    """Pulse pairs N_k = N p_α p_β behind each observable; for "αo+oα" the count per order, N p_α p_o."""
    p, n = probabilities, total_pulse_pairs
    return {"zz": n * p["z"] ** 2, "zz_err": n * p["z"] ** 2, "xx": n * p["x"] ** 2, "xx_err": n * p["x"] ** 2,
            "yy": n * p["y"] ** 2, "xo+ox": n * p["x"] * p["o"], "yo+oy": n * p["y"] * p["o"], "oo": n * p["o"] ** 2}


def expected_counts(link: MDILink, intensities: Mapping, probabilities: Mapping, total_pulse_pairs: float) -> dict:
    """Expected detection counts ⟨n_k⟩ = N_k S_k of every observable (the input format of
    :func:`combchip.link.qkd.finite_key.estimate_from_counts`)."""
    intensities, probabilities = check_protocol(intensities, probabilities)
    check_positive("total_pulse_pairs", total_pulse_pairs)
    y = expected_yields(link, intensities)
    n = pulse_pairs(total_pulse_pairs, probabilities)
    return {k: float(n[k] * y[k]) for k in y}


def sample_counts(link: MDILink, intensities: Mapping, probabilities: Mapping, total_pulse_pairs: float, *,
                  seed=None) -> dict:
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


def asymptotic_rate(link: MDILink, intensities: Mapping = SYSTEM_A.intensities,
                    probabilities: Mapping = SYSTEM_A.probabilities, f: float = 1.16,
                    decoy: str = "four-intensity") -> dict:
    """Asymptotic key rate per pulse pair of four-intensity MDI-QKD.

        R = p_z² [a₁ᶻ² s₁₁ (1 − h(e₁₁)) − f Q_zz h(E_zz)],   a₁ᶻ = z e^(−z),

    i.e. R = Q₁₁ᶻ[1 − h(e₁₁ˣ)] − f Q_zz h(E_zz) per pulse pair with Q₁₁ᶻ = p_z²a₁ᶻ²s₁₁. Negative R is
    clipped to 0 and flagged.

    Parameters
    ----------
    link : MDILink
    intensities, probabilities : mapping
        Keyed ``"z", "y", "x", "o"`` (:func:`check_protocol`).
    f : float
        Error-correction inefficiency (≥ 1).
    decoy : {"four-intensity", "lp", "infinite"}
        s₁₁ and e₁₁ from the closed-form decoy bounds, from the LP over photon-number yields
        (:func:`s11_lower_bound_lp`), or their exact values (:func:`ideal_single_photon`).

    Returns
    -------
    dict
        ``key_rate_per_pulse``, ``key_rate_raw``, ``clipped``, ``s11``, ``e11``, ``q_zz``, ``e_zz``.

    References
    ----------
    Y.-H. Zhou, Z.-W. Yu, X.-B. Wang, Phys. Rev. A 93, 042324 (2016).
    """
    mu, prob = check_protocol(intensities, probabilities)
    check_range("f", f, 1.0, np.inf)
    y = expected_yields(link, mu)
    if decoy == "infinite":
        s11, e11 = ideal_single_photon(link)
    elif decoy == "four-intensity":
        s11 = s11_lower_bound(y, mu)
        e11 = e11_upper_bound(y, mu, s11)
    elif decoy == "lp":
        s11 = s11_lower_bound_lp(y, mu)
        e11 = e11_upper_bound(y, mu, s11)
    else:
        raise ValueError(f"decoy must be 'four-intensity', 'lp' or 'infinite', got {decoy!r}")
    s11 = max(s11, 0.0)
    a1z = _poisson(mu["z"], 1)
    e_zz = y["zz_err"] / y["zz"]
    raw = prob["z"] ** 2 * (a1z**2 * s11 * (1 - binary_entropy(e11)) - f * y["zz"] * binary_entropy(e_zz))
    return {"key_rate_per_pulse": float(max(raw, 0.0)), "key_rate_raw": float(raw), "clipped": bool(raw < 0),
            "s11": float(s11), "e11": float(e11), "q_zz": float(y["zz"]), "e_zz": float(e_zz)}


def unpack_settings(theta):
    """Intensities and probabilities from the optimizer's coordinates (:func:`pack_settings`)."""
    z, y = np.exp(theta[0]), np.exp(theta[1])
    x = y * expit(theta[2])
    p = softmax(np.append(theta[3:6], 0.0))
    return {"z": z, "y": y, "x": x, "o": 0.0}, dict(zip(SOURCES, p))


def pack_settings(intensities, probabilities):
    """Unconstrained coordinates (log z, log y, logit(x/y), log(p_z/p_o), log(p_y/p_o), log(p_x/p_o)) of a
    four-intensity protocol with o = 0 < x < y."""
    p = np.array([probabilities[k] for k in SOURCES])
    return np.concatenate([[np.log(intensities["z"]), np.log(intensities["y"]),
                            logit(intensities["x"] / intensities["y"])], np.log(p[:3] / p[3])])


def optimize_parameters(link: MDILink, total_pulse_pairs: float | None = None, *, eps: float = 1e-10,
                        f: float = 1.16, initial: tuple[Mapping, Mapping] | None = None, method: str = "joint",
                        joint_constraints: bool = True, maxiter: int = 2000, xatol: float = 1e-4,
                        fatol: float = 1e-7) -> dict:
    """Intensities and probabilities that maximize the key rate of ``link``.

    With ``total_pulse_pairs``: the finite-key rate (:func:`combchip.link.qkd.finite_key.finite_key_rate`)
    is maximized by Nelder–Mead (:func:`scipy.optimize.minimize`) over the unconstrained coordinates
    (log z, log y, logit(x/y), log(p_z/p_o), log(p_y/p_o), log(p_x/p_o)), which keep o = 0 < x < y and
    Σp = 1; the objective is the unclipped rate, so that it has a slope where the key is zero.
    ``xatol`` (in those coordinates) and ``fatol`` (relative to the starting rate) stop the search; a
    warm start near the optimum tolerates 1e-2 and 1e-4. Without ``total_pulse_pairs`` (asymptotic
    limit) the decoys cost nothing, the optimum is the degenerate x, y → 0,
    p_z → 1, and only the signal intensity z is optimized (bounded scalar search,
    :func:`scipy.optimize.minimize_scalar`), the other settings held at ``initial``.

    Returns
    -------
    dict
        ``intensities``, ``probabilities``, ``key_rate_per_pulse`` (clipped), ``key_rate_raw``,
        ``initial_rate`` and the optimizer's ``result``.

    References
    ----------
    F. Xu, H. Xu, H.-K. Lo, Phys. Rev. A 89, 052333 (2014) (parameter optimisation of MDI-QKD).
    """
    from .finite_key import finite_key_rate  # finite_key imports this module

    start = initial if initial is not None else (SYSTEM_A.intensities, SYSTEM_A.probabilities)
    mu0, p0 = check_protocol(*start)
    check_range("maxiter", maxiter, 1, np.inf)
    check_positive("xatol", xatol)
    check_positive("fatol", fatol)

    if total_pulse_pairs is None:
        r0 = asymptotic_rate(link, mu0, p0, f)["key_rate_raw"]
        scale = abs(r0) if r0 != 0 else 1.0
        result = minimize_scalar(lambda z: -asymptotic_rate(link, {**mu0, "z": z}, p0, f)["key_rate_raw"] / scale,
                                 bounds=(mu0["y"] * (1 + 1e-6), 5.0), method="bounded",
                                 options={"maxiter": int(maxiter), "xatol": 1e-6})
        mu, p, best = {**mu0, "z": float(result.x)}, p0, -result.fun * scale
    else:
        check_positive("total_pulse_pairs", total_pulse_pairs)

        def rate(mu, p):
            out = finite_key_rate(link, mu, p, total_pulse_pairs, eps=eps, f=f, method=method,
                                  joint_constraints=joint_constraints)
            return out["key_length"] / total_pulse_pairs

        r0 = rate(mu0, p0)
        scale = abs(r0) if r0 != 0 else 1.0

        def objective(theta):
            if not np.all(np.isfinite(theta)) or np.any(np.abs(theta) > 30):
                return np.inf
            return -rate(*unpack_settings(theta)) / scale

        result = minimize(objective, pack_settings(mu0, p0), method="Nelder-Mead",
                          options={"maxiter": int(maxiter), "xatol": xatol, "fatol": fatol, "adaptive": True})
        mu, p = unpack_settings(result.x)
        best = -result.fun * scale
    if best < r0:
        mu, p, best = mu0, p0, r0
    return {"intensities": {k: float(v) for k, v in mu.items()}, "probabilities": {k: float(v) for k, v in p.items()},
            "key_rate_per_pulse": max(best, 0.0), "key_rate_raw": float(best), "initial_rate": float(r0),
            "result": result}


def rate_vs_loss(loss_db, detector: Detector, *, v_hom: float, e_d_z: float = 0.0,
                 intensities: Mapping = SYSTEM_A.intensities, probabilities: Mapping = SYSTEM_A.probabilities,
                 f: float = 1.16, total_pulse_pairs: float | None = None, eps: float = 1e-10,
                 encoding: str = "time-bin", bsm: str | None = None) -> xr.Dataset:
    """Key rate per pulse pair against the user-to-user channel loss, split equally between the users.

    Holds the asymptotic rate (closed-form decoy bounds and infinite decoys), the finite-key rate when
    ``total_pulse_pairs`` is given, and PLOB/TGW of the end-to-end transmittance η_aη_b.
    """
    loss = np.atleast_1d(_check_array("loss_db", loss_db, 0.0, np.inf, "dB"))
    from .finite_key import finite_key_rate

    names = ["asymptotic", "infinite_decoy"] + (["finite"] if total_pulse_pairs is not None else [])
    rates = {k: np.zeros(loss.size) for k in names}
    eta = np.zeros(loss.size)
    for i, total in enumerate(loss):
        link = MDILink.from_losses(total / 2, total / 2, detector, v_hom=v_hom, e_d_z=e_d_z, encoding=encoding,
                                   bsm=bsm)
        eta[i] = link.eta_a * link.eta_b
        rates["asymptotic"][i] = asymptotic_rate(link, intensities, probabilities, f)["key_rate_per_pulse"]
        rates["infinite_decoy"][i] = asymptotic_rate(link, intensities, probabilities, f,
                                                     decoy="infinite")["key_rate_per_pulse"]
        if total_pulse_pairs is not None:
            rates["finite"][i] = finite_key_rate(link, intensities, probabilities, total_pulse_pairs, eps=eps,
                                                 f=f)["key_rate_per_pulse"]
    data = {f"rate_{k}": ("loss_db", v, {"units": "bit/pulse pair", "long_name": f"{k} key rate"})
            for k, v in rates.items()}
    data["plob"] = ("loss_db", plob(eta), {"units": "bit/pulse pair", "long_name": "PLOB bound of η_aη_b"})
    data["eta"] = ("loss_db", eta, {"units": "1", "long_name": "end-to-end transmittance η_aη_b"})
    attrs = {"detector_efficiency": detector.efficiency, "dark_count_probability": detector.dark_count_probability,
             "v_hom": v_hom, "e_d_z": e_d_z, "f": f, "eps": eps, "encoding": encoding,
             "total_pulse_pairs": np.nan if total_pulse_pairs is None else float(total_pulse_pairs),
             **{f"intensity_{k}": float(v) for k, v in intensities.items()},
             **{f"probability_{k}": float(v) for k, v in probabilities.items()}}
    return xr.Dataset(data, coords={"loss_db": ("loss_db", loss, {"units": "dB", "long_name": "user-to-user loss"})},
                      attrs=attrs)
