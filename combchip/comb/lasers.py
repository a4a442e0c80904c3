"""Lasers driving the ring."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

from scipy.constants import c

from ..units import dbm_to_w, w_to_dbm
from ..validation import check_nonnegative, check_wavelength

MAX_PLAUSIBLE_POWER_W = 10.0
"""Ceiling of a plausible on-chip CW pump [W] (40 dBm), above which :class:`Laser` warns.

The strongest C-band erbium fibre amplifiers sold for pumping deliver about 10 W CW, and a chip's input facet
burns at watt-level coupled powers well before that (the comb experiments modelled here pump with 1 W and 1.58 W
before the chip, Yan et al., npj Quantum Inf. 2025). A larger number is almost always mW typed as W.
"""


@dataclass(frozen=True)
class Laser:
    """A CW laser.

    Parameters
    ----------
    wavelength : float
        Vacuum wavelength [m].
    power : float
        Power coupled into the bus waveguide, on chip [W]; above :data:`MAX_PLAUSIBLE_POWER_W` it warns.
    linewidth : float
        Lorentzian (intrinsic) FWHM linewidth Δν [Hz]; white frequency noise S_ν = Δν/π Hz²/Hz.
    """

    wavelength: float
    power: float
    linewidth: float = 0.0

    def __post_init__(self):
        object.__setattr__(self, "wavelength", check_wavelength("wavelength", self.wavelength))
        object.__setattr__(self, "power", check_nonnegative("power", self.power, "W"))
        if self.power > MAX_PLAUSIBLE_POWER_W:
            warnings.warn(f"Laser power = {self.power:g} W on chip exceeds the {MAX_PLAUSIBLE_POWER_W:g} W of the "
                          f"strongest CW fibre amplifiers: power is in W (did you mean {self.power / 1e3:g} W?)",
                          UserWarning, stacklevel=3)
        object.__setattr__(self, "linewidth", check_nonnegative("linewidth", self.linewidth, "Hz"))

    @classmethod
    def from_dbm(cls, wavelength: float, power_dbm: float, linewidth: float = 0.0) -> Laser:
        """Laser whose on-chip power is given in dBm."""
        return cls(wavelength, float(dbm_to_w(power_dbm)), linewidth)

    @property
    def frequency(self) -> float:
        """ν = c/λ [Hz]."""
        return c / self.wavelength

    @property
    def power_dbm(self) -> float:
        """On-chip power [dBm]."""
        return float(w_to_dbm(self.power))

    def to_dict(self) -> dict[str, float]:
        """Plain-number description, enough to rebuild the laser."""
        return {"wavelength": self.wavelength, "power": self.power, "linewidth": self.linewidth}
