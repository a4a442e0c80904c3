"""What is drawn is what is simulated: the angled InP output facet (drawn angle = modelled angle, its modal
reflectance against closed forms) and whole-chip netlists evaluated as circuits against the compact models."""

from __future__ import annotations

import dataclasses
import math

import gdsfactory as gf  # noqa: F401  (a required dependency: a missing install must fail, not skip)
import klayout.db as kdb
import numpy as np
import pytest
from scipy.integrate import quad

from combchip.layouts import models as m
from combchip.layouts import pdk
from combchip.layouts.drc import check_ports, drc, layer_region
from combchip.layouts.transmitter_inp import CHIP_SIZE, FACET_OVERRUN, angled_facet, tx_inp
from combchip.systems import system_b_transmitter, system_c_client

N_INP = 3.17


@pytest.fixture(scope="module", autouse=True)
def _combchip_pdk():
    with pdk.activated():
        yield


@pytest.fixture(scope="module")
def inp():
    return tx_inp()


# ----------------------------------------------------------------------------- facet physics (closed forms)
def test_fresnel_reflectance_closed_forms():
    """Normal incidence ((n − 1)/(n + 1))² for both polarizations (1e-15); p (the in-plane TE mode) vanishes at
    Brewster's internal angle tan θ_B = 1/n (1e-15); Stokes r² + tt′ = 1 holds by construction of R."""
    normal = ((N_INP - 1) / (N_INP + 1)) ** 2
    for pol in ("TE", "TM"):
        assert m.fresnel_reflectance(N_INP, 0.0, pol) == pytest.approx(normal, abs=1e-15)
    assert m.fresnel_reflectance(N_INP, math.atan(1 / N_INP), "TE") == pytest.approx(0.0, abs=1e-15)
    assert m.fresnel_reflectance(N_INP, 0.2, "TM") > normal  # s grows towards the critical angle


def test_angled_facet_reflectance_is_marcuse_overlap():
    """R(0) is the Fresnel value; R(θ) falls monotonically over 0–15°; for small θ it is R_⊥·exp[−(2πnw₀θ/λ)²]
    (relative difference O(θ²): < 1e-3 at 0.5°); the Gaussian overlap exp(−q²w₀²/4) it rests on equals the
    numerical overlap integral (1e-10)."""
    facet = m.AngledFacet(angle_deg=0.0)
    normal = ((facet.neff - 1) / (facet.neff + 1)) ** 2
    assert facet.reflectance(1.55) == pytest.approx(normal, abs=1e-15)
    angles = np.linspace(0.0, 15.0, 61)
    r = np.array([dataclasses.replace(facet, angle_deg=a).reflectance(1.55) for a in angles])
    assert np.all(np.diff(r) < 0)
    small = dataclasses.replace(facet, angle_deg=0.5)
    k0w = 2 * np.pi / 1.55e-6 * small.neff * small.mode_radius
    marcuse = normal * math.exp(-(k0w * math.radians(0.5)) ** 2)
    assert small.reflectance(1.55) == pytest.approx(marcuse, rel=1e-3)
    w0, q = 0.77, 3.1  # µm, 1/µm
    num = quad(lambda x: math.exp(-2 * x**2 / w0**2) * math.cos(q * x), -20, 20, epsabs=1e-14)[0]
    den = quad(lambda x: math.exp(-2 * x**2 / w0**2), -20, 20, epsabs=1e-14)[0]
    assert (num / den) ** 2 == pytest.approx(math.exp(-(q**2) * w0**2 / 4), rel=1e-10)


