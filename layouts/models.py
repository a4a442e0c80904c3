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
:class:`~combchip.tx.phase_shifters.ThermoOpticPhaseShifter` on ``cc_heater``, driven by ``power`` [W]).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, fields
from functools import partial

import gdsfactory as gf
import numpy as np

from combchip.tx.modulators import MZI
from combchip.tx.phase_shifters import DepletionPhaseShifter, ThermoOpticPhaseShifter
from combchip.validation import check_nonnegative, check_range, check_wavelength

__all__ = ["MODELS", "SiliconModels", "circuit", "models"]

_MZI = {f.name: f.default for f in fields(MZI)}
WL0_UM = round(_MZI["wavelength"] * 1e6, 6)
"""Reference wavelength λ₀ [µm] of the index expansion (the compact MZI's)."""


def _reciprocal(pairs: dict) -> dict:
    out = dict(pairs)
    out.update({(b, a): t for (a, b), t in pairs.items()})
    return out


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
    """

    neff: float = _MZI["neff"]
    group_index: float = _MZI["group_index"]
    loss_db_per_m: float = 200.0
    shifter: DepletionPhaseShifter = field(default_factory=DepletionPhaseShifter)
    heater: ThermoOpticPhaseShifter = field(default_factory=ThermoOpticPhaseShifter)

    def __post_init__(self):
        check_range("neff", self.neff, 1.0, 10.0)
        check_range("group_index", self.group_index, 1.0, 10.0)
        check_nonnegative("loss_db_per_m", self.loss_db_per_m, "dB/m")
        for name, cls in (("shifter", DepletionPhaseShifter), ("heater", ThermoOpticPhaseShifter)):
            if not isinstance(getattr(self, name), cls):
                raise ValueError(f"{name} must be a {cls.__name__}, got {type(getattr(self, name)).__name__}")

    def propagation(self, wl, length_um: float) -> np.ndarray:
        """Field transfer of ``length_um`` µm of strip at ``wl`` [µm] (module docstring)."""
        lam = np.asarray(wl, dtype=float)
        check_wavelength("wl", float(np.min(lam)) * 1e-6)
        phase = 2 * np.pi * length_um * ((self.neff - self.group_index) / WL0_UM + self.group_index / lam)
        return 10 ** (-self.loss_db_per_m * length_um * 1e-6 / 20) * np.exp(-1j * phase)

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
        geometry = {k: v for k, v in settings.items() if k not in ("length", "voltage", "power")}
        length = gf.get_component(cell, **geometry).info["length"]
        return _reciprocal({("o1", "o2"): self.propagation(wl, float(length))})

    @staticmethod
    def mmi1x2(wl=WL0_UM, ratio: float = 0.5, loss_db: float = 0.0, **_) -> dict:
        """1×2 splitter: o1→o2 √(1−r)·η, o1→o3 √r·η (equal phases), η = 10^(−loss/20)."""
        eta = 10 ** (-check_nonnegative("loss_db", loss_db, "dB") / 20)
        r = check_range("ratio", ratio, 0.0, 1.0)
        one = np.ones_like(np.asarray(wl, dtype=float))
        return _reciprocal({("o1", "o2"): eta * np.sqrt(1 - r) * one, ("o1", "o3"): eta * np.sqrt(r) * one})

    @staticmethod
    def mmi2x2(wl=WL0_UM, ratio: float = 0.5, loss_db: float = 0.0, **_) -> dict:
        """2×2 coupler [[√(1−r), i√r], [i√r, √(1−r)]]·η: bar o1→o4, o2→o3; cross o1→o3, o2→o4."""
        eta = 10 ** (-check_nonnegative("loss_db", loss_db, "dB") / 20)
        r = check_range("ratio", ratio, 0.0, 1.0)
        one = np.ones_like(np.asarray(wl, dtype=float))
        bar, cross = eta * np.sqrt(1 - r) * one, 1j * eta * np.sqrt(r) * one
        return _reciprocal({("o1", "o4"): bar, ("o2", "o3"): bar, ("o1", "o3"): cross, ("o2", "o4"): cross})

    def models(self) -> dict:
        """Cell name → model function."""
        return {"straight": self.straight, "mmi1x2": self.mmi1x2, "mmi2x2": self.mmi2x2,
                **{name: partial(self.drawn, name) for name in ("bend_euler", "bend_circular", "taper")}}


def models(**kwargs) -> dict:
    """Models of the PDK's cells (:class:`SiliconModels` with ``kwargs``)."""
    return SiliconModels(**kwargs).models()


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


def _evaluate(name: str, netlists: dict, models_: dict, wl, settings: dict) -> dict:
    netlist = netlists[name]
    used = _instance_ports(netlist)
    blocks = {}
    for inst, spec in netlist["instances"].items():
        optical = {p for p in used.get(inst, ()) if p.startswith("o")}
        if not optical:
            continue  # pads and other electrical-only instances
        component = spec["component"]
        kwargs = {**spec.get("settings", {}), **settings.get(inst, {})}
        if component in models_:
            blocks[inst] = models_[component](wl=wl, **kwargs)
        elif component in netlists and component != name:  # a sub-cell: its settings go to all its models
            inner = {sub: settings.get(inst, {}) for sub in netlists[component]["instances"]}
            blocks[inst] = _evaluate(component, netlists, models_, wl, inner)
        else:
            raise ValueError(f"instance {inst!r}: no model for cell {component!r}; models cover {sorted(models_)}")
    index = {}
    for inst, sdict in blocks.items():
        for a, _ in sdict:
            index.setdefault((inst, a), len(index))
    n = len(index)
    shape = np.broadcast_shapes(np.shape(wl), *(np.shape(t) for sdict in blocks.values() for t in sdict.values()))
    s = np.zeros(shape + (n, n), dtype=complex)
    for inst, sdict in blocks.items():
        for (a, b), t in sdict.items():
            s[..., index[(inst, b)], index[(inst, a)]] = t
    external = {port: tuple(end.split(",")) for port, end in netlist["ports"].items() if port.startswith("o")}
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


def circuit(component: gf.Component, wl=WL0_UM, settings: dict | None = None, models: dict | None = None) -> dict:
    """Field transfer between the optical ports of ``component``, from its netlist.

    Parameters
    ----------
    component : gf.Component
        Cell whose ``get_netlist(recursive=True)`` is evaluated; sub-cells without a model are expanded.
    wl : float or array
        Wavelength [µm].
    settings : dict, optional
        Instance name (top level) → settings passed to its model, e.g. ``{"ps_top": {"voltage": 1.2}}``;
        array settings broadcast with ``wl``.
    models : dict, optional
        Cell name → model; :data:`MODELS` by default.

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
    return _evaluate(top, netlists, models, wl, settings or {})
