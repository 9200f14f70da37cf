"""The precomputed tables of one district and year, as the compute step wrote them to
``results/work/<year>/<batch>/<district>/indikatoren/``: ``indikatoren.csv`` (every indicator per
area and date), ``pyramide.csv``, ``gemeinden.geojson``, ``context.json`` (names, periods,
catalogue, settings) and the planning tables (``prognose.csv``, ``sozialindex.csv``, …)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sozialbericht.compute.intervals import HIGHER, LOWER, SIMILAR, SMALL_AREA_LEVELS
from sozialbericht.report.names import short_name, sort_key
from sozialbericht.report.values import Indikator

#: Numeric columns of the planning tables: an empty cell is a missing number (text columns stay text).
NUMERIC_COLUMNS = (
    *("value", "aktuell", "prognose_zieljahr", "trend_je_jahr", "km"),
    *("median", "p25", "p75", "lower", "upper", "distance", "unadjusted", "factor"),
)


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
            dtype={"area_id": str, "period": str, "flag": str, "comparison": str},
            keep_default_na=False,
            na_values={"value": [""], "lower": [""], "upper": [""]},
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
        self._tables: dict[str, pd.DataFrame] = {}
        self._flags: dict[tuple[str, str, str], str] | None = None

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

    def comparison(self, indicator: str, area: str, period: str) -> str:
        """The flag of a small-area value against the Kreis value of the same indicator and date
        (höher / ähnlich / niedriger; ``comparison`` of ``indikatoren.csv``), "" where it has none.
        The Kreis's own comparison (against its Vergleichskreise) is no small-area flag: never here."""
        return self._comparisons().get((indicator, area, period), "")

    def compared(self, indicator: str) -> bool:
        """Whether any small-area value of ``indicator`` has a flag against the Kreis value."""
        return indicator in {k[0] for k in self._comparisons()}

    def _comparisons(self) -> dict[tuple[str, str, str], str]:
        if self._flags is None:
            d = self.indicators
            if "comparison" not in d.columns:
                self._flags = {}
            else:
                rows = d[d["area_level"].isin(SMALL_AREA_LEVELS) & d["comparison"].isin((HIGHER, SIMILAR, LOWER))]
                self._flags = dict(zip(zip(rows["indicator_id"], rows["area_id"], rows["period"]), rows["comparison"]))
        return self._flags

    def table(self, name: str) -> pd.DataFrame:
        """A planning table written by the compute step (prognose, sozialindex, …), or empty; read
        once per report (several chapters read the same tables), a fresh copy for every caller."""
        if name not in self._tables:
            self._tables[name] = self._read_table(name)
        return self._tables[name].copy()

    def _read_table(self, name: str) -> pd.DataFrame:
        path = self.folder / f"{name}.csv"
        if not path.exists():
            return pd.DataFrame()
        return pd.read_csv(
            path,
            dtype={"area_id": str, "period": str, "stand": str, "variant": str, "group": str, "land": str, "peer_id": str},
            keep_default_na=False,
            na_values={c: [""] for c in NUMERIC_COLUMNS},
        )

    def areas(self, level: str) -> dict[str, str]:
        """Area id → short name of every area of a level, sorted alphabetically by name (German)."""
        d = self.indicators[self.indicators["area_level"] == level].drop_duplicates("area_id")
        pairs = {a: short_name(n) for a, n in zip(d["area_id"], d["area_name"])}
        return dict(sorted(pairs.items(), key=lambda kv: sort_key(kv[1])))
