"""The (ζ, f²) state map: the classifier on closed-form fields, the known boundaries from simulation, batching."""

import numpy as np
import pytest
import xarray as xr

import combchip as cc
from combchip.comb.state_map import STATES, StateMapPoint, analytic_boundaries, classify, state_features, state_map
from combchip.solvers import cw_branch

N, S, T = 128, 8, 50
THETA = -np.pi + 2 * np.pi * np.arange(N) / N


def steady(field):
    """S identical snapshots of ``field`` with flat traces of its mean and peak power."""
    fields = np.broadcast_to(field, (S, N))[None]
    power = np.abs(field) ** 2
    return fields, np.full((1, T), power.mean()), np.full((1, T), power.max())


def sech(centre, zeta=4.0, d2=0.2):
    return np.sqrt(2 * zeta) / np.cosh(np.sqrt(2 * zeta / d2) * np.angle(np.exp(1j * (THETA - centre))))


def state_of(fields, mean, peak, d2=0.2):
    features = state_features(fields, mean, peak)
    return STATES[int(classify(features, d2)[0])], features


def test_closed_form_fields_are_classified():
    background = 0.3 + 0.1j
    assert state_of(*steady(np.full(N, background)))[0] == "CW"
    name, features = state_of(*steady(background + sech(0.3)))
    assert name == "soliton" and features["structures"][0] == 1
    name, features = state_of(*steady(background + sech(0.3) + sech(2.0)))
    assert name == "soliton" and features["structures"][0] == 2  # uneven spacing: every mode is lit
    rolls = 1.0 + 0.6 * np.cos(6 * THETA)
    name, features = state_of(*steady(rolls))
    assert name == "Turing rolls" and features["roll_period"][0] == 6
    dip = 2.0 - 1.5 * (np.abs(THETA) < 0.7)
    assert state_of(*steady(dip.astype(complex)), d2=-0.05)[0] == "dark pulse"


def test_moving_states_are_breathers_or_chaos():
    breathing = 1 + 0.3 * np.sin(np.linspace(0, 6 * np.pi, S))
    fields = (0.3 + np.sqrt(breathing)[:, None] * sech(0.5)[None])[None]
    power = np.abs(fields) ** 2
    mean, peak = (np.interp(np.linspace(0, S - 1, T), np.arange(S), f(power, axis=-1)[0])[None]
                  for f in (np.mean, np.max))
    assert state_of(fields, mean, peak)[0] == "breather"
    rng = np.random.default_rng(1)
    wander = np.array([sum(sech(c, zeta=2.0) for c in rng.uniform(-np.pi, np.pi, 5)) for _ in range(S)])
    chaos = (0.5 + wander)[None]
    power = np.abs(chaos) ** 2
    assert state_of(chaos, power.mean(axis=-1).repeat(6, axis=-1), power.max(axis=-1).repeat(6, axis=-1))[0] == "chaos"


def test_analytic_boundaries_agree_with_the_cw_roots():
    zeta = np.array([0.0, 1.0, 1.7, 2.0, 3.0, 5.0])
    b = analytic_boundaries(zeta)
    np.testing.assert_allclose(b.mi_f2.values[:4], [2.0, 1.0, 1.49, 2.0])  # f² = 1 + (ζ − 1)² for ζ ≤ 2
    assert np.isnan(b.mi_f2.values[4:]).all() and np.isnan(b.fold_low_f2.values[:3]).all()  # bistable from √3
    for z, low, high in zip(zeta[3:], b.fold_low_f2.values[3:], b.fold_high_f2.values[3:]):
        roots = [np.sum(~np.isnan(cw_branch(f2, z))) for f2 in (0.99 * low, 1.01 * low, 0.99 * high, 1.01 * high)]
        assert roots == [1, 3, 3, 1]  # three CW states exactly between the folds
    np.testing.assert_allclose(b.soliton_limit_f2.values[1:], 8 * zeta[1:] / np.pi**2)


