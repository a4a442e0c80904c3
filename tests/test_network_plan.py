"""Network planning: K_n edge colouring, comb-line assignment, WDM and time-division resources, figure."""

import itertools
import math
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np
import pytest
import xarray as xr

from combchip.comb.lines import line_table
from combchip.link.network_plan import (
    edge_colouring,
    resources,
    tdm_encoder,
    tdm_resources,
    tdm_schedule,
    usable_lines,
    wavelength_plan,
)
from combchip.plotting import plot_wavelength_graph


def _lines():
    """Seven lines μ = −3 … 3 at 100 GHz: μ = −1 weak, μ = 1 noisy, μ = 2 broad, μ = 0 the pump."""
    mu = np.arange(-3, 4)
    power = np.full(mu.size, 1e-4)
    osnr = np.full(mu.size, 30.0)
    linewidth = np.full(mu.size, 1.1e5)
    power[mu == -1] = 1e-9
    osnr[mu == 1] = 5.0
    linewidth[mu == 2] = 1.4e6
    power[mu == 0] = 1e-1
    return line_table(mu, 193.1e12 + 100e9 * mu, power, osnr, linewidth)


@pytest.mark.parametrize("n", range(2, 41))
def test_colouring_is_proper_and_minimal(n):
    colour = edge_colouring(n)
    assert colour.shape == (n, n)
    assert np.array_equal(colour, colour.T)
    assert np.all(np.diag(colour) == -1)
    off = ~np.eye(n, dtype=bool)
    assert np.all(colour[off] >= 0)
    for row in colour:  # proper: the colours at each vertex are distinct, so every colour class is a matching
        used = row[row >= 0]
        assert len(set(used)) == n - 1
    count = len(np.unique(colour[off]))
    # a matching of K_n has ≤ ⌊n/2⌋ edges, so ⌈(n(n−1)/2)/⌊n/2⌋⌉ colours are necessary
    bound = math.ceil(Fraction(n * (n - 1), 2) / (n // 2))
    assert count == bound == (n - 1 if n % 2 == 0 else n)
    assert count == resources(n)["wavelengths"]


@pytest.mark.parametrize("n", [2, 3, 4, 7, 8, 200])
def test_wdm_resources(n):
    r = resources(n)
    assert r == {"users": n, "pairs": n * (n - 1) // 2, "wavelengths": n - 1 if n % 2 == 0 else n,
                 "bell_state_modules": n * (n - 1) // 2, "encoders_per_user": n - 1}


def test_wdm_resources_of_system_a():
    # Yan et al.: four users share three comb lines (CH35, CH43, CH59) and six user pairs
    assert resources(4)["wavelengths"] == 3
    assert resources(4)["bell_state_modules"] == 6


@pytest.mark.parametrize("n", range(2, 65))
def test_tdm_resources_follow_the_published_formulas(n):
    k = math.ceil(math.log2(n))
    r = tdm_resources(n)
    assert r["bell_state_modules"] == 2**k - 1
    published = Fraction(3 * k, 2) if k % 2 == 0 else Fraction(3 * k, 2) - Fraction(1, 2)
    assert r["encoders_per_user"] == published
    assert r["time_slots"] == r["min_time_slots"] <= 2 ** (k - 1)
    assert (r["time_slots"] == 2 ** (k - 1)) == (n == 2**k or k % 2 == 1)  # fewer only under a radix-4 top level
    assert tdm_resources(n, radix=2)["encoders_per_user"] == k


def _check_schedule(n, radix):
    slots = tdm_schedule(n, radix)
    r = tdm_resources(n, radix)
    pairs = [pair for slot in slots for pair in slot]
    assert sorted(pairs) == list(itertools.combinations(range(n), 2))  # every pair exactly once
    assert len(slots) == r["time_slots"]
    assert max(len(slot) for slot in slots) <= r["bell_state_modules"]
    if n == r["padded_users"]:  # every module busy in every slot
        assert all(len(slot) == r["bell_state_modules"] for slot in slots)
    used = {u: set() for u in range(n)}
    for slot in slots:
        busy = set()
        for a, b in slot:
            for user, partner in ((a, b), (b, a)):
                encoder = tdm_encoder(n, user, partner, radix)
                assert 0 <= encoder < r["encoders_per_user"]
                assert (user, encoder) not in busy  # an encoder serves one partner per slot
                busy.add((user, encoder))
                used[user].add(encoder)
        load = max(sum(1 for u, _ in busy if u == user) for user in range(n))
        assert load <= r["encoders_per_user"]
    if n == r["padded_users"]:  # the published count is needed by this schedule, not just allowed
        assert all(len(e) == r["encoders_per_user"] for e in used.values())
    return slots


@pytest.mark.parametrize("radix", [4, 2])
@pytest.mark.parametrize("n", range(2, 33))
def test_tdm_schedule_covers_every_pair_once(n, radix):
    _check_schedule(n, radix)


def test_tdm_schedule_for_eight_users_has_four_slots():
    slots = _check_schedule(8, 4)
    assert len(slots) == 4 == math.ceil(math.log2(8)) + 1
    assert all(len(slot) == 7 for slot in slots)
    assert tdm_resources(8)["encoders_per_user"] == 4
    # slot t pairs group {0…3} with {4…7} through i ↔ 4 + (i ⊕ t); the rest run the two four-user networks
    for t, slot in enumerate(slots):
        assert {(i, 4 + (i ^ t)) for i in range(4)} <= set(slot)


@pytest.mark.parametrize("n", [16, 32, 64])
def test_log2_plus_one_slots_cannot_hold_all_pairs(n):
    k = math.ceil(math.log2(n))
    assert (k + 1) * tdm_resources(n)["bell_state_modules"] < n * (n - 1) // 2
    assert len(tdm_schedule(n)) == math.ceil(Fraction(n * (n - 1), 2) / (2**k - 1))


@pytest.mark.parametrize("radix", [4, 2])
@pytest.mark.parametrize("n", range(2, 34))
def test_tdm_schedule_meets_its_lower_bound(n, radix):
    slots = tdm_schedule(n, radix)
    k = math.ceil(math.log2(n))
    # no schedule beats ⌈pairs/modules⌉, nor the most partners one encoder of the wiring serves
    partners = {}
    for a, b in itertools.combinations(range(n), 2):
        for user, partner in ((a, b), (b, a)):
            key = (user, tdm_encoder(n, user, partner, radix))
            partners[key] = partners.get(key, 0) + 1
    assert len(slots) == max(math.ceil(Fraction(n * (n - 1), 2) / (2**k - 1)), max(partners.values()))


def test_tdm_schedule_of_twelve_users_needs_five_slots_not_eight():
    assert len(_check_schedule(12, 4)) == 5 == math.ceil(Fraction(66, 15)) < 2 ** (math.ceil(math.log2(12)) - 1)


@pytest.mark.parametrize("func", [edge_colouring, resources, tdm_resources, tdm_schedule, wavelength_plan])
def test_sizes_beyond_the_memory_limit_are_refused(func):
    with pytest.raises(ValueError, match="n = 5000 users exceeds MAX_USERS"):
        func(5000)


def test_wavelength_plan_skips_weak_noisy_broad_lines_and_the_pump():
    lines = _lines()
    assert list(lines.mu.values[usable_lines(lines).values]) == [-3, -2, -1, 3]  # no power cut by default
    assert list(lines.mu.values[usable_lines(lines, min_power=1e-6).values]) == [-3, -2, 3]
    plan = wavelength_plan(4, lines, min_power=1e-6)
    assert list(plan.wavelength_mu.values) == [-2, -3, 3]  # outward from the pump, red side first on ties
    assert list(wavelength_plan(4, lines, min_power=1e-6, order="itu").wavelength_mu.values) == [-3, -2, 3]
    colour = plan.colour.values
    for a, b in itertools.permutations(range(4), 2):
        assert plan.line_mu.values[a, b] == plan.wavelength_mu.values[colour[a, b]]
        assert plan.line_frequency.values[a, b] == 193.1e12 + 100e9 * plan.line_mu.values[a, b]
        assert plan.itu_channel.values[a, b] == plan.wavelength_itu_channel.values[colour[a, b]]
    assert np.all(np.isnan(np.diag(plan.line_mu.values)))
    assert plan.attrs["usable_lines"] == 3
    assert plan.line_frequency.attrs["units"] == "Hz"


def test_wavelength_plan_relaxed_thresholds_use_more_lines():
    plan = wavelength_plan(7, _lines(), min_osnr_db=0.0, max_linewidth=None, exclude_pump=False)
    assert plan.sizes["wavelength"] == 7
    assert sorted(plan.wavelength_mu.values) == [-3, -2, -1, 0, 1, 2, 3]
    with pytest.raises(ValueError, match="lines"):
        wavelength_plan(7, _lines(), min_osnr_db=0.0, max_linewidth=None)  # six lines without the pump


def test_wavelength_plan_raises_when_too_few_lines():
    with pytest.raises(ValueError, match="lines has 3 usable"):
        wavelength_plan(5, _lines(), min_power=1e-6)
    assert wavelength_plan(5).sizes["wavelength"] == 5  # without lines only colours are planned


@pytest.mark.parametrize("n", [4, 6, 9])
def test_plot_draws_every_pair_in_its_wavelength_colour(n):
    plan = wavelength_plan(n, _lines(), min_osnr_db=0.0, max_linewidth=None, exclude_pump=False) if n <= 7 \
        else wavelength_plan(n)
    fig = plot_wavelength_graph(plan)
    fig.canvas.draw()
    (edges,) = [c for c in fig.axes[0].collections if c.get_gid() == "wavelength-edges"]
    a, b = np.triu_indices(n, 1)
    assert len(edges.get_segments()) == n * (n - 1) // 2
    assert np.array_equal(edges.get_array(), plan.colour.values[a, b])
    angle = np.pi / 2 - 2 * np.pi * np.arange(n) / n
    for segment, i, j in zip(edges.get_segments(), a, b):
        assert np.allclose(segment, [[np.cos(angle[i]), np.sin(angle[i])], [np.cos(angle[j]), np.sin(angle[j])]])
    rgba = edges.get_edgecolor()
    by_colour = {}
    for value, colour in zip(plan.colour.values[a, b], map(tuple, rgba)):
        assert by_colour.setdefault(value, colour) == colour
    assert len(set(by_colour.values())) == plan.sizes["wavelength"]
    plt.close(fig)


def test_plot_into_given_axes():
    fig, ax = plt.subplots()
    assert plot_wavelength_graph(wavelength_plan(5), ax=ax) is fig
    plt.close(fig)


@pytest.mark.parametrize("func", [edge_colouring, resources, tdm_resources, tdm_schedule, wavelength_plan])
@pytest.mark.parametrize("n", [1, 0, -3, 2.5, 4.0, "4", True, None])
def test_bad_user_counts(func, n):
    with pytest.raises(ValueError, match="^n "):
        func(n)


@pytest.mark.parametrize("kwargs, name", [
    ({"min_power": -1e-6}, "min_power"),
    ({"max_linewidth": -1.0}, "max_linewidth"),
    ({"max_linewidth": 0.0}, "max_linewidth"),
    ({"min_osnr_db": float("nan")}, "min_osnr_db"),
    ({"min_power": "strong"}, "min_power"),
    ({"order": "random"}, "order"),
])
@pytest.mark.parametrize("with_lines", [True, False])
def test_bad_thresholds(kwargs, name, with_lines):
    with pytest.raises(ValueError, match=f"^{name}"):
        wavelength_plan(4, _lines() if with_lines else None, **kwargs)


def test_bad_lines_and_tdm_arguments():
    with pytest.raises(ValueError, match="comb-lines table must be an xarray.Dataset"):
        wavelength_plan(4, {"mu": [0, 1]})
    with pytest.raises(ValueError, match=r"comb-lines table lacks the variable\(s\) osnr"):
        wavelength_plan(4, _lines().drop_vars("osnr"))
    megahertz = _lines()
    megahertz.linewidth.attrs["units"] = "MHz"
    with pytest.raises(ValueError, match="^linewidth of the comb-lines table must be in units Hz"):
        usable_lines(megahertz)
    with pytest.raises(ValueError, match="^radix"):
        tdm_schedule(8, radix=3)
    with pytest.raises(ValueError, match="^user"):
        tdm_encoder(8, 8, 1)
    with pytest.raises(ValueError, match="^partner"):
        tdm_encoder(8, 3, 3)
    with pytest.raises(ValueError, match="^plan"):
        plot_wavelength_graph(xr.Dataset())
