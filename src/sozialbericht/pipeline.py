"""Glue for the Snakemake rule scripts: logging to the rule's log file and errors for humans.

A rule script does ``with step(snakemake) as log: …``. An input problem (InputError,
ValidationFailed) ends the job with the readable message on stderr and in the log — no traceback —
and a non-zero exit status, so Snakemake stops everything that depends on it.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from contextlib import contextmanager
from pathlib import Path

from sozialbericht.errors import InputError, ValidationFailed
from sozialbericht.render import RenderError


@contextmanager
def step(smk):
    log_path = Path(smk.log[0]) if smk.log else None
    handlers = [logging.StreamHandler(sys.stderr)]
    if log_path:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_path, mode="w", encoding="utf-8"))
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s", handlers=handlers, force=True)
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    log = logging.getLogger(smk.rule)
    record = _failure_file(smk)
    try:
        yield log
    except (InputError, ValidationFailed, RenderError) as err:
        message = f"step '{smk.rule}'{_wildcards(smk)} failed — nothing was published:\n{err}"
        log.error("%s", message)
        if record:
            record.parent.mkdir(parents=True, exist_ok=True)
            record.write_text(message + "\n", encoding="utf-8")
        sys.exit(1)
    except Exception as err:  # a bug, not an input problem: keep the traceback in the log, summarise
        if record:
            record.parent.mkdir(parents=True, exist_ok=True)
            record.write_text(f"step '{smk.rule}'{_wildcards(smk)} failed with an internal error "
                              f"({type(err).__name__}: {err}); see {log_path}\n", encoding="utf-8")
        raise
    if record and record.exists():
        record.unlink()


def _wildcards(smk) -> str:
    items = [f"{k}={v}" for k, v in smk.wildcards.items()] if hasattr(smk.wildcards, "items") else []
    return f" ({', '.join(items)})" if items else ""


def _failure_file(smk) -> Path | None:
    results = (getattr(smk, "config", None) or {}).get("paths", {}).get("results")
    if not results:
        return None
    name = "_".join([smk.rule, *(str(v) for v in smk.wildcards)]) if smk.wildcards else smk.rule
    return Path(results) / "failures" / f"{name}.txt"


def failure_summary(folder: str | Path) -> str:
    """All failures of the run, one block each, for the end of the Snakemake output."""
    files = sorted(Path(folder).glob("*.txt"))
    if not files:
        return ""
    blocks = [f.read_text(encoding="utf-8").strip() for f in files]
    line = "=" * 78
    return (f"\n{line}\nSUMMARY: {len(files)} step(s) failed; their reports were not published "
            f"(see README, Troubleshooting)\n{line}\n" + "\n\n".join(blocks) + f"\n{line}\n")


def sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
