"""The warm-started LP of the finite-key estimate against scipy's linprog and closed forms."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from combchip.link.qkd.lp import PolytopeLP

SQUARE = (np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([2.0, 3.0]), np.array([-1.0, -1.0]))  # [−1, 2] × [−1, 3]


def test_objective_minimum_is_the_closed_form_vertex():
    lp = PolytopeLP(*SQUARE)
    x, value = lp.minimize(np.array([1.0, -2.0]))
    np.testing.assert_allclose(x, [-1.0, 3.0], atol=1e-12)
    assert value == pytest.approx(-7.0, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_random_polytopes_and_cuts_agree_with_linprog(seed):
    rng = np.random.default_rng(seed)
    n, m = 4, 9
    a = np.vstack([rng.normal(size=(m - n, n)), np.eye(n)])  # the identity rows bound P above
    lower = -rng.uniform(0.5, 2.0, n)
    b = a @ rng.uniform(0.0, 1.0, n) + rng.uniform(0.1, 1.0, m)  # a point inside, so P is not empty
    bounds = [(low, None) for low in lower]
    c = rng.normal(size=n)
    lp = PolytopeLP(a, b, lower)
    reference = linprog(c, A_ub=a, b_ub=b, bounds=bounds, method="highs")
    solution = lp.minimize(c)
    assert reference.status == 0 and solution[1] == pytest.approx(reference.fun, rel=1e-9, abs=1e-9)
    # then two rounds of level cuts g·x − z ≤ r (z ≥ 0): each round's optimum equals a fresh solve of the whole LP
    gradients, rhs = rng.normal(size=(3, n)), rng.normal(size=3)
    for count in (2, 3):
        _, level = lp.minimize_level(gradients[:count], rhs[:count])
        full = linprog(np.eye(n + 1)[n], A_ub=np.vstack([np.hstack([a, np.zeros((m, 1))]),
                                                         np.hstack([gradients[:count], -np.ones((count, 1))])]),
                       b_ub=np.r_[b, rhs[:count]], bounds=[*bounds, (0.0, None)], method="highs")
        assert full.status == 0 and level == pytest.approx(full.fun, abs=1e-9)


def test_empty_polytope_is_none_and_objective_after_cuts_is_refused():
    empty = PolytopeLP(np.array([[1.0, 0.0]]), np.array([-2.0]), np.array([-1.0, -1.0]))  # x₀ ≤ −2 < −1 ≤ x₀
    assert empty.minimize(np.array([1.0, 0.0])) is None
    lp = PolytopeLP(*SQUARE)
    lp.minimize_level(np.array([[1.0, 1.0]]), np.array([0.0]))
    with pytest.raises(RuntimeError, match="before the cutting planes"):
        lp.minimize(np.array([1.0, 0.0]))


def test_unbounded_objective_is_an_error_not_a_number():
    lp = PolytopeLP(np.array([[1.0, 0.0]]), np.array([1.0]), np.array([-1.0, -1.0]))  # x₁ has no upper bound
    with pytest.raises(RuntimeError, match="LP failed"):
        lp.minimize(np.array([0.0, -1.0]))