def test_gaussian_facet_model_against_the_exact_slab_mode():
    """The Gaussian w₀ fitted to the deep ridge's slab mode (≥ 99 % overlap) against the slab mode's own tilted
    overlap |∫E²e^{iqx}dx|²/(∫E²dx)²: the real mode's flat top makes its spectrum narrower than the Gaussian's, so
    Marcuse's Gaussian form overestimates R (conservative), by 7 / 22 / 67 % at 5 / 7 / 9° (R(7°) = 5.8 % against
    4.7 %). Pinned: the direction, growth with θ, and < 30 % at the 7° default."""
    facet = m.AngledFacet()
    a = m.INP_RIDGE_WIDTH_UM / 2
    k0 = 2 * np.pi / m.WL0_UM
    v_big = k0 * a * math.sqrt(facet.neff**2 - m.INP_LATERAL_CLADDING_INDEX**2)
    from scipy.optimize import brentq

    u = brentq(lambda u: u * math.tan(u) - math.sqrt(v_big**2 - u**2), 1e-12, math.pi / 2 - 1e-12)
    v = math.sqrt(v_big**2 - u**2)
    x = np.linspace(-a * (1 + 40 / v), a * (1 + 40 / v), 40001)
    mode = np.where(np.abs(x) <= a, np.cos(u * x / a), math.cos(u) * np.exp(-v * (np.abs(x) / a - 1)))
    w0 = facet.mode_radius * 1e6
    gauss = np.exp(-((x / w0) ** 2))
    fit = np.trapezoid(mode * gauss, x) ** 2 / (np.trapezoid(mode**2, x) * np.trapezoid(gauss**2, x))
    assert fit > 0.99
    ratios = []
    for deg in (5.0, 7.0, 9.0):
        q = k0 * facet.neff * math.sin(2 * math.radians(deg))
        exact = abs(np.trapezoid(mode**2 * np.exp(1j * q * x), x) / np.trapezoid(mode**2, x)) ** 2
        gaussian = dataclasses.replace(facet, angle_deg=deg)
        ratio = gaussian.reflectance(m.WL0_UM) / (gaussian.fresnel * exact)
        print(f"\n{deg:g}°: R = {gaussian.reflectance(m.WL0_UM):.4g} (Gaussian), "
              f"{gaussian.fresnel * exact:.4g} (slab mode); exit angle {gaussian.exit_angle_deg:.1f}°")
        ratios.append(ratio)
    assert 1.0 < ratios[0] < ratios[1] < ratios[2] and ratios[1] < 1.3


def test_facet_models_reject_nonsense(inp):
    with pytest.raises(ValueError, match="angle_deg"):
        m.AngledFacet(angle_deg=20.0)
    with pytest.raises(ValueError, match="angle"):
        m.fresnel_reflectance(N_INP, 0.5)  # beyond the critical angle, 18.4°
    with pytest.raises(ValueError, match="polarization"):
        m.fresnel_reflectance(N_INP, 0.1, "XY")
    with pytest.raises(ValueError, match="n_clad"):
        m.slab_mode_radius(2e-6, 3.17, 3.5, 1.55e-6)
    with pytest.raises(ValueError, match="facet_angle_deg"):
        tx_inp(facet_angle_deg=30.0)
    with pytest.raises(ValueError, match="length"):
        angled_facet(angle_deg=10.0, length=5.0)
    with pytest.raises(ValueError, match="sources"):
        m.circuit(inp, 1.55, sources=("nothing",))
    with pytest.raises(ValueError, match="si must be"):
        m.models(si="Si")
    for kwargs, match in ((dict(neff=0.5), "neff"), (dict(loss_db_per_m=-1.0), "loss_db_per_m"),
                          (dict(shifter="eo"), "shifter"), (dict(facet=7.0), "facet")):
        with pytest.raises(ValueError, match=match):
            m.InPModels(**kwargs)
    with pytest.raises(ValueError, match="grating"):
        m.SiliconModels(grating="1d")
    with pytest.raises(ValueError, match="angles"):
        check_ports(inp, angles={"no_such_port": 7.0})
    with pytest.raises(ValueError, match="electrode_width"):
        pdk.eo_cross_section(-2.0)


