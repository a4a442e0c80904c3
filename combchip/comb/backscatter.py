"""Linear backscattering doublet: a ring's forward and backward modes coupled at the rate Γ.

    da/dt = −(κ/2 + iΔ)a + iΓb + √κ_ex·s,     db/dt = −(κ/2 + iΔ)b + iΓa,

with Δ = ω₀ − ω. The coupling matrix has eigenfrequencies ω₀ ± Γ, so the resonance splits into a doublet
2Γ apart (Gorodetsky, Pryamikov & Ilchenko, JOSA B 17, 1051 (2000); Kippenberg, Spillane & Vahala, Opt.
Lett. 27, 1669 (2002)). The bus transmits t = 1 − κ_ex(κ/2 + iΔ)/((κ/2 + iΔ)² + Γ²) and reflects
r = iΓκ_ex/((κ/2 + iΔ)² + Γ²) back towards the laser.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike

from ..validation import check_nonnegative
from .resonator import Ring

__all__ = ["doublet_splitting", "doublet_transmission"]


def doublet_splitting(backscatter_rate: float) -> float:
    """Frequency splitting 2Γ/2π [Hz] of the doublet for a coupling rate Γ [rad/s] ≥ 0."""
    return 2 * check_nonnegative("backscatter_rate", backscatter_rate, "rad/s") / (2 * np.pi)


def doublet_transmission(ring: Ring, backscatter_rate: float, detuning_hz: ArrayLike) -> xr.Dataset:
    """Bus transmission and reflection of the linear doublet against the laser detuning (ω₀ − ω)/2π [Hz].

    Returns
    -------
    xarray.Dataset
        ``transmission`` |t|² and ``reflection`` |r|² (power ratios) and the complex amplitudes ``forward_field``
        and ``backward_field`` (a, b per unit √κ_ex·s, in s) on ``detuning`` [Hz].
    """
    if not isinstance(ring, Ring):
        raise ValueError(f"ring must be a combchip.Ring, got {type(ring).__name__}")
    gamma = check_nonnegative("backscatter_rate", backscatter_rate, "rad/s")
    detuning = np.atleast_1d(np.asarray(detuning_hz, dtype=float))
    if detuning.ndim != 1 or not np.all(np.isfinite(detuning)):
        raise ValueError("detuning_hz must be a finite 1-D array of Hz")
    cc = ring.kappa / 2 + 2j * np.pi * detuning
    denominator = cc**2 + gamma**2
    forward, backward = cc / denominator, 1j * gamma / denominator

    def var(data, units, name):
        return ("detuning", data, {"units": units, "long_name": name})

    return xr.Dataset(
        {"transmission": var(np.abs(1 - ring.kappa_ex * forward) ** 2, "1", "bus power transmission |t|²"),
         "reflection": var(np.abs(ring.kappa_ex * backward) ** 2, "1", "bus power reflection |r|²"),
         "forward_field": var(forward, "s", "forward amplitude a/(√κ_ex·s)"),
         "backward_field": var(backward, "s", "backward amplitude b/(√κ_ex·s)")},
        coords={"detuning": ("detuning", detuning, {"units": "Hz", "long_name": "laser detuning (ω₀ − ω)/2π"})},
        attrs={"backscatter_rate": gamma, "ring_linewidth": ring.linewidth, "ring_coupling": ring.coupling},
    )
