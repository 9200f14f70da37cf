"""Measure the workflow in a temporary copy and write ``results/benchmarks/summary.md``.

Usage: ``make benchmark`` (or ``.venv/bin/python benchmarks/run_benchmark.py [--districts SEL]``).

Measured, in this order:

1. the example district from scratch (national steps + Harz);
2. a no-op rerun (nothing changed) and a dry run;
3. a Land (default ``land:15``, 14 districts, national data only) on top of it: CPU seconds per
   district from Snakemake's benchmark files of the report jobs;
4. the DAG of every Kreis of Germany (``DISTRICTS=all``, dry run): how long planning takes.

Per rule, Snakemake's benchmark files (wall s, CPU s, peak RSS) are summed. Nothing is asserted:
the figures go into the README and issue notes, never into timed tests.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = Path(sys.executable).parent / "snakemake"
PARTS = ["Snakefile", "rules", "scripts", "config", "notebooks", "report", "profiles", "data"]


def run(args: list[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{(proc.stdout + proc.stderr)[-3000:]}")
    return elapsed, proc.stdout + proc.stderr


def rule_benchmarks(results: Path) -> dict[str, dict[str, float]]:
    """Per rule: number of jobs, summed wall and CPU seconds, largest peak RSS (MB)."""
    out: dict[str, dict[str, float]] = defaultdict(lambda: {"jobs": 0, "s": 0.0, "cpu": 0.0, "max_rss": 0.0})
    for tsv in sorted((results / "benchmarks").rglob("*.tsv")):
        with tsv.open() as fh:
            row = next(csv.DictReader(fh, delimiter="\t"))
        top = tsv.parent == results / "benchmarks"
        rule = re.sub(r"_\d{4}$", "", tsv.stem) if top else tsv.parent.name
        out[rule]["jobs"] += 1
        out[rule]["s"] += float(row["s"])
        out[rule]["cpu"] += float(row.get("cpu_time") or 0)
        out[rule]["max_rss"] = max(out[rule]["max_rss"], float(row["max_rss"] or 0))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--districts", default="land:15", help="selection for the multi-district measurement")
    args = parser.parse_args()
    from sozialbericht.render import quarto_executable

    engine = "Quarto + Typst" if quarto_executable() else "built-in Pandoc + Typst"
    lines = [
        "# Benchmarks",
        "",
        f"Machine: {os.cpu_count()} cores; `snakemake --cores 2`; render engine: {engine}; measured {time.strftime('%Y-%m-%d')}.",
        "",
    ]
    with tempfile.TemporaryDirectory(prefix="sozialbericht-bench-") as tmp:
        work = Path(tmp)
        for part in PARTS:
            src = ROOT / part
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, work / part)
        snake = [str(SNAKEMAKE), "--cores", "2", "--quiet", "rules"]
        full, _ = run(snake, work)
        after_first = rule_benchmarks(work / "results")
        noop, _ = run(snake, work)
        dry, _ = run([*snake, "--dry-run"], work)
        many, _ = run([*snake, "--config", f"districts=['{args.districts}']"], work)
        total = rule_benchmarks(work / "results")
        dag, out = run([*snake, "--dry-run", "--config", "districts=['all']"], work)
        jobs_all = re.search(r"^total\s+(\d+)", out, flags=re.M)
        reports = total["publish_reports"]
        first_reports = after_first["publish_reports"]
        n_many = len(list((work / "reports").iterdir())) - 1
        cpu_per_district = (reports["cpu"] - first_reports["cpu"]) / max(n_many, 1)
        lines += [
            "| measure | value |",
            "|---|---|",
            f"| example district from scratch (all national steps + Harz, wall) | {full:.0f} s |",
            f"| rerun with nothing changed (wall) | {noop:.1f} s |",
            f"| dry run (wall) | {dry:.1f} s |",
            f"| {n_many} more districts ({args.districts}, national data only, wall) | {many:.0f} s |",
            f"| CPU per district, national data only (report jobs of {args.districts}; Snakemake's sampled cpu_time) | "
            f"{cpu_per_district:.1f} CPU-s |",
            f"| upper bound from wall time (2 cores × wall / districts) | {2 * many / max(n_many, 1):.1f} CPU-s |",
            f"| CPU of the example district with small-area data (report job) | {first_reports['cpu']:.1f} CPU-s |",
            f"| planning the DAG of every Kreis of Germany (`DISTRICTS=all`, dry run, wall) | {dag:.1f} s "
            f"({jobs_all.group(1) if jobs_all else '?'} jobs) |",
            f"| national steps once for all districts (CPU) | "
            f"{sum(v['cpu'] for k, v in after_first.items() if k != 'publish_reports' and k != 'ingest_district_data'):.0f} CPU-s |",
            f"| largest peak memory of a job | {max(v['max_rss'] for v in total.values()):.0f} MB "
            f"({max(total, key=lambda k: total[k]['max_rss'])}) |",
            "",
            "Per rule (summed over jobs; Snakemake benchmark files):",
            "",
            "| rule | jobs | wall s | CPU s | peak RSS MB |",
            "|---|--:|--:|--:|--:|",
        ]
        lines += [
            f"| {rule} | {v['jobs']} | {v['s']:.1f} | {v['cpu']:.1f} | {v['max_rss']:.0f} |" for rule, v in sorted(total.items())
        ]
    text = "\n".join(lines) + "\n"
    target = ROOT / "results" / "benchmarks" / "summary.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(text)
    print(f"written: {target}")


if __name__ == "__main__":
    main()
