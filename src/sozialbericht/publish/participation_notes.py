"""Feedback to the participants of the weighting of the social index (issue 26).

Every participant whose weighting workbook arrived (ingest/participation.py) learns what became of
it: its points beside the consensus and the equal weights, and the status classes its own weights
would have given — the Gemeinden whose class would change, and how closely its ranking agrees with
the report's. A counselling provider reads this in its data receipt (``receipts.py``, the section
``report/beteiligung-gewichtung.md`` of ``report/quittung.md``); every other participant
(Jobcenter, planning office, Kreisarbeitsgemeinschaft, a provider without counselling data) gets a
one-page note published beside the report as ``beteiligung/<kennung>.html`` and ``.pdf``
(``report/beteiligung.md``, built like the receipts). A participant whose workbook was refused
sees its problems instead.

What a participant wrote — its name, its reasons, its file name — is text from outside: the
templates print every value through ``untrusted.finalize`` (never as Markdown). The notes are
public like the report; they show only the participant's own allocation and what the report
publishes (the consensus, the classes).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sozialbericht.core import formatting as fmt
from sozialbericht.publish.receipts import convert_receipts
from sozialbericht.report.names import short_name
from sozialbericht.report.render import compile_pdfs, copy_fonts, embed_resources
from sozialbericht.report.templates import templates
from sozialbericht.report.weighting import RULES, Weighting, spearman_text

#: The published folder of the notes.
FOLDER = "beteiligung"


def _points(value: float) -> str:
    return fmt.number(value, 0 if float(value).is_integer() else 1)


def _spearman(a: pd.Series, b: pd.Series) -> float | None:
    return float(a.rank().corr(b.rank())) if len(a) > 1 else None


def feedback_values(participant: dict, context: dict, weighting: Weighting, rule: str = "median") -> dict:
    """What the feedback section shows one participant (strings; its own text unescaped here —
    the template prints it as text)."""
    base = {
        "name": participant.get("name") or participant["kennung"],
        "kennung": participant["kennung"],
        "datei": participant.get("datei", ""),
        "status": participant.get("status", "fehler"),
        "fehler": participant.get("fehler", []),
        "kreis_des": context["kreis"]["name_des"],
        "jahr": context["year"],
        "synthetisch": bool(context.get("synthetic")),
        "regel": RULES.get(rule, rule),
        "beteiligte": len(weighting.participants),
    }
    if base["status"] != "ok" or participant["kennung"] not in weighting.participants:
        return {**base, "status": "fehler"}
    catalogue = {c["id"]: c for c in context["catalogue"]}
    weights = weighting.weights.set_index("indicator_id")
    reasons = participant.get("begruendungen", {})
    rows = [
        {
            "indikator": catalogue[i]["name"],
            "punkte": _points(participant["punkte"].get(i, 0.0)),
            "konsens": fmt.number(weights.at[i, "konsens"] * 100, 1),
            "gleich": fmt.number(weights.at[i, "gleich"] * 100, 1),
        }
        for i in weights.index
    ]
    # reasons below the table, not in a narrow column of it: free text breaks wherever it may
    written = [{"indikator": catalogue[i]["name"], "begruendung": reasons[i]} for i in weights.index if reasons.get(i)]
    names = {a: short_name(n) for a, n in context["gemeinden"].items()}
    own = weighting.own_classes(participant["kennung"])
    changed = own[own["wechsel"]].sort_values("index_a", ascending=False)
    return {
        **base,
        "gewichte": rows,
        "begruendungen": written,
        "gemeinden": len(own),
        "gleich_geblieben": len(own) - len(changed),
        "spearman": spearman_text(_spearman(own["index_a"], own["index_b"])),
        "wechsel": [
            {
                "gemeinde": names.get(r.area_id, r.area_id),
                "konsens": r.klasse_a,
                "eigen": r.klasse_b,
                "rang_konsens": fmt.number(r.rang_a),
                "rang_eigen": fmt.number(r.rang_b),
            }
            for r in changed.itertuples()
        ],
    }


def feedback(participants: list[dict], context: dict, weighting: Weighting) -> dict[str, dict]:
    """Kennung → the feedback of every participant (none where the report has no social index)."""
    if not weighting.available:
        return {}
    rule = context.get("planning", {}).get("social_index", {}).get("gewichtung", {}).get("regel", "median")
    return {p["kennung"]: feedback_values(p, context, weighting, rule) for p in participants if p.get("kennung")}


def write_notes(
    notes: dict[str, dict], context: dict, report_dir: Path, out_dir: Path, timestamp: int, stamp: str
) -> dict[str, Path]:
    """HTML and PDF note of every participant in ``notes`` (Kennung → its feedback values; published
    name → file)."""
    if not notes:
        return {}
    template = templates((Path(report_dir).resolve(),)).get_template("beteiligung.md")
    out_dir.mkdir(parents=True, exist_ok=True)
    copy_fonts(out_dir / "fonts")
    files, typs, jobs = {}, [], []
    for kennung, values in sorted(notes.items()):
        md = out_dir / f"{kennung}.md"
        md.write_text(template.render(beteiligung=values, versionsstempel=stamp), encoding="utf-8")
        jobs.append(
            {
                "markdown": str(md),
                "title": f"Rückmeldung zur Gewichtung: {values['name']} – Sozialbericht {context['kreis']['name']} {context['year']}",
                "html": str(out_dir / f"{kennung}.html"),
                "typst": str(out_dir / f"{kennung}.typ"),
            }
        )
        files[f"{FOLDER}/{kennung}.html"] = out_dir / f"{kennung}.html"
        files[f"{FOLDER}/{kennung}.pdf"] = pdf = out_dir / f"{kennung}.pdf"
        typs.append((out_dir / f"{kennung}.typ", pdf))
    convert_receipts(jobs, report_dir)
    for job in jobs:
        embed_resources(Path(job["html"]), out_dir, {Path(report_dir) / "sozialbericht.css"})
    compile_pdfs(typs, timestamp)
    return files
