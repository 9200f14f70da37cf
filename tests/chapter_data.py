"""A small district for the chapter tests (tests/unit/report/chapters/), written where
``DistrictData`` reads it.

The compute step writes a district's precomputed tables to
``results/work/<year>/<batch>/<district>/indikatoren/``: ``indikatoren.csv`` (every indicator per
area and date), ``pyramide.csv``, ``gemeinden.geojson``, ``context.json`` and the planning tables
(``prognose.csv``, ``sozialindex.csv``, …). :class:`District` writes the same files from a few rows:
"Landkreis Beispiel" (15085) with three Gemeinden, two other Kreise of its Land, the Land and
Germany. ``District(tmp_path).national()`` gives every Kreis-level indicator of the catalogue for
all of them; ``.own()`` adds the district's small-area data; a test adds or overrides single
values (``.add``) and tables (``.table``) and builds the chapters' context (``.kontext()``)."""

from __future__ import annotations

import json
import math
import re
from functools import cache
from pathlib import Path

import pandas as pd
import yaml
from conftest import ROOT

from sozialbericht.report.chapters.common import ReportContext, build_context
from sozialbericht.report.chapters.prognose import GROUPS

YEAR = 2020
KREIS, LAND, BUND = "15085", "15", "DG"
#: The Land's Kreise by their official names (the district first).
KREISE = {KREIS: "Beispiel, Landkreis", "15086": "Nachbar, Landkreis", "15002": "Halle (Saale), kreisfreie Stadt"}
GEMEINDEN = {"150850001001": "Aue, Stadt", "150850002002": "Bachdorf", "150850003003": "Clausberg"}
SOZIALRAUM = ("15085-nord", "Nord")
LEVELS = {LAND: ("Sachsen-Anhalt", "land"), BUND: ("Deutschland", "bund"), SOZIALRAUM[0]: (SOZIALRAUM[1], "sozialraum")}
LEVELS |= {k: (n, "kreis") for k, n in KREISE.items()} | {g: (n, "gemeinde") for g, n in GEMEINDEN.items()}
#: Reference dates of the national tables and the Gemeinde directories.
PERIODS = {
    "bevoelkerung_alter": [f"{y}-12-31" for y in range(2015, YEAR + 1)],
    "arbeitslose": [str(y) for y in range(2015, YEAR + 1)],
    "pflege": ["2015-12-31", "2017-12-31", "2019-12-31"],
}
GEMEINDE_PERIODS = ["2013-12-31", "2017-12-31", "2019-12-31"]
AGES = [0, 3, 6, 10, 15, 18, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 75]


def finding_rules() -> dict:
    """The rules of the Handlungsbedarfe as config/config.yaml ships them (a fresh copy)."""
    return yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))["handlungsbedarfe"]


@cache
def catalogue_file(path: Path = ROOT / "config" / "indicators.yaml") -> tuple:
    return tuple(yaml.safe_load(path.read_text(encoding="utf-8")))


def sources() -> dict:
    """The sources of the national datasets, as the compute step copies them into the context."""
    datasets = yaml.safe_load((ROOT / "config" / "datasets.yaml").read_text(encoding="utf-8"))
    return {
        name: {k: spec[k] for k in ("table", "title", "statistic", "attribution", "licence")}
        for name, spec in sorted(datasets.items())
        if all(k in spec for k in ("table", "statistic", "attribution"))
    }


def square(x: int) -> dict:
    """A 1 km square (EPSG:25832) for a Gemeinde's boundary."""
    x0, y0 = 600_000 + x * 1000, 5_700_000
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x0 + 1000, y0], [x0 + 1000, y0 + 1000], [x0, y0 + 1000], [x0, y0]]]}


