"""Writing the report: figures and tables with captions, named values for the chapter texts and
the chapter templates of ``report/kapitel/``.

The chapters (``report/chapters/``) compute figures and tables and hand values to
:class:`Bericht`; the German prose lives in Markdown templates (Jinja2) that a planner edits
without touching code::

    Im Jahr {{ jahr }} lebten {{ kreis.im }} {{ bevoelkerung.kreis }} Menschen.

Every number is formatted by the one German formatter (``formatting``). A district may replace
any chapter text or add its own chapters through files named in its configuration (``texte``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jinja2
import yaml

from sozialbericht.core import formatting as fmt
from sozialbericht.core.errors import InputError
from sozialbericht.core.untrusted import Markdown, md_text
from sozialbericht.report.data import DistrictData
from sozialbericht.report.markdown import LISTS_MARKER, figure_lists, md_figure, md_table, numbering
from sozialbericht.report.names import kreis_context, land_context
from sozialbericht.report.templates import template_error, templates
from sozialbericht.report.values import Indikator


def chapter_list(report_dir: Path) -> list[dict]:
    """The chapters of ``report_dir/kapitel.yaml`` in order, each with the path of its text."""
    order = yaml.safe_load((Path(report_dir) / "kapitel.yaml").read_text(encoding="utf-8"))
    return [{**c, "datei": str(Path(report_dir) / "kapitel" / c["datei"])} for c in order["kapitel"]]


class Bericht:
    """Collects figures, tables and values of the chapters and renders the chapter templates.

    ``report_dir``: the project's ``report/`` (chapter list ``kapitel.yaml``, templates
    ``kapitel/*.md``); ``out_dir``: the folder of the executed notebook (figures are written to
    ``out_dir/figures``, referenced relative to it); ``overrides``: chapter id → template file of
    the district (replacing a chapter text); ``extra``: own chapters of the district
    ``[{id, titel, datei, nach}]``; ``foreword``: the district's foreword (Markdown), an
    unnumbered first chapter; ``assessments``: chapter id → the planning office's assessment
    (Markdown with placeholders) closing that chapter.
    """

    def __init__(
        self,
        data: DistrictData,
        report_dir: Path,
        out_dir: Path,
        save_figure,
        overrides: dict | None = None,
        extra: list | None = None,
        figures_dir: str = "figures",
        foreword: str | None = None,
        assessments: dict | None = None,
    ):
        self.data = data
        self.report_dir = Path(report_dir)
        self.out_dir = Path(out_dir)
        self.figures_dir = figures_dir
        self._save = save_figure
        self.figures: dict[str, str] = {}
        self.tables: dict[str, str] = {}
        self.values: dict[str, dict] = {}
        self.uses: dict[str, list[str]] = {}  # figure/table id → groups of input data it shows
        self.numbers: list[dict] = []
        self.chapters = chapter_list(self.report_dir)
        self._replace_texts(overrides or {})
        self._insert_own(extra or [], foreword)
        self.assessments = dict(assessments or {})
        self._check_chapters_named(self.assessments, "texte.einschaetzungen")
        folders = {self.report_dir.resolve()}
        folders |= {Path(c["datei"]).resolve().parent for c in self.chapters if c.get("eigen")}
        folders |= {Path(p).resolve().parent for p in [*(overrides or {}).values(), *self.assessments.values()]}
        self.env = templates(tuple(sorted(folders)))

    def _check_chapters_named(self, named: dict, key: str) -> None:
        """Every chapter id the district's ``texte`` names under ``key`` is a chapter of the report."""
        known = [c["id"] for c in self.chapters]
        for chapter_id in named:
            if chapter_id not in known:
                raise InputError(
                    self.data.context["district"].get("_file", "Kreiskonfiguration"),
                    f"unbekanntes Kapitel „{chapter_id}“ unter {key}",
                    where="Schlüssel 'texte'",
                    expected="eines von " + ", ".join(known),
                )

    def _replace_texts(self, overrides: dict) -> None:
        """The district's own texts in place of chapter texts (``texte.ersetzen``)."""
        self._check_chapters_named(overrides, "texte.ersetzen")
        for c in self.chapters:
            c["datei"] = overrides.get(c["id"], c["datei"])

    def _insert_own(self, extra: list, foreword: str | None) -> None:
        """The district's own chapters after the chapter each names (``nach``; else at the end), and
        its foreword first."""
        for own in extra:
            position = next((i + 1 for i, c in enumerate(self.chapters) if c["id"] == own.get("nach")), len(self.chapters))
            self.chapters.insert(position, {"id": own["id"], "titel": own["titel"], "datei": own["datei"], "eigen": True})
        if foreword:
            self.chapters.insert(0, {"id": "vorwort", "titel": "Vorwort", "datei": foreword, "eigen": True, "unnummeriert": True})

    # registration by the chapters
    def fig(self, name: str, figure, caption: str, alt: str, daten: tuple = ()) -> None:
        """A figure; ``daten``: groups of input data it shows (e.g. "beratung": the providers' data,
        listed in their receipts)."""
        path = f"{self.figures_dir}/{name}.svg"
        self._save(figure, self.out_dir / path)
        self.figures[name] = md_figure(path, caption, name, alt)
        self.uses[f"fig-{name}"] = list(daten)

    def tab(
        self,
        name: str,
        header: list[str],
        rows: list[list[str]],
        caption: str,
        source: str = "",
        align: str | None = None,
        daten: tuple = (),
    ) -> None:
        self.tables[name] = md_table(header, rows, caption, name, align) + (f"\n{source}\n" if source else "")
        self.uses[f"tbl-{name}"] = list(daten)

    def kapitel(self, chapter_id: str, **values) -> None:
        """Make a chapter available with its values (a chapter without values is left out)."""
        self.values[chapter_id] = values

    # rendering
    def globals(self) -> dict:
        ctx = self.data.context
        meta = ctx["kreis"]
        indicators = {i: Indikator(self.data, i) for i in self.data.catalogue}
        return {
            **indicators,
            "ind": indicators,
            "kreis": kreis_context(meta),
            "land": land_context(ctx["land"], meta["typ"]),
            "jahr": ctx["year"],
            "basisjahr": ctx["district"]["base_year"],
            "daten": {"synthetisch": ctx.get("synthetic", False), "eigene": bool(ctx.get("own_data"))},
            "abbildung": self._figure,
            "verzeichnisse": LISTS_MARKER,
            "tabelle": self._table,
            "datum": fmt.date,
            "zahl": fmt.number,
        }

    def _figure(self, name: str) -> str:
        return Markdown(f"\n\n{self.figures[name]}\n\n" if name in self.figures else "")

    def _table(self, name: str) -> str:
        # blank lines around: a table glued to a paragraph would not be a table in Markdown
        return Markdown(f"\n\n{self.tables[name]}\n\n" if name in self.tables else "")

    def render_chapter(self, chapter: dict) -> str:
        path = Path(chapter["datei"])
        if not path.exists():
            raise InputError(path, "Kapiteltext nicht gefunden", hint="den Pfad unter texte in der Kreiskonfiguration prüfen")
        values = {**self.globals(), **self.values.get(chapter["id"], {})}
        try:
            text = self.env.get_template(str(path.resolve())).render(**values)
        except (jinja2.TemplateError, jinja2.TemplateNotFound) as exc:
            error = template_error(exc, path)
            if error is None:
                raise
            raise error from None
        unnumbered = " .unnumbered" if chapter.get("unnummeriert") else ""
        heading = f"## {md_text(chapter['titel'])} {{#sec-{chapter['id']}{unnumbered}}}\n\n"
        own = None if chapter.get("nur_text") else self.assessments.get(chapter["id"])
        if own:  # the planning office's own assessment closes the chapter, marked as such
            text += (
                "\n\n::: {.einschaetzung}\n**Einschätzung der Sozialplanung**\n\n"
                + _tidy(self.render_chapter({"id": chapter["id"], "titel": "", "datei": own, "nur_text": True}))
                + "\n:::\n"
            )
        if chapter.get("nur_text"):
            return text
        return heading + _tidy(text) + "\n"

    def chapters_to_render(self) -> list[dict]:
        return [c for c in self.chapters if c.get("eigen") or c["id"] in self.values]

    def markdown(self) -> list[str]:
        chapters = [self.render_chapter(c) for c in self.chapters_to_render()]
        self.numbers = [{**e, "daten": self.uses.get(e["id"], [])} for e in numbering("\n".join(chapters))]
        lists = figure_lists(self.numbers)
        return [c.replace(LISTS_MARKER, lists) for c in chapters]

    def write_usage(self, path: Path) -> None:
        """``verwendung.json``: every numbered figure and table with the input data it shows (after
        :meth:`markdown`); the providers' receipts say where their data went."""
        Path(path).write_text(json.dumps(self.numbers, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _tidy(text: str) -> str:
    """Collapse the blank lines that template conditions leave behind."""
    return re.sub(r"\n{3,}", "\n\n", text).strip()