# ----------------------------------------------------------------------------- the drawn facet
def test_drawn_facet_angle_is_the_modelled_one(inp):
    """The INP_DEEP edges crossing the cleave line are tilted by the model's facet angle (to the 1 nm grid over
    the ≈ 34 µm edge: 2e-3°), the facet ports are oriented at it, and the netlist hands that angle to the circuit model.
    Only the overruns cross the cleave line, and they end inside the dicing lane."""
    angle = m.InPModels().facet.angle_deg
    assert inp.info["facet_angle_deg"] == angle == m.FACET_ANGLE_DEG
    assert check_ports(inp, angles={"out_ref": angle, "out_q": angle}) == []
    assert len(check_ports(inp)) == 2  # the facet ports are not Manhattan, and are not skipped
    width, height = CHIP_SIZE
    deep = layer_region(inp, "INP_DEEP")
    outside = deep - kdb.Region(kdb.Box(0, 0, round(width * 1e3), round(height * 1e3)))
    assert outside.count() == 2 and outside.bbox().right <= round((width + FACET_OVERRUN + 1.0) * 1e3)
    netlist = inp.get_netlist()
    for port in ("out_ref", "out_q"):
        x, y = inp.ports[port].center
        assert x == width
        window = kdb.Region(kdb.Box(round((x - 8) * 1e3), round((y - 5) * 1e3), round((x + 5) * 1e3),
                                    round((y + 5) * 1e3)))
        ridge = [poly for poly in deep.each() if not (kdb.Region(poly) & window).is_empty()]
        assert len(ridge) == 1
        edges = [e for e in ridge[0].each_edge() if e.length() > 5000 and e.bbox().overlaps(window.bbox())]
        assert len(edges) == 2  # the two sides of the tilted run, whole (not clipped by the window)
        for e in edges:
            drawn = math.degrees(math.atan2(e.dy(), e.dx())) % 180
            assert drawn == pytest.approx(angle, abs=math.degrees(1.0 / e.length()))  # 1 nm snap over the edge
        instance = netlist["ports"][port].split(",")[0]
        assert netlist["instances"][instance]["settings"]["angle_deg"] == angle
    assert drc(inp) == []


def test_other_facet_angles_draw_and_check(inp):
    """A 9° facet draws DRC-clean with its ports at 9°; 0° gives Manhattan ports."""
    for angle in (0.0, 9.0):
        chip = tx_inp(facet_angle_deg=angle)
        assert drc(chip) == [] and check_ports(chip, angles={"out_ref": angle, "out_q": angle}) == []
    assert check_ports(tx_inp(facet_angle_deg=0.0)) == []


# ----------------------------------------------------------------------------- whole-chip circuits
def test_inp_chip_netlist_is_the_compact_chain(inp):
    """The whole InP chip's netlist (lasers cut out as sources) from laser 2's output to its facet, against
    IM I · IM II · IM III · PM · facet from tx.modulators and tx.phase_shifters and AngledFacet: over a 5 × 5
    drive grid and three wavelengths the ratio is one constant of modulus 1 per wavelength (the routes' phase;
    routes lossless here), to 1e-9. The IM bias π is a DC offset V_π(λ₀) on the driven electrode (linear EO),
which is π·λ₀/λ at other wavelengths: the compact IMs get that bias. The
    reflection seen by the laser is the chain's round trip times √R(θ) (reciprocity), and the S-matrix is
    passive. Laser 1's reference line reaches its facet through √(1 − R_F) alone."""
    chip = system_c_client()
    im, pm = chip.carver, chip.phase_modulator
    inp_models = m.InPModels(loss_db_per_m=0.0, shifter=im.arm_a)
    models = m.models(inp=inp_models)
    grid = np.linspace(-3.0, 3.0, 5)
    v1, v2 = (a.ravel() for a in np.meshgrid(grid, grid))
    for wl in (1.53, 1.55, 1.57):
        settings = {"im1": m.im_settings(im, v1), "im2": m.im_settings(chip.decoy, v2),
                    "im3": m.im_settings(chip.decoy, v1 - v2), "pm": {"eo_1": {"voltage": v2}}}
        s = m.circuit(inp, wl, settings, models, sources=("laser_q", "laser_ref"))
        lam = wl * 1e-6
        facet = inp_models.facet
        # a DC bias V_b = V_π(λ₀) gives φ_b(λ) = φ(V_b, λ), not a constant π
        chain = (m.dc_biased(im, lam).field_transfer(v1, lam, port="cross")
                 * m.dc_biased(chip.decoy, lam).field_transfer(v2, lam, port="cross")
                 * m.dc_biased(chip.decoy, lam).field_transfer(v1 - v2, lam, port="cross")
                 * 10 ** (-pm.loss_db(v2, lam) / 20) * np.exp(-1j * pm.phase(v2, lam)))
        ratio = s[("laser_q,o2", "out_q")] / (chain * math.sqrt(1 - facet.fresnel))
        assert np.abs(ratio) == pytest.approx(np.ones_like(v1), rel=1e-9)
        assert np.abs(ratio / ratio[0] - 1).max() < 1e-9
        back = np.abs(s[("laser_q,o2", "laser_q,o2")])
        assert back == pytest.approx(np.abs(chain) ** 2 * math.sqrt(facet.reflectance(wl)), rel=1e-9)
        assert abs(s[("laser_ref,o2", "out_ref")]) == pytest.approx(math.sqrt(1 - facet.fresnel), rel=1e-12)
        ports = ("laser_q,o2", "out_q", "laser_ref,o2", "out_ref")
        matrix = np.stack([np.stack([s[(a, b)] for a in ports], -1) for b in ports], -2)
        assert np.linalg.svd(matrix, compute_uv=False).max() <= 1 + 1e-12


