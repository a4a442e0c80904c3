"""combchip.sweep: local processes, dask.distributed and a resumable Zarr store against a serial loop."""

import functools
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import combchip as cc
from combchip.link.records import quantity

ZETA = xr.DataArray([0.5, 2.0, 4.0], dims="zeta", attrs={"units": "1", "long_name": "normalized detuning ζ"})
F2 = [1.0, 2.0, 4.0, 8.0]


def soliton(zeta, f2):
    """Closed forms of the normalized LLE (Herr et al., Nat. Photon. 8, 145 (2014)): the soliton's peak power
    2ζ, its existence limit ζ < π²f²/8 and the CW lower-branch power from f² = ρ[1 + (ζ − ρ)²]."""
    roots = np.roots([1.0, -2 * zeta, 1 + zeta**2, -f2])
    rho = np.sort(roots.real[np.abs(roots.imag) < 1e-9])
    return {"peak_power": 2.0 * zeta, "exists": float(zeta < np.pi**2 * f2 / 8), "rho_lower": float(rho[0])}


def profile(zeta, f2):
    """The sech soliton ψ(θ) = √(2ζ) sech(√ζ θ) on 8 points: a Dataset with its own dim."""
    theta = np.linspace(-np.pi, np.pi, 8, endpoint=False)
    return xr.Dataset({"amplitude": ("theta", np.sqrt(2 * zeta) / np.cosh(np.sqrt(zeta) * theta),
                                     {"units": "1", "long_name": "|ψ|"})},
                      coords={"theta": ("theta", theta, {"units": "rad"})}, attrs={"f2": f2})


def noisy(zeta, seed):
    """A stochastic model: ζ plus one standard normal draw from ``seed``."""
    return zeta + np.random.default_rng(seed).standard_normal()


@dataclass(frozen=True)
class Record:
    power: float = quantity("W", "a power")
    label: str = quantity("", "a label")
    parts: tuple = quantity("", "an object field")


def record(zeta, f2):
    return Record(power=zeta * f2, label="ok", parts=(1, 2))


class Batched:
    """``soliton`` with the batch protocol; each group logs its size as a file in ``log``."""

    batch_size = 5

    def __init__(self, log):
        self.log = log

    def __call__(self, zeta, f2):
        return soliton(zeta, f2)

    def batch(self, points):
        (Path(self.log) / f"{len(points)}_{time.perf_counter_ns()}").touch()
        return [soliton(**p) for p in points]


class BadBatch(Batched):
    def batch(self, points):
        return [soliton(**p) for p in points[1:]]


def counted(zeta, f2, *, calls, fail, wait_for):
    """``soliton`` that logs each call as a file in ``calls``; at point ``fail`` it raises the first time,
    after ``wait_for`` points are in the store (so that the interrupted run has finished some)."""
    log = Path(calls) / f"{zeta}_{f2}"
    log.mkdir(exist_ok=True)
    (log / str(time.perf_counter_ns())).touch()
    marker = Path(calls) / "failed_once"
    if (zeta, f2) == fail and not marker.exists():
        points = Path(wait_for[0]) / "points"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and sum(p.name.isdigit() for p in points.iterdir()) < wait_for[1]:
            time.sleep(0.02)
        marker.touch()
        raise RuntimeError("simulated interruption")
    return soliton(zeta, f2)


def serial(fn):
    return {(z, f): fn(z, f) for z in ZETA.values for f in F2}


def test_local_processes_equal_a_serial_loop():
    ds = cc.sweep(soliton, {"zeta": ZETA, "f2": F2}, progress=False)
    reference = serial(soliton)
    assert ds.sizes == {"zeta": 3, "f2": 4}
    assert ds.zeta.attrs["units"] == "1" and list(ds.f2.values) == F2
    for name in ("peak_power", "exists", "rho_lower"):
        expected = [[reference[z, f][name] for f in F2] for z in ZETA.values]
        np.testing.assert_array_equal(ds[name].values, expected)  # same floats, same operations: exact
    assert ds.attrs["sweep_fn"] == f"{__name__}.soliton"
    assert '"f2": [1.0, 2.0, 4.0, 8.0]' in ds.attrs["sweep_grid"]
    assert "seed" not in ds


def test_dataset_results_stack_along_the_grid_dims():
    ds = cc.sweep(profile, {"zeta": ZETA, "f2": F2}, progress=False)
    assert ds.amplitude.dims == ("zeta", "f2", "theta") and ds.amplitude.attrs["units"] == "1"
    np.testing.assert_array_equal(ds.amplitude.sel(zeta=2.0, f2=4.0).values, profile(2.0, 4.0).amplitude.values)
    assert "f2" not in ds.attrs  # a point attr that differs between points is dropped, not taken from one point


def test_records_become_variables_with_their_units():
    ds = cc.sweep(record, {"zeta": ZETA, "f2": F2}, progress=False)
    assert ds.power.attrs == {"units": "W", "long_name": "a power"}
    np.testing.assert_array_equal(ds.power.values, np.outer(ZETA.values, F2))
    assert (ds.label == "ok").all() and "parts" not in ds and list(ds.attrs["sweep_dropped_fields"]) == ["parts"]