class District:
    """The folder of one district's precomputed tables, written from rows set by the test."""

    def __init__(self, tmp_path: Path, catalogue: list[dict] | None = None):
        self.tmp = Path(tmp_path)
        self.folder = self.tmp / "indikatoren"
        self.catalogue = [dict(c) for c in (catalogue or catalogue_file())]
        self.values: dict[tuple[str, str, str], dict] = {}
        self.tables: dict[str, pd.DataFrame] = {}
        self.documents: dict[str, dict] = {}
        self.context = self._context()

    def _context(self) -> dict:
        return {
            "district": {"id": "beispiel", "kreis": KREIS, "base_year": 2015, "name": "Landkreis Beispiel"},
            "year": YEAR,
            "kreis": {
                "kreis": KREIS,
                "name": "Landkreis Beispiel",
                "name_in": "im Landkreis Beispiel",
                "name_des": "des Landkreises Beispiel",
                "kurz": "Beispiel",
                "typ": "Landkreis",
                "land_kreise": {"15002": "kreisfreie Stadt", KREIS: "Landkreis", "15086": "Landkreis"},
            },
            "land": {"id": LAND, "name": "Sachsen-Anhalt", "name_in": "in Sachsen-Anhalt"},
            "periods": {ds: {"latest": ps[-1], "all": ps} for ds, ps in PERIODS.items()},
            "gemeinde_periods": GEMEINDE_PERIODS,
            "territorial_changes": [],
            "sozialraeume": {},
            "synthetic": False,
            "own_data": [],
            "synthetic_indicators": [],
            "disclosure": {"min_count": 3},
            "planning": {"handlungsbedarfe": finding_rules()},
            "projection": {"kalibrierung": None, "backtest": {}, "gemeinden": {}},
            "land_annahmen": {},
            "beratung": {"rechtsgrundlage": "", "text": ""},
            "previous": None,
            "data_quality": {},
            "sources": sources(),
            "beratung_traeger": None,
            "auf_einen_blick": [],
        }

    # --- rows --------------------------------------------------------------------------------------
    def add(
        self,
        indicator: str,
        area: str,
        period: str,
        value: float | None,
        flag: str = "",
        synthetic: bool = False,
        comparison: str = "",
    ):
        """One value (replacing one of the same indicator, area and date); ``comparison``: its flag
        against the Kreis value (höher / ähnlich / niedriger), as compute/intervals.py sets it."""
        name, level = LEVELS[area]
        entry = next(c for c in self.catalogue if c["id"] == indicator)
        self.values[(indicator, area, period)] = {
            "indicator_id": indicator,
            "area_id": area,
            "area_name": name,
            "area_level": level,
            "period": period,
            "value": value,
            "unit": entry["unit"],
            "flag": flag,
            "synthetic": synthetic,
            "comparison": comparison,
        }
        return self

    def national(self):
        """Every Kreis-level indicator of the catalogue for the Land's Kreise, the Land and Germany
        at the dates of its dataset (values rise by one per date from a base per area), and the
        Gemeinde population of the directories."""
        for entry in self.catalogue:
            if entry["level"] != "kreis":
                continue
            periods = PERIODS[entry["numerator"]["dataset"]]
            for n, area in enumerate([*KREISE, LAND, BUND]):
                for i, p in enumerate(periods):
                    self.add(entry["id"], area, p, 10.0 * (n + 1) + i)
        for n, g in enumerate(GEMEINDEN):
            for i, p in enumerate(GEMEINDE_PERIODS):
                self.add("gem_bevoelkerung", g, p, 1000.0 * (n + 1) - 10 * i)
                self.add("gem_bevoelkerung_veraenderung", g, p, -1.0 * i * (n + 1))
                self.add("gem_bevoelkerungsdichte", g, p, 100.0 + n)
                self.add("gem_geschlechterverhaeltnis", g, p, 95.0 + n)
        for i, p in enumerate(GEMEINDE_PERIODS):
            self.add("gem_bevoelkerung", KREIS, p, 6000.0 - 30 * i)
        return self

    def own(self, synthetic: bool = False, year: int = YEAR):
        """The district's small-area data: every Gemeinde-level indicator computed from its own
        datasets, for the Gemeinden and the Kreis, in ``year`` (counts 100, 200, 300 …; rates 5, 10, 15 …)."""
        own = [c for c in self.catalogue if c["id"].startswith("kl_")]
        for entry in own:
            period = (
                f"{year}-12-31"
                if entry.get("numerator", {}).get("dataset", "").startswith(("bevoelkerung_g", "sgb2"))
                else str(year)
            )
            for n, area in enumerate([*GEMEINDEN, KREIS]):
                value = (n + 1) * (100.0 if entry["unit"] == "Anzahl" else 5.0)
                self.add(entry["id"], area, period, value, synthetic=synthetic)
        self.context["own_data"] = ["bevoelkerung_gemeinden", "sgb2_gemeinden"]
        self.context["synthetic"] = synthetic
        self.context["synthetic_indicators"] = [c["id"] for c in own] if synthetic else []
        return self

    def table(self, name: str, frame: pd.DataFrame):
        """A planning table of the compute step (prognose, sozialindex, ziele, beratung_versorgung …)."""
        self.tables[name] = frame
        return self

    def document(self, name: str, content: dict):
        """A JSON file of the compute step (``pflegequoten.json``)."""
        self.documents[name] = content
        return self

    # --- the folder --------------------------------------------------------------------------------
    def write(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        columns = [
            "indicator_id",
            "area_id",
            "area_name",
            "area_level",
            "period",
            "value",
            "unit",
            "flag",
            "synthetic",
            "comparison",
        ]
        pd.DataFrame(list(self.values.values()), columns=columns).to_csv(self.folder / "indikatoren.csv", index=False)
        self._pyramid().to_csv(self.folder / "pyramide.csv", index=False)
        geo = {
            "type": "FeatureCollection",
            "crs": "EPSG:25832",
            "features": [
                {"type": "Feature", "properties": {"area_id": g, "area_name": n, "area_level": "gemeinde"}, "geometry": square(i)}
                for i, (g, n) in enumerate(GEMEINDEN.items())
            ],
        }
        (self.folder / "gemeinden.geojson").write_text(json.dumps(geo), encoding="utf-8")
        context = {**self.context, "catalogue": self.catalogue}
        (self.folder / "context.json").write_text(json.dumps(context, ensure_ascii=False), encoding="utf-8")
        for name, frame in self.tables.items():
            frame.to_csv(self.folder / f"{name}.csv", index=False)
        for name, content in self.documents.items():
            (self.folder / name).write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        return self.folder

    @staticmethod
    def _pyramid() -> pd.DataFrame:
        rows = []
        for area in (LAND, KREIS, BUND):
            for sex in ("männlich", "weiblich"):
                for i, start in enumerate(AGES):
                    label = f"{start} bis unter {AGES[i + 1]} Jahre" if i + 1 < len(AGES) else f"{start} Jahre und mehr"
                    rows.append(
                        {
                            "area_id": area,
                            "period": f"{YEAR}-12-31",
                            "sex": sex,
                            "age_label": label,
                            "age_from": start,
                            "value": 100 + i,
                        }
                    )
        return pd.DataFrame(rows)

    def kontext(self, texte: dict | None = None) -> ReportContext:
        """The chapters' shared state on this district (figures are drawn, not written)."""
        self.write()
        c = build_context("beispiel", YEAR, self.folder, ROOT / "report", self.tmp / "notebook", texte)
        c.bericht._save = lambda figure, path: _close(figure)
        return c


# --- planning tables as the compute step writes them ----------------------------------------------
SOCIAL_INDEX = {
    "status_bounds": [-1.0, 1.0, 1.5],
    "dynamic_bounds": [-1.0, 1.0],
    "min_population": 300,
    "status_indicators": ["kl_sgb2_quote"],
    "dynamics_years": 2,
    "population_indicator": "kl_einwohner",
    "gewichtung": {"regel": "median", "ziehungen": 1000, "seed": 7, "streuung": 0.25, "unsicher_ab": 0.2},
}


def projection() -> pd.DataFrame:
    """``prognose.csv``: every group and variant, 2020–2035; each part 1.000 in 2020, the Krippe
    falling by 20 a year; the variants 100 below and above the middle one."""
    rows = []
    for variant, shift in (("niedrig", -100), ("mittel", 0), ("hoch", 100)):
        for year in range(2020, 2036):
            parts = {g: 1000 - (20 * (year - 2020) if g == GROUPS[0] else 0) for g in GROUPS[:7]}
            values = {
                **parts,
                "insgesamt": sum(parts.values()) + shift,
                "65 Jahre und älter": parts[GROUPS[5]] + parts[GROUPS[6]],
            }
            rows += [{"variant": variant, "year": year, "group": g, "value": values[g]} for g in GROUPS]
    return pd.DataFrame(rows)


def children_demand() -> pd.DataFrame:
    """``bedarf_kinder.csv``: children per band as in :func:`projection` (the Krippe falling by 20 a
    year, Kita and Grundschule 1.000), the variants 10 below and above the middle one."""
    rows = []
    for variant, shift in (("niedrig", -10), ("mittel", 0), ("hoch", 10)):
        for year in range(2020, 2036):
            for n, band in enumerate(GROUPS[:3]):
                value = 1000 - (20 * (year - 2020) if n == 0 else 0) + (shift if year > 2020 else 0)
                rows.append({"area_id": KREIS, "variant": variant, "year": year, "band": band, "value": float(value)})
    return pd.DataFrame(rows)


#: The Kreis's count of people in need of care at the newest date of ``pflege`` (31.12.2019).
CARE_COUNT = 1200.0


def care_demand(count: float = CARE_COUNT) -> pd.DataFrame:
    """``bedarf_pflege.csv``: the count of 2019 and the expected people in need of care 2025, 2030,
    2035 (the rates alone give 1.500 in 2019 and 100 more every five years; factor count / 1.500);
    the variants 20 below and above the middle one."""
    rows = []
    for variant, shift in (("niedrig", -20), ("mittel", 0), ("hoch", 20)):
        for year, unadjusted in ((2019, 1500.0), (2025, 1600.0), (2030, 1700.0), (2035, 1800.0)):
            factor = count / 1500.0
            value = count if year == 2019 else unadjusted * factor + shift
            rows.append(
                {
                    "area_id": KREIS,
                    "variant": variant,
                    "year": year,
                    "value": value,
                    "unadjusted": value / factor,
                    "factor": factor,
                }
            )
    return pd.DataFrame(rows)


def care_rates_info(checked_from: int = 85) -> dict:
    """``pflegequoten.json`` as the national step writes it: three bands, checked from ``checked_from``."""
    bands = [(0, 60, 1.0), (60, 85, 10.0), (85, None, 50.0)]
    return {
        "quelle": {
            "statistik": "Pflegestatistik",
            "titel": "Pflegestatistik 2021 – Pflege im Rahmen der Pflegeversicherung – Deutschlandergebnisse",
            "tabelle": "Pflegebedürftige nach Altersgruppen und Geschlecht, Pflegequoten",
            "herausgeber": "Statistisches Bundesamt (Destatis)",
            "jahr": 2021,
        },
        "einheit": "je 100 Einwohner der Altersgruppe",
        "quoten": [
            {"von": lo, "bis": hi, "insgesamt": r, "männlich": r, "weiblich": r, "geprueft": lo >= checked_from}
            for lo, hi, r in bands
        ],
        "alle_geprueft": checked_from == 0,
        "jahre": [2025, 2030, 2035],
    }


def demand(d: District, count: float = CARE_COUNT) -> District:
    """The demand tables of the compute step: children, care with the Kreis's count, the care rates."""
    d.add("pflegebeduerftige", KREIS, "2019-12-31", count)
    return (
        d.table("bedarf_kinder", children_demand())
        .table("bedarf_pflege", care_demand(count))
        .document("pflegequoten.json", care_rates_info())
    )


def social_index() -> pd.DataFrame:
    """``sozialindex.csv``: Bachdorf of very low status, Aue of negative dynamics."""
    return pd.DataFrame(
        {
            "area_id": list(GEMEINDEN),
            "status_index": [0.2, 1.7, -1.1],
            "dynamik_index": [1.2, 0.0, -0.4],
            "status": ["mittel", "sehr niedrig", "hoch"],
            "dynamik": ["negativ", "stabil", "stabil"],
            "gruppe": [6, 10, 2],
        }
    )


#: The participants of the weighting in the small district (``beteiligte``).
PARTICIPANTS = [
    {"kennung": "traeger-x", "name": "Träger X", "rolle": "traeger"},
    {"kennung": "jobcenter", "name": "Jobcenter Beispiel", "rolle": "jobcenter"},
]


def weighting(d: District, participants: bool = True, unsure: tuple[str, ...] = ("150850003003",)) -> District:
    """The weighting tables of the compute step (compute/planning.weighting_tables) for the index of
    :func:`social_index` over one indicator pair: ``sozialindex_gewichte`` (equal, consensus,
    effective weights, one column per participant), ``sozialindex_robustheit`` (ranks by status
    index; the areas in ``unsure`` keep their class in 55 % of the draws), and with participants
    ``sozialindex_gewichtsvergleich`` (Clausberg changes class: mittel under equal weights, hoch
    under the consensus; Spearman 0,5) and ``sozialindex_teilnehmer`` (Träger X's own weights
    would move Aue from mittel to niedrig)."""
    ids = ["kl_sgb2_quote", "kl_kinderarmut"]
    weights = pd.DataFrame(
        {
            "indicator_id": ids,
            "gleich": [0.5, 0.5],
            "konsens": [0.6, 0.4] if participants else [None, None],
            "effektiv_gleich": [0.52, 0.48],
            "effektiv_konsens": [0.63, 0.37] if participants else [None, None],
        }
    )
    if participants:
        weights["teilnehmer_traeger-x"] = [0.7, 0.3]
        weights["teilnehmer_jobcenter"] = [0.5, 0.5]
        d.context["district"]["beteiligte"] = PARTICIPANTS
        d.context["data_quality"] = {
            "beteiligung": {
                "gelesen": 3,
                "beruecksichtigt": 2,
                "teilnehmer": [{**p, "datei": f"{p['kennung']}.xlsx", "status": "ok", "fehler": []} for p in PARTICIPANTS]
                + [{"kennung": "kag", "name": "KAG", "rolle": "kag", "datei": "kag.xlsx", "status": "fehler", "fehler": ["x"]}],
            }
        }
    areas = list(GEMEINDEN)  # Aue 0.2 (rank 2), Bachdorf 1.7 (rank 1), Clausberg −1.1 (rank 3)
    robust = pd.DataFrame(
        {
            "area_id": areas,
            "index": [0.2, 1.7, -1.1],
            "rang": [2, 1, 3],
            "klasse": ["mittel", "sehr niedrig", "hoch"],
            "rang_median": [2.0, 1.0, 2.5],
            "rang_p05": [2, 1, 2],
            "rang_p95": [3, 1, 3],
            "anteil_klasse_gehalten": [0.55 if a in unsure else 1.0 for a in areas],
            "unsicher": [a in unsure for a in areas],
        }
    )
    d.table("sozialindex_gewichte", weights).table("sozialindex_robustheit", robust)
    if participants:
        compare = pd.DataFrame(
            {
                "area_id": areas,
                "index_a": [0.3, 1.6, -0.9],
                "rang_a": [2, 1, 3],
                "klasse_a": ["mittel", "sehr niedrig", "mittel"],
                "index_b": [0.2, 1.7, -1.1],
                "rang_b": [2, 1, 3],
                "klasse_b": ["mittel", "sehr niedrig", "hoch"],
                "wechsel": [False, False, True],
                "spearman": 0.5,
            }
        )
        own = pd.concat(
            [
                compare.drop(columns="spearman").assign(
                    index_a=[0.2, 1.7, -1.1],
                    klasse_a=["mittel", "sehr niedrig", "hoch"],
                    index_b=b,
                    rang_b=r,
                    klasse_b=k,
                    wechsel=[x != y for x, y in zip(["mittel", "sehr niedrig", "hoch"], k)],
                    teilnehmer=kennung,
                )
                for kennung, b, r, k in (
                    ("traeger-x", [1.2, 1.5, -1.2], [2, 1, 3], ["niedrig", "sehr niedrig", "hoch"]),
                    ("jobcenter", [0.2, 1.7, -1.1], [2, 1, 3], ["mittel", "sehr niedrig", "hoch"]),
                )
            ],
            ignore_index=True,
        )
        d.table("sozialindex_gewichtsvergleich", compare).table("sozialindex_teilnehmer", own)
    d.context["planning"].setdefault("social_index", dict(SOCIAL_INDEX))
    return d


def goals() -> pd.DataFrame:
    """``ziele.csv``: one target at risk, one reached."""
    return pd.DataFrame(
        [
            {"indicator_id": "kl_kinderarmut", "name": "Kinderarmut", "unit": "%", "ziel": 12.0, "richtung": "below", "zieljahr": 2025,
             "aktuell": 14.6, "stand": "2020-12-31", "trend_je_jahr": -0.34, "prognose_zieljahr": 12.9, "status": "gefährdet", "anmerkung": ""},
            {"indicator_id": "arbeitslosenquote", "name": "Arbeitslosenquote", "unit": "%", "ziel": 7.0, "richtung": "below", "zieljahr": 2025,
             "aktuell": 6.1, "stand": "2020", "trend_je_jahr": -0.4, "prognose_zieljahr": 4.1, "status": "erreicht", "anmerkung": ""},
        ]
    )  # fmt: skip


def complete(tmp_path: Path) -> District:
    """A district with every kind of data but counselling and a previous report: national, own
    (synthetic), projection with its assumptions, social index, targets and Vergleichskreise."""
    d = comparison(District(tmp_path).national().own(synthetic=True))
    d.table("prognose", projection()).table("sozialindex", social_index()).table("ziele", goals())
    d.table("sozialindex_ausgeschlossen", pd.DataFrame({"area_id": []}))
    settings = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    d.context["planning"] = {
        "social_index": SOCIAL_INDEX,
        "projection": settings["projection"],
        "handlungsbedarfe": settings["handlungsbedarfe"],
    }
    d.context["projection"]["kalibrierung"] = {
        "geburtenziffer": 1.5,
        "jahre": [2015, 2020],
        "jahre_deutschland": [2015, 2020],
        "lebenserwartung": [76.4, 82.7],
        "methode": "eigene Wanderungen nach Alter und Geschlecht",
        "sterblichkeit": [0.9, 1.0],
        "wanderung_deutschland_bisher_je_1000": 3.3,
        "wanderung_eigen_je_1000": -3.2,
        "wanderung_je_1000": -0.5,
    }
    d.context["land_annahmen"] = {"geburtenziffer": 1.59}
    return d


def _close(figure) -> None:
    import matplotlib.pyplot as plt

    plt.close(figure)


def build(c: ReportContext, *chapter_ids: str) -> ReportContext:
    """Build chapters as the notebook does (recording them as built)."""
    from sozialbericht.report.chapters import chapter

    for chapter_id in chapter_ids:
        chapter(chapter_id).build(c)
    return c


def rendered(c: ReportContext, chapter_id: str) -> str:
    """The chapter's text as the report prints it."""
    return c.bericht.render_chapter(next(ch for ch in c.bericht.chapters if ch["id"] == chapter_id))


def cells(c: ReportContext, table: str) -> list[list[str]]:
    """The rows of a registered table (header first), cells stripped."""
    lines = [line for line in c.bericht.tables[table].splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for i, line in enumerate(lines) if i != 1]


# --- the tables of issue 25: comparison group, demand, intervals ------------------------------------
def comparison_rows(*rows: tuple) -> pd.DataFrame:
    """``vergleich.csv`` from rows (indicator_id, period, value, median, p25, p75, position)."""
    columns = ["indicator_id", "period", "value", "median", "p25", "p75", "position"]
    frame = pd.DataFrame(rows, columns=columns).assign(n=10, rank=1)
    return frame[["indicator_id", "period", "value", "median", "p25", "p75", "n", "rank", "position"]]


def demand_change(changes: dict[str, float], care: tuple[float, float] = (1000.0, 1000.0)) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``bedarf_kinder.csv`` and ``bedarf_pflege.csv`` of the Kreis: each child band 1.000 in 2020,
    changing linearly by ``changes[band]`` percent to 2035 (middle variant; the low and high
    variants 5 % below and above it); the expected Pflegebedürftige from ``care[0]`` (2019) to
    ``care[1]`` (2035, middle variant; low and high 2 % apart)."""
    from sozialbericht.compute.demand import CHILD_BANDS

    shift = {"niedrig": 0.95, "mittel": 1.0, "hoch": 1.05}
    kids = [
        {"area_id": KREIS, "variant": v, "year": y, "band": band,
         "value": 1000.0 * (1 + changes.get(band, 0) / 100 * (y - 2020) / 15) * (1 if y == 2020 else f)}
        for v, f in shift.items() for y in range(2020, 2036) for band in CHILD_BANDS
    ]  # fmt: skip
    first, last = care
    spread = {"niedrig": 0.98, "mittel": 1.0, "hoch": 1.02}
    pflege = [
        {"area_id": KREIS, "variant": v, "year": y, "value": first + (last - first) * (y - 2019) / 16 * (1 if y == 2019 else f),
         "unadjusted": first, "factor": 1.0}
        for v, f in spread.items() for y in (2019, 2025, 2030, 2035)
    ]  # fmt: skip
    return pd.DataFrame(kids), pd.DataFrame(pflege)


def intervals(indicator: str, flags: dict[str, tuple[float, float, str]], period: str = f"{YEAR}-12-31") -> pd.DataFrame:
    """``intervalle.csv`` of one indicator: area → (lower, upper, flag)."""
    return pd.DataFrame(
        [
            {"indicator_id": indicator, "area_id": a, "period": period, "lower": lo, "upper": hi, "flag": f}
            for a, (lo, hi, f) in flags.items()
        ]
    )


# --- the numbers of the Handlungsbedarfe against the tables ------------------------------------------
#: The columns of the work tables behind a Beleg's field.
_COMPARISON = {"value": "median", "lower": "p25", "upper": "p75"}
_NUMBER = re.compile(r"(?<![\w.,])[−+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?(?![\w])|(?<![\w.,])[−+-]?\d+(?:,\d+)?(?![\w.,]\d)(?!\w)")
_DATE = re.compile(r"\b\d{2}\.\d{2}\.\d{4}\b")


def work_value(folder: Path, beleg) -> float:
    """The value behind a finding's Beleg in the district's work folder, read from the table the
    Beleg names (indikatoren.csv or a work table: vergleich, bedarf_kinder, bedarf_pflege,
    intervalle, ziele). Once indikatoren.csv carries the comparison and demand rows (area_level
    ``vergleichskreise``, columns lower/upper, ids kinder_*/pflegebeduerftige_erwartet),
    :func:`indicator_value` reads every Beleg from it alone."""
    from sozialbericht.report.findings import CHILD_IDS

    def read(name):
        return pd.read_csv(folder / f"{name}.csv", dtype={"area_id": str, "period": str, "stand": str})

    b = beleg
    if b.table == "indikatoren":
        return indicator_value(folder, b)
    if b.table == "vergleich":
        t = read("vergleich")
        return float(t.loc[(t.indicator_id == b.indicator) & (t.period == b.period), _COMPARISON[b.field]].item())
    if b.table in ("bedarf_kinder", "bedarf_pflege"):
        t = read(b.table)
        t = t[(t.area_id == b.area) & (t.year == int(b.period[:4]))]
        if b.table == "bedarf_kinder":
            t = t[t.band == {v: k for k, v in CHILD_IDS.items()}[b.indicator]]
        values = t.set_index("variant")["value"]
        return float({"value": values["mittel"], "lower": values.min(), "upper": values.max()}[b.field])
    if b.table == "intervalle":
        t = read("intervalle")
        return float(t.loc[(t.indicator_id == b.indicator) & (t.area_id == b.area) & (t.period == b.period), b.field].item())
    if b.table == "ziele":
        t = read("ziele")
        return float(t.loc[t.indicator_id == b.indicator, b.field].item())
    raise AssertionError(f"unknown table {b.table}")


def published_value(folder: Path, beleg) -> float:
    """The value behind a Beleg as the report publishes it: every number in indikatoren.csv (the
    comparison group's median and quartiles, the demand with its range, the intervals), only the
    planning targets in their own table (``ziele.csv``)."""
    return work_value(folder, beleg) if beleg.table == "ziele" else indicator_value(folder, beleg)


def indicator_value(folder: Path, beleg) -> float:
    """The value behind a Beleg in indikatoren.csv: the row of its indicator, area (or area_level
    ``vergleichskreise``) and period, the column of its field."""
    t = pd.read_csv(
        folder / "indikatoren.csv", dtype={"area_id": str, "period": str}, keep_default_na=False, na_values={"value": [""]}
    )
    area = t.area_level == "vergleichskreise" if beleg.area == "vergleichskreise" else t.area_id == beleg.area
    rows = t[(t.indicator_id == beleg.indicator) & area & (t.period.str[: len(beleg.period)] == beleg.period)]
    return float(rows[beleg.field].astype(float).item())


def _derived(a, value_of) -> float:
    values = [value_of(b) for b in a.inputs]
    if a.kind == "differenz":
        return values[1] - values[0]
    if a.kind == "prozent":
        return (values[1] / values[0] - 1) * 100
    assert a.kind == "anzahl", a.kind
    return len(values)


def finding_texts(text: str) -> list[str]:
    """The numbered findings of the rendered chapter "Handlungsbedarfe", in order."""
    start = text.index("### Hinweise aus den Daten")
    end = text.index("So entstehen die Hinweise", start)
    return [item.strip() for item in re.split(r"(?m)^\d+\. ", text[start:end])[1:]]


def unexplained_numbers(text: str, befund, value_of) -> list[str]:
    """The numbers of a finding's text that are not the value of one of its Belege as the tables
    hold it (``value_of``: :func:`work_value` or :func:`indicator_value` on a folder), nor one it
    derives from them, recomputed from the tables; dates and years must be those of its Belege.
    The source line ("*Quelle: …*", table numbers and publishers' years), quoted names („…“:
    indicator names such as "Anteil 65 Jahre und älter") and units ("je 1.000") are not checked. Each Belege's value must
    equal the table's."""
    from sozialbericht.core import formatting as fmt

    problems = []
    values = []
    for b in befund.belege:
        table = value_of(b)
        if not math.isclose(table, b.value, rel_tol=1e-9, abs_tol=1e-9):
            problems.append(f"{b}: table has {table}")
        values.append(table)
    values += [_derived(a, value_of) for a in befund.abgeleitet]
    body = re.sub(r"„[^“]*“", "", text.split("*Quelle:")[0])
    body = re.sub(r"\bje\s\d{1,3}(?:\.\d{3})*", "je", body)  # units: "je 100", "je 1.000"
    dates = {fmt.date(b.period) for b in befund.belege}
    years = {b.period[:4] for b in befund.belege} | {str(int(b.value)) for b in befund.belege if b.field == "zieljahr"}
    for date in _DATE.findall(body):
        if date not in dates:
            problems.append(f"date {date}")
    body = _DATE.sub(" ", body)
    for token in _NUMBER.findall(body):
        plain = token.replace("−", "-").replace(".", "").replace(",", ".")
        if re.fullmatch(r"\d{4}", token) and token in years:
            continue
        decimals = len(plain.split(".")[1]) if "." in plain else 0
        x = abs(float(plain))
        if not any(abs(x - abs(v)) <= 0.5 * 10**-decimals + 1e-9 for v in values):
            problems.append(f"{token} in {text[:60]}…")
    return problems


# --- the comparison with the Vergleichskreise and the demand (compute/district_outlook.py) --------------
#: The small district's Vergleichskreise: the two other Kreise of its Land and three of other Länder.
PEERS = {
    "15086": ("Landkreis Nachbar", "Sachsen-Anhalt"),
    "15002": ("Stadt Halle (Saale)", "Sachsen-Anhalt"),
    "16076": ("Landkreis Greiz", "Thüringen"),
    "12071": ("Landkreis Spree-Neiße", "Brandenburg"),
    "03151": ("Landkreis Gifhorn", "Niedersachsen"),
}
#: The Kreise of other Länder in the national table: base values (the Land's Kreise have 10, 20, 30),
#: rising by one per date like the others.
OTHER_KREISE = {"16076": 12.0, "12071": 15.0, "03151": 25.0}


def key_indicators() -> list[str]:
    """The indicators of the comparison table (``vergleichskreise.kennzahlen`` of config/config.yaml)."""
    settings = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    return settings["vergleichskreise"]["kennzahlen"]


def national_table(d: District) -> pd.DataFrame:
    """The national indicator table the comparison is computed from: the Kreis-level rows of the
    small district's table and the Kreise of other Länder (:data:`OTHER_KREISE`) at the same dates."""
    rows = [r for r in d.values.values() if r["area_level"] == "kreis"]
    for entry in (c for c in d.catalogue if c["level"] == "kreis"):
        for kreis, base in OTHER_KREISE.items():
            for i, p in enumerate(PERIODS[entry["numerator"]["dataset"]]):
                rows.append({**rows[0], "indicator_id": entry["id"], "area_id": kreis, "area_name": PEERS[kreis][0],
                             "period": p, "value": base + i, "unit": entry["unit"]})  # fmt: skip
    return pd.DataFrame(rows)


def comparison(d: District, own: bool = False) -> District:
    """``vergleichskreise.csv`` and ``vergleich.csv`` as the compute step writes them: the group
    :data:`PEERS` (``own``: named by the district) and its comparison table, computed by the
    national step's functions from :func:`national_table` — call after the test set its values."""
    from sozialbericht.compute.national_outlook import comparison_tables, newest_values

    ids = key_indicators()
    table = national_table(d)
    vergleich = comparison_tables(newest_values(table, ids, YEAR), {KREIS: list(PEERS)}, [KREIS], ids, YEAR)
    group = pd.DataFrame(
        {
            "rank": range(1, len(PEERS) + 1),
            "area_id": list(PEERS),
            "area_name": [n for n, _ in PEERS.values()],
            "land": [k[:2] for k in PEERS],
            "land_name": [land for _, land in PEERS.values()],
            "distance": [None] * len(PEERS) if own else [0.5, 0.6, 0.7, 0.8, 0.9],
            "quelle": "Kreiskonfiguration" if own else "berechnet",
        }
    )
    return d.table("vergleich", vergleich.drop(columns="area_id")).table("vergleichskreise", group)
