"""Every public entry point rejects nonsense with a ValueError that names the parameter."""

from typing import Literal

import numpy as np
import pytest

import combchip as cc
from combchip import cli
from combchip.validation import check_choice
from combchip.systems.soliton_steps import forward_scan
from combchip.solvers import cw_branch, cw_state, dark_pulse_guess, mi_gain, newton_stationary, soliton_guess
from combchip.comb.steps import find_plateaus
from combchip.systems import system_a_pump, system_a_ring

LAMBDA = 1536.67e-9


@pytest.fixture(scope="module")
def small_run():
    ring = cc.Ring(LAMBDA, 98.75e9, 2 * np.pi * 70e6, 2 * np.pi * 110e6, d2=2 * np.pi * 0.6e6)
    return cc.simulate_comb(ring, cc.Laser(LAMBDA, 0.1), 0.0, modes=32, duration=2e-9, progress=False, snapshots=2)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: cw_branch(-1.0, 0.0), "f2"),
        (lambda: cw_branch(1.0, np.nan), "zeta"),
        (lambda: cw_state(2.0, 0.0, branch="top"), "branch"),
        (lambda: cw_state(2.0, 0.0, branch="upper"), "upper"),
        (lambda: mi_gain(-1.0, 0.0, np.zeros(3)), "rho"),
        (lambda: soliton_guess(2.0, 3.0, -0.01, 64), "d2"),
        (lambda: soliton_guess(2.0, -3.0, 0.01, 64), "zeta"),
        (lambda: dark_pulse_guess(2.0, 3.5, -0.02, 64, width=7.0), "width"),
        (lambda: dark_pulse_guess(2.0, 3.5, 0.02, 64, width=1.0), "d2"),
        (lambda: newton_stationary(np.ones(16), 1.0, 1.0, np.zeros(8)), "d_int"),
        (lambda: find_plateaus(np.ones(10), window=1), "window"),
        (lambda: find_plateaus(np.ones(10), flatness=0.0), "flatness"),
        (lambda: cc.single_soliton(system_a_ring(), system_a_pump(), -1e9), "detuning_hz"),
        (lambda: cc.single_soliton(system_a_ring(), system_a_pump(), 1e9, modes=4), "modes"),
        (lambda: forward_scan(cc.normalize(system_a_ring(), system_a_pump()), rate=0.0), "rate"),
        (lambda: cc.DetuningSchedule.constant(0.0).then(1e9, -1.0), "duration_s"),
        (lambda: cc.Laser.from_dbm(LAMBDA, np.inf), "power"),
        (lambda: cc.Ring.from_loaded_q(LAMBDA, 98.75e9, 1e6, coupling=1.5), "coupling"),
        (lambda: cc.Ring(LAMBDA, 98.75e9, 1e8, 1e8, dint_mu=[0, 1, 2]), "dint"),
        (lambda: cc.normalize("ring", system_a_pump()), "ring"),
        (lambda: cc.normalize(system_a_ring(), "pump"), "pump"),
    ],
)
def test_rejects_nonsense(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_results_functions_reject_nonsense(small_run, tmp_path):
    with pytest.raises(ValueError, match="ds"):
        cc.comb_lines(small_run.comb_power)
    with pytest.raises(ValueError, match="snapshots"):
        cc.comb_lines(small_run, snapshots=slice(5, 5))
    with pytest.raises(ValueError, match="path"):
        cc.save(small_run, tmp_path / "run.txt")
    with pytest.raises(ValueError, match="ds"):
        cc.save({"a": 1}, tmp_path / "run.nc")
    with pytest.raises(ValueError, match="path"):
        cc.load(tmp_path / "missing.nc")
    with pytest.raises(ValueError, match="combchip_inputs"):
        cc.inputs_from(small_run.drop_attrs())


def test_dint_table_outside_the_simulated_modes_is_rejected():
    ring = cc.Ring(LAMBDA, 98.75e9, 1e8, 1e8, dint_mu=np.arange(-10, 11), dint=np.zeros(21))
    with pytest.raises(ValueError, match="dint"):
        cc.simulate_comb(ring, cc.Laser(LAMBDA, 0.1), 0.0, modes=64, duration=1e-9, progress=False)


def test_cli_reports_bad_arguments(capsys):
    assert cli.main(["soliton-steps", "--modes", "4"]) == 2
    assert "--modes" in capsys.readouterr().err


def test_check_choice_takes_a_sequence_or_a_literal_and_names_the_parameter():
    mode = Literal["eim", "fd"]
    assert check_choice("method", "fd", mode) == "fd"
    assert check_choice("branch", 2, (1, 2, 3)) == 2
    with pytest.raises(ValueError, match="method = 'FD' is not allowed; allowed: 'eim', 'fd'"):
        check_choice("method", "FD", mode)
    for bad in (None, ["fd"], {"fd": 1}, np.array(["fd", "eim"])):
        with pytest.raises(ValueError, match="method"):
            check_choice("method", bad, mode)
