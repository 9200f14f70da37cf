"""Data receipts (Datenquittungen): one or two pages per provider of the counselling data standard,
published beside the report as ``traeger/<kennung>.html`` and ``.pdf``.

A receipt says what the provider delivered, what the checks found, which tables, figures and
indicators of the report its data went into, which published values were suppressed and why, its
share of the Kreis's cases and capacity and how its figures compare with the Kreis and with last
year; a provider that also weighted the social index sees its allocation beside the consensus and
what its own weights would have changed (``participation_notes``). Receipts are public like the report, so they follow the same disclosure control: a count
below the threshold (and a share built on it) is shown as ``.``, and where that would let it be
recovered from a published sum, one more count of the same sum is hidden (secondary suppression).
The only figures of others a receipt shows are those the report publishes itself.
The German text is the Jinja template ``report/quittung.md``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sozialbericht.compute.disclosure import SUPPRESSED, suppress_counts
from sozialbericht.core import formatting as fmt
from sozialbericht.core.areas import kind_word
from sozialbericht.report.names import short_name
from sozialbericht.report.render import RenderError, compile_pdfs, copy_fonts, embed_resources
from sozialbericht.report.templates import templates


def _share(part: int, whole: float, minimum: int, hidden: bool = False) -> str:
    if hidden or (0 < part < minimum) or not whole:
        return SUPPRESSED if part else fmt.number(0.0, 1)
    return fmt.number(part / whole * 100, 1)


def _field_indicators(catalogue: list) -> dict[str, str]:
    """Counselling field → the indicator of its cases per 10,000 inhabitants (the indicator that
    selects the field by its column, ``where: {beratungsfeld: …}``, and nothing else)."""
    out = {}
    for ind in catalogue:
        num = ind.get("numerator", {})
        where = num.get("where", {})
        if num.get("dataset") == "beratung_faelle" and set(where) == {"beratungsfeld"} and not num.get("contains"):
            out[where["beratungsfeld"]] = ind["id"]
    return out


def receipt_values(
    entry: dict, counselling: dict, context: dict, indicators: pd.DataFrame, supply: pd.DataFrame, usage: list
) -> dict:
    """Everything the receipt template of one provider shows (strings, already suppressed)."""
    minimum = context["disclosure"]["min_count"]
    names = {a: short_name(n) for a, n in context["gemeinden"].items()}
    catalogue = context["catalogue"]
    base = {
        "traeger": entry["name"],
        "datei": entry["datei"],
        "pruefsumme": (entry.get("sha256") or "")[:16],
        "jahr": counselling["jahr"],
        "kreis": context["kreis"]["name"],
        "kreis_des": context["kreis"]["name_des"],
        "wort": kind_word(context["kreis"]["kreis"], context["kreis"]["typ"]),  # "im Kreis", "in der Stadt"
        "synthetisch": bool(context.get("synthetic")),
        "status": entry["status"],
        "fehler": entry.get("fehler", []),
        "regel": counselling["regel"],
        "mindestzahl": minimum,
    }
    if entry["status"] != "ok":
        return base
    fields = sorted(entry["felder"])
    own = {f: entry["felder"][f]["faelle"] for f in fields}
    shown = suppress_counts(own, minimum)
    last = (entry.get("vorjahr") or {}).get("felder", {})
    last_shown = suppress_counts({f: last.get(f, {}).get("faelle", 0) for f in fields}, minimum) if last else {}
    kreis = supply.set_index("beratungsfeld") if len(supply) else pd.DataFrame()
    rows = []
    for f in fields:
        n, multi = own[f], entry["felder"][f]["mehrfach"]
        hidden = shown[f] == SUPPRESSED
        k_cases = float(kreis.at[f, "faelle"]) if f in kreis.index else 0.0
        prev = last.get(f, {}).get("faelle", 0) if last else None
        change = ""
        if prev is not None and prev and not hidden and last_shown.get(f) != SUPPRESSED:
            change = fmt.number((n - prev) / prev * 100, 1, sign=True)
        rows.append(
            {
                "feld": f,
                "faelle": shown[f],
                "vorjahr": (last_shown.get(f, "–") if last else "–"),
                "veraenderung": change or "–",
                "kreis": fmt.number(k_cases) if k_cases else "–",
                "anteil": _share(n, k_cases, minimum, hidden),
                "mehrfach": _share(multi, n, minimum, hidden or 0 < multi < minimum),
                "mehrfach_kreis": fmt.number(float(kreis.at[f, "anteil_mehrfach"]), 1) if f in kreis.index else "–",
            }
        )
    total = entry["faelle"]
    k_total = float(supply["faelle"].sum()) if len(supply) else 0.0
    accepted = [t for t in counselling["traeger"] if t["status"] == "ok"]
    all_cases = sum(t["faelle"] for t in accepted)
    areas = []
    for p in counselling["problemlagen"]:
        n = sum(v["problemlagen"][p["id"]] for v in entry["felder"].values())
        k = sum(v["problemlagen"][p["id"]] for t in accepted for v in t["felder"].values())
        areas.append(
            {
                "name": p["name"],
                "bereich": p["bereich"],
                "faelle": suppress_counts({"n": n}, minimum, total=False)["n"],
                "anteil": _share(n, total, minimum),
                "anteil_kreis": _share(k, all_cases, minimum),
            }
        )
    # published values that were suppressed where this provider has cases
    by_field = _field_indicators(catalogue)
    flagged = indicators[(indicators["flag"] == SUPPRESSED) & (indicators["area_level"] == "gemeinde")]
    flagged = set(zip(flagged["indicator_id"], flagged["area_id"]))
    gesperrt = []
    for f in fields:
        ind = by_field.get(f)
        places = sorted(
            (names.get(a, a) for a, cells in entry["gemeinden"].items() if cells.get(f) and (ind, a) in flagged),
            key=str.casefold,
        )
        if places:
            gesperrt.append({"feld": f, "gemeinden": places})
    used = [u for u in usage if "beratung" in u.get("daten", [])]
    indicator_names = [
        ind["name"]
        for ind in catalogue
        if any(ind.get(k, {}).get("dataset", "").startswith("beratung") for k in ("numerator", "denominator"))
    ]
    sites = entry["stellen"]
    k_vzae = float(supply["vzae"].sum()) if len(supply) else 0.0
    return {
        **base,
        "datensaetze": fmt.number(entry["datensaetze"]),
        "faelle": suppress_counts({"x": total}, minimum, total=False)["x"],
        "ausserhalb": suppress_counts({"x": entry["ausserhalb"]}, minimum, total=False)["x"],
        "felder": rows,
        "anteil": _share(total, k_total, minimum),
        "kreis_faelle": fmt.number(k_total),
        "vorjahr_faelle": suppress_counts({"x": entry["vorjahr"]["faelle"]}, minimum, total=False)["x"]
        if entry.get("vorjahr")
        else None,
        "gemeinden": len(entry["gemeinden"]),
        "gemeinden_kreis": len(set(names) - set(context.get("gemeinden_unbewohnt", []))),
        "problemlagen": areas,
        "mehrfach": _share(entry["mehrfach"], total, minimum),
        "stellen": [
            {
                "standort": s["standort"],
                "gemeinde": names.get(s["standort_ars"], s["standort_ars"]),
                "feld": s["beratungsfeld"],
                "vzae": fmt.number(s["vzae"], 2),
                "stunden": fmt.number(s["oeffnungsstunden"]) if s.get("oeffnungsstunden") is not None else "–",
                "barrierefrei": s.get("barrierefrei") or "–",
                "sprachen": s.get("sprachen") or "–",
            }
            for s in sites
        ],
        "vzae": fmt.number(entry["vzae"], 2),
        "vzae_anteil": fmt.number(entry["vzae"] / k_vzae * 100, 1) if k_vzae else "–",
        "verwendung": [f"{u['art']} {u['nummer']}: {u['titel']}" for u in used],
        "indikatoren": indicator_names,
        "gesperrt": gesperrt,
    }


def write_receipts(
    counselling: dict,
    context: dict,
    indicators_csv: Path,
    supply_csv: Path,
    usage_json: Path,
    report_dir: Path,
    out_dir: Path,
    timestamp: int,
    stamp: str,
    weighting: dict[str, dict] | None = None,
) -> dict[str, Path]:
    """HTML and PDF receipt of every provider of this year (published name → file); ``weighting``:
    Kennung → the feedback on a provider's weighting of the social index
    (``participation_notes.feedback``), a section of its receipt."""
    from sozialbericht.compute.changes import read_indicators

    indicators = read_indicators(indicators_csv)
    supply = pd.read_csv(supply_csv) if Path(supply_csv).exists() else pd.DataFrame()
    usage = json.loads(Path(usage_json).read_text(encoding="utf-8")) if Path(usage_json).exists() else []
    template = templates((Path(report_dir).resolve(),)).get_template("quittung.md")
    out_dir.mkdir(parents=True, exist_ok=True)
    copy_fonts(out_dir / "fonts")
    files, typs, jobs = {}, [], []
    for entry in counselling["traeger"]:
        values = receipt_values(entry, counselling, context, indicators, supply, usage)
        md = out_dir / f"{entry['kennung']}.md"
        own = (weighting or {}).get(entry["kennung"])
        md.write_text(template.render(**values, beteiligung=own, versionsstempel=stamp), encoding="utf-8")
        title = f"Datenquittung {entry['name']} – Sozialbericht {context['kreis']['name']} {counselling['jahr']}"
        jobs.append(
            {
                "markdown": str(md),
                "title": title,
                "html": str(out_dir / f"{entry['kennung']}.html"),
                "typst": str(out_dir / f"{entry['kennung']}.typ"),
            }
        )
        html, typ = Path(jobs[-1]["html"]), Path(jobs[-1]["typst"])
        files[f"traeger/{entry['kennung']}.html"] = html
        files[f"traeger/{entry['kennung']}.pdf"] = pdf = out_dir / f"{entry['kennung']}.pdf"
        typs.append((typ, pdf))
    convert_receipts(jobs, report_dir)
    for job in jobs:
        embed_resources(Path(job["html"]), out_dir, {Path(report_dir) / "sozialbericht.css"})
    compile_pdfs(typs, timestamp)
    return files


#: Markdown → standalone HTML (with the report's tables filter and stylesheet) and → Typst (with
#: the receipt template) for every receipt, in one Pandoc process (``pandoc lua``): the same as
#: two ``pandoc`` calls per receipt, which cost a twentieth of a CPU-second each.
_CONVERT = r"""
local spec = pandoc.json.decode(io.open(arg[1]):read("a"), false)
local function read(path) local f = assert(io.open(path)); local text = f:read("a"); f:close(); return text end
local function write(path, text) local f = assert(io.open(path, "w")); f:write(text); f:close() end
local env = setmetatable({FORMAT = "html5"}, {__index = _G})
assert(loadfile(spec.tables_filter, "t", env))()
local typst_env = setmetatable({FORMAT = "typst"}, {__index = _G})
assert(loadfile(spec.typst_filter, "t", typst_env))()
assert(loadfile(spec.widths_filter, "t", typst_env))()
local html_template = pandoc.template.compile(pandoc.template.default("html5"))
local typst_template = pandoc.template.compile(read(spec.typst_template), spec.typst_template)
for _, job in ipairs(spec.jobs) do
  local doc = pandoc.read(read(job.markdown), "markdown")
  doc.meta.title = pandoc.Inlines(job.title)  -- text, never Markdown
  local html = doc:walk({Table = env.Table})
  html.meta.lang = "de-DE"
  write(job.html, pandoc.write(html, "html5", {template = html_template, variables = {css = {spec.css}}, wrap_text = "wrap-none"}))
  local typ = typst_env.Pandoc(doc:walk({Str = typst_env.Str}))
  write(job.typst, pandoc.write(typ, "typst", {template = typst_template, wrap_text = "wrap-none"}))
