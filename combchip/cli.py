"""The ``combchip`` command. Lengths are typed in km here and passed on in metres."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from ._version import __version__
from .systems.published import SYSTEM_A


def _output_folder(path: str, flag: str = "--out") -> Path:
    """Create the output folder ``path`` (before any computing) or raise ``ValueError`` naming ``flag``."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"{flag} = {path!r} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValueError(f"{flag} = {path!r} cannot be created: {error.strerror}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"{flag} = {path!r} is not writable")
    return folder


def _output_file(path: str, suffix: str, flag: str = "--out") -> Path:
    """Check the output file ``path`` (suffix, writable folder) before any computing."""
    if not path.endswith(suffix):
        raise ValueError(f"{flag} must end in {suffix}, got {path!r}")
    target = Path(path)
    if target.is_dir():
        raise ValueError(f"{flag} = {path!r} is a folder, not a {suffix} file")
    _output_folder(str(target.parent), flag)
    return target


def _soliton_steps(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from .io import save
    from .comb.lines import comb_lines
    from .plotting import plot_summary
    from .systems.soliton_steps import soliton_steps

    out = _output_folder(args.out)
    start = time.perf_counter()
    seeds = list(range(args.seed, args.seed + args.runs))
    ds, plateaus = soliton_steps(seeds=seeds, modes=args.modes, progress=not args.no_progress)
    save(ds, out / "soliton_steps.nc")
    save(plateaus, out / "plateaus.nc")
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
    print(f"  {lines.sizes['mu']} lines within 60 dB; written {out / 'soliton_steps.nc'} and {out / 'soliton_steps.png'}")
    return 0


def _dual_drive(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from .io import save
    from .plotting.comb import plot_dual_drive
    from .systems.dual_drive import comb_span, dual_drive_scan, soliton_steps_of, temperature_swing

    out = _output_folder(args.out)
    start = time.perf_counter()
    ds = dual_drive_scan(thermal=True, aux=args.aux, rate_hz_per_s=args.rate * 1e15, modes=args.modes, seed=args.seed,
                         progress=not args.no_progress)
    save(ds, out / "dual_drive.nc")
    plot_dual_drive(ds).savefig(out / "dual_drive.png", dpi=120)
    steps = soliton_steps_of(ds)
    print(f"system A pump scan from chaos at {args.rate:g} GHz/µs with heat{' and the aux laser' if args.aux else ''}"
          f"{' (parked for zero pull)' if args.aux else ''}: "
          f"{args.modes} modes, seed {args.seed}, {time.perf_counter() - start:.1f} s")
    print("  soliton steps [MHz of pump detuning]: "
          + (", ".join(f"N = {n}: {d / 1e6:.0f}" for n, d in sorted(steps.items())) or "none"))
    print(f"  start: chaos {ds.attrs['chaos_power']:.3g} W, {ds.attrs['initial_temperature']:.3g} K; temperature drop "
          f"after the first soliton: {temperature_swing(ds):.3g} K; final comb span "
          f"−20 dB {comb_span(ds, -20.0) * 1e9:.0f} nm, −40 dB {comb_span(ds, -40.0) * 1e9:.0f} nm")
    print(f"  written {out / 'dual_drive.nc'} and {out / 'dual_drive.png'}")
    return 0


def _layout(args) -> int:
    from combchip.layouts.chips import build

    target = _output_file(args.out, ".gds")
    start = time.perf_counter()
    path = build(args.cell, target)
    print(f"{args.cell}: wrote {path} and {path.with_suffix('.png')} in {time.perf_counter() - start:.1f} s")
    return 0


def _network(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from .io import load, save
    from .link.network import network_key_rates
    from .plotting import plot_rate_matrix

    out = _output_folder(args.out)
    start = time.perf_counter()
    comb = load(args.comb) if args.comb else None
    ds = network_key_rates(comb, users=args.users, distances=args.distance_km * 1e3, extra_loss_db=args.extra_loss_db,
                           default_linewidth=args.linewidth, optimize=args.optimize)
    save(ds, out / "key_rate.nc")
    fig = plot_rate_matrix(ds.key_rate)
    fig.savefig(out / "key_rate.png", dpi=120)
    rate = ds.key_rate.values
    source = args.comb or f"ideal soliton lines, {args.linewidth / 1e6:.2f} MHz linewidth"
    print(f"network: {args.users} users at {args.distance_km:g} km (+{args.extra_loss_db:g} dB) from the relay, "
          f"comb: {source}, {ds.sizes['wavelength']} wavelengths, {time.perf_counter() - start:.1f} s")
    print(f"  key rate per pair: mean {float(ds.key_rate.mean()):.4g}, min {float(ds.key_rate.min()):.4g} "
          f"{ds.key_rate.attrs['units']} ({int((rate > 0).sum()) // 2} of {args.users * (args.users - 1) // 2} pairs "
          f"with key); BSM visibility {float(ds.bsm_visibility.min()):.3f}–{float(ds.bsm_visibility.max()):.3f} "
          f"({ds.attrs['visibility_model']} model{', optimized settings' if args.optimize else ''})")
    print(f"  written {out / 'key_rate.nc'} and {out / 'key_rate.png'}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="combchip", description="Comb-chip and QKD-chip models.")
    parser.add_argument("--version", action="version", version=f"combchip {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    steps = sub.add_parser("soliton-steps", help="reproduce system A's soliton steps (NetCDF + PNG)")
    steps.add_argument("--out", default="steps", help="output folder (default: steps)")
    steps.add_argument("--modes", type=int, default=512, help="number of modes (default: 512)")
    steps.add_argument("--seed", type=int, default=0, help="first noise seed (default: 0)")
    steps.add_argument("--runs", type=int, default=None, help="batch size, one seed each (default: 8; 1 with --thermal)")
    steps.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    steps.add_argument("--thermal", action="store_true",
                       help="one seed with the ring's heat, scanned at --rate (system A's 167.2 MHz resonance)")
    steps.add_argument("--aux", action="store_true", help="with --thermal: add the parked CH37 aux laser (dual drive)")
    steps.add_argument("--rate", type=float, default=None,
                       help="with --thermal: slow pump scan speed after the thermal-free lead-in into chaos [GHz/µs] "
                            "(default: 0.02, i.e. 20 GHz/ms)")
    layout = sub.add_parser("layout", help="write a chip's GDS and a PNG preview")
    layout.add_argument("cell", choices=["mrr100", "mrr49", "mrr30", "tx-si", "tx-inp", "die"])
    layout.add_argument("--out", required=True, help="output GDS file (.gds)")
    network = sub.add_parser("network", help="key-rate matrix of a fully connected MDI-QKD network (NetCDF + PNG)")
    network.add_argument("--users", type=int, default=4, help="number of users (default: 4)")
    network.add_argument("--distance-km", type=float, required=True, help="fibre from each user to the relay [km]")
    network.add_argument("--extra-loss-db", type=float, default=0.0, help="lumped loss per user [dB] (default: 0)")
    network.add_argument("--comb", default=None,
                         help="simulate_comb or comb_lines NetCDF (default: ideal soliton lines of system A)")
    network.add_argument("--linewidth", type=float, default=SYSTEM_A.soliton_linewidth,
                         help=f"line linewidth of the default comb [Hz] (default: {SYSTEM_A.soliton_linewidth:g}, "
                              "system A's soliton)")
    network.add_argument("--optimize", action="store_true",
                         help="optimize intensities and probabilities along the pair losses (slower)")
    network.add_argument("--out", default="network", help="output folder (default: network)")
    args = parser.parse_args(argv)
    try:
        if args.command == "layout":
            return _layout(args)
        if args.command == "network":
            if args.users < 2:
                raise ValueError(f"--users must be >= 2, got {args.users}")
            if not args.distance_km >= 0:
                raise ValueError(f"--distance-km must be >= 0, got {args.distance_km}")
            if not args.extra_loss_db >= 0:
                raise ValueError(f"--extra-loss-db must be >= 0, got {args.extra_loss_db}")
            return _network(args)
        thermal_runs = args.runs
        args.runs = (1 if args.thermal else 8) if args.runs is None else args.runs
        if args.modes < 8 or args.runs < 1 or args.seed < 0:
            raise ValueError("--modes must be >= 8, --runs >= 1 and --seed >= 0")
        if not args.thermal:
            for flag, given in (("--aux", args.aux), ("--rate", args.rate is not None)):
                if given:
                    raise ValueError(f"{flag} needs --thermal")
            return _soliton_steps(args)
        if thermal_runs not in (None, 1):
            raise ValueError(f"--runs must be 1 with --thermal (one seed per heated scan), got {thermal_runs}")
        args.rate = 0.02 if args.rate is None else args.rate
        if not args.rate > 0:
            raise ValueError(f"--rate must be > 0 GHz/µs, got {args.rate}")
        return _dual_drive(args)
    except ValueError as error:
        print(f"combchip: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"combchip: error: {error.filename or ''}: {error.strerror}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
