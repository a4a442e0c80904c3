"""Resolution of the LLE runs: the split-step band, the dispersion bound of the default step, and the
soliton-number statistics of system A's forward scan against the mode count and the step."""

import numpy as np
import pytest

import combchip as cc
from combchip.comb.convergence import resolution_study
from combchip.comb.normalization import normalize
from combchip.comb.simulate import MAX_DISPERSION_PHASE, default_dt
from combchip.comb.steps import count_solitons, soliton_threshold
from combchip.solvers import cw_state, soliton_guess
from combchip.solvers.lle import mode_numbers
from combchip.systems.soliton_steps import forward_scan
from combchip.systems.system_a import system_a_pump, system_a_ring


@pytest.fixture(scope="module")
def system_a():
    ring, pump = system_a_ring(), system_a_pump()
    return ring, pump, normalize(ring, pump)


@pytest.fixture(scope="module")
def small():
    """A 100 GHz ring with κ/2π = 100 MHz and D₂/2π = 5 MHz, pumped far below threshold (f² ≪ 1)."""
    ring = cc.Ring(wavelength=1550e-9, fsr=100e9, kappa0=2 * np.pi * 50e6, kappa_ex=2 * np.pi * 50e6, d2=2 * np.pi * 5e6,
                   n2=2.4e-19, a_eff=1e-12, n_g=2.0)
    pump = cc.Laser(wavelength=1550e-9, power=1e-4)
    return ring, pump, normalize(ring, pump)


def test_default_step_keeps_every_mode_below_the_first_split_step_band(small):
    _, _, norm = small
    zeta = 20.0
    kerr = default_dt(norm, zeta)
    for modes in (16, 32, 64, 128, 256):
        d_int = norm.d_int(mode_numbers(modes))
        h = default_dt(norm, zeta, d_int)
        # the first Strang band opens at ≈ π − |ζ|h/2 > 2.9 rad: the bound must hold, and bind only when needed
        assert np.max(np.abs(d_int)) * h <= MAX_DISPERSION_PHASE * (1 + 1e-12)
        assert h == kerr or np.max(np.abs(d_int)) * h == pytest.approx(MAX_DISPERSION_PHASE)


def test_below_threshold_the_larger_window_holds_its_share_of_vacuum_noise(small):
    """Half a photon in every mode: N = 64 puts 32 of its 63 sidebands outside the 32-mode window."""
    ring, pump, norm = small
    schedule = cc.DetuningSchedule.constant(float(norm.detuning_hz(2.0))).hold(float(norm.time_s(40.0)))
    times = norm.time_s(np.arange(10, 41, 2.0))  # 2 τ apart: the Langevin refresh decorrelates the draws
    study = resolution_study(ring, pump, schedule, times, modes=(32, 64), dt_factors=(1.0, 0.5), seeds=range(3))
    assert study.soliton_count.attrs["units"] == "1" and study.dt.attrs["units"] == "s"
    assert study.dt.sel(dt_factor=0.5).values == pytest.approx(study.dt.sel(dt_factor=1.0).values / 2)
    assert int(study.soliton_count.max()) == 0 and bool(study.converged.all())
    assert float(study.outside_fraction.sel(modes=32).max()) == 0.0
    # 48 independent draws (16 snapshots × 3 seeds) of a share with spread √(p(1 − p)/64) ≈ 0.06: ±0.05 is 5 σ
    assert float(study.outside_fraction.sel(modes=64).mean()) == pytest.approx(32 / 63, abs=0.05)


@pytest.mark.parametrize("kwargs, name", [
    (dict(modes=(4,)), "modes"),
    (dict(dt_factors=(0.0,)), "dt_factors"),
    (dict(seeds=(0,)), "seeds"),
    (dict(alpha=1.5), "alpha"),
    (dict(compare_from=np.nan), "compare_from"),
])
def test_resolution_study_rejects_nonsense(small, kwargs, name):
    ring, pump, norm = small
    with pytest.raises(ValueError, match=name):
        resolution_study(ring, pump, cc.DetuningSchedule.constant(1e8).hold(1e-6), [1e-7], **kwargs)


