"""FFTW's C API from the libfftw3 that pyfftw loads, for split-array FFTs executed inside numba loops.

pyfftw's wheels link FFTW dynamically and ship the library beside the extension: ``pyfftw.libs/``
on Linux (auditwheel, ``libfftw3-<hash>.so.3``), ``pyfftw/.dylibs/`` on macOS (delocate) and
``pyfftw/`` on Windows (``libfftw3-3.dll``); a pyfftw built against a system FFTW finds it as
``fftw3``. Opening that same file again with ctypes returns the handle pyfftw already holds, so
plans made here and by pyfftw share one planner, and ``fftw_execute`` (thread-safe, FFTW manual §5.4)
can be passed to an ``@numba.njit`` function and called there without the GIL.

With pyfftw 0.15.1's Linux wheel this is ``pyfftw.libs/libfftw3-6b983104.so.3.5.5``
(``fftw_version`` = fftw-3.3.5-sse2-avx), with ``libfftw3_omp`` beside it.

Fields are held split, real parts and imaginary parts in two planes of one (2, rows, n) array, and transformed
by FFTW's guru split-array planner (``fftw_plan_guru_split_dft``, FFTW manual §4.5.3), so the element-wise
kernels of the solver read and write whole SIMD vectors of real or imaginary parts instead of
deinterleaving complex numbers (at n = 512 this halves the cost of the Kerr substep while the FFT costs
about the same as the interleaved one). The split planner has no sign: it plans the forward transform, and the
backward one is the forward transform with the real and imaginary parts swapped at input and output (FFTW
manual §4.5.3).

``AVAILABLE`` is False where no such library is found (a pyfftw linked statically); :class:`PyfftwPlan`
then does the same transform through pyfftw's interleaved plans and copies.

FFTW's planner is not thread-safe (FFTW manual §5.4): plans are made and destroyed through
``ctypes.PyDLL``, holding the GIL, under a module lock, and, where pyfftw's threads library
(``libfftw3_omp`` or ``libfftw3_threads``, beside libfftw3) offers it, after
``fftw_make_planner_thread_safe``, which serializes this planner with pyfftw's. The thread count
of the planner is global and pyfftw changes it for its multithreaded plans, so every plan here
first sets it back to one (``fftw_plan_with_nthreads(1)``): the solver's threads are its own.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import os
import threading
import weakref

import numpy as np
import pyfftw

FORWARD, BACKWARD = -1, 1
DESTROY_INPUT, ESTIMATE = 1, 1 << 6
"""FFTW's sign and flag constants (fftw3.h)."""


def library_path() -> str | None:
    """Path of the double-precision libfftw3 that pyfftw loads, or None if none is found."""
    package = os.path.dirname(pyfftw.__file__)
    patterns = [os.path.join(package + ".libs", "libfftw3-*.so*"), os.path.join(package, ".dylibs", "libfftw3.*dylib"),
                os.path.join(package, "libfftw3-3.dll")]
    for pattern in patterns:
        found = sorted(glob.glob(pattern))
        if found:
            return found[0]
    return ctypes.util.find_library("fftw3")


def _threads_setter(path):
    """``fftw_plan_with_nthreads`` from the threads library beside ``path`` (None if FFTW has no threads)."""
    folder = os.path.dirname(path)
    for candidate in [path] + sorted(glob.glob(os.path.join(folder, "libfftw3_omp*")) +
                                     glob.glob(os.path.join(folder, "libfftw3_threads*"))):
        try:
            threads = ctypes.PyDLL(candidate)
            setter = threads.fftw_plan_with_nthreads
        except (OSError, AttributeError):
            continue
        setter.restype, setter.argtypes = None, [ctypes.c_int]
        safe = getattr(threads, "fftw_make_planner_thread_safe", None)
        if safe is not None:
            safe.restype, safe.argtypes = None, []
            safe()
        return setter
    return None


class _IODim(ctypes.Structure):
    """``fftw_iodim`` (fftw3.h): length and input/output strides of one dimension, in elements."""

    _fields_ = [("n", ctypes.c_int), ("is", ctypes.c_int), ("os", ctypes.c_int)]


