"""Two-photon interference of weak coherent pulses: mode overlap, HOM and time-bin Bell-state visibility.

Model, in SI units (s, Hz; angular frequencies only inside, as ω = 2πν):

1. Mode overlap M = ⟨|⟨ψ_A|ψ_B⟩|²⟩ of two transform-limited pulses with normalized field envelopes
   E_A, E_B (∫|E|² dt = 1), a product of factors

       M = M_dur · M_freq · M_delay · M_pn · M_pol,

   where the first three come from |∫ E_A(t) E_B(t − δt) e^{−iΔω t} dt|² averaged over a Gaussian
   frequency offset Δν ~ N(Δν₀, σ_ν²) and a Gaussian relative delay δt ~ N(δt₀, σ_t²) (timing jitter),
   M_pn is the average over the Wiener phase noise of two Lorentzian lines, and M_pol = |⟨p_A|p_B⟩|².
   For Gaussian pulses every factor is closed form. M_pn is taken with the matched-pulse weight
   E_A E_B; for Gaussian pulses this is exact at any delay and jitter when Δν = 0, and otherwise off by
   a term of order (1 − M_freq)(1 − M_pn).
2. Detection: 50:50 beam splitter, two threshold detectors of efficiency η and dark-count probability
   p_d per gate, phase-randomized coherent inputs μ_a, μ_b. The coincidence probabilities are exact
   for Poisson light (Moschandreou et al. 2018); their weak-pulse limit is V = M·2μ_aμ_b/(μ_a+μ_b)².
3. Time-bin Bell-state measurement: |Ψ⁻⟩ is announced for a click in detector c in one bin and in
   detector d in the other (only one detector per bin). X-basis states that differ in the early/late
   phase θ by π are anticorrelated; the visibility V_BSM = (C_opp − C_same)/(C_opp + C_same) = 1 − 2e_X
   needs in addition the early/late coherence c of each source over the bin separation.

References
----------
C. K. Hong, Z. Y. Ou and L. Mandel, PRL 59, 2044 (1987).
J. G. Rarity, P. R. Tapster and R. Loudon, J. Opt. B 7, S171 (2005) (HOM of independent weak coherent states).
E. Moschandreou et al., J. Lightwave Technol. 36, 3752 (2018) (threshold-detector HOM of phase-randomized WCS).
X. Ma and M. Razavi, PRA 86, 062319 (2012) (MDI-QKD with phase-randomized coherent states, threshold detectors).
C. H. Henry, IEEE J. Quantum Electron. 18, 259 (1982) (Lorentzian line, Wiener phase diffusion).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import astuple, dataclass
from typing import Literal, get_args

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike
from scipy.integrate import dblquad, quad, quad_vec
from scipy.special import erfcx, i0, iv

from ..validation import check_choice, check_nonnegative, check_positive, check_range
from .records import quantity

__all__ = [
    "SHAPES",
    "OverlapFactors",
    "bsm_visibility_time_bin",
    "hom_dip",
    "hom_visibility",
    "mode_overlap",
    "overlap_factors",
    "overlap_from_lines",
    "phase_noise_factor",
    "sech2_autocorrelation",
    "time_bin_coherence",
]

Shape = Literal["gaussian", "sech2"]
"""Pulse intensity shapes: Gaussian and sech² (soliton-like)."""
SHAPES = get_args(Shape)
Model = Literal["threshold", "weak"]
"""Detection models: exact threshold detectors, or their weak-pulse limit."""

_LN2 = math.log(2.0)
_SECH_FWHM = 2.0 * math.acosh(math.sqrt(2.0))   # intensity FWHM of sech²(t/T) in units of T (1.7627)
_NORMAL_SPAN = 12.0                             # ±12 σ: the Gaussian tail beyond is < 1e-32
_ENVELOPE_SPAN = 45.0                           # sech(45) < 6e-20: field overlap integrals are cut here
_MU_MAX = 100.0
_HERMITE = (lambda x, w: (x, w / w.sum()))(*np.polynomial.hermite_e.hermegauss(96))


# ----------------------------------------------------------------------------- checks
def _check_intensities(mu_a, mu_b, dark_count) -> tuple[float, float]:
    mu_a = check_range("mu_a", mu_a, 0.0, _MU_MAX, "photons")
    mu_b = check_range("mu_b", mu_b, 0.0, _MU_MAX, "photons")
    if mu_a + mu_b == 0.0 and dark_count == 0.0:
        raise ValueError("mu_a + mu_b = 0 with dark_count = 0: no clicks, the visibility is undefined")
    return mu_a, mu_b


def _check_detection(dark_count, efficiency) -> tuple[float, float]:
    dark_count = check_range("dark_count", dark_count, 0.0, 1.0, "per gate", high_open=True)
    efficiency = check_range("efficiency", efficiency, 0.0, 1.0, low_open=True)
    return dark_count, efficiency


def _jones_overlap(jones) -> float:
    try:
        ja, jb = (np.asarray(j, dtype=complex).reshape(-1) for j in jones)
    except (TypeError, ValueError):
        raise ValueError(f"jones must be a pair of 2-component Jones vectors, got {jones!r}") from None
    if ja.size != 2 or jb.size != 2 or not (np.all(np.isfinite(ja)) and np.all(np.isfinite(jb))):
        raise ValueError(f"jones must be a pair of finite 2-component Jones vectors, got {jones!r}")
    norm = np.vdot(ja, ja).real * np.vdot(jb, jb).real
    if norm == 0.0:
        raise ValueError(f"jones vectors must be non-zero, got {jones!r}")
    return float(abs(np.vdot(ja, jb)) ** 2 / norm)


# ----------------------------------------------------------------------------- envelopes
def _field(shape: str, fwhm: float):
    """Normalized field envelope E(t) [s^-1/2] with intensity FWHM ``fwhm``."""
    if shape == "gaussian":
        a = 2.0 * _LN2 / fwhm**2
        norm = (2.0 * a / np.pi) ** 0.25
        return lambda t: norm * np.exp(-a * np.square(t))
    width = fwhm / _SECH_FWHM
    norm = 1.0 / math.sqrt(2.0 * width)

    def sech(t):
        x = np.exp(-np.abs(t) / width)
        return norm * 2.0 * x / (1.0 + x * x)

    return sech


def _shc(x):
    """sinh(x)/x, 1 at x = 0."""
    x = np.abs(np.asarray(x, dtype=float))
    with np.errstate(over="ignore", invalid="ignore"):
        return np.where(x < 1e-4, 1.0 + x * x / 6.0, np.sinh(x) / np.where(x == 0.0, 1.0, x))


def _spectral_temporal(shape: str, tau_a: float, tau_b: float, delay, domega):
    """|∫ E_A(t) E_B(t − δt) e^{−iΔω t} dt|² for fixed δt [s] and Δω [rad/s] (broadcast).

    Gaussian: (2τ_Aτ_B/(τ_A²+τ_B²))·exp(−Δω²τ_A²τ_B²/(4 ln2 (τ_A²+τ_B²)))·exp(−4 ln2 δt²/(τ_A²+τ_B²)).
    sech², τ_A = τ_B = 1.7627 T: [sinc(Δω δt/2π) / (shc(πΔωT/2)·shc(δt/T))]², shc(x) = sinh(x)/x, from
    sech x sech(x − d) = (tanh x − tanh(x − d))/sinh d and ∫ tanh x e^{−iΩx} dx = −iπ/sinh(πΩ/2).
    sech², τ_A ≠ τ_B: adaptive quadrature.
    """
    delay = np.asarray(delay, dtype=float)
    domega = np.asarray(domega, dtype=float)
    if shape == "gaussian":
        s2 = tau_a**2 + tau_b**2
        return (2 * tau_a * tau_b / s2) * np.exp(-(domega**2) * tau_a**2 * tau_b**2 / (4 * _LN2 * s2)
                                                 - 4 * _LN2 * delay**2 / s2)
    if tau_a == tau_b:
        width = tau_a / _SECH_FWHM
        with np.errstate(over="ignore"):
            amp = np.sinc(domega * delay / (2 * np.pi)) / (_shc(np.pi * domega * width / 2) * _shc(delay / width))
        return amp**2
    return _overlap_numeric(_field(shape, tau_a), _field(shape, tau_b), max(tau_a, tau_b) / _SECH_FWHM, delay, domega)


def _overlap_numeric(field_a, field_b, scale: float, delay, domega):
    """|∫ E_A(t) E_B(t − δt) e^{−iΔω t} dt|² by vector adaptive quadrature over t (broadcast over δt, Δω)."""
    delay, domega = np.broadcast_arrays(np.asarray(delay, dtype=float), np.asarray(domega, dtype=float))
    d, w = delay.ravel(), domega.ravel()
    span = _ENVELOPE_SPAN * scale
    lo, hi = min(0.0, d.min()) - span, max(0.0, d.max()) + span

    def integrand(t):
        g = field_a(t) * field_b(t - d)
        return np.concatenate([g * np.cos(w * t), g * np.sin(w * t)])

    points = sorted({0.0, *np.unique(d)[:50]})
    value = quad_vec(integrand, lo, hi, points=points, epsabs=1e-13, epsrel=1e-11, norm="max", limit=20000)[0]
    re, im = value[: d.size], value[d.size :]
    return (re * re + im * im).reshape(delay.shape)


def _average_at(fn, mean: float, sigma: float, feature: float):
    """⟨fn(x)⟩ for x ~ N(mean, σ²), scalar x, array-valued fn whose peak is at x = 0 with width ``feature``.

    σ ≤ feature/2: 96-node Gauss–Hermite rule (fn smooth on the scale σ). Otherwise adaptive vector
    quadrature over ±12σ with a break point at x = 0, so that a peak narrower than σ is not stepped over.
    """
    if sigma == 0.0:
        return fn(mean)
    if sigma <= 0.5 * feature:
        nodes, weights = _HERMITE
        return sum(w * fn(mean + sigma * x) for x, w in zip(nodes, weights))
    peak = -mean / sigma
    points = [peak] if abs(peak) < _NORMAL_SPAN else None
    integrand = lambda z: math.exp(-0.5 * z * z) * fn(mean + sigma * z)  # noqa: E731
    return quad_vec(integrand, -_NORMAL_SPAN, _NORMAL_SPAN, points=points, epsabs=1e-15, epsrel=1e-10,
                    norm="max", limit=2000)[0] / math.sqrt(2 * math.pi)


def _average_each(fn, mean, sigma: float, feature: float):
    """⟨fn(x)⟩ for x ~ N(mean_k, σ²) for every element of ``mean``; fn is elementwise on arrays."""
    mean = np.asarray(mean, dtype=float)
    if sigma == 0.0:
        return fn(mean)
    if sigma <= 0.5 * feature:
        nodes, weights = _HERMITE
        return np.sum(weights * fn(mean[..., None] + sigma * nodes), axis=-1)
    values = [_average_at(lambda x: fn(np.asarray(x)), m, sigma, feature) for m in mean.ravel()]
    return np.reshape(values, mean.shape)


def _gaussian_average(k: float, mean, sigma: float):
    """⟨exp(−k x²)⟩ for x ~ N(mean, σ²) = (1 + 2kσ²)^(−1/2) exp(−k·mean²/(1 + 2kσ²))."""
    g = 1.0 + 2.0 * k * sigma**2
    return np.exp(-k * np.square(mean) / g) / np.sqrt(g)


def _timing_spectral_factors(shape, tau_a, tau_b, delay, frequency_offset, frequency_noise_sigma, jitter):
    """(M_dur, M_freq, M_delay) arrays over ``delay``; see :func:`overlap_factors`."""
    delay = np.asarray(delay, dtype=float)
    w0, sw = 2 * np.pi * frequency_offset, 2 * np.pi * frequency_noise_sigma
    if shape == "gaussian":
        s2 = tau_a**2 + tau_b**2
        dur = 2 * tau_a * tau_b / s2
        freq = _gaussian_average(tau_a**2 * tau_b**2 / (4 * _LN2 * s2), w0, sw)
        return np.full(delay.shape, dur), np.full(delay.shape, float(freq)), _gaussian_average(4 * _LN2 / s2, delay, jitter)
    t_min, t_max = min(tau_a, tau_b) / _SECH_FWHM, max(tau_a, tau_b) / _SECH_FWHM

    def freq_avg(d):
        return _average_at(lambda w: _spectral_temporal(shape, tau_a, tau_b, d, w), w0, sw, 0.5 / t_max)

    dur = float(_spectral_temporal(shape, tau_a, tau_b, 0.0, 0.0))
    matched = float(freq_avg(0.0))
    full = np.asarray(_average_each(freq_avg, delay, jitter, t_min), dtype=float)
    freq = matched / dur if dur > 0.0 else 0.0
    return np.full(delay.shape, dur), np.full(delay.shape, freq), full / matched if matched > 0.0 else np.zeros_like(full)


# ----------------------------------------------------------------------------- phase noise
def phase_noise_factor(pulse_fwhm: float, linewidth_a: float, linewidth_b: float = 0.0, *,
                       pulse_fwhm_b: float | None = None, shape: Shape = "gaussian") -> float:
    """Overlap reduction by the phase noise of two independent Lorentzian lines.

    With Wiener phases, ⟨e^{i(Δφ(t) − Δφ(t'))}⟩ = exp(−γ|t − t'|), γ = π(Δν_A + Δν_B), so

        M_pn = ∫∫ p(t) p(t') exp(−γ|t − t'|) dt dt',   p = E_A E_B / ∫ E_A E_B,

    (p = |E|² for identical pulses). Gaussian pulses: t − t' ~ N(0, s²) with s² = (τ_A²τ_B²)/(2 ln2 (τ_A²+τ_B²)),
    so M_pn = erfcx(γ s/√2) ≈ 1 − γ s √(2/π) = 1 − γ⟨|t − t'|⟩ for γs ≪ 1. sech², equal durations:
    R(u) = ∫ p(t)p(t+u) dt = (d coth d − 1)/(T sinh² d), d = u/T, and M_pn = 2∫₀^∞ R(u) e^{−γu} du;
    unequal sech² durations: double quadrature.

    Parameters
    ----------
    pulse_fwhm : float
        Intensity FWHM τ_A of pulse A [s] (and of B unless ``pulse_fwhm_b``).
    linewidth_a, linewidth_b : float
        Lorentzian FWHM linewidths Δν_A, Δν_B of the two lines [Hz]. Two copies of one line that travel
        paths differing by much more than its coherence time count as two independent lines.
    pulse_fwhm_b : float, optional
        Intensity FWHM τ_B [s].
    shape : {"gaussian", "sech2"}

    Returns
    -------
    float
        M_pn in (0, 1].

    References
    ----------
    C. H. Henry, IEEE J. Quantum Electron. 18, 259 (1982).
    """
    tau_a = check_positive("pulse_fwhm", pulse_fwhm, "s")
    tau_b = tau_a if pulse_fwhm_b is None else check_positive("pulse_fwhm_b", pulse_fwhm_b, "s")
    gam = np.pi * (check_nonnegative("linewidth_a", linewidth_a, "Hz") + check_nonnegative("linewidth_b", linewidth_b, "Hz"))
    return _phase_noise(check_choice("shape", shape, Shape), tau_a, tau_b, gam)


def sech2_autocorrelation(d: ArrayLike) -> np.ndarray:
    """∫ sech²(x) sech²(x + d) dx / 4 = (d coth d − 1)/sinh² d, the intensity autocorrelation of sech² pulses
    (unit width, value 1/3 at d = 0); vectorized, with its series at small |d| and asymptote at large |d|."""
    d = np.abs(np.asarray(d, dtype=float))
    mid = np.clip(d, 1e-3, 350.0)
    with np.errstate(over="ignore"):
        value = (mid / np.tanh(mid) - 1.0) / np.sinh(mid) ** 2
    value = np.where(d < 1e-3, 1.0 / 3.0 - d * d / 15.0, value)
    return np.where(d > 350.0, 4.0 * (d - 1.0) * np.exp(-2.0 * d), value)


def _phase_noise(shape: str, tau_a: float, tau_b: float, gam: float) -> float:
    if gam == 0.0:
        return 1.0
    if shape == "gaussian":
        s = tau_a * tau_b / math.sqrt(2 * _LN2 * (tau_a**2 + tau_b**2))
        return float(erfcx(gam * s / math.sqrt(2.0)))
    if tau_a == tau_b:
        width = tau_a / _SECH_FWHM

        span = _ENVELOPE_SPAN * width
        return 2.0 * quad(lambda u: float(sech2_autocorrelation(u / width)) / width * math.exp(-gam * u), 0.0, span,
                          limit=400, epsabs=1e-14)[0]
    return _phase_noise_numeric(_field(shape, tau_a), _field(shape, tau_b), max(tau_a, tau_b), gam)


def _phase_noise_numeric(field_a, field_b, scale: float, gam: float) -> float:
    """2∫dt p(t) ∫_{−∞}^{t} dt' p(t') e^{−γ(t − t')} by double quadrature (the kink at t = t' is a boundary)."""
    span = _ENVELOPE_SPAN * scale / _SECH_FWHM
    product = lambda t: field_a(t) * field_b(t)  # noqa: E731
    norm = quad(product, -span, span, points=[0.0], limit=400, epsabs=0.0, epsrel=1e-12)[0]
    inner = dblquad(lambda tp, t: product(t) * product(tp) * math.exp(-gam * (t - tp)), -span, span,
                    lambda t: -span, lambda t: t, epsabs=1e-14, epsrel=1e-10)[0]
    return 2.0 * inner / norm**2


# ----------------------------------------------------------------------------- overlap
def _overlap_inputs(pulse_fwhm, pulse_fwhm_b, shape, frequency_offset, frequency_noise_sigma, jitter,
                    linewidth_a, linewidth_b, polarization_angle, jones):
    tau_a = check_positive("pulse_fwhm", pulse_fwhm, "s")
    tau_b = tau_a if pulse_fwhm_b is None else check_positive("pulse_fwhm_b", pulse_fwhm_b, "s")
    values = dict(
        shape=check_choice("shape", shape, Shape), tau_a=tau_a, tau_b=tau_b,
        frequency_offset=check_range("frequency_offset", frequency_offset, unit="Hz"),
        frequency_noise_sigma=check_nonnegative("frequency_noise_sigma", frequency_noise_sigma, "Hz"),
        jitter=check_nonnegative("jitter", jitter, "s"),
        linewidth_a=check_nonnegative("linewidth_a", linewidth_a, "Hz"),
        linewidth_b=check_nonnegative("linewidth_b", linewidth_b, "Hz"),
    )
    angle = check_range("polarization_angle", polarization_angle, unit="rad")
    if jones is not None:
        if angle != 0.0:
            raise ValueError("give either polarization_angle or jones, not both")
        values["polarization"] = _jones_overlap(jones)
    else:
        values["polarization"] = math.cos(angle) ** 2
    return values


@dataclass(frozen=True)
class OverlapFactors:
    """The factors of the mode overlap M = M_dur·M_freq·M_delay·M_pn·M_pol (:func:`overlap_factors`)."""

    duration: float = quantity("1", "M_dur, pulse-duration mismatch")
    frequency: float = quantity("1", "M_freq, centre-frequency offset and its Gaussian fluctuation")
    delay: float = quantity("1", "M_delay, mean relative delay and timing jitter")
    phase_noise: float = quantity("1", "M_pn, Wiener phase noise of the two lines")
    polarization: float = quantity("1", "M_pol, polarization overlap")

    @property
    def product(self) -> float:
        """M, the product of the factors."""
        return math.prod(astuple(self))


def overlap_factors(pulse_fwhm: float, pulse_fwhm_b: float | None = None, *, shape: Shape = "gaussian",
                    frequency_offset: float = 0.0, frequency_noise_sigma: float = 0.0, delay: float = 0.0,
                    jitter: float = 0.0, linewidth_a: float = 0.0, linewidth_b: float = 0.0,
                    polarization_angle: float = 0.0,
                    jones: tuple[ArrayLike, ArrayLike] | None = None) -> OverlapFactors:
    """The factors of the mode overlap M of two weak coherent pulses; their product is :func:`mode_overlap`.

    For Gaussian pulses of intensity FWHM τ_A, τ_B, with Δω = 2πΔν and s² = τ_A² + τ_B²:

    - ``duration``: M_dur = 2τ_Aτ_B/(τ_A² + τ_B²);
    - ``frequency``: M_freq = ⟨exp(−k_ν Δω²)⟩ = (1 + 2k_ν σ_ω²)^(−1/2) exp(−k_ν Δω₀²/(1 + 2k_ν σ_ω²)),
      k_ν = τ_A²τ_B²/(4 ln2 s²), σ_ω = 2πσ_ν (Gaussian distribution of the offset, e.g. a lock's beat σ);
    - ``delay``: M_delay = ⟨exp(−k_t δt²)⟩ = (1 + 2k_t σ_t²)^(−1/2) exp(−k_t δt₀²/(1 + 2k_t σ_t²)),
      k_t = 4 ln2/s² (Gaussian relative timing jitter σ_t);
    - ``phase_noise``: M_pn, see :func:`phase_noise_factor`;
    - ``polarization``: M_pol = cos²θ, or |⟨p_A|p_B⟩|²/(‖p_A‖²‖p_B‖²) for Jones vectors.

    These follow from |∫ E_A(t) E_B(t − δt) e^{−iΔω t} dt|² with E ∝ exp(−2 ln2 t²/τ²). For sech² pulses
    the joint term ⟨|∫ E_A E_B(t − δt) e^{−iΔωt} dt|²⟩ is computed (closed form for τ_A = τ_B, quadrature
    otherwise, averages by quadrature) and split as M_dur = value at δt = Δν = 0, M_freq = the
    frequency-averaged value at δt = 0 over M_dur, M_delay = the rest, so the product stays exact.

    Parameters
    ----------
    pulse_fwhm, pulse_fwhm_b : float
        Intensity FWHM of pulses A and B [s]; B defaults to A.
    shape : {"gaussian", "sech2"}
        Pulse intensity shape (transform-limited).
    frequency_offset : float
        Mean centre-frequency offset Δν₀ = ν_B − ν_A [Hz].
    frequency_noise_sigma : float
        Standard deviation σ_ν of Δν [Hz] (quasi-static over a pulse).
    delay : float
        Mean relative delay δt₀ [s].
    jitter : float
        Standard deviation σ_t of the relative delay [s]; √(σ_A² + σ_B²) for independent sources.
    linewidth_a, linewidth_b : float
        Lorentzian FWHM linewidths [Hz].
    polarization_angle : float
        Relative linear-polarization angle θ [rad].
    jones : pair of array_like, optional
        Jones vectors (p_A, p_B) instead of ``polarization_angle``.

    Returns
    -------
    OverlapFactors
        ``duration``, ``frequency``, ``delay``, ``phase_noise``, ``polarization`` (dimensionless).

    References
    ----------
    T. Legero et al., Adv. At. Mol. Opt. Phys. 53, 253 (2006) (two-photon interference of pulses with
    frequency and time mismatch).
    """
    v = _overlap_inputs(pulse_fwhm, pulse_fwhm_b, shape, frequency_offset, frequency_noise_sigma, jitter,
                        linewidth_a, linewidth_b, polarization_angle, jones)
    delay = check_range("delay", delay, unit="s")
    dur, freq, dly = _timing_spectral_factors(v["shape"], v["tau_a"], v["tau_b"], delay, v["frequency_offset"],
                                              v["frequency_noise_sigma"], v["jitter"])
    return OverlapFactors(
        duration=float(dur),
        frequency=float(freq),
        delay=float(dly),
        phase_noise=_phase_noise(v["shape"], v["tau_a"], v["tau_b"], np.pi * (v["linewidth_a"] + v["linewidth_b"])),
        polarization=v["polarization"],
    )


def mode_overlap(pulse_fwhm: float, pulse_fwhm_b: float | None = None, *, shape: Shape = "gaussian",
                 frequency_offset: float = 0.0, frequency_noise_sigma: float = 0.0, delay: float = 0.0,
                 jitter: float = 0.0, linewidth_a: float = 0.0, linewidth_b: float = 0.0,
                 polarization_angle: float = 0.0, jones: tuple[ArrayLike, ArrayLike] | None = None) -> float:
    """Mode overlap M = ⟨|⟨ψ_A|ψ_B⟩|²⟩ = M_dur·M_freq·M_delay·M_pn·M_pol of two weak coherent pulses.

    Gaussian pulses, no fluctuations: M = (2τ_Aτ_B/(τ_A²+τ_B²))·exp(−Δω²τ_A²τ_B²/(4 ln2 (τ_A²+τ_B²)))
    ·exp(−4 ln2 δt²/(τ_A²+τ_B²)). Parameters and the factors are those of :func:`overlap_factors`.

    Returns
    -------
    float
        M in [0, 1].

    References
    ----------
    T. Legero et al., Adv. At. Mol. Opt. Phys. 53, 253 (2006).
    """
    factors = overlap_factors(pulse_fwhm, pulse_fwhm_b, shape=shape, frequency_offset=frequency_offset,
                              frequency_noise_sigma=frequency_noise_sigma, delay=delay, jitter=jitter,
                              linewidth_a=linewidth_a, linewidth_b=linewidth_b,
                              polarization_angle=polarization_angle, jones=jones)
    return float(np.clip(factors.product, 0.0, 1.0))


def _line_value(line, key: str, name: str) -> float:
    try:
        value = line[key]
    except (KeyError, TypeError, IndexError):
        raise ValueError(f"{name} must have a {key!r} entry [Hz] (a comb_lines row or a dict)") from None
    array = np.asarray(getattr(value, "values", value), dtype=float)
    if array.size != 1:
        raise ValueError(f"{name}[{key!r}] must be a single value (select one line), got shape {array.shape}")
    return float(array.reshape(()))


def overlap_from_lines(line_a: Mapping | xr.Dataset, line_b: Mapping | xr.Dataset, pulse_fwhm: float,
                       jitter: float = 0.0, polarization_angle: float = 0.0, frequency_noise_sigma: float = 0.0, *,
                       shape: Shape = "gaussian", pulse_fwhm_b: float | None = None) -> float:
    """Mode overlap M of pulses carved from two comb lines.

    Δν₀ = ν_B − ν_A and the Lorentzian linewidths Δν_A, Δν_B come from the lines; the rest is
    :func:`mode_overlap`.

    Parameters
    ----------
    line_a, line_b : mapping
        One row of :func:`combchip.comb_lines` (``ds.isel(mu=k)``) or a dict with ``line_frequency`` [Hz]
        and ``linewidth`` [Hz].
    pulse_fwhm : float
        Intensity FWHM of the carved pulses [s].
    jitter : float
        Relative timing jitter σ_t [s].
    polarization_angle : float
        Relative polarization angle [rad].
    frequency_noise_sigma : float
        Standard deviation of the line frequency difference [Hz], e.g. the beat σ of two locked lines.
    shape : {"gaussian", "sech2"}
    pulse_fwhm_b : float, optional
        Intensity FWHM of B's pulses [s].

    Returns
    -------
    float
        M in [0, 1].

    References
    ----------
    T. Legero et al., Adv. At. Mol. Opt. Phys. 53, 253 (2006).
    """
    nu_a = check_positive("line_a['line_frequency']", _line_value(line_a, "line_frequency", "line_a"), "Hz")
    nu_b = check_positive("line_b['line_frequency']", _line_value(line_b, "line_frequency", "line_b"), "Hz")
    lw_a = check_nonnegative("line_a['linewidth']", _line_value(line_a, "linewidth", "line_a"), "Hz")
    lw_b = check_nonnegative("line_b['linewidth']", _line_value(line_b, "linewidth", "line_b"), "Hz")
    return mode_overlap(pulse_fwhm, pulse_fwhm_b, shape=shape, frequency_offset=nu_b - nu_a,
                        frequency_noise_sigma=frequency_noise_sigma, jitter=jitter, linewidth_a=lw_a, linewidth_b=lw_b,
                        polarization_angle=polarization_angle)


# ----------------------------------------------------------------------------- detection
_I0M1_SERIES = np.array([0.0] + [1.0 / math.factorial(k) ** 2 for k in range(1, 13)])


def _i0m1(x: ArrayLike) -> np.ndarray:
    """I₀(x) − 1 without cancellation: Σ_{k=1}^{12} (x²/4)^k/(k!)² for |x| < 2 (DLMF 10.25.2; the omitted terms
    are < 3e-20 of the sum), ``scipy.special.i0(x) − 1`` beyond."""
    x = np.asarray(x, dtype=float)
    series = np.polynomial.polynomial.polyval(np.square(x) / 4.0, _I0M1_SERIES)
    with np.errstate(over="ignore"):
        return np.where(np.abs(x) < 2.0, series, i0(x) - 1.0)


def _hom(mu_a, mu_b, overlap, dark_count, efficiency, model):
    """HOM visibility, vectorized over ``overlap``."""
    a = efficiency * (mu_a + mu_b) / 2.0
    b = efficiency * np.sqrt(np.asarray(overlap, dtype=float) * mu_a * mu_b)
    if model == "weak":
        return b**2 / (2.0 * (a + dark_count) ** 2)
    q = 1.0 - dark_count
    click = -math.expm1(-a) + dark_count * math.exp(-a)
    return 2.0 * q * math.exp(-a) * _i0m1(b) / click**2


def hom_visibility(mu_a: float, mu_b: float, overlap: float = 1.0, dark_count: float = 0.0, efficiency: float = 1.0,
                   *, model: Model = "threshold") -> float:
    """HOM dip visibility V = (C_∞ − C₀)/C_∞ of two phase-randomized weak coherent pulses.

    At a 50:50 beam splitter the outputs c, d hold coherent states with mean photon numbers
    n_{c,d} = (μ_a + μ_b)/2 ± √(Mμ_aμ_b) cos φ (φ the random relative phase; the non-overlapping part
    of B's mode splits evenly). Threshold detectors click with P = 1 − (1 − p_d) e^{−ηn}, independently,
    so averaging over φ (⟨e^{±B cos φ}⟩ = I₀(B)) gives, with A = η(μ_a + μ_b)/2, B = η√(Mμ_aμ_b), q = 1 − p_d,

        C₀ = 1 − 2q e^{−A} I₀(B) + q² e^{−2A},   C_∞ = (1 − q e^{−A})²   (C_∞: M = 0),
        V = 2q e^{−A} (I₀(B) − 1)/(1 − q e^{−A})².

    Weak pulses (``model="weak"``, first order in μ and p_d): V = B²/(2(A + p_d)²), which for p_d = 0 is
    V = M·2μ_aμ_b/(μ_a + μ_b)² ≤ M/2. The exact V has no O(μ) correction: V/V_weak = 1 − A²/12 + B²/16 + O(μ³)
    (p_d = 0), always below the weak limit.

    Parameters
    ----------
    mu_a, mu_b : float
        Mean photon numbers of the two pulses at the beam splitter.
    overlap : float
        Mode overlap M in [0, 1] (:func:`mode_overlap`). Fluctuation-averaged M is exact in the weak limit.
    dark_count : float
        Dark-count probability per detector and gate, in [0, 1).
    efficiency : float
        Detection efficiency η in (0, 1] (channel transmittances may be folded into μ or η).
    model : {"threshold", "weak"}
        Exact threshold-detector expression or its weak-pulse limit.

    Returns
    -------
    float
        V in [0, 1/2] for the ideal weak limit; V ≤ M/2 in general.

    References
    ----------
    E. Moschandreou et al., J. Lightwave Technol. 36, 3752 (2018).
    """
    dark_count, efficiency = _check_detection(dark_count, efficiency)
    mu_a, mu_b = _check_intensities(mu_a, mu_b, dark_count)
    overlap = check_range("overlap", overlap, 0.0, 1.0)
    return float(_hom(mu_a, mu_b, overlap, dark_count, efficiency, check_choice("model", model, Model)))


def time_bin_coherence(linewidth: float, bin_separation: float) -> float:
    """Early/late coherence of one source, c = |g⁽¹⁾(Δt)| = exp(−πΔν Δt) for a Lorentzian line.

    Parameters
    ----------
    linewidth : float
        Lorentzian FWHM Δν [Hz].
    bin_separation : float
        Time between the early and late bins Δt [s].

    Returns
    -------
    float
        c in (0, 1].

    References
    ----------
    C. H. Henry, IEEE J. Quantum Electron. 18, 259 (1982).
    """
    linewidth = check_nonnegative("linewidth", linewidth, "Hz")
    bin_separation = check_nonnegative("bin_separation", bin_separation, "s")
    return math.exp(-math.pi * linewidth * bin_separation)


def _check_coherence(coherence) -> float:
    if np.ndim(coherence) == 0:
        return check_range("coherence", coherence, 0.0, 1.0)
    values = np.asarray(coherence, dtype=object).ravel()
    if values.size != 2:
        raise ValueError(f"coherence must be a number or a pair (c_A, c_B), got {coherence!r}")
    return check_range("coherence[0]", values[0], 0.0, 1.0) * check_range("coherence[1]", values[1], 0.0, 1.0)


def bsm_visibility_time_bin(mu_a: float, mu_b: float, overlap: float = 1.0,
                            coherence: float | tuple[float, float] = 1.0, dark_count: float = 0.0,
                            efficiency: float = 1.0, *, model: Model = "threshold") -> float:
    """X-basis visibility of a time-bin |Ψ⁻⟩ Bell-state measurement with weak coherent pulses.

    Each source sends √(μ/2) in the early and in the late bin with relative phase θ (0 or π: |±⟩) and a
    random global phase. |Ψ⁻⟩ is a click of detector c alone in one bin and of d alone in the other.
    With φ the random relative phase, ψ = θ_B − θ_A + ε, ε the difference of the two sources' phase
    diffusion over the bin separation (⟨cos ε⟩ = c = c_A c_B), s = η(μ_a + μ_b)/4, z = η√(Mμ_aμ_b)/2:

        P_Ψ⁻ = 2q² e^{−2s} [⟨I₀(2z|sin(ψ/2)|)⟩ − 2q e^{−s} I₀(z) + q² e^{−2s}],
        ⟨I₀(2z|sin(ψ/2)|)⟩ = I₀(z)² + 2 Σ_{n≥1} (−1)ⁿ Iₙ(z)² c^{n²} cos(n(θ_B − θ_A))

    (Graf's addition theorem, DLMF §10.23(ii), continued to Iₙ; Gaussian ε gives ⟨cos nε⟩ = c^{n²}).
    The visibility between opposite (C_opp) and equal (C_same) X states is

        V = (C_opp − C_same)/(C_opp + C_same) = 1 − 2e_X = 2 Σ_odd Iₙ² c^{n²} / [(I₀(z) − q e^{−s})² + 2 Σ_even≥2 Iₙ² c^{n²}],

    whose weak limit (``model="weak"``) is V = c·z²/(2(s + p_d)²) = c·M·2μ_aμ_b/(μ_a + μ_b)² for p_d = 0,
    i.e. the HOM visibility times the early/late coherence c. For p_d = 0 the exact value is
    V_weak·(1 + s − z²/(2s) + O(μ²)): slightly above it, because multi-photon events that fire both
    detectors in one bin are discarded (the e_X of Ma & Razavi 2012 falls below 1/4 as μ grows).

    Parameters
    ----------
    mu_a, mu_b : float
        Mean photon numbers per qubit (both bins) at the beam splitter.
    overlap : float
        Mode overlap M of the pulses within a bin, in [0, 1].
    coherence : float or (float, float)
        Joint early/late coherence c = c_A c_B, or the pair (c_A, c_B) (:func:`time_bin_coherence`).
    dark_count : float
        Dark-count probability per detector and bin, in [0, 1).
    efficiency : float
        Detection efficiency η in (0, 1].
    model : {"threshold", "weak"}

    Returns
    -------
    float
        V_BSM = 1 − 2e_X; c·M/2 for equal weak intensities.

    References
    ----------
    X. Ma and M. Razavi, PRA 86, 062319 (2012); A. Rubenok et al., PRL 111, 130501 (2013) (time-bin MDI-QKD).
    """
    dark_count, efficiency = _check_detection(dark_count, efficiency)
    mu_a, mu_b = _check_intensities(mu_a, mu_b, dark_count)
    overlap = check_range("overlap", overlap, 0.0, 1.0)
    c = _check_coherence(coherence)
    model = check_choice("model", model, Model)
    s = efficiency * (mu_a + mu_b) / 4.0
    z = efficiency * math.sqrt(overlap * mu_a * mu_b) / 2.0
    if model == "weak":
        return c * z * z / (2.0 * (s + dark_count) ** 2)
    n = np.arange(1, int(2 * z + 10 * math.sqrt(z) + 40))
    terms = iv(n, z) ** 2 * c ** (n.astype(float) ** 2)
    odd, even = terms[n % 2 == 1].sum(), terms[n % 2 == 0].sum()
    gap = float(_i0m1(z)) - math.expm1(-s) + dark_count * math.exp(-s)
    denominator = gap**2 + 2.0 * even
    return float(2.0 * odd / denominator) if denominator > 0.0 else 0.0


# ----------------------------------------------------------------------------- dip
def hom_dip(delay: ArrayLike, mu_a: float = 0.1, mu_b: float = 0.1, *, pulse_fwhm: float,
            pulse_fwhm_b: float | None = None, shape: Shape = "gaussian", frequency_offset: float = 0.0,
            frequency_noise_sigma: float = 0.0, jitter: float = 0.0, linewidth_a: float = 0.0,
            linewidth_b: float = 0.0, polarization_angle: float = 0.0,
            jones: tuple[ArrayLike, ArrayLike] | None = None, dark_count: float = 0.0, efficiency: float = 1.0,
            model: Model = "threshold") -> xr.DataArray:
    """Normalized coincidence probability C(δt)/C_∞ = 1 − V(M(δt)) against the relative delay.

    M(δt) is :func:`mode_overlap` at mean delay δt and V(M) is :func:`hom_visibility`; the dip depth at
    δt = 0 is V. For Gaussian pulses in the weak limit the dip is Gaussian with
    FWHM = √(τ_A² + τ_B² + 8 ln2 σ_t²) (√2·τ for equal pulses without jitter).

    Parameters
    ----------
    delay : array_like
        Relative delays δt [s].
    mu_a, mu_b : float
        Mean photon numbers at the beam splitter.
    pulse_fwhm, pulse_fwhm_b, shape, frequency_offset, frequency_noise_sigma, jitter, linewidth_a, linewidth_b,
    polarization_angle, jones
        As in :func:`overlap_factors`.
    dark_count, efficiency, model
        As in :func:`hom_visibility`.

    Returns
    -------
    xarray.DataArray ``coincidence`` on ``delay`` [s]
        Dimensionless; attrs hold the inputs and the zero-delay ``visibility``.

    References
    ----------
    C. K. Hong, Z. Y. Ou and L. Mandel, PRL 59, 2044 (1987).
    """
    delays = np.asarray(delay, dtype=float)
    if delays.ndim > 1 or delays.size == 0 or not np.all(np.isfinite(delays)):
        raise ValueError("delay must be a non-empty 1-D array of finite delays [s]")
    delays = np.atleast_1d(delays)
    dark_count, efficiency = _check_detection(dark_count, efficiency)
    mu_a, mu_b = _check_intensities(mu_a, mu_b, dark_count)
    model = check_choice("model", model, Model)
    v = _overlap_inputs(pulse_fwhm, pulse_fwhm_b, shape, frequency_offset, frequency_noise_sigma, jitter,
                        linewidth_a, linewidth_b, polarization_angle, jones)
    fixed = _phase_noise(v["shape"], v["tau_a"], v["tau_b"], np.pi * (v["linewidth_a"] + v["linewidth_b"])) * v["polarization"]

    def overlap_at(d):
        dur, freq, dly = _timing_spectral_factors(v["shape"], v["tau_a"], v["tau_b"], d, v["frequency_offset"],
                                                  v["frequency_noise_sigma"], v["jitter"])
        return np.clip(dur * freq * dly * fixed, 0.0, 1.0)

    coincidence = 1.0 - _hom(mu_a, mu_b, overlap_at(delays), dark_count, efficiency, model)
    visibility = float(_hom(mu_a, mu_b, overlap_at(0.0), dark_count, efficiency, model))
    attrs = {
        "units": "1",
        "long_name": "coincidence probability C(δt)/C_∞",
        "mu_a": mu_a, "mu_b": mu_b, "pulse_fwhm": v["tau_a"], "pulse_fwhm_b": v["tau_b"], "shape": v["shape"],
        "frequency_offset": v["frequency_offset"], "frequency_noise_sigma": v["frequency_noise_sigma"],
        "jitter": v["jitter"], "linewidth_a": v["linewidth_a"], "linewidth_b": v["linewidth_b"],
        "polarization_overlap": v["polarization"], "dark_count": dark_count, "efficiency": efficiency,
        "model": model, "visibility": visibility,
    }
    return xr.DataArray(coincidence, dims=("delay",), name="coincidence",
                        coords={"delay": ("delay", delays, {"units": "s", "long_name": "relative delay δt = t_B − t_A"})},
                        attrs=attrs)
