"""What the chapters share: one :class:`ReportContext` per report, built once by
:func:`build_context`.

It holds the district's data and names (the Kreis, its Land, Germany, their name forms, the
Gemeinden, Gemeindeverbände and Sozialräume), the report under construction (``bericht``) and the
helpers that make the recurring parts of a chapter: source lines (``quelle``, ``eigene_quelle``),
rows per area (``area_rows``), series per area (``series_frame``), bars of the Land's Kreise
(``bars_of_kreise``) and the indicators of a catalogue table (``rows_of``).

Chapters built from other chapters read what those left, explicitly: the chapter's values in
``bericht.values`` and the few tables a chapter leaves here (``sozialindex``, ``ziele``, ``befunde``);
:meth:`ReportContext.left_by` says which chapter must have run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from sozialbericht.core import formatting as fmt
from sozialbericht.core.catalogue import table_rows
from sozialbericht.core.untrusted import bold, italic
from sozialbericht.report import figures as figs
from sozialbericht.report import significance
from sozialbericht.report.data import DistrictData
from sozialbericht.report.model import Bericht
from sozialbericht.report.names import kreis_context, kreis_label, kreis_labels, kreise_im_land, land_context

#: The key of Germany in the indicator tables.
BUND = "DG"


@dataclass
class ReportContext:
    """One report's shared state: data, names and the report under construction."""

    data: DistrictData
    bericht: Bericht
    year: int
    kreis: str  # the Kreis's key ("15085")
    land: str  # the Land's key ("15")
    kreis_name: str  # "Landkreis Harz"
    land_name: str  # "Sachsen-Anhalt"
    form: dict  # the Kreis's name in every case ("der Landkreis Harz") and its word (`wort`)
    land_in: str  # "in Sachsen-Anhalt", "im Saarland"
    land_dem: str  # "Sachsen-Anhalt", "dem Saarland" (after "mit")
    stadtstaat: bool
    synthetic: bool  # the small-area data are synthetic (every value from them is labelled)
    own_data: bool  # the district has small-area data of its own
    stand: dict  # dataset → its newest reference date
    gemeinden: dict  # area id → short name, alphabetical
    verbaende: dict  # the Gemeindeverbände (tables by Verband in Kreise with many Gemeinden)
    sozialraeume: dict
    kreise: dict  # the Land's Kreise
    kreis_namen: dict  # official names of the Land's Kreise ("Ansbach, Landkreis")
    kurz: str  # the Kreis in tables and charts, unique in its Land ("Ansbach (Landkreis)")
    kreise_wort: tuple  # what the Land's Kreise are, without and with article (names.kreise_im_land)
    areas: list  # (id, label, role) of the Kreis, the Land (not for a Stadtstaat) and Germany
    texte: dict = field(default_factory=dict)  # the district's own texts (notebook parameter `texte`)
    built: list = field(default_factory=list)  # chapters built so far, in order
    # left by a chapter for the chapters built from it
    sozialindex: pd.DataFrame | None = None  # by "sozialindex": the index per Gemeinde (empty without own data)
    ziele: pd.DataFrame | None = None  # by "handlungsbedarfe": the planning targets with their status
    befunde: list | None = None  # by "handlungsbedarfe": its findings (report.findings.Befund), in order

    bund = BUND

    @property
    def ctx(self) -> dict:
        """The district's ``context.json`` (names, periods, settings, catalogue)."""
        return self.data.context

    @property
    def wort(self) -> dict:
        """The word for the district without its name ("des Kreises", "der Stadt")."""
        return self.form["wort"]

    @property
    def map_labels(self) -> dict:
        return dict(self.gemeinden)

    def left_by(self, chapter: str):
        """Fail clearly where a chapter reads what ``chapter`` leaves before it was built."""
        if chapter not in self.built:
            raise RuntimeError(f"chapter {chapter!r} must be built first (built so far: {self.built})")

    # --- the rows of a catalogue table --------------------------------------------------------------
    def rows_of(self, table: str) -> list[str]:
        """The indicators of an indicator table, as the catalogue places them (``zeigen``)."""
        return table_rows(self.ctx["catalogue"], table)

    def datasets_of(self, ids: list[str]) -> list[str]:
        """The national datasets the indicators ``ids`` are computed from, in order (source lines)."""
        out = []
        for i in ids:
            for part in ("numerator", "denominator", "subtract"):
                ds = self.data.catalogue[i].get(part, {}).get("dataset")
                if ds in self.ctx["sources"] and ds not in out:
                    out.append(ds)
        return out

    # --- source lines ---------------------------------------------------------------------------------
    def quelle(self, *datasets: str, stand: str | None = None, extra: str = "") -> str:
        """ "Quelle: …" line: statistic, table, attribution and reference date."""
        parts = []
        for d in datasets:
            src = self.ctx["sources"][d]
            table = f" ({src['table']})" if src["table"] not in src["statistic"] else ""
            parts.append(f"{src['statistic']}{table}, {src['attribution'].rstrip('.')}")
        return f"*Quelle: {'; '.join(parts)}.{f' Stand: {stand}.' if stand else ''}{extra}*"

    def eigene_quelle(self, was: str, stand: str) -> str:
        """Source line of the district's own small-area data, marked when synthetic."""
        art = "synthetische Beispieldaten, kalibriert auf die amtlichen Kreissummen" if self.synthetic else self.kreis_name
        return f"*Quelle: {was} ({art}). Stand: {stand}.*" + (
            " **Synthetische Beispieldaten** (kein amtliches Ergebnis)." if self.synthetic else ""
        )

    # --- values, series, rows -------------------------------------------------------------------------
    def cell(self, ind: str, aid: str, period: str | None = None, unit: bool = False) -> str:
        """A table cell: the formatted value (without unit unless asked) or its marker."""
        return self.data.show(ind, aid, period, unit=unit)

    def title_of(self, ind: str) -> str:
        """An indicator's column header: its name, with the unit unless a count or already named."""
        c = self.data.catalogue[ind]
        return c["name"] if c["unit"] == "Anzahl" or c["unit"] in c["name"] else f"{c['name']} ({c['unit']})"

    def series_frame(self, ind: str, areas: list | None = None) -> pd.DataFrame:
        """``label, role, year, value`` of an indicator for each area (default: Kreis, Land, Germany)."""
        parts = []
        for aid, label, role in areas or self.areas:
            s = self.data.series(ind, aid)
            parts.append(
                pd.DataFrame({"label": label, "role": role, "year": s["period"].str[:4].astype(int), "value": s["value"]})
            )
        return pd.concat(parts)

    def area_rows(self, ids: list[str], year: int, include_land: bool = True, gemeinden: bool = True):
        """Header and rows per area of the indicators ``ids`` in ``year``: Gemeinden (or
        Gemeindeverbände in Kreisen with many Gemeinden), Sozialräume (italic), the Kreis (bold)
        and, where the indicator has it, the Land. A small-area value that differs from the Kreis value carries its symbol
        (``significance.mark``); :meth:`significance_note` explains them under the table."""
        rows = []
        units = self.verbaende if (self.verbaende and not gemeinden) else self.gemeinden
        ordered = [*units.items(), *self.sozialraeume.items(), (self.kreis, self.kurz)]
        if include_land and not self.stadtstaat:
            ordered.append((self.land, self.land_name))
        for aid, name in ordered:
            cells = []
            for i in ids:
                s = self.data.series(i, aid)
                s = s[s["period"].str[:4] == str(year)]
                if not len(s):
                    cells.append("–")
                    continue
                c = self.data.catalogue[i]
                sign = c.get("method") in fmt.SIGNED_METHODS
                last = s.iloc[-1]
                cell = fmt.number(last["value"], c["decimals"], last["flag"], sign)
                cells.append(significance.mark(cell, self.data.comparison(i, aid, last["period"])))
            if aid == self.land and all(c == "–" for c in cells):
                continue
            label = bold(name) if aid == self.kreis else italic(name) if aid in self.sozialraeume or aid == self.land else name
            rows.append([label, *cells])
        return ["Gebiet", *(self.title_of(i) for i in ids)], rows

    def significance_note(self, ids: list[str], include_land: bool = True) -> str:
        """The note under a table of :meth:`area_rows` (with the same ``ids`` and ``include_land``)
        that explains its symbols ("" without any)."""
        columns = [self.data.catalogue[i]["name"] for i in ids if self.data.compared(i)]
        land = include_land and not self.stadtstaat
        return significance.table_note(columns, self.wort["des"], land=land, every=len(columns) == len(ids))

    def bars_of_kreise(self, ind: str, period: str) -> pd.DataFrame:
        """``label, role, value`` of every Kreis of the Land (the district as "district") and the Land."""
        d = self.data.indicators
        k = d[(d.indicator_id == ind) & (d.period == period) & (d.area_level == "kreis")]
        bars = pd.DataFrame(
            {
                "label": k.area_id.map(kreis_labels(dict(zip(k.area_id, k.area_name)))),
                "role": ["district" if a == self.kreis else "other" for a in k.area_id],
                "value": k.value,
            }
        )
        extra = (
            []
            if self.stadtstaat
            else [{"label": self.land_name, "role": "land", "value": self.data.value(ind, self.land, period)}]
        )
        return pd.concat([bars, pd.DataFrame(extra)]) if extra else bars

    def area_names(self) -> list[str]:
        """The labels of Kreis, Land and Germany, as a chart's legend lists them."""
        return [n for _, n, _ in self.areas]


