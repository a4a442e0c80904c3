"""Parameter sweeps: any model call over an outer-product grid, stitched into one :class:`xarray.Dataset`.

Points run on local processes (:class:`concurrent.futures.ProcessPoolExecutor`, one worker per core) or on a
``dask.distributed`` ``Client`` through the same code path. With ``store=`` each finished point streams into a
Zarr store, and a rerun against the same store resumes, skipping the finished points. dask and zarr are the
``sweep`` extra and are imported only when a call needs them.

Store layout (a Zarr v3 directory)::

    store/zarr.json        root group; attrs["sweep"] = manifest (fn, grid, dims, shape, base seed)
    store/points/<k>/      the Dataset fn returned at flat point index k (C order over the grid dims)
    store/result/          the stitched Dataset, written once every point is in

A point is written to ``points/.<k>.partial`` and renamed to ``points/<k>`` (atomic on a local file system),
so an interruption never leaves a half-written point that a resume would take as finished.

Batch protocol. An ``fn`` with a method ``batch(points: list[dict]) -> list`` (and optionally an integer
``batch_size`` ≥ 1, default 64) is called on groups of points instead of one point at a time: each group is one
task, and ``batch`` returns, in order, what ``fn(**point)`` returns for each point. An LLE map point
(:class:`combchip.comb.state_map.StateMapPoint`) packs its group into the rows of one batched (B, N)
``LLESolver.run``; its rows reproduce single runs to rounding (see that class).
"""

from __future__ import annotations

import dataclasses
import inspect
import itertools
import json
import numbers
import os
import pickle
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
from tqdm.auto import tqdm

_FORMAT = 1
"""Version of the store layout above, recorded in the manifest."""


def sweep(fn: Callable[..., Any], grid: Mapping[str, Any], *, client: Any = None, store: str | os.PathLike | None = None,
          progress: bool = True, seed: int = 0) -> xr.Dataset:
    """Run ``fn(**point)`` at every point of the outer product of ``grid`` and stitch the results.

    Parameters
    ----------
    fn
        The model call. It returns an :class:`xarray.Dataset`, a dataclass record whose fields carry
        ``unit``/``meaning`` metadata (``combchip.link.records.quantity``; numeric, boolean and string fields
        become variables, other fields are dropped and listed in ``attrs["sweep_dropped_fields"]``), a dict of
        numbers, or a number (a variable named after ``fn``). For local processes ``fn`` must be picklable:
        a module-level function or a :func:`functools.partial` of one. An ``fn`` with a ``batch`` method runs
        its points in groups (the batch protocol of this module).
    grid
        ``{name: values}``: 1-D, non-empty sequences, one per keyword of ``fn``. An :class:`xarray.DataArray`
        gives its attrs (``units``, ``long_name``) to the coordinate.
    client
        A ``dask.distributed.Client``; None runs ``os.cpu_count()`` local processes.
    store
        A local Zarr directory: points stream into it as they finish, and a rerun resumes from it. A store
        holding a sweep of another ``fn``, grid or ``seed`` raises ``ValueError``.
    progress
        Show a tqdm bar counting points.
    seed
        Base seed. If ``fn`` takes ``seed`` and the grid does not give it, point k gets
        ``SeedSequence(seed).spawn(n)[k]`` as a 32-bit integer, and the seeds are returned as variable ``seed``.

    Returns
    -------
    xarray.Dataset
        The results along the grid dims (coords = grid values); ``attrs`` record ``sweep_fn`` (qualified name),
        ``sweep_grid`` (JSON) and ``sweep_seed``.
    """
    if not callable(fn):
        raise ValueError(f"fn must be callable, got {fn!r}")
    axes = _check_grid(grid)
    if not isinstance(progress, bool):
        raise ValueError(f"progress must be True or False, got {progress!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    dims = list(axes)
    shape = tuple(len(values) for values, _ in axes.values())
    n_points = int(np.prod(shape))
    seeds = _seeds(fn, dims, int(seed), n_points)
    manifest = {"format": _FORMAT, "fn": _qualname(fn), "grid": _grid_json(axes), "dims": dims,
                "shape": list(shape), "seed": int(seed) if seeds is not None else None}

    points = [dict(zip(dims, (axes[d][0][i] for d, i in zip(dims, index)), strict=True))
              for index in itertools.product(*(range(n) for n in shape))]
    if seeds is not None:
        for point, point_seed in zip(points, seeds, strict=True):
            point["seed"] = point_seed

    root = _open_store(store, manifest) if store is not None else None
    results: dict[int, xr.Dataset] = {}
    if root is not None:
        for k in _finished(root):
            results[k] = _read_point(root, k)
    todo = [k for k in range(n_points) if k not in results]

    with tqdm(total=n_points, initial=n_points - len(todo), disable=not progress, desc="sweep", unit="point") as bar:
        for k, ds in _run(fn, points, todo, client):
            if root is not None:
                _write_point(root, k, ds)
                ds = _read_point(root, k)
            results[k] = ds
            bar.update()

    out = _stitch([results[k] for k in range(n_points)], axes, shape)
    if seeds is not None:
        out["seed"] = (dims, np.asarray(seeds, dtype=np.int64).reshape(shape),
                       {"units": "1", "long_name": f"seed passed to fn, from SeedSequence({seed}).spawn"})
    out.attrs.update(sweep_fn=manifest["fn"], sweep_grid=json.dumps(manifest["grid"]), sweep_seed=int(seed))
    if root is not None:
        out.to_zarr(root, group="result", mode="w", consolidated=False)
    return out


def _check_grid(grid: Any) -> dict[str, tuple[list, dict]]:
    """``{name: (values as a list, coordinate attrs)}``; ``ValueError`` naming ``grid`` otherwise."""
    if isinstance(grid, Mapping):
        items = list(grid.items())
    elif isinstance(grid, (list, tuple)) and all(isinstance(a, xr.DataArray) for a in grid):
        items = [(a.name, a) for a in grid]
    else:
        raise ValueError(f"grid must be a dict {{name: 1-D values}} or a list of named 1-D DataArrays, "
                         f"got {type(grid).__name__}")
    if not items:
        raise ValueError("grid is empty: give at least one named parameter")
    axes: dict[str, tuple[list, dict]] = {}
    for name, values in items:
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"grid names must be keyword names of fn, got {name!r}")
        if name in axes:
            raise ValueError(f"grid names the parameter {name!r} twice")
        attrs = dict(values.attrs) if isinstance(values, xr.DataArray) else {}
        array = np.asarray(values.values if isinstance(values, xr.DataArray) else values)
        if array.ndim != 1:
            raise ValueError(f"grid[{name!r}] must be 1-D, got shape {array.shape}")
        if array.size == 0:
            raise ValueError(f"grid[{name!r}] is empty")
        axes[name] = ([v.item() if isinstance(v, np.generic) else v for v in array], attrs)
    return axes