@pytest.mark.slow
def test_simulated_points_reproduce_the_known_boundaries():
    # MI at ρ = 1: ζ = 0 (no seed: the state grows from noise) and ζ = 1 (a soliton seed that must decay), where the
    # Turing bifurcation is supercritical (ζ < 41/30), so no localized state blurs it. The points bracket ρ = 1 by
    # ≥ 0.13, the margin for MI gain ρ − 1 to grow noise to a pattern within 50 τ.
    mi = [(0.0, 1.5), (0.0, 3.3), (1.0, 0.8), (1.0, 1.5)]
    # Soliton limit ζ = π²f²/8 (asymptotic in f): points 10 % inside and outside it, at f² = 4 and 6.
    limit = [(r * np.pi**2 * f2 / 8, f2) for f2 in (4.0, 6.0) for r in (0.9, 1.1)]
    points = [{"zeta": z, "f2": f2, "seed": k} for k, (z, f2) in enumerate(mi + limit)]
    out = StateMapPoint(threads=2).batch(points)
    rho = [float(o.rho_lower) for o in out[:4]]
    names = [STATES[int(o.state)] for o in out]
    assert [r > 1 for r in rho] == [False, True, False, True]
    assert names[:4] == ["CW", "Turing rolls", "CW", "Turing rolls"]
    assert names[4:] == ["soliton", "CW"] * 2 and [int(o.solitons) for o in out[4::2]] == [1, 1]

    # Bistability from ζ = √3 (normal dispersion, so no MI): an empty cavity and one filled to ψ = f end on different
    # states only where three CW states exist; the points bracket √3 by a grid step of 0.5.
    zeta = np.array([1.0, 1.5, 2.0, 3.5])
    b = analytic_boundaries(zeta)
    f2 = np.where(np.isnan(b.fold_low_f2), 2.0, 0.5 * (b.fold_low_f2 + b.fold_high_f2))
    points = [{"zeta": z, "f2": f, "seed": 0} for z, f in zip(zeta, f2)]
    cold, hot = (StateMapPoint(d2=-0.2, initial=start, threads=2).batch(points) for start in ("cold", "hot"))
    gap = np.array([float(h.mean_power) - float(c.mean_power) for c, h in zip(cold, hot)])
    assert list(gap > 0.1) == list(zeta > np.sqrt(3)) and np.all(np.abs(gap[zeta < np.sqrt(3)]) < 1e-6)

    # A dark pulse (normal dispersion) seeded at ζ = 3.5, f² = 4, inside the bistable range.
    assert STATES[int(StateMapPoint(d2=-0.05, threads=2)(3.5, 4.0).state)] == "dark pulse"


@pytest.mark.slow
def test_a_batched_map_equals_the_points_run_one_by_one():
    point = StateMapPoint(duration=12.0, window=4.0, snapshots=4, batch_size=3)
    ds = state_map([0.5, 3.0], [2.0, 3.0, 5.0], point, seed=3, progress=False)
    assert ds.state.dims == ("zeta", "f2") and ds.state.attrs["units"] == "1"
    for z in ds.zeta.values:
        for f2 in ds.f2.values:
            single = point(z, f2, seed=int(ds.seed.sel(zeta=z, f2=f2)))
            assert int(ds.state.sel(zeta=z, f2=f2)) == int(single.state)
            for name in single.data_vars:
                # a multi-row FFTW plan rounds differently from a one-row plan (~1e-15), and 12 τ of a
                # non-chaotic state keeps that far below 1e-12
                np.testing.assert_allclose(ds[name].sel(zeta=z, f2=f2).values, single[name].values,
                                           rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("make, match", [
    (lambda: StateMapPoint(d2=0.0), "d2"),
    (lambda: StateMapPoint(modes=8), "modes"),
    (lambda: StateMapPoint(window=100.0), "window"),
    (lambda: StateMapPoint(initial="warm"), "initial"),
    (lambda: StateMapPoint(batch_size=0), "batch_size"),
    (lambda: StateMapPoint().batch([{"zeta": 1.0, "f2": -1.0}]), "f2"),
    (lambda: state_map([1.0], [[1.0]]), "f2"),
    (lambda: state_map([1.0], [-1.0]), "f2"),
    (lambda: state_map([1.0], [1.0], point="default"), "point"),
    (lambda: classify({}, 0.0), "d2"),
    (lambda: state_features(np.zeros((2, 3)), np.zeros((2, 1)), np.zeros((2, 1))), "fields"),
    (lambda: analytic_boundaries([[1.0]]), "zeta"),
])
def test_bad_inputs_are_refused(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_plot_state_map_labels_regions_and_boundaries():
    import matplotlib

    matplotlib.use("Agg")
    from combchip.plotting.maps import plot_state_map

    zeta, f2 = np.linspace(-1, 6, 8), np.linspace(1, 5, 5)
    state = np.where(zeta[:, None] < 1, 1, 4) * np.ones_like(f2)
    ds = xr.Dataset({"state": (("zeta", "f2"), state.astype(int)), "solitons": (("zeta", "f2"), (state == 4) * 1)},
                    coords={"zeta": zeta, "f2": f2}, attrs={"state_map_point": '{"initial": "seed", "d2": 0.2}'})
    fig = plot_state_map(ds)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "Turing rolls" in texts and any(t.startswith("soliton") for t in texts)
    assert {"MI threshold ρ = 1", "soliton limit ζ = π²f²/8"} <= {l.get_label() for l in fig.axes[0].get_lines()}
