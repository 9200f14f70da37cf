"""Glue for the Snakemake rule scripts: logging to the rule's log file, errors for humans and the
summary at the end of a run.

A rule script does ``with step(snakemake) as log: …``. An input problem (InputError,
ValidationFailed, RenderError) ends the job with the readable message — no traceback — and a
non-zero exit status, so Snakemake stops everything that depends on it. A job writes only its
declared outputs and its log; the summary at the end of the run is read from the logs, so that
the same works on a cluster.
"""

from __future__ import annotations

import logging
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from sozialbericht.core.errors import InputError, RenderError, ValidationFailed

#: Lines of a log that the run summary reads: "STATUS\t<district>\t<status>\t<reason>".
STATUS = "STATUS"
FAILURE = "FEHLER"


def return_freed_memory() -> None:
    """Let glibc hand large freed blocks (pandas' columns) back to the system at once.

    By default glibc raises its mmap threshold each time such a block is freed; afterwards
    freed columns stay in the process, and a step's peak memory becomes the sum of all its
    intermediate tables. A fixed threshold of 1 MiB keeps every large block in mmap (measured:
    national validation 408 → 380 MB, national computation 356 → 304 MB and 10,2 → 9,2 CPU-s;
    128 KiB frees as much but costs a quarter more CPU). Not glibc (macOS, musl): nothing to do."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").mallopt(-3, 1 << 20)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        pass


@contextmanager
def step(smk):
    return_freed_memory()
    log_path = Path(smk.log[0]) if smk.log else None
    handlers = [logging.StreamHandler(sys.stderr)]
    if log_path:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_path, mode="w", encoding="utf-8"))
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s", handlers=handlers, force=True)
    for noisy in ("great_expectations", "papermill", "traitlets", "fontTools", "matplotlib"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    log = logging.getLogger(smk.rule)
    try:
        yield log
    except (InputError, ValidationFailed, RenderError) as err:
        log.error("%s %s", FAILURE, f"Schritt „{smk.rule}“{_wildcards(smk)} fehlgeschlagen – nichts wurde veröffentlicht:\n{err}")
        sys.exit(1)
    except Exception as err:  # a bug, not an input problem: keep the traceback in the log
        log.exception(
            "%s Schritt „%s“%s: interner Fehler (%s: %s); Einzelheiten im Protokoll %s",
            FAILURE,
            smk.rule,
            _wildcards(smk),
            type(err).__name__,
            err,
            log_path,
        )
        sys.exit(1)


def _wildcards(smk) -> str:
    items = [f"{k}={v}" for k, v in smk.wildcards.items()] if hasattr(smk.wildcards, "items") else []
    return f" ({', '.join(items)})" if items else ""


def failures(logs: Path, since: float) -> list[str]:
    """The error messages of every job that failed in this run (its log written since ``since``)."""
    out = []
    for log in sorted(Path(logs).rglob("*.log")):
        if log.stat().st_mtime < since:
            continue
        current: list[str] | None = None
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith(f"ERROR {FAILURE} "):
                current = [line[len(f"ERROR {FAILURE} ") :]]
                out.append(current)
            elif current is not None and not line.startswith(("INFO ", "WARNING ", "ERROR ", "Traceback", STATUS)):
                current.append(line)
            else:
                current = None
    return ["\n".join(block).rstrip() for block in out]


def statuses(logs: Path, since: float) -> dict[str, tuple[str, str]]:
    """District → (status, first line of the reason) from the report jobs' logs of this run."""
    out = {}
    for log in sorted(Path(logs).rglob("*.log")):
        if log.stat().st_mtime < since:
            continue
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split(f"{STATUS}\t", 1)
            if len(parts) == 2:
                fields = parts[1].split("\t")
                out[fields[0]] = (fields[1], fields[2] if len(fields) > 2 else "")
    return out


def run_summary(logs: Path, since: float, districts: list[str], ok: bool, invalid: dict[str, str] | None = None) -> str:
    """The table printed at the end of a run: published, failed (first line of the reason),
    unchanged — and every failed step's full message. ``invalid``: district id → the message of
    its configuration file that failed the check (the district did not run, the others did)."""
    invalid = invalid or {}
    status = statuses(logs, since)
    status.update({d: ("fehlgeschlagen", "Kreiskonfiguration: " + m.splitlines()[0]) for d, m in invalid.items()})
    districts = [*districts, *(d for d in invalid if d not in districts)]
    rows = {"veröffentlicht": [], "unverändert": [], "fehlgeschlagen": []}
    for d in districts:
        st, reason = status.get(d, ("unverändert" if ok else "nicht gelaufen", ""))
        rows.setdefault(st, []).append((d, reason))
    line = "=" * 78
    out = [line, f"ZUSAMMENFASSUNG ({time.strftime('%H:%M:%S')}): {len(districts)} Bericht(e)"]
    for st in ("veröffentlicht", "unverändert", "fehlgeschlagen", "nicht gelaufen"):
        items = rows.get(st, [])
        if not items:
            continue
        out.append(f"  {st}: {len(items)}")
        if st in ("fehlgeschlagen", "nicht gelaufen") or len(items) <= 20:
            out += [f"    - {d}" + (f": {r}" if r else "") for d, r in items]
    messages = [*invalid.values(), *failures(logs, since)]
    if messages:
        out.append(
            f"{len(messages)} Schritt(e) fehlgeschlagen; ihre Berichte wurden nicht veröffentlicht (siehe README, Fehlerbehebung):"
        )
        out += ["", *messages]
    out.append(line)
    return "\n".join(out)
