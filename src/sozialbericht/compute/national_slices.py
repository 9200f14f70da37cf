"""The national results cut into what each district's job reads: per Land the Kreis-level
indicators of its Kreise, the Land and Germany (``laender/<Land>.csv``), and per Kreis its slice
(``kreise/<Kreis>/``): the Gemeinde indicators, its directories and territorial changes, Zensus,
population by age, pyramid, projection, boundaries and ``kreis.json`` (names, Land, the
projection's calibration, Kreis reforms), and what ``national_outlook`` adds: the Kreis's
comparable Kreise (``vergleichskreise.csv``), its comparison table (``vergleich.csv``) and its
demand for Kitas, schools and care (``bedarf_kinder.csv``, ``bedarf_pflege.csv``).

Every national table is indexed once by Kreis (row positions), so that each slice is a cheap
lookup rather than a filter over the whole of Germany.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sozialbericht.compute.national_outlook import COMPARISON_COLUMNS, GROUP_COLUMNS, Comparison, Demand
from sozialbericht.core.areas import Kreis, name_forms
from sozialbericht.core.files import feature_collection, read_feature_lines, write_tidy


@dataclass
class SliceSources:
    """The national results the slices are cut from."""

    current: list[str]  # the Kreise of the report year
    meta: dict[str, Kreis]  # every Kreis (also former ones) with its name forms
    ids: dict[str, str]  # Kreis key → default district id
    table: pd.DataFrame  # indicators of every Kreis, Land, Germany and Gemeinde
    directory: pd.DataFrame  # the staged GV-ISys directories
    changes: pd.DataFrame  # the territorial changes between them
    kreis_maps: dict[str, dict[str, str]]  # Kreis reforms: "<period>/<period>" → {former: successor}
    targets: pd.DataFrame  # area_id → target: the directories' Gemeinden onto the current ones
    zensus: pd.DataFrame  # the staged Zensus 2022
    population: pd.DataFrame  # 12411-0018 (Kreis reforms and Stadtstaaten applied)
    prognose: pd.DataFrame  # the projection of every Kreis
    calibrations: dict[str, dict]  # Kreis → the projection's calibration figures
    pyramids: pd.DataFrame  # every Kreis, its Land and Germany at the report year
    comparison: Comparison | None = None  # the comparable Kreise and comparison tables
    demand: Demand | None = None  # children and care of every projected Kreis
    care_rates: dict | None = None  # the care rates as cited (national_outlook.care_rates_info)


def _positions(keys: pd.Series) -> dict[str, np.ndarray]:
    """Key → row positions (for fast repeated selection), as views on one integer array (lists of
    Python integers for every row of the national tables would cost some 80 MB)."""
    codes, uniques = pd.factorize(keys.to_numpy())
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    return {u: order[bounds[i] : bounds[i + 1]] for i, u in enumerate(uniques)}


def _rows(index: dict[str, np.ndarray], keys) -> np.ndarray:
    """The sorted row positions of ``keys`` in ``index`` (each row once)."""
    parts = [index[k] for k in keys if k in index]
    return np.unique(np.concatenate(parts)) if parts else np.array([], dtype=int)


def _pick(df: pd.DataFrame, index: dict[str, np.ndarray], keys) -> pd.DataFrame:
    return df.iloc[_rows(index, keys)]


class _Index:
    """Every national table indexed once by Kreis (or area), so that each slice is a cheap lookup."""

    def __init__(self, src: SliceSources):
        table, directory, changes, zensus = src.table, src.directory, src.changes, src.zensus
        self.by_kreis_gem = _positions(table["area_id"].str[:5].where(table["area_id"].str.len() == 12, ""))
        self.by_area = _positions(table["area_id"])
        self.own_by_kreis: dict[str, set] = {}
        for ars, tgt in zip(src.targets["area_id"], src.targets["target"]):
            self.own_by_kreis.setdefault(tgt[:5], set()).add(ars)
        self.raw_gem = directory[directory["area_level"] == "gemeinde"]
        for ars in self.raw_gem["area_id"].unique():
            self.own_by_kreis.setdefault(ars[:5], set()).add(ars)
        self.raw_by_ars = _positions(self.raw_gem["area_id"])
        self.verband = directory[directory["area_level"].isin(["gemeindeverband", "kreis"])]
        self.verband_by_kreis = _positions(self.verband["area_id"].str[:5])
        self.change_from = _positions(changes["from_ars"])
        self.change_to = _positions(changes["to_ars"].str[:5])
        self.zensus_by_kreis = _positions(zensus["area_id"].str[:5].where(zensus["area_id"].str.len() == 12, ""))
        self.pop_by_area = _positions(src.population["area_id"])
        self.prog_by_area = _positions(src.prognose["area_id"])
        self.pyr_by_area = _positions(src.pyramids["area_id"])
        if src.comparison is not None:
            self.group_by_kreis = _positions(src.comparison.members["kreis"])
            self.comparison_by_kreis = _positions(src.comparison.tables["area_id"])
        if src.demand is not None:
            self.children_by_kreis = _positions(src.demand.children["area_id"])
            self.care_by_kreis = _positions(src.demand.care["area_id"])


def _reform_forms(meta: dict, kreis: str) -> dict[str, str]:
    """A former Kreis in a sentence: "der Landkreis Osterode am Harz" (``der``), "den Landkreis …"
    (``den``); a key no longer in the boundaries as "der Kreis 03156"."""
    if kreis not in meta:
        return {"der": f"der Kreis {kreis}", "den": f"den Kreis {kreis}"}
    forms = name_forms(meta[kreis].name_in, meta[kreis].name_des)
    return {"der": forms["der"], "den": forms["den"]}


def kreis_info(kreis: str, src: SliceSources, laender: dict) -> dict:
    """``kreis.json``: the Kreis's names, its Land, the calibration of its projection, the kinds of
    its Land's Kreise and the Kreis reforms it took part in."""
    meta, kreis_maps, land = src.meta, src.kreis_maps, kreis[:2]
    m = meta[kreis]
    return {
        "kreis": kreis,
        "id": src.ids.get(kreis, kreis),
        "kurz": m.kurz,
        "typ": m.typ,
        "name": m.name,
        "name_in": m.name_in,
        "name_des": m.name_des,
        "land": {
            "id": land,
            "name": laender["laender"][land]["name"],
            "name_in": laender["laender"][land].get("name_in", "in " + laender["laender"][land]["name"]),
        },
        "kalibrierung": src.calibrations.get(kreis),
        # the kinds of the Land's Kreise: what the texts call them ("Landkreise", "Kreise und kreisfreie Städte")
        "land_kreise": {k: meta[k].typ for k in src.current if k[:2] == land and k in meta},
        "kreisreformen": {
            "aufgenommen": [
                {"kreis": o, "kurz": meta[o].kurz if o in meta else o, **_reform_forms(meta, o), "zwischen": p.split("/")}
                for p, pair in sorted(kreis_maps.items())
                for o, n in sorted(pair.items())
                if n == kreis
            ],
            "aufgegangen_in": [
                {"kreis": n, "des": meta[n].name_des if n in meta else n, "zwischen": p.split("/")}
                for p, pair in sorted(kreis_maps.items())
                for o, n in pair.items()
                if o == kreis
            ],
        },
    }


