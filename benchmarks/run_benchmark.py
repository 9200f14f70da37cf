"""Measure the workflow in a temporary copy and write ``results/benchmarks/summary.md``.

Usage: ``make benchmark`` (or ``.venv/bin/python benchmarks/run_benchmark.py [--districts SEL]``).

Measured, in this order:

1. the example district from scratch (national steps + Harz);
2. a no-op rerun (nothing changed) and a dry run;
3. a Land (default ``land:15``, 14 districts, national data only) on top of it: CPU seconds per
   district from Snakemake's benchmark files of the report jobs;
4. the DAG of every Kreis of Germany (``DISTRICTS=all``, dry run): how long planning takes;
5. what a district with its own small-area data adds: the Land built from the national results
   with and without it (five pairs of runs in fresh copies; the figure is the median of their CPU
   differences, every pair is printed because the difference of two runs is noisy);
6. hostile provider workbooks (tests/hostile_workbooks.py at the sizes of issue 23: a part that
   unpacks to 3 GiB, a stray cell in XFD1048576, a million rows, a damaged sheet, absurd counts):
   each read by the counselling reader in a process of its own, wall time and peak memory
   (``--hostile`` measures only these);
7. with ``--all`` (``make benchmark ALL=1``): every Kreis of Germany from clean in a second fresh
   copy, its no-op rerun, what a changed district configuration reruns, and the page check of
   every published PDF (pages checked, reports with overprinted or cut words).

Per rule, Snakemake's benchmark files (wall s, CPU s, peak RSS) are summed. Nothing is asserted:
the figures go into the README and issue notes, never into timed tests.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = Path(sys.executable).parent / "snakemake"
PARTS = ["Snakefile", "rules", "scripts", "config", "notebooks", "report", "profiles", "data"]


CPU = {"last": 0.0}  # CPU seconds of the last run(): every process it started (jobs, kernels, Pandoc …)


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(args: list[str], cwd: Path) -> tuple[float, str]:
    """Wall seconds and output of a command; its CPU seconds (all descendants) in CPU["last"]."""
    start, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    CPU["last"] = _children_cpu() - cpu
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{(proc.stdout + proc.stderr)[-3000:]}")
    return elapsed, proc.stdout + proc.stderr


def stage_cpu(results: Path, skip: set[str]) -> tuple[int, dict[str, float]]:
    """Mean CPU seconds per stage of the report jobs, from the "<district>: Kennzahlen … CPU-s"
    lines of their logs (districts in ``skip`` left out)."""
    sums: dict[str, float] = defaultdict(float)
    n = 0
    for log in sorted((results / "logs" / "publish_reports").glob("*.log")):
        for line in log.read_text(encoding="utf-8").splitlines():
            m = re.search(r"INFO (\S+): (.+) CPU-s$", line)
            if not m or m.group(1) in skip:
                continue
            n += 1
            for part in m.group(2).split(" · "):
                name, value = part.rsplit(" ", 1)
                sums[name] += float(value.replace(",", "."))
    return n, {k: v / max(n, 1) for k, v in sums.items()}


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


def copy_project(work: Path) -> None:
    """What a run needs, copied into ``work`` (results and reports start empty)."""
    for part in PARTS:
        src = ROOT / part
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, work / part)


def _national_state(base: Path, dest: Path) -> None:
    """A copy of ``base`` with its national results but nothing of any district (no reports, no
    staged own data, no report work)."""
    shutil.copytree(base, dest, symlinks=True)
    for gone in ["reports", "results/published", "results/work", "results/staged/districts"]:
        shutil.rmtree(dest / gone, ignore_errors=True)
    for p in (dest / "results" / "validation").glob("*"):
        if "national" not in p.name:
            shutil.rmtree(p) if p.is_dir() else p.unlink()


def own_data_marginal(base: Path, snake: list[str], selection: str, repeats: int = 5) -> tuple[float, list[str], list]:
    """CPU seconds a district with its own small-area data adds to a run: ``selection`` built
    from the national results with and without the districts of it that have own data (the
    difference of the two runs' CPU, every process, ÷ their number). The difference of two runs
    of about 30 CPU-s each varies by ±2 s on a shared 2-core machine: the median of ``repeats``
    pairs is returned, with every pair's value."""
    diffs, own = [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory(prefix="sozialbericht-bench-own-") as tmp:
            with_own, without = Path(tmp) / "with", Path(tmp) / "without"
            _national_state(base, with_own)
            run([*snake, "--config", f"districts=['{selection}']"], with_own)
            cpu_with = CPU["last"]
            configs = [
                json.loads(m.read_text(encoding="utf-8"))["config"]
                for m in sorted((with_own / "reports").glob("*/*/manifest.json"))
            ]
            own = [c["id"] for c in configs if c.get("small_area_data")]
            others = ", ".join(f"'{c['kreis']}'" for c in configs if not c.get("small_area_data"))
            _national_state(base, without)
            run([*snake, "--config", f"districts=[{others}]"], without)
            diffs.append((cpu_with - CPU["last"]) / max(len(own), 1))
    return statistics.median(diffs), own, diffs


def every_kreis(snake: list[str]) -> list[str]:
    """``DISTRICTS=all`` in a fresh copy: from clean (national steps and every report), the no-op
    rerun, and what one district's changed configuration reruns."""
    with tempfile.TemporaryDirectory(prefix="sozialbericht-bench-all-") as tmp:
        work = Path(tmp)
        copy_project(work)
        everything = [*snake, "--keep-going", "--config", "districts=['all']"]
        wall, _ = run(everything, work)
        cpu = CPU["last"]
        n = len(list((work / "reports").iterdir()))
        layout = page_layout(work / "reports")
        again, _ = run(everything, work)
        changed = work / "config" / "districts" / "salzlandkreis.yaml"
        changed.write_text(changed.read_text(encoding="utf-8").replace('version: "1"', 'version: "2"'), encoding="utf-8")
        _, plan = run([*everything, "--dry-run"], work)
        jobs = dict(re.findall(r"^(\w+)\s+(\d+)$", plan, flags=re.M))
        one, _ = run(everything, work)
        reports = rule_benchmarks(work / "results")["publish_reports"]
        return [
            f"Every Kreis of Germany from clean (`DISTRICTS=all`: national steps and {n} reports): "
            f"**{wall / 60:.1f} min wall**, {cpu:.0f} CPU-s ({cpu / max(n, 1):.1f} per report, national steps included); "
            f"a second run with nothing changed: {again:.1f} s; one district's configuration changed "
            f"(Salzlandkreis, `version`): jobs planned {', '.join(f'{k} {v}' for k, v in sorted(jobs.items()) if k != 'total')}, "
            f"{one:.1f} s; largest peak memory of a report job: {reports['max_rss']:.0f} MB ({reports['jobs']:.0f} report jobs).",
            layout,
        ]


def page_layout(reports: Path) -> str:
    """The page check (`sozialbericht seitenpruefung`) over every published PDF: pages checked and
    reports with overprinted words, cut words or text off the page."""
    from collections import Counter

    from sozialbericht.tools.pagecheck import check_tree

    start = time.perf_counter()
    pdfs, pages, defects = check_tree(reports)
    bad = Counter(d.pdf for d in defects)
    main_reports = sum(1 for _ in reports.rglob("sozialbericht.pdf"))
    worst = ", ".join(f"{p.parent.parent.name} ({k})" for p, k in bad.most_common(5))
    return (
        f"Page check of every PDF (`sozialbericht seitenpruefung`): {pdfs} PDFs ({main_reports} reports), {pages} pages, "
        f"{len(defects)} findings in {len(bad)} PDFs{f' — most: {worst}' if worst else ''}; {time.perf_counter() - start:.0f} s."
    )


_PROBE = """
import json, re, sys, time
from pathlib import Path
import yaml
start = time.perf_counter()
from sozialbericht.ingest.counselling.workbook import read_provider
def peak():  # MB; VmHWM, unlike ru_maxrss, is not inherited from the parent across exec
    return int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read())[1]) / 1024
kreis = json.loads(Path(sys.argv[3]).read_text(encoding="utf-8"))
p = read_provider(Path(sys.argv[1]), yaml.safe_load(open(sys.argv[2], encoding="utf-8")), kreis["names"], kreis["population"])
print(json.dumps({"status": p["status"], "fehler": (p["fehler"] or [""])[0][:90], "s": time.perf_counter() - start,
                  "rss": peak()}, ensure_ascii=False))
"""


def hostile_workbooks() -> list[str]:
    """Each workbook of the hostile corpus (full sizes) read in a fresh process: size on disk,
    wall seconds (including Python's start and imports), peak RSS, and the outcome."""
    sys.path.insert(0, str(ROOT / "tests"))
    from hostile_workbooks import corpus

    from sozialbericht.core.config import load_yaml
    from sozialbericht.ingest.own_data import current_gemeinden, gemeinde_population
    from sozialbericht.ingest.staging import stage_table

    gv = load_yaml(ROOT / "config" / "datasets.yaml")["gemeindeverzeichnis"]
    directory = stage_table(gv, [ROOT / "data" / "raw" / f for f in gv["files"]])
    names = current_gemeinden(directory, "15085")
    kreis = {"names": names, "population": gemeinde_population(directory, names)}
    valid = ROOT / "data" / "raw" / "harz" / "beratung" / "traeger-a_2020.xlsx"
    lines = [
        "Hostile provider workbooks (tests/hostile_workbooks.py, full sizes; each read by the counselling reader in a "
        "process of its own, limits of config/config.yaml `arbeitsmappen`):",
        "",
        "| workbook | on disk | wall s | peak RSS MB | outcome |",
        "|---|--:|--:|--:|---|",
    ]
    with tempfile.TemporaryDirectory(prefix="sozialbericht-hostile-") as tmp:
        (Path(tmp) / "kreis.json").write_text(json.dumps(kreis), encoding="utf-8")
        files = {"gültige Arbeitsmappe (Vergleich)": valid, **corpus(valid, valid, Path(tmp) / "corpus", full=True)}
        for name, path in files.items():
            proc = subprocess.run(
                [sys.executable, "-c", _PROBE, str(path), str(ROOT / "config" / "beratung.yaml"), str(Path(tmp) / "kreis.json")],
                capture_output=True,
                text=True,
                check=False,
                env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
            )
            if proc.returncode:
                lines.append(f"| {name} | {path.stat().st_size / 1e6:.2f} MB | – | – | **abgebrochen** ({proc.returncode}) |")
                continue
            out = json.loads(proc.stdout)
            outcome = "gelesen" if out["status"] == "ok" else f"abgelehnt: {out['fehler']}"
            lines.append(f"| {name} | {path.stat().st_size / 1e6:.2f} MB | {out['s']:.2f} | {out['rss']:.0f} | {outcome} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--districts", default="land:15", help="selection for the multi-district measurement")
    parser.add_argument("--all", action="store_true", help="also build every Kreis of Germany on top (about 10 minutes)")
    parser.add_argument("--hostile", action="store_true", help="measure only the hostile provider workbooks")
    args = parser.parse_args()
    if args.hostile:
        print("\n".join(hostile_workbooks()))
        return
    from sozialbericht.report.render import quarto_executable

    engine = "Quarto + Typst" if quarto_executable() else "built-in Pandoc + Typst"
    lines = [
        "# Benchmarks",
        "",
        f"Machine: {os.cpu_count()} cores; `snakemake --cores 2`; render engine: {engine}; measured {time.strftime('%Y-%m-%d')}.",
        "",
    ]
    with tempfile.TemporaryDirectory(prefix="sozialbericht-bench-") as tmp:
        work = Path(tmp)
        copy_project(work)
        snake = [str(SNAKEMAKE), "--cores", "2", "--quiet", "rules"]
        full, _ = run(snake, work)
        full_cpu = CPU["last"]
        after_first = rule_benchmarks(work / "results")
        harz_n, harz_stages = stage_cpu(work / "results", set())
        noop, _ = run(snake, work)
        noop_cpu = CPU["last"]
        dry, _ = run([*snake, "--dry-run"], work)
        before = {p.name for p in (work / "reports").iterdir()}
        many, _ = run([*snake, "--config", f"districts=['{args.districts}']"], work)
        many_cpu = CPU["last"]
        total = rule_benchmarks(work / "results")
        many_n, many_stages = stage_cpu(work / "results", before)
        dag, out = run([*snake, "--dry-run", "--config", "districts=['all']"], work)
        jobs_all = re.search(r"^total\s+(\d+)", out, flags=re.M)
        n_many = len(list((work / "reports").iterdir())) - len(before)
        marginal = (many_cpu - noop_cpu) / max(n_many, 1)
        peak = max(total, key=lambda k: total[k]["max_rss"])
        own_marginal, own_ids, own_runs = own_data_marginal(work, snake, args.districts)
        lines += [
            "| measure | value |",
            "|---|---|",
            f"| example district from scratch (all national steps + Harz, wall) | {full:.0f} s |",
            f"| rerun with nothing changed (wall) | {noop:.1f} s |",
            f"| dry run (wall) | {dry:.1f} s |",
            f"| {n_many} more districts ({args.districts}, national data only, wall) | {many:.0f} s |",
            f"| **marginal CPU per district, national data only** ({args.districts}: CPU of the whole run, every process, "
            f"minus a no-op run, ÷ {n_many}) | **{marginal:.1f} CPU-s** |",
            f"| of it per report, by stage (mean of {many_n} report logs) | "
            + " · ".join(f"{k} {v:.2f}" for k, v in many_stages.items())
            + " CPU-s |",
            f"| **marginal CPU per district with small-area data** ({args.districts} from the national results with and "
            f"without {', '.join(own_ids)}: difference of the two runs' CPU, every process; median of {len(own_runs)} pairs: "
            f"{', '.join(f'{x:.1f}' for x in own_runs)}) | **{own_marginal:.1f} CPU-s** |",
            f"| the example district from scratch: CPU of everything (national steps once + Harz) | {full_cpu:.0f} CPU-s |",
            f"| the example district alone: its own jobs (ingest + report stages; a batch of its own, first notebook of its kernel) | "
            f"{after_first.get('ingest_district_data', {}).get('cpu', 0) + sum(harz_stages.values()):.1f} CPU-s "
            f"({' · '.join(f'{k} {v:.1f}' for k, v in harz_stages.items())}; ingest "
            f"{after_first.get('ingest_district_data', {}).get('cpu', 0):.1f}) |",
            f"| planning the DAG of every Kreis of Germany (`DISTRICTS=all`, dry run, wall) | {dag:.1f} s "
            f"({jobs_all.group(1) if jobs_all else '?'} jobs) |",
            f"| national steps once for all districts (CPU) | "
            f"{sum(v['cpu'] for k, v in after_first.items() if k != 'publish_reports' and k != 'ingest_district_data'):.0f} CPU-s |",
            f"| largest peak memory of a job | {total[peak]['max_rss']:.0f} MB ({peak}) |",
            "",
            "Per rule (summed over jobs; Snakemake benchmark files):",
            "",
            "| rule | jobs | wall s | CPU s | peak RSS MB |",
            "|---|--:|--:|--:|--:|",
        ]
        lines += [
            f"| {rule} | {v['jobs']} | {v['s']:.1f} | {v['cpu']:.1f} | {v['max_rss']:.0f} |" for rule, v in sorted(total.items())
        ]
    lines += ["", *hostile_workbooks()]
    if args.all:
        lines += ["", *every_kreis(snake)]
    text = "\n".join(lines) + "\n"
    target = ROOT / "results" / "benchmarks" / "summary.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(text)
    print(f"written: {target}")


if __name__ == "__main__":
    main()
