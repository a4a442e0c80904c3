"""Fabrication Monte Carlo: spreads of geometry and couplers mapped to the spreads of what a designer specifies.

* System A's ring (Yan et al., npj Quantum Inf. 2025): waveguide width, film height and coupler gap drawn around
  the published 1.6 × 0.8 µm, 500 nm design → FSR, D₂, κ_ex and the soliton existence range at the published pump.
* An MZI modulator with system C's InP section (the client chip of :func:`~.system_c.system_c_client`): splitter
  and combiner ratio errors → extinction ratio; intrinsic-layer thickness → Vπ. Both are set against system C's
  measured spreads (Vπ 5.8 ± 1.4 V, visibility 33.8 ± 5.6 dB over 117 modulators).

The spreads themselves are not published: the defaults below are assumptions, stated where they are used.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy.constants import c

from ..comb.normalization import normalize
from ..comb.resonator import Ring
from ..validation import check_int, check_nonnegative
from .published import SYSTEM_A, SYSTEM_C
from .system_a import system_a_pump

__all__ = ["WIDTH_SIGMA", "HEIGHT_SIGMA", "GAP_SIGMA", "SPLITTER_SIGMA", "THICKNESS_SIGMA",
           "modulator_monte_carlo", "ring_monte_carlo"]

WIDTH_SIGMA = 15e-9
"""Assumed 1σ of the lithographic width bias [m] (DUV Si₃N₄; applied to ring and bus alike)."""
HEIGHT_SIGMA = 10e-9
"""Assumed 1σ of the Si₃N₄ film thickness [m] (≈ 1.3 % of 800 nm)."""
GAP_SIGMA = 5e-9
"""Assumed 1σ of the gap error not explained by the width bias [m]."""
SPLITTER_SIGMA = 0.01
"""Assumed 1σ of each coupler's power splitting ratio about 0.5 (MMI or directional coupler)."""
THICKNESS_SIGMA = 25e-9
"""Assumed 1σ of the InP intrinsic-layer thickness [m] (5 % of 0.5 µm)."""

_UNIT = {"units": "1"}


def ring_monte_carlo(samples: int = 200, *, width_sigma: float = WIDTH_SIGMA, height_sigma: float = HEIGHT_SIGMA,
                     gap_sigma: float = GAP_SIGMA, seed: int = 0) -> xr.Dataset:
    """System A's ring over ``samples`` fabricated copies.

    A width bias δw ~ N(0, σ_w) widens ring and bus and closes the gap by the same δw; the height gets
    δh ~ N(0, σ_h) and the gap an independent δg ~ N(0, σ_g): w = w₀ + δw, h = h₀ + δh, g = g₀ − δw + δg.
    Each copy is :meth:`~combchip.Ring.from_geometry` with the effective-index mode engine
    (``mode_solver="eim"``: FSR to ≈ 0.5 %, D₂ ≈ 40 % low in absolute value, its relative spread meaningful)
    and the point-coupler κ_ex; κ₀ is held at the design's: κ from the published mean loaded Q (1.08 × 10⁶) minus
    the design κ_ex of the same engine.
    The soliton existence limit is ζ_max = π²f²/8 (Herr et al., Nat. Photon. 8, 145 (2014)) at system A's
    on-chip pump, i.e. a largest detuning κζ_max/4π, and the soliton range runs from the bistability onset
    ζ = √3 to there.

    Returns
    -------
    xarray.Dataset
        Along ``sample``: ``width``, ``height``, ``gap`` [m], ``fsr`` [Hz], ``d2`` [rad/s], ``kappa_ex``,
        ``kappa`` [rad/s], ``f2`` [1], ``zeta_max`` [1], ``soliton_detuning_max`` and ``soliton_range`` [Hz];
        the spreads, the seed and the mode engine in ``attrs``.
    """
    samples = check_int("samples", samples, 2)
    sigmas = [check_nonnegative(name, value, "m") for name, value in
              (("width_sigma", width_sigma), ("height_sigma", height_sigma), ("gap_sigma", gap_sigma))]
    seed = check_int("seed", seed, 0)
    draws = np.random.default_rng(seed).standard_normal((samples, 3)) * sigmas
    p, pump = SYSTEM_A, system_a_pump()
    width = p.waveguide_width + draws[:, 0]
    height = p.waveguide_height + draws[:, 1]
    gap = p.coupler_gap - draws[:, 0] + draws[:, 2]
    design = Ring.from_geometry(radius=p.ring_radius, width=p.waveguide_width, height=p.waveguide_height,
                                gap=p.coupler_gap, wavelength=p.pump_wavelength, mode_solver="eim")
    omega = 2 * np.pi * c / p.pump_wavelength
    kappa0 = omega / p.q_loaded - design.kappa_ex
    if kappa0 <= 0:
        raise ValueError("the design's κ_ex exceeds the loaded κ of the published Q: no intrinsic loss is left")
    q_i = omega / kappa0
    names = ("fsr", "d2", "kappa_ex", "kappa", "f2", "zeta_max", "soliton_detuning_max", "soliton_range")
    values = {name: np.empty(samples) for name in names}
    for k in range(samples):
        ring = Ring.from_geometry(radius=p.ring_radius, width=width[k], height=height[k], gap=gap[k],
                                  wavelength=p.pump_wavelength, q_i=q_i, mode_solver="eim")
        norm = normalize(ring, pump)
        row = (ring.fsr, ring.d2, ring.kappa_ex, norm.kappa, norm.f2, norm.zeta_max,
               float(norm.detuning_hz(norm.zeta_max)), float(norm.detuning_hz(norm.zeta_max - np.sqrt(3))))
        for name, value in zip(names, row):
            values[name][k] = value
    meta = {
        "width": ("m", "waveguide width (ring and bus)", width), "height": ("m", "waveguide height", height),
        "gap": ("m", "ring–bus gap", gap), "fsr": ("Hz", "free spectral range D₁/2π", values["fsr"]),
        "d2": ("rad/s", "second-order dispersion D₂ (EIM)", values["d2"]),
        "kappa_ex": ("rad/s", "external coupling rate κ_ex", values["kappa_ex"]),
        "kappa": ("rad/s", "loaded decay rate κ = κ₀ + κ_ex", values["kappa"]),
        "f2": ("1", "normalized pump power f² at system A's on-chip pump", values["f2"]),
        "zeta_max": ("1", "soliton existence limit ζ_max = π²f²/8", values["zeta_max"]),
        "soliton_detuning_max": ("Hz", "largest soliton detuning κζ_max/4π", values["soliton_detuning_max"]),
        "soliton_range": ("Hz", "soliton detuning range κ(ζ_max − √3)/4π", values["soliton_range"]),
    }
    return xr.Dataset(
        {name: ("sample", data, {"units": unit, "long_name": text}) for name, (unit, text, data) in meta.items()},
        coords={"sample": ("sample", np.arange(samples), {**_UNIT, "long_name": "fabricated copy"})},
        attrs={"width_sigma": sigmas[0], "height_sigma": sigmas[1], "gap_sigma": sigmas[2], "seed": seed,
               "mode_engine": "effective-index method (Ring.from_geometry mode_solver='eim')",
               "design": "system A: 230 µm radius, 1.6 × 0.8 µm, 500 nm gap (Yan et al., npj Quantum Inf. 2025)"},
    )


