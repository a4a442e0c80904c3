"""Physical layer: Ring, Laser, normalize, simulate_comb, Dataset, NetCDF and the line table."""

import numpy as np
import pytest
from scipy.constants import c, hbar

import combchip as cc
from combchip.schema import COMB_LINES, CombLine, validate
from combchip.systems import system_a_pump, system_a_ring

LAMBDA = 1536.67e-9


def small_ring(**kwargs):
    args = dict(wavelength=LAMBDA, fsr=98.75e9, kappa0=2 * np.pi * 70e6, kappa_ex=2 * np.pi * 110e6,
                d2=2 * np.pi * 0.6e6) | kwargs
    return cc.Ring(**args)


def test_ring_derived_quantities():
    ring = cc.Ring.from_q(LAMBDA, 98.75e9, q_i=2e6, q_ex=2e6)
    assert ring.coupling_regime == "critical"
    assert ring.q_loaded == pytest.approx(1e6)
    assert ring.linewidth == pytest.approx(c / LAMBDA / 1e6)
    assert ring.d1 == pytest.approx(2 * np.pi * 98.75e9)
    assert ring.length * ring.n_g * ring.fsr == pytest.approx(c)
    loaded = cc.Ring.from_loaded_q(LAMBDA, 98.75e9, 1.08e6, coupling=0.7)
    assert loaded.coupling_regime == "over" and loaded.q_loaded == pytest.approx(1.08e6)


def test_from_geometry_gives_system_a_fsr_within_3_percent():
    ring = cc.Ring.from_geometry(radius=230e-6, width=1.6e-6, height=0.8e-6, gap=0.5e-6, material="Si3N4")
    assert ring.fsr == pytest.approx(98.75e9, rel=0.03)
    assert ring.d2 > 0  # 1.6 × 0.8 µm Si3N4 is anomalous at 1.55 µm


def test_normalization_matches_the_defining_formulas():
    ring, pump = small_ring(), cc.Laser(LAMBDA, 0.3)
    p = cc.normalize(ring, pump)
    omega = 2 * np.pi * c / LAMBDA
    g = hbar * omega**2 * c * ring.n2 / (ring.n_g**2 * ring.a_eff * ring.length)
    assert p.g0 == pytest.approx(g)
    assert p.f2 == pytest.approx(8 * g * ring.kappa_ex * 0.3 / (ring.kappa**3 * hbar * omega))
    assert p.detuning_hz(p.zeta(123e6)) == pytest.approx(123e6)
    assert p.zeta(ring.linewidth / 2) == pytest.approx(1.0)  # ζ = 1 at half the FWHM
    assert p.time_s(p.tau(1e-6)) == pytest.approx(1e-6)
    assert p.threshold_power * p.f2 == pytest.approx(0.3)


def test_system_a_pump_and_ring_numbers():
    ring, pump = system_a_ring(), system_a_pump()
    assert pump.power == pytest.approx(0.47, abs=0.005)  # 1 W − 3.29 dB
    assert ring.q_loaded == pytest.approx(1.08e6)
    assert ring.fsr == pytest.approx(98.7498e9)


def test_cw_output_matches_the_stationary_branch():
    ring, pump = small_ring(), cc.Laser(LAMBDA, 0.05)
    p = cc.normalize(ring, pump)
    detuning = -0.5 * ring.linewidth
    ds = cc.simulate_comb(ring, pump, detuning, modes=64, duration=40 / ring.kappa, seed=0, progress=False, snapshots=2)
    rho = cc.solvers.cw_branch(p.f2, p.zeta(detuning))[0]
    # the O(h²) splitting bias of the stationary state is ≈ ((ρ − ζ)h)² ≈ 1e-4 at the default step
    assert float(ds.intracavity_power[-1]) == pytest.approx(rho * p.circulating_power_per_unit, rel=3e-4)
    psi0 = cc.solvers.cw_state(p.f, p.zeta(detuning))
    assert float(ds.pump_transmission[-1]) == pytest.approx(abs(1 - 2 * p.eta * psi0 / p.f) ** 2, rel=3e-4)
    spectrum = ds.spectrum.isel(snapshot=-1)
    assert float(spectrum.sel(mu=0)) == pytest.approx(pump.power * float(ds.pump_transmission[-1]), rel=1e-6)
    # below threshold the sidebands hold only the seeded vacuum, half a photon each: (N − 1)·ħω·κ_ex/2;
    # a sum of 63 exponential variates scatters by 1/√63 ≈ 13 %, so 40 % is a 3σ bound
    vacuum = 63 * hbar * ring.omega0 * ring.kappa_ex / 2
    assert float(ds.comb_power[-1]) == pytest.approx(vacuum, rel=0.4)


