"""Soliton-number statistics over noisy forward scans (Herr et al., Nat. Photon. 8, 145 (2014), Fig. 3)."""

import numpy as np
import pytest

import combchip as cc
from combchip.comb.soliton_statistics import soliton_statistics

KAPPA, D2 = 2 * np.pi * 100e6, 0.05  # a 100 MHz-wide resonance; normalized d₂ = 2D₂/κ


def small_ring():
    """A ring and pump with f² = 8 and d₂ = 0.05, so that 128 modes resolve its solitons."""
    ring = cc.Ring(wavelength=1550e-9, fsr=100e9, kappa0=KAPPA / 2, kappa_ex=KAPPA / 2, d2=D2 * KAPPA / 2,
                   n2=2.4e-19, a_eff=1e-12, n_g=2.1)
    return ring, cc.Laser(1550e-9, 8.0 / cc.normalize(ring, cc.Laser(1550e-9, 1.0)).f2)


def scan(norm, stop=5.0, rate=0.05, hold=20.0):
    return cc.Ramp(float(norm.detuning_hz(-2.0)), float(norm.detuning_hz(stop)),
                   float(norm.time_s((stop + 2.0) / rate))).hold(float(norm.time_s(hold)))


@pytest.mark.slow
def test_scans_end_on_varied_soliton_numbers_that_follow_the_step_rule():
    ring, pump = small_ring()
    norm = cc.normalize(ring, pump)
    # end at ζ = 6.5, where the solitons are stationary (at ζ = 5 some still breathe, and a breather's mean power
    # is not the stationary soliton's)
    ds = soliton_statistics(ring, pump, scan(norm, stop=6.5), seed=range(12), modes=128, progress=False)
    n = ds.soliton_count.values
    assert ds.probability.sum() == pytest.approx(1.0) and np.all(n >= 1) and np.unique(n).size >= 2
    assert ds.attrs["final_zeta"] == pytest.approx(6.5) and ds.attrs["final_zeta"] < np.pi**2 * ds.attrs["f2"] / 8
    # step rule ⟨|ψ|²⟩ − ρ_bg ≈ N·√(2ζd₂)/π: the slope within 10 % (the formula leaves out the background–soliton
    # cross term 2Re(ψ_bg*ψ_s), ≲ 10 % of a step here; measured 0.95), and every scan within a tenth of a step of
    # its N (stationary, well-separated solitons add alike; measured 0.006)
    excess, step = ds.intracavity_excess.values, float(ds.single_soliton_excess)
    slope = np.sum(excess * n) / np.sum(n * n)
    assert slope == pytest.approx(step, rel=0.1)
    assert np.all(np.abs(excess - slope * n) < 0.1 * slope)


def test_the_same_seeds_give_the_same_scans():
    ring, pump = small_ring()
    short = scan(cc.normalize(ring, pump), stop=3.0, rate=0.5, hold=4.0)
    first, again = (soliton_statistics(ring, pump, short, seed=[3, 4], modes=128, progress=False) for _ in range(2))
    assert first.identical(again)


def test_bad_inputs_are_refused():
    ring, pump = small_ring()
    schedule = scan(cc.normalize(ring, pump))
    for kwargs, match in (({"seed": [1]}, "seed"), ({"seed": [0, -1]}, "seed"), ({"seed": 3}, "seed"), ({"final_snapshots": 0},
                          "final_snapshots"), ({"spacing_tau": -1.0}, "spacing_tau"), ({"spacing_tau": 1e9},
                          "spacing_tau")):
        with pytest.raises(ValueError, match=match):
            soliton_statistics(ring, pump, schedule, progress=False, **kwargs)
    with pytest.raises(ValueError, match="detuning"):
        soliton_statistics(ring, pump, 1e9, progress=False)


def test_plot_soliton_statistics_shows_the_histogram_and_the_step_rule():
    import matplotlib
    import xarray as xr

    matplotlib.use("Agg")
    from combchip.plotting.maps import plot_soliton_statistics

    ds = xr.Dataset({"soliton_count": ("run", [2, 3, 3]), "probability": ("solitons", [0, 0, 1 / 3, 2 / 3]),
                     "intracavity_excess": ("run", [0.4, 0.6, 0.62]), "single_soliton_excess": 0.2},
                    coords={"solitons": np.arange(4)}, attrs={"final_zeta": 5.0, "f2": 8.0})
    fig = plot_soliton_statistics(ds)
    assert [p.get_height() for p in fig.axes[0].patches] == [0, 0, 1, 2]
    assert "N·√(2ζd₂)/π (step rule)" in [line.get_label() for line in fig.axes[1].get_lines()]