def modulator_monte_carlo(samples: int = 200, *, splitter_sigma: float = SPLITTER_SIGMA,
                          thickness_sigma: float = THICKNESS_SIGMA, seed: int = 0) -> xr.Dataset:
    """An InP MZI modulator (system C's 4 mm single-drive section, balanced by design) over ``samples`` copies.

    Splitter and combiner ratios r₁, r₂ ~ N(0.5, σ_r) set the extinction ratio at the cross port,
    ER = ((A + B)/(A − B))² with A = √(r₂(1 − r₁)), B = √(r₁(1 − r₂)) (:class:`~combchip.tx.modulators.MZI`),
    so ER ≈ 1/(r₂ − r₁)² for small errors: its spread in dB, 20/ln 10·π/(2√2) ≈ 9.6 dB for any σ_r, is set by the
    log of a normal variable. The intrinsic-layer thickness d ~ N(d₀, σ_d) sets Vπ = λd/(n³rΓL)
    (:class:`~combchip.tx.phase_shifters.ElectroOpticPhaseShifter`).

    Returns
    -------
    xarray.Dataset
        Along ``sample``: ``splitter_ratio``, ``combiner_ratio`` [1], ``thickness`` [m], ``extinction_ratio``
        [dB], ``v_pi`` [V]; ``attrs`` hold the spreads, the seed and system C's published means and spreads.
    """
    from ..tx.modulators import MZI
    from ..tx.phase_shifters import ElectroOpticPhaseShifter

    samples = check_int("samples", samples, 2)
    splitter_sigma = check_nonnegative("splitter_sigma", splitter_sigma)
    thickness_sigma = check_nonnegative("thickness_sigma", thickness_sigma, "m")
    seed = check_int("seed", seed, 0)
    draws = np.random.default_rng(seed).standard_normal((samples, 3))
    ratios = np.clip(0.5 + splitter_sigma * draws[:, :2], 0.0, 1.0)
    nominal = ElectroOpticPhaseShifter(length=4e-3)
    thickness = nominal.thickness + thickness_sigma * draws[:, 2]
    er, v_pi = np.empty(samples), np.empty(samples)
    for k in range(samples):
        section = ElectroOpticPhaseShifter(length=nominal.length, thickness=thickness[k])
        mzi = MZI(section, splitter_ratio=ratios[k, 0], combiner_ratio=ratios[k, 1], drive="single",
                  bias_phase=np.pi, wavelength=1550e-9)
        er[k], v_pi[k] = mzi.extinction_ratio_db, mzi.v_pi()
    return xr.Dataset(
        {
            "splitter_ratio": ("sample", ratios[:, 0], {**_UNIT, "long_name": "input coupler power ratio r₁"}),
            "combiner_ratio": ("sample", ratios[:, 1], {**_UNIT, "long_name": "output coupler power ratio r₂"}),
            "thickness": ("sample", thickness, {"units": "m", "long_name": "intrinsic-layer thickness d"}),
            "extinction_ratio": ("sample", er, {"units": "dB", "long_name": "extinction ratio (cross port)"}),
            "v_pi": ("sample", v_pi, {"units": "V", "long_name": "half-wave voltage Vπ (single drive)"}),
        },
        coords={"sample": ("sample", np.arange(samples), {**_UNIT, "long_name": "fabricated copy"})},
        attrs={"splitter_sigma": splitter_sigma, "thickness_sigma": thickness_sigma, "seed": seed,
               "published_v_pi": SYSTEM_C.v_pi, "published_v_pi_spread": SYSTEM_C.v_pi_spread,
               "published_extinction_ratio": SYSTEM_C.modulator_visibility_db,
               "published_extinction_ratio_spread": SYSTEM_C.modulator_visibility_spread_db,
               "design": "system C's InP IM section, 4 mm, balanced couplers (Weiming Quantum Chip-Network, "
                         "Nature 2026)"},
    )