end
"""


def convert_receipts(jobs: list[dict], report_dir: Path) -> None:
    """Every receipt's Markdown to HTML and Typst (``jobs``: markdown, title, html, typst paths)."""
    import subprocess
    import tempfile

    import pypandoc

    if not jobs:
        return
    spec = {
        "jobs": jobs,
        "css": str(report_dir / "sozialbericht.css"),
        "tables_filter": str(report_dir / "filters" / "tables.lua"),
        "typst_filter": str(report_dir / "filters" / "typst-text.lua"),
        "widths_filter": str(report_dir / "filters" / "table-widths.lua"),
        "typst_template": str(report_dir / "partials" / "quittung.typ"),
    }
    with tempfile.TemporaryDirectory(prefix="quittungen-") as tmp:
        (Path(tmp) / "convert.lua").write_text(_CONVERT, encoding="utf-8")
        (Path(tmp) / "jobs.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        proc = subprocess.run(
            [pypandoc.get_pandoc_path(), "lua", str(Path(tmp) / "convert.lua"), str(Path(tmp) / "jobs.json")],
            capture_output=True,
            text=True,
            check=False,
        )
    if proc.returncode != 0 or not all(Path(j["html"]).exists() and Path(j["typst"]).exists() for j in jobs):
        raise RenderError(f"Pandoc konnte die Datenquittungen nicht umwandeln: {proc.stderr.strip()[-2000:]}")
