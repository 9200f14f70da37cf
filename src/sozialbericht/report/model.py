"""Writing the report: the district's precomputed tables, named values for the chapter texts,
figures and tables with captions, and the chapter templates of ``report/kapitel/``.

The notebook computes figures and tables and hands values to :class:`Bericht`; the German prose
lives in Markdown templates (Jinja2) that a planner edits without touching code::

    Im Jahr {{ jahr }} lebten {{ kreis.im }} {{ bevoelkerung.kreis }} Menschen.

Every number is formatted by the one German formatter (``formatting``). A district may replace
any chapter text or add its own chapters through files named in its configuration (``texte``).
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pandas as pd
import yaml

from sozialbericht.core import formatting as fmt
from sozialbericht.core.errors import InputError
from sozialbericht.core.untrusted import Markdown, md_text, read_outside_text, safe_markdown

LICENCE_NOTE = "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)"


# --- values for the texts ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Wert:
    """A value as the texts use it: ``{{ x }}`` prints it with unit in German format; ``x.zahl``
    without unit; ``x.wert`` is the number for conditions; ``x.vorzeichen`` with sign;
    ``x.stand`` the reference date (German). A missing value prints its official marker."""

    wert: float | None
    einheit: str = ""
    stellen: int = 0
    zeichen: str = ""
    periode: str = ""
    mit_vorzeichen: bool = False  # a change or balance: "+1,5 %" (``betrag`` gives the magnitude)

    @property
    def fehlt(self) -> bool:
        return self.wert is None or (isinstance(self.wert, float) and math.isnan(self.wert))

    @property
    def zahl(self) -> str:
        return fmt.number(None if self.fehlt else self.wert, self.stellen, self.zeichen, self.mit_vorzeichen)

    @property
    def vorzeichen(self) -> str:
        return fmt.signed(None if self.fehlt else self.wert, self.stellen)

    @property
    def betrag(self) -> str:
        return fmt.number(None if self.fehlt else abs(self.wert), self.stellen, self.zeichen)

    @property
    def stand(self) -> str:
        return fmt.date(self.periode) if self.periode else ""

    def __str__(self) -> str:
        return fmt.with_unit(None if self.fehlt else self.wert, self.einheit, self.stellen, self.zeichen, self.mit_vorzeichen)

    def _v(self):
        return float("nan") if self.fehlt else float(self.wert)

    def __lt__(self, other):
        return self._v() < float(other)

    def __le__(self, other):
        return self._v() <= float(other)

    def __gt__(self, other):
        return self._v() > float(other)

    def __ge__(self, other):
        return self._v() >= float(other)

    def __float__(self):
        return self._v()

    def __bool__(self):
        return not self.fehlt


class Indikator:
    """One catalogue indicator: ``.kreis``, ``.land``, ``.bund`` (newest values up to the report
    year), ``.gebiet(id)``, ``.im(periode)``, ``.name``, ``.definition``."""

    def __init__(self, data: DistrictData, ind_id: str):
        self._data, self.id = data, ind_id
        c = data.catalogue[ind_id]
        self.name, self.definition, self.einheit, self.stellen = c["name"], c["definition"], c["unit"], c["decimals"]
        self.mit_vorzeichen = c.get("method") in fmt.SIGNED_METHODS

    def gebiet(self, area: str, period: str | None = None) -> Wert:
        rows = self._data.records(self.id, area)
        if period is not None:
            rows = [r for r in rows if r[0] == period]
        if not rows:
            return Wert(None, self.einheit, self.stellen, "–")
        when, value, flag = rows[-1]
        return Wert(value, self.einheit, self.stellen, flag, when, self.mit_vorzeichen)

    @property
    def kreis(self) -> Wert:
        return self.gebiet(self._data.kreis)

    @property
    def land(self) -> Wert:
        return self.gebiet(self._data.land)

    @property
    def bund(self) -> Wert:
        return self.gebiet("DG")


# --- the district's precomputed tables ---------------------------------------------------------------
@dataclass
class DistrictData:
    """The precomputed tables of one district and year (``compute`` step output)."""

    folder: Path
    indicators: pd.DataFrame = field(init=False)
    pyramid: pd.DataFrame = field(init=False)
    geo: dict = field(init=False)
    context: dict = field(init=False)

    def __post_init__(self):
        self.folder = Path(self.folder)
        for name in ("indikatoren.csv", "pyramide.csv", "gemeinden.geojson", "context.json"):
            if not (self.folder / name).exists():
                raise FileNotFoundError(f"{self.folder / name}: fehlt; zuerst den Workflow ausführen (make report)")
        self.indicators = pd.read_csv(
            self.folder / "indikatoren.csv",
            dtype={"area_id": str, "period": str, "flag": str},
            keep_default_na=False,
            na_values={"value": [""]},
        )
        self.pyramid = pd.read_csv(self.folder / "pyramide.csv", dtype={"area_id": str, "period": str})
        self.geo = json.loads((self.folder / "gemeinden.geojson").read_text(encoding="utf-8"))
        self.context = json.loads((self.folder / "context.json").read_text(encoding="utf-8"))
        self.catalogue = {ind["id"]: ind for ind in self.context["catalogue"]}
        # rows by (indicator, area) in date order: positions, computed once (a large Kreis has ~8,000 series)
        self._ordered = self.indicators.sort_values("period", kind="stable")
        self._positions = self._ordered.groupby(["indicator_id", "area_id"], sort=False).indices
        self._columns = [self._ordered[c].to_numpy() for c in ("period", "value", "flag")]
        self._records: dict[tuple, list] = {}

    @property
    def kreis(self) -> str:
        return self.context["district"]["kreis"]

    @property
    def land(self) -> str:
        return self.context["land"]["id"]

    @property
    def synthetic(self) -> set[str]:
        return set(self.context.get("synthetic_indicators", []))

    def series(self, indicator: str, area: str) -> pd.DataFrame:
        positions = self._positions.get((indicator, area))
        if positions is None:
            return self.indicators.iloc[0:0]
        s = self._ordered.iloc[positions]
        if self.catalogue[indicator]["level"] != "kreis":
            return s
        return s[s["period"].str[:4].astype(int) <= self.context["year"]]

    def records(self, indicator: str, area: str) -> list[tuple]:
        """``(period, value, flag)`` of a series in date order, as :meth:`series` selects them
        (Kreis-level values up to the report year); the fast path of the texts and tables."""
        key = (indicator, area)
        if key not in self._records:
            positions = self._positions.get(key, ())
            periods, values, flags = self._columns
            rows = [(periods[i], values[i], flags[i]) for i in positions]
            if rows and self.catalogue[indicator]["level"] == "kreis":
                rows = [r for r in rows if int(r[0][:4]) <= self.context["year"]]
            self._records[key] = rows
        return self._records[key]

    def value(self, indicator: str, area: str, period: str | None = None) -> float:
        rows = self.records(indicator, area)
        if period is not None:
            rows = [r for r in rows if r[0] == period]
        return float(rows[-1][1]) if rows else float("nan")

    def show(self, indicator: str, area: str, period: str | None = None, unit: bool = True) -> str:
        """The formatted value (German), with unit or without, or its marker; "–" if none."""
        w = Indikator(self, indicator).gebiet(area, period)
        return str(w) if unit else w.zahl

    def table(self, name: str) -> pd.DataFrame:
        """A planning table written by the compute step (prognose, sozialindex, …), or empty."""
        path = self.folder / f"{name}.csv"
        if not path.exists():
            return pd.DataFrame()
        return pd.read_csv(
            path,
            dtype={"area_id": str, "period": str, "stand": str, "variant": str, "group": str},
            keep_default_na=False,
            na_values={c: [""] for c in ("value", "aktuell", "prognose_zieljahr", "trend_je_jahr", "km")},
        )

    def areas(self, level: str) -> dict[str, str]:
        """Area id → short name of every area of a level, sorted alphabetically by name (German)."""
        d = self.indicators[self.indicators["area_level"] == level].drop_duplicates("area_id")
        pairs = {a: short_name(n) for a, n in zip(d["area_id"], d["area_name"])}
        return dict(sorted(pairs.items(), key=lambda kv: sort_key(kv[1])))


def short_name(name: str) -> str:
    """ "Ballenstedt, Stadt" → "Ballenstedt" (the official suffix after the comma is dropped)."""
    return str(name).split(",")[0].strip()


_CITY = ("", "kreisfreie Stadt", "Stadtkreis", "Stadt")


def kreis_labels(names: dict[str, str]) -> dict[str, str]:
    """Area id → a label unique among ``names`` (id → official name): the short name, "(Stadt)" for
    a kreisfreie Stadt; where two still share a label (a kreisfreie Stadt and the Landkreis of
    the same name: "Ansbach" and "Ansbach, Landkreis") each says what it is — "Ansbach (Stadt)",
    "Ansbach (Landkreis)" — and as a last resort its key."""
    labels = {a: short_name(n) + (" (Stadt)" if "kreisfreie Stadt" in str(n) else "") for a, n in names.items()}
    cities = {short_name(n) for n in names.values() if "kreisfreie Stadt" in str(n)}
    for a, n in names.items():  # the Landkreis beside the city of its name says what it is: "Ansbach (Landkreis)"
        suffix = str(n).split(",", 1)[1].strip() if "," in str(n) else ""
        if labels[a] in cities and suffix not in _CITY:
            labels[a] = f"{labels[a]} ({suffix or 'Kreis'})"
    for attempt in ("kind", "key"):
        seen: dict[str, list[str]] = {}
        for a, label in labels.items():
            seen.setdefault(label, []).append(a)
        for same in (ids for ids in seen.values() if len(ids) > 1):
            for a in same:
                if attempt == "kind":
                    suffix = str(names[a]).split(",", 1)[1].strip() if "," in str(names[a]) else ""
                    labels[a] = f"{short_name(names[a])} ({'Stadt' if suffix in _CITY else suffix})"
                else:
                    labels[a] = f"{labels[a]} ({a})"
    return labels


def kreis_label(names: dict[str, str], kreis: str) -> str:
    """The label of ``kreis`` among the Kreise ``names`` (id → official name) in tables and charts:
    its short name, unless another Kreis shares it ("Ansbach (Landkreis)", :func:`kreis_labels`)."""
    short = short_name(names[kreis])
    if sum(short_name(n) == short for n in names.values()) > 1:
        return kreis_labels(names)[kreis]
    return short


def kreise_im_land(kinds) -> tuple[str, str]:
    """What the Kreise of a Land are, from their kinds (``areas.Kreis.typ``: "Landkreis", "Kreis",
    "kreisfreie Stadt", "Stadtkreis", "Region" …), without and with article — ("Kreise und
    kreisfreie Städte", "Kreise und kreisfreien Städte") where the Land has both, ("Landkreise",
    "Landkreise") where it has only Landkreise, ("Kreise", "Kreise") where it has other kinds but no
    city (Saarland: five Landkreise and the Regionalverband), ("kreisfreie Städte", "kreisfreien
    Städte") where it has only cities (Bremen)."""
    kinds = {"Stadt" if k in ("kreisfreie Stadt", "Stadtkreis", "Stadtstaat") else k for k in kinds}
    if kinds == {"Stadt"}:
        return "kreisfreie Städte", "kreisfreien Städte"
    if "Stadt" in kinds:
        return "Kreise und kreisfreie Städte", "Kreise und kreisfreien Städte"
    return ("Landkreise", "Landkreise") if kinds == {"Landkreis"} else ("Kreise", "Kreise")


def sort_key(name: str) -> str:
    """German alphabetical order (umlauts as their base letters)."""
    return str(name).lower().replace("ä", "a").replace("ö", "o").replace("ü", "u").replace("ß", "ss")


# --- Markdown building blocks ------------------------------------------------------------------------
def md_table(header: list[str], rows: list[list[str]], caption: str, ident: str, align: str | None = None) -> str:
    """A pipe table with caption and id (Quarto needs ``{#tbl-…}`` for Typst captions). Every cell
    is text (:func:`untrusted.md_text`) unless the code built it as :class:`untrusted.Markdown`.
    A column without any value ("–" in every row) says nothing and is left out (never the first)."""
    align = align or "l" + "r" * (len(header) - 1)
    empty = {i for i in range(1, len(header)) if rows and all(str(r[i]).strip() == "–" for r in rows)}
    if empty:
        keep = [i for i in range(len(header)) if i not in empty]
        header, rows, align = [header[i] for i in keep], [[r[i] for i in keep] for r in rows], "".join(align[i] for i in keep)
    header = [md_text(h) for h in header]
    rows = [[md_text(c) for c in r] for r in rows]
    widths = [min(40, max(3, *(len(str(r[i])) for r in [header, *rows]))) for i in range(len(header))]
    marks = [(":" + "-" * w if a == "l" else "-" * w + ":" if a == "r" else ":" + "-" * w + ":") for a, w in zip(align, widths)]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + f"\n\n: {caption} {{#tbl-{ident}}}\n"


def md_figure(path: str, caption: str, ident: str, alt: str) -> str:
    """An image with caption and a separate alternative text that says what the chart shows."""
    alt = alt.replace('"', "'")
    return f'![{caption}]({path}){{#fig-{ident} fig-alt="{alt}"}}\n'


#: Where the annex lists the figures and tables (``{{ verzeichnisse }}`` in a chapter text).
LISTS_MARKER = Markdown("<!-- verzeichnisse -->")
_FIGURE = re.compile(r"^!\[(?P<caption>.*)\]\([^)\s]*\)\{#(?P<id>fig-[\w-]+)", re.M)
_TABLE = re.compile(r"^: (?P<caption>.*) \{#(?P<id>tbl-[\w-]+)\}$", re.M)
_SENTENCE_END = re.compile(r"(?<=[\w)“\"])\. (?=[A-ZÄÖÜ])")


def short_caption(caption: str) -> str:
    """The first sentence of a caption, for the lists of figures and tables (the source and the
    notes on reading follow in later sentences)."""
    return _SENTENCE_END.split(caption, maxsplit=1)[0].rstrip(".")


def numbering(markdown: str) -> list[dict]:
    """Every figure and table of the report with its number, in document order as Quarto, Typst and
    the built-in HTML number them: ``{id, art, nummer, titel}`` (titel: the caption's first sentence)."""
    out = []
    for word, pattern in (("Abbildung", _FIGURE), ("Tabelle", _TABLE)):
        for n, m in enumerate(pattern.finditer(markdown), 1):
            out.append({"id": m["id"], "art": word, "nummer": n, "titel": short_caption(m["caption"])})
    return out


def figure_lists(numbers: list[dict]) -> str:
    """The lists of figures and of tables of the report (Markdown, from :func:`numbering`), each entry
    a link to its figure or table."""
    parts = []
    for title, word in (("Abbildungen", "Abbildung"), ("Tabellen", "Tabelle")):
        entries = [f"- [{e['art']} {e['nummer']}](#{e['id']}): {e['titel']}" for e in numbers if e["art"] == word]
        if entries:
            parts.append(f"**{title}**\n\n" + "\n".join(entries))
    return "\n\n".join(parts)


def german_list(items: list[str]) -> str:
    items = [str(i) for i in items if str(i)]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " und " + items[-1] if items else ""


# --- the names in a sentence ----------------------------------------------------------------------------
def kreis_context(meta: dict) -> dict:
    """``kreis`` of the chapter texts from the Kreis's metadata (``name``, ``name_in``, ``name_des``,
    ``kurz``, ``typ``, ``kreis``): its name in every case with article (``kreis.im``, ``kreis.Im``,
    ``kreis.des``, ``kreis.dem``, ``kreis.den``, ``kreis.der``, ``kreis.Der``), the word for it without
    its name (``kreis.wort.des`` → "des Kreises" or "der Stadt") and its kind for conditions."""
    from sozialbericht.core.areas import kind_word, name_forms

    return {
        **name_forms(meta["name_in"], meta["name_des"]),
        "name": meta["name"],
        "kurz": meta["kurz"],
        "typ": meta["typ"],
        "schluessel": meta["kreis"],
        "wort": kind_word(meta["kreis"], meta["typ"]),
        "stadt": meta["typ"] in ("kreisfreie Stadt", "Stadtkreis", "Stadtstaat"),
        "stadtstaat": meta["typ"] == "Stadtstaat",
    }


def land_context(land: dict, kreis_typ: str) -> dict:
    """``land`` of the chapter texts: ``name``, ``im``/``Im`` ("in Sachsen-Anhalt", "im Saarland"),
    ``dem`` ("Sachsen-Anhalt", "dem Saarland", after "mit"), ``des`` ("des Landes Sachsen-Anhalt")."""
    name = land["name"]
    name_in = land.get("name_in", "in " + name)
    dem = "dem " + name_in[3:] if name_in.startswith("im ") else name
    return {
        "name": name,
        "im": name_in,
        "Im": name_in[:1].upper() + name_in[1:],
        "dem": dem,
        "Dem": dem[:1].upper() + dem[1:],
        "des": f"des Landes {name}",
        "schluessel": land["id"],
        "gleich_kreis": kreis_typ == "Stadtstaat",
    }


# --- the report ----------------------------------------------------------------------------------------
class TextLoader(jinja2.BaseLoader):
    """Loads templates only from allowed folders: ``report/`` and the folders of the district's own
    texts. A name is a path inside one of them (absolute, or relative to the first folder that has
    it); anything else — ``/etc/passwd``, ``../../data/raw/…``, a symbolic link pointing out — is
    not found. Files are read as :func:`read_outside_text` reads texts (UTF-8 or Windows-1252)."""

    def __init__(self, folders: tuple[Path, ...]):
        self.folders = tuple(Path(f).resolve() for f in folders)

    def get_source(self, environment, template):
        from sozialbericht.core.untrusted import read_outside_text

        name = Path(template)
        candidates = [name] if name.is_absolute() else [f / name for f in self.folders]
        for candidate in candidates:
            path = candidate.resolve()
            if path.is_file() and any(path.is_relative_to(f) for f in self.folders):
                mtime = path.stat().st_mtime
                return read_outside_text(path), str(path), lambda: path.exists() and path.stat().st_mtime == mtime
        raise jinja2.TemplateNotFound(template)


@functools.cache
def templates(folders: tuple[Path, ...]) -> jinja2.Environment:
    """The sandboxed template environment of the chapter texts and receipts, with the German number
    filters (one per set of folders and process, so that a kernel shared by a batch compiles each
    chapter once). Sandboxed: a template cannot reach Python internals or files outside
    ``folders``; every ``{{ value }}`` is printed as text (:func:`untrusted.finalize`) unless the
    project's code built it as Markdown."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from sozialbericht.core import untrusted

    env = ImmutableSandboxedEnvironment(
        loader=TextLoader(folders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        finalize=untrusted.finalize,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        zahl=lambda v, d=0: fmt.number(float(v), d),
        vorzeichen=lambda v, d=1: fmt.signed(float(v), d),
        datum=fmt.date,
        liste=german_list,
        kurz=short_name,
        satz=lambda t: t.rstrip() if t.rstrip().endswith(".") else t.rstrip() + ".",
        fett=untrusted.bold,
    )
    return env


def template_error(exc: Exception, path: Path) -> InputError | None:
    """A German message for what a text template did wrong (file and line), or None."""
    from jinja2.sandbox import SecurityError

    if isinstance(exc, jinja2.TemplateSyntaxError):
        return InputError(
            path,
            f"Fehler in der Textvorlage: {exc.message}",
            where=f"Zeile {exc.lineno}",
            hint="Platzhalter stehen in {{ … }}, Bedingungen in {% if … %} … {% endif %}",
        )
    if isinstance(exc, jinja2.UndefinedError):
        return InputError(
            path,
            f"unbekannter Wert in der Textvorlage: {exc.message}",
            where=_template_line(exc, path),
            hint="die Schreibweise des Platzhalters prüfen; verfügbare Werte stehen in report/README.md",
        )
    if isinstance(exc, SecurityError):
        return InputError(
            path,
            "die Textvorlage greift auf interne Eigenschaften zu, die Textvorlagen nicht erlaubt sind",
            where=_template_line(exc, path),
            found=str(exc)[:200],
            hint="in Textvorlagen nur die Platzhalter aus report/README.md verwenden",
        )
    if isinstance(exc, jinja2.TemplateNotFound):
        return InputError(
            path,
            f"die Textvorlage bindet „{exc.name}“ ein; eingebunden werden dürfen nur Texte aus report/ "
            "und aus den Ordnern der Texte des Kreises",
            where=_template_line(exc, path),
            hint="den Text in den Ordner der Kreistexte legen oder die Zeile mit include/import entfernen",
        )
    return None


class Bericht:
    """Collects figures, tables and values of the chapters and renders the chapter templates.

    ``report_dir``: the project's ``report/`` (chapter list ``kapitel.yaml``, templates
    ``kapitel/*.md``); ``out_dir``: the folder of the executed notebook (figures are written to
    ``out_dir/figures``, referenced relative to it); ``overrides``: chapter id → template file of the district (replacing a
    chapter text); ``extra``: own chapters of the district ``[{id, titel, datei, nach}]``;
    ``foreword``: the district's foreword (Markdown), an unnumbered first chapter.
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
        statements: list | None = None,
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
        order = yaml.safe_load((self.report_dir / "kapitel.yaml").read_text(encoding="utf-8"))
        self.chapters = [dict(c) for c in order["kapitel"]]
        for c in self.chapters:
            c["datei"] = str(self.report_dir / "kapitel" / c["datei"])
        for chapter_id, path in (overrides or {}).items():
            hit = [c for c in self.chapters if c["id"] == chapter_id]
            if not hit:
                raise InputError(
                    data.context["district"].get("_file", "Kreiskonfiguration"),
                    f"unbekanntes Kapitel „{chapter_id}“ unter texte.ersetzen",
                    where="Schlüssel 'texte'",
                    expected="eines von " + ", ".join(c["id"] for c in self.chapters),
                )
            hit[0]["datei"] = path
        for own in extra or []:
            position = next((i + 1 for i, c in enumerate(self.chapters) if c["id"] == own.get("nach")), len(self.chapters))
            self.chapters.insert(position, {"id": own["id"], "titel": own["titel"], "datei": own["datei"], "eigen": True})
        if foreword:
            self.chapters.insert(0, {"id": "vorwort", "titel": "Vorwort", "datei": foreword, "eigen": True, "unnummeriert": True})
        self.assessments = dict(assessments or {})
        for chapter_id in self.assessments:
            if chapter_id not in {c["id"] for c in self.chapters}:
                raise InputError(
                    data.context["district"].get("_file", "Kreiskonfiguration"),
                    f"unbekanntes Kapitel „{chapter_id}“ unter texte.einschaetzungen",
                    where="Schlüssel 'texte'",
                    expected="eines von " + ", ".join(c["id"] for c in self.chapters),
                )
        if statements:
            self.values["stellungnahmen"] = {"stellungnahmen": [_statement(s) for s in statements]}
        folders = {self.report_dir.resolve()}
        folders |= {Path(c["datei"]).resolve().parent for c in self.chapters if c.get("eigen")}
        folders |= {Path(p).resolve().parent for p in [*(overrides or {}).values(), *self.assessments.values()]}
        self.env = templates(tuple(sorted(folders)))

    # registration from the notebook
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


def _statement(spec: dict) -> dict:
    """A statement of a provider or of the Kreisarbeitsgemeinschaft, verbatim (no placeholders) in
    the safe subset of Markdown (:func:`untrusted.safe_markdown`): its headings become level 4,
    below the statement's own heading."""
    path = Path(spec["datei"])
    if not path.exists():
        raise InputError(
            path, "Stellungnahme nicht gefunden", hint="den Pfad unter texte.stellungnahmen in der Kreiskonfiguration prüfen"
        )
    text = safe_markdown(read_outside_text(path), path)
    return {"von": spec["von"], "datum": fmt.date(spec["datum"]), "text": text}


def _template_line(exc: Exception, path: Path) -> str:
    import traceback

    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename == str(path.resolve()) or frame.filename.endswith(path.name):
            return f"Zeile {frame.lineno}"
    return "(Zeile unbekannt)"


def _tidy(text: str) -> str:
    """Collapse the blank lines that template conditions leave behind."""
    return re.sub(r"\n{3,}", "\n\n", text).strip()
