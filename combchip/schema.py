"""Dataset contracts of the comb → transmitter → link chain, and the record of one comb line.

A :class:`Contract` names the variables a Dataset must hold, each with its dims, ``units`` and
``long_name``; producers build their variables from it (:meth:`Contract.entry`) and check their output
with :func:`validate`, consumers check their input the same way. Each contract is declared once here:

- :data:`COMB_LINES`: the comb-lines table of :func:`combchip.comb_lines` (one row per line ``mu``);
- :data:`SYMBOL_STREAM`, :data:`PHASE_SYMBOL_STREAM`: a transmitter chip's symbols (qubit or phase encoding);
- :data:`TRANSMITTER_STATES`: a chip's realized mean photon number and error per (intensity, state);
- :data:`KEY_RATE_MATRIX`, :data:`NETWORK_KEY_RATES`: the key-rate matrix of an N-user network and the
  network result built around it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import xarray as xr
from scipy.constants import c

__all__ = [
    "COMB_LINES",
    "KEY_RATE_MATRIX",
    "NETWORK_KEY_RATES",
    "PHASE_SYMBOL_STREAM",
    "SYMBOL_STREAM",
    "TRANSMITTER_STATES",
    "CombLine",
    "Contract",
    "Variable",
    "validate",
]


@dataclass(frozen=True)
class Variable:
    """One variable of a contract: its dims, its allowed ``units`` (the first is the default) and its ``long_name``."""

    dims: tuple[str, ...]
    units: tuple[str, ...]
    long_name: str


def _var(dims, units, long_name) -> Variable:
    return Variable(tuple(dims), (units,) if isinstance(units, str) else tuple(units), long_name)


@dataclass(frozen=True)
class Contract:
    """The variables a Dataset must hold (``required``) and those it may hold (``optional``), by name."""

    name: str
    required: Mapping[str, Variable]
    optional: Mapping[str, Variable] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "required", MappingProxyType(dict(self.required)))
        object.__setattr__(self, "optional", MappingProxyType(dict(self.optional)))

    def variable(self, name: str) -> Variable:
        """The declaration of ``name``."""
        found = self.required.get(name) or self.optional.get(name)
        if found is None:
            raise ValueError(f"name = {name!r} is not a variable of the {self.name} contract")
        return found

    def entry(self, name: str, data, units: str | None = None) -> tuple:
        """``(dims, data, attrs)`` of variable ``name``, ready for an ``xarray.Dataset``; ``units`` picks
        one of the allowed units (default: the first)."""
        declared = self.variable(name)
        chosen = declared.units[0] if units is None else units
        if chosen not in declared.units:
            raise ValueError(f"units = {chosen!r} is not allowed for {name}; allowed: {', '.join(declared.units)}")
        return declared.dims, data, {"units": chosen, "long_name": declared.long_name}

    def extended(self, name: str, required: Mapping | None = None, optional: Mapping | None = None) -> Contract:
        """A contract holding this one's variables and more."""
        return Contract(name, {**self.required, **(required or {})}, {**self.optional, **(optional or {})})


def validate(ds: xr.Dataset, contract: Contract) -> xr.Dataset:
    """Return ``ds`` if it meets ``contract``, else raise ``ValueError`` naming the variable at fault.

    Every required variable must be present, and every declared variable present (data or coordinate)
    must have the declared dims and one of the allowed ``units``.
    """
    if not isinstance(ds, xr.Dataset):
        raise ValueError(f"a {contract.name} must be an xarray.Dataset, got {type(ds).__name__}")
    missing = [name for name in contract.required if name not in ds.variables]
    if missing:
        raise ValueError(f"the {contract.name} lacks the variable(s) {', '.join(missing)}")
    for name, declared in {**contract.optional, **contract.required}.items():
        if name not in ds.variables:
            continue
        variable = ds.variables[name]
        if variable.dims != declared.dims:
            raise ValueError(f"{name} of the {contract.name} must have dims {declared.dims}, got {variable.dims}")
        units = variable.attrs.get("units")
        if units not in declared.units:
            raise ValueError(f"{name} of the {contract.name} must be in units {' or '.join(declared.units)}, "
                             f"got {units!r}")
    return ds


