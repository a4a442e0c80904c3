"""System A reproduction: a forward scan shows CW rise, MI/chaos, then integer soliton steps."""

import numpy as np
import pytest
from scipy.constants import c
from scipy.optimize import curve_fit

import combchip as cc
from combchip.systems.soliton_steps import soliton_steps
from combchip.solvers import newton_stationary, soliton_guess
from combchip.solvers.lle import mode_numbers
from combchip.comb.steps import soliton_threshold
from combchip.systems import system_a_pump, system_a_ring


# the tests marked slow read the 8-seed, 512-mode forward scan of the reproduction (≈ 15 s), backward tuning
# adds ≈ 8 s; CI also runs the same path through `combchip soliton-steps` and examples/soliton_steps.py
# (COMBCHIP_QUICK=1)


@pytest.fixture(scope="module")
def scan():
    return soliton_steps(seeds=tuple(range(8)), modes=512, progress=False)


@pytest.mark.slow
def test_sequence_cw_rise_then_chaos_then_plateaus(scan):
    ds, plateaus = scan
    for r in range(ds.sizes["run"]):
        run = ds.isel(run=r)
        comb = run.comb_power.values
        onset = int(np.argmax(comb > 0.01 * comb.max()))
        first = min(int(np.argmin(np.abs(run.detuning.values - float(p.detuning_start))))
                    for p in [plateaus.isel(plateau=k) for k in range(plateaus.sizes["plateau"])] if int(p.run) == r)
        # CW rise: before MI the intracavity power follows the stationary CW branch
        assert 0 < onset < first
        cw = slice(onset // 2, onset)
        zeta = 4 * np.pi * run.detuning.values[cw] / ds.attrs["kappa"]
        rho = cc.solvers.cw_branch(ds.attrs["f2"], zeta)[:, 0] * ds.attrs["circulating_power_per_unit"]
        # adiabatic scan (dζ/dτ = 0.01): the CW branch is followed to 1 %
        np.testing.assert_allclose(run.intracavity_power.values[cw], rho, rtol=0.01)
        # chaos between MI onset and the first plateau: sample-to-sample jumps of > 5 % of the mean
        chaotic = comb[onset:first]
        jumps = np.abs(np.diff(chaotic)) / chaotic.mean()
        assert np.percentile(jumps, 90) > 0.05
        # plateau: smooth to < 0.1 % per sample
        assert np.percentile(np.abs(np.diff(comb[first:])) / comb[first:].mean(), 90) < 1e-3


@pytest.mark.slow
def test_plateaus_are_integer_multiples_of_the_newton_single_soliton(scan):
    _, plateaus = scan
    assert plateaus.sizes["plateau"] >= 4
    number = plateaus.soliton_number.values
    # intracavity excess is additive (Parseval) for non-overlapping solitons: 5 % covers tail overlap and O(h²)
    np.testing.assert_allclose(plateaus.intracavity_ratio.values, number, rtol=0.05)
    # the comb (non-pump) power also loses the coherent pump-mode term N(N−1)|c₁|², (N − 1)·1.5 % of N·P₁ here,
    # so it is not N·P₁ within 5 % for N ≥ 5; with that term the prediction holds to 2 %
    np.testing.assert_allclose(plateaus.comb_vs_prediction.values, 1.0, rtol=0.02)
    assert np.all(plateaus.comb_ratio.values < number)
    assert len(set(number.tolist())) >= 2


@pytest.mark.slow
def test_final_soliton_count_matches_the_plateau(scan):
    ds, plateaus = scan
    last = {int(plateaus.run[k]): int(plateaus.soliton_number[k]) for k in range(plateaus.sizes["plateau"])}
    assert ds.soliton_count.isel(snapshot=-1).values.tolist() == [last[r] for r in range(ds.sizes["run"])]


@pytest.mark.slow
def test_soliton_spectrum_is_sech2_and_spans_more_than_100_nm_at_minus_40_db(scan):
    ds, _ = scan
    kappa, d2 = ds.attrs["kappa"], 2 * ds.attrs["ring_d2"] / ds.attrs["kappa"]
    for r in range(ds.sizes["run"]):
        spectrum = ds.spectrum.isel(run=r, snapshot=-1)
        mu = spectrum.mu.values
        # a 15-mode average removes the comb of the solitons' mutual interference, |Σ e^{iμθ_j}|², mean N
        envelope = np.convolve(np.where(mu == 0, 0.0, spectrum.values), np.ones(15) / 15, mode="same")
        fit = (np.abs(mu) > 10) & (np.abs(mu) <= 150)  # the band far above the window edge (≈ −52 dB)
        model = lambda m, log_a, width: log_a - 2 * np.log(np.cosh(np.pi * m / (2 * width)))  # noqa: E731
        (log_a, width), _ = curve_fit(model, mu[fit], np.log(envelope[fit]), p0=(np.log(envelope.max()), 50.0))
        residual_db = 10 / np.log(10) * (np.log(envelope[fit]) - model(mu[fit], log_a, width))
        assert np.sqrt(np.mean(residual_db**2)) < 1.0  # sech² within 1 dB rms
        zeta = 4 * np.pi * float(ds.snapshot_detuning.isel(run=r, snapshot=-1)) / kappa
        # B = √(2ζ/d₂); the 15-mode average and the background add < 10 %
        assert width == pytest.approx(np.sqrt(2 * zeta / d2), rel=0.1)
        edge = 2 * width / np.pi * np.arccosh(100)  # sech² down by 40 dB
        frequency = ds.frequency.sel(mu=0).item() + ds.attrs["ring_fsr"] * np.array([edge, -edge])
        span_nm = np.diff(c / frequency)[0] * 1e9
        assert span_nm > 100  # system A saw ≈ 120 nm between 1480 and 1600 nm


def two_soliton_growth(norm, zeta, modes=512):
    d_int = norm.d_int(mode_numbers(modes))
    single = soliton_guess(norm.f, zeta, norm.d2, modes)
    background = cc.solvers.cw_state(norm.f, zeta)
    pair = newton_stationary(single + np.roll(single, modes // 2) - background, norm.f, zeta, d_int)
    assert cc.count_solitons(pair.field) == 2
    return pair.max_growth


@pytest.mark.slow
def test_backward_tuning_keeps_breathers_below_the_hopf_edge(scan):
    """Why pure LLE cannot remove solitons one at a time down to one.

    The breathing (Hopf) instability is a property of each soliton at a given ζ: a well-separated
    pair has the same growth rate as a single soliton, so every soliton crosses the edge at the same
    detuning. Below it the solitons breathe rather than vanish: counted from a co-moving time average they
    survive, and only collisions of neighbours remove a few. In the experiment the thermal shift after each
    loss moves the survivors back into the stable range; the LLE alone has no such feedback.
    """
    ds, _ = scan
    ring, pump = system_a_ring(), system_a_pump()
    norm = cc.normalize(ring, pump)

    def growth(zeta):
        return cc.single_soliton(ring, pump, float(norm.detuning_hz(zeta)), stability=True).max_growth

    low, high = 5.0, 10.0  # the Hopf (breather) edge from the Newton eigenvalues, bisected to 0.05 in ζ
    assert growth(low) > 0 > growth(high)
    while high - low > 0.05:
        low, high = (low, (low + high) / 2) if growth((low + high) / 2) < 0 else ((low + high) / 2, high)
    edge = high
    breathing = growth(edge - 0.5)
    # tails overlap as e^{−√(2ζ/d₂)·π} ≈ 1e-30; the pair couples only through the shared background, whose
    # pump-mode share per soliton is |c₁|² ≈ d₂/4 ≈ 0.3 %: both breathe at the single soliton's rate (to 1e-3) ...
    assert two_soliton_growth(norm, edge - 0.5) == pytest.approx(breathing, abs=1e-3)
    # ... and above the edge nothing grows (the pair's extra, relative-translation mode is neutral)
    assert two_soliton_growth(norm, edge + 0.5) < 1e-3
    start = ds.field.isel(snapshot=-1).values  # every run's end state (all runs end at the same detuning)
    zeta_start = float(norm.zeta(ds.snapshot_detuning.isel(run=0, snapshot=-1)))
    bottom = edge - 2.5
    down = cc.Ramp(float(norm.detuning_hz(zeta_start)), float(norm.detuning_hz(bottom)),
                   float(norm.time_s((zeta_start - bottom) / 0.005)))
    # bursts of 8 snapshots 2 τ apart (several breathing periods; ζ moves by 0.07) ending 0.5 above the edge
    # and 2.5 below it
    ends = [float(norm.time_s((zeta_start - z) / 0.005)) for z in (edge + 0.5, bottom)]
    times = np.concatenate([end - float(norm.time_s(2.0)) * np.arange(7, -1, -1) for end in ends])
    back = cc.simulate_comb(ring, pump, down, initial=start, seed=list(range(9, 9 + len(start))), snapshots=times,
                            progress=False)
    runs = back.sizes["run"]
    counts = cc.count_solitons(back.field.values, threshold=soliton_threshold(back), window=8)
    single = cc.count_solitons(back.field.values, threshold=soliton_threshold(back)).reshape(runs, 2, 8)
    n0 = ds.soliton_count.isel(snapshot=-1).values
    # nothing is lost while every soliton is stationary and stable
    assert np.array_equal(counts[:, 0], n0) and np.array_equal(single[:, 0].min(axis=1), n0)
    # 2.5 ζ-units below the edge (ζ ≈ 5.5) most breathers survive; neighbours that drift together are lost
    # (measured: 33 of 42 survive, 0–3 lost per run; the 7-soliton start under another noise seed lost 5 at once):
    # more than two thirds survive in all
    assert counts[:, 1].sum() > 2 / 3 * n0.sum() and np.all(counts[:, 1] <= n0)
    # ... while counting each snapshot at half the stationary peak misses the breathers near their minimum
    assert np.all(single[:, 1].min(axis=1) <= counts[:, 1]) and np.mean(single[:, 1].min(axis=1) < counts[:, 1]) > 0.5


@pytest.mark.slow
def test_first_comb_is_a_primary_comb_at_the_mi_gain_maximum(scan):
    ds, _ = scan
    unit = ds.attrs["circulating_power_per_unit"]
    for r in range(ds.sizes["run"]):
        run = ds.isel(run=r)
        side = run.spectrum.where(run.mu != 0, 0.0)
        s = int(np.argmax(side.max("mu").values > 1e-6))  # first snapshot with lines far above the vacuum (~1e-12 W)
        zeta = 4 * np.pi * float(run.snapshot_detuning[s]) / ds.attrs["kappa"]
        rho = float(np.abs(run.field.isel(snapshot=s)).mean() ** 2 / unit)
        mu = np.arange(1, 200)
        d2 = 2 * ds.attrs["ring_d2"] / ds.attrs["kappa"]
        expected = mu[np.argmax(cc.solvers.mi_gain(rho, zeta, d2 * mu**2 / 2))]
        strongest = abs(int(run.mu[int(np.argmax(side.isel(snapshot=s).values))]))
        # sidebands grow fastest at the MI-gain peak; ±2 modes for the gain's flat top and the scan's drift
        assert abs(strongest - expected) <= 2
        assert strongest > 5  # primary lines several FSR from the pump: a sub-comb, not a single-FSR comb


def breathing_train(positions, zeta=9.0, d2=0.02, snapshots=16, modes=512, depth=0.9, drift=0.013):
    """Synthetic breathers √(2ζ·a)·sech(√(2ζa/d₂)·θ), a(t) = 1 + depth·sin(ωt + φ_j), drifting together."""
    theta = np.linspace(-np.pi, np.pi, modes, endpoint=False)
    phases = np.linspace(0, 2 * np.pi, len(positions), endpoint=False)
    field = np.full((snapshots, modes), 0.5 + 0j)
    for s in range(snapshots):
        for x, phi in zip(positions, phases):
            a = 1 + depth * np.sin(2 * np.pi * s / 8 + phi)
            arg = np.angle(np.exp(1j * (theta - x - drift * s)))
            field[s] += np.sqrt(2 * zeta * a) / np.cosh(np.sqrt(2 * zeta * a / d2) * arg)
    return field


def test_breathers_are_counted_from_the_co_moving_average():
    positions, zeta = (-2.0, -0.3, 0.9, 2.4), 9.0
    field = breathing_train(positions, zeta)
    threshold = zeta  # half the stationary peak 2ζ
    single = cc.count_solitons(field, threshold=threshold)
    # each breather dips to 2ζ·(1 − 0.9) = 0.2ζ, below half the stationary peak: single snapshots undercount
    assert single.min() < len(positions)
    # aligned over two breathing periods, the mean peak is 2ζ·⟨a⟩ = 2ζ > ζ; all four are counted in each window
    np.testing.assert_array_equal(cc.count_solitons(field, threshold=threshold, window=8), [4, 4])
    # a per-snapshot threshold is averaged per window, and the batch axis is kept
    per_snapshot = np.full((2, 16, 1), threshold)
    np.testing.assert_array_equal(cc.count_solitons(np.stack([field, field]), threshold=per_snapshot, window=8),
                                  [[4, 4], [4, 4]])


@pytest.mark.parametrize("number", [1, 2, 3, 5])
def test_newton_n_soliton_states_are_counted(number):
    f, zeta, d2, modes = cc.normalize(system_a_ring(), system_a_pump()).f, 10.0, 0.05, 256  # B = √(2ζ/d₂) = 20
    d_int = d2 * mode_numbers(modes) ** 2 / 2
    single = soliton_guess(f, zeta, d2, modes)
    background = cc.solvers.cw_state(f, zeta)
    spots = [0, 41, 90, 140, 200][:number]  # irregular, ≥ 1 rad apart: tails overlap as e^{−B} ≈ 2e-9
    state = newton_stationary(sum(np.roll(single, k) for k in spots) - (number - 1) * background, f, zeta, d_int,
                              stability=False)
    assert np.abs(state.field).max() ** 2 == pytest.approx(2 * zeta, rel=0.15)  # peak ≈ 2ζ on a background < 1
    assert cc.count_solitons(state.field, threshold=zeta) == number  # threshold: half the stationary peak
    drifting = np.stack([np.roll(state.field, 3 * s) for s in range(6)])  # a co-moving train of snapshots
    np.testing.assert_array_equal(cc.count_solitons(drifting, threshold=zeta, window=3), [number, number])


def test_count_solitons_rejects_a_bad_window():
    with pytest.raises(ValueError, match="window"):
        cc.count_solitons(np.ones((4, 16)), window=0)
    with pytest.raises(ValueError, match="window"):
        cc.count_solitons(np.ones((4, 16)), window=5)
