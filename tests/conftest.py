import matplotlib
import numpy as np
import pytest
from hypothesis import settings

matplotlib.use("Agg")
settings.register_profile("combchip", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)   # pytest --hypothesis-profile=explore
settings.load_profile("combchip")   # property tests draw the same examples on every run: CI is reproducible

import combchip as cc  # noqa: E402
from combchip.systems import system_a_pump, system_a_ring  # noqa: E402

SOLITON_PUMP_LINEWIDTH = 0.11e6
"""Pump linewidth [Hz] in the system-A coherence runs: the published soliton-line linewidth."""


@pytest.fixture(scope="session")
def system_c_optimum():
    """``optimize_sns`` on system C's stated link (``system_c_channel()``) with 10¹² windows, computed once per
    (distance [m], aopp) for the whole session: each takes 5–10 s and three test modules compare against it."""
    from combchip.link.qkd.sns import optimize_sns
    from combchip.systems import system_c_channel

    channel, optima = system_c_channel(), {}

    def optimum(distance_m, aopp=False):
        key = (float(distance_m), bool(aopp))
        if key not in optima:
            optima[key] = optimize_sns(distance_m, 1e12, channel, aopp=aopp)
        return optima[key]

    return optimum


@pytest.fixture(scope="session")
def system_a_states():
    """System A held in MI chaos (ζ = 5) and in a soliton state (ζ = 12): 2 runs, 2400 snapshots 0.1 ns apart."""
    ring, pump = system_a_ring(), system_a_pump()
    pump = cc.Laser(pump.wavelength, pump.power, linewidth=SOLITON_PUMP_LINEWIDTH)
    norm = cc.normalize(ring, pump)
    times = float(norm.time_s(40.0)) + np.arange(2400) * 0.1e-9
    return {name: cc.simulate_comb(ring, pump, float(norm.detuning_hz(zeta)), modes=512, duration=times[-1],
                                   initial=initial, snapshots=times, seed=[3, 4], progress=False)
            for name, zeta, initial in (("chaotic", 5.0, None), ("soliton", 12.0, "soliton"))}
