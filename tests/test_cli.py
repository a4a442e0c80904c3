"""The command line: version, `python -m combchip`, and output paths checked before any computing."""

import subprocess
import sys
from importlib import import_module

import numpy as np
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


@pytest.mark.slow  # a 32-mode heated scan with the aux laser (≈ 10 s)
def test_soliton_steps_thermal_aux_runs_the_dual_drive(tmp_path, monkeypatch, capsys):
    module = import_module("combchip.systems.dual_drive")
    real = module.dual_drive_scan
    seen = {}

    def tiny(**kwargs):  # the CLI's choices, then a 32-mode, 0.1 µs version of the run; at 32 modes the lead-in
        seen.update(kwargs)  # forms no solitons, so the aux is parked on its hot branch by hand instead of zero pull
        return real(**{**kwargs, "modes": 32, "rate_hz_per_s": 3e16, "lead_in_rate_hz_per_s": 3e16, "bursts": 2,
                       "park": 0.5 * module.park_for_reserve(0.0)})

    monkeypatch.setattr(module, "dual_drive_scan", tiny)
    assert cli.main(["soliton-steps", "--thermal", "--aux", "--out", str(tmp_path), "--no-progress", "--rate", "3"]) == 0
    assert seen["thermal"] and seen["aux"] and seen["rate_hz_per_s"] == 3e15 and seen["modes"] == 512
    assert seen["checkpoint"].parent == tmp_path and not seen["checkpoint"].exists()  # removed once the run is saved
    assert (tmp_path / "dual_drive.nc").exists() and (tmp_path / "dual_drive.png").exists()
    assert "aux laser" in capsys.readouterr().out
    assert "aux_intracavity_power" in combchip.load(tmp_path / "dual_drive.nc")


# --- weight: `import combchip` loads no compiled solver, FFTW or gdsfactory --------------------------------------