@pytest.mark.filterwarnings("ignore:the spectrum at the edge")  # 64 modes keep it fast; its MI comb is aliased
@pytest.mark.slow  # a 2-seed scan, then the same scan again from its saved inputs (≈ 3.5 s)
def test_dataset_layout_units_and_roundtrip(tmp_path):
    ring, pump = small_ring(), cc.Laser(LAMBDA, 0.3)
    scan = cc.Ramp(-0.2e9, 0.6e9, 100 / ring.kappa)
    ds = cc.simulate_comb(ring, pump, scan, modes=64, seed=[1, 2], progress=False, snapshots=3)
    assert ds.sizes["run"] == 2 and ds.sizes["snapshot"] == 3 and ds.sizes["mu"] == 64
    for name in ("detuning", "intracavity_power", "comb_power", "spectrum", "field"):
        assert "units" in ds[name].attrs and "long_name" in ds[name].attrs
    assert ds.detuning.attrs["units"] == "Hz" and ds.time.attrs["units"] == "s"
    assert np.all(np.diff(ds.mu.values) == 1)
    np.testing.assert_allclose(ds.frequency.values, ring.frequency + ring.fsr * ds.mu.values)
    path = cc.save(ds, tmp_path / "scan.nc")
    back = cc.load(path)
    np.testing.assert_array_equal(back.field.values, ds.field.values)
    np.testing.assert_array_equal(back.comb_power.values, ds.comb_power.values)
    assert back.attrs["combchip_inputs"] == ds.attrs["combchip_inputs"]
    again = cc.simulate_comb(**cc.inputs_from(back), progress=False)
    np.testing.assert_array_equal(again.field.values, ds.field.values)


def test_comb_lines_for_a_soliton():
    ring, pump = system_a_ring(), system_a_pump()
    p = cc.normalize(ring, pump)
    detuning = float(p.detuning_hz(12.0))
    hold = 60 / ring.kappa
    ds = cc.simulate_comb(ring, pump, detuning, modes=512, duration=hold, initial="soliton", seed=0, progress=False,
                          snapshots=list(np.linspace(0.6, 1.0, 5) * hold))
    lines = validate(cc.comb_lines(ds), COMB_LINES)
    sidebands = lines.power_dbm.where(lines.mu != 0)
    strong = lines.where((lines.mu == 0) | (sidebands > sidebands.max() - 10), drop=True)
    assert strong.sizes["mu"] > 20
    # a stationary soliton is coherent: the vacuum floor sits ~100 dB below the lines
    assert float(strong.osnr.min()) > 40
    # a laser off the frame's frequency (a self-injection-locked one) turns the whole field: no line loses coherence
    turning = np.exp(2j * np.pi * 37e6 * ds.snapshot_time)
    turned = cc.comb_lines(ds.assign(field=ds.field * turning))
    np.testing.assert_allclose(turned.osnr.sel(mu=strong.mu), strong.osnr, atol=1e-6)  # dB, rounding only
    pump_frequency = float(lines.line_frequency.sel(mu=0))
    np.testing.assert_allclose(lines.line_frequency.values, pump_frequency + ring.fsr * lines.mu.values, rtol=1e-12)
    assert int(lines.itu_channel.sel(mu=0)) == 51  # the pump sits at ITU CH51 (195.1 THz)
    # coherent over the whole record and no pump linewidth given: no value, never 0 Hz (NaN, "above_span")
    assert set(strong.linewidth_status.values) == {"above_span"} and bool(np.isnan(strong.linewidth).all())
    lines["linewidth"] = lines.linewidth.fillna(0.0)
    line = CombLine.from_table(lines, 1)  # a row, as it feeds a transmitter chip
    assert line.power == float(lines.power.sel(mu=1)) and line.frequency == pump_frequency + ring.fsr


@pytest.mark.parametrize(
    "build, name",
    [
        (lambda: cc.Ring.from_q(LAMBDA, 98.75e9, q_i=-1e6, q_ex=1e6), "q_i"),
        (lambda: cc.Ring.from_q(LAMBDA, 98.75e9, q_i=1e6, q_ex=0), "q_ex"),
        (lambda: small_ring(kappa0=0.0), "kappa0"),
        (lambda: small_ring(wavelength=5.0), "wavelength"),
        (lambda: small_ring(fsr=-1.0), "fsr"),
        (lambda: small_ring(a_eff=0.0), "a_eff"),
        (lambda: cc.Laser(LAMBDA, -0.1), "power"),
        (lambda: cc.Laser(1e-3, 0.1), "wavelength"),
        (lambda: cc.Ramp(0.0, 1e9, 0.0), "duration"),
        (lambda: cc.Ring.from_geometry(radius=-1e-6, width=1.6e-6, height=0.8e-6, gap=0.5e-6), "radius"),
        (lambda: cc.Ring.from_geometry(radius=230e-6, width=1.6e-6, height=0.8e-6, gap=0.5e-6, material="SiO2"),
         "material"),
        (lambda: cc.Ring.from_geometry(radius=230e-6, width=1.6e-6, height=0.8e-6, gap=0.5e-6, mode_solver="FD"),
         "mode_solver"),
    ],
)
def test_devices_reject_nonsense(build, name):
    with pytest.raises(ValueError, match=name):
        build()


