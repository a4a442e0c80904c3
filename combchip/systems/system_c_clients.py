"""System C's InP client DBR lasers injection-locked to comb lines: linewidth and side-mode suppression.

Published (:data:`combchip.systems.published.SYSTEM_C`): the locked DBRs reach ≈ 60 Hz linewidth and > 30 dB
side-mode suppression; the comb line's white frequency-noise floor is 13 Hz²/Hz. The comb line's noise is an
INPUT here (that white floor; the self-injection-locked comb that would produce it is modelled elsewhere), so the
client's linewidth is a consequence of the locking physics, not a reproduction of the comb's. Everything about the
DBR itself is ASSUMED (the paper gives none of it) and listed below.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from ..comb.line_noise import beta_linewidth, intrinsic_linewidth
from ..tx.injection_lock import ClientLaser, injection_lock
from ..units import dbm_to_w
from .published import SYSTEM_C

__all__ = ["CLIENT_DBR", "INJECTED_POWER_DBM", "OBSERVATION_TIME", "system_c_client_lock"]

CLIENT_DBR = ClientLaser(
    power=10e-3,               # ASSUMED output power of an InP DBR laser [W]
    linewidth=1e6,             # ASSUMED free-running Lorentzian linewidth of a monolithic InP DBR [Hz]
    alpha=3.0,                 # ASSUMED Henry factor of InP quantum wells
    cavity_length=600e-6,      # ASSUMED gain + phase section + DBR penetration [m]
    group_index=3.7,           # ASSUMED InP ridge group index
    reflectivity=0.3,          # ASSUMED front (cleaved-facet) reflectivity, through which the comb line enters
    smsr=35.0,                 # ASSUMED free-running side-mode suppression [dB]
    side_mode_margin=1e10,     # ASSUMED net-gain margin of the strongest side mode [1/s]
)
"""The assumed client DBR laser."""
INJECTED_POWER_DBM = -20.0
"""ASSUMED comb-line power coupled into the client cavity [dBm]: a −10 dBm line after demultiplexing, minus 10 dB
of fibre-to-chip and facet losses."""
OBSERVATION_TIME = 1.0
"""ASSUMED observation time T₀ [s] of the β-line linewidth (its cut-off 1/T₀)."""


def system_c_client_lock(detuning=0.0, injected_power_dbm=INJECTED_POWER_DBM, client: ClientLaser = CLIENT_DBR,
                         master_white=SYSTEM_C.white_frequency_noise, points: int = 1200) -> xr.Dataset:
    """A system C client locked to a comb line of white frequency noise ``master_white`` [Hz²/Hz].

    :func:`combchip.tx.injection_lock.injection_lock` at ``detuning`` Δω [rad/s] and ``injected_power_dbm``,
    on Fourier frequencies from 1/T₀ to 100 GHz (``points`` log-spaced), plus the linewidths: the β-line FWHM of
    the master and of the client (:func:`combchip.comb.line_noise.beta_linewidth`), the master's intrinsic π·h₀
    (the width of the locked client's carrier) and the published client linewidth and SMSR in ``attrs``.
    """
    frequency = np.logspace(math.log10(1 / OBSERVATION_TIME), 11, points)
    master = np.full(frequency.size, float(master_white))
    ds = injection_lock(client, float(dbm_to_w(injected_power_dbm)), detuning, frequency, master)
    ds["master_linewidth"] = ((), float(beta_linewidth(frequency, master)),
                              {"units": "Hz", "long_name": "β-line FWHM of the comb line"})
    ds["client_linewidth"] = ((), float(beta_linewidth(frequency, ds.client_psd.values)),
                              {"units": "Hz", "long_name": "β-line FWHM of the client"})
    ds["carrier_linewidth"] = ((), float(intrinsic_linewidth(master_white)) if int(ds.locked) else np.nan,
                               {"units": "Hz", "long_name": "Lorentzian FWHM π·h₀ of the locked client's carrier"})
    ds.attrs.update(published_client_linewidth=SYSTEM_C.client_linewidth,
                    published_smsr=SYSTEM_C.client_side_mode_suppression_db,
                    observation_time=OBSERVATION_TIME, injected_power_dbm=float(injected_power_dbm))
    return ds
