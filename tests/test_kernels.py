"""Split-array step kernels against the complex formulas they implement, and a solver step against numpy."""

import numpy as np
import pytest

from combchip.solvers import LLESolver, Schedule, fftw_c, kernels, lle, soliton_guess
from combchip.solvers.lle import mode_numbers

RNG = np.random.default_rng(7)
ROWS, N = 3, 64


def _split(values):
    out = np.empty((2,) + values.shape)
    kernels.split(values, out)
    return out


def _complex(values):
    return values[0] + 1j * values[1]


def _field(scale=3.0):
    return scale * (RNG.standard_normal((ROWS, N)) + 1j * RNG.standard_normal((ROWS, N)))


def test_split_and_add_are_exact():
    x, y = _field(), _field()
    out = _split(x)
    assert np.array_equal(_complex(out), x)
    kernels.add(out, y)
    assert np.array_equal(_complex(out), x + y)


@pytest.mark.parametrize("h", [1e-3, 4e-3, 0.05])
def test_kerr_step_is_the_cayley_rotation(h):
    psi = _field()
    zeta = np.array([[1.0, -2.0, 10.0], [0.0, 0.0, 0.0]])
    field = _split(psi)
    kernels.kerr_step(field, zeta, 0, h)
    p = (np.abs(psi) ** 2 - zeta[0][:, None]) * h
    expected = psi * (1 + 0.5j * p) / (1 - 0.5j * p)
    scale = np.abs(psi).max()
    # the same rational function, rounded in another order: a few ulp of |ψ|
    np.testing.assert_allclose(_complex(field), expected, rtol=0, atol=1e-15 * scale)
    # R(p) is unitary: |ψ| is kept to rounding
    np.testing.assert_allclose(np.abs(_complex(field)), np.abs(psi), rtol=0, atol=1e-15 * scale)


def test_linear_step_is_the_exact_linear_flow_and_inner_steps_give_the_same_numbers():
    d_int = 0.01 * mode_numbers(N) ** 2 / 2
    solver = LLESolver(d_int, loss=1.0 + 0.1 * RNG.random(N), dt=4e-3)
    coef = solver._coefficients()
    half = solver._half
    where = np.array([0, 3, N - 1], dtype=np.int64)
    drive = RNG.standard_normal((ROWS, 3)) + 1j * RNG.standard_normal((ROWS, 3))
    raw = _split(_field(100.0))
    spec, lin = np.zeros((ROWS, N), dtype=complex), np.zeros((2, ROWS, N))
    kernels.linear_step(raw, spec, lin, coef, drive, where, True)
    end = _complex(raw) * half / N
    end[:, where] += drive
    start = end * half
    start[:, where] += drive
    scale = np.abs(_complex(raw)).max() / N
    # one or two complex products of O(1) factors: a few ulp of the largest |ψ_μ|
    np.testing.assert_allclose(spec, end, rtol=0, atol=1e-15 * scale)
    np.testing.assert_allclose(_complex(lin), start, rtol=0, atol=1e-15 * scale)
    untouched, inner = np.full_like(spec, np.nan), np.zeros_like(lin)
    kernels.linear_step(raw, untouched, inner, coef, drive, where, False)
    assert np.array_equal(inner, lin) and np.all(np.isnan(untouched))


def _soliton_run(steps=1000, n=128, f=np.sqrt(8.0), zeta=4.0, h=4e-3):
    d_int = 0.05 * mode_numbers(n) ** 2 / 2
    initial = soliton_guess(f, zeta, 0.05, n)
    result = LLESolver(d_int, dt=h).run(f, Schedule.constant(zeta), steps * h, initial=initial, progress=False)
    return result, d_int, initial


def test_solver_steps_follow_a_numpy_split_step():
    # the same Strang scheme written with numpy's complex FFTs: checks the split FFTW plans (the backward one is the
    # forward one on swapped parts) and the fused half steps; 1000 steps of a soliton (which moves by ≈ 9 % of its
    # largest mode meanwhile) add ≈ 1e-16 of rounding each: 1e-13 allows a tenfold growth
    n, f, zeta, h, steps = 128, np.sqrt(8.0), 4.0, 4e-3, 1000
    result, d_int, initial = _soliton_run()
    half = np.exp(-(1 + 1j * d_int) * h / 2)
    drive = f * (1 - half[0]) / (1 + 1j * d_int[0])
    spec = np.fft.fft(initial) / n
    for _ in range(steps):
        spec = spec * half
        spec[0] += drive
        field = np.fft.ifft(spec) * n
        p = (np.abs(field) ** 2 - zeta) * h
        spec = np.fft.fft(field * (1 + 0.5j * p) / (1 - 0.5j * p)) / n * half
        spec[0] += drive
    assert result.meta["steps"] == steps
    np.testing.assert_allclose(result.final[0], spec, rtol=0, atol=1e-13 * np.abs(spec).max())


def test_pyfftw_fallback_steps_like_the_c_plans(monkeypatch):
    # without FFTW's C API the per-step loop transforms through pyfftw's interleaved plans and copies: other
    # codelets, so the same run to rounding (as in the numpy comparison above), not bit for bit
    reference = _soliton_run()[0].final
    monkeypatch.setattr(fftw_c, "AVAILABLE", False)
    monkeypatch.setattr(lle, "COMPILED", False)
    fallback = _soliton_run()[0].final
    np.testing.assert_allclose(fallback, reference, rtol=0, atol=1e-13 * np.abs(reference).max())
