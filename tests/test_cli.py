"""The command line: version, `python -m combchip`, and output paths checked before any computing."""

import subprocess
import sys
from importlib import import_module

import pytest

import combchip
from combchip import cli


def _never(*args, **kwargs):
    raise AssertionError("the command computed before checking --out")


def test_version_from_the_command_and_the_module():
    for command in (["combchip", "--version"], [sys.executable, "-m", "combchip", "--version"]):
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        assert out.strip() == f"combchip {combchip.__version__}"


@pytest.mark.parametrize("command", [["soliton-steps"], ["network", "--distance-km", "10"]])
def test_an_output_path_that_is_a_file_is_refused_before_computing(command, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(import_module("combchip.systems.soliton_steps"), "soliton_steps", _never)
    monkeypatch.setattr(import_module("combchip.link.network"), "network_key_rates", _never)
    blocker = tmp_path / "taken"
    blocker.write_text("")
    assert cli.main([*command, "--out", str(blocker)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--out" in err and "is a file" in err


def test_a_layout_target_that_is_a_folder_is_refused(tmp_path, capsys):
    folder = tmp_path / "chip.gds"
    folder.mkdir()
    assert cli.main(["layout", "mrr100", "--out", str(folder)]) == 2
    assert "is a folder" in capsys.readouterr().err


@pytest.mark.parametrize("argv, flag", [(["--aux"], "--aux"), (["--rate", "2"], "--rate"),
                                        (["--thermal", "--runs", "2"], "--runs"), (["--thermal", "--rate", "0"], "--rate")])
def test_soliton_steps_rejects_bad_thermal_flag_combinations(argv, flag, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(import_module("combchip.systems.dual_drive"), "dual_drive_scan", _never)
    monkeypatch.setattr(import_module("combchip.systems.soliton_steps"), "soliton_steps", _never)
    assert cli.main(["soliton-steps", "--out", str(tmp_path), *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and flag in err


def test_soliton_steps_thermal_aux_runs_the_dual_drive(tmp_path, monkeypatch, capsys):
    module = import_module("combchip.systems.dual_drive")
    real = module.dual_drive_scan
    seen = {}

    def tiny(**kwargs):  # the CLI's choices, then a 32-mode, 0.1 µs version of the run; at 32 modes the lead-in
        seen.update(kwargs)  # forms no solitons, so the aux is parked on its hot branch by hand instead of zero pull
        return real(**{**kwargs, "modes": 32, "rate_hz_per_s": 3e16, "lead_in_rate_hz_per_s": 3e16, "bursts": 2,
                       "park": 0.5 * module.park_for_reserve(0.0)})

    monkeypatch.setattr(module, "dual_drive_scan", tiny)
    assert cli.main(["soliton-steps", "--thermal", "--aux", "--modes", "32", "--out", str(tmp_path),
                     "--no-progress", "--rate", "3"]) == 0
    assert seen["thermal"] and seen["aux"] and seen["rate_hz_per_s"] == 3e15
    assert (tmp_path / "dual_drive.nc").exists() and (tmp_path / "dual_drive.png").exists()
    assert "aux laser" in capsys.readouterr().out
    assert "aux_intracavity_power" in combchip.load(tmp_path / "dual_drive.nc")