def build_context(district: str, year: int, work_dir, report_dir, out_dir, texte: dict | None = None) -> ReportContext:
    """The shared state of one report, from the district's precomputed tables in ``work_dir``
    (the notebook's parameters); stops where the folder holds another district or year."""
    texte = texte or {}
    data = DistrictData(work_dir)
    ctx = data.context
    if ctx["year"] != year or ctx["district"]["id"] != district:
        raise ValueError(f"{work_dir} enthält {ctx['district']['id']} {ctx['year']}, nicht {district} {year}")
    bericht = Bericht(
        data,
        report_dir,
        out_dir,
        figs.save,
        texte.get("ersetzen"),
        texte.get("kapitel"),
        foreword=texte.get("vorwort"),
        assessments=texte.get("einschaetzungen"),
    )
    return ReportContext(data=data, bericht=bericht, year=year, texte=texte, **_names(data), **_areas(data))


def _names(data: DistrictData) -> dict:
    """The Kreis's and the Land's names in their forms."""
    ctx = data.context
    land_name = ctx["land"]["name"]
    return {
        "kreis": data.kreis,
        "land": data.land,
        "kreis_name": ctx["kreis"]["name"],
        "land_name": land_name,
        "form": kreis_context(ctx["kreis"]),
        "land_in": ctx["land"].get("name_in", "in " + land_name),
        "land_dem": land_context(ctx["land"], ctx["kreis"]["typ"])["dem"],
        "stadtstaat": ctx["kreis"]["typ"] == "Stadtstaat",
        "synthetic": bool(ctx.get("synthetic")),
        "own_data": bool(ctx.get("own_data")),
        "stand": {ds: p["latest"] for ds, p in ctx["periods"].items()},
    }


