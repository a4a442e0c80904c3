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
