"""The ``combchip`` command."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def _soliton_steps(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from .io import save
    from .lines import comb_lines
    from .plotting import plot_summary
    from .reproduce import soliton_steps

    start = time.perf_counter()
    seeds = list(range(args.seed, args.seed + args.runs))
    ds, plateaus = soliton_steps(seeds=seeds, modes=args.modes, progress=not args.no_progress)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
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


def _layout(args) -> int:
    from combchip.layouts.chips import build

    start = time.perf_counter()
    path = build(args.cell, Path(args.out))
    print(f"{args.cell}: wrote {path} and {path.with_suffix('.png')} in {time.perf_counter() - start:.1f} s")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="combchip", description="Comb-chip and QKD-chip models.")
    sub = parser.add_subparsers(dest="command", required=True)
    steps = sub.add_parser("soliton-steps", help="reproduce system A's soliton steps (NetCDF + PNG)")
    steps.add_argument("--out", default="steps", help="output folder (default: steps)")
    steps.add_argument("--modes", type=int, default=512, help="number of modes (default: 512)")
    steps.add_argument("--seed", type=int, default=0, help="first noise seed (default: 0)")
    steps.add_argument("--runs", type=int, default=8, help="batch size, one seed each (default: 8)")
    steps.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    layout = sub.add_parser("layout", help="write a chip's GDS and a PNG preview")
    layout.add_argument("cell", choices=["mrr100", "mrr49", "mrr30", "tx-si", "tx-inp", "die"])
    layout.add_argument("--out", required=True, help="output GDS file (.gds)")
    args = parser.parse_args(argv)
    try:
        if args.command == "layout":
            if not args.out.endswith(".gds"):
                raise ValueError(f"--out must end in .gds, got {args.out!r}")
            return _layout(args)
        if args.modes < 8 or args.runs < 1 or args.seed < 0:
            raise ValueError("--modes must be >= 8, --runs >= 1 and --seed >= 0")
        return _soliton_steps(args)
    except ValueError as error:
        print(f"combchip: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