def _areas(data: DistrictData) -> dict:
    """The areas of the report: Gemeinden, Verbände, Sozialräume, the Land's Kreise and the
    Kreis's label among them, and the columns Kreis, Land, Germany."""
    ctx = data.context
    kreis, land, stadtstaat = data.kreis, data.land, ctx["kreis"]["typ"] == "Stadtstaat"
    population = data.indicators[data.indicators.indicator_id == "bevoelkerung"]
    kreis_namen = dict(population.query("area_level == 'kreis'")[["area_id", "area_name"]].values)
    kurz = kreis_label(kreis_namen, kreis) if kreis in kreis_namen else ctx["kreis"]["kurz"]
    # what the Land's Kreise are, from their kinds: the names do not say it
    kreise_wort = kreise_im_land(
        (ctx["kreis"].get("land_kreise") or {}).values()
        or ["kreisfreie Stadt" if "kreisfreie Stadt" in n else "Landkreis" for n in kreis_namen.values()]
    )
    areas = (
        [(kreis, kurz, "district")]
        + ([] if stadtstaat else [(land, ctx["land"]["name"], "land")])
        + [(BUND, "Deutschland", "bund")]
    )
    return {
        "gemeinden": data.areas("gemeinde"),
        "verbaende": data.areas("gemeindeverband"),
        "sozialraeume": data.areas("sozialraum"),
        "kreise": data.areas("kreis"),
        "kreis_namen": kreis_namen,
        "kurz": kurz,
        "kreise_wort": kreise_wort,
        "areas": areas,
    }