def _seeds(fn: Callable, dims: list[str], seed: int, n_points: int) -> list[int] | None:
    """Per-point seeds if ``fn`` takes ``seed`` and the grid does not give it."""
    try:
        takes_seed = "seed" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        takes_seed = False
    if not takes_seed or "seed" in dims:
        return None
    return [int(child.generate_state(1, np.uint32)[0]) for child in np.random.SeedSequence(seed).spawn(n_points)]


def _qualname(fn: Callable) -> str:
    """``module.qualname`` of ``fn`` (of the wrapped function, with its bound keywords, for a partial)."""
    inner = getattr(fn, "func", fn)
    name = f"{getattr(inner, '__module__', '?')}.{getattr(inner, '__qualname__', type(inner).__qualname__)}"
    keywords = getattr(fn, "keywords", None)
    return f"{name}({', '.join(f'{k}={v!r}' for k, v in keywords.items())})" if keywords else name


def _grid_json(axes: dict[str, tuple[list, dict]]) -> dict[str, list]:
    """The grid as JSON-ready lists (objects by their repr)."""
    return json.loads(json.dumps({name: values for name, (values, _) in axes.items()}, default=repr))


def _call(fn: Callable, point: dict) -> xr.Dataset:
    """``fn(**point)`` as a Dataset; runs in the worker."""
    return _as_dataset(fn(**point), fn)


def _call_batch(fn: Callable, points: list[dict]) -> list[xr.Dataset]:
    """``fn.batch(points)`` as Datasets, one per point; runs in the worker."""
    results = list(fn.batch(points))
    if len(results) != len(points):
        raise ValueError(f"fn.batch returned {len(results)} results for {len(points)} points")
    return [_as_dataset(result, fn) for result in results]


