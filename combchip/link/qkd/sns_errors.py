"""X-basis error budget of an SNS-TF-QKD link: one entry per physical source, and the total the key rate uses.

Each phase or visibility source j multiplies the single-photon interference visibility by V_j, so it adds
e_j = (1 − V_j)/2 to the X-window error rate in weak light, and e_X ≈ Σ_j e_j to first order
(:mod:`combchip.link.qkd.sns_tracking` gives each V_j). Dark counts add the difference they make to the
model's e_X = T_Δ/S₁₁ (Jiang et al. 2019). The ``total`` is that e_X itself, computed with every source at
once by :func:`combchip.link.qkd.sns.slice_error_yield`: the number :func:`combchip.link.qkd.sns.sns_key_rate`
reports and uses.

References
----------
C. Jiang, Z.-W. Yu, X.-L. Hu, X.-B. Wang, Phys. Rev. Applied 12, 024061 (2019).
"""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike

from ...validation import check_nonnegative
from .sns import (
    SNSChannel,
    SNSProtocol,
    phase_drift_misalignment,
    single_click_yield,
    slice_error_yield,
    slice_misalignment,
)

__all__ = ["SOURCES", "format_error_budget", "sns_x_error_budget"]

SOURCES = ("phase slice", "fibre drift, reference", "fibre drift, difference", "laser phase noise",
           "comb line, delay imbalance", "phase estimation", "polarization mismatch", "intensity mismatch",
           "stated misalignment", "dark counts")
"""Rows of :func:`sns_x_error_budget`, in order."""


def _gaussian(variance: float) -> float:
    return (1 - math.exp(-variance / 2)) / 2


def _row(distance_m: float, channel: SNSChannel, protocol: SNSProtocol) -> tuple[list[float], float, float]:
    tracking = channel.tracking
    eta_a, eta_b = channel.arm_transmittances(distance_m)
    variances = tracking.gaussian_variances(eta_a, eta_b)
    (w_ref, t_ref), (w_diff, t_diff) = tracking.drift_pairs()
    a, b = eta_a * (1 + tracking.intensity_mismatch), eta_b * (1 - tracking.intensity_mismatch)
    p_d = channel.dark_count_probability

    def e_x(dark):
        terms = channel.x_phase_terms(eta_a, eta_b)
        return (slice_error_yield(protocol.mu_1, eta_a, eta_b, dark, protocol.phase_slice, *terms)
                / single_click_yield(protocol.mu_1, protocol.mu_1, eta_a, eta_b, dark))

    total = e_x(p_d)
    parts = [slice_misalignment(protocol.phase_slice), phase_drift_misalignment(w_ref, t_ref),
             phase_drift_misalignment(w_diff, t_diff), _gaussian(variances["laser"]), _gaussian(variances["comb"]),
             _gaussian(variances["estimation"]), (1 - tracking.polarization_visibility) / 2,
             (1 - 2 * math.sqrt(a * b) / (a + b)) / 2, channel.misalignment, total - e_x(0.0)]
    return parts, total, tracking.detected_photons(eta_a, eta_b, t_ref)


def sns_x_error_budget(distance: ArrayLike, channel: SNSChannel, protocol: SNSProtocol | None = None) -> xr.Dataset:
    """X-basis (post-selected ρ₁₁) error rate of an SNS-TF-QKD link, source by source, at each distance.

    Parameters
    ----------
    distance : array_like
        Total Alice–Bob fibre lengths [m].
    channel : SNSChannel
        The link; it must carry a :class:`combchip.link.qkd.sns_tracking.PhaseTracking` (``channel.tracking``).
    protocol : SNSProtocol, optional
        Source settings (μ₁ and the slice width Δ enter); default ``SNSProtocol()``.

    Returns
    -------
    xarray.Dataset on (``distance`` [m], ``source``): ``error`` [1], each source's weak-light share
    (1 − V_j)/2 (dark counts: their difference to e_X); on ``distance``: ``total`` [1], the model's e_X, and
    ``reference_photons`` [1], the reference photons detected per reference interval. Inputs in ``attrs``.
    """
    if not isinstance(channel, SNSChannel) or channel.tracking is None:
        raise ValueError(f"channel must be an SNSChannel with a PhaseTracking in channel.tracking, got {channel!r}")
    protocol = SNSProtocol() if protocol is None else protocol
    if not isinstance(protocol, SNSProtocol):
        raise ValueError(f"protocol must be an SNSProtocol, got {protocol!r}")
    distance = np.atleast_1d(np.asarray(distance, dtype=float))
    if distance.ndim != 1 or distance.size == 0:
        raise ValueError("distance must be a non-empty 1-D array [m]")
    rows = [_row(check_nonnegative(f"distance[{k}]", float(d), "m"), channel, protocol) for k, d in enumerate(distance)]
    return xr.Dataset(
        {"error": (("distance", "source"), np.array([r[0] for r in rows]),
                   {"units": "1", "long_name": "X-basis error share (1 − V_j)/2 of each source"}),
         "total": ("distance", np.array([r[1] for r in rows]),
                   {"units": "1", "long_name": "X-basis error rate e_X = T_Δ/S₁₁ of the post-selected ρ₁₁ windows"}),
         "reference_photons": ("distance", np.array([r[2] for r in rows]),
                               {"units": "1", "long_name": "reference photons detected per reference interval"})},
        coords={"distance": ("distance", distance, {"units": "m", "long_name": "Alice–Bob fibre length"}),
                "source": ("source", list(SOURCES), {"units": "", "long_name": "error source"})},
        attrs={"channel": json.dumps(dataclasses.asdict(channel)),
               "protocol": json.dumps(dataclasses.asdict(protocol))},
    )


def format_error_budget(budget: xr.Dataset) -> str:
    """The budget of :func:`sns_x_error_budget` as a text table in percent, one column per distance [km]."""
    head = f"{'source':<28}" + "".join(f"{d / 1e3:>10.0f} km" for d in budget.distance.values)
    lines = [head, "-" * len(head)]
    for source in budget.source.values:
        lines.append(f"{source:<28}" + "".join(f"{100 * e:>11.4f} %" for e in budget.error.sel(source=source).values))
    lines.append("-" * len(head))
    lines.append(f"{'sum of the parts':<28}" + "".join(f"{100 * e:>11.4f} %" for e in budget.error.sum("source").values))
    lines.append(f"{'e_X (model, all at once)':<28}" + "".join(f"{100 * e:>11.4f} %" for e in budget.total.values))
    return "\n".join(lines)
