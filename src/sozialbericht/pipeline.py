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
    log = logging.getLogger(smk.rule)
    try:
        yield log
    except (InputError, ValidationFailed, RenderError) as err:
        log.error("%s\n%s", f"step '{smk.rule}' failed — nothing was published:", err)
        sys.exit(1)


def sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
