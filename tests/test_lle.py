"""Normalized LLE: closed forms, convergence order, invariants, batch and seed behaviour."""

import numpy as np
import pytest

from combchip.solvers import (
    AuxMode,
    HeatPoles,
    LLESolver,
    Schedule,
    cw_branch,
    cw_state,
    fftw_c,
    kernels,
    lle,
    mi_gain,
    newton_stationary,
    soliton_guess,
)
from combchip.solvers.lle import DivergenceError, mode_numbers

N = 512
D2 = 0.0068  # 2·D₂/κ of a 100 GHz Si3N4 ring with D₂/2π ≈ 0.6 MHz and κ/2π ≈ 181 MHz
MU = mode_numbers(N)
DINT = D2 * MU**2 / 2


def test_cw_branch_roots_satisfy_the_cubic():
    f2, zeta = np.meshgrid(np.linspace(0.5, 30, 25), np.linspace(-5, 20, 30))
    roots = cw_branch(f2, zeta)
    rho = np.where(np.isnan(roots), 0.0, roots)
    residual = rho * (1 + (zeta[..., None] - rho) ** 2) - f2[..., None]
    assert np.all(np.abs(np.where(np.isnan(roots), 0.0, residual)) < 1e-9 * (1 + f2[..., None]))
    assert np.all(np.sum(~np.isnan(roots), axis=-1) >= 1)


@pytest.mark.parametrize("zeta, bistable", [(np.sqrt(3) - 0.02, False), (np.sqrt(3) + 0.05, True)])
def test_bistability_appears_only_above_sqrt3(zeta, bistable):
    # the cubic's turning points exist iff 4ζ² − 12 > 0; scan f² finely across the would-be hysteresis window
    f2 = np.linspace(0.01, 10, 20000)
    three = np.sum(~np.isnan(cw_branch(f2, zeta)), axis=-1) == 3
    assert three.any() == bistable


def test_mi_threshold_is_rho_equal_one():
    mu = np.linspace(0, 200, 200001)
    d = D2 * mu**2 / 2
    for rho, zeta in [(0.98, 0.0), (1.02, 0.0), (0.98, 1.5), (1.02, 1.5)]:
        assert (mi_gain(rho, zeta, d).max() > 0) == (rho > 1)


def test_simulated_sideband_growth_matches_mi_gain():
    zeta, rho = 1.0, 1.6
    f = np.sqrt(rho * (1 + (zeta - rho) ** 2))
    psi0 = cw_state(f, zeta)
    gain = mi_gain(rho, zeta, DINT)
    k = int(np.argmax(np.where(MU > 0, gain, -np.inf)))
    theta = -np.pi + 2 * np.pi * np.arange(N) / N
    initial = psi0 * (1 + 1e-7 * np.cos(MU[k] * theta))
    solver = LLESolver(DINT, dt=2e-3)
    result = solver.run(f, Schedule.constant(zeta), 8.0, initial=initial, snapshot_tau=[4.0, 8.0], progress=False)
    side = np.abs(result.snapshots[0, :, k]) ** 2
    measured = np.log(side[1] / side[0]) / (2 * 4.0)
    # after 4 τ the decaying eigenmode (rate ≤ −1) is e^{-8}-suppressed: 1 % agreement is ample
    assert measured == pytest.approx(gain[k], rel=1e-2)


def relaxed_soliton(f, zeta, tau=40.0, dt=4e-3):
    solver = LLESolver(DINT, dt=dt)
    result = solver.run(f, Schedule.constant(zeta), tau, initial=soliton_guess(f, zeta, D2, N), progress=False,
                        snapshot_tau=[tau])
    return result.fields()[0, 0]


