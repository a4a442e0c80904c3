"""LLE step cost as ratios measured in one process (never run as a test).

For N = 256 … 2048 and batches of 1 and 32 it reports µs per step of LLESolver against
(a) the two bare pyfftw executions of the same shape and (b) a plain numpy split-step,
then the throughput gain of one batch of 32 over 32 single runs, and the wall time of the
README's soliton-steps job.

    python benchmarks/bench_lle.py [--quick]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time

import numpy as np
import pyfftw

from combchip.solvers import AuxMode, HeatPoles, LLESolver, Schedule
from combchip.solvers.lle import mode_numbers


def best_of(function, repeats=5):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def bare_fft_pair(rows, modes, steps, threads):
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

    return best_of(loop) / steps


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


def solver_step(rows, modes, steps, d_int, f, zeta, h):
    solver = LLESolver(d_int, dt=h)
    run = lambda: solver.run(np.full(rows, f), Schedule.constant(zeta), steps * h, trace_every=100, progress=False)  # noqa: E731
    run()
    return best_of(run) / steps


def coupled_step(modes, steps, d_int, f, zeta, h):
    """µs per step with heat (κτ_T/2 = 10⁴, default blocks) and an aux mode, and the bare step, same process."""
    solver = LLESolver(d_int, dt=h)
    heat = HeatPoles((1e-4,), (-6.0,), aux_weight=1.0)
    aux = AuxMode(f=2.0, loss=1.0, schedule=Schedule.constant(-1.0))
    bare = lambda: solver.run(f, Schedule.constant(zeta), steps * h, trace_every=100, progress=False)  # noqa: E731
    coupled = lambda: solver.run(f, Schedule.constant(zeta), steps * h, trace_every=100, progress=False,  # noqa: E731
                                 thermal=heat, aux=aux)
    bare(), coupled()
    return best_of(coupled) / steps, best_of(bare) / steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps, no soliton-steps job")
    args = parser.parse_args()
    steps = 2000 if args.quick else 10000
    threads = LLESolver(np.zeros(8)).threads
    f, zeta, h = np.sqrt(20.0), 10.0, 4e-3
    print(f"{'N':>5} {'B':>3} {'solver µs':>10} {'2 FFT µs':>9} {'numpy µs':>9} {'÷ FFT':>6} {'numpy ÷':>8}")
    for modes in (256, 512, 1024, 2048):
        d_int = 0.0068 * mode_numbers(modes) ** 2 / 2
        for rows in (1, 32):
            n = max(200, steps // rows)
            t_solver = solver_step(rows, modes, n, d_int, f, zeta, h)
            t_fft = bare_fft_pair(rows, modes, n, threads if rows * modes >= 8192 else 1)
            t_numpy = numpy_split_step(rows, modes, max(100, n // 5), d_int, f, zeta, h)
            print(f"{modes:5d} {rows:3d} {t_solver * 1e6:10.2f} {t_fft * 1e6:9.2f} {t_numpy * 1e6:9.2f} "
                  f"{t_solver / t_fft:6.2f} {t_numpy / t_solver:8.1f}")
    modes = 512
    d_int = 0.0068 * mode_numbers(modes) ** 2 / 2
    single = solver_step(1, modes, steps, d_int, f, zeta, h)
    batch = solver_step(32, modes, steps // 8, d_int, f, zeta, h)
    print(f"batch of 32 at N = 512: {32 * single / batch:.2f}× the throughput of 32 single runs ({threads} threads)")
    t_coupled, t_bare = coupled_step(modes, steps, d_int, f, zeta, h)
    print(f"thermal + aux step at N = 512: {t_coupled * 1e6:.2f} µs, {t_coupled / t_bare:.2f}× the bare step")
    if not args.quick:
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "combchip.cli", "soliton-steps", "--out", out, "--no-progress"],
                           check=True, capture_output=True)
            print(f"README soliton-steps job: {time.perf_counter() - start:.1f} s wall")


if __name__ == "__main__":
    main()