def _write_kreis(kreis: str, src: SliceSources, idx: _Index, boundaries: dict, laender: dict, folder: Path) -> None:
    """One Kreis's slice (``boundaries``: the head of the Gemeinde layer, the Gemeinden's features by
    Kreis and the Kreise's features)."""
    land = kreis[:2]
    folder.mkdir(parents=True, exist_ok=True)
    write_tidy(_pick(src.table, idx.by_kreis_gem, [kreis]), folder / "indikatoren.csv")
    own = sorted(idx.own_by_kreis.get(kreis, set()))
    write_tidy(
        pd.concat([_pick(idx.raw_gem, idx.raw_by_ars, own), _pick(idx.verband, idx.verband_by_kreis, [kreis])]),
        folder / "verzeichnis.csv",
    )
    pos = np.union1d(_rows(idx.change_from, own), _rows(idx.change_to, [kreis]))
    write_tidy(src.changes.iloc[pos], folder / "aenderungen.csv")
    write_tidy(_pick(src.zensus, idx.zensus_by_kreis, [kreis]), folder / "zensus.csv")
    write_tidy(_pick(src.population, idx.pop_by_area, [kreis]), folder / "alter.csv")
    write_tidy(
        _pick(src.pyramids, idx.pyr_by_area, [kreis, land, "DG"]).sort_values(["area_id", "sex", "age_from"]),
        folder / "pyramide.csv",
    )
    write_tidy(_pick(src.prognose, idx.prog_by_area, [kreis]), folder / "prognose.csv")
    features = boundaries["gemeinden"].get(kreis, []) + ([boundaries["kreise"][kreis]] if kreis in boundaries["kreise"] else [])
    (folder / "gemeinden.geojson").write_text(
        feature_collection({"type": "FeatureCollection", "crs": boundaries["head"].get("crs")}, features), encoding="utf-8"
    )
    (folder / "kreis.json").write_text(
        json.dumps(kreis_info(kreis, src, laender), ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    _write_outlook(kreis, src, idx, folder)


def _write_outlook(kreis: str, src: SliceSources, idx: _Index, folder: Path) -> None:
    """The Kreis's comparable Kreise, its comparison table and its demand tables."""
    if src.comparison is not None:
        group = _pick(src.comparison.members, idx.group_by_kreis, [kreis])  # in rank order (peer_groups)
        write_tidy(group[GROUP_COLUMNS[1:]], folder / "vergleichskreise.csv")
        table = _pick(src.comparison.tables, idx.comparison_by_kreis, [kreis])
        write_tidy(table[COMPARISON_COLUMNS[1:]], folder / "vergleich.csv")
    if src.demand is not None:
        write_tidy(_pick(src.demand.children, idx.children_by_kreis, [kreis]), folder / "bedarf_kinder.csv")
        write_tidy(_pick(src.demand.care, idx.care_by_kreis, [kreis]), folder / "bedarf_pflege.csv")


def write_outlook_tables(src: SliceSources, out_dir: Path) -> None:
    """The national tables of ``national_outlook``: every Kreis's group (``vergleichskreise.csv``:
    area_id, rank, peer_id, distance), the values the comparison tables read
    (``vergleichswerte.csv``, rows of the indicator table) and the care rates as cited
    (``pflegequoten.json``)."""
    if src.comparison is not None:
        write_tidy(src.comparison.groups, out_dir / "vergleichskreise.csv")
        write_tidy(src.comparison.values, out_dir / "vergleichswerte.csv")
    if src.care_rates is not None:
        (out_dir / "pflegequoten.json").write_text(
            json.dumps(src.care_rates, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )


def _boundaries(geo_dir: Path) -> dict:
    """The staged VG5000 layers as feature texts: the Gemeinden's by Kreis, the Kreise's by key."""
    geo_head, geo = read_feature_lines(geo_dir / "VG5000_GEM.geojson")
    _, krs_by_key = read_feature_lines(geo_dir / "VG5000_KRS.geojson")
    geo_by_kreis: dict[str, list] = {}
    for area_id in sorted(geo):
        geo_by_kreis.setdefault(area_id[:5], []).append(geo[area_id])
    return {"head": geo_head, "gemeinden": geo_by_kreis, "kreise": krs_by_key}


def write_slices(src: SliceSources, geo_dir: Path, laender: dict, out_dir: Path) -> None:
    """Per Land its Kreis-level table and per Kreis of the report year its slice, into ``out_dir``
    (``geo_dir``: the staged boundary layers)."""
    boundaries = _boundaries(geo_dir)
    idx = _Index(src)
    for land in sorted({k[:2] for k in src.current}):
        land_kreise = [k for k in src.current if k[:2] == land]
        write_tidy(_pick(src.table, idx.by_area, ["DG", land, *land_kreise]), out_dir / "laender" / f"{land}.csv")
    for kreis in src.current:
        _write_kreis(kreis, src, idx, boundaries, laender, out_dir / "kreise" / kreis)
