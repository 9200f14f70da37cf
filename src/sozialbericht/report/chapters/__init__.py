"""The chapters of the report: one module per chapter of ``report/kapitel.yaml``, named like its text
(``bevoelkerung.py`` ↔ ``report/kapitel/bevoelkerung.md``; a hyphen of the id becomes an
underscore: ``auf_einen_blick.py`` ↔ ``auf-einen-blick``), and ``common`` with what they share.

Each chapter module has ``build(c)``: it computes the chapter's figures, tables and values from
the shared :class:`common.ReportContext` and hands them to ``c.bericht``; a chapter without data
registers nothing and is left out of the report. ``BUILT_FROM`` names the chapters whose results it reads
(the Zusammenfassung reads Gemeinden, Prognose, Sozialindex and Handlungsbedarfe).

The notebook is a driver: parameters, :func:`common.build_context` once, then a loop over
:func:`in_build_order`, then the output cell. A loop over the registry rather than one line per
chapter, because the list of chapters has one home, ``report/kapitel.yaml``: a new chapter is its
text, its line there and its module, the notebook does not change, and no hand-kept second list can
drift from the first. The order is the reading order of ``kapitel.yaml``, except that a chapter
waits until the chapters it is built from are built (the Zusammenfassung, read second, is built
after the Handlungsbedarfe); the order of building changes nothing in the report, which is
rendered in reading order.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import yaml

from sozialbericht.core.errors import InputError


@dataclass(frozen=True)
class Chapter:
    """A chapter of ``report/kapitel.yaml`` and its module."""

    id: str
    module: ModuleType

    @property
    def built_from(self) -> tuple[str, ...]:
        return tuple(getattr(self.module, "BUILT_FROM", ()))

    def build(self, c) -> None:
        """Build the chapter into the context ``c`` and record that it was built."""
        self.module.build(c)
        c.built.append(self.id)


def module_name(chapter_id: str) -> str:
    """The module of a chapter: its id with underscores for hyphens."""
    return chapter_id.replace("-", "_")


def chapter(chapter_id: str, registry: str = "report/kapitel.yaml") -> Chapter:
    """The chapter ``chapter_id`` with its module (an error names the chapter list without one)."""
    try:
        module = importlib.import_module(f"{__name__}.{module_name(chapter_id)}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{module_name(chapter_id)}":
            raise
        raise InputError(
            registry,
            f"zum Kapitel „{chapter_id}“ gibt es kein Modul, das es berechnet",
            where=f"Kapitel „{chapter_id}“",
            expected=f"die Datei src/sozialbericht/report/chapters/{module_name(chapter_id)}.py mit einer Funktion build(c)",
            hint="einen eigenen Text ohne Berechnung nennt die Kreiskonfiguration (texte.kapitel), nicht kapitel.yaml",
        ) from None
    return Chapter(chapter_id, module)


def chapter_ids(report_dir: str | Path) -> list[str]:
    """The ids of the chapters of ``report_dir/kapitel.yaml``, in reading order."""
    order = yaml.safe_load((Path(report_dir) / "kapitel.yaml").read_text(encoding="utf-8"))
    return [c["id"] for c in order["kapitel"]]


def build_order(ids: list[str], built_from: dict[str, tuple[str, ...]]) -> list[str]:
    """``ids`` in reading order, each chapter moved after the chapters it is built from."""
    unknown = {f"{i} ← {d}" for i in ids for d in built_from.get(i, ()) if d not in ids}
    if unknown:
        raise ValueError(f"chapters built from chapters that report/kapitel.yaml lacks: {sorted(unknown)}")
    done: list[str] = []
    waiting = list(ids)
    while waiting:
        ready = next((i for i in waiting if all(d in done for d in built_from.get(i, ()))), None)
        if ready is None:
            raise ValueError(f"chapters built from each other in a circle: {waiting}")
        done.append(ready)
        waiting.remove(ready)
    return done


def in_build_order(report_dir: str | Path) -> list[Chapter]:
    """Every chapter of ``report_dir/kapitel.yaml`` with its module, in the order to build them."""
    registry = str(Path(report_dir) / "kapitel.yaml")
    chapters = {i: chapter(i, registry) for i in chapter_ids(report_dir)}
    order = build_order(list(chapters), {i: ch.built_from for i, ch in chapters.items()})
    return [chapters[i] for i in order]
