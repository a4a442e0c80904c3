"""numba kernels of the split-step LLE: all O(N) work of one step, no Python per mode.

The fields that pass through FFTW (``lin``, ``fld``, ``raw``) are split arrays of shape (2, B, N), real parts in
plane 0 and imaginary parts in plane 1 (:mod:`.fftw_c`), so the step kernels read and write whole SIMD vectors of
either without deinterleaving complex numbers; the end-of-step state ``spec`` stays complex (B, N).
The step kernels are element-wise, IEEE (see :data:`_exact`) and vectorize; reductions (powers, peaks, the
divergence check, the heat update) are taken only at trace samples and heat-block ends, by kernels compiled without fast-math
(:func:`check`, :func:`relax`, :func:`record`) that the Python loop and the compiled loop share.
:func:`steps` runs whole stretches of steps in one compiled loop, calling FFTW's ``fftw_execute``
(bound by :mod:`.fftw_c`) between the kernels, with the Kerr substep of a plain, a thermally coupled or a
self-injection-locked run chosen by a flag, and takes the trace samples, noise refreshes and heat
blocks that fall inside the stretch itself, so no step returns to Python. The drive acts on a set of
modes (one for a plain pump, the sidebands of a phase-modulated pump).
"""

from __future__ import annotations

import numba
import numpy as np

_FASTMATH = {"nsz", "arcp", "contract", "afn", "reassoc"}
"""Reassociation and reciprocal tricks only: NaN and Inf keep their meaning, so divergence stays detectable."""

_jit = numba.njit(fastmath=_FASTMATH, error_model="numpy", cache=True, nogil=True)
_exact = numba.njit(fastmath=False, error_model="numpy", cache=True, nogil=True)
"""IEEE arithmetic in index order, for reductions that both loops must round alike, and for the element-wise step
kernels: fast-math lets LLVM contract a·b − c·d into fma(a, b, −c·d) or fma(−c, d, a·b) (or reassociate) as the code
around it suggests, and with it the split linear step inlined into :func:`steps` and loaded from numba's cache rounded
otherwise than the same kernel called from Python. Element-wise loops vectorize without fast-math (the Kerr substep
costs ≈ 10 % more).

``fastmath=False`` must be explicit: numba compiles a callee whose ``fastmath`` is unset with its caller's flags
(``Flags.inherit_if_not_set``), so :func:`relax` or :func:`record` called from :func:`steps` would otherwise be
compiled with fast-math (and, the overload being keyed by signature alone, cached so for Python calls too)."""


@_exact
def _rotate_row(field: np.ndarray, b: int, z: float, h: float) -> None:
    """ψ ← R(p)ψ on row ``b`` of the split ``field`` with p = (|ψ|² − z)h and R(p) = (1 + ip/2)/(1 − ip/2)."""
    re, im = field[0, b], field[1, b]
    for j in range(re.shape[0]):
        x, y = re[j], im[j]
        p = (x * x + y * y - z) * h
        q = 0.25 * p * p
        inv = 1.0 / (1.0 + q)
        c = (1.0 - q) * inv
        s = p * inv
        re[j] = x * c - y * s
        im[j] = x * s + y * c


@_exact
def kerr_step(field: np.ndarray, zeta: np.ndarray, k: int, h: float) -> None:
    """Kerr and detuning substep ψ ← R(p)ψ of the split ``field`` (2, B, N) with p = (|ψ|² − ζ)h, ζ = ``zeta[k, b]``.

    R(p) = (1 + ip/2)/(1 − ip/2) is the Cayley (unitary, second-order) approximant of e^{ip}.
    """
    for b in range(field.shape[1]):
        _rotate_row(field, b, zeta[k, b], h)


