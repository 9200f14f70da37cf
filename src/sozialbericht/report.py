"""Presentation helpers for the report notebook: reading the precomputed district tables and
writing German Markdown (tables with captions and sources, figure references).

The notebook only presents: every number comes from ``results/indicators/<district>/<year>/``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sozialbericht import formatting as fmt

LICENCE_NOTE = "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)"


@dataclass
class DistrictData:
    """The precomputed tables of one district and year."""

    folder: Path
    indicators: pd.DataFrame = field(init=False)
    pyramid: pd.DataFrame = field(init=False)
    geo: dict = field(init=False)
    context: dict = field(init=False)

    def __post_init__(self):
        self.folder = Path(self.folder)
        for name in ("indikatoren.csv", "pyramide.csv", "gemeinden.geojson", "context.json"):
            if not (self.folder / name).exists():
                raise FileNotFoundError(f"{self.folder / name}: missing; run the workflow (make report) first")
        self.indicators = pd.read_csv(self.folder / "indikatoren.csv", dtype={"area_id": str, "period": str, "flag": str},
                                      keep_default_na=False, na_values={"value": [""]})
        self.pyramid = pd.read_csv(self.folder / "pyramide.csv", dtype={"area_id": str, "period": str})
        self.geo = json.loads((self.folder / "gemeinden.geojson").read_text(encoding="utf-8"))
        self.context = json.loads((self.folder / "context.json").read_text(encoding="utf-8"))
        self.catalogue = {ind["id"]: ind for ind in self.context["catalogue"]}

    @property
    def kreis(self) -> str:
        return self.context["district"]["kreis"]

    @property
    def land(self) -> str:
        return self.context["land"]["id"]

    def series(self, indicator: str, area: str) -> pd.DataFrame:
        d = self.indicators[(self.indicators["indicator_id"] == indicator) & (self.indicators["area_id"] == area)]
        return d.sort_values("period")

    def latest(self, indicator: str, area: str) -> pd.Series | None:
        """The newest row of an indicator for an area (up to the report year for Kreis indicators)."""
        s = self.series(indicator, area)
        return None if s.empty else s.iloc[-1]

    def value(self, indicator: str, area: str, period: str | None = None) -> float:
        s = self.series(indicator, area)
        if period is not None:
            s = s[s["period"] == period]
        return float("nan") if s.empty else float(s.iloc[-1]["value"])

    def show(self, indicator: str, area: str, period: str | None = None, unit: bool = True) -> str:
        """The formatted value with unit (German), or its marker."""
        ind = self.catalogue[indicator]
        s = self.series(indicator, area)
        if period is not None:
            s = s[s["period"] == period]
        if s.empty:
            return "–"
        row = s.iloc[-1]
        if unit:
            return fmt.with_unit(row["value"], ind["unit"], ind["decimals"], row["flag"])
        return fmt.number(row["value"], ind["decimals"], row["flag"])

    def period_of(self, indicator: str, area: str | None = None) -> str:
        row = self.latest(indicator, area or self.kreis)
        return "" if row is None else row["period"]

    @property
    def synthetic(self) -> set[str]:
        return set(self.context.get("synthetic_indicators", []))

    def table(self, name: str) -> pd.DataFrame:
        """A planning table written by compute_indicators (prognose, sozialindex, …), or empty."""
        path = self.folder / f"{name}.csv"
        if not path.exists():
            return pd.DataFrame()
        return pd.read_csv(path, dtype={"area_id": str, "period": str, "stand": str}, keep_default_na=False,
                           na_values={c: [""] for c in ("value", "aktuell", "prognose_zieljahr", "trend_je_jahr", "km")})

    def areas(self, level: str) -> pd.Series:
        """Area id → name of all areas of a level present in the indicators, sorted by id."""
        d = self.indicators[self.indicators["area_level"] == level]
        return d.drop_duplicates("area_id").set_index("area_id")["area_name"].sort_index()

    def area_table(self, ids: list[str], year: int, include_land: bool = True) -> tuple[list[str], list[list[str]]]:
        """Header and rows: every Gemeinde, every Sozialraum, the district and (where the indicator
        has it) the Land, one column per indicator; values of ``year`` with their markers."""
        def title(i):
            c = self.catalogue[i]
            return c["name"] if c["unit"] in ("Anzahl", c["name"]) or c["unit"] in c["name"] else f"{c['name']} ({c['unit']})"

        header = ["Gebiet", *(title(i) for i in ids)]
        rows = []
        ordered = [*self.areas("gemeinde").items(), *self.areas("sozialraum").items(),
                   (self.kreis, self.context["district"]["name"])]
        if include_land:
            ordered.append((self.land, self.context["land"]["name"]))
        for aid, name in ordered:
            cells = []
            for i in ids:
                s = self.series(i, aid)
                s = s[s["period"].str[:4] == str(year)]
                cells.append(fmt.number(s.iloc[-1]["value"], self.catalogue[i]["decimals"], s.iloc[-1]["flag"]) if len(s) else "–")
            if include_land and aid == self.land and all(c == "–" for c in cells):
                continue
            label = name.split(",")[0]
            if len(aid) != 12:
                label = f"**{label}**" if aid == self.kreis else f"*{label}*"
            rows.append([label, *cells])
        return header, rows

    def synthetic_note(self, ids) -> str:
        """Marks sources of synthetic example data (empty when none of ``ids`` is synthetic)."""
        return " **Synthetische Beispieldaten** (kein amtliches Ergebnis)." if set(ids) & self.synthetic else ""

    def source(self, *datasets: str, periods: str | None = None) -> str:
        """"Quelle: …" line naming statistic, table, attribution and (optionally) the reference date."""
        parts = []
        for name in datasets:
            s = self.context["sources"][name]
            parts.append(f"{s['statistic']} ({s['table']}), {s['attribution']}")
        stand = f" Stand: {periods}." if periods else ""
        return f"*Quelle: {'; '.join(parts)}.{stand}*"


def own_source(data: "DistrictData", what: str, periods: str) -> str:
    """"Quelle: …" line of the district's own small-area data, marked when synthetic."""
    synthetic = data.context["district"].get("small_area_data", {}).get("synthetic")
    kind = "synthetische Beispieldaten, kalibriert auf die amtlichen Kreissummen" if synthetic else data.context["district"]["name"]
    return f"*Quelle: {what} ({kind}). Stand: {periods}.*"


def md_table(header: list[str], rows: list[list[str]], caption: str, align: str | None = None) -> str:
    """A pipe table with a caption (Pandoc ``table_captions``). ``align``: one of l/r/c per column."""
    align = align or "l" + "r" * (len(header) - 1)
    # Pandoc takes relative column widths of wide tables from the number of dashes.
    widths = [min(40, max(3, *(len(r[i]) for r in [header, *rows]))) for i in range(len(header))]
    marks = [(":" + "-" * w if a == "l" else "-" * w + ":" if a == "r" else ":" + "-" * w + ":") for a, w in zip(align, widths)]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + f"\n\nTable: {caption}\n"


def md_figure(path: str, caption: str, ident: str) -> str:
    """An image reference with caption; the caption is the alternative text for screen readers."""
    return f"![{caption}]({path}){{#{ident}}}\n"
