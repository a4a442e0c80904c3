"""The ``combchip`` command. Lengths are typed in km here and passed on in metres.

Every failure is one line on stderr that names the flag to change: outputs are checked before any computing,
``--modes`` is checked against the soliton it must resolve, and Ctrl-C stops the run, keeping its checkpoint.
``COMBCHIP_DEBUG=1`` shows the traceback of a failed run instead.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

from ._version import __version__
from .systems.published import SYSTEM_A

LINE_FLOOR_DB = -60.0
"""Dynamic range of the line table ``soliton-steps`` prints (:func:`combchip.comb_lines`' default floor)."""

SPAN_FLOOR_DB = -40.0
"""Deepest level of the comb span ``soliton-steps --thermal`` prints."""

CHECKPOINT_ROW_STEPS = 50_000
"""LLE steps × runs between two checkpoints: about a second of work at 512 modes (≈ 40 000 row-steps/s on one
core), so Ctrl-C loses about a second of a run."""

INTERRUPTED = 130
"""Exit status after Ctrl-C (128 + SIGINT), as shells report it."""


class UsageError(ValueError):
    """A bad command line; the message names the flag."""


def _output_folder(path: str, flag: str = "--out") -> Path:
    """Create the output folder ``path`` (before any computing) or raise :class:`UsageError` naming ``flag``."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{flag} = {path!r} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"{flag} = {path!r} cannot be created: {error.strerror}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"{flag} = {path!r} is not writable")
    return folder


def _output_file(path: str, suffix: str, flag: str = "--out") -> Path:
    """Check the output file ``path`` (suffix, writable folder) before any computing."""
    if not path.endswith(suffix):
        raise UsageError(f"{flag} must end in {suffix}, got {path!r}")
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{flag} = {path!r} is a folder, not a {suffix} file")
    _output_folder(str(target.parent), flag)
    return target


def modes_needed(norm, zeta: float, floor_db: float = LINE_FLOOR_DB) -> int:
    """Modes N whose window ±N/2 holds the soliton's spectrum at detuning ``zeta`` down to ``floor_db``.

    The soliton √(2ζ)·sech(θ/w), w = √(d₂/(2ζ)), has the line powers |ψ_μ|² ∝ sech²(πwμ/2) (3-dB full width
    1.122/w = 1.587·√(ζ/d₂) modes; Herr et al., Nat. Photon. 8, 145 (2014)), which fall to ``floor_db`` at
    μ = 2·arccosh(10^(−floor_db/20))/(πw).
    """
    width = math.sqrt(norm.d2 / (2 * zeta))
    return 2 * math.ceil(2 * math.acosh(10 ** (-floor_db / 20)) / (math.pi * width))


def _check_resolution(modes: int, zeta: float, norm, where: str, floor_db: float) -> None:
    """Refuse ``--modes`` below :func:`modes_needed` at ``zeta``: the window must hold the soliton's spectrum down
    to the deepest level the command reports."""
    need = modes_needed(norm, zeta, floor_db)
    if modes < need:
        raise UsageError(f"--modes {modes} cannot resolve system A's soliton: at {where} (ζ = {zeta:.1f}) its "
                         f"spectrum spans {need} modes down to {-floor_db:g} dB below its peak, the depth this "
                         f"command reports; use --modes {need} or more (FFT-friendly: "
                         f"{2 ** math.ceil(math.log2(need))})")


def _checkpoint(out: Path, name: str, args, keys: tuple[str, ...]) -> Path:
    """The run's checkpoint file in ``out``, named by the settings that define the run."""
    return out / (name + "".join(f"_{key}{getattr(args, key)}" for key in keys) + ".checkpoint.npz")


def _soliton_steps(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from .comb.normalization import normalize
    from .systems.system_a import system_a_pump, system_a_ring
    from .systems.soliton_steps import forward_scan

    norm = normalize(system_a_ring(), system_a_pump())
    deepest = float(norm.zeta(max(forward_scan(norm).detuning)))
    _check_resolution(args.modes, deepest, norm, "the end of the scan", LINE_FLOOR_DB)
    out = _output_folder(args.out)
    from .io import save
    from .comb.lines import comb_lines
    from .plotting import plot_summary
    from .systems.soliton_steps import soliton_steps

    start = time.perf_counter()
    seeds = list(range(args.seed, args.seed + args.runs))
    args.checkpoint = _checkpoint(out, "soliton_steps", args, ("modes", "seed", "runs"))
    ds, plateaus = soliton_steps(seeds=seeds, modes=args.modes, progress=not args.no_progress,
                                 checkpoint=args.checkpoint, checkpoint_every=max(1, CHECKPOINT_ROW_STEPS // args.runs))
    save(ds, out / "soliton_steps.nc")
    save(plateaus, out / "plateaus.nc")
    args.checkpoint.unlink(missing_ok=True)
    fig = plot_summary(ds, plateaus)
    fig.savefig(out / "soliton_steps.png", dpi=120)
    print(f"system A soliton steps: {len(seeds)} runs, {args.modes} modes, f² = {ds.attrs['f2']:.2f}, "
          f"ζ_max = {ds.attrs['zeta_max']:.1f}, {time.perf_counter() - start:.1f} s")
    for k in range(plateaus.sizes["plateau"]):
        p = plateaus.isel(plateau=k)
        print(f"  run {int(p.run)}: plateau {float(p.detuning_start) / 1e9:.3f}–{float(p.detuning_stop) / 1e9:.3f} GHz, "
              f"comb power {float(p.comb_power) * 1e3:.2f} mW = {float(p.comb_ratio):.2f} × single soliton, "
              f"intracavity step {float(p.intracavity_ratio):.2f} → N = {int(p.soliton_number)}")
    final = ds.soliton_count.isel(snapshot=-1).values
    print("  soliton number at the end of the scan:", ", ".join(f"seed {s}: {n}" for s, n in zip(seeds, final)))
    lines = comb_lines(ds)
    print(f"  {lines.sizes['mu']} lines within {-LINE_FLOOR_DB:g} dB; written {out / 'soliton_steps.nc'} and "
          f"{out / 'soliton_steps.png'}")
    return 0


def _dual_drive(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from .comb.normalization import normalize
    from .systems.system_a import system_a_pump, system_a_pumped_ring

    norm = normalize(system_a_pumped_ring(), system_a_pump())
    _check_resolution(args.modes, norm.zeta_max, norm, "the end of the soliton range", SPAN_FLOOR_DB)
    out = _output_folder(args.out)
    from .io import save
    from .plotting.comb import plot_dual_drive
    from .systems.dual_drive import comb_span, dual_drive_scan, soliton_steps_of, temperature_swing

    start = time.perf_counter()
    args.checkpoint = _checkpoint(out, "dual_drive", args, ("modes", "seed", "rate", "aux"))
    ds = dual_drive_scan(thermal=True, aux=args.aux, rate_hz_per_s=args.rate * 1e15, modes=args.modes, seed=args.seed,
                         progress=not args.no_progress, checkpoint=args.checkpoint,
                         checkpoint_every=CHECKPOINT_ROW_STEPS)
    save(ds, out / "dual_drive.nc")
    args.checkpoint.unlink(missing_ok=True)
    plot_dual_drive(ds).savefig(out / "dual_drive.png", dpi=120)
    steps = soliton_steps_of(ds)
    print(f"system A pump scan from chaos at {args.rate:g} GHz/µs with heat{' and the aux laser' if args.aux else ''}"
          f"{' (parked for zero pull)' if args.aux else ''}: "
          f"{args.modes} modes, seed {args.seed}, {time.perf_counter() - start:.1f} s")
    print("  soliton steps [MHz of pump detuning]: "
          + (", ".join(f"N = {n}: {d / 1e6:.0f}" for n, d in sorted(steps.items())) or "none"))
    print(f"  start: chaos {ds.attrs['chaos_power']:.3g} W, {ds.attrs['initial_temperature']:.3g} K; temperature drop "
          f"after the first soliton: {temperature_swing(ds):.3g} K; final comb span "
          f"−20 dB {comb_span(ds, -20.0) * 1e9:.0f} nm, {SPAN_FLOOR_DB:g} dB {comb_span(ds, SPAN_FLOOR_DB) * 1e9:.0f} nm")
    print(f"  written {out / 'dual_drive.nc'} and {out / 'dual_drive.png'}")
    return 0


def _layout(args) -> int:
    target = _output_file(args.out, ".gds")
    try:
        from combchip.layouts.chips import build
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] in ("gdsfactory", "kfactory", "klayout"):
            raise UsageError("combchip layout needs gdsfactory: pip install 'combchip[layout]'") from None
        raise
    start = time.perf_counter()
    path = build(args.cell, target)
    print(f"{args.cell}: wrote {path} and {path.with_suffix('.png')} in {time.perf_counter() - start:.1f} s")
    return 0


def _distances_km(text: str) -> list[float]:
    """``--distance-km``: one distance for every user, or one per user, comma-separated."""
    try:
        values = [float(item) for item in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected km, e.g. 50 or 10,20,30,40; got {text!r}") from None
    if not all(math.isfinite(v) and v >= 0 for v in values):
        raise argparse.ArgumentTypeError(f"distances must be finite and >= 0 km, got {text!r}")
    return values


VISIBILITY_MODELS = {"trace": "from the simulated field's line coherence", "osnr": "from each line's linewidth and OSNR"}
"""How :func:`combchip.network_key_rates` got the visibility, in words."""


def _network(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np

    out = _output_folder(args.out)
    km = args.distance_km * args.users if len(args.distance_km) == 1 else args.distance_km
    if len(km) != args.users:
        raise UsageError(f"--distance-km takes one distance or one per user ({args.users}), got {len(km)}")
    if args.comb and not Path(args.comb).is_file():
        raise UsageError(f"--comb = {args.comb!r} is not a file")
    from .io import load, save
    from .link.network import network_key_rates
    from .plotting.link import pair_rate_summary, plot_rate_matrix

    start = time.perf_counter()
    comb = load(args.comb) if args.comb else None
    ds = network_key_rates(comb, users=args.users, distances=np.asarray(km) * 1e3, extra_loss_db=args.extra_loss_db,
                           default_linewidth=args.linewidth, optimize=args.optimize,
                           progress=args.optimize)
    save(ds, out / "key_rate.nc")
    fig = plot_rate_matrix(ds.key_rate, visibility_model=VISIBILITY_MODELS.get(ds.attrs["visibility_model"]))
    fig.savefig(out / "key_rate.png", dpi=120)
    summary = pair_rate_summary(ds.key_rate)
    source = args.comb or f"ideal soliton lines, {args.linewidth / 1e6:.2f} MHz linewidth"
    where = f"{km[0]:g} km" if len(set(km)) == 1 else "/".join(f"{d:g}" for d in km) + " km"
    print(f"network: {args.users} users at {where} (+{args.extra_loss_db:g} dB) from the relay, comb: {source}, "
          f"{ds.sizes['wavelength']} wavelengths, {time.perf_counter() - start:.1f} s")
    print(f"  key rate per pair: {summary}; BSM visibility {float(ds.bsm_visibility.min()):.3f}–"
          f"{float(ds.bsm_visibility.max()):.3f} {VISIBILITY_MODELS.get(ds.attrs['visibility_model'], '')}"
          f"{', optimized settings' if args.optimize else ''}")
    print(f"  written {out / 'key_rate.nc'} and {out / 'key_rate.png'}")
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage block); ``-h`` still shows the usage."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} -h)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="combchip", description="Comb-chip and QKD-chip models.")
    parser.add_argument("--version", action="version", version=f"combchip {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    steps = sub.add_parser("soliton-steps", help="reproduce system A's soliton steps (NetCDF + PNG)")
    steps.add_argument("--out", default="steps", help="output folder (default: steps)")
    steps.add_argument("--modes", type=int, default=None,
                       help="number of modes; it must hold the soliton's spectrum (default: 1024, the converged "
                            "count of the resolution study; 512 with --thermal)")
    steps.add_argument("--seed", type=int, default=0, help="first noise seed (default: 0)")
    steps.add_argument("--runs", type=int, default=None, help="batch size, one seed each (default: 8; 1 with --thermal)")
    steps.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    steps.add_argument("--thermal", action="store_true",
                       help="one seed with the ring's heat, scanned at --rate (system A's 167.2 MHz resonance)")
    steps.add_argument("--aux", action="store_true", help="with --thermal: add the parked CH37 aux laser (dual drive)")
    steps.add_argument("--rate", type=float, default=None,
                       help="with --thermal: slow pump scan speed after the thermal-free lead-in into chaos [GHz/µs] "
                            "(default: 0.02, i.e. 20 GHz/ms)")
    layout = sub.add_parser("layout", help="write a chip's GDS and a PNG preview (needs the 'layout' extra)")
    layout.add_argument("cell", choices=["mrr100", "mrr49", "mrr30", "tx-si", "tx-inp",
                                         "die-sin", "die-si", "die-inp"])
    layout.add_argument("--out", required=True, help="output GDS file (.gds)")
    dark = sub.add_parser("dark-pulse", help="system C's self-injection-locked dark-pulse comb (NetCDF + PNG)")
    dark.add_argument("--out", default="dark_pulse", help="output folder (default: dark_pulse)")
    dark.add_argument("--modes", type=int, default=128,
                      help="number of modes (default: 128; K and the lines agree to 0.4 %% with 256 and 512)")
    dark.add_argument("--seed", type=int, default=0, help="noise seed (default: 0)")
    dark.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    network = sub.add_parser("network", help="key-rate matrix of a fully connected MDI-QKD network (NetCDF + PNG)")
    network.add_argument("--users", type=int, default=4, help="number of users (default: 4)")
    network.add_argument("--distance-km", type=_distances_km, required=True,
                         help="fibre from each user to the relay [km]: one value, or one per user (10,20,30,40)")
    network.add_argument("--extra-loss-db", type=float, default=0.0, help="lumped loss per user [dB] (default: 0)")
    network.add_argument("--comb", default=None,
                         help="simulate_comb or comb_lines NetCDF (default: ideal soliton lines of system A)")
    network.add_argument("--linewidth", type=float, default=SYSTEM_A.soliton_linewidth,
                         help=f"line linewidth of the default comb [Hz] (default: {SYSTEM_A.soliton_linewidth:g}, "
                              "system A's soliton)")
    network.add_argument("--optimize", action="store_true",
                         help="optimize intensities and probabilities along the pair losses (slower)")
    network.add_argument("--out", default="network", help="output folder (default: network)")
    return parser


def _dark_pulse(args) -> int:
    """System C's dark pulse, started by self-injection locking; NetCDF of the run and of its line table, a PNG."""
    if args.modes < 32:
        raise UsageError(f"--modes must be >= 32 to hold the dark pulse's spectrum (≈ 27 lines within 60 dB), got {args.modes}")
    if args.seed < 0:
        raise UsageError(f"--seed must be >= 0, got {args.seed}")
    out = _output_folder(args.out)
    import matplotlib

    matplotlib.use("Agg")
    from .comb.lines import comb_lines
    from .io import save
    from .plotting.sil import plot_dark_pulse
    from .systems.system_c import system_c_dark_pulse

    start = time.perf_counter()
    ds = system_c_dark_pulse(modes=args.modes, seed=args.seed, progress=not args.no_progress)
    lines = comb_lines(ds)
    save(ds, out / "dark_pulse.nc")
    save(lines, out / "dark_pulse_lines.nc")
    plot_dark_pulse(ds).savefig(out / "dark_pulse.png", dpi=120)
    a = ds.attrs
    ge, le = ("= ", "") if a["stabilization_resolved"] else ("≥ ", "≤ ")  # K only bounded where the lock pins ζ
    print(f"system C dark pulse by self-injection locking: {args.modes} modes, seed {args.seed}, feedback phase "
          f"{a['feedback_phase']:.2f} rad, {time.perf_counter() - start:.1f} s")
    print(f"  {lines.sizes['mu']} lines within 60 dB, output {10 * math.log10(a['total_output_power'] / 1e-3):.1f} dBm "
          f"from {10 * math.log10(a['bus_input_power'] / 1e-3):.1f} dBm on the bus; K {ge}{a['stabilization']:.3g} "
          f"({ge}{a['noise_suppression_db']:.1f} dB less frequency noise than the free-running DFB); line linewidth "
          f"{le}{a['comb_line_linewidth']:.3g} Hz (DFB {a['free_running_linewidth'] / 1e3:.0f} kHz, an assumption)")
    print(f"  written {out / 'dark_pulse.nc'}, {out / 'dark_pulse_lines.nc'} and {out / 'dark_pulse.png'}")
    return 0


def _run(args) -> int:
    """Check the flags that need no computing, then run the command."""
    if args.command == "layout":
        return _layout(args)
    if args.command == "dark-pulse":
        return _dark_pulse(args)
    if args.command == "network":
        if args.users < 2:
            raise UsageError(f"--users must be >= 2, got {args.users}")
        if not args.extra_loss_db >= 0:
            raise UsageError(f"--extra-loss-db must be >= 0, got {args.extra_loss_db}")
        if not args.linewidth >= 0:
            raise UsageError(f"--linewidth must be >= 0 Hz, got {args.linewidth}")
        return _network(args)
    thermal_runs = args.runs
    args.runs = (1 if args.thermal else 8) if args.runs is None else args.runs
    if args.modes is None:
        from .systems.soliton_steps import DEFAULT_MODES

        args.modes = 512 if args.thermal else DEFAULT_MODES
    for flag, value, low in (("--modes", args.modes, 8), ("--runs", args.runs, 1), ("--seed", args.seed, 0)):
        if value < low:
            raise UsageError(f"{flag} must be >= {low}, got {value}")
    if not args.thermal:
        for flag, given in (("--aux", args.aux), ("--rate", args.rate is not None)):
            if given:
                raise UsageError(f"{flag} needs --thermal")
        return _soliton_steps(args)
    if thermal_runs not in (None, 1):
        raise UsageError(f"--runs must be 1 with --thermal (one seed per heated scan), got {thermal_runs}")
    args.rate = 0.02 if args.rate is None else args.rate
    if not args.rate > 0:
        raise UsageError(f"--rate must be > 0 GHz/µs, got {args.rate}")
    return _dual_drive(args)


def _failure(error: BaseException, args) -> str:
    """One line for a run that failed inside the models: where it failed and the flags that set the run."""
    frame = error.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    module = frame.tb_frame.f_globals.get("__name__", "") if frame is not None else ""
    if module == "combchip.solvers.checkpoint":
        return f"--out holds a checkpoint of another run ({getattr(args, 'checkpoint', '')}): delete it to start afresh"
    if type(error).__name__ == "DivergenceError":
        what = "the LLE integration diverged"
    elif isinstance(error, RuntimeError) and module == "combchip.solvers.stationary":
        what = "Newton's method found no stationary soliton to compare the steps with"
    else:
        what = "the model stopped with an error"
    flags = {"soliton-steps": ("modes", "seed", "runs", "rate"), "network": ("users", "extra_loss_db", "linewidth"),
             "layout": ()}[args.command]
    settings = ", ".join(f"--{k.replace('_', '-')} {getattr(args, k)}" for k in flags
                         if getattr(args, k, None) is not None) or f"cell {getattr(args, 'cell', '')}"
    hint = " (raise --modes)" if args.command == "soliton-steps" else ""
    return f"{what} at {settings}{hint}; COMBCHIP_DEBUG=1 shows the traceback"


def main(argv=None) -> int:
    """Run the command ``argv`` (default: the process's own arguments) and return its exit status.

    Run as the process's command (``argv`` None), Ctrl-C ends the process at once after its one line, without the
    seconds that unloading the compiled solver takes.
    """
    status = _main(argv)
    if status == INTERRUPTED and argv is None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    return status


def _main(argv) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except UsageError as error:
        print(f"combchip: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        checkpoint = getattr(args, "checkpoint", None)
        kept = (f"; the run so far is saved in {checkpoint}, and the same command resumes from it"
                if checkpoint is not None and checkpoint.is_file() else "; nothing was saved")
        print(f"combchip: interrupted{kept}", file=sys.stderr)
        return INTERRUPTED
    except OSError as error:
        if os.environ.get("COMBCHIP_DEBUG"):
            raise
        flag = "--comb" if getattr(args, "comb", None) and error.filename == args.comb else "--out"
        print(f"combchip: error: {flag}: {error.filename or ''}: {error.strerror or error}", file=sys.stderr)
        return 1
    except Exception as error:
        if os.environ.get("COMBCHIP_DEBUG"):
            raise
        print(f"combchip {args.command}: error: {_failure(error, args)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
