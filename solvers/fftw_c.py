"""FFTW's C API from the libfftw3 that pyfftw loads, for FFTs executed inside numba loops.

pyfftw's wheels link FFTW dynamically and ship the library beside the extension: ``pyfftw.libs/``
on Linux (auditwheel, ``libfftw3-<hash>.so.3``), ``pyfftw/.dylibs/`` on macOS (delocate) and
``pyfftw/`` on Windows (``libfftw3-3.dll``); a pyfftw built against a system FFTW finds it as
``fftw3``. Opening that same file again with ctypes returns the handle pyfftw already holds, so
plans made here and by pyfftw share one planner, and ``fftw_execute_dft`` (the new-array execute
interface, FFTW manual §4.6) can be passed to an ``@numba.njit`` function and called there
without the GIL.

With pyfftw 0.15.1's Linux wheel this is ``pyfftw.libs/libfftw3-6b983104.so.3.5.5``
(``fftw_version`` = fftw-3.3.5-sse2-avx), with ``libfftw3_omp`` beside it.

``AVAILABLE`` is False where no such library is found (a pyfftw linked statically); the solver
then steps through pyfftw's Python ``execute`` instead.

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


def _bind(path):
    if path is None:
        return None
    try:
        planner, executor = ctypes.PyDLL(path), ctypes.CDLL(path)
        plan_many, destroy, execute = planner.fftw_plan_many_dft, planner.fftw_destroy_plan, executor.fftw_execute_dft
    except (OSError, AttributeError):
        return None
    plan_many.restype = ctypes.c_void_p
    plan_many.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_int), ctypes.c_int,
                          ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                          ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                          ctypes.c_int, ctypes.c_uint]
    destroy.restype, destroy.argtypes = None, [ctypes.c_void_p]
    execute.restype, execute.argtypes = None, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    return plan_many, destroy, execute, _threads_setter(path)


PATH = library_path()
_API = _bind(PATH)
AVAILABLE = _API is not None
execute = _API[2] if AVAILABLE else None
"""``fftw_execute_dft(plan, in, out)``: call it in numba as ``execute(plan.pointer, a.ctypes, b.ctypes)``."""

_lock = threading.Lock()


class Plan:
    """A complex FFTW plan of ``rows`` transforms of length ``n`` along the last axis of C-contiguous arrays.

    Made with FFTW_ESTIMATE (reproducible run to run) and FFTW_DESTROY_INPUT, for the aligned
    ``source``/``target`` buffers it is executed on (other aligned arrays of the same shape may be
    used, as the new-array execute rules of FFTW allow). The unnormalized sum
    X_k = Σ_j x_j e^{∓2πijk/n}, − for :data:`FORWARD`. Destroyed when garbage-collected: keep the
    object, not just its ``pointer``, alive while the plan is executed.
    """

    def __init__(self, source: np.ndarray, target: np.ndarray, sign: int):
        if not AVAILABLE:
            raise RuntimeError("FFTW's C API was not found beside pyfftw")
        if source.shape != target.shape or source.ndim != 2 or source.dtype != np.complex128 \
                or target.dtype != np.complex128 or not (source.flags.c_contiguous and target.flags.c_contiguous):
            raise ValueError("source and target must be C-contiguous complex128 arrays of one 2-D shape")
        if sign not in (FORWARD, BACKWARD):
            raise ValueError(f"sign must be FORWARD (-1) or BACKWARD (+1), got {sign}")
        rows, n = source.shape
        size = (ctypes.c_int * 1)(n)
        plan_many, _, _, threads = _API
        with _lock:
            if threads is not None:
                threads(1)
            pointer = plan_many(1, size, rows, source.ctypes.data, None, 1, n, target.ctypes.data, None, 1, n, sign,
                                ESTIMATE | DESTROY_INPUT)
        if not pointer:
            raise RuntimeError(f"FFTW could not plan {rows} transforms of length {n}")
        self.pointer = int(pointer)
        self.shape = (rows, n)
        weakref.finalize(self, _destroy, pointer)


def _destroy(pointer):
    with _lock:
        _API[1](pointer)