def test_soliton_peak_width_and_step_match_closed_forms():
    f, zeta = np.sqrt(20.0), 10.0
    psi = relaxed_soliton(f, zeta)
    background = cw_state(f, zeta)
    # a √(2ζ) sech pulse on a background |ψ_bg| peaks between (√(2ζ) ∓ |ψ_bg|)²; 2 % slack for the profile's shift
    peak = np.max(np.abs(psi) ** 2)
    assert 0.98 * (np.sqrt(2 * zeta) - abs(background)) ** 2 < peak < 1.02 * (np.sqrt(2 * zeta) + abs(background)) ** 2
    spectrum = np.abs(np.fft.fft(psi) / N) ** 2
    positive = spectrum[1 : N // 2]
    half = positive.max() / 2
    mu_half = np.interp(-half, -positive, np.arange(1, N // 2))
    # 3-dB full width 1.587·√(ζ/d₂) ≈ 61 modes; ±1 mode of discreteness and the background's shift give < 5 %
    assert 2 * mu_half == pytest.approx(1.587 * np.sqrt(zeta / D2), rel=0.05)
    step = np.mean(np.abs(psi) ** 2) - np.abs(background) ** 2
    # ⟨|ψ|²⟩ gained per soliton √(2ζd₂)/π; the cross term with the background is O(f/ζ·√d₂) ≈ 5 %
    assert step == pytest.approx(np.sqrt(2 * zeta * D2) / np.pi, rel=0.07)


def test_soliton_exists_below_and_vanishes_above_zeta_max():
    f = np.sqrt(8.0)
    zeta_max = np.pi**2 * f**2 / 8
    # π²f²/8 is the leading-order limit; the exact edge lies within ~10 % below it for f² = 8
    assert np.max(np.abs(relaxed_soliton(f, 0.85 * zeta_max, tau=60)) ** 2) > zeta_max
    assert np.max(np.abs(relaxed_soliton(f, 1.1 * zeta_max, tau=60)) ** 2) < 2.0


def test_newton_soliton_is_stationary_and_stable():
    f, zeta = np.sqrt(20.0), 10.0
    state = newton_stationary(relaxed_soliton(f, zeta, tau=10), f, zeta, DINT)
    assert state.residual < 1e-10
    assert abs(state.velocity) < 1e-8  # even dispersion: no drift
    assert state.max_growth < 0


def test_newton_dark_pulse_in_normal_dispersion():
    from combchip.solvers import dark_pulse_guess

    d2 = -0.02
    d_int = d2 * MU**2 / 2
    f, zeta = np.sqrt(4.0), 3.5
    solver = LLESolver(d_int, dt=4e-3)
    run = solver.run(f, Schedule.constant(zeta), 150.0, initial=dark_pulse_guess(f, zeta, d2, N, width=1.5),
                     progress=False, snapshot_tau=[150.0])
    state = newton_stationary(run.fields()[0, 0], f, zeta, d_int)
    power = np.abs(state.field) ** 2
    assert state.residual < 1e-10
    assert power.max() - power.min() > 0.5 * np.ptp(np.abs([cw_state(f, zeta, "upper"), cw_state(f, zeta, "lower")]) ** 2)
    assert state.max_growth < 0


def run_error(dt, reference, zeta):
    solver = LLESolver(DINT, dt=dt)
    result = solver.run(np.sqrt(20.0), zeta, 1.0, initial=soliton_guess(np.sqrt(20.0), 9.0, D2, N), progress=False)
    return np.max(np.abs(result.final[0] - reference))


@pytest.mark.parametrize("zeta", [Schedule.constant(9.0), Schedule.ramp(8.0, 10.0, 1.0)])
def test_strang_splitting_is_second_order(zeta):
    solver = LLESolver(DINT, dt=1e-3 / 8)
    reference = solver.run(np.sqrt(20.0), zeta, 1.0, initial=soliton_guess(np.sqrt(20.0), 9.0, D2, N),
                           progress=False).final[0]
    errors = [run_error(dt, reference, zeta) for dt in (8e-3, 4e-3, 2e-3)]
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    # an O(h²) scheme halves to a quarter; ±0.3 allows the pre-asymptotic drift at the largest step
    assert np.all(np.abs(orders - 2) < 0.3), orders


def test_norm_conserved_without_loss_or_drive():
    solver = LLESolver(DINT, loss=0.0, dt=5e-3)
    initial = soliton_guess(np.sqrt(20.0), 9.0, D2, N) * (1 + 0.3 * np.cos(np.arange(N)))
    result = solver.run(0.0, Schedule.ramp(9.0, 12.0, 20.0), 20.0, initial=initial, progress=False)
    # the Cayley rotation and the exact linear step are both unitary: only rounding remains
    assert result.mean_power[0, -1] == pytest.approx(result.mean_power[0, 0], rel=1e-12)


def test_batch_equals_single_runs_and_seeds_are_deterministic():
    solver = LLESolver(DINT, dt=4e-3)
    f = np.array([4.0, 4.5, 3.8])
    schedules = [Schedule.ramp(-2, 8, 30), Schedule.constant(5.0), Schedule.ramp(0, 4, 30)]
    batch = solver.run(f, schedules, 30, seeds=[5, 6, 7], noise=1e-9, progress=False)
    for k in range(3):
        single = solver.run(f[k], schedules[k], 30, seeds=[5 + k], noise=1e-9, progress=False)
        np.testing.assert_array_equal(single.final[0], batch.final[k])
    again = solver.run(f, schedules, 30, seeds=[5, 6, 7], noise=1e-9, progress=False)
    np.testing.assert_array_equal(again.final, batch.final)
    other = solver.run(f, schedules, 30, seeds=[8, 9, 10], noise=1e-9, progress=False)
    assert not np.array_equal(other.final, batch.final)


def test_divergence_is_reported_with_the_parameter_to_change():
    solver = LLESolver(DINT, dt=0.2)
    with pytest.raises(DivergenceError, match="reduce dt"):
        solver.run(np.sqrt(20.0), Schedule.constant(10.0), 20.0, initial=soliton_guess(np.sqrt(20.0), 10.0, D2, N),
                   progress=False)


def test_trace_memory_does_not_grow_with_steps():
    solver = LLESolver(DINT, dt=1e-3)
    result = solver.run(2.0, Schedule.constant(1.0), 50.0, trace_every=1000, progress=False)
    assert result.mean_power.shape == (1, 51)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(d_int=np.zeros(4)), "d_int"),
        (dict(d_int=DINT, loss=-1.0), "loss"),
        (dict(d_int=DINT, dt=0.0), "dt"),
    ],
)
def test_solver_rejects_bad_construction(kwargs, name):
    with pytest.raises(ValueError, match=name):
        LLESolver(**kwargs)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(f=-1.0), "f"),
        (dict(duration=0.0), "duration"),
        (dict(noise=-1.0), "noise"),
        (dict(trace_every=0), "trace_every"),
        (dict(schedule="ramp"), "schedule"),
        (dict(seeds=[1, 2], f=[1.0, 2.0, 3.0]), "seeds"),
    ],
)
def test_run_rejects_bad_inputs(kwargs, name):
    args = dict(f=1.0, schedule=Schedule.constant(0.0), duration=1.0) | kwargs
    with pytest.raises(ValueError, match=name):
        LLESolver(DINT).run(progress=False, **args)


