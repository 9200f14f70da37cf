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
    args = parser.parse_args(argv)
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