def _groups(fn: Callable, todo: list[int], workers: int | None) -> list[list[int]] | None:
    """``todo`` in groups for ``fn.batch`` (None if ``fn`` has none): at most ``fn.batch_size`` points, and at
    least one group per local worker."""
    if not callable(getattr(fn, "batch", None)):
        return None
    size = getattr(fn, "batch_size", 64)
    if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
        raise ValueError(f"fn.batch_size must be an integer >= 1, got {size!r}")
    if workers:
        size = min(size, -(-len(todo) // workers))
    return [todo[i:i + size] for i in range(0, len(todo), size)]


def _as_dataset(result: Any, fn: Callable) -> xr.Dataset:
    """A Dataset from what ``fn`` returned (see :func:`sweep`)."""
    if isinstance(result, xr.Dataset):
        return result
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        variables, dropped = {}, []
        for f in dataclasses.fields(result):
            value = getattr(result, f.name)
            if isinstance(value, (numbers.Number, str, np.generic)):
                variables[f.name] = ((), value, {"units": f.metadata.get("unit", ""),
                                                  "long_name": f.metadata.get("meaning", f.name)})
            else:
                dropped.append(f.name)
        return xr.Dataset(variables, attrs={"sweep_dropped_fields": dropped} if dropped else {})
    name = getattr(getattr(fn, "func", fn), "__name__", "value")
    values = result if isinstance(result, Mapping) else {name: result}
    if not all(isinstance(v, (numbers.Number, np.generic)) for v in values.values()):
        raise ValueError(f"fn returned {type(result).__name__}; it must return a Dataset, a dataclass record, "
                         f"a number or a dict of numbers")
    return xr.Dataset({k: ((), v, {"units": "", "long_name": f"{k} returned by {_qualname(fn)} (units not given)"})
                       for k, v in values.items()})


def _run(fn: Callable, points: list[dict], todo: list[int], client: Any):
    """Yield ``(k, Dataset)`` as the points in ``todo`` finish, on ``client`` or local processes."""
    if not todo:
        return
    workers = min(os.cpu_count() or 1, len(todo)) if client is None else None
    groups = _groups(fn, todo, workers)
    tasks = [(_call, points[k], [k]) for k in todo] if groups is None else \
        [(_call_batch, [points[k] for k in group], group) for group in groups]
    if client is None:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        try:
            pickle.dumps(fn)
        except Exception as error:
            raise ValueError(f"fn must be picklable to run on local processes (a module-level function or a "
                             f"functools.partial of one, not a lambda or a local function): {error}") from None
        with ProcessPoolExecutor(max_workers=min(workers, len(tasks))) as pool:
            futures = {pool.submit(call, fn, arg): keys for call, arg, keys in tasks}
            try:
                for future in as_completed(futures):
                    yield from _pairs(futures[future], future.result())
            finally:
                for future in futures:
                    future.cancel()
    else:
        from distributed import as_completed

        futures = {client.submit(call, fn, arg, pure=False): keys for call, arg, keys in tasks}
        try:
            for future in as_completed(list(futures)):
                yield from _pairs(futures[future], future.result())
        finally:
            client.cancel(list(futures))


def _pairs(keys: list[int], result: xr.Dataset | list[xr.Dataset]):
    """``(k, Dataset)`` for the points of one task."""
    return zip(keys, result if isinstance(result, list) else [result], strict=True)


def _stitch(datasets: list[xr.Dataset], axes: dict[str, tuple[list, dict]], shape: tuple[int, ...]) -> xr.Dataset:
    """Combine the point Datasets (C order) into one along the grid dims; attrs that differ are dropped."""
    nested: list = datasets
    for n in reversed(shape[1:]):
        nested = [nested[i:i + n] for i in range(0, len(nested), n)]
    out = xr.combine_nested(nested, concat_dim=list(axes), combine_attrs="drop_conflicts",
                            data_vars="all", coords="different", compat="equals", join="outer")
    out = out.transpose(*axes, ...)
    return out.assign_coords({name: (name, values, attrs) for name, (values, attrs) in axes.items()})


def _open_store(store: str | os.PathLike, manifest: dict):
    """The root path of the store, created or checked against ``manifest``."""
    import zarr

    root = Path(store)
    if root.exists() and not (root / "zarr.json").exists():
        raise ValueError(f"store {str(root)!r} exists and is not a Zarr store of a sweep")
    group = zarr.open_group(str(root), mode="a", zarr_format=3)
    held = group.attrs.get("sweep")
    if held is None:
        group.attrs["sweep"] = manifest
    elif held != manifest:
        diff = [key for key in manifest if held.get(key) != manifest[key]]
        raise ValueError(f"store {str(root)!r} holds a sweep with another {', '.join(diff)} "
                         f"({', '.join(f'{key}={held.get(key)!r}' for key in diff)}); use a new store")
    (root / "points").mkdir(exist_ok=True)
    return root


def _finished(root: Path) -> list[int]:
    """Flat indices of the points already in the store."""
    return sorted(int(p.name) for p in (root / "points").iterdir() if p.name.isdigit())


def _write_point(root: Path, k: int, ds: xr.Dataset) -> None:
    """Write point ``k`` under a partial name, then rename it into place."""
    partial = root / "points" / f".{k}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    ds.to_zarr(str(partial), mode="w", consolidated=False, zarr_format=3)
    os.replace(partial, root / "points" / str(k))


def _read_point(root: Path, k: int) -> xr.Dataset:
    """Point ``k`` from the store, loaded into memory."""
    with xr.open_zarr(str(root / "points" / str(k)), consolidated=False) as ds:
        return ds.load()