def test_schedule_rejects_zero_duration_and_unsorted_knots():
    with pytest.raises(ValueError, match="duration"):
        Schedule.ramp(0, 1, 0)
    with pytest.raises(ValueError, match="tau"):
        Schedule((0, 2, 1), (0, 0, 0))


def test_checkpoint_resume_is_bitwise_identical(tmp_path, monkeypatch):
    from combchip.solvers import checkpoint

    solver = LLESolver(DINT, dt=4e-3)
    args = dict(f=[4.4, 4.5, 4.6], schedule=Schedule.ramp(-2, 8, 40), duration=40.0, seeds=[1, 2, 3], noise=1e-9,
                snapshot_tau=[10.0, 40.0], trace_every=250, progress=False)
    straight = solver.run(**args)
    path = tmp_path / "run.npz"
    save = checkpoint.save

    def crash_after_first_save(*a, **k):
        save(*a, **k)
        raise KeyboardInterrupt  # the machine goes down right after the checkpoint at step 3000

    monkeypatch.setattr(checkpoint, "save", crash_after_first_save)
    with pytest.raises(KeyboardInterrupt):
        solver.run(**args, checkpoint=path, checkpoint_every=3000)
    monkeypatch.setattr(checkpoint, "save", save)
    assert int(np.load(path)["done"]) == 3000
    resumed = solver.run(**args, checkpoint=path, checkpoint_every=3000)
    np.testing.assert_array_equal(resumed.final, straight.final)
    np.testing.assert_array_equal(resumed.mean_power, straight.mean_power)
    np.testing.assert_array_equal(resumed.snapshots, straight.snapshots)
    with pytest.raises(ValueError, match="different run"):
        solver.run(**(args | dict(seeds=[4, 5, 6])), checkpoint=path)


