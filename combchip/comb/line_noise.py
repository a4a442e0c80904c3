"""Frequency noise of each comb line from its sources, and linewidths from a frequency-noise PSD.

Every source moves the comb as an elastic tape (Telle, Lipphardt and Stenger 2002): a driver x (the pump
frequency, the ring temperature) shifts the pump line by a₀·δx and the line spacing by a_r·δx, so line μ
(relative mode number) moves by

    δν_μ = (a₀ + μ·a_r)·δx = (μ − μ_fix)·a_r·δx,    μ_fix = −a₀/a_r   (the tape's fixed point),

and its one-sided frequency-noise PSD is S_ν,μ(f) = (a₀ + μ·a_r)²·S_x(f) [Hz²/Hz]. Independent sources add.

- :class:`PumpFrequencyNoise`: S_x = h₀ + h₋₁/f, a₀ = 1, a_r = ∂f_rep/∂ν_p. In the plain LLE (no Raman
  self-frequency shift, no dispersive-wave recoil) a soliton's rep rate does not depend on the pump
  frequency: a_r = 0, the fixed point is at infinity and every line inherits the pump noise one to one.
  The Raman and recoil terms give a finite a_r and a fixed (quiet) point (Lei et al., Nat. Commun. 13, 3161
  (2022)); it is an input here.
- :class:`ThermalFrequencyNoise`: a ring-temperature fluctuation δT moves the resonances,
  a_r = dFSR/dT (:func:`combchip.comb.reprate.fsr_temperature_coefficient`) and a₀ = dν₀/dT if the pump
  follows the resonance (self-injection or a lock), a₀ = 0 for a free-running pump (fixed point at the pump).
  Its driver is the thermorefractive noise of the mode, either with the full heat-diffusion spectrum of its
  transverse heat weight (:meth:`ThermalFrequencyNoise.thermal_diffusion`, :mod:`combchip.comb.thermorefractive`)
  or as a single pole over the mode volume (:meth:`ThermalFrequencyNoise.thermorefractive`), or the environment
  (:class:`combchip.comb.reprate.TemperatureNoise`, :meth:`ThermalFrequencyNoise.environment`).

Linewidths: the intrinsic (Lorentzian) FWHM π·S_ν(∞) (Schawlow–Townes: white noise h₀ gives π·h₀), the
β-separation-line FWHM √(8 ln2 · A), A = ∫ S_ν df over S_ν(f) > 8 ln2·f/π² (Di Domenico, Schilt and Thomann,
Appl. Opt. 49, 4801 (2010)), and the FWHM of the lineshape itself, the Fourier transform of
exp(−σ²_φ(τ)/2), σ²_φ(τ) = 4∫ S_ν(f)·sin²(πfτ)/f² df (Elliott, Roy and Smith, Phys. Rev. A 26, 12 (1982)).
The lowest frequency of the grid is the observation cut-off 1/T₀.

The mapping is checked against stochastic LLE runs driven by a noisy pump (:mod:`combchip.comb.pump_noise`):
:func:`line_frequency_fluctuations` reads δν_μ(t) of each line from the snapshots and :func:`frequency_noise_psd`
turns records into PSDs.

References
----------
H. R. Telle, B. Lipphardt and J. Stenger, Appl. Phys. B 74, 1 (2002) (elastic tape, fixed points).
M. L. Gorodetsky and I. S. Grudinin, J. Opt. Soc. Am. B 21, 697 (2004) (thermorefractive noise).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import xarray as xr
from scipy.constants import k as k_B
from scipy.optimize import brentq
from scipy.signal import welch

from .coherence import line_amplitude
from .reprate import TemperatureNoise
from .thermorefractive import ThermalDiffusion
from ..validation import check_nonnegative, check_positive, check_range

__all__ = ["PumpFrequencyNoise", "ThermalFrequencyNoise", "beta_linewidth", "frequency_noise_psd",
           "intrinsic_linewidth", "line_frequency_fluctuations", "line_frequency_noise", "lineshape_linewidth",
           "mean_sine_squared", "phase_variance"]

_BETA = 8 * math.log(2) / math.pi**2
"""Slope of the β-separation line, 8 ln2/π² [Hz²/Hz per Hz]."""


def _frequency_grid(frequency) -> np.ndarray:
    f = np.asarray(frequency, dtype=float)
    if f.ndim != 1 or f.size < 2 or not np.all(np.isfinite(f)) or f[0] <= 0 or np.any(np.diff(f) <= 0):
        raise ValueError("frequency must be a 1-D, strictly increasing array of positive Fourier frequencies [Hz] "
                         "with at least two points")
    return f


@dataclass(frozen=True)
class PumpFrequencyNoise:
    """Pump-laser frequency noise S_ν(f) = h₀ + h₋₁/f [Hz²/Hz], one-sided.

    Parameters
    ----------
    white : float
        h₀ [Hz²/Hz]; the Lorentzian FWHM is π·h₀.
    flicker : float
        h₋₁ [Hz³/Hz].
    rep_rate_coupling : float
        a_r = ∂f_rep/∂ν_p (dimensionless): 0 in the plain LLE; the fixed point is μ_fix = −1/a_r.
    """

    white: float
    flicker: float = 0.0
    rep_rate_coupling: float = 0.0

    name = "pump"
    pump_coefficient = 1.0

    def __post_init__(self):
        check_nonnegative("white", self.white, "Hz²/Hz")
        check_nonnegative("flicker", self.flicker, "Hz³/Hz")
        check_range("rep_rate_coupling", self.rep_rate_coupling, -1.0, 1.0)

    @property
    def rep_rate_coefficient(self) -> float:
        return float(self.rep_rate_coupling)

    @property
    def white_level(self) -> float:
        """lim_{f→∞} S_x [Hz²/Hz]."""
        return float(self.white)

    def driver_psd(self, frequency) -> np.ndarray:
        """S_x(f) = h₀ + h₋₁/f [Hz²/Hz]."""
        f = _frequency_grid(frequency)
        return self.white + self.flicker / f


@dataclass(frozen=True)
class ThermalFrequencyNoise:
    """Line noise driven by the ring temperature: S_x(f) = S_T(f) [K²/Hz], a₀ = dν₀/dT, a_r = dFSR/dT.

    Build it with :meth:`thermal_diffusion`, :meth:`thermorefractive` or :meth:`environment`.

    Parameters
    ----------
    name : str
        Label of the source.
    variance : float
        ⟨δT²⟩ of the single-pole part [K²] (0: none).
    time_constant : float
        τ of the single-pole part [s].
    temperature_noise : TemperatureNoise or None
        Environment temperature noise (random walk + white), added to the single-pole part.
    pump_coefficient : float
        a₀ = dν₀/dT [Hz/K] of the pump line: the resonance's own shift if the pump follows it, 0 for a
        free-running pump.
    rep_rate_coefficient : float
        a_r = dFSR/dT [Hz/K].
    cutoff : float
        Corner f_c [Hz] of a single-pole low pass 1/(1 + (f/f_c)²) from the environment to the ring (the
        chip's thermal path; inf: none).
    diffusion : ThermalDiffusion or None
        Heat-diffusion noise of the mode's heat weight, added to the other parts.
    """

    name: str
    variance: float
    time_constant: float
    temperature_noise: TemperatureNoise | None
    pump_coefficient: float
    rep_rate_coefficient: float
    cutoff: float = math.inf
    diffusion: ThermalDiffusion | None = None

    def __post_init__(self):
        check_nonnegative("variance", self.variance, "K²")
        check_positive("time_constant", self.time_constant, "s")
        if self.temperature_noise is not None and not isinstance(self.temperature_noise, TemperatureNoise):
            raise ValueError(f"temperature_noise must be a TemperatureNoise, got {type(self.temperature_noise).__name__}")
        check_range("pump_coefficient", self.pump_coefficient, unit="Hz/K")
        check_range("rep_rate_coefficient", self.rep_rate_coefficient, unit="Hz/K")
        if not self.cutoff > 0:
            raise ValueError(f"cutoff = {self.cutoff!r} Hz must be positive (inf: no low pass)")
        if self.diffusion is not None and not isinstance(self.diffusion, ThermalDiffusion):
            raise ValueError(f"diffusion must be a ThermalDiffusion, got {type(self.diffusion).__name__}")

    @classmethod
    def thermal_diffusion(cls, diffusion: ThermalDiffusion, pump_coefficient,
                          rep_rate_coefficient) -> ThermalFrequencyNoise:
        """Thermorefractive noise with the heat-diffusion spectrum S_T of the mode's heat weight
        (:class:`combchip.comb.thermorefractive.ThermalDiffusion`; Gorodetsky and Grudinin 2004), a₀ and a_r
        [Hz/K]."""
        if not isinstance(diffusion, ThermalDiffusion):
            raise ValueError(f"diffusion must be a ThermalDiffusion, got {type(diffusion).__name__}")
        return cls("thermorefractive", 0.0, 1.0, None, pump_coefficient, rep_rate_coefficient, diffusion=diffusion)

    @classmethod
    def thermorefractive(cls, temperature, mode_volume, density, heat_capacity, time_constant,
                         pump_coefficient, rep_rate_coefficient) -> ThermalFrequencyNoise:
        """Thermorefractive noise of the mode volume in a single-pole approximation.

        ⟨δT²⟩ = k_B·T²/(ρ·C·V) (Landau and Lifshitz, *Statistical Physics*, §112) relaxing with the heat-diffusion
        time τ out of the mode: S_T(f) = ⟨δT²⟩·4τ/(1 + (2πfτ)²) [K²/Hz], which keeps the exact variance but
        not the f^(−1/2)…f^(−2) shape of the full diffusion solution (Gorodetsky and Grudinin 2004; Kondratiev
        and Gorodetsky, Phys. Lett. A 382, 2265 (2018)), which :meth:`thermal_diffusion` keeps.

        Parameters: ``temperature`` T [K], ``mode_volume`` V [m³], ``density`` ρ [kg/m³], ``heat_capacity`` C
        [J/(kg K)], ``time_constant`` τ [s], ``pump_coefficient`` a₀ and ``rep_rate_coefficient`` a_r [Hz/K].
        """
        t = check_positive("temperature", temperature, "K")
        volume = check_positive("mode_volume", mode_volume, "m³")
        rho = check_positive("density", density, "kg/m³")
        c_p = check_positive("heat_capacity", heat_capacity, "J/(kg K)")
        return cls("thermorefractive", k_B * t**2 / (rho * c_p * volume), time_constant, None,
                   pump_coefficient, rep_rate_coefficient)

    @classmethod
    def environment(cls, noise: TemperatureNoise, pump_coefficient, rep_rate_coefficient,
                    cutoff=math.inf) -> ThermalFrequencyNoise:
        """Rep-rate (and pump-line) noise from the environment temperature ``noise`` (random walk + white),
        reaching the ring through a single-pole thermal low pass of corner ``cutoff`` [Hz]."""
        if not isinstance(noise, TemperatureNoise):
            raise ValueError(f"noise must be a TemperatureNoise, got {type(noise).__name__}")
        return cls("environment", 0.0, 1.0, noise, pump_coefficient, rep_rate_coefficient, cutoff)

    @property
    def white_level(self) -> float:
        """lim_{f→∞} S_T [K²/Hz]."""
        if self.temperature_noise is None or np.isfinite(self.cutoff):
            return 0.0
        return float(self.temperature_noise.white) ** 2

    def driver_psd(self, frequency) -> np.ndarray:
        """S_T(f) [K²/Hz]: 4τ⟨δT²⟩/(1 + (2πfτ)²) + [drift²/(2π²f²) + white²]/(1 + (f/f_c)²) (the continuous-time
        :class:`TemperatureNoise`) + the ``diffusion`` spectrum."""
        f = _frequency_grid(frequency)
        tau = self.time_constant
        psd = 4 * tau * self.variance / (1 + (2 * np.pi * f * tau) ** 2)
        if self.temperature_noise is not None:
            environment = self.temperature_noise.drift**2 / (2 * np.pi**2 * f**2) + self.temperature_noise.white**2
            psd = psd + environment / (1 + (f / self.cutoff) ** 2)
        if self.diffusion is not None:
            psd = psd + self.diffusion.psd(f)
        return psd


_SOURCES = (PumpFrequencyNoise, ThermalFrequencyNoise)


def intrinsic_linewidth(white_level) -> np.ndarray:
    """Lorentzian FWHM π·S_ν(∞) [Hz] of a white frequency-noise level S_ν(∞) [Hz²/Hz] (Schawlow–Townes;
    A. L. Schawlow and C. H. Townes, Phys. Rev. 112, 1940 (1958))."""
    level = np.asarray(white_level, dtype=float)
    if not np.all(np.isfinite(level)) or np.any(level < 0):
        raise ValueError("white_level must be finite and non-negative [Hz²/Hz]")
    return np.pi * level


def _psd_rows(frequency, psd) -> tuple[np.ndarray, np.ndarray]:
    f = _frequency_grid(frequency)
    s = np.asarray(psd, dtype=float)
    if s.shape[-1:] != f.shape or not np.all(np.isfinite(s)) or np.any(s < 0):
        raise ValueError("psd must be finite, non-negative [Hz²/Hz], with frequency on its last axis")
    return f, s


def beta_linewidth(frequency, psd) -> np.ndarray:
    """β-separation-line FWHM √(8 ln2·A) [Hz], A = ∫ S_ν(f)·H(S_ν(f) − 8 ln2·f/π²) df (Di Domenico et al. 2010).

    The integral runs over the grid ``frequency`` [Hz] (its first point is the cut-off 1/T₀) with S_ν linear
    between grid points, and the crossing of the β line located by linear interpolation in its interval. ``psd`` [Hz²/Hz]
    has ``frequency`` on its last axis. Exact (π·h₀) for white noise whose crossing lies inside the grid.
    """
    f, s = _psd_rows(frequency, psd)
    excess = s - _BETA * f
    above = excess > 0
    left, right = above[..., :-1], above[..., 1:]
    # fraction of each interval above the line (linear interpolation of S_ν − βf between the grid points)
    with np.errstate(divide="ignore", invalid="ignore"):
        cross = excess[..., :-1] / (excess[..., :-1] - excess[..., 1:])
    fraction = np.where(left & right, 1.0, np.where(left != right, np.where(left, cross, 1 - cross), 0.0))
    # ∫ S df over the part above the line, with S linear between grid points
    df = np.diff(f)
    start = np.where(left | ~right, 0.0, 1 - fraction)
    end = start + fraction
    s0, s1 = s[..., :-1], s[..., 1:]
    area = df * fraction * (s0 + (s1 - s0) * (start + end) / 2)
    return np.sqrt(8 * math.log(2) * np.sum(area, axis=-1))


def mean_sine_squared(frequency, delay) -> np.ndarray:
    """sin²(πfτ) averaged over the grid cell of each ``frequency`` [Hz], shape (delays, frequencies).

    ⟨sin²(πfτ)⟩ = sin²(πfτ) − ½cos(2πfτ)·(sinc(Δf·τ) − 1), Δf the local grid spacing: exact where the grid
    resolves the oscillation, its mean ½ where it does not, so integrals on a log grid stay accurate for any τ.
    """
    f = np.asarray(frequency, dtype=float)
    tau = np.atleast_1d(np.asarray(delay, dtype=float))[:, None]
    x = np.pi * f * tau
    return np.sin(x) ** 2 - 0.5 * np.cos(2 * x) * (np.sinc(np.gradient(f) * tau) - 1)


def phase_variance(frequency, psd, delay) -> np.ndarray:
    """σ²_φ(τ) = 4∫ S_ν(f)·sin²(πfτ)/f² df [rad²] over the grid, for each ``delay`` τ [s] (1-D ``psd``), with
    sin² averaged over each grid cell (:func:`mean_sine_squared`)."""
    f, s = _psd_rows(frequency, psd)
    if s.ndim != 1:
        raise ValueError("psd must be 1-D here")
    return 4 * np.trapezoid(s * mean_sine_squared(f, delay) / f**2, f, axis=-1)


def lineshape_linewidth(frequency, psd, samples: int = 4096) -> float:
    """FWHM [Hz] of the optical lineshape S_E(ν) = 2∫₀^∞ exp(−σ²_φ(τ)/2)·cos(2πντ) dτ (Elliott et al. 1982).

    The field autocorrelation is sampled on ``samples`` points up to the delay where σ²_φ = 60 (where it has
    fallen below e⁻³⁰). If σ²_φ stays below 60 up to 10⁴/f_min, the cut-off leaves a carrier and a
    ``ValueError`` says so.
    """
    f, s = _psd_rows(frequency, psd)
    if s.ndim != 1:
        raise ValueError("psd must be 1-D here")
    ceiling = 1e4 / f[0]
    if phase_variance(f, s, ceiling)[0] < 60:
        raise ValueError("the phase variance stays below 60 rad² up to 10⁴/f_min: the line keeps a carrier, "
                         "so it has no finite-FWHM lineshape on this grid")
    end = brentq(lambda t: phase_variance(f, s, t)[0] - 60, 0.0, ceiling, xtol=1e-12 * ceiling)
    tau = np.linspace(0.0, end, samples)
    gamma = np.exp(-phase_variance(f, s, tau) / 2)

    def shape(nu):
        return 2 * np.trapezoid(gamma * np.cos(2 * np.pi * nu * tau), tau)

    half = shape(0.0) / 2
    high = 1.0 / end
    while shape(high) > half:
        high *= 2
    return 2 * brentq(lambda nu: shape(nu) - half, 0.0, high, xtol=1e-10 * high)


def line_frequency_noise(sources, mu, frequency) -> xr.Dataset:
    """Frequency-noise PSD of comb lines ``mu`` from independent noise ``sources`` (elastic-tape mapping).

    S_ν,μ(f) = Σ_sources (a₀ + μ·a_r)²·S_x(f) (module docstring).

    Parameters
    ----------
    sources : sequence of PumpFrequencyNoise or ThermalFrequencyNoise
        The independent sources.
    mu : int or sequence of int
        Relative mode numbers of the lines.
    frequency : array_like
        Fourier frequencies [Hz], positive and increasing; the first is the cut-off 1/T₀ of the β linewidth.

    Returns
    -------
    xarray.Dataset on (``source``, ``mu``, ``frequency``): ``psd`` per source and ``total_psd`` [Hz²/Hz], the
    ``fixed_point`` μ_fix of each source (±inf where a_r = 0), and per line the ``intrinsic_linewidth``
    π·S_ν(∞) and the ``beta_linewidth`` [Hz]; the sources' parameters in ``attrs``.
    """
    items = list(sources) if isinstance(sources, (list, tuple)) else [sources]
    if not items or not all(isinstance(s, _SOURCES) for s in items):
        raise ValueError("sources must be a non-empty sequence of PumpFrequencyNoise / ThermalFrequencyNoise")
    modes = np.atleast_1d(np.asarray(mu))
    if modes.ndim != 1 or modes.size == 0 or not np.issubdtype(modes.dtype, np.integer):
        raise ValueError(f"mu must be an integer or a 1-D sequence of integers, got {mu!r}")
    f = _frequency_grid(frequency)
    names = [s.name for s in items]
    if len(set(names)) != len(names):
        names = [f"{n}_{k}" for k, n in enumerate(names)]
    gain = np.array([(s.pump_coefficient + modes * s.rep_rate_coefficient) ** 2 for s in items])  # (source, mu)
    psd = gain[:, :, None] * np.array([s.driver_psd(f) for s in items])[:, None, :]
    total = psd.sum(axis=0)
    white = (gain * np.array([s.white_level for s in items])[:, None]).sum(axis=0)
    with np.errstate(divide="ignore"):
        fixed = np.array([-s.pump_coefficient / s.rep_rate_coefficient if s.rep_rate_coefficient != 0
                          else (-np.inf if s.pump_coefficient < 0 else np.inf) for s in items])
    attrs = {}
    for name, s in zip(names, items):
        attrs.update({f"{name}_{k}": (v if not isinstance(v, (TemperatureNoise, ThermalDiffusion)) else f"{v!r}")
                      for k, v in vars(s).items() if k != "name" and v is not None})
    return xr.Dataset(
        {"psd": (("source", "mu", "frequency"), psd,
                 {"units": "Hz²/Hz", "long_name": "one-sided frequency-noise PSD of the line, per source"}),
         "total_psd": (("mu", "frequency"), total,
                       {"units": "Hz²/Hz", "long_name": "one-sided frequency-noise PSD of the line"}),
         "fixed_point": ("source", fixed, {"units": "1", "long_name": "elastic-tape fixed point μ_fix = −a₀/a_r"}),
         "intrinsic_linewidth": ("mu", intrinsic_linewidth(white),
                                 {"units": "Hz", "long_name": "intrinsic (Lorentzian) linewidth π·S_ν(∞)"}),
         "beta_linewidth": ("mu", beta_linewidth(f, total),
                            {"units": "Hz", "long_name": "β-separation-line FWHM, cut-off at the lowest frequency"})},
        coords={"source": ("source", names, {"units": "1", "long_name": "noise source"}),
                "mu": ("mu", modes, {"units": "1", "long_name": "relative mode number"}),
                "frequency": ("frequency", f, {"units": "Hz", "long_name": "Fourier frequency"})},
        attrs=attrs,
    )


def line_frequency_fluctuations(ds: xr.Dataset, mu, pump_noise: xr.Dataset | None = None) -> xr.Dataset:
    """Instantaneous frequency offset δν_μ(t) [Hz] of lines ``mu`` of a :func:`combchip.simulate_comb` run.

    δν_μ = −(1/2π)·d arg a_μ/dt between consecutive snapshots, a_μ the line's bus amplitude in the frame of the
    mean pump frequency (:func:`combchip.comb.coherence.line_amplitude`, ``e^{−iωt}`` convention), so a line that
    follows a noisy pump one to one (a₀ = 1, a_r = 0) shows δν_μ = δν_p. The snapshots must be evenly spaced and
    dense enough that the phase moves by less than π between two of them; ``pump_noise`` is the
    :func:`~combchip.comb.pump_noise.pump_frequency_trace` that drove the run.

    Returns
    -------
    xarray.Dataset on (``run``, ``mu``, ``time``) (the midpoints between snapshots): ``frequency_offset`` [Hz].
    """
    if not isinstance(ds, xr.Dataset) or "field" not in ds or "snapshot_time" not in ds:
        raise ValueError("ds must be a simulate_comb Dataset with 'field' and 'snapshot_time'")
    modes = np.atleast_1d(np.asarray(mu))
    if modes.ndim != 1 or modes.size == 0 or not np.issubdtype(modes.dtype, np.integer):
        raise ValueError(f"mu must be an integer or a 1-D sequence of integers, got {mu!r}")
    times = np.asarray(ds.snapshot_time.values, dtype=float)
    steps = np.diff(times)
    if times.size < 4 or np.ptp(steps) > 1e-3 * steps.mean() + 2 * float(ds.attrs.get("dt", 0.0)):
        raise ValueError("ds needs at least 4 evenly spaced snapshots (simulate_comb(..., snapshots=np.linspace(...)))")
    spacing = float(steps.mean())
    amplitude = np.stack([line_amplitude(ds, int(m), pump_noise) for m in modes], axis=1)   # (run, mu, snapshot)
    turn = amplitude[..., 1:] * amplitude[..., :-1].conj()
    offset = -np.angle(turn) / (2 * np.pi * spacing)
    return xr.Dataset(
        {"frequency_offset": (("run", "mu", "time"), offset,
                              {"units": "Hz", "long_name": "line frequency offset δν_μ from the mean"})},
        coords={"run": ("run", np.arange(offset.shape[0])),
                "mu": ("mu", modes, {"units": "1", "long_name": "relative mode number"}),
                "time": ("time", (times[1:] + times[:-1]) / 2, {"units": "s", "long_name": "time"})},
        attrs={"spacing": spacing})


def frequency_noise_psd(trace, segment=None) -> xr.Dataset:
    """One-sided frequency-noise PSD S_ν(f) [Hz²/Hz] of frequency records by Welch's method, averaged over runs.

    Parameters
    ----------
    trace : xarray.Dataset
        :func:`line_frequency_fluctuations` (dims ``run``, ``mu``, ``time``) or a
        :func:`~combchip.comb.pump_noise.pump_frequency_trace` (``frequency_offset`` on ``time``).
    segment : int, optional
        Samples per Welch segment (default: a quarter of the record); Hann window, half overlap
        (P. D. Welch, IEEE Trans. Audio Electroacoust. 15, 70 (1967)).

    Returns
    -------
    xarray.Dataset on (``mu``,) ``frequency`` [Hz] (the zero frequency dropped): ``psd`` [Hz²/Hz].
    """
    if not isinstance(trace, xr.Dataset) or "frequency_offset" not in trace:
        raise ValueError("trace must hold 'frequency_offset' on 'time'")
    x = trace.frequency_offset
    time = trace.time.values
    if time.size < 8:
        raise ValueError(f"trace has {time.size} samples; frequency_noise_psd needs at least 8")
    nperseg = time.size // 4 if segment is None else int(check_range("segment", segment, 8, time.size))
    f, p = welch(x.values, fs=1 / float(time[1] - time[0]), nperseg=max(nperseg, 8), axis=-1)
    if "run" in x.dims:
        p = p.mean(axis=x.dims.index("run"))
    dims = tuple(d for d in x.dims if d not in ("run", "time")) + ("frequency",)
    coords = {d: trace[d] for d in dims[:-1]}
    return xr.Dataset({"psd": (dims, p[..., 1:], {"units": "Hz²/Hz", "long_name": "one-sided frequency-noise PSD"})},
                      coords={**coords, "frequency": ("frequency", f[1:], {"units": "Hz", "long_name": "Fourier frequency"})},
                      attrs={"segment": int(max(nperseg, 8)), "runs": int(x.sizes.get("run", 1))})
