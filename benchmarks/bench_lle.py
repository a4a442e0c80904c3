"""LLE step cost as ratios measured in one process (never run as a test).

For N = 256 … 2048 and batches of 1 and 32 it reports µs per step of LLESolver, with its step
loop compiled around FFTW's C API (``lle.COMPILED``, split-array plans executed by ``fftw_execute``) and with
one Python round trip per step (``lle.COMPILED`` False: the same plans and kernels called from Python), against
(a) the two bare pyfftw executions (interleaved complex, FFTW_ESTIMATE) of the same shape, (b) a plain numpy
split-step and (c) the same step loop compiled with numpy.fft inside numba through rocket-fft (a
benchmark-only comparison, not a dependency of combchip: ``pip install rocket-fft``; the row is skipped
without it). Then, each ``--repeat``
times: the compiled single-field step over the two bare FFTs at N = 512, the thermal + aux step
and the self-injection-locked step (laser RK4 substeps and the backward mode) and the step driven by a pump
phase-modulated at the FSR (13 driven lines) over the bare step, and the throughput gain of one batch of 32
over 32 single runs (each ratio from the shortest of 5 runs of either side, called in turn; medians and ranges
over the repeats are printed, the machine being shared and noisy), and the cost of each
kernel of one compiled step at N = 512 (each called 20 000 times in a numba loop, interleaved, median): the two
split FFTW executions, the Kerr substep, the linear half steps of an inner step and of a stop; finally the wall
time of the README's soliton-steps job.

    python benchmarks/bench_lle.py [--quick] [--repeat 3] [--ratios-only]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time

import numba
import numpy as np
import pyfftw
import scipy.special

from combchip.solvers import AuxMode, HeatPoles, LLESolver, Schedule, SILMode, kernels, lle, soliton_guess
from combchip.solvers.lle import mode_numbers

try:
    import rocket_fft  # noqa: F401  (registers numpy.fft with numba)
except ImportError:
    rocket_fft = None


def best_of(function, repeats=5):
    return paired(function, repeats=repeats)[0]


def paired(*functions, repeats=5):
    """Shortest wall time of each function over ``repeats`` rounds that call them in turn (after one warm-up call
    each), so that the load of a shared machine falls alike on the times a ratio compares."""
    times = [[] for _ in functions]
    for function in functions:
        function()
    for _ in range(repeats):
        for spent, function in zip(times, functions):
            start = time.perf_counter()
            function()
            spent.append(time.perf_counter() - start)
    return [min(spent) for spent in times]


def fft_pair_run(rows, modes, steps, threads):
    """A loop of ``steps`` bare pyfftw forward and backward executions (interleaved complex, FFTW_ESTIMATE)."""
    a = pyfftw.empty_aligned((rows, modes), dtype=complex)
    b = pyfftw.empty_aligned((rows, modes), dtype=complex)
    a[:] = np.random.default_rng(0).standard_normal((rows, modes))
    flags = ("FFTW_ESTIMATE",)
    forward = pyfftw.FFTW(a, b, axes=(-1,), direction="FFTW_FORWARD", flags=flags, threads=threads)
    backward = pyfftw.FFTW(b, a, axes=(-1,), direction="FFTW_BACKWARD", flags=flags, threads=threads)

    def loop():
        for _ in range(steps):
            forward.execute()
            backward.execute()

    return loop


def bare_fft_pair(rows, modes, steps, threads):
    return best_of(fft_pair_run(rows, modes, steps, threads)) / steps


def numpy_split_step(rows, modes, steps, d_int, f, zeta, h):
    half = np.exp(-(1 + 1j * d_int) * h / 2)
    drive = f * (1 - half[0]) / (1 + 1j * d_int[0])
    spec = np.zeros((rows, modes), dtype=complex)

    def loop():
        nonlocal spec
        for _ in range(steps):
            spec = spec * half
            spec[:, 0] += drive
            field = np.fft.ifft(spec, axis=-1) * modes
            field *= np.exp(1j * (np.abs(field) ** 2 - zeta) * h)
            spec = np.fft.fft(field, axis=-1) / modes * half
            spec[:, 0] += drive

    return best_of(loop, 3) / steps


@numba.njit(nogil=True)
def _rocket_loop(lin, spec, coef, drive, where, zeta, h, steps):
    split = np.empty_like(lin)
    for k in range(steps):
        kernels.split(np.fft.ifft(lin[0] + 1j * lin[1], axis=-1, norm="forward"), split)
        kernels.kerr_step(split, zeta, k, h)
        kernels.split(np.fft.fft(split[0] + 1j * split[1], axis=-1), split)
        kernels.linear_step(split, spec, lin, coef, drive, where, False)


@numba.njit(nogil=True)
def _execute_loop(execute, plan, count):
    for _ in range(count):
        execute(plan)


@numba.njit(nogil=True)
def _kerr_loop(field, zeta, h, count):
    for k in range(count):
        kernels.kerr_step(field, zeta, k, h)


@numba.njit(nogil=True)
def _linear_loop(raw, spec, lin, coef, drive, where, store, count):
    for _ in range(count):
        kernels.linear_step(raw, spec, lin, coef, drive, where, store)


def kernel_profile(modes, d_int, f, zeta, h, repeats, count=20000):
    """µs per call of each kernel of one compiled step (median and range over ``repeats`` interleaved rounds)."""
    solver = LLESolver(d_int, dt=h)
    lin, fld, raw, backward, forward, _ = solver._buffers("profile", 1)
    field = np.asarray(soliton_guess(f, zeta, 0.0068, modes), dtype=complex)[None, :]
    kernels.split(field, lin)
    backward.execute()
    kernels.split(field, raw)
    args = (solver._coefficients(), solver.drive_term(np.full(1, f))[:, None], np.zeros(1, dtype=np.int64))
    spec, zetas = np.zeros((1, modes), dtype=complex), np.full((count, 1), zeta)
    calls = {"FFT backward (split, fftw_execute)": lambda: _execute_loop(lle.fftw_c.execute, backward.pointer, count),
             "FFT forward (split, fftw_execute)": lambda: _execute_loop(lle.fftw_c.execute, forward.pointer, count),
             "Kerr substep (kerr_step)": lambda: _kerr_loop(fld, zetas, h, count),
             "linear half steps, inner step": lambda: _linear_loop(raw, spec, lin, *args, False, count),
             "linear half steps, at a stop": lambda: _linear_loop(raw, spec, lin, *args, True, count)}
    times = {name: [] for name in calls}
    for call in calls.values():
        call()
    for _ in range(repeats):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            times[name].append((time.perf_counter() - start) / count * 1e6)
    return times


def rocket_step(rows, modes, steps, d_int, f, zeta, h):
    """The same Strang step compiled whole with numpy.fft inside numba (rocket-fft's pocketfft, on complex arrays,
    with the copies to and from the split arrays of the kernels), or NaN without it."""
    if rocket_fft is None:
        return np.nan
    solver = LLESolver(d_int, dt=h)
    coef = solver._coefficients()
    drive = solver.drive_term(np.full(rows, f))[:, None]
    where = np.zeros(1, dtype=np.int64)
    spec = np.zeros((rows, modes), dtype=complex)
    lin = np.zeros((2, rows, modes))
    zetas = np.full((steps, rows), zeta)
    _rocket_loop(lin, spec, coef, drive, where, zetas, h, 1)
    return best_of(lambda: _rocket_loop(lin, spec, coef, drive, where, zetas, h, steps)) / steps


def solver_run(rows, modes, steps, d_int, f, zeta, h, compiled=True, trace_every=100, **options):
    """A run of ``steps`` steps of ``rows`` fields (with ``options``: heat and an aux mode, a SIL laser, a multimode
    drive …), through the compiled loop or (``compiled`` False) the per-step loop."""
    solver = LLESolver(d_int, dt=h)

    def run():
        lle.COMPILED = compiled and lle.fftw_c.AVAILABLE
        solver.run(np.full(rows, f), Schedule.constant(zeta), steps * h, trace_every=trace_every, progress=False,
                   **options)

    return run


def solver_step(rows, modes, steps, d_int, f, zeta, h, compiled=True):
    return best_of(solver_run(rows, modes, steps, d_int, f, zeta, h, compiled)) / steps


HEAT = HeatPoles((1e-4,), (-6.0,), aux_weight=1.0)
"""Heat with κτ_T/2 = 10⁴ (default blocks)."""
AUX = AuxMode(f=2.0, loss=1.0, schedule=Schedule.constant(-1.0))


SIL_DFB = SILMode(beta=0.05, rate=494.0, eta=0.5, phase=-2.82, alpha=3.0, photon_rate=8228.0, carrier_rate=16.5,
                  stimulated_rate=123.0)
"""An InP DFB (τ_p = 2 ps, τ_N = 1 ns, ≈ 10 GHz relaxation) self-injection locked to a Q = 10⁷ ring (κ/2π ≈ 19 MHz)."""


def spread(values):
    return f"median {np.median(values):.2f}, range {min(values):.2f}–{max(values):.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps, no soliton-steps job")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of the N = 512 ratios")
    parser.add_argument("--ratios-only", action="store_true", help="only the N = 512 ratios (no table, no job)")
    args = parser.parse_args()
    steps = 2000 if args.quick else 10000
    threads = LLESolver(np.zeros(8)).threads
    f, zeta, h = np.sqrt(20.0), 10.0, 4e-3
    print(f"FFTW C API: {lle.fftw_c.PATH if lle.fftw_c.AVAILABLE else 'not found'}; rocket-fft: "
          f"{'installed' if rocket_fft else 'not installed'}; {threads} threads")
    print(f"{'N':>5} {'B':>3} {'solver µs':>10} {'per-step µs':>11} {'rocket µs':>9} {'2 FFT µs':>9} {'numpy µs':>9} "
          f"{'÷ FFT':>6} {'per-step ÷ FFT':>14} {'rocket ÷ FFT':>12} {'numpy ÷':>8}")
    for modes in () if args.ratios_only else (256, 512, 1024, 2048):
        d_int = 0.0068 * mode_numbers(modes) ** 2 / 2
        for rows in (1, 32):
            n = max(200, steps // rows)
            t_solver = solver_step(rows, modes, n, d_int, f, zeta, h)
            t_python = solver_step(rows, modes, n, d_int, f, zeta, h, compiled=False)
            t_rocket = rocket_step(rows, modes, n, d_int, f, zeta, h)
            t_fft = bare_fft_pair(rows, modes, n, threads if rows * modes >= 8192 else 1)
            t_numpy = numpy_split_step(rows, modes, max(100, n // 5), d_int, f, zeta, h)
            print(f"{modes:5d} {rows:3d} {t_solver * 1e6:10.2f} {t_python * 1e6:11.2f} {t_rocket * 1e6:9.2f} "
                  f"{t_fft * 1e6:9.2f} {t_numpy * 1e6:9.2f} {t_solver / t_fft:6.2f} {t_python / t_fft:14.2f} "
                  f"{t_rocket / t_fft:12.2f} {t_numpy / t_solver:8.1f}")
    modes = 512
    d_int = 0.0068 * mode_numbers(modes) ** 2 / 2
    ratios = {"single ÷ 2 FFT (trace every 100 steps)": [], "single ÷ 2 FFT (no trace samples)": [],
              "per-step single ÷ 2 FFT (trace every 100 steps)": [], "thermal + aux ÷ bare": [],
              "SIL (laser + backward mode) ÷ bare": [], "phase-modulated pump (M = 2, 13 lines) ÷ bare": [],
              "batch 32 throughput gain": []}
    mu = mode_numbers(modes)
    phase = np.where(np.abs(mu) <= 6, (1j ** (mu % 4)) * scipy.special.jv(mu, 2.0), 0.0)
    steps = 20000  # a run's set-up (≈ 1 ms) stays below 0.1 µs per step
    run = lambda rows=1, n=steps, **options: solver_run(rows, modes, n, d_int, f, zeta, h, **options)  # noqa: E731
    for _ in range(args.repeat):
        t_fft, single, loop, python = paired(fft_pair_run(1, modes, steps, 1), run(), run(trace_every=steps),
                                             run(compiled=False))
        ratios["single ÷ 2 FFT (trace every 100 steps)"].append(single / t_fft)
        ratios["single ÷ 2 FFT (no trace samples)"].append(loop / t_fft)
        ratios["per-step single ÷ 2 FFT (trace every 100 steps)"].append(python / t_fft)
        bare, coupled, sil, modulated = paired(run(), run(thermal=HEAT, aux=AUX), run(sil=SIL_DFB),
                                               run(pump_profile=phase))
        ratios["thermal + aux ÷ bare"].append(coupled / bare)
        ratios["SIL (laser + backward mode) ÷ bare"].append(sil / bare)
        ratios["phase-modulated pump (M = 2, 13 lines) ÷ bare"].append(modulated / bare)
        single, batch = paired(run(), run(32, steps // 8))
        ratios["batch 32 throughput gain"].append(32 * single / (8 * batch))
    for name, values in ratios.items():
        print(f"N = 512, {name}: {spread(values)} ({len(values)} repeats)")
    for name, values in kernel_profile(modes, d_int, f, zeta, h, max(args.repeat, 5)).items():
        print(f"N = 512 kernel µs per call, {name}: {spread(values)}")
    if not (args.quick or args.ratios_only):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "combchip.cli", "soliton-steps", "--out", out, "--no-progress"],
                           check=True, capture_output=True)
            print(f"README soliton-steps job: {time.perf_counter() - start:.1f} s wall")


if __name__ == "__main__":
    main()