def _bind(path):
    if path is None:
        return None
    try:
        planner, executor = ctypes.PyDLL(path), ctypes.CDLL(path)
        plan_split, destroy, execute = planner.fftw_plan_guru_split_dft, planner.fftw_destroy_plan, executor.fftw_execute
    except (OSError, AttributeError):
        return None
    plan_split.restype = ctypes.c_void_p
    plan_split.argtypes = [ctypes.c_int, ctypes.POINTER(_IODim), ctypes.c_int, ctypes.POINTER(_IODim),
                           ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint]
    destroy.restype, destroy.argtypes = None, [ctypes.c_void_p]
    execute.restype, execute.argtypes = None, [ctypes.c_void_p]
    return plan_split, destroy, execute, _threads_setter(path)


PATH = library_path()
_API = _bind(PATH)
AVAILABLE = _API is not None
execute = _API[2] if AVAILABLE else None
"""``fftw_execute(plan)``: call it in numba as ``execute(plan.pointer)``; it transforms the plan's own arrays."""

_lock = threading.Lock()


def _check(source, target, sign):
    if source.shape != target.shape or source.ndim != 3 or source.shape[0] != 2 or source.dtype != np.float64 \
            or target.dtype != np.float64 or not (source.flags.c_contiguous and target.flags.c_contiguous):
        raise ValueError("source and target must be C-contiguous float64 arrays of one shape (2, rows, n)")
    if source is target or np.shares_memory(source, target):
        raise ValueError("source and target must not overlap (out-of-place plans only)")
    if sign not in (FORWARD, BACKWARD):
        raise ValueError(f"sign must be FORWARD (-1) or BACKWARD (+1), got {sign}")


class Plan:
    """A complex FFTW plan of ``rows`` transforms of length ``n`` from ``source`` to ``target``, split arrays.

    ``source`` and ``target`` are C-contiguous float64 arrays of shape (2, rows, n): plane 0 holds the real
    parts, plane 1 the imaginary parts. Made with FFTW_ESTIMATE (reproducible run to run) and
    FFTW_DESTROY_INPUT; :meth:`execute` (or ``execute(pointer)`` in numba) computes the unnormalized sum
    X_k = Σ_j x_j e^{∓2πijk/n} (− for :data:`FORWARD`) of the arrays it was planned on. Destroyed when
    garbage-collected: keep the object, not just its ``pointer``, alive while the plan is executed.
    """

    def __init__(self, source: np.ndarray, target: np.ndarray, sign: int):
        if not AVAILABLE:
            raise RuntimeError("FFTW's C API was not found beside pyfftw")
        _check(source, target, sign)
        _, rows, n = source.shape
        dims, loops = _IODim(n, 1, 1), _IODim(rows, n, n)
        src, dst = (source[0], source[1]), (target[0], target[1])
        if sign == BACKWARD:  # the forward DFT of the parts swapped, swapped back
            src, dst = src[::-1], dst[::-1]
        plan_split, _, _, threads = _API
        with _lock:
            if threads is not None:
                threads(1)
            pointer = plan_split(1, ctypes.byref(dims), 1, ctypes.byref(loops), *(a.ctypes.data for a in src + dst),
                                 ESTIMATE | DESTROY_INPUT)
        if not pointer:
            raise RuntimeError(f"FFTW could not plan {rows} transforms of length {n}")
        self.pointer = int(pointer)
        self.shape = source.shape
        self._arrays = (source, target)
        weakref.finalize(self, _destroy, pointer)

    def execute(self) -> None:
        """Transform ``source`` into ``target`` (the GIL is released)."""
        _API[2](self.pointer)


class PyfftwPlan:
    """:class:`Plan`'s transform through pyfftw's interleaved plans (where FFTW's C API is not found): the split
    ``source`` is copied into a complex buffer, transformed (FFTW_ESTIMATE, FFTW_DESTROY_INPUT, one thread) and
    copied into the split ``target``."""

    def __init__(self, source: np.ndarray, target: np.ndarray, sign: int):
        _check(source, target, sign)
        self.source, self.target = source, target
        self._a, self._b = (pyfftw.empty_aligned(source.shape[1:], dtype=complex) for _ in range(2))
        self._fft = pyfftw.FFTW(self._a, self._b, axes=(-1,), flags=("FFTW_ESTIMATE", "FFTW_DESTROY_INPUT"), threads=1,
                                direction="FFTW_BACKWARD" if sign == BACKWARD else "FFTW_FORWARD")

    def execute(self) -> None:
        """Transform ``source`` into ``target``."""
        self._a.real, self._a.imag = self.source
        self._fft.execute()
        self.target[0], self.target[1] = self._b.real, self._b.imag


def _destroy(pointer):
    with _lock:
        _API[1](pointer)
