"""Phase shifters against closed forms, hand-computed plasma-dispersion numbers and published ranges."""

import numpy as np
import pytest
from scipy.constants import e as Q_E
from scipy.constants import epsilon_0, k as K_B

from combchip.tx.phase_shifters import (
    DepletionPhaseShifter,
    ElectroOpticPhaseShifter,
    PhaseShifter,
    ThermoOpticPhaseShifter,
    plasma_dispersion,
    silicon_mobility,
    slab_confinement,
)

LAMBDA = 1550e-9
EXACT = 1e-12  # same closed form evaluated in a different order: only rounding differs
ROOT = 1e-9  # brentq is run to xtol = rtol = 1e-12; 1e-9 leaves room for the bracket's conditioning


@pytest.fixture(scope="module")
def pn():
    return DepletionPhaseShifter()


def test_builtin_voltage_closed_form():
    shifter = DepletionPhaseShifter(n_a=1e24, n_d=1e24)
    expected = K_B * 300.0 / Q_E * np.log(1e48 / 1e16**2)
    assert shifter.builtin_voltage == pytest.approx(expected, rel=EXACT)
    # textbook 0.93-0.96 V: n_i between 1.45e10 and 1.0e10 cm^-3 moves V_bi by 2kT/q·ln 1.45 = 19 mV
    assert 0.93 < shifter.builtin_voltage < 0.96


@pytest.mark.parametrize("n_a, n_d", [(5e23, 5e23), (3e23, 8e23)])
def test_depletion_width_closed_form(n_a, n_d):
    shifter = DepletionPhaseShifter(n_a=n_a, n_d=n_d)
    v_bi = shifter.builtin_voltage
    for v in (0.0, 2.5):
        expected = np.sqrt(2 * 11.7 * epsilon_0 * (v_bi + v) * (n_a + n_d) / (Q_E * n_a * n_d))
        assert shifter.depletion_width(v) == pytest.approx(expected, rel=EXACT)
    ratio = shifter.depletion_width(4.0) / shifter.depletion_width(1.0)
    assert ratio == pytest.approx(np.sqrt((v_bi + 4.0) / (v_bi + 1.0)), rel=EXACT)
    x_p, x_n = shifter.depletion_edges(3.0)
    assert x_p + x_n == pytest.approx(shifter.depletion_width(3.0), rel=EXACT)
    assert x_p * n_a == pytest.approx(x_n * n_d, rel=EXACT)  # charge neutrality


def test_soref_bennett_hand_numbers():
    dn_e, da_e = plasma_dispersion(1e24, 0.0, model="soref")  # 1e18 cm^-3 electrons
    dn_h, da_h = plasma_dispersion(0.0, 1e24, model="soref")  # 1e18 cm^-3 holes
    # hand values: 8.8e-22·1e18; 8.5e-18·10^14.4 = 8.5e-18·2.511886e14; 8.5 cm^-1; 6.0 cm^-1 (7 digits given)
    assert dn_e == pytest.approx(-8.8e-4, rel=1e-7)
    assert dn_h == pytest.approx(-2.135103e-3, rel=1e-6)
    assert da_e == pytest.approx(850.0, rel=1e-7)
    assert da_h == pytest.approx(600.0, rel=1e-7)


def test_nedeljkovic_hand_numbers():
    dn, da = plasma_dispersion(1e24, 1e24, model="nedeljkovic")
    # hand values (5 digits given): 5.40e-22·10^18.198 + 1.53e-18·10^15.084 = 8.5191e-4 + 1.8565e-3
    assert dn == pytest.approx(-(8.5191e-4 + 1.8565e-3), rel=1e-4)
    # 8.88e-21·10^21.006 + 5.84e-20·10^19.962 = 9.0035 + 5.3507 cm^-1 (5 digits given)
    assert da == pytest.approx(100 * (9.0035 + 5.3507), rel=1e-4)