_MU, _USERS = ("mu",), ("user_a", "user_b")
COMB_LINES = Contract(
    "comb-lines table",
    {
        "line_frequency": _var(_MU, "Hz", "comb line frequency ν_p + μ·FSR"),
        "itu_channel": _var(_MU, "1", "nearest ITU 100 GHz channel number"),
        "power": _var(_MU, "W", "bus output power"),
        "osnr": _var(_MU, "dB", "coherent / incoherent line power"),
        "linewidth": _var(_MU, "Hz", "Lorentzian linewidth estimate"),
    },
    {
        "itu_offset": _var(_MU, "Hz", "offset from the ITU channel"),
        "power_dbm": _var(_MU, "dBm", "bus output power"),
        "linewidth_status": _var(_MU, "1", "how the linewidth was obtained: resolved, below_resolution, "
                                           "above_span, from_pump, unmeasured or given"),
    },
)
_SYMBOLS = {
    "mu": _var(("symbol",), "photons", "mean photon number"),
    "intensity": _var(("symbol",), "1", "intensity label index"),
}
SYMBOL_STREAM = Contract("symbol stream", {
    **_SYMBOLS,
    "basis": _var(("symbol",), "1", "basis (0 = Z, 1 = X)"),
    "bit": _var(("symbol",), "1", "bit value"),
    "fidelity": _var(("symbol",), "1", "state fidelity with the ideal state"),
})
PHASE_SYMBOL_STREAM = Contract("phase-encoded symbol stream", {
    **_SYMBOLS,
    "phase_slice": _var(("symbol",), "1", "phase slice k of M"),
    "phase": _var(("symbol",), "rad", "realized phase delay"),
    "phase_error": _var(("symbol",), "rad", "field phase minus the intended one, arg(E/E_ideal)"),
})
TRANSMITTER_STATES = Contract("transmitter state table", {
    "mu": _var(("intensity", "state"), "photons", "realized mean photon number of the state"),
    "error": _var(("intensity", "state"), "1", "state error 1 − F against the ideal state"),
})
KEY_RATE_MATRIX = Contract(
    "key-rate matrix",
    {
        "key_rate": _var(_USERS, ("bit/s", "bit/pulse pair"), "finite-key MDI-QKD secret-key rate"),
        "pair_loss_db": _var(_USERS, "dB", "pair loss L_a + L_b"),
        "user_loss_db": _var(("user_a",), "dB", "user-to-relay loss"),
        "e_d_x": _var(_USERS, "1", "X-basis misalignment e_d^X"),
    },
)
NETWORK_KEY_RATES = KEY_RATE_MATRIX.extended(
    "network key-rate result",
    {
        "colour": _var(_USERS, "1", "wavelength index (edge colour of K_n)"),
        "line_mu": _var(_USERS, "1", "comb line mode number μ of the pair"),
        "line_frequency": _var(_USERS, "Hz", "comb line frequency of the pair"),
        "line_power": _var(_USERS, "W", "power of the pair's comb line at each transmitter"),
        "line_linewidth": _var(_USERS, "Hz", "linewidth of the pair's comb line"),
        "mode_overlap": _var(_USERS, "1", "mode overlap M of the pair's pulses"),
        "hom_visibility": _var(_USERS, "1", "HOM visibility V = M/2 (equal weak pulses)"),
        "bsm_visibility": _var(_USERS, "1", "BSM visibility c_A c_B M/2"),
    },
    {
        "state_mu": _var(("wavelength", "intensity", "state"), "photons",
                         "realized mean photon number per state of the transmitter on each line"),
        "state_mu_spread": _var(("wavelength", "intensity"), "1",
                                "relative spread (max − min)/mean of μ across the states (side channel)"),
        "state_error": _var(("wavelength", "intensity", "state"), "1", "state error 1 − F of the transmitter"),
    },
)


@dataclass(frozen=True)
class CombLine:
    """One comb line, a row of :data:`COMB_LINES`, as it reaches a transmitter chip.

    Parameters
    ----------
    frequency : float
        Optical frequency ν [Hz].
    power : float
        Power at the chip input [W].
    linewidth : float
        Lorentzian FWHM Δν [Hz].
    osnr : float
        Coherent over incoherent line power [dB] (``inf``: a fully coherent line).
    mu : int
        Mode number relative to the pump.
    """

    frequency: float
    power: float
    linewidth: float = 0.0
    osnr: float = math.inf
    mu: int = 0

    def __post_init__(self):
        for name, unit, strict in (("frequency", "Hz", True), ("power", "W", False), ("linewidth", "Hz", False)):
            value = getattr(self, name)
            if not (np.isfinite(value) and (value > 0 if strict else value >= 0)):
                raise ValueError(f"{name} = {value!r} {unit} is outside the allowed range "
                                 f"{'(' if strict else '['}0, inf)")
        if np.isnan(self.osnr) or self.osnr == -math.inf:
            raise ValueError(f"osnr = {self.osnr!r} dB must be a number or +inf")

    @property
    def wavelength(self) -> float:
        """Vacuum wavelength c/ν [m]."""
        return c / self.frequency

    @property
    def coherent_fraction(self) -> float:
        """Fraction p = 1/(1 + 10^(−OSNR/10)) of the power in the steady line."""
        return 1.0 / (1.0 + 10 ** (-self.osnr / 10))

    def coherence(self, delay: float) -> float:
        """|g⁽¹⁾(τ)| = exp(−πΔν·|τ|) of the Lorentzian line after a delay τ [s] (C. H. Henry, IEEE J.
        Quantum Electron. 18, 259 (1982))."""
        return math.exp(-math.pi * self.linewidth * abs(delay))

    @classmethod
    def from_table(cls, lines: xr.Dataset, mu: int) -> CombLine:
        """The row ``mu`` of a :data:`COMB_LINES` table."""
        validate(lines, COMB_LINES)
        if mu not in lines.mu.values:
            raise ValueError(f"mu = {mu!r} is not a line of the table (mu from {int(lines.mu.min())} to "
                             f"{int(lines.mu.max())})")
        row = lines.sel(mu=mu)
        return cls(frequency=float(row.line_frequency), power=float(row.power), linewidth=float(row.linewidth),
                   osnr=float(row.osnr), mu=int(mu))