@_exact
def linear_step(raw: np.ndarray, spec: np.ndarray, lin: np.ndarray, coef: np.ndarray, drive: np.ndarray,
                where: np.ndarray, store: bool) -> None:
    """Finish one Strang step and start the next in the Fourier domain.

    With a_μ = l_μ + i·d_int(μ) the exact linear flow over h/2 is
    ψ_μ ← E_μ ψ_μ + F_μ, E_μ = e^{−a_μ h/2}, F_μ = f_μ(1 − E_μ)/a_μ, on the driven modes μ = ``where[k]``
    (FFT order) with ``drive[b, k]`` = F_μ; ``where`` = [0] is the plain pump. ``raw`` is the unnormalized
    FFT (split), ``spec`` receives the state at the end of the step, E·raw/N (+ F), if ``store``, and the split
    ``lin`` the next half step, (E²/N)·raw on the undriven modes (one complex product) and E·(E·raw/N + F) + F on
    the driven ones. ``coef`` rows are Re, Im of (E/N, E²/N, E). With ``store`` False (inner steps of the
    compiled loop) ``lin`` gets the same numbers.
    """
    rows, n = spec.shape
    for b in range(rows):
        xr, xi, lr, li = raw[0, b], raw[1, b], lin[0, b], lin[1, b]
        if store:
            for j in range(n):
                spec[b, j] = complex(xr[j] * coef[0, j] - xi[j] * coef[1, j], xr[j] * coef[1, j] + xi[j] * coef[0, j])
        for j in range(n):
            x, y = xr[j], xi[j]
            lr[j] = x * coef[2, j] - y * coef[3, j]
            li[j] = x * coef[3, j] + y * coef[2, j]
        for k in range(where.shape[0]):
            j = where[k]
            v = complex(xr[j] * coef[0, j] - xi[j] * coef[1, j], xr[j] * coef[1, j] + xi[j] * coef[0, j]) + drive[b, k]
            if store:
                spec[b, j] = v
            w = v * complex(coef[4, j], coef[5, j]) + drive[b, k]
            lr[j] = w.real
            li[j] = w.imag


@_exact
def split(values: np.ndarray, out: np.ndarray) -> None:
    """``out`` (2, B, N) = the real and imaginary parts of ``values`` (B, N)."""
    for b in range(values.shape[0]):
        for j in range(values.shape[1]):
            out[0, b, j] = values[b, j].real
            out[1, b, j] = values[b, j].imag


@_exact
def add(out: np.ndarray, values: np.ndarray) -> None:
    """``out`` (2, B, N) += the real and imaginary parts of ``values`` (B, N)."""
    for b in range(values.shape[0]):
        for j in range(values.shape[1]):
            out[0, b, j] += values[b, j].real
            out[1, b, j] += values[b, j].imag


@_exact
def half_step(spec: np.ndarray, out: np.ndarray, half: np.ndarray, drive: np.ndarray, where: np.ndarray) -> None:
    """``out`` = E·``spec`` + F: the opening half step of the linear flow (F on the modes ``where``)."""
    rows, n = spec.shape
    for b in range(rows):
        for j in range(n):
            out[b, j] = spec[b, j] * half[j]
        for k in range(where.shape[0]):
            out[b, where[k]] += drive[b, k]