def test_a_batched_fn_runs_in_groups_with_the_same_results(tmp_path):
    ds = cc.sweep(Batched(str(tmp_path)), {"zeta": ZETA, "f2": F2}, progress=False)
    xr.testing.assert_identical(ds.drop_attrs(), cc.sweep(soliton, {"zeta": ZETA, "f2": F2}, progress=False).drop_attrs())
    sizes = sorted(int(p.name.split("_")[0]) for p in tmp_path.iterdir())
    assert sum(sizes) == 12 and max(sizes) <= 5 and len(sizes) >= 2  # ≤ batch_size, ≥ one group per worker
    with pytest.raises(ValueError, match=r"fn.batch returned \d+ results for \d+ points"):
        cc.sweep(BadBatch(str(tmp_path)), {"zeta": ZETA[:2], "f2": F2[:2]}, progress=False)
    bad = Batched(str(tmp_path))
    bad.batch_size = 0
    with pytest.raises(ValueError, match="batch_size"):
        cc.sweep(bad, {"zeta": ZETA, "f2": F2}, progress=False)


def test_seeds_are_spawned_per_point_and_reproducible():
    a = cc.sweep(noisy, {"zeta": [0.0, 1.0, 2.0]}, progress=False, seed=7)
    b = cc.sweep(noisy, {"zeta": [0.0, 1.0, 2.0]}, progress=False, seed=7)
    xr.testing.assert_identical(a, b)
    children = np.random.SeedSequence(7).spawn(3)
    expected = [int(c.generate_state(1, np.uint32)[0]) for c in children]
    np.testing.assert_array_equal(a.seed.values, expected)
    np.testing.assert_array_equal(a.noisy.values, [noisy(z, s) for z, s in zip([0.0, 1.0, 2.0], expected)])
    given = cc.sweep(noisy, {"zeta": [1.0], "seed": [3, 4]}, progress=False)
    np.testing.assert_array_equal(given.noisy.values, [[noisy(1.0, 3), noisy(1.0, 4)]])


def test_an_interrupted_store_run_resumes_without_recomputing(tmp_path):
    calls, store = tmp_path / "calls", tmp_path / "sweep.zarr"
    calls.mkdir()
    fn = functools.partial(counted, calls=str(calls), fail=(2.0, 2.0), wait_for=(str(store), 4))
    with pytest.raises(RuntimeError, match="simulated interruption"):
        cc.sweep(fn, {"zeta": ZETA, "f2": F2}, store=store, progress=False)
    finished = {p.name for p in (store / "points").iterdir() if p.name.isdigit()}
    assert 4 <= len(finished) < 12
    resumed = cc.sweep(fn, {"zeta": ZETA, "f2": F2}, store=store, progress=False)
    fresh = cc.sweep(soliton, {"zeta": ZETA, "f2": F2}, progress=False)
    for name in fresh.data_vars:
        np.testing.assert_array_equal(resumed[name].values, fresh[name].values)
    keys = [(z, f) for z in ZETA.values for f in F2]
    for k in map(int, finished):
        assert len(list((calls / "{}_{}".format(*keys[k])).iterdir())) == 1  # done before: never run again
    assert len(list((calls / "2.0_2.0").iterdir())) == 2  # failed once, then computed
    xr.testing.assert_identical(xr.open_zarr(store, group="result", consolidated=False).load(), resumed)


def test_a_store_of_another_sweep_is_refused(tmp_path):
    store = tmp_path / "sweep.zarr"
    cc.sweep(soliton, {"zeta": [1.0], "f2": [2.0]}, store=store, progress=False)
    with pytest.raises(ValueError, match="store.*grid"):
        cc.sweep(soliton, {"zeta": [1.0], "f2": [3.0]}, store=store, progress=False)
    with pytest.raises(ValueError, match="store.*fn"):
        cc.sweep(profile, {"zeta": [1.0], "f2": [2.0]}, store=store, progress=False)
    (tmp_path / "plain").mkdir()
    with pytest.raises(ValueError, match="store"):
        cc.sweep(soliton, {"zeta": [1.0], "f2": [2.0]}, store=tmp_path / "plain", progress=False)


@pytest.mark.parametrize("grid, match", [
    ({}, "grid is empty"),
    ({"zeta": []}, r"grid\['zeta'\] is empty"),
    ({"zeta": [[1.0, 2.0]]}, r"grid\['zeta'\] must be 1-D"),
    ([xr.DataArray([1.0], dims="a", name="zeta"), xr.DataArray([2.0], dims="b", name="zeta")], "grid names.*twice"),
    ({"not a name": [1.0]}, "grid names"),
    ([1.0, 2.0], "grid must be"),
])
def test_bad_grids_are_refused(grid, match):
    with pytest.raises(ValueError, match=match):
        cc.sweep(soliton, grid, progress=False)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="fn must be picklable"):
        cc.sweep(lambda zeta: zeta, {"zeta": [1.0]}, progress=False)
    with pytest.raises(ValueError, match="fn must be callable"):
        cc.sweep(3.0, {"zeta": [1.0]}, progress=False)
    with pytest.raises(ValueError, match="seed"):
        cc.sweep(noisy, {"zeta": [1.0]}, progress=False, seed=-1)
    with pytest.raises(ValueError, match="progress"):
        cc.sweep(soliton, {"zeta": [1.0], "f2": [1.0]}, progress="yes")


@pytest.mark.slow
def test_a_local_cluster_gives_the_same_results():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        distributed = cc.sweep(soliton, {"zeta": ZETA, "f2": F2}, client=client, progress=False)
    xr.testing.assert_identical(distributed, cc.sweep(soliton, {"zeta": ZETA, "f2": F2}, progress=False))