def test_from_geometry_takes_lengths_by_keyword_only():
    with pytest.raises(TypeError, match="positional"):
        cc.Ring.from_geometry(230e-6, 1.6e-6, 0.8e-6, 0.5e-6)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(modes=4), "modes"),
        (dict(detuning="red"), "detuning"),
        (dict(seed=-1), "seed"),
        (dict(duration=0.0), "duration"),
        (dict(initial="dark"), "initial"),
        (dict(snapshots=0), "snapshots"),
    ],
)
def test_simulate_comb_rejects_nonsense(kwargs, name):
    args = dict(detuning=0.0, duration=1e-9, progress=False) | kwargs
    with pytest.raises(ValueError, match=name):
        cc.simulate_comb(small_ring(), cc.Laser(LAMBDA, 0.3), **args)


def test_pump_far_from_the_resonance_is_rejected():
    with pytest.raises(ValueError, match="pump wavelength"):
        cc.normalize(small_ring(), cc.Laser(1550e-9, 0.3))


@pytest.mark.slow  # two LLE runs, a D₂ and a D_int-table one (≈ 1.7 s)
def test_dint_table_reproduces_d2_and_an_avoided_crossing_marks_the_spectrum():
    ring = small_ring()
    mu = np.arange(-256, 256)
    smooth = cc.Ring(LAMBDA, ring.fsr, ring.kappa0, ring.kappa_ex, dint_mu=mu, dint=ring.integrated_dispersion(mu))
    np.testing.assert_allclose(smooth.integrated_dispersion(mu[::7]), ring.integrated_dispersion(mu[::7]))
    crossing = ring.integrated_dispersion(mu) + np.where(mu == 30, 3 * ring.kappa, 0.0)  # one mode pushed 3 linewidths
    amx = cc.Ring(LAMBDA, ring.fsr, ring.kappa0, ring.kappa_ex, dint_mu=mu, dint=crossing)
    pump = cc.Laser(LAMBDA, 0.3)
    detuning = float(cc.normalize(ring, pump).detuning_hz(5.0))
    spectra = [cc.simulate_comb(r, pump, detuning, modes=512, duration=60 / ring.kappa, initial="soliton",
                                progress=False, snapshots=1).spectrum.isel(snapshot=-1) for r in (smooth, amx)]
    def kink(s):  # departure of line 30 from the geometric mean of its neighbours (0 dB on a smooth sech²)
        return abs(10 * np.log10(float(s.sel(mu=30)) / np.sqrt(float(s.sel(mu=29)) * float(s.sel(mu=31)))))
    assert kink(spectra[0]) < 0.1
    assert kink(spectra[1]) > 3  # the crossing's phase mismatch removes or adds power in that one line


def test_line_alignment_undoes_any_translation_exactly():
    from combchip.comb.lines import _aligned

    n = 256
    theta = -np.pi + 2 * np.pi * np.arange(n) / n
    mu = np.fft.fftfreq(n, 1.0 / n)
    base = np.fft.fft(1 / np.cosh(10 * theta) + 0.2) / n
    shifts = [0.0, 0.3, 0.3 + 0.4 * 2 * np.pi / n, -1.0, 2.9]
    fields = np.array([np.fft.ifft(base * np.exp(-1j * mu * d)) * n for d in shifts])
    aligned = _aligned(fields)
    assert np.abs(aligned - aligned[0]).max() < 1e-14  # a pure translation is a phase ramp e^{−iμδ}


def test_edge_unit_conversions():
    from combchip.units import db_to_ratio, dbm_to_w, w_to_dbm

    assert dbm_to_w(30.0) == pytest.approx(1.0) and dbm_to_w(0.0) == pytest.approx(1e-3)
    assert w_to_dbm(dbm_to_w(-17.3)) == pytest.approx(-17.3)
    assert db_to_ratio(10 * np.log10(2)) == pytest.approx(0.5)
    assert cc.Laser.from_dbm(LAMBDA, 26.72).power == pytest.approx(0.47, rel=1e-3)


def test_an_aliased_comb_warns_and_a_resolved_one_does_not():
    import warnings

    ring, pump = system_a_ring(), system_a_pump()
    p = cc.normalize(ring, pump)
    args = dict(duration=40 / ring.kappa, initial="soliton", progress=False, snapshots=1)
    # ζ = 12: the sech² reaches −40 dB at |μ| ≈ 150, beyond a 128-mode window and inside a 512-mode one
    with pytest.warns(RuntimeWarning, match="increase modes"):
        cc.simulate_comb(ring, pump, float(p.detuning_hz(12.0)), modes=128, **args)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        cc.simulate_comb(ring, pump, float(p.detuning_hz(12.0)), modes=512, **args)
