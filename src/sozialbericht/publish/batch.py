"""The report step of a batch of districts: compute, execute the notebook, render, export, publish.

One job of the workflow builds the reports of a batch of districts (one district for small runs).
The notebooks of a batch share one kernel. Every district is fingerprinted by the content of
everything its report depends on (its configuration, its national slice, its own data, the code,
the chapter texts, the render settings, last year's published table); a district whose published
report carries the same fingerprint, with outputs that still match their checksums, is left as
it is ("unverändert"). A district that fails is reported and skipped; the others are published;
the job then fails so that the next run retries it.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from sozialbericht.core.checksums import project_files, sha256, tree_checksum
from sozialbericht.core.config import text_files
from sozialbericht.core.errors import InputError, RecordedFailure, ValidationFailed
from sozialbericht.core.pipeline import FAILURE, STATUS
from sozialbericht.report.render import RenderError

log = logging.getLogger("publish_reports")


@dataclass
class Settings:
    """Everything the report step needs besides the members."""

    year: int
    national_dir: Path
    backtest: Path
    work_dir: Path
    reports_dir: Path
    report_dir: Path
    notebook: Path
    catalogue: list
    datasets: dict
    laender: dict
    planning: dict
    engine: str
    requested_engine: str
    formats: list
    code_version: str
    code_checksum: str
    national_inputs: list
    raw_dir: str
    run_file: Path | None = None


def fingerprint(member: dict, s: Settings, own: dict[str, Path]) -> str:
    """What a published report depends on: its configuration, inputs, code and texts by content,
    with file names relative to the project (not where the clone lies) and only the project's own
    files (:func:`checksums.project_files`: untracked files do not count)."""
    kreis = member["config"]["kreis"]
    root = Path.cwd()

    def tree(paths) -> str:
        return tree_checksum([Path(p).resolve() for p in paths], root=root)

    slice_files = sorted((s.national_dir / "kreise" / kreis).glob("*")) + [s.national_dir / "laender" / f"{kreis[:2]}.csv"]
    previous = s.reports_dir / member["id"] / str(s.year - 1) / "indikatoren.csv"
    parts = {
        "config": member["config"],
        "national": tree([p for p in slice_files if p.exists()]),
        "own": tree(list(own.values())),
        "raw_own": member.get("raw_checksums", {}),
        "backtest": sha256(s.backtest) if s.backtest.exists() else "",
        "code": s.code_checksum,
        # the version stamp names the code version: a report built with uncommitted code ("+dirty")
        # is rebuilt once the code is committed, so that its stamp stays true
        "code_version": s.code_version,
        "engine": s.engine,
        "formats": s.formats,
        "planning": s.planning,
        "previous": sha256(previous) if previous.exists() else "",
        # the report project (chapter texts, partials, styles) and the district's own texts, by content
        "report": tree(project_files(s.report_dir)),
        "texts": tree([p for p in _text_files(member["config"]) if Path(p).exists()]),
    }
    return _checksum(parts)


def _checksum(obj) -> str:
    import hashlib

    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def unchanged(target: Path, fp: str) -> bool:
    """The published report has this fingerprint and its files are the ones it lists."""
    manifest = target / "manifest.json"
    if not manifest.exists():
        return False
    try:
        info = json.loads(manifest.read_text(encoding="utf-8"))
    except ValueError:
        return False
    if info.get("fingerprint") != fp:
        return False
    return all(
        (target / name).exists() and sha256(target / name) == out["sha256"] for name, out in info.get("outputs", {}).items()
    )


class StageClock:
    """CPU seconds per stage of one report (this process, its finished children such as Pandoc, and
    the notebook kernel), for the log and the benchmark: ``clock.mark("Notebook")`` after a stage."""

    def __init__(self, kernel_pid: int | None = None):
        import psutil

        self.kernel = psutil.Process(kernel_pid) if kernel_pid else None
        self.stages: dict[str, float] = {}
        self.last = self._now()

    def _now(self) -> float:
        import resource

        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        total = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
        if self.kernel is not None:
            try:
                t = self.kernel.cpu_times()
                total += t.user + t.system
            except Exception:  # the kernel is gone: its time no longer counts
                self.kernel = None
        return total

    def resume(self) -> None:
        """Start timing again after other reports' work (the batch's second phase)."""
        self.last = self._now()

    def mark(self, stage: str) -> None:
        now = self._now()
        self.stages[stage] = self.stages.get(stage, 0.0) + now - self.last
        self.last = now

    def summary(self) -> str:
        return " · ".join(f"{k} {v:.1f}".replace(".", ",") for k, v in self.stages.items()) + " CPU-s"

    @staticmethod
    def memory() -> str:
        """The report process's peak memory so far (its kernel and helpers run as processes of their own)."""
        import resource

        return f"Höchstwert Speicher des Berichtsprozesses {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"


