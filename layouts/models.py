"""Circuit models of the PDK's cells and the evaluation of a cell's netlist as a circuit.

Each model has sax's form, ``model(wl=1.55, **settings) -> {(port_in, port_out): t}``: ``wl`` the wavelength
[µm] (scalar or array), ``t`` the complex field transfer with the propagation factor exp(−iφ) of
:mod:`combchip.tx.modulators`, port names gdsfactory's (o1, o2, …) and both directions listed (reciprocity).
They import nothing from sax (its jax and jaxlib dependencies outweigh the package), but a sax user can pass
:data:`MODELS` to ``sax.circuit`` as they are. :func:`circuit` evaluates ``component.get_netlist()`` with the
same connection equation as sax's default backend (Filipsson, IEEE Trans. Microw. Theory Tech. 29, 1981):
with S the block-diagonal matrix of all instances and C the connections, b_int = (I − S_ii·C)⁻¹·S_ie·a_ext
and b_ext = S_ee·a_ext + S_ei·C·b_int.

A waveguide of length L carries t = 10^(−αL/20)·exp(−i·2πL[(n_eff − n_g)/λ₀ + n_g/λ]), the first-order
dispersion of :meth:`combchip.tx.modulators.MZI.imbalance_phase`; the phase shifters add their models' phase
and loss (:class:`~combchip.tx.phase_shifters.DepletionPhaseShifter` on ``cc_pn``, driven by ``voltage`` [V];
:class:`~combchip.tx.phase_shifters.ThermoOpticPhaseShifter` on ``cc_heater``, driven by ``power`` [W];
:class:`~combchip.tx.phase_shifters.ElectroOpticPhaseShifter` on ``cc_inp_eo``, driven by ``voltage`` [V]).
The grating couplers carry :mod:`combchip.tx.grating_couplers`' own efficiency, and the InP chip's output
facets :class:`AngledFacet`'s modal reflectance.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field, fields
from functools import cache, partial

import gdsfactory as gf
import numpy as np
from scipy.optimize import brentq, minimize_scalar

from combchip.tx.grating_couplers import GratingCoupler1D, GratingCoupler2D
from combchip.tx.modulators import MZI
from combchip.tx.phase_shifters import DepletionPhaseShifter, ElectroOpticPhaseShifter, ThermoOpticPhaseShifter
from combchip.validation import check_choice, check_nonnegative, check_range, check_wavelength

__all__ = ["FACET_ANGLE_DEG", "INP_LATERAL_CLADDING_INDEX", "MODELS", "AngledFacet", "InPModels", "SiliconModels",
           "circuit", "dc_biased", "fresnel_reflectance", "im_settings", "mmi1x2", "mmi2x2", "models",
           "slab_mode_radius"]

_MZI = {f.name: f.default for f in fields(MZI)}
_EO = {f.name: f.default for f in fields(ElectroOpticPhaseShifter)}
WL0_UM = round(_MZI["wavelength"] * 1e6, 6)
"""Reference wavelength λ₀ [µm] of the index expansion (the compact MZI's)."""
FACET_ANGLE_DEG = 7.0
"""Default tilt of the InP chip's output waveguides from the facet normal [deg] (a layout choice: 7° is the usual
angle of InP SOAs and generic-platform output guides; the lasers' west facets stay normal, they are mirrors)."""
INP_LATERAL_CLADDING_INDEX = 1.54
"""Index beside the deep-etched InP ridge (assumed: BCB planarization, n ≈ 1.54 at 1550 nm)."""
INP_RIDGE_WIDTH_UM = 2.0
"""Width of the deep-etched InP ridge [µm] (the ``cc_inp_deep`` cross-section's, written here once)."""


def _reciprocal(pairs: dict) -> dict:
    out = dict(pairs)
    out.update({(b, a): t for (a, b), t in pairs.items()})
    return out


def _propagation(wl, length_um: float, neff: float, group_index: float, loss_db_per_m: float) -> np.ndarray:
    """t = 10^(−αL/20)·exp(−i·2πL[(n_eff − n_g)/λ₀ + n_g/λ]) of ``length_um`` µm at ``wl`` [µm]."""
    lam = np.asarray(wl, dtype=float)
    check_wavelength("wl", float(np.min(lam)) * 1e-6)
    phase = 2 * np.pi * length_um * ((neff - group_index) / WL0_UM + group_index / lam)
    return 10 ** (-loss_db_per_m * length_um * 1e-6 / 20) * np.exp(-1j * phase)


def _drawn_length(cell: str, settings: dict) -> float:
    geometry = {k: v for k, v in settings.items() if k not in ("length", "voltage", "power")}
    return float(gf.get_component(cell, **geometry).info["length"])


def mmi1x2(wl=WL0_UM, ratio: float = 0.5, loss_db: float = 0.0, **_) -> dict:
    """1×2 splitter: o1→o2 √(1−r)·η, o1→o3 √r·η (equal phases), η = 10^(−loss/20)."""
    eta = 10 ** (-check_nonnegative("loss_db", loss_db, "dB") / 20)
    r = check_range("ratio", ratio, 0.0, 1.0)
    one = np.ones_like(np.asarray(wl, dtype=float))
    return _reciprocal({("o1", "o2"): eta * np.sqrt(1 - r) * one, ("o1", "o3"): eta * np.sqrt(r) * one})


def mmi2x2(wl=WL0_UM, ratio: float = 0.5, loss_db: float = 0.0, **_) -> dict:
    """2×2 coupler [[√(1−r), i√r], [i√r, √(1−r)]]·η: bar o1→o4, o2→o3; cross o1→o3, o2→o4."""
    eta = 10 ** (-check_nonnegative("loss_db", loss_db, "dB") / 20)
    r = check_range("ratio", ratio, 0.0, 1.0)
    one = np.ones_like(np.asarray(wl, dtype=float))
    bar, cross = eta * np.sqrt(1 - r) * one, 1j * eta * np.sqrt(r) * one
    return _reciprocal({("o1", "o4"): bar, ("o2", "o3"): bar, ("o1", "o3"): cross, ("o2", "o4"): cross})


# ----------------------------------------------------------------------------- angled facet
def fresnel_reflectance(n: float, angle, polarization: str = "TE"):
    """Power reflectance of a plane wave leaving a medium of index ``n`` into air at internal ``angle`` [rad].

    r_p = (cos θ − n cos θ_t)/(cos θ + n cos θ_t), r_s = (n cos θ − cos θ_t)/(n cos θ + cos θ_t),
    sin θ_t = n sin θ (M. Born and E. Wolf, Principles of Optics, 7th ed., §1.5). A waveguide tilted in the
    chip plane puts the quasi-TE mode's electric field (in-plane) in the plane of incidence: "TE" takes r_p,
    "TM" r_s. θ = 0 gives ((n − 1)/(n + 1))² for both.
    """
    n = check_range("n", n, 1.0, 10.0, low_open=True)
    theta = np.asarray(angle, dtype=float)
    if np.any(~np.isfinite(theta)) or np.any(theta < 0) or np.any(n * np.sin(theta) >= 1):
        raise ValueError(f"angle must lie in [0, arcsin(1/n) = {math.asin(1 / n):.4f}) rad, got {angle!r}")
    cos_i, cos_t = np.cos(theta), np.sqrt(1 - (n * np.sin(theta)) ** 2)
    if check_choice("polarization", polarization, ("TE", "TM")) == "TE":
        r = (cos_i - n * cos_t) / (cos_i + n * cos_t)
    else:
        r = (n * cos_i - cos_t) / (n * cos_i + cos_t)
    return r**2


def slab_mode_radius(width: float, n_core: float, n_clad: float, wavelength: float) -> float:
    """1/e field radius w₀ [m] of the Gaussian exp(−x²/w₀²) best matched (largest overlap) to the fundamental
    TE mode of a symmetric slab of ``width`` [m] (the ridge's lateral profile in the effective-index picture).

    The mode is cos(ux/a) inside |x| ≤ a = width/2 and cos(u)·exp(−v(|x|/a − 1)) outside, with u·tan u = v,
    u² + v² = V² = (k₀a)²(n_core² − n_clad²) (A. W. Snyder and J. D. Love, Optical Waveguide Theory, ch. 12).
    """
    width = check_range("width", width, 0.0, 1e-3, "m", low_open=True)
    n_core = check_range("n_core", n_core, 1.0, 10.0)
    n_clad = check_range("n_clad", n_clad, 1.0, n_core, high_open=True)
    k0 = 2 * np.pi / check_wavelength("wavelength", wavelength)
    a = width / 2
    big_v = k0 * a * math.sqrt(n_core**2 - n_clad**2)
    u = brentq(lambda u: u * math.tan(u) - math.sqrt(big_v**2 - u**2), 1e-12, min(big_v, math.pi / 2) - 1e-12)
    v = math.sqrt(big_v**2 - u**2)
    x = np.linspace(0.0, a * (1 + 40 / v), 20001)
    mode = np.where(x <= a, np.cos(u * x / a), math.cos(u) * np.exp(-v * (x / a - 1)))

    def mismatch(w0):
        gauss = np.exp(-((x / w0) ** 2))
        return -np.trapezoid(mode * gauss, x) ** 2 / (np.trapezoid(mode**2, x) * np.trapezoid(gauss**2, x))

    best = minimize_scalar(mismatch, bounds=(0.05 * a, 5 * a), method="bounded", options={"xatol": 1e-6 * a})
    if not best.success:
        raise RuntimeError(f"Gaussian fit of the slab mode did not converge: {best.message}")
    return float(best.x)


@dataclass(frozen=True)
class AngledFacet:
    """Output facet met by a waveguide tilted ``angle_deg`` from its normal; its sax-style ``model``.

    The guided mode, a Gaussian exp(−x²/w₀²) of modal index n, is reflected with the Fresnel reflectance R_F(θ)
    (:func:`fresnel_reflectance`) into a beam tilted 2θ from the guide axis, whose transverse wavenumber is
    q = k₀n·sin 2θ. Its overlap with the guided mode,
    |∫e^{−2x²/w₀²}e^{iqx}dx|²/(∫e^{−2x²/w₀²}dx)² = exp(−q²w₀²/4), gives the modal reflectance

        R(θ) = R_F(θ)·exp[−(k₀ n w₀ sin 2θ / 2)²]  →  R_⊥·exp[−(2π n w₀ θ/λ)²]  (θ → 0)

    (D. Marcuse, J. Lightwave Technol. 7, 336 (1989)). The beam leaves at sin θ_out = n sin θ (refraction).

    Parameters
    ----------
    angle_deg : float
        Tilt θ of the guide from the facet normal [deg], 0–15.
    neff : float
        Modal index n (the InP shifter's refractive index).
    mode_radius : float
        w₀ [m]; by default that of the deep ridge (:func:`slab_mode_radius`, ``INP_LATERAL_CLADDING_INDEX``).
    polarization : {"TE", "TM"}
    """

    angle_deg: float = FACET_ANGLE_DEG
    neff: float = _EO["refractive_index"]
    mode_radius: float | None = None
    polarization: str = "TE"

    def __post_init__(self):
        check_range("angle_deg", self.angle_deg, 0.0, 15.0, "deg")
        check_range("neff", self.neff, 1.0, 10.0, low_open=True)
        if self.mode_radius is None:
            radius = slab_mode_radius(INP_RIDGE_WIDTH_UM * 1e-6, self.neff, INP_LATERAL_CLADDING_INDEX,
                                      WL0_UM * 1e-6)
            object.__setattr__(self, "mode_radius", radius)
        check_range("mode_radius", self.mode_radius, 0.0, 1e-4, "m", low_open=True)
        check_choice("polarization", self.polarization, ("TE", "TM"))

    @property
    def fresnel(self) -> float:
        """R_F(θ), the plane-wave reflectance at the tilt."""
        return float(fresnel_reflectance(self.neff, math.radians(self.angle_deg), self.polarization))

    @property
    def exit_angle_deg(self) -> float:
        """θ_out = arcsin(n sin θ) [deg] of the beam in air."""
        return math.degrees(math.asin(self.neff * math.sin(math.radians(self.angle_deg))))

    def reflectance(self, wl=WL0_UM):
        """Modal reflectance R(θ) at ``wl`` [µm] (class docstring)."""
        lam = np.asarray(wl, dtype=float)
        check_wavelength("wl", float(np.min(lam)) * 1e-6)
        q_w = 2 * np.pi / (lam * 1e-6) * self.neff * self.mode_radius * math.sin(2 * math.radians(self.angle_deg))
        return self.fresnel * np.exp(-((q_w / 2) ** 2))

    def model(self, wl=WL0_UM, **_) -> dict:
        """o1 (guide) / o2 (air): transmission √(1 − R_F), modal reflections ±√R(θ) (Stokes: r′ = −r)."""
        r = np.sqrt(self.reflectance(wl))
        t = math.sqrt(1 - self.fresnel) * np.ones_like(r)
        return {("o1", "o2"): t, ("o2", "o1"): t, ("o1", "o1"): r, ("o2", "o2"): -r}


@cache
def _default_grating(cls):
    return cls.soi()


@dataclass(frozen=True)
class SiliconModels:
    """Parameters of the Si platform's models; ``models()`` returns them as a dict of sax-style functions.

    Parameters
    ----------
    neff, group_index : float
        Effective and group index of the 500 × 220 nm strip (the compact MZI's defaults).
    loss_db_per_m : float
        Passive strip propagation loss [dB/m] (assumed: 2 dB/cm, a typical foundry strip loss).
    shifter : DepletionPhaseShifter
        Model of a ``cc_pn`` section; its length is replaced by the drawn one.
    heater : ThermoOpticPhaseShifter
        Model of a ``cc_heater`` section; its length is replaced by the drawn one.
    grating : GratingCoupler1D, optional
        Cross-section and fibre of the 1D grating couplers; period, fill factor, length, width and fibre angle
        are replaced by the drawn ones. The field transfer is √T(λ) (:meth:`GratingCoupler1D.transmission`,
        phase not modelled: real).
    grating_2d : GratingCoupler2D, optional
        The 2D coupler (default :meth:`GratingCoupler2D.soi`, as the 1D one :meth:`GratingCoupler1D.soi`); its
        arms' period, fill factor and length are replaced by the drawn ones. Arms o1, o2 →
        fibre o3 (H), o4 (V) through :meth:`GratingCoupler2D.jones`.
    """

    neff: float = _MZI["neff"]
    group_index: float = _MZI["group_index"]
    loss_db_per_m: float = 200.0
    shifter: DepletionPhaseShifter = field(default_factory=DepletionPhaseShifter)
    heater: ThermoOpticPhaseShifter = field(default_factory=ThermoOpticPhaseShifter)
    grating: GratingCoupler1D | None = None
    grating_2d: GratingCoupler2D | None = None

    def __post_init__(self):
        check_range("neff", self.neff, 1.0, 10.0)
        check_range("group_index", self.group_index, 1.0, 10.0)
        check_nonnegative("loss_db_per_m", self.loss_db_per_m, "dB/m")
        for name, cls in (("shifter", DepletionPhaseShifter), ("heater", ThermoOpticPhaseShifter),
                          ("grating", GratingCoupler1D), ("grating_2d", GratingCoupler2D)):
            if getattr(self, name) is None and name.startswith("grating"):  # built on first use (a mode solve)
                continue
            if not isinstance(getattr(self, name), cls):
                raise ValueError(f"{name} must be a {cls.__name__}, got {type(getattr(self, name)).__name__}")

    def propagation(self, wl, length_um: float) -> np.ndarray:
        """Field transfer of ``length_um`` µm of strip at ``wl`` [µm] (module docstring)."""
        return _propagation(wl, length_um, self.neff, self.group_index, self.loss_db_per_m)

    def straight(self, wl=WL0_UM, length: float = 10.0, cross_section: str = "cc_strip", voltage: float = 0.0,
                 power: float = 0.0, **_) -> dict:
        """Straight of ``length`` µm; on ``cc_pn`` the shifter at ``voltage``, on ``cc_heater`` the heater at ``power``."""
        t = self.propagation(wl, length)
        lam = np.asarray(wl, dtype=float) * 1e-6
        for name, model, drive in (("cc_pn", self.shifter, voltage), ("cc_heater", self.heater, power)):
            if cross_section.startswith(name):
                drawn = dataclasses.replace(model, length=length * 1e-6)
                t = t * 10 ** (-drawn.loss_db(drive, lam) / 20) * np.exp(-1j * drawn.phase(drive, lam))
        return _reciprocal({("o1", "o2"): t})

    def drawn(self, cell: str, wl=WL0_UM, **settings) -> dict:
        """A two-port cell (bend, taper) as strip of its drawn length ``info["length"]``."""
        return _reciprocal({("o1", "o2"): self.propagation(wl, _drawn_length(cell, settings))})

    def drawn_grating(self, period: float, fill_factor: float, n_periods: int, width: float,
                      fibre_angle: float) -> GratingCoupler1D:
        """:attr:`grating` with the drawn period, fill factor, length, width [µm] and fibre angle [deg]."""
        base = _default_grating(GratingCoupler1D) if self.grating is None else self.grating
        return dataclasses.replace(base, period=period * 1e-6, fill_factor=fill_factor,
                                   length=n_periods * period * 1e-6, width=width * 1e-6, fibre_angle_deg=fibre_angle)

    def grating_coupler_1d(self, wl=WL0_UM, period: float = 0.6, fill_factor: float = 0.5, n_periods: int = 30,
                           width: float = 12.0, fibre_angle: float = 10.0, **_) -> dict:
        """Waveguide o1 ↔ fibre o2: √T(λ) of the drawn grating."""
        coupler = self.drawn_grating(period, fill_factor, n_periods, width, fibre_angle)
        return _reciprocal({("o1", "o2"): np.sqrt(coupler.transmission(np.asarray(wl, dtype=float) * 1e-6))})

    def drawn_grating_2d(self, period: float, fill_factor: float, n_periods: int) -> GratingCoupler2D:
        """:attr:`grating_2d` with the drawn lattice period, fill factor and side [µm]."""
        base = _default_grating(GratingCoupler2D) if self.grating_2d is None else self.grating_2d
        arm = dataclasses.replace(base.arm, period=period * 1e-6, fill_factor=fill_factor,
                                  length=n_periods * period * 1e-6)
        return dataclasses.replace(base, arm=arm)

    def grating_coupler_2d(self, wl=WL0_UM, period: float = 0.6, fill_factor: float = 0.5, n_periods: int = 20,
                           **_) -> dict:
        """Arms o1 (H), o2 (V) ↔ fibre o3 (H), o4 (V): the Jones matrix of the drawn 2D grating."""
        jones = self.drawn_grating_2d(period, fill_factor, n_periods).jones(np.asarray(wl, dtype=float) * 1e-6)
        return _reciprocal({(arm, fibre): jones[..., i, j] for j, arm in enumerate(("o1", "o2"))
                            for i, fibre in enumerate(("o3", "o4"))})

    def models(self) -> dict:
        """Cell name → model function."""
        return {"straight": self.straight, "mmi1x2": mmi1x2, "mmi2x2": mmi2x2,
                "grating_coupler_1d": self.grating_coupler_1d, "grating_coupler_2d": self.grating_coupler_2d,
                **{name: partial(self.drawn, name) for name in ("bend_euler", "bend_circular", "bend_s", "taper")}}


@dataclass(frozen=True)
class InPModels:
    """Parameters of the InP platform's models (deep-etched ridge ``cc_inp_*``); ``models()`` returns them.

    Parameters
    ----------
    neff : float
        Modal index of the ridge (the InP shifter's refractive index).
    group_index : float
        Group index (assumed 3.6, a typical InP ridge value; only the routes' dispersion depends on it).
    loss_db_per_m : float
        Passive propagation loss [dB/m] (the InP shifter's).
    shifter : ElectroOpticPhaseShifter
        Model of a ``cc_inp_eo`` section (under a p electrode); its length is replaced by the drawn one.
    facet : AngledFacet
        Model of the output facets; its angle is replaced by the drawn one.
    """

    neff: float = _EO["refractive_index"]
    group_index: float = 3.6
    loss_db_per_m: float = _EO["loss_db_per_m"]
    shifter: ElectroOpticPhaseShifter = field(default_factory=ElectroOpticPhaseShifter)
    facet: AngledFacet = field(default_factory=AngledFacet)

    def __post_init__(self):
        check_range("neff", self.neff, 1.0, 10.0)
        check_range("group_index", self.group_index, 1.0, 10.0)
        check_nonnegative("loss_db_per_m", self.loss_db_per_m, "dB/m")
        for name, cls in (("shifter", ElectroOpticPhaseShifter), ("facet", AngledFacet)):
            if not isinstance(getattr(self, name), cls):
                raise ValueError(f"{name} must be a {cls.__name__}, got {type(getattr(self, name)).__name__}")

    def propagation(self, wl, length_um: float, loss: bool = True) -> np.ndarray:
        """Field transfer of ``length_um`` µm of ridge at ``wl`` [µm] (module docstring)."""
        return _propagation(wl, length_um, self.neff, self.group_index, self.loss_db_per_m if loss else 0.0)

    def straight(self, wl=WL0_UM, length: float = 10.0, cross_section: str = "cc_inp_deep", voltage: float = 0.0,
                 **_) -> dict:
        """Straight of ``length`` µm; on ``cc_inp_eo`` the shifter (its own loss) at reverse bias ``voltage``."""
        if not cross_section.startswith("cc_inp_eo"):
            return _reciprocal({("o1", "o2"): self.propagation(wl, length)})
        lam = np.asarray(wl, dtype=float) * 1e-6
        drawn = dataclasses.replace(self.shifter, length=length * 1e-6)
        t = self.propagation(wl, length, loss=False) * 10 ** (-drawn.loss_db(voltage, lam) / 20)
        return _reciprocal({("o1", "o2"): t * np.exp(-1j * drawn.phase(voltage, lam))})

    def drawn(self, cell: str, wl=WL0_UM, **settings) -> dict:
        """A two-port cell (bend) as ridge of its drawn length ``info["length"]``."""
        return _reciprocal({("o1", "o2"): self.propagation(wl, _drawn_length(cell, settings))})

    def angled_facet(self, wl=WL0_UM, angle_deg: float = FACET_ANGLE_DEG, **settings) -> dict:
        """The drawn tilted guide (its axis length) ending on :attr:`facet` at the drawn ``angle_deg``."""
        from .transmitter_inp import angled_facet

        t = self.propagation(wl, float(angled_facet(angle_deg=angle_deg, **settings).info["length"]))
        s = dataclasses.replace(self.facet, angle_deg=angle_deg).model(wl)
        return {("o1", "o1"): t * t * s[("o1", "o1")], ("o1", "o2"): t * s[("o1", "o2")],
                ("o2", "o1"): t * s[("o2", "o1")], ("o2", "o2"): s[("o2", "o2")] * np.ones_like(t)}

    def models(self) -> dict:
        """Cell name → model function."""
        return {"straight": self.straight, "mmi1x2": mmi1x2, "mmi2x2": mmi2x2, "angled_facet": self.angled_facet,
                **{name: partial(self.drawn, name) for name in ("bend_euler", "bend_circular", "bend_s", "taper")}}


def im_settings(mzi: MZI, voltage) -> dict:
    """Circuit settings of a drawn single-drive IM: ratios, loss, and its bias as a DC offset V_π(λ₀)·φ_b/π."""
    bias = mzi.bias_phase / np.pi * mzi.arm_a.v_pi(mzi.wavelength)
    return {"splitter": {"ratio": mzi.splitter_ratio},
            "combiner": {"ratio": mzi.combiner_ratio, "loss_db": mzi.insertion_loss_db},
            "eo_1": {"voltage": mzi.common_voltage + voltage + bias}, "eo_2": {"voltage": mzi.common_voltage}}


def dc_biased(mzi: MZI, wavelength: float) -> MZI:
    """``mzi`` with the bias phase φ(V_b, λ) that the DC offset gives at ``wavelength`` [m] (linear EO)."""
    bias = mzi.arm_a.phase(mzi.bias_phase / np.pi * mzi.arm_a.v_pi(mzi.wavelength), wavelength)
    return dataclasses.replace(mzi, bias_phase=float(bias))


def _by_platform(si_model, inp_model, wl=WL0_UM, **settings) -> dict:
    """The InP model for a ``cc_inp*`` cross-section, the Si one otherwise."""
    inp = str(settings.get("cross_section", "")).startswith("cc_inp")
    return (inp_model if inp else si_model)(wl=wl, **settings)


def models(si: SiliconModels | None = None, inp: InPModels | None = None) -> dict:
    """Models of the PDK's cells: cells drawn on both platforms pick by their ``cross_section``."""
    si = SiliconModels() if si is None else si
    inp = InPModels() if inp is None else inp
    if not isinstance(si, SiliconModels) or not isinstance(inp, InPModels):
        raise ValueError("si must be a SiliconModels and inp an InPModels")
    a, b = si.models(), inp.models()
    return {**a, **b, **{name: partial(_by_platform, a[name], b[name]) for name in set(a) & set(b)}}


MODELS = models()
"""Models with the default parameters (registered with the PDK as ``PDK.models``)."""


def _instance_ports(netlist: dict) -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    for net in netlist.get("nets", []):
        for end in (net["p1"], net["p2"]):
            name, port = end.split(",")
            used.setdefault(name, set()).add(port)
    for end in netlist["ports"].values():
        name, port = end.split(",")
        used.setdefault(name, set()).add(port)
    return used


def _nested(inst: str, settings: dict, inner: dict) -> dict:
    """Settings of sub-cell ``inst``'s instances: per instance if keyed by their names, else the same for all."""
    given = settings.get(inst, {})
    if given and set(given) <= set(inner):
        return given
    return {sub: given for sub in inner}


def _evaluate(name: str, netlists: dict, models_: dict, wl, settings: dict, sources=()) -> dict:
    netlist = netlists[name]
    used = _instance_ports(netlist)
    blocks = {}
    for inst, spec in netlist["instances"].items():
        optical = {p for p in used.get(inst, ()) if p.startswith("o")}
        if not optical or inst in sources:
            continue  # pads and other electrical-only instances; sources are cut out
        component = spec["component"]
        kwargs = {**spec.get("settings", {}), **settings.get(inst, {})}
        if component in models_:
            blocks[inst] = models_[component](wl=wl, **kwargs)
        elif component in netlists and component != name:  # a sub-cell: evaluated as a circuit itself
            inner = netlists[component]["instances"]
            blocks[inst] = _evaluate(component, netlists, models_, wl, _nested(inst, settings, inner))
        else:
            raise ValueError(f"instance {inst!r}: no model for cell {component!r}; models cover {sorted(models_)}")
    index = {}
    for inst, sdict in blocks.items():
        for a, b in sdict:
            index.setdefault((inst, a), len(index))
            index.setdefault((inst, b), len(index))
    n = len(index)
    shape = np.broadcast_shapes(np.shape(wl), *(np.shape(t) for sdict in blocks.values() for t in sdict.values()))
    s = np.zeros(shape + (n, n), dtype=complex)
    for inst, sdict in blocks.items():
        for (a, b), t in sdict.items():
            s[..., index[(inst, b)], index[(inst, a)]] = t
    external = {port: tuple(end.split(",")) for port, end in netlist["ports"].items()
                if end.split(",")[1].startswith("o") and end.split(",")[0] not in sources}
    for net in netlist.get("nets", []):  # a port facing a source becomes external, named "source,port"
        ends = [tuple(net[k].split(",")) for k in ("p1", "p2")]
        for (inst, port), other in (ends, ends[::-1]):
            if inst in sources and port.startswith("o") and other in index:
                external[f"{inst},{port}"] = other
    missing = set(sources) - {k.split(",")[0] for k in external if "," in k}
    if missing:
        raise ValueError(f"sources {sorted(missing)} are not instances with an optical port connected in {name!r}")
    ext = [index[end] for end in external.values()]
    internal = [i for i in range(n) if i not in ext]
    where = {k: internal.index(v) for k, v in index.items() if v in internal}
    c = np.zeros((len(internal), len(internal)))
    for net in netlist.get("nets", []):
        p, q = (tuple(net[k].split(",")) for k in ("p1", "p2"))
        if p in where and q in where:
            c[where[p], where[q]] = c[where[q], where[p]] = 1.0
    s_ee = s[..., ext, :][..., :, ext]
    s_ie = s[..., internal, :][..., :, ext]
    s_ei = s[..., ext, :][..., :, internal]
    s_ii = s[..., internal, :][..., :, internal]
    b_int = np.linalg.solve(np.eye(len(internal)) - s_ii @ c, s_ie)
    total = s_ee + s_ei @ c @ b_int
    names = list(external)
    return {(names[k], names[j]): total[..., j, k] for k in range(len(names)) for j in range(len(names))}


def circuit(component: gf.Component, wl=WL0_UM, settings: dict | None = None, models: dict | None = None,
            sources: tuple = ()) -> dict:
    """Field transfer between the optical ports of ``component``, from its netlist.

    Parameters
    ----------
    component : gf.Component
        Cell whose ``get_netlist(recursive=True)`` is evaluated; sub-cells without a model are expanded.
    wl : float or array
        Wavelength [µm].
    settings : dict, optional
        Instance name (top level) → settings passed to its model, e.g. ``{"ps_top": {"voltage": 1.2}}``; for a
        sub-cell either its instances' settings by name (``{"im1": {"eo_1": {"voltage": 2.0}}}``) or settings
        for all of them. Array settings broadcast with ``wl``.
    models : dict, optional
        Cell name → model; :data:`MODELS` by default.
    sources : tuple of str
        Top-level instances that emit rather than transmit (the lasers): each is cut out and the port it feeds
        becomes an external port named ``"instance,port"`` (e.g. ``"laser_q,o2"``).

    Returns
    -------
    dict
        (input port, output port) → complex field transfer, shaped like ``wl`` and the array settings.
    """
    if not isinstance(component, gf.Component):
        raise ValueError(f"component must be a gdsfactory Component, got {type(component).__name__}")
    models = MODELS if models is None else models
    netlists = component.get_netlist(recursive=True)
    used = {spec["component"] for netlist in netlists.values() for spec in netlist["instances"].values()}
    (top,) = (name for name in netlists if name not in used)
    if not netlists[top]["instances"]:  # a leaf cell: its own model
        if component.function_name not in models:
            raise ValueError(f"component {component.name!r}: no model for cell {component.function_name!r}; "
                             f"models cover {sorted(models)}")
        return models[component.function_name](wl=wl, **component.settings.model_dump(), **(settings or {}))
    return _evaluate(top, netlists, models, wl, settings or {}, tuple(sources))