@_jit
def coupled_kerr_step(field: np.ndarray, zeta: np.ndarray, aux_zeta: np.ndarray, k: int, h: float,
                      shift: np.ndarray, aux: np.ndarray, aux_par: np.ndarray, acc: np.ndarray,
                      offset: np.ndarray) -> None:
    """Kerr substep of ψ with the thermal shift x and, if ``aux_par[2]`` ≠ 0, one full step of the aux mode b.

    |ψ(θ)|² and |b|² are invariant under the Kerr rotations, so the midpoint powers P = ⟨|ψ|²⟩ and
    B = |b|² (after b's first linear half step) make the coupled splitting symmetric (Strang, O(h²)):

    * b ← L_b(h/2) R((B + 2P)h) L_b(h/2) b, with the exact linear flow L_b of −(l_b + i(ζ_b + x))b + f_b;
    * ψ ← R((|ψ|² − ζ − x + 2B)h) ψ.

    ``aux_par`` = (l_b, f_b, on); ``acc[b]`` accumulates (P, B) for the block average of the heat;
    ``offset[b]`` receives x − 2B, the shift of ζ felt by ψ.
    """
    _, rows, n = field.shape
    for b in range(rows):
        total = 0.0
        for j in range(n):
            x, y = field[0, b, j], field[1, b, j]
            total += x * x + y * y
        power = total / n
        cross = 0.0
        if aux_par[2] != 0.0:
            a = complex(aux_par[0], aux_zeta[k, b] + shift[b])
            e = np.exp(-a * (0.5 * h))
            drive = aux_par[1] * (1.0 - e) / a
            w = aux[b] * e + drive
            cross = w.real * w.real + w.imag * w.imag
            p = (cross + 2.0 * power) * h
            q = 0.25 * p * p
            inv = 1.0 / (1.0 + q)
            w = w * complex((1.0 - q) * inv, p * inv)
            aux[b] = w * e + drive
        acc[b, 0] += power
        acc[b, 1] += cross
        z = zeta[k, b] + shift[b] - 2.0 * cross
        offset[b] = shift[b] - 2.0 * cross
        _rotate_row(field, b, z, h)


@_exact
def check(spec: np.ndarray, field: np.ndarray, zeta: np.ndarray, k: int, offset: np.ndarray, h: float) -> float:
    """Kerr-and-detuning phase of the last step, max_b max(|max_θ|ψ_b|² − z_b|, |z_b|)·h with z_b = ζ[k, b] + offset_b.

    ``field`` is ψ(θ) after the step's Kerr substep (split); inf if ``spec`` holds NaN/Inf, NaN if ``field`` does.
    """
    rows, n = spec.shape
    for b in range(rows):
        for j in range(n):
            if not (np.isfinite(spec[b, j].real) and np.isfinite(spec[b, j].imag)):
                return np.inf
    phase = 0.0
    for b in range(rows):
        peak = -np.inf
        for j in range(n):
            x, y = field[0, b, j], field[1, b, j]
            p = x * x + y * y
            if p != p:
                return np.nan
            peak = max(peak, p)
        z = zeta[k, b] + offset[b]
        phase = max(phase, abs(peak - z), abs(z))
    return phase * h


@_exact
def relax(poles: np.ndarray, shift: np.ndarray, acc: np.ndarray, count: int, decay: np.ndarray, gains: np.ndarray,
          aux_weight: float) -> None:
    """Exact update of the thermal poles over a block of ``count`` steps; clears the block sums ``acc``.

    x_i ← g_iP̄ + (x_i − g_iP̄)e^{−r_iΔτ}, P̄ = acc₀/count + w·acc₁/count, ``decay[count − 1, i]`` = e^{−r_i·count·h};
    x = Σ_i x_i. Without poles (an aux mode alone) only ``acc`` is cleared.
    """
    for b in range(poles.shape[0]):
        forcing = acc[b, 0] / count + aux_weight * (acc[b, 1] / count)
        if poles.shape[1] > 0:
            total = 0.0
            for i in range(poles.shape[1]):
                target = gains[i] * forcing
                poles[b, i] = target + (poles[b, i] - target) * decay[count - 1, i]
                total = poles[b, i] if i == 0 else total + poles[b, i]
            shift[b] = total
        acc[b, 0] = 0.0
        acc[b, 1] = 0.0