def test_plasma_dispersion_drude_scaling():
    ref = np.array(plasma_dispersion(3e23, 4e23, LAMBDA))
    other = np.array(plasma_dispersion(3e23, 4e23, 1310e-9))
    np.testing.assert_allclose(other / ref, (1310 / 1550) ** 2, rtol=EXACT)


@pytest.mark.parametrize("model", ["soref", "nedeljkovic"])
def test_reverse_bias_raises_index_and_lowers_loss(model):
    shifter = DepletionPhaseShifter(model=model)
    v = np.linspace(0.0, 8.0, 33)
    dn = shifter.delta_n_eff(v)
    phase = shifter.phase(v)
    loss = shifter.loss_db(v)
    assert dn[0] == 0.0 and phase[0] == 0.0
    assert np.all(np.diff(dn) > 0) and np.all(np.diff(phase) > 0)
    assert np.all(np.diff(loss) < 0)
    assert np.all(loss > shifter.base_loss_db_per_m * shifter.length)
    assert shifter.phase(-0.5) < 0  # forward bias narrows the depletion


@pytest.mark.parametrize("model", ["soref", "nedeljkovic"])
def test_v_pi_l_in_published_range(model):
    shifter = DepletionPhaseShifter(model=model)
    assert shifter.phase(shifter.v_pi()) == pytest.approx(np.pi, rel=ROOT)
    # published carrier-depletion shifters at 3-5e17 cm^-3 doping: 1.5-3 V·cm (Reed et al., Nat. Photon. 2010)
    assert 1.5e-2 < shifter.v_pi_l() < 3e-2


def test_centred_junction_is_most_efficient(pn):
    shifted = DepletionPhaseShifter(junction_offset=100e-9)
    assert shifted.v_pi() > pn.v_pi()


def test_phase_broadcasts_and_scales_with_wavelength(pn):
    v = np.array([0.5, 2.0, 5.0])
    lam = np.array([1500e-9, 1550e-9, 1600e-9])
    grid = pn.phase(v[:, None], lam[None, :])
    assert grid.shape == (3, 3)
    assert grid[1, 2] == pytest.approx(pn.phase(2.0, 1600e-9), rel=EXACT)
    # Drude Δn ∝ λ² over a fixed overlap makes Δφ = 2πΔn_eff L/λ ∝ λ
    np.testing.assert_allclose(grid / lam, np.broadcast_to(grid[:, 1:2] / LAMBDA, grid.shape), rtol=EXACT)
    assert pn.loss_db(v[:, None], lam[None, :]).shape == (3, 3)


def test_capacitance_scales_as_inverse_depletion_width(pn):
    v = np.array([0.0, 1.0, 3.0, 6.0])
    c = pn.capacitance(v)
    w = pn.depletion_width(v)
    np.testing.assert_allclose(c * w, 11.7 * epsilon_0 * pn.height * pn.length, rtol=EXACT)
    assert np.all(np.diff(c) < 0)


def test_series_resistance_scales_as_inverse_length(pn):
    longer = DepletionPhaseShifter(length=2 * pn.length)
    assert longer.resistance == pytest.approx(pn.resistance / 2, rel=EXACT)
    assert pn.rc_bandwidth(2.0) == pytest.approx(1 / (2 * np.pi * pn.resistance * pn.capacitance(2.0)), rel=EXACT)


def test_mobility_lattice_limit():
    # Arora et al. 1982 at 300 K: μ_min + μ0·300^β = 88 + 1251.8 and 54.3 + 407.0 cm²/(V·s);
    # the impurity term at 1e14 cm^-3 lowers them by < 0.3 %, so 0.5 % covers both
    assert silicon_mobility(1e20, "electron") == pytest.approx(1339.8e-4, rel=5e-3)
    assert silicon_mobility(1e20, "hole") == pytest.approx(461.3e-4, rel=5e-3)
    assert silicon_mobility(1e24, "electron") < silicon_mobility(1e22, "electron")