def test_resolution_study_rejects_a_number_for_the_schedule(small):
    ring, pump, _ = small
    with pytest.raises(ValueError, match="detuning"):
        resolution_study(ring, pump, 1e9, [1e-7])


def hold_seven_solitons(ring, pump, norm, modes, dt, zeta=12.0, hold_tau=80.0):
    """Seven separated solitons at ζ = 12 (⟨|ψ|²⟩ ≈ 1.13 > 1, as at ≈ 1.1 GHz in the README scan), held."""
    single = soliton_guess(norm.f, zeta, norm.d2, modes)
    background = cw_state(norm.f, zeta, "lower")
    field = background + sum(np.roll(single - background, k * modes // 7) for k in range(7))
    ds = cc.simulate_comb(ring, pump, float(norm.detuning_hz(zeta)), modes=modes, duration=float(norm.time_s(hold_tau)),
                          initial=field * np.sqrt(norm.circulating_power_per_unit), dt=dt, snapshots=5, progress=False)
    lines = ds.spectrum.where(ds.mu != 0, 0.0)
    outside = (lines.where(abs(ds.mu) >= 128, 0.0).sum("mu") / lines.sum("mu")).values
    return count_solitons(ds.field.values, threshold=soliton_threshold(ds)), outside, ds


@pytest.mark.slow  # three 80 τ holds at 512 and 1024 modes (≈ 10 s)
def test_split_step_band_destroys_a_seven_soliton_state_and_the_default_step_does_not(system_a):
    ring, pump, norm = system_a
    old_step = default_dt(norm, 12.0)  # the Kerr-only step the 1024-mode README runs used: 5e-3
    counts, outside, _ = hold_seven_solitons(ring, pump, norm, 1024, old_step)
    # d_int·h = π at |μ| ≈ 327 < 512: spurious lines grow at ⟨|ψ|²⟩ − 1 per τ and scramble the solitons
    assert outside[-1] > 1e-2 and outside[-1] > 100 * outside[0] and np.any(counts != 7)
    counts, outside, fine = hold_seven_solitons(ring, pump, norm, 1024, None)
    reference_counts, _, coarse = hold_seven_solitons(ring, pump, norm, 512, None)
    assert np.all(counts == 7) and np.all(reference_counts == 7)
    # the sech² tail beyond |μ| = 128 holds ≈ 5e-4 of the comb power and stays there (the old step: ×600 in 80 τ)
    assert np.all(outside < 1e-3) and outside[-1] < 1.1 * outside[0]
    # same state at N = 512 (h = 5e-3) and N = 1024 (h = 1.24e-3): O(h²) Strang error and noise ≪ 1 %
    assert float(fine.comb_power[-1]) == pytest.approx(float(coarse.comb_power[-1]), rel=1e-2)


@pytest.mark.slow  # the README scan: 4 seeds at 512 modes at h and h/2, 2 seeds at 1024 modes (≈ 70 s on 2 cores)
def test_readme_scan_is_converged_in_the_step_and_free_of_the_split_step_band_at_1024_modes(system_a):
    ring, pump, norm = system_a
    schedule = forward_scan(norm)
    times = np.linspace(0, schedule.time[1], 21)[1:]
    steps = resolution_study(ring, pump, schedule, times, modes=(512,), dt_factors=(1.0, 0.5), seeds=range(4))
    assert bool(steps.converged.all())
    # the old 1024-mode step let the band hold up to 27 % of the comb power beyond |μ| = 200 before MI (ζ < 0,
    # ⟨|ψ|²⟩ > 1 on the upper CW state) and 60 % after the collapse at ≈ 1.1 GHz; the comb keeps < 1e-4 there
    wide = resolution_study(ring, pump, schedule, times, modes=(512, 1024), seeds=range(2))
    assert float(wide.outside_fraction.sel(modes=1024).max()) < 1e-3