@_exact
def record(spec: np.ndarray, field: np.ndarray, weight: np.ndarray, out: np.ndarray, shift: np.ndarray,
           aux: np.ndarray) -> None:
    """One trace sample per row into ``out`` (B, C): Σ|ψ_μ|², Σ_{μ≠0} w_μ|ψ_μ|², Re ψ₀, Im ψ₀, max_θ|ψ|² (from
    ``field``, the split unnormalized inverse FFT of ``spec``) and, where C > 6, x, Re b, Im b in columns 6–8."""
    rows, n = spec.shape
    for b in range(rows):
        total = 0.0
        side = 0.0
        peak = 0.0
        for j in range(n):
            v = spec[b, j]
            p = v.real * v.real + v.imag * v.imag
            total += p
            if j > 0:
                side += weight[j] * p
            x, y = field[0, b, j], field[1, b, j]
            peak = max(peak, x * x + y * y)
        out[b, 0] = total
        out[b, 1] = side
        out[b, 2] = spec[b, 0].real
        out[b, 3] = spec[b, 0].imag
        out[b, 4] = peak
        if out.shape[1] > 6:
            out[b, 6] = shift[b]
            out[b, 7] = aux[b].real
            out[b, 8] = aux[b].imag


@_jit
def _sil_rates(a, y, b, zeta, power, pump, par, fb):
    """Right-hand sides (ȧ, ẏ, ḃ) of the laser field a, its gain excess y and the backward mode b (:func:`sil_kerr_step`)."""
    alpha, photon, carrier, stimulated, beta, loss = par[0], par[1], par[2], par[3], par[4], par[5]
    ia = a.real * a.real + a.imag * a.imag
    ib = b.real * b.real + b.imag * b.imag
    da = 0.5 * photon * y * complex(1.0, -alpha) * a + fb * b
    dy = -carrier * y + stimulated * (1.0 - (1.0 + y) * ia)
    db = complex(-loss, ib + 2.0 * power - zeta) * b + 1j * beta * pump
    return da, dy, db


@_jit
def sil_kerr_step(field: np.ndarray, zeta: np.ndarray, k: int, h: float, state: np.ndarray, par: np.ndarray,
                  fb: np.ndarray, offset: np.ndarray, drive: np.ndarray, shift: np.ndarray, acc: np.ndarray) -> None:
    """Kerr substep of ψ with one full step of a self-injection-locked laser and the backward mode b.

    With P = ⟨|ψ|²⟩ and the midpoint ψ₀ = ⟨ψ·e^{i(|ψ|² − ζ + 2|b|²)h/2}⟩ (the field half way through the rotation,
    to O(h²): e^{−i(ζ − 2|b|²)h/2}⟨ψ(1 + i|ψ|²h/2)⟩) held, ``par[6]`` RK4 substeps advance (``state[b]`` = Re a, Im a, y,
    Re b, Im b, and a at the start of the step in columns 5–6)

    * ȧ = ½(1 − iα)c_p·y·a + c_fb·b, ẏ = −c_N·y + c_S(1 − (1 + y)|a|²);
    * ḃ = −(l₀ + iζ)b + i(|b|² + 2P)b + iβψ₀;

    then ψ ← R((|ψ|² − ζ + 2B̄)h)ψ with B̄ the mean of |b|² at both ends, and the drive of the linear half steps
    around the step's end becomes F₀ = u·(f·a + iβb) (u the drive term per unit forcing): the end value is the
    midpoint of the two half steps that use it, so the splitting stays second order.
    ``par`` = (α, c_p, c_N, c_S, β, l₀, substeps); ``fb[b]`` = (c_fb·e^{iφ}, u·f, iuβ); ``offset[b]`` receives x − 2B̄.
    A thermal shift x = ``shift[b]`` adds to ζ (both ring modes heat alike; x = 0 without heat, exactly the same
    numbers), and ``acc[b]`` accumulates (P, B̄) for the block average of the heat (:func:`relax`).
    Inlined into :func:`steps` it may round differently (fast-math): the two paths agree to ≈ 10⁻¹⁵, not bit for bit.
    """
    _, rows, n = field.shape
    m = int(par[6])
    s = h / m
    for b in range(rows):
        total = 0.0
        mean = 0.0j
        kerr = 0.0j
        for j in range(n):
            x, y = field[0, b, j], field[1, b, j]
            p = x * x + y * y
            v = complex(x, y)
            total += p
            mean += v
            kerr += p * v
        power = total / n
        z = zeta[k, b] + shift[b]
        a = complex(state[b, 0], state[b, 1])
        y = state[b, 2]
        w = complex(state[b, 3], state[b, 4])
        start = w.real * w.real + w.imag * w.imag
        pump = np.exp(complex(0.0, -0.5 * h * (z - 2.0 * start))) * (mean + complex(0.0, 0.5 * h) * kerr) / n
        for _ in range(m):
            a1, y1, b1 = _sil_rates(a, y, w, z, power, pump, par, fb[b, 0])
            a2, y2, b2 = _sil_rates(a + 0.5 * s * a1, y + 0.5 * s * y1, w + 0.5 * s * b1, z, power, pump, par, fb[b, 0])
            a3, y3, b3 = _sil_rates(a + 0.5 * s * a2, y + 0.5 * s * y2, w + 0.5 * s * b2, z, power, pump, par, fb[b, 0])
            a4, y4, b4 = _sil_rates(a + s * a3, y + s * y3, w + s * b3, z, power, pump, par, fb[b, 0])
            a = a + s / 6.0 * (a1 + 2.0 * a2 + 2.0 * a3 + a4)
            y = y + s / 6.0 * (y1 + 2.0 * y2 + 2.0 * y3 + y4)
            w = w + s / 6.0 * (b1 + 2.0 * b2 + 2.0 * b3 + b4)
        state[b, 5] = state[b, 0]
        state[b, 6] = state[b, 1]
        state[b, 0] = a.real
        state[b, 1] = a.imag
        state[b, 2] = y
        state[b, 3] = w.real
        state[b, 4] = w.imag
        mean_b = 0.5 * (start + w.real * w.real + w.imag * w.imag)
        offset[b] = shift[b] - 2.0 * mean_b
        acc[b, 0] += power
        acc[b, 1] += mean_b
        drive[b, 0] = fb[b, 1] * a + fb[b, 2] * w
        _rotate_row(field, b, z - 2.0 * mean_b, h)