@dataclass
class Prepared:
    """A report between the two phases of its batch: indicators computed, notebook executed."""

    member: dict
    fp: str
    context: dict
    notebook: Path
    clock: StageClock
    seconds: float = 0.0  # wall time of phase 1


def prepare_member(
    member: dict,
    s: Settings,
    run_notebook,
    own: dict[str, Path],
    quality: dict,
    fp: str,
    counselling: dict | None = None,
    clock: StageClock | None = None,
) -> Prepared:
    """Phase 1 of a report (with the batch's notebook kernel running): compute the district's
    indicators and execute its notebook."""
    from sozialbericht.compute import district as district_step

    did, cfg = member["id"], member["config"]
    work = s.work_dir / did
    if work.exists():
        shutil.rmtree(work)
    backtest = json.loads(s.backtest.read_text(encoding="utf-8")).get("bericht") if s.backtest.exists() else None
    previous = s.reports_dir / did / str(s.year - 1) / "indikatoren.csv"
    context = district_step.build(
        district_step.DistrictInputs(
            cfg, own, previous if previous.exists() else None, quality, counselling, _participants(member)
        ),
        district_step.YearInputs(s.year, s.national_dir, s.catalogue, s.datasets, s.laender, s.planning, backtest),
        work / "indikatoren",
    )
    clock = clock or StageClock()
    clock.mark("Kennzahlen")
    notebook = work / "notebook" / "sozialbericht.ipynb"
    run_notebook(
        s.notebook,
        notebook,
        {
            "district": did,
            "year": s.year,
            "work_dir": str((work / "indikatoren").resolve()),
            "report_dir": str(s.report_dir.resolve()),
            "out_dir": str(notebook.parent.resolve()),
            "texte": _texts(cfg),
        },
    )
    clock.mark("Notebook")
    return Prepared(member, fp, context, notebook, clock)