def test_import_combchip_leaves_the_heavy_dependencies_unloaded():
    code = ("import sys, combchip; heavy = ('numba', 'pyfftw', 'gdsfactory', 'dask', 'xarray', 'scipy.sparse'); "
            "print(','.join(m for m in heavy if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == ""


def test_every_public_name_resolves_and_sweep_stays_the_function():
    for name in combchip.__all__:
        assert getattr(combchip, name) is not None, name
    assert set(combchip.__all__) <= set(dir(combchip))
    import_module("combchip.sweep")  # importing the submodule must not replace cc.sweep
    assert callable(combchip.sweep) and combchip.sweep.__module__ == "combchip.sweep"
    assert combchip.solvers.cw_branch is not None  # subpackages still resolve as attributes
    with pytest.raises(AttributeError):
        combchip.no_such_name


def test_layout_without_gdsfactory_says_so_in_one_line(tmp_path):
    code = ("import sys; sys.modules['gdsfactory'] = None; from combchip.cli import main; "
            f"sys.exit(main(['layout', 'mrr100', '--out', {str(tmp_path / 'ring.gds')!r}]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "combchip[layout]" in done.stderr and "Traceback" not in done.stderr


# --- sanity: a power typed in mW as W ----------------------------------------------------------------------------

def test_laser_power_above_the_documented_ceiling_warns():
    from combchip.comb.lasers import MAX_PLAUSIBLE_POWER_W
    from combchip.systems.published import SYSTEM_A

    with pytest.warns(UserWarning, match=r"power = 470 W.*0\.47 W"):
        combchip.Laser(SYSTEM_A.pump_wavelength, power=470)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        combchip.Laser(SYSTEM_A.aux_wavelength, power=SYSTEM_A.aux_power)  # the strongest published pump
        combchip.Laser(SYSTEM_A.aux_wavelength, power=MAX_PLAUSIBLE_POWER_W)


# --- resolution: --modes against the soliton's spectrum ------------------------------------------------------------

def test_modes_needed_matches_the_sampled_soliton_spectrum():
    from types import SimpleNamespace

    import numpy as np

    n = 8192
    theta = np.linspace(-np.pi, np.pi, n, endpoint=False)
    for zeta, d2 in ((12.0, 0.012), (3.0, 0.05)):
        width = np.sqrt(d2 / (2 * zeta))
        power = np.abs(np.fft.fft(1 / np.cosh(theta / width))) ** 2
        mu = np.abs(np.fft.fftfreq(n, 1 / n))
        edge = mu[power >= power.max() * 1e-6].max()  # the last line within 60 dB
        # the window ±N/2 must reach that line; ±2 modes: the closed form rounds up, the grid has whole modes
        assert abs(cli.modes_needed(SimpleNamespace(d2=d2), zeta, -60.0) - 2 * edge) <= 2


@pytest.mark.parametrize("modes", [8, 16, 32, 100, 256])
def test_soliton_steps_refuses_modes_that_cannot_hold_the_soliton(modes, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(import_module("combchip.systems.soliton_steps"), "soliton_steps", _never)
    assert cli.main(["soliton-steps", "--modes", str(modes), "--out", str(tmp_path / "new")]) == 2
    assert not (tmp_path / "new").exists()  # refused before anything was written
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"--modes {modes} cannot resolve" in err and "--modes 512" not in err


def test_thermal_run_refuses_too_few_modes(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(import_module("combchip.systems.dual_drive"), "dual_drive_scan", _never)
    assert cli.main(["soliton-steps", "--thermal", "--modes", "128", "--out", str(tmp_path)]) == 2
    assert "--modes 128 cannot resolve" in capsys.readouterr().err


# --- Ctrl-C and failures inside the models: one line each -----------------------------------------------------

def _fake_steps(failure):
    def run(**kwargs):
        run.kwargs = kwargs
        raise failure(kwargs)
    return run


def test_ctrl_c_keeps_the_checkpoint_and_says_so_in_one_line(tmp_path, monkeypatch, capsys):
    def interrupted(kwargs):
        assert kwargs["modes"] == 1024 and kwargs["checkpoint_every"] >= 1
        kwargs["checkpoint"].write_bytes(b"state")  # what the solver leaves after its last checkpoint
        return KeyboardInterrupt()

    fake = _fake_steps(interrupted)
    monkeypatch.setattr(import_module("combchip.systems.soliton_steps"), "soliton_steps", fake)
    assert cli.main(["soliton-steps", "--out", str(tmp_path), "--runs", "2"]) == cli.INTERRUPTED
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "interrupted" in err and "resumes" in err
    assert fake.kwargs["checkpoint"].parent == tmp_path and str(fake.kwargs["checkpoint"]) in err


def test_a_newton_failure_is_one_line_naming_the_flags(tmp_path, monkeypatch, capsys):
    import numpy as np
    from combchip.solvers import newton_stationary

    def newton(kwargs):  # the real Newton solver, stopped after one iteration far from a soliton
        try:
            newton_stationary(np.ones(16, complex), 2.0, 3.0, 0.02 * np.fft.fftfreq(16, 1 / 16) ** 2, max_iter=1)
        except RuntimeError as error:
            return error
        raise AssertionError("Newton converged in one iteration")

    monkeypatch.setattr(import_module("combchip.systems.soliton_steps"), "soliton_steps", _fake_steps(newton))
    assert cli.main(["soliton-steps", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Newton" in err and "--modes 1024" in err
    assert "Traceback" not in err and "zeta" not in err


def test_an_os_error_while_writing_is_one_line_naming_out(tmp_path, monkeypatch, capsys):
    import errno

    full = _fake_steps(lambda kwargs: OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x.nc")))
    monkeypatch.setattr(import_module("combchip.systems.soliton_steps"), "soliton_steps", full)
    assert cli.main(["soliton-steps", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--out" in err and "No space left" in err


def test_argument_errors_are_one_line(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["network", "--distance-km", "10,x"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--distance-km" in err


# --- network: per-user distances, pairs without key, one mean -------------------------------------------------

def _fake_network(seen):
    import numpy as np
    import xarray as xr

    def network_key_rates(comb, users, distances, **kwargs):
        seen.update(users=users, distances=distances, **kwargs)
        rate = np.array([[np.nan, 2.0, 0.0], [2.0, np.nan, 4.0], [0.0, 4.0, np.nan]])
        return xr.Dataset({"key_rate": (("user_a", "user_b"), rate, {"units": "bit/s", "long_name": "key rate"}),
                           "bsm_visibility": ("wavelength", [0.45, 0.46])}, attrs={"visibility_model": "osnr"})
    return network_key_rates


def test_network_takes_per_user_distances_and_prints_the_titles_mean(tmp_path, monkeypatch, capsys):
    import numpy as np

    from combchip.plotting.link import plot_rate_matrix

    seen = {}
    monkeypatch.setattr(import_module("combchip.link.network"), "network_key_rates", _fake_network(seen))
    assert cli.main(["network", "--users", "3", "--distance-km", "10,20,150", "--out", str(tmp_path)]) == 0
    np.testing.assert_array_equal(seen["distances"], [10e3, 20e3, 150e3])
    out = capsys.readouterr().out
    # mean over the 3 pairs with the keyless one as 0: (2 + 4 + 0)/3 = 2
    assert "mean 2 bit/s over all pairs" in out and "2 of 3 pairs with key" in out and "OSNR" in out
    figure = plot_rate_matrix(combchip.load(tmp_path / "key_rate.nc").key_rate)
    title = " ".join(figure.axes[0].get_title().split())
    assert title.split(": ", 1)[1] in out
    assert [t.get_text() for t in figure.axes[0].get_legend().get_texts()] == ["no key (×)"]
    shown = np.ma.masked_invalid(figure.axes[0].images[0].get_array())
    assert shown.mask[0, 2] and not shown.mask[0, 1]  # the keyless pair is not on the colour scale


def test_network_distance_count_must_match_the_users(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(import_module("combchip.link.network"), "network_key_rates", _never)
    assert cli.main(["network", "--users", "4", "--distance-km", "10,20", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--distance-km" in err


@pytest.mark.slow  # builds the 100 GHz ring's cell (seconds)
def test_layout_preview_has_um_axes_and_a_human_title(tmp_path, monkeypatch):
    chips = import_module("combchip.layouts.chips")
    from matplotlib.figure import Figure

    drawn = []
    monkeypatch.setattr(Figure, "savefig", lambda fig, *args, **kwargs: drawn.append(fig))
    assert cli.main(["layout", "mrr100", "--out", str(tmp_path / "ring.gds")]) == 0
    ax = drawn[-1].axes[0]
    assert ax.get_xlabel() == "x [µm]" and ax.get_ylabel() == "y [µm]"
    assert ax.get_title().startswith("System A's 100 GHz ring") and ":func:" not in ax.get_title()


def test_a_checkpoint_of_another_run_is_one_line_naming_out(tmp_path, monkeypatch, capsys):
    import numpy as np
    from combchip.solvers import checkpoint

    def stale(kwargs):  # the real loader, meeting a file that another run wrote
        checkpoint.save(kwargs["checkpoint"], "another run", 10, [], {"spec": np.zeros(4)})
        try:
            checkpoint.load(kwargs["checkpoint"], "this run", [], {"spec": np.zeros(4)})
        except ValueError as error:
            return error
        raise AssertionError("a checkpoint of another run was resumed")

    monkeypatch.setattr(import_module("combchip.systems.soliton_steps"), "soliton_steps", _fake_steps(stale))
    assert cli.main(["soliton-steps", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--out holds a checkpoint of another run" in err and "delete it" in err


# --- dark-pulse: system C's SIL comb ----------------------------------------------------------------------------

def test_dark_pulse_rejects_too_few_modes_before_writing(tmp_path, capsys):
    out = tmp_path / "never"
    assert cli.main(["dark-pulse", "--modes", "16", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--modes" in err and not out.exists()


@pytest.mark.slow
def test_dark_pulse_writes_the_run_the_lines_and_a_png(tmp_path):
    assert cli.main(["dark-pulse", "--modes", "128", "--out", str(tmp_path), "--no-progress"]) == 0
    ds = combchip.load(tmp_path / "dark_pulse.nc")
    lines = combchip.load(tmp_path / "dark_pulse_lines.nc")
    assert {"field", "spectrum", "comb_power"} <= set(ds.variables) and (tmp_path / "dark_pulse.png").stat().st_size
    # every line carries the locked pump's linewidth (Henry linewidth / K²), far below the free-running DFB's
    np.testing.assert_allclose(lines.linewidth, ds.attrs["comb_line_linewidth"], rtol=1e-12)
    assert ds.attrs["comb_line_linewidth"] < 1e-3 * ds.attrs["free_running_linewidth"]
