"""The example's chapter "Vergleichskreise" against the national indicator table: every number of its
comparison table is the national table's value of the Kreis or a quantile of its Vergleichskreise'
values there, computed here independently; the published indikatoren.csv and tabellen.xlsx carry
the same numbers."""

import numpy as np
import pandas as pd
import yaml
from conftest import md_table, sheet_rows

from sozialbericht.core import formatting as fmt

KREIS, YEAR = "15085", 2020


def _decimals(cell: str) -> int:
    return len(cell.split(",")[1]) if "," in cell else 0


def test_the_comparison_table_equals_the_national_indicator_table(e2e_project):
    md = (e2e_project / "reports" / "harz" / str(YEAR) / "sozialbericht.md").read_text(encoding="utf-8")
    header, *rows = md_table(md, "tbl-vergleichskreise")
    assert header == ["Kennzahl", "Stand", "Harz", "Median", "P25", "P75", "Rang", "Lage"]
    settings = yaml.safe_load((e2e_project / "config" / "config.yaml").read_text(encoding="utf-8"))
    ids = settings["vergleichskreise"]["kennzahlen"]
    catalogue = {c["id"]: c for c in yaml.safe_load((e2e_project / "config" / "indicators.yaml").read_text(encoding="utf-8"))}
    national_dir = e2e_project / "results" / "national" / str(YEAR)
    table = pd.read_csv(national_dir / "indikatoren.csv", dtype={"area_id": str, "period": str})
    groups = pd.read_csv(national_dir / "vergleichskreise.csv", dtype={"area_id": str, "peer_id": str})
    peers = list(groups[groups.area_id == KREIS].sort_values("rank").peer_id)
    assert len(peers) == settings["vergleichskreise"]["anzahl"]
    published = pd.read_csv(
        e2e_project / "reports" / "harz" / str(YEAR) / "indikatoren.csv", dtype={"area_id": str, "period": str}
    )
    sheet = {
        r["Kennung"]: r for r in sheet_rows(e2e_project / "reports" / "harz" / str(YEAR) / "tabellen.xlsx", "Vergleichskreise")
    }
    assert len(rows) == len(ids)
    for ind, row in zip(ids, rows):
        entry = catalogue[ind]
        rows_of = table[(table.indicator_id == ind) & (table.area_level == "kreis") & table.value.notna()]
        newest = rows_of[rows_of.period.str[:4].astype(int) <= YEAR].sort_values("period").groupby("area_id").last()
        own, group = newest.loc[KREIS], newest.loc[peers, "value"].to_numpy(float)
        median, p25, p75 = np.percentile(group, [50, 25, 75])
        sign = entry.get("method") in fmt.SIGNED_METHODS
        digits = _decimals(row[2])
        assert entry["decimals"] <= digits <= entry["decimals"] + 2, (ind, row)
        assert row[1] == fmt.date(own.period), ind
        assert row[2:6] == [fmt.number(x, digits, "", sign) for x in (own.value, median, p25, p75)], ind
        assert row[6] == f"{int((group > own.value).sum()) + 1} von {len(group) + 1}", ind
        position = "oberhalb" if own.value > p75 else "unterhalb" if own.value < p25 else "innerhalb"
        assert row[7] == position, ind
        vk = published[(published.area_id == f"VK{KREIS}") & (published.indicator_id == ind)].iloc[0]
        assert np.allclose([vk.value, vk.lower, vk.upper], [median, p25, p75]), ind
        assert np.allclose([sheet[ind][k] for k in ("Wert des Kreises", "Median der Vergleichskreise")], [own.value, median]), ind