def finish_member(p: Prepared, s: Settings) -> dict:
    """Phase 2 of a report (the kernel is shut down by then, so that its memory and Pandoc's are
    never held at once): render, export and publish."""
    from sozialbericht.publish.atomic import publish
    from sozialbericht.publish.exports import write_xlsx
    from sozialbericht.publish.opendata import dcat, gemeinden_geojson
    from sozialbericht.publish.versioning import checksum, data_version, input_records, manifest, report_metadata
    from sozialbericht.report.render import render

    member, context, notebook, clock = p.member, p.context, p.notebook, p.clock
    did, cfg = member["id"], member["config"]
    work = s.work_dir / did
    clock.resume()
    inputs = input_records([*s.national_inputs, *member.get("raw_files", [])], s.datasets, s.raw_dir)
    stamp = {"data": data_version(inputs), "code": s.code_version, "config": checksum(cfg)}
    timestamp = int(time.mktime((s.year + 1, 1, 1, 0, 0, 0, 0, 0, 0)))
    metadata = report_metadata(context, stamp)
    result = render(
        notebook,
        notebook.parent / "figures",
        work / "render",
        work / "out",
        s.formats,
        metadata,
        s.engine,
        s.report_dir,
        timestamp,
        s.requested_engine,
    )
    clock.mark("Satz")
    if result["warning"]:
        log.warning("%s: %s", did, result["warning"])
    files = {Path(f).name: Path(f) for f in result["outputs"].values()}
    files["indikatoren.csv"] = work / "indikatoren" / "indikatoren.csv"
    files["tabellen.xlsx"] = write_xlsx(
        work / "indikatoren" / "indikatoren.csv", context, work / "out" / "tabellen.xlsx", metadata, work / "indikatoren"
    )
    files["gemeinden.geojson"] = gemeinden_geojson(
        work / "indikatoren" / "gemeinden.geojson",
        files["indikatoren.csv"],
        context["catalogue"],
        work / "out" / "gemeinden.geojson",
    )
    weighting = _weighting_feedback(member, context, work / "indikatoren")
    if context.get("beratung_traeger"):
        from sozialbericht.publish.receipts import write_receipts

        files.update(
            write_receipts(
                context["beratung_traeger"],
                context,
                files["indikatoren.csv"],
                work / "indikatoren" / "beratung_versorgung.csv",
                notebook.parent / "verwendung.json",
                s.report_dir,
                work / "out" / "traeger",
                timestamp,
                metadata["versionsstempel"],
                weighting,
            )
        )
    if weighting:  # the participants without a receipt: a note of their own
        from sozialbericht.publish.participation_notes import FOLDER, write_notes

        receipts = {t["kennung"] for t in (context.get("beratung_traeger") or {}).get("traeger", [])}
        notes = {k: v for k, v in weighting.items() if k not in receipts}
        files.update(write_notes(notes, context, s.report_dir, work / "out" / FOLDER, timestamp, metadata["versionsstempel"]))
    files["metadaten.jsonld"] = dcat(context, metadata, dict(files), work / "out" / "metadaten.jsonld")
    clock.mark("Tabellen und Quittungen")
    info = manifest(inputs, {k: v for k, v in cfg.items() if not k.startswith("_")}, context, stamp, result)
    info["fingerprint"] = p.fp
    published = publish(files, s.reports_dir / did / str(s.year), info)
    clock.mark("Veröffentlichen")
    return published


def _text_files(cfg: dict) -> list[str]:
    return text_files(cfg.get("texte", {}))


def _texts(cfg: dict) -> dict:
    texts = cfg.get("texte", {})
    return {
        "vorwort": str(Path(texts["vorwort"]).resolve()) if texts.get("vorwort") else None,
        "einschaetzungen": {k: str(Path(v).resolve()) for k, v in texts.get("einschaetzungen", {}).items()},
        "stellungnahmen": [{**st, "datei": str(Path(st["datei"]).resolve())} for st in texts.get("stellungnahmen", [])],
        "ersetzen": {k: str(Path(v).resolve()) for k, v in texts.get("ersetzen", {}).items()},
        "kapitel": [{**k, "datei": str(Path(k["datei"]).resolve())} for k in texts.get("kapitel", [])],
    }


def _progress(s: Settings, logs: Path) -> str:
    """ "12 von 401 Berichten fertig, 1 fehlgeschlagen" over every report job of this run."""
    if s.run_file is None or not s.run_file.exists():
        return ""
    run = json.loads(s.run_file.read_text(encoding="utf-8"))
    done = failed = 0
    for f in logs.glob("*.log"):
        if f.stat().st_mtime < run["started"]:
            continue
        for line in f.read_text(encoding="utf-8", errors="replace").splitlines():
            if f"{STATUS}\t" in line:
                done += 1
                failed += "\tfehlgeschlagen\t" in line
    return f"{done} von {run['districts']} Berichten fertig" + (f", {failed} fehlgeschlagen" if failed else "")


def _notebook_error(text: str) -> tuple[str, str]:
    """(file, rest of the message) of an input error's text as the notebook reported it."""
    text = str(text).strip()
    head, _, rest = text.partition(": ")
    return (head, rest) if rest and "\n" not in head else ("Bericht", text)