def test_push_pull_solves_differential_pi(pn):
    bias = 4.0
    v = pn.push_pull_v_pi(bias)
    assert v <= 2 * bias
    assert pn.phase(bias + v / 2) - pn.phase(bias - v / 2) == pytest.approx(np.pi, rel=ROOT)
    with pytest.raises(ValueError, match="bias"):
        pn.push_pull_v_pi(0.5)


def test_electro_optic_linear_and_closed_form_v_pi():
    eo = ElectroOpticPhaseShifter()
    v = np.linspace(-5.0, 5.0, 11)
    np.testing.assert_allclose(eo.phase(v), v * eo.phase(1.0), rtol=EXACT, atol=0)
    closed = LAMBDA * eo.thickness / (eo.refractive_index**3 * eo.r * eo.overlap * eo.length)
    assert eo.v_pi() == pytest.approx(closed, rel=ROOT)
    c = epsilon_0 * eo.relative_permittivity * eo.electrode_width * eo.length / eo.thickness
    assert eo.capacitance(3.0) == pytest.approx(c, rel=EXACT)
    assert eo.loss_db(v).shape == v.shape and np.all(eo.loss_db(v) == eo.loss_db_per_m * eo.length)


def test_electro_optic_quadratic_term():
    eo = ElectroOpticPhaseShifter(quadratic=1e-19)
    v = 4.0
    even = 0.5 * (eo.phase(v) + eo.phase(-v))
    expected = 2 * np.pi * 0.5 * eo.refractive_index**3 * eo.overlap * 1e-19 * (v / eo.thickness) ** 2 \
        * eo.length / LAMBDA
    assert even == pytest.approx(expected, rel=1e-10)  # difference of two nearly equal terms loses ~4 digits
    assert abs(eo.phase(eo.v_pi())) == pytest.approx(np.pi, rel=ROOT)


def test_thermo_optic_p_pi_closed_form():
    to = ThermoOpticPhaseShifter(length=300e-6, thermal_resistance=1500.0, heater_resistance=800.0)
    p_pi = LAMBDA / (2 * 1.8e-4 * 300e-6 * 1500.0)
    assert to.p_pi == pytest.approx(p_pi, rel=EXACT)
    assert to.phase(p_pi) == pytest.approx(np.pi, rel=EXACT)
    assert to.v_pi() == pytest.approx(np.sqrt(p_pi * 800.0), rel=ROOT)
    assert to.phase_from_voltage(2.0) == pytest.approx(to.phase(4.0 / 800.0), rel=EXACT)


def test_thermo_optic_geometry_estimate_makes_p_pi_length_independent():
    # R_th ∝ 1/L in the spreading model, so P_π = λ/(2 dn/dT L R_th) must not depend on L
    short, long_ = ThermoOpticPhaseShifter(length=100e-6), ThermoOpticPhaseShifter(length=400e-6)
    assert short.p_pi == pytest.approx(long_.p_pi, rel=EXACT)
    assert short.tau == pytest.approx(long_.tau, rel=EXACT)


def test_thermo_optic_first_order_response():
    to = ThermoOpticPhaseShifter(tau=8e-6)
    corner = 1 / (2 * np.pi * to.tau)
    assert 20 * np.log10(abs(to.frequency_response(corner))) == pytest.approx(-10 * np.log10(2), rel=EXACT)
    assert to.frequency_response(0.0) == 1.0
    assert to.step_response(to.tau) == pytest.approx(1 - np.exp(-1), rel=EXACT)
    np.testing.assert_array_equal(to.step_response(np.array([-1e-6, 0.0])), [0.0, 0.0])


