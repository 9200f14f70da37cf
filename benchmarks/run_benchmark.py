"""Measure the workflow: a run from scratch, a no-op rerun and a dry run, in a temporary copy.

Usage: ``make benchmark`` (or ``.venv/bin/python benchmarks/run_benchmark.py``). Prints wall times,
the peak resident memory of the largest single process (ru_maxrss of the children) and the number
of Snakemake jobs, plus Snakemake's per-rule benchmark files. Nothing is asserted: the figures go
into issue notes and the README, never into timed tests.
"""

from __future__ import annotations

import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = Path(sys.executable).parent / "snakemake"
PARTS = ["Snakefile", "rules", "scripts", "config", "notebooks", "data"]


def timed(args: list[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{proc.stderr[-3000:]}")
    return elapsed, proc.stdout + proc.stderr


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sozialbericht-bench-") as tmp:
        work = Path(tmp)
        for part in PARTS:
            src = ROOT / part
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, work / part)
        full, log = timed([str(SNAKEMAKE), "--cores", "2"], work)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        jobs = re.findall(r"(\d+) of \1 steps \(100%\) done", log)
        noop, _ = timed([str(SNAKEMAKE), "--cores", "2"], work)
        dry, _ = timed([str(SNAKEMAKE), "--cores", "2", "--dry-run"], work)
        published = json.loads((work / "results/published/harz/2020/published.json").read_text(encoding="utf-8"))
        print("| measure | value |\n|---|---|")
        print(f"| workflow from scratch (wall) | {full:.1f} s |")
        print(f"| Snakemake jobs | {jobs[-1] if jobs else '?'} |")
        print(f"| peak RSS of the largest process | {peak_mb:.0f} MB |")
        print(f"| rerun with nothing changed (wall) | {noop:.1f} s |")
        print(f"| dry run (wall) | {dry:.1f} s |")
        print(f"| render engine | {published['engine']} ({published['engine_version']}) |")
        print("\nPer rule (Snakemake benchmark files: s = wall seconds, max_rss in MB):")
        for tsv in sorted((work / "results" / "benchmarks").rglob("*.tsv")):
            header, values = tsv.read_text().splitlines()[:2]
            row = dict(zip(header.split("\t"), values.split("\t")))
            print(f"  {tsv.relative_to(work / 'results' / 'benchmarks')}: s={float(row['s']):.1f} max_rss={row['max_rss']}")


if __name__ == "__main__":
    main()