@_exact
def sil_record(state: np.ndarray, out: np.ndarray, h: float) -> None:
    """Laser columns 9–12 of a trace sample (B, 13): Re a, Im a, y and the frequency offset −arg(a/a_start)/h."""
    for b in range(state.shape[0]):
        out[b, 9] = state[b, 0]
        out[b, 10] = state[b, 1]
        out[b, 11] = state[b, 2]
        ratio = complex(state[b, 0], state[b, 1]) / complex(state[b, 5], state[b, 6])
        out[b, 12] = -np.arctan2(ratio.imag, ratio.real) / h


PLAIN, COUPLED, SIL = 0, 1, 2
"""Kerr-substep variants of :func:`steps`: :func:`kerr_step`, :func:`coupled_kerr_step`, :func:`sil_kerr_step`."""


@_jit
def _stop(execute, inverse, lin, fld, raw, spec, zeta, k, h, base, max_phase, status, sample, weight, trace, row,
          noise, kick, variant, slow, laser):
    """The Python loop's work at a stop after step k, inside the compiled loop; False on a divergence.

    :func:`check`; with heat (``slow[10]`` = [step at which the open heat block began], empty without) the block
    closes (:func:`relax`, the same compiled function as from Python); a trace sample into ``trace[sample, row:]``
    if ``sample`` ≥ 0; the noise increment ``noise[kick]`` added to ``lin`` if ``kick`` ≥ 0.
    """
    phase = check(spec, fld, zeta, k, slow[5], h)
    if phase > max_phase or phase == np.inf:
        status[0] = k
        status[1] = phase
        return False
    since = slow[10]
    if since.shape[0] > 0:
        relax(slow[6], slow[1], slow[4], base + k + 1 - since[0], slow[7], slow[8], slow[9])
        since[0] = base + k + 1
    if sample >= 0:
        split(spec, raw)
        execute(inverse)
        out = trace[sample, row:row + spec.shape[0]]
        if variant == SIL:
            state = laser[0]
            record(spec, fld, weight, out, slow[1], state[:, 3] + 1j * state[:, 4])
            sil_record(state, out, h)
        else:
            record(spec, fld, weight, out, slow[1], slow[2])
    if kick >= 0:
        add(lin, noise[kick])
    return True


