"""A pump modulated at a harmonic of the FSR: a stationary drive on several modes of the LLE.

A pump field E_in·m(t) with a modulation m of period 2π/(hΩ), Ω the ring's FSR (D₁, rad/s) at the pump and h the
harmonic, has sidebands at ω_p + nhΩ that fall on the modes μ = nh. In the frame of the LLE, which turns with D₁,
they stand still: the drive becomes the stationary profile f·m(θ) = f·Σ_μ c_μ e^{iμθ} (Lobanov et al., EPL 112,
54008 (2015)). Two modulators:

* phase, m(t) = e^{iM cos(hΩt)}: c_{nh} = iⁿJₙ(M) (Jacobi–Anger). Since i⁻ⁿJ₋ₙ = iⁿJₙ the sidebands are the same
  for either sign of the time convention (e^{∓iωt}) and of θ; |m| = 1, so the pump's power is unchanged;
* amplitude (an intensity modulator in push-pull, small-signal, chirp-free), m(t) = (1 + m cos hΩt)/√(1 + m²/2):
  c₀ = 1/√(1 + m²/2), c_{±h} = (m/2)/√(1 + m²/2), with m ≤ 1 (no over-modulation); the time-averaged power is
  the pump's power.

Only Ω = FSR exactly is modelled: a modulation detuned by δ from hΩ gives a profile drifting at δ/h, not a
stationary drive. The photon-energy difference of the sidebands (|μ|·FSR/ν ≲ 10⁻³) is neglected, as the LLE does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import jv

from ..validation import check_choice, check_int, check_range

__all__ = ["ModulationKind", "PumpModulation"]

ModulationKind = Literal["phase", "amplitude"]
"""Modulators of :class:`PumpModulation`."""

NEGLIGIBLE = 1e-16
"""Sideband amplitudes |c_μ| below this (the double-precision resolution of the unit drive) are not driven."""


@dataclass(frozen=True)
class PumpModulation:
    """A pump modulated at ``harmonic`` × FSR, passed as ``simulate_comb(..., modulation=...)``.

    Parameters
    ----------
    depth : float
        Phase-modulation index M [rad] (≥ 0) for ``kind="phase"``; field modulation depth m in [0, 1] for
        ``kind="amplitude"``.
    harmonic : int
        The modulation frequency in FSRs (≥ 1); sidebands fall on every ``harmonic``-th mode.
    kind : {"phase", "amplitude"}
        The modulator (see the module docstring for the sidebands c_μ).
    """

    depth: float
    harmonic: int = 1
    kind: ModulationKind = "phase"

    def __post_init__(self):
        check_choice("kind", self.kind, ModulationKind)
        high = 1.0 if self.kind == "amplitude" else np.inf
        object.__setattr__(self, "depth", check_range("depth", self.depth, 0.0, high, "rad" if high > 1 else ""))
        object.__setattr__(self, "harmonic", check_int("harmonic", self.harmonic, 1))

    def coefficients(self, mu: ArrayLike) -> np.ndarray:
        """Sideband amplitudes c_μ relative to the unmodulated drive f, on the mode numbers ``mu``."""
        mu = np.asarray(mu)
        order, rest = np.divmod(mu, self.harmonic)
        on = rest == 0
        if self.kind == "phase":
            c = (1j ** (order % 4)) * jv(order, self.depth)
        else:
            c = np.select([order == 0, np.abs(order) == 1], [1.0, self.depth / 2], 0.0) / np.sqrt(1 + self.depth**2 / 2)
        return np.where(on & (np.abs(c) >= NEGLIGIBLE), c, 0.0).astype(complex)

    def drive_profile(self, mu: ArrayLike) -> np.ndarray:
        """:meth:`coefficients` on the simulated modes ``mu``; ValueError if the window misses part of the
        modulated pump's power (Σ|c_μ|² < 1 − 10⁻¹², e.g. a phase index ≳ the number of modes / harmonic)."""
        c = self.coefficients(mu)
        captured = float(np.sum(np.abs(c) ** 2))
        if captured < 1 - 1e-12:
            raise ValueError(f"depth = {self.depth:g}: the {np.size(mu)} simulated modes hold only {captured:.6f} of the "
                             f"modulated pump's power; use more modes or a smaller depth")
        return c

    def profile(self, theta: ArrayLike) -> np.ndarray:
        """m(θ) = f(θ)/f, the drive along the ring in the LLE's frame."""
        x = self.harmonic * np.asarray(theta, dtype=float)
        if self.kind == "phase":
            return np.exp(1j * self.depth * np.cos(x))
        return (1 + self.depth * np.cos(x)) / np.sqrt(1 + self.depth**2 / 2) + 0j

    def to_dict(self) -> dict:
        """Plain-number description, enough to rebuild the modulation."""
        return {"depth": self.depth, "harmonic": self.harmonic, "kind": self.kind}