def test_grating_coupler_models_are_the_coupler_physics():
    """The cells' circuit models are tx.grating_couplers' own: √T(λ) for the 1D grating, the Jones matrix for
    the 2D one (its PDL and crosstalk from geometry), both passive (largest singular value ≤ 1)."""
    from combchip.layouts.transmitter_si import grating_coupler_1d, grating_coupler_2d, si_parameters

    chip = system_b_transmitter()
    p = si_parameters(chip)
    si = m.SiliconModels(grating=chip.input_coupler, grating_2d=chip.output_coupler)
    wl = np.linspace(1.53, 1.57, 5)
    cell = grating_coupler_1d(p["gc1_period"], p["gc1_fill_factor"], p["gc1_periods"], p["gc1_width"],
                              fibre_angle=p["gc1_angle"])
    t = m.circuit(cell, wl, models=si.models())[("o1", "o2")]
    drawn = si.drawn_grating(p["gc1_period"], p["gc1_fill_factor"], p["gc1_periods"], p["gc1_width"], p["gc1_angle"])
    assert np.abs(t) ** 2 == pytest.approx(drawn.transmission(wl * 1e-6), rel=1e-12)
    assert drawn.peak_efficiency == pytest.approx(chip.input_coupler.peak_efficiency, rel=0.02)  # grid rounding
    cell2 = grating_coupler_2d(p["gc2_period"], p["gc2_fill_factor"], p["gc2_periods"])
    s = m.circuit(cell2, wl, models=si.models())
    jones = si.drawn_grating_2d(p["gc2_period"], p["gc2_fill_factor"], p["gc2_periods"]).jones(wl * 1e-6)
    for j, arm in enumerate(("o1", "o2")):
        for i, fibre in enumerate(("o3", "o4")):
            assert s[(arm, fibre)] == pytest.approx(jones[:, i, j], rel=1e-12, abs=1e-15)
            assert s[(fibre, arm)] == pytest.approx(s[(arm, fibre)], rel=1e-15)
    assert np.linalg.svd(jones, compute_uv=False).max() <= 1.0