@_jit
def steps(execute, backward: int, forward: int, inverse: int, lin: np.ndarray, fld: np.ndarray, raw: np.ndarray,
          spec: np.ndarray, coef: np.ndarray, drive: np.ndarray, where: np.ndarray, zeta: np.ndarray, first: int,
          count: int, h: float, base: int, marks: np.ndarray, sample: int, weight: np.ndarray, trace: np.ndarray,
          row: int, max_phase: float, kicks: np.ndarray, noise: np.ndarray, blocks: np.ndarray, status: np.ndarray,
          variant: int, slow: tuple, laser: tuple) -> None:
    """``count`` Strang steps with ``zeta[first:first + count]``: backward FFT, Kerr, forward FFT, linear.

    ``execute`` is ``fftw_execute``; ``backward`` (``lin`` → ``fld``), ``forward`` (``fld`` → ``raw``) and ``inverse``
    (``raw`` → ``fld``, for peaks) are the addresses of the group's split FFTW plans (:class:`.fftw_c.Plan`). The Kerr substep is that of ``variant``
    (:data:`PLAIN`, :data:`COUPLED` or :data:`SIL`, one loop for all three) with
    ``slow`` = (ζ_b, x, b, aux_par, acc, offset) of :func:`coupled_kerr_step` (``offset`` is read by every variant)
    followed by (poles, decay, gains, aux_weight, since) of :func:`relax` (``since`` empty without heat) and
    ``laser`` = (state, par, fb) of :func:`sil_kerr_step`. ``spec`` (the end-of-step state) is written only after
    the last step and at the stops inside the stretch, the steps k in ``marks`` (trace samples ``sample``,
    ``sample`` + 1, …), in ``kicks`` (noise refreshes, adding the rows of ``noise`` to ``lin``) and in ``blocks``
    (ends of heat blocks): there the phase is checked (:func:`check`), the heat block closes (:func:`relax`, in
    every stop of a run with heat, as at a Python stop) and the loop ends on a divergence with ``status`` =
    (k, phase); otherwise ``status[0]`` stays −1. Step k ends at step count ``base`` + k + 1.
    """
    m = 0
    q = 0
    r = 0
    last = first + count - 1
    for k in range(first, first + count):
        execute(backward)
        if variant == SIL:
            sil_kerr_step(fld, zeta, k, h, laser[0], laser[1], laser[2], slow[5], drive, slow[1], slow[4])
        elif variant == COUPLED:
            coupled_kerr_step(fld, zeta, slow[0], k, h, slow[1], slow[2], slow[3], slow[4], slow[5])
        else:
            kerr_step(fld, zeta, k, h)
        execute(forward)
        mark = m < marks.shape[0] and marks[m] == k
        kick = q < kicks.shape[0] and kicks[q] == k
        block = r < blocks.shape[0] and blocks[r] == k
        linear_step(raw, spec, lin, coef, drive, where, k == last or mark or kick or block)
        if k != last and (mark or kick or block):
            if not _stop(execute, inverse, lin, fld, raw, spec, zeta, k, h, base, max_phase, status,
                         sample + m if mark else -1, weight, trace, row, noise, q if kick else -1, variant, slow,
                         laser):
                return
            m += 1 if mark else 0
            q += 1 if kick else 0
            r += 1 if block else 0