def test_all_satisfy_protocol():
    for shifter in (DepletionPhaseShifter(), ElectroOpticPhaseShifter(), ThermoOpticPhaseShifter()):
        assert isinstance(shifter, PhaseShifter)
        assert shifter.v_pi() > 0
        assert np.all(np.asarray(shifter.loss_db(np.array([0.0, 1e-3]))) >= 0)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: DepletionPhaseShifter(n_a=-5e23), "n_a"),
        (lambda: DepletionPhaseShifter(n_d=0.0), "n_d"),
        (lambda: DepletionPhaseShifter(length=0.0), "length"),
        (lambda: DepletionPhaseShifter(model="drude"), "model"),
        (lambda: DepletionPhaseShifter(slab_height=300e-9), "slab_height"),
        (lambda: DepletionPhaseShifter(junction_offset=1e-6), "junction_offset"),
        (lambda: DepletionPhaseShifter(vertical_confinement=1.2), "vertical_confinement"),
        (lambda: DepletionPhaseShifter(base_loss_db_per_m=-1.0), "base_loss_db_per_m"),
        (lambda: DepletionPhaseShifter().phase(1.0, wavelength=1.0e-6), "wavelength"),
        (lambda: DepletionPhaseShifter().phase(-2.0), "voltage"),
        (lambda: DepletionPhaseShifter().v_pi(wavelength=2e-6), "wavelength"),
        (lambda: plasma_dispersion(-1e23, 0.0), "delta_ne"),
        (lambda: plasma_dispersion(0.0, 1e23, model="x"), "model"),
        (lambda: silicon_mobility(1e23, "ion"), "carrier"),
        (lambda: ElectroOpticPhaseShifter(length=-1e-3), "length"),
        (lambda: ElectroOpticPhaseShifter(thickness=0.0), "thickness"),
        (lambda: ElectroOpticPhaseShifter(overlap=1.5), "overlap"),
        (lambda: ElectroOpticPhaseShifter().phase(np.array([1.0, np.nan])), "voltage"),
        (lambda: ThermoOpticPhaseShifter(thermal_resistance=-100.0), "thermal_resistance"),
        (lambda: ThermoOpticPhaseShifter(material="GaN"), "material"),
        (lambda: ThermoOpticPhaseShifter(tau=0.0), "tau"),
        (lambda: ThermoOpticPhaseShifter(heater_resistance=0.0), "heater_resistance"),
        (lambda: ThermoOpticPhaseShifter().phase(-1e-3), "power"),
        (lambda: ThermoOpticPhaseShifter().frequency_response(-1.0), "f"),
        (lambda: slab_confinement(height=220e-9, core="Ge"), "core"),
    ],
)
def test_rejects_nonsense(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: DepletionPhaseShifter(3.5e-3, 500e-9),
        lambda: ElectroOpticPhaseShifter(2e-3),
        lambda: ThermoOpticPhaseShifter(200e-6),
        lambda: slab_confinement(220e-9, 1.55e-6),
    ],
)
def test_lengths_are_keyword_only(call):
    with pytest.raises(TypeError, match="positional"):
        call()


def test_inp_lumped_electrode_rc_limit():
    # system C's 4 mm section: C = ε₀ε_r·w·L/d = 1.76 pF behind 50 Ω ∥ 50 Ω plus R: f_RC = 1/(2π(25 Ω + R)C)
    eo = ElectroOpticPhaseShifter(length=4e-3)
    c = epsilon_0 * eo.relative_permittivity * eo.electrode_width * eo.length / eo.thickness
    r = (eo.cladding_resistivity * eo.cladding_thickness + eo.contact_resistivity) / (eo.electrode_width * eo.length)
    assert eo.series_resistance == pytest.approx(r, rel=1e-12)
    response = eo.rc_response()
    assert response.bandwidth_3db == pytest.approx(1 / (2 * np.pi * (25.0 + r) * c), rel=1e-12)
    assert 3.4e9 < response.bandwidth_3db < 3.8e9
    # unterminated, the 50 Ω source alone halves it
    assert eo.rc_response(termination_resistance=None).bandwidth_3db == pytest.approx(
        1 / (2 * np.pi * (50.0 + r) * c), rel=1e-12)
    with pytest.raises(ValueError, match="cladding_resistivity"):
        ElectroOpticPhaseShifter(cladding_resistivity=-1.0)
