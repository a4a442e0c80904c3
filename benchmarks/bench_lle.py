"""LLE step cost as ratios measured in one process (never run as a test).

For N = 256 … 2048 and batches of 1 and 32 it reports µs per step of LLESolver, with its step
loop compiled around FFTW's C API (``lle.COMPILED``) and with one pyfftw round trip per step
(the fallback, and the loop before it was compiled), against (a) the two bare pyfftw executions
of the same shape, (b) a plain numpy split-step and (c) the same step loop compiled with
numpy.fft inside numba through rocket-fft (a benchmark-only comparison, not a dependency of
combchip: ``pip install rocket-fft``; the row is skipped without it). Then, each ``--repeat``
times: the compiled single-field step over the two bare FFTs at N = 512, the thermal + aux step
and the self-injection-locked step (laser RK4 substeps and the backward mode) and the step driven by a pump
phase-modulated at the FSR (13 driven lines) over the bare step, and the throughput gain of one batch of 32
over 32 single runs (medians and ranges are printed, the machine being shared and noisy); finally the wall
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

from combchip.solvers import AuxMode, HeatPoles, LLESolver, Schedule, SILMode, kernels, lle
from combchip.solvers.lle import mode_numbers

try:
    import rocket_fft  # noqa: F401  (registers numpy.fft with numba)
except ImportError:
    rocket_fft = None


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


@numba.njit(nogil=True)
def _rocket_loop(lin, spec, coef, drive, where, zeta, h, steps):
    for k in range(steps):
        field = np.fft.ifft(lin, axis=-1, norm="forward")
        kernels.kerr_step(field, zeta, k, h)
        kernels.linear_step(np.fft.fft(field, axis=-1), spec, lin, coef, drive, where)


def rocket_step(rows, modes, steps, d_int, f, zeta, h):
    """The same Strang step compiled whole with numpy.fft inside numba (rocket-fft's pocketfft), or NaN without it."""
    if rocket_fft is None:
        return np.nan
    solver = LLESolver(d_int, dt=h)
    half = solver._half
    coef = np.stack([half / modes, half])
    drive = solver.drive_term(np.full(rows, f))[:, None]
    where = np.zeros(1, dtype=np.int64)
    spec = np.zeros((rows, modes), dtype=complex)
    lin = np.zeros_like(spec)
    zetas = np.full((steps, rows), zeta)
    _rocket_loop(lin, spec, coef, drive, where, zetas, h, 1)
    return best_of(lambda: _rocket_loop(lin, spec, coef, drive, where, zetas, h, steps)) / steps


def solver_step(rows, modes, steps, d_int, f, zeta, h, compiled=True, trace_every=100):
    lle.COMPILED = compiled and lle.fftw_c.AVAILABLE
    solver = LLESolver(d_int, dt=h)
    run = lambda: solver.run(np.full(rows, f), Schedule.constant(zeta), steps * h, trace_every=trace_every,  # noqa: E731
                             progress=False)
    run()
    return best_of(run) / steps


def option_step(modes, steps, d_int, f, zeta, h, **options):
    """µs per step of a run with ``options`` (heat and an aux mode, a SIL laser, a multimode drive …) and of the
    bare run, in the same process."""
    lle.COMPILED = lle.fftw_c.AVAILABLE
    solver = LLESolver(d_int, dt=h)
    bare = lambda: solver.run(f, Schedule.constant(zeta), steps * h, trace_every=100, progress=False)  # noqa: E731
    extra = lambda: solver.run(f, Schedule.constant(zeta), steps * h, trace_every=100, progress=False,  # noqa: E731
                               **options)
    bare(), extra()
    return best_of(extra) / steps, best_of(bare) / steps


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
    for _ in range(args.repeat):
        t_fft = bare_fft_pair(1, modes, steps, 1)
        single = solver_step(1, modes, steps, d_int, f, zeta, h)
        ratios["single ÷ 2 FFT (trace every 100 steps)"].append(single / t_fft)
        loop = solver_step(1, modes, steps, d_int, f, zeta, h, trace_every=steps)
        ratios["single ÷ 2 FFT (no trace samples)"].append(loop / t_fft)
        python = solver_step(1, modes, steps, d_int, f, zeta, h, compiled=False)
        ratios["per-step single ÷ 2 FFT (trace every 100 steps)"].append(python / t_fft)
        t_coupled, t_bare = option_step(modes, steps, d_int, f, zeta, h, thermal=HEAT, aux=AUX)
        ratios["thermal + aux ÷ bare"].append(t_coupled / t_bare)
        t_sil, t_bare = option_step(modes, steps, d_int, f, zeta, h, sil=SIL_DFB)
        ratios["SIL (laser + backward mode) ÷ bare"].append(t_sil / t_bare)
        t_mod, t_bare = option_step(modes, steps, d_int, f, zeta, h, pump_profile=phase)
        ratios["phase-modulated pump (M = 2, 13 lines) ÷ bare"].append(t_mod / t_bare)
        batch = solver_step(32, modes, steps // 8, d_int, f, zeta, h)
        ratios["batch 32 throughput gain"].append(32 * single / batch)
    for name, values in ratios.items():
        print(f"N = 512, {name}: {spread(values)} ({len(values)} repeats)")
    if not (args.quick or args.ratios_only):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "combchip.cli", "soliton-steps", "--out", out, "--no-progress"],
                           check=True, capture_output=True)
            print(f"README soliton-steps job: {time.perf_counter() - start:.1f} s wall")


if __name__ == "__main__":
    main()