HEAT = HeatPoles((1e-2, 1e-3), (-3.0, -1.0), aux_weight=1.0)
AUX = AuxMode(f=1.5, loss=1.0, schedule=Schedule.ramp(-1.0, 0.5, 30.0))
CASES = {
    "soliton": dict(f=np.sqrt(20.0), schedule=Schedule.constant(10.0), duration=10.0,
                    initial=soliton_guess(np.sqrt(20.0), 10.0, D2, N)),
    "mi batch": dict(f=[2.0, 2.2, 2.1], schedule=Schedule.ramp(-2, 6, 30), duration=30.0, noise=1e-6, seeds=[1, 2, 3],
                     snapshot_tau=[15.0, 30.0]),
    "mi single": dict(f=2.2, schedule=Schedule.ramp(-2, 6, 30), duration=30.0, noise=1e-6, seeds=[2]),
    "thermal aux batch": dict(f=[2.0, 2.2], schedule=Schedule.ramp(-2, 6, 30), duration=30.0, noise=1e-6, seeds=[1, 2],
                              thermal=HEAT, aux=AUX, slow_every=50),
}


@pytest.mark.skipif(not fftw_c.AVAILABLE, reason="no FFTW C API beside pyfftw: only the per-step loop exists")
@pytest.mark.parametrize("case", CASES)
def test_compiled_loop_equals_the_per_step_loop(case, monkeypatch):
    # the compiled loop executes the same FFTW plans and kernels, so even chaotic MI runs agree bit for bit: the
    # trace reductions and the heat update (whose blocks of 50 steps close inside the loop) are the same compiled
    # functions, without fast-math, from Python and from the loop
    compiled = LLESolver(DINT, dt=4e-3).run(**CASES[case], progress=False)
    monkeypatch.setattr(lle, "COMPILED", False)
    reference = LLESolver(DINT, dt=4e-3).run(**CASES[case], progress=False)
    assert lle.fftw_c.AVAILABLE and compiled.meta["steps"] > 1000
    for name in ("final", "snapshots", "mean_power", "peak_power", "pump_mode", "thermal_shift", "aux_power"):
        if getattr(reference, name) is not None:
            np.testing.assert_array_equal(getattr(compiled, name), getattr(reference, name), err_msg=name)


def test_shared_reductions_are_compiled_without_fast_math_whoever_calls_them():
    # numba compiles a callee whose fastmath is unset with its caller's flags, so a reduction called from the
    # fast-math step loop would round otherwise than from Python: each must set fastmath=False itself
    for kernel in (kernels.check, kernels.relax, kernels.record, kernels.sil_record):
        assert kernel.targetoptions.get("fastmath") is False, kernel.py_func.__name__


def test_fftw_c_plan_is_the_unnormalized_dft():
    import numba
    import pyfftw

    @numba.njit
    def run(execute, plan):
        execute(plan)

    a, b = pyfftw.empty_aligned((2, 3, 64)), pyfftw.empty_aligned((2, 3, 64))
    x = np.random.default_rng(0).standard_normal((3, 64)) + 1j
    for sign, expected in ((fftw_c.FORWARD, np.fft.fft(x, axis=-1)), (fftw_c.BACKWARD, 64 * np.fft.ifft(x, axis=-1))):
        # the C plan executed from numba and from Python, and the pyfftw fallback used where the C API is missing
        plans = [fftw_c.PyfftwPlan(a, b, sign)] + ([fftw_c.Plan(a, b, sign)] * 2 if fftw_c.AVAILABLE else [])
        for k, plan in enumerate(plans):  # each plan lives as long as its object
            a[0], a[1] = x.real, x.imag
            run(fftw_c.execute, plan.pointer) if k == 1 else plan.execute()
            # two O(n log n) roundings of O(8)-sized sums: 1e-12 is ~100× the double-precision error
            np.testing.assert_allclose(b[0] + 1j * b[1], expected, atol=1e-12)
    for cls in (fftw_c.PyfftwPlan,) + ((fftw_c.Plan,) if fftw_c.AVAILABLE else ()):
        with pytest.raises(ValueError, match="sign"):
            cls(a, b, 0)
        with pytest.raises(ValueError, match="source and target"):
            cls(a, b[:, :, :32], fftw_c.FORWARD)
        with pytest.raises(ValueError, match="source and target"):
            cls(a, a, fftw_c.FORWARD)


