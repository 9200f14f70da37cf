"""Command line: ``sozialbericht diff FROM TO`` prints what changed between two report versions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from sozialbericht.changes import WORKTREE, diff_refs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sozialbericht", description="Sozialbericht pipeline tools")
    sub = parser.add_subparsers(dest="command", required=True)
    diff = sub.add_parser("diff", help="German summary of the changed indicators between two git refs")
    diff.add_argument("from_ref", help="git ref of the old version (tag, branch, commit)")
    diff.add_argument("to_ref", nargs="?", default=WORKTREE, help=f"git ref of the new version (default: {WORKTREE}, the files on disk)")
    diff.add_argument("--threshold", type=float, default=None, help="report changes above this percent of the old value "
                      "(default: diff.threshold_percent in config/config.yaml)")
    diff.add_argument("--markdown", type=Path, help="also write the summary to this Markdown file (for a merge request)")
    diff.add_argument("--root", type=Path, default=Path("."), help="project root (default: current folder)")
    gen = sub.add_parser("generate", help="write SYNTHETIC small-area example data for a district, calibrated to "
                         "the real Kreis totals of the national files")
    gen.add_argument("district", help="district id (config/districts/<id>.yaml with small_area_data.folder)")
    gen.add_argument("--years", default=None, help="first-last year, e.g. 2017-2020 (default: two years before "
                     "the district's base year … the report year)")
    gen.add_argument("--seed", type=int, default=2020, help="random seed (same seed, same files)")
    args = parser.parse_args(argv)
    if args.command == "generate":
        return _generate(args)
    threshold = args.threshold
    if threshold is None:
        cfg = yaml.safe_load((args.root / "config" / "config.yaml").read_text(encoding="utf-8"))
        threshold = float(cfg.get("diff", {}).get("threshold_percent", 1.0))
    text = diff_refs(args.from_ref, args.to_ref, args.root, threshold)
    sys.stdout.write(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())


def _generate(args) -> int:
    from sozialbericht.config import load_project
    from sozialbericht.staging import stage_table
    from sozialbericht.synthetic import generate

    config = yaml.safe_load(Path("config/config.yaml").read_text(encoding="utf-8"))
    config["districts"] = [args.district]
    project = load_project(config)
    district = project.districts[args.district]
    if "small_area_data" not in district:
        raise SystemExit(f"config/districts/{args.district}.yaml has no small_area_data.folder")
    first, last = (int(y) for y in args.years.split("-")) if args.years else (project.year - 3, project.year)
    tables = {name: stage_table(project.datasets[name], [project.raw_path(f) for f in project.datasets[name]["files"]])
              for name in ("bevoelkerung_alter", "arbeitslose", "gemeindeverzeichnis")}
    out = project.raw_path(district["small_area_data"]["folder"])
    files = generate(district["kreis"], list(range(first, last + 1)), tables["bevoelkerung_alter"], tables["arbeitslose"],
                     tables["gemeindeverzeichnis"], out, seed=args.seed)
    for path in files.values():
        print(f"written {path} (SYNTHETIC example data)")
    return 0
