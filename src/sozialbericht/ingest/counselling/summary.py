"""Per provider what its receipt and the counselling chapter need (``results/validation/``, JSON).

Internal (results/): counts are exact here; disclosure control happens where they are shown.
"""

from __future__ import annotations

import pandas as pd

from sozialbericht.ingest.counselling.multiproblem import rule_text
from sozialbericht.ingest.counselling.workbook import OUTSIDE


def summary(providers: list[dict], standard: dict, year: int, unread: list[str] | None = None) -> dict:
    """Per provider what its receipt and the chapter need (JSON): status and problems, and for an
    accepted provider its cases by field, Gemeinde, problem area and characteristic, and its sites.
    Internal (results/): counts are exact here; disclosure control happens where they are shown."""
    previous = {p["kennung"]: p for p in providers if p["jahr"] == year - 1 and p["status"] == "ok"}
    out = []
    for p in providers:
        if p["jahr"] != year and not (p["status"] != "ok" and p["jahr"] is None):
            continue
        entry = {
            k: p.get(k) for k in ("kennung", "name", "datei", "sha256", "jahr", "status", "fehler", "ansprechperson", "email")
        }
        if p["status"] == "ok":
            entry.update(_figures(p, standard))
            last = previous.get(p["kennung"])
            entry["vorjahr"] = _figures(last, standard) if last else None
        out.append(entry)
    out.sort(key=lambda e: (e["kennung"], e["datei"]))
    taken: set[str] = set()
    for e in out:  # receipts are named traeger/<kennung>: files claiming one Kennung get one each
        base, n = e["kennung"], 1
        while e["kennung"] in taken:
            n += 1
            e["kennung"] = f"{base}-{n}"
        taken.add(e["kennung"])
    return {
        "jahr": year,
        "nicht_gelesen": list(unread or []),
        "regel": rule_text(standard),
        "problemlagen": [{k: p[k] for k in ("id", "name", "bereich")} for p in standard["problemlagen"]],
        "merkmale": standard["merkmale"],
        "traeger": sorted(out, key=lambda e: e["kennung"]),
    }


def _figures(p: dict, standard: dict) -> dict:
    f, s = p["faelle"], p["stellen"]
    n = f["anzahl"]
    areas = [a["id"] for a in standard["problemlagen"]]
    by_field = {
        field: {
            "faelle": int(d["anzahl"].sum()),
            "mehrfach": int((d["anzahl"] * d["mehrfach"]).sum()),
            "problemlagen": {a: int((d["anzahl"] * d[a]).sum()) for a in areas},
        }
        for field, d in f.groupby("beratungsfeld", sort=True)
    }
    inside = f[f["wohnort_ars"] != OUTSIDE]
    gemeinden: dict[str, dict] = {}
    for (ars, fd), x in inside.groupby(["wohnort_ars", "beratungsfeld"])["anzahl"].sum().items():
        gemeinden.setdefault(ars, {})[fd] = int(x)
    return {
        "datensaetze": int(len(f)),
        "faelle": int(n.sum()),
        "mehrfach": int((n * f["mehrfach"]).sum()),
        "ausserhalb": int(f.loc[f["wohnort_ars"] == OUTSIDE, "anzahl"].sum()),
        "felder": by_field,
        "gemeinden": gemeinden,
        "merkmale": {t: {v: int(x) for v, x in f.groupby(t)["anzahl"].sum().items()} for t in standard["merkmale"]},
        "stellen": [{k: (None if pd.isna(v) else v) for k, v in r.items() if k != "zeile"} for r in s.to_dict("records")],
        "vzae": float(s["vzae"].sum()) if len(s) else 0.0,
    }