def test_checkpoint_resume_with_heat_and_aux_is_bitwise_identical(tmp_path, monkeypatch):
    from combchip.solvers import checkpoint

    solver = LLESolver(DINT, dt=4e-3)
    args = dict(f=[2.0, 2.2], schedule=Schedule.ramp(-2, 6, 30), duration=30.0, seeds=[1, 2], noise=1e-6,
                thermal=HEAT, aux=AUX, slow_every=40, trace_every=250, snapshot_tau=[30.0], progress=False)
    straight = solver.run(**args)
    path = tmp_path / "run.npz"
    save = checkpoint.save

    def crash_after_first_save(*a, **k):
        save(*a, **k)
        raise KeyboardInterrupt

    monkeypatch.setattr(checkpoint, "save", crash_after_first_save)
    with pytest.raises(KeyboardInterrupt):
        solver.run(**args, checkpoint=path, checkpoint_every=3000)
    monkeypatch.setattr(checkpoint, "save", save)
    stored = np.load(path)
    assert int(stored["done"]) == 3000 and np.all(stored["poles"] != 0) and np.all(stored["aux"] != 0)
    resumed = solver.run(**args, checkpoint=path, checkpoint_every=3000)
    for name in ("final", "snapshots", "mean_power", "thermal_shift", "aux_power"):
        np.testing.assert_array_equal(getattr(resumed, name), getattr(straight, name), err_msg=name)
    with pytest.raises(ValueError, match="different run"):
        solver.run(**(args | dict(aux=AuxMode(f=1.4, loss=1.0, schedule=AUX.schedule))), checkpoint=path)


def test_initial_slow_state_relaxes_exactly_from_where_it_is_set():
    # no drive, no field: the pole decays as x0·e^{−rτ} (exact exponential update) and the undriven aux as
    # |b0|²e^{−2l_bτ} (its Kerr and XPM phases leave |b| alone); 1e-12 is rounding
    heat, tau = HeatPoles((1e-2,), (-3.0,)), 40.0
    aux = AuxMode(f=0.0, loss=0.5, schedule=Schedule.constant(0.0))
    solver = LLESolver(np.zeros(16), dt=1e-2)
    out = solver.run(0.0, Schedule.constant(1.0), tau, thermal=heat, aux=aux, initial_poles=[2.0],
                     initial_aux=1.5 + 0.5j, progress=False)
    assert out.thermal_shift[0, 0] == pytest.approx(2.0, rel=1e-12)
    assert out.thermal_shift[0, -1] == pytest.approx(2.0 * np.exp(-1e-2 * tau), rel=1e-12)
    assert out.aux_power[0, -1] == pytest.approx(2.5 * np.exp(-2 * 0.5 * tau), rel=1e-9)


@pytest.mark.parametrize("kwargs, name", [
    (dict(initial_poles=[1.0]), "initial_poles"),
    (dict(thermal=HeatPoles((1e-2,), (-1.0,)), initial_poles=[1.0, 2.0, 3.0]), "initial_poles"),
    (dict(initial_aux=1.0), "initial_aux"),
])
def test_initial_slow_state_is_rejected_without_its_model(kwargs, name):
    with pytest.raises(ValueError, match=name):
        LLESolver(np.zeros(16), dt=1e-2).run(1.0, Schedule.constant(0.0), 1.0, progress=False, **kwargs)


