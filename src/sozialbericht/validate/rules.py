"""Plausibility rules on values (``config/plausibility.yaml`` and the ``sums`` and ``subsets`` of
the dataset catalogues): parts ≤ whole, ranges, change between reference dates, Kreise add up to
their Land, counts ≤ their population, agreement between tables, total = sum of its parts, area
names. Each rule is a frame of ``frames.RULE_COLUMNS`` with a column ``ok``, its severity and
what is expected, in German.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sozialbericht.validate.frames import (
    data_keys,
    first_rows,
    fmt,
    key_length,
    largest_rows,
    measure_of,
    per_value,
    rule_frame,
)


def parts_rules(df: pd.DataFrame, rules: list[dict], schwere: str = "fehler") -> list[pd.DataFrame]:
    """part ≤ whole for every area, reference date and further dimensions (the variable's further
    parts and the key columns)."""
    out = []
    keys = data_keys(df)
    base = df.assign(measure=measure_of(df), dims=per_value(df["variable"], lambda v: v.split(" | ", 1)[1] if " | " in v else ""))
    index = ["area_id", "period", *keys, "dims"]
    for rule in rules:
        part, whole = rule.get("teil", rule.get("part")), rule.get("ganzes", rule.get("whole"))
        keep = base[base["measure"].isin([part, whole])]
        wide = keep.pivot_table(index=index, columns="measure", values="value", aggfunc="first")
        if part not in wide or whole not in wide:
            continue
        wide = wide.dropna(subset=[part, whole]).reset_index()
        firsts = keep.drop_duplicates(index)[[*index, "area_name", "source", "row"]]
        rows = wide.merge(firsts, on=index, how="left")
        rows = rows.assign(
            variable=[f"{part} ≤ {whole}" + (f" ({d})" if d else "") for d in rows["dims"]],
            wert=rows[part],
            grenze=rows[whole],
            ok=rows[part] <= rows[whole] + 0.5,
        )
        out.append(
            rule_frame(rows, "teil", rule.get("schwere", schwere), f"einen Teil nicht größer als sein Ganzes: {part} ≤ {whole}")
        )
    return out


def range_rules(df: pd.DataFrame, ranges: dict, schwere: str = "fehler") -> list[pd.DataFrame]:
    out = []
    measure = measure_of(df)
    for variable, (lo, hi) in ranges.items():
        rows = df[(measure == variable) if variable != "*" else (df["unit"] == "Anzahl")]
        rows = rows[rows["value"].notna()]
        if rows.empty:
            continue
        lo_ok = rows["value"] >= lo if lo is not None else True
        hi_ok = rows["value"] <= hi if hi is not None else True
        rng = f"zwischen {lo if lo is not None else '−∞'} und {hi if hi is not None else '∞'}".replace(".", ",")
        out.append(
            rule_frame(
                rows.assign(wert=rows["value"], grenze=hi if hi is not None else np.nan, ok=lo_ok & hi_ok),
                "bereich",
                schwere,
                f"einen Wert {rng} (plausibler Bereich)",
            )
        )
    return out


def change_rules(df: pd.DataFrame, rules: list[dict], exempt: set[tuple[str, str]] | None = None) -> list[pd.DataFrame]:
    """Change between consecutive reference dates per year within the configured factor; ``exempt``:
    (area, year) pairs a territorial change explains (a Gemeinde or a Kreis: all its areas)."""
    out = []
    counts = df[(df["unit"] == "Anzahl") | ~df["unit"].isin(["Schlüssel"])]
    for rule in rules:
        d = counts[counts["value"].notna()]
        if rule.get("variablen"):
            d = d[measure_of(d).isin(rule["variablen"])]
        if rule.get("je", "variable") == "gebiet":
            d = d[d["unit"] == "Anzahl"]
            largest = largest_rows(d)
            d = d.groupby(["area_id", "period"], as_index=False)["value"].sum().merge(largest, on=["area_id", "period"])
            d["variable"] = "Summe aller Merkmale"
        series = ["area_id", "variable", *(data_keys(d) if rule.get("je", "variable") != "gebiet" else [])]
        d = d.sort_values([*series, "period"])
        prev = d.groupby(series)["value"].shift()
        prev_period = d.groupby(series)["period"].shift()
        rows = d.assign(prev=prev, prev_period=prev_period)
        rows = rows[rows["prev"].notna() & (rows["prev"] > 0)]
        if exempt:
            rows = rows[
                [(a, p[:4]) not in exempt and (a[:5], p[:4]) not in exempt for a, p in zip(rows["area_id"], rows["period"])]
            ]
        if rows.empty:
            continue
        years = (rows["period"].str[:4].astype(int) - rows["prev_period"].str[:4].astype(int)).clip(lower=1)
        factor = (rows["value"].clip(lower=0) / rows["prev"]) ** (1 / years)
        f = rule["max_faktor"]
        ok = ((factor <= f) & (factor >= 1 / f)) | ((rows["value"] - rows["prev"]).abs() < rule["min_abweichung"])
        schwere = rule.get("schwere", "fehler")
        # the text only where a row fails (a national table has ~10^5 rows)
        text = [
            "" if good else f"eine Veränderung gegenüber {p} ({fmt(v)}) von höchstens Faktor {str(f).replace('.', ',')} je Jahr"
            for p, v, good in zip(rows["prev_period"], rows["prev"], ok)
        ]
        out.append(rule_frame(rows.assign(wert=rows["value"], grenze=rows["prev"], ok=ok), "veraenderung", schwere, text))
    return out


def hierarchy_rules(df: pd.DataFrame, cfg: dict) -> list[pd.DataFrame]:
    """Kreise add up to their Land and the Länder to Germany (where all parts are present)."""
    out = []
    measure = measure_of(df)
    tol = cfg.get("toleranz_prozent", 0.5) / 100
    absolute = cfg.get("toleranz_absolut", 2)
    tol_text = (f"{fmt(cfg['toleranz_prozent'])} % oder " if cfg.get("toleranz_prozent") else "") + f"{fmt(absolute)} Personen"
    levels = cfg.get("ebenen", ["land", "bund"])
    for variable in cfg.get("variablen", []):
        d = df[(measure == variable) & (df["variable"] == variable)]
        length = key_length(d["area_id"])
        kreise = d[length == 5]
        laender = d[(length == 2) & (d["area_id"] != "DG").to_numpy()]
        dg = d[d["area_id"] == "DG"]
        groups = [
            (kreise.assign(parent=kreise["area_id"].str[:2]), laender, "Summe der Kreise des Landes", "land"),
            (laender.assign(parent="DG"), dg, "Summe der Länder", "bund"),
        ]
        for parts, totals, label, level in groups:
            if parts.empty or totals.empty or level not in levels:
                continue
            out += _hierarchy_frames(parts, totals, label, variable, tol, absolute, tol_text, cfg.get("schwere", "fehler"))
    return out


def _hierarchy_frames(parts, totals, label, variable, tol, absolute, tol_text, schwere) -> list[pd.DataFrame]:
    """One level of the hierarchy: the parts' sum equals the total. A part given as an official
    marker instead of a number (``.``, ``x``, ``/``, ``...``, or ``-`` of a Kreis that has numbers
    in other years) is unknown, not zero: that sum is incomplete, so only its bound is checked (the
    known parts do not exceed the total, an error otherwise), and where the known parts fall short
    of the total the data-quality annex gets a hint. Kreise of earlier territorial states, listed
    with "-" in every year, are left out (a Kreis of the report year that is missing is the
    completeness rule's concern)."""
    exists = parts.groupby("area_id")["value"].transform(lambda v: v.notna().any())
    unknown = parts[parts["value"].isna() & exists.to_numpy()]
    agg = parts[parts["value"].notna()].groupby(["parent", "period"])["value"].sum().rename("summe")
    rows = totals.merge(agg.reset_index().rename(columns={"parent": "area_id"}), on=["area_id", "period"])
    rows = rows[rows["value"].notna()]
    if rows.empty:
        return []
    marked = unknown.groupby(["parent", "period"])["area_id"].agg(lambda a: ", ".join(sorted(a))).rename("ohne_wert")
    rows = rows.merge(marked.reset_index().rename(columns={"parent": "area_id"}), on=["area_id", "period"], how="left")
    incomplete = rows["ohne_wert"].notna()
    margin = np.maximum(tol * rows["value"].abs(), absolute)
    exact = (rows["value"] - rows["summe"]).abs() <= margin
    bound = rows["summe"] <= rows["value"] + margin
    frames = []
    complete = rows[~incomplete]
    if len(complete):
        frames.append(
            rule_frame(
                complete.assign(
                    wert=complete["value"], grenze=complete["summe"], ok=exact[~incomplete], variable=f"{variable}: {label}"
                ),
                "hierarchie",
                schwere,
                [f"denselben Wert wie die {label} ({fmt(s)}, Toleranz {tol_text})" for s in complete["summe"]],
            )
        )
    part = rows[incomplete]
    if len(part):
        text = [
            f"höchstens den Wert der {label} ohne Zahlenwert bei {k} ({fmt(s)} ohne diese, Toleranz {tol_text})"
            for k, s in zip(part["ohne_wert"], part["summe"])
        ]
        base = part.assign(wert=part["summe"], grenze=part["value"], variable=f"{variable}: {label} (unvollständig)")
        frames.append(rule_frame(base.assign(ok=bound[incomplete].to_numpy()), "hierarchie", schwere, text))
        hint = [
            f"eine vollständige {label}: bei {k} steht ein Zeichen statt eines Zahlenwerts, die Summe der übrigen "
            f"({fmt(s)}) ist daher nicht mit dem Gesamtwert vergleichbar"
            for k, s in zip(part["ohne_wert"], part["summe"])
        ]
        frames.append(rule_frame(base.assign(ok=exact[incomplete].to_numpy()), "hierarchie", "hinweis", hint))
    return frames


def population_of(tables: dict[str, pd.DataFrame], spec: dict) -> pd.Series:
    """Population per (area, year) of an age interval of an age table (Kreise, Länder, Gemeinden)."""
    from sozialbericht.core.ages import age_groups

    ages = age_groups(tables[spec["dataset"]])
    lo, hi = spec["alter"]
    upper = ages["age_to"].fillna(np.inf)
    sel = ages[(ages["age_from"] >= lo) & (upper <= (np.inf if hi is None else hi))]
    s = sel.groupby([sel["area_id"], sel["period"].str[:4]])["value"].sum(min_count=1)
    return s


def upper_bound_rules(df: pd.DataFrame, rules: list[dict], tables: dict[str, pd.DataFrame]) -> list[pd.DataFrame]:
    out = []
    measure = measure_of(df)
    for rule in rules:
        if rule["bevoelkerung"]["dataset"] not in tables:
            continue
        pop = population_of(tables, rule["bevoelkerung"])
        rows = df[(measure == rule["variable"]) & df["value"].notna()]
        largest = largest_rows(rows)
        rows = rows.groupby(["area_id", "period"], as_index=False)["value"].sum().merge(largest, on=["area_id", "period"])
        limit = [pop.get((a, p[:4]), np.nan) for a, p in zip(rows["area_id"], rows["period"])]
        rows = rows.assign(grenze=limit)
        rows = rows[rows["grenze"].notna()]
        if rows.empty:
            continue
        lo, hi = rule["bevoelkerung"]["alter"]
        ages = f"{lo} bis unter {hi} Jahren" if hi is not None else f"ab {lo} Jahren" if lo else "insgesamt"
        out.append(
            rule_frame(
                rows.assign(wert=rows["value"], ok=rows["value"] <= rows["grenze"], variable=rule["variable"]),
                "obergrenze",
                rule.get("schwere", "fehler"),
                [f"höchstens so viele wie Einwohner ({ages}: {fmt(g)})" for g in rows["grenze"]],
            )
        )
    return out


def agreement_rules(df: pd.DataFrame, rules: list[dict], tables: dict[str, pd.DataFrame]) -> list[pd.DataFrame]:
    """The Gemeinden add up to the Kreis value of another table at the same reference dates."""
    out = []
    for rule in rules:
        other = tables.get(rule["mit"]["dataset"])
        if other is None:
            continue
        ref = other[other["unit"] == "Anzahl"].groupby(["area_id", "period"])["value"].sum(min_count=1)
        own = df[(df["variable"] == rule["variable"]).to_numpy() & (key_length(df["area_id"]) == 12)]
        sums = own.groupby([own["area_id"].str[:5], own["period"]])["value"].sum(min_count=1)
        both = pd.concat([sums.rename("summe"), ref.rename("ref")], axis=1, join="inner").dropna().reset_index()
        both.columns = ["area_id", "period", "summe", "ref"]
        if both.empty:
            continue
        src = own.drop_duplicates("period").set_index("period")["source"]
        rows = both.assign(
            area_name="",
            source=both["period"].map(src),
            row=0,
            wert=both["summe"],
            grenze=both["ref"],
            ok=(both["summe"] - both["ref"]).abs() <= rule.get("toleranz", 1),
            variable=f"Summe von {rule['variable']} über die Gemeinden des Kreises",
        )
        out.append(
            rule_frame(
                rows,
                "vergleich",
                rule.get("schwere", "fehler"),
                [f"die Kreissumme der Tabelle {rule['mit']['dataset']} ({fmt(r)})" for r in both["ref"]],
            )
        )
    return out


def sum_rules(df: pd.DataFrame, rule: dict) -> list[pd.DataFrame]:
    """total = sum of its parts (e.g. male + female = total), per area and reference date."""
    keep = df[df["variable"].isin([rule["total"], *rule["parts"]])]
    wide = keep.pivot_table(index=["area_id", "period"], columns="variable", values="value", aggfunc="first")
    if rule["total"] not in wide or not all(p in wide for p in rule["parts"]):
        return []
    wide = wide.dropna(subset=[rule["total"], *rule["parts"]]).reset_index()
    total, parts = wide[rule["total"]], wide[rule["parts"]].sum(axis=1)
    rows = wide[["area_id", "period"]].merge(first_rows(df), on=["area_id", "period"], how="left")
    rows = rows.assign(
        variable=f"{rule['total']} = {' + '.join(rule['parts'])}",
        wert=total.to_numpy(),
        grenze=parts.to_numpy(),
        ok=((total - parts).abs() <= 0.5).to_numpy(),
    )
    return [rule_frame(rows, "summe", "fehler", [f"Summe der Teile = Gesamtwert: {fmt(p)}" for p in parts])]


def name_rules(df: pd.DataFrame, consistent: bool) -> list[pd.DataFrame]:
    """Area names are names: at least one letter, and (``consistent``: tables whose areas keep their
    name over the reference dates, as GENESIS tables do) one name per area key, so that a damaged
    name cell cannot reach the report."""
    names = per_value(df["area_name"].fillna(""), str.strip)
    letter = re.compile(r"[^\W\d_]")
    bad = ~per_value(names, lambda n: bool(letter.search(n))).astype(bool)
    expected = pd.Series("einen Gebietsnamen mit Buchstaben", index=df.index)
    if consistent:
        counts = pd.DataFrame({"area_id": df["area_id"].to_numpy(), "name": names.to_numpy()}).value_counts()
        usual = counts.reset_index().drop_duplicates("area_id").set_index("area_id")["name"]  # the most frequent name
        other = names != df["area_id"].map(usual)
        expected = expected.where(~other, "denselben Namen wie in den übrigen Zeilen: „" + df["area_id"].map(usual) + "“")
        bad |= other
    rows = df[bad]
    if rows.empty:
        return []
    rows = rows.drop_duplicates(["area_id", "area_name", "period"])
    return [
        rule_frame(
            rows.assign(wert=rows["area_name"], grenze=np.nan, ok=False, variable="(Gebietsname)"),
            "namen",
            "fehler",
            list(expected[rows.index]),
        )
    ]


def kreis_total_rule(df: pd.DataFrame, district: str, year: int, official: float, variable: str) -> pd.DataFrame:
    """A hint where the sum of a district table's ``variable`` over its Gemeinden in the report
    year differs by more than 0.5 % from the official Kreis total."""
    own = df[(measure_of(df) == variable) & (df["period"].str[:4].astype(int) == year)]["value"].sum()
    return pd.DataFrame(
        {
            "regel": ["kreissumme"],
            "area_id": [district],
            "area_name": [""],
            "period": [str(year)],
            "variable": [f"Summe von {variable} über die Gemeinden"],
            "source": [df["source"].iloc[0]],
            "row": [0],
            "wert": [own],
            "grenze": [official],
            "ok": [abs(own - official) <= 0.005 * official],
            "schwere": ["hinweis"],
            "erwartet": [f"höchstens 0,5 % Abweichung von der amtlichen Kreissumme ({fmt(official)})"],
        }
    )
