"""SNS-TF-QKD key rate against distance, as an xarray Dataset (with PLOB), for plots and saved results."""

from __future__ import annotations

import json
from dataclasses import asdict

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike
from tqdm.auto import tqdm

from ...validation import check_nonnegative
from .sns import SNSChannel, SNSProtocol, optimize_sns, sns_key_rate

__all__ = ["sns_rate_vs_distance"]


def sns_rate_vs_distance(distance: ArrayLike, pulses: float, channel: SNSChannel | None = None, *,
                         aopp: bool = False, optimize: bool = True, protocol: SNSProtocol | None = None,
                         eps: float = 1e-10, f: float = 1.1, progress: bool = True) -> xr.Dataset:
    """Finite-key SNS-TF-QKD rate per pulse at each total Alice–Bob distance, and the PLOB bound.

    Parameters
    ----------
    distance : array_like
        Total Alice–Bob fibre lengths [m].
    pulses : float
        Time windows N sent at each distance.
    channel : SNSChannel, optional
        Default ``SNSChannel()``; system C's is :func:`combchip.systems.system_c_channel`.
    aopp : bool
        Actively odd-parity pairing (:mod:`combchip.link.qkd.aopp`).
    optimize : bool
        Optimize the source settings at each distance (:func:`combchip.link.qkd.sns.optimize_sns`, starting
        from ``protocol``), else use ``protocol`` as it is.
    eps, f : float
        Failure probability per statement and error-correction inefficiency.
    progress : bool
        Show a progress bar.

    Returns
    -------
    xarray.Dataset on ``distance`` [m]: ``key_rate_per_pulse`` and ``plob`` [bit/pulse], ``e_z``,
    ``e1_ph``, and the settings ``mu_z`` and ``epsilon`` used; inputs in ``attrs``.
    """
    distance = np.atleast_1d(np.asarray(distance, dtype=float))
    if distance.ndim != 1 or distance.size == 0:
        raise ValueError("distance must be a non-empty 1-D array [m]")
    for k, d in enumerate(distance):
        check_nonnegative(f"distance[{k}]", float(d), "m")
    channel = SNSChannel() if channel is None else channel
    start = SNSProtocol() if protocol is None else protocol
    rows = []
    for d in tqdm(distance, desc="SNS rate vs distance", disable=not progress):
        if optimize:
            r = optimize_sns(d, pulses, channel, start, eps=eps, f=f, aopp=aopp)
            start = r.protocol
        else:
            r = sns_key_rate(d, pulses, start, channel, eps=eps, f=f, aopp=aopp)
        rows.append(r)

    def var(key, units, long_name, get=getattr):
        return ("distance", np.array([get(r, key) for r in rows]), {"units": units, "long_name": long_name})

    protocol_of = lambda r, key: getattr(r.protocol, key)  # noqa: E731
    label = "finite-key SNS-TF-QKD" + (" with AOPP" if aopp else "")
    return xr.Dataset(
        {"key_rate_per_pulse": var("key_rate_per_pulse", "bit/pulse", label),
         "plob": var("plob", "bit/pulse", "PLOB bound of the fibre transmittance"),
         "e_z": var("e_z", "1", "bit-error rate of the key bits"),
         "e1_ph": var("e1_ph", "1", "phase-error bound of the untagged key bits"),
         "mu_z": var("mu_z", "1", "Z-window sending intensity", protocol_of),
         "epsilon": var("epsilon", "1", "sending probability", protocol_of)},
        coords={"distance": ("distance", distance, {"units": "m", "long_name": "Alice–Bob fibre length"})},
        attrs={"pulses": float(pulses), "eps": float(eps), "f": float(f), "aopp": int(aopp), "optimized": int(optimize),
               "channel": json.dumps(asdict(channel))},
    )