@pytest.mark.slow  # the whole Si chip's netlist as a circuit at three wavelengths (≈ 4 s)
def test_si_chip_netlist_is_the_compact_transmitter():
    """The whole Si chip, fibre in → fibre H and V: 1D grating · MZI-1 · MZI-2 · VOA · MZI-3 (2×2) · MZI-4 arms
    (+ trim heater on H) · 2D grating Jones matrix, over random drives of all six controls and three
    wavelengths. Two route factors c_H, c_V per wavelength (the passive H and V routes) are solved from the first
    drive point; all others then agree to 1e-9. |c_H| = |c_V| = 1 (lossless routes) and arg(c_H/c_V) is the
    phase of the drawn H/V length difference (≤ 1 nm: 2πn_effΔL/λ, to ±0.5 nm of rounding).

    The drawn MZI-3 (1×2 splitter, 2×2 combiner) sits π/2 from the compact model's (two 2×2 couplers): its
    bias heater is set to φ_b + π/2 to give the model's state. A heater's bias phase scales as λ₀/λ: away from
    λ₀ the compact MZIs get the heater's phase as their bias.
    """
    from combchip.layouts.transmitter_si import tx_si

    chip = system_b_transmitter()
    si_cell = tx_si()
    heater = dataclasses.replace(chip.voa.arm_a, length=si_cell.info["heater_length"] * 1e-6)
    si = m.SiliconModels(loss_db_per_m=0.0, shifter=chip.carver.arm_a, heater=heater, grating=chip.input_coupler,
                         grating_2d=chip.output_coupler)
    rng = np.random.default_rng(1)
    n = 6
    v1, v2, v3, v4 = rng.uniform(-1.5, 1.5, (4, n))
    p_voa, p_trim = rng.uniform(0.0, 1.0, (2, n)) * heater.p_pi

    def mzm(mzi, v, extra=0.0):
        return {"splitter": {"ratio": mzi.splitter_ratio},
                "combiner": {"ratio": mzi.combiner_ratio, "loss_db": mzi.insertion_loss_db},
                "ps_top": {"voltage": mzi.common_voltage + v / 2}, "ps_bottom": {"voltage": mzi.common_voltage - v / 2},
                "heater_top": {"power": ((mzi.bias_phase + extra) % (2 * np.pi)) / np.pi * heater.p_pi}}

    settings = {"mzi1": mzm(chip.carver, v1), "mzi2": mzm(chip.decoy, v2), "mzi3": mzm(chip.basis, v3, np.pi / 2),
                "mzi4": {k: v for k, v in mzm(chip.phase, v4).items() if k.startswith(("ps", "heater"))},
                "voa": {"heater_top": {"power": p_voa}}, "trim": {"power": p_trim}}
    wl = np.array([1.53, 1.55, 1.57])[:, None]
    s = m.circuit(si_cell, wl, settings, m.models(si=si))
    drawn = np.stack([s[("fiber_in", "fiber_out")], s[("fiber_in", "fiber_out_v")]], -1)  # (λ, drive, H/V)
    insts = si_cell.get_netlist()["instances"]
    g1, g2 = insts["gc_in"]["settings"], insts["gc_out"]["settings"]
    gc1 = si.drawn_grating(g1["period"], g1["fill_factor"], g1["n_periods"], g1["width"], g1["fibre_angle"])
    gc2 = si.drawn_grating_2d(g2["period"], g2["fill_factor"], g2["n_periods"])
    ph = chip.phase
    h_um, v_um = si_cell.info["hv_paths"]
    for k, lam in enumerate(wl[:, 0] * 1e-6):

        def biased(mzi, extra=0.0):  # the heater's phase is π·P/P_π·λ₀/λ: the compact bias follows it
            power = ((mzi.bias_phase + extra) % (2 * np.pi)) / np.pi * heater.p_pi
            return dataclasses.replace(mzi, bias_phase=float(heater.phase(power, lam)) - extra)

        common = (np.sqrt(gc1.transmission(lam)) * biased(chip.carver).field_transfer(v1, lam, port="cross")
                  * biased(chip.decoy).field_transfer(v2, lam, port="cross")
                  * chip.voa.field_transfer(p_voa, lam, port="cross"))
        bar, cross = np.moveaxis(biased(chip.basis, np.pi / 2).transfer_matrix(v3, lam)[..., :, 0], -1, 0)
        va, vb = ph._arm_voltages(v4)
        bias4 = biased(ph).bias_phase
        a_h = (common * bar * 10 ** (-ph.arm_a.loss_db(va, lam) / 20)
               * np.exp(-1j * (ph.arm_a.phase(va, lam) + bias4 + heater.phase(p_trim, lam))))
        a_v = common * cross * 10 ** (-ph.arm_b.loss_db(vb, lam) / 20) * np.exp(-1j * ph.arm_b.phase(vb, lam))
        jones = gc2.jones(lam)
        c_h, c_v = np.linalg.solve(jones, drawn[k, 0]) / (a_h[0], a_v[0])
        predicted = (jones @ np.stack([c_h * a_h, c_v * a_v]))
        assert np.abs(predicted.T - drawn[k]).max() < 1e-9 * np.abs(drawn[k]).max()
        assert (abs(c_h), abs(c_v)) == pytest.approx((1.0, 1.0), rel=1e-9)
        expected = np.angle(si.propagation(lam * 1e6, h_um - v_um))  # hv_paths are rounded to 1 nm
        assert np.angle(c_h / c_v) == pytest.approx(expected, abs=2 * np.pi * si.group_index * 1e-9 / lam)