@pytest.mark.skipif(not fftw_c.AVAILABLE, reason="no FFTW C API beside pyfftw: only the per-step loop exists")
def test_samples_and_noise_taken_inside_the_compiled_loop_equal_the_python_stops(monkeypatch):
    # trace_every = 37 and refreshes every 62 steps drawn 5 at a time: a 4096-step chunk holds many samples and
    # refreshes inside one compiled stretch; the generators' streams and the shared reductions make it exact
    args = dict(f=[2.0, 2.2], schedule=Schedule.ramp(-2, 6, 20), duration=20.0, noise=1e-6, seeds=[1, 2],
                trace_every=37, progress=False)
    solver = LLESolver(DINT, dt=4e-3)
    compiled = solver.run(**args, noise_block=5)
    unblocked = solver.run(**args, noise_block=1)
    monkeypatch.setattr(lle, "COMPILED", False)
    reference = LLESolver(DINT, dt=4e-3).run(**args)
    assert compiled.mean_power.shape[1] > 100
    for other in (unblocked, reference):
        for name in ("final", "mean_power", "sideband_power", "peak_power", "pump_mode", "zeta"):
            np.testing.assert_array_equal(getattr(compiled, name), getattr(other, name), err_msg=name)


@pytest.mark.skipif(not fftw_c.AVAILABLE, reason="no FFTW C API beside pyfftw: only the per-step loop exists")
def test_divergence_inside_the_compiled_loop_is_raised_at_the_same_step(monkeypatch):
    # ζ ramps 0 → 100 over 25 τ with h = 4e-3: |ζ|h passes max_phase = 0.2 at ζ = 50 (τ = 12.5, step 3125), so the
    # first check after it, the sample at step 3130 (inside the compiled stretch 0–4096), must raise
    args = dict(f=0.5, schedule=Schedule.ramp(0, 100, 25), duration=25.0, trace_every=10, max_phase=0.2,
                progress=False)
    messages = []
    for compiled in (True, False):
        monkeypatch.setattr(lle, "COMPILED", compiled)
        with pytest.raises(DivergenceError, match="reduce dt") as error:
            LLESolver(DINT, dt=4e-3).run(**args)
        messages.append(str(error.value))
    assert messages[0] == messages[1] and "tau = 12.52" in messages[0]


@pytest.mark.slow
def test_heat_shifts_the_sil_lock_by_the_thermal_detuning():
    """SIL with heat: at the steady temperature, x = g(⟨|ψ|²⟩ + |b|²), and the lock is the cold lock at ζ + x."""
    from combchip.solvers import SILMode

    d_int = -0.05 * mode_numbers(32) ** 2 / 2
    sil = SILMode(beta=0.5, rate=0.3, eta=0.5, phase=0.4, alpha=3.0, photon_rate=20.0, carrier_rate=2.0,
                  stimulated_rate=5.0)
    solver = LLESolver(d_int, dt=1e-2)
    args = dict(sil=sil, progress=False, trace_every=100)
    hot = solver.run(1.0, Schedule.constant(1.0), 100.0, thermal=HeatPoles((0.2,), (-0.5,), aux_weight=1.0),
                     slow_every=100, **args)
    x = hot.thermal_shift[0, -1]
    # the pole has relaxed for r·τ = 20; what is left is the block average of midpoint powers against end values
    assert x == pytest.approx(-0.5 * (hot.mean_power[0, -1] + abs(hot.backward_field[0, -1]) ** 2), rel=1e-5)
    cold, unheated = solver.run(1.0, [Schedule.constant(1.0 + x), Schedule.constant(1.0)], 100.0, **args).laser_shift
    # the laser sees only ζ + x (its own frequency does not enter the ring's frame): equal to rounding
    assert hot.laser_shift[0, -1] == pytest.approx(cold[-1], abs=1e-9)
    assert abs(hot.laser_shift[0, -1] - unheated[-1]) > 1e-2  # and the heat does move the lock
    with pytest.raises(ValueError, match="aux_weight"):
        solver.run(1.0, Schedule.constant(1.0), 1.0, thermal=HeatPoles((0.2,), (-0.5,)), **args)
    with pytest.raises(ValueError, match="aux"):
        solver.run(1.0, Schedule.constant(1.0), 1.0, aux=AUX, **args)
