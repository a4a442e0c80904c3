"""Dark pulse started by an avoided mode crossing in a normal-dispersion ring (Xue et al., Nat. Photon. 9, 594 (2015))."""

import numpy as np
import pytest

import combchip as cc

KAPPA = 2 * np.pi * 100e6   # loaded κ [rad/s], critically coupled


def cw_roots(f2, zeta):
    """Homogeneous intracavity powers ρ of the LLE: f² = ρ[1 + (ζ − ρ)²] (Herr et al. 2014), ascending."""
    roots = np.roots([1.0, -2 * zeta, 1 + zeta**2, -f2])
    return np.sort(roots[np.abs(roots.imag) < 1e-9].real)


def run(shift_kappa, f2=8.0, zeta=5.0, modes=128):
    """Normal dispersion d₂ = 2D₂/κ = −0.05; mode μ = 1 moved by ``shift_kappa``·κ/2; the pump swept from ζ = −2
    to ``zeta`` over 360 photon lifetimes (2/κ) and held for 240."""
    plain = cc.Ring(1550e-9, 100e9, KAPPA / 2, KAPPA / 2, d2=-0.05 * KAPPA / 2)
    ring = plain.with_mode_crossing(1, shift_kappa * KAPPA / 2, span=256)
    pump = cc.Laser(1550e-9, f2 / cc.normalize(plain, cc.Laser(1550e-9, 1.0)).f2)
    norm = cc.normalize(ring, pump)
    end = float(norm.time_s(600.0))
    sweep = cc.DetuningSchedule.ramp(float(norm.detuning_hz(-2.0)), float(norm.detuning_hz(zeta)), 0.6 * end)
    ds = cc.simulate_comb(ring, pump, sweep.hold(0.4 * end), modes=modes, snapshots=10, seed=0, progress=False)
    return ds, norm


@pytest.mark.slow  # two 600-lifetime 128-mode sweeps (≈ 2 s)
def test_mode_crossing_starts_a_stationary_dark_pulse_between_the_two_cw_states():
    f2, zeta = 8.0, 5.0
    low, _, high = cw_roots(f2, zeta)
    # without the crossing, normal dispersion has no modulation instability: the sweep stays on the CW branch
    plain, norm = run(0.0, f2, zeta)
    intensity = np.abs(plain.field.values[-1]) ** 2 / norm.circulating_power_per_unit
    assert np.ptp(intensity) < 1e-2 * intensity.mean()   # flat to the vacuum-noise seeding (≈ 1e-3)
    # μ = 1 pushed up by κ: locally anomalous, MI at μ = ±1 locks into one dark pulse per round trip
    ds, norm = run(2.0, f2, zeta)
    intensity = np.abs(ds.field.values[-1]) ** 2 / norm.circulating_power_per_unit
    spectra = ds.spectrum.values
    assert np.abs(spectra[-1] - spectra[-3]).sum() < 1e-3 * spectra[-1].sum()   # stationary
    # a switching-wave pair between the lower and upper CW states ρ₋ ≈ 0.36, ρ₊ ≈ 5.6: the dip reaches the lower
    # state, the plateau the upper one (to the ±25 % of the fronts' oscillatory tails and the crossing's pull)
    assert intensity.min() < 1.5 * low
    assert np.median(intensity[intensity > (low + high) / 2]) == pytest.approx(high, rel=0.25)
    above = intensity > (low + high) / 2
    assert np.count_nonzero(above != np.roll(above, 1)) == 2        # one bright plateau and one dark domain
    assert 0.2 < above.mean() < 0.8
    mu = ds.mu.values
    lines = spectra[-1][(mu != 0) & (np.abs(mu) <= 5)]
    assert np.all(lines > 1e-3 * lines.max())                      # every line near the pump, one FSR apart


def test_mode_crossing_bad_inputs():
    ring = cc.Ring(1550e-9, 100e9, KAPPA / 2, KAPPA / 2, d2=-1e6)
    shifted = ring.with_mode_crossing(-3, 2e8, span=16)
    assert shifted.integrated_dispersion(-3) == pytest.approx(ring.integrated_dispersion(-3) + 2e8)
    assert shifted.integrated_dispersion(5) == pytest.approx(ring.integrated_dispersion(5))
    for call, name in [(lambda: ring.with_mode_crossing(0, 1e8), "mode"),
                       (lambda: ring.with_mode_crossing(2, np.nan), "shift"),
                       (lambda: ring.with_mode_crossing(2, 1e8, span=1), "span"),
                       (lambda: shifted.with_mode_crossing(2, 1e8, span=32), "span")]:
        with pytest.raises(ValueError, match=name):
            call()