def _guarded(member: dict, s: Settings, results: dict, work):
    """``work()``, or None when it fails: the district is marked failed with a German reason (an
    input error raised inside the notebook, e.g. in a chapter text, is reported as such)."""
    did = member["id"]
    try:
        try:
            return work()
        except Exception as exc:
            if getattr(exc, "ename", "") in ("InputError", "ValidationFailed", "RenderError"):
                raise InputError(*_notebook_error(exc.evalue)) from None
            raise
    except (InputError, ValidationFailed, RenderError) as err:
        results[did] = {"status": "fehlgeschlagen", "reason": str(err).splitlines()[0]}
        log.error("%s %s", FAILURE, f"Bericht {did} {s.year} nicht veröffentlicht:\n{err}")
    except Exception as err:  # notebook errors and bugs: the traceback stays in the log
        results[did] = {
            "status": "fehlgeschlagen",
            "reason": f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}",
        }
        log.exception("%s Bericht %s %s: interner Fehler (%s)", FAILURE, did, s.year, type(err).__name__)
    log.info("%s\t%s\tfehlgeschlagen\t%s", STATUS, did, results[did]["reason"])
    return None


def _own_data(member: dict) -> tuple[dict[str, Path], dict, dict | None]:
    """A member's staged own tables (name → file), its data-quality hints (Data Docs → hints)
    and counselling summary; raises the failure its ingestion recorded."""
    quality, counselling = {}, None
    for q in member.get("quality", []):
        summary = json.loads(Path(q).read_text(encoding="utf-8"))
        RecordedFailure.check(summary)
        quality[summary.get("docs", q)] = summary.get("warnings", [])
        counselling = summary.get("beratung", counselling)
    own = {f.stem: f for folder in member.get("staged", []) for f in sorted(Path(folder).glob("*.csv"))}
    return own, quality, counselling


def _participants(member: dict) -> list[dict] | None:
    """The participants' weighting workbooks as the ingestion read them (ingest/participation.py)."""
    for folder in member.get("staged", []):
        path = Path(folder) / "beteiligung.json"
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
    return None


def _weighting_feedback(member: dict, context: dict, folder: Path) -> dict[str, dict]:
    """Kennung → the feedback on each participant's weighting of the social index (none without)."""
    participants = _participants(member)
    if not participants:
        return {}
    from sozialbericht.publish.participation_notes import feedback
    from sozialbericht.report.weighting import Weighting

    return feedback(participants, context, Weighting.read(folder))


def build_batch(members: list[dict], s: Settings, log_path: Path | None = None) -> dict:
    """Build every member's report; returns district → status (failed districts included).

    Two phases: every member's indicators and notebook with the batch's kernel, then, with the
    kernel shut down, every member's rendering and publication — so that the job never holds the
    kernel and Pandoc or Typst at once (peak memory)."""
    from sozialbericht.report.notebook import NotebookRunner

    results: dict[str, dict] = {}
    todo = []
    for m in members:
        own_data = _guarded(m, s, results, lambda: _own_data(m))
        if own_data is None:  # its own data did not pass: the reason is logged, the others go on
            continue
        own, quality, counselling = own_data
        fp = fingerprint(m, s, own)
        target = s.reports_dir / m["id"] / str(s.year)
        if unchanged(target, fp):
            results[m["id"]] = {"status": "unverändert", "fingerprint": fp}
            log.info("%s\t%s\tunverändert\t", STATUS, m["id"])
        else:
            todo.append((m, own, fp, quality, counselling))
    prepared = []
    if todo:
        with NotebookRunner() as run_notebook:
            for m, own, fp, quality, counselling in todo:
                started = time.time()
                clock = StageClock(run_notebook.kernel_pid)
                done = _guarded(m, s, results, lambda: prepare_member(m, s, run_notebook, own, quality, fp, counselling, clock))
                if done is not None:
                    done.seconds = time.time() - started
                    prepared.append(done)
    for p in prepared:
        started = time.time()
        info = _guarded(p.member, s, results, lambda: finish_member(p, s))
        if info is None:
            continue
        did = p.member["id"]
        results[did] = {"status": "veröffentlicht", "fingerprint": p.fp, "engine": info["engine"]}
        seconds = p.seconds + time.time() - started
        log.info("%s\t%s\tveröffentlicht\t%s (%.1f s)", STATUS, did, info["engine_version"], seconds)
        log.info("%s: %s", did, p.clock.summary())
        log.info("%s: %s", did, p.clock.memory())
        if log_path is not None:
            progress = _progress(s, log_path.parent)
            if progress:
                log.info("Fortschritt: %s", progress)
    return results
