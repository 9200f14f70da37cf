# The report notebook as plain Python (cells separated by "# %%"). notebooks/sozialbericht.ipynb
# is built from this file by `python notebooks/build_notebook.py` (and checked by the tests):
# edit here, review here. The notebook computes figures, tables and values; the German text is in
# report/kapitel/*.md.

# %% tags=["parameters"]
# Parameters (papermill replaces these values; see sozialbericht.report.notebook)
district = "harz"
year = 2020
work_dir = "results/work/2020/harz/harz/indikatoren"
report_dir = "report"
out_dir = "results/work/2020/harz/harz/notebook"
texte = {}

# %%
import numpy as np
import pandas as pd

from sozialbericht.compute.disclosure import SUPPRESSED, suppress_counts
from sozialbericht.core import formatting as fmt
from sozialbericht.core.untrusted import bold, italic
from sozialbericht.report import figures as figs
from sozialbericht.report.model import (
    Bericht,
    DistrictData,
    Indikator,
    german_list,
    kreis_context,
    kreis_label,
    kreis_labels,
    kreise_im_land,
    land_context,
    short_name,
    sort_key,
)

data = DistrictData(work_dir)
ctx = data.context
if ctx["year"] != year or ctx["district"]["id"] != district:
    raise ValueError(f"{work_dir} enthält {ctx['district']['id']} {ctx['year']}, nicht {district} {year}")
K, L, DG = data.kreis, data.land, "DG"
KN, LN = ctx["kreis"]["name"], ctx["land"]["name"]
FORM = kreis_context(ctx["kreis"])  # the Kreis's name in every case ("der Landkreis Harz"), and its word ("des Kreises")
WORT = FORM["wort"]
LAND_IN = ctx["land"].get("name_in", "in " + LN)
LAND_DEM = land_context(ctx["land"], ctx["kreis"]["typ"])["dem"]  # "Sachsen-Anhalt", "dem Saarland" (after "mit")
LONG_LIST = 5  # more territorial changes than this: a table instead of sentences
STADTSTAAT = ctx["kreis"]["typ"] == "Stadtstaat"
SYN = bool(ctx.get("synthetic"))
OWN = bool(ctx.get("own_data"))
B = Bericht(
    data,
    report_dir,
    out_dir,
    figs.save,
    texte.get("ersetzen"),
    texte.get("kapitel"),
    foreword=texte.get("vorwort"),
    assessments=texte.get("einschaetzungen"),
    statements=texte.get("stellungnahmen"),
)
P = {ds: p["latest"] for ds, p in ctx["periods"].items()}
GEMEINDEN = data.areas("gemeinde")
VERBAENDE = {a: n for a, n in data.areas("gemeindeverband").items()}
SOZIALRAEUME = data.areas("sozialraum")
MAP_LABELS = {a: n for a, n in GEMEINDEN.items()}
KREISE = data.areas("kreis")
KREIS_NAMEN = dict(  # official names of the Land's Kreise ("Ansbach, Landkreis")
    data.indicators[data.indicators.indicator_id == "bevoelkerung"]
    .query("area_level == 'kreis'")[["area_id", "area_name"]]
    .values
)
# the Kreis in tables and charts: its short name, unless a Kreis of the Land shares it ("Ansbach (Landkreis)")
KURZ = kreis_label(KREIS_NAMEN, K) if K in KREIS_NAMEN else ctx["kreis"]["kurz"]
# what the Land's Kreise are ("Landkreise", "Kreise und …"), from their kinds: the names do not say it
KREISE_WORT = kreise_im_land(
    (ctx["kreis"].get("land_kreise") or {}).values()
    or ["kreisfreie Stadt" if "kreisfreie Stadt" in n else "Landkreis" for n in KREIS_NAMEN.values()]
)
AREAS = [(K, KURZ, "district")] + ([] if STADTSTAAT else [(L, LN, "land")]) + [(DG, "Deutschland", "bund")]


def prognose_alt(wide, groups, year, target):
    """Alt text of the projection chart: where the total and the most changing group end up."""
    index = {g: wide.loc[g, target] / wide.loc[g, year] * 100 for g in ["insgesamt", *groups]}
    verb = "sinkt" if index["insgesamt"] < 100 else "steigt" if index["insgesamt"] > 100 else "bleibt"
    top = max(groups, key=lambda g: abs(index[g] - 100))
    return (
        f"Liniendiagramm: Bis {target} {verb} die Bevölkerung insgesamt auf {fmt.number(index['insgesamt'], 0)} "
        f"(Index {year} = 100); am stärksten verändert sich die Gruppe {top} (auf {fmt.number(index[top], 0)})."
    )


def quelle(*datasets, stand=None, extra=""):
    """ "Quelle: …" line: statistic, table, attribution and reference date."""
    parts = []
    for d in datasets:
        src = ctx["sources"][d]
        table = f" ({src['table']})" if src["table"] not in src["statistic"] else ""
        parts.append(f"{src['statistic']}{table}, {src['attribution'].rstrip('.')}")
    return f"*Quelle: {'; '.join(parts)}.{f' Stand: {stand}.' if stand else ''}{extra}*"


def eigene_quelle(was, stand):
    """Source line of the district's own small-area data, marked when synthetic."""
    art = "synthetische Beispieldaten, kalibriert auf die amtlichen Kreissummen" if SYN else KN
    return f"*Quelle: {was} ({art}). Stand: {stand}.*" + (
        " **Synthetische Beispieldaten** (kein amtliches Ergebnis)." if SYN else ""
    )


def series_frame(ind, areas=AREAS):
    parts = []
    for aid, label, role in areas:
        s = data.series(ind, aid)
        parts.append(pd.DataFrame({"label": label, "role": role, "year": s["period"].str[:4].astype(int), "value": s["value"]}))
    return pd.concat(parts)


def cell(ind, aid, period=None, unit=False):
    return data.show(ind, aid, period, unit=unit)


def title_of(ind):
    c = data.catalogue[ind]
    return c["name"] if c["unit"] == "Anzahl" or c["unit"] in c["name"] else f"{c['name']} ({c['unit']})"


def area_rows(ids, year_, include_land=True, gemeinden=True):
    """Rows per area: Gemeinden (or Gemeindeverbände in Kreisen with many Gemeinden),
    Sozialräume (italic), the Kreis (bold) and, where the indicator has it, the Land."""
    rows = []
    units = VERBAENDE if (VERBAENDE and not gemeinden) else GEMEINDEN
    ordered = [*units.items(), *SOZIALRAEUME.items(), (K, KURZ)]
    if include_land and not STADTSTAAT:
        ordered.append((L, LN))
    for aid, name in ordered:
        cells = []
        for i in ids:
            s = data.series(i, aid)
            s = s[s["period"].str[:4] == str(year_)]
            c = data.catalogue[i]
            sign = c.get("method") in fmt.SIGNED_METHODS
            cells.append(fmt.number(s.iloc[-1]["value"], c["decimals"], s.iloc[-1]["flag"], sign) if len(s) else "–")
        if aid == L and all(c == "–" for c in cells):
            continue
        label = bold(name) if aid == K else italic(name) if aid in SOZIALRAEUME or aid == L else name
        rows.append([label, *cells])
    return ["Gebiet", *(title_of(i) for i in ids)], rows


def bars_of_kreise(ind, period):
    k = data.indicators[
        (data.indicators.indicator_id == ind) & (data.indicators.period == period) & (data.indicators.area_level == "kreis")
    ]
    bars = pd.DataFrame(
        {
            "label": k.area_id.map(kreis_labels(dict(zip(k.area_id, k.area_name)))),
            "role": ["district" if a == K else "other" for a in k.area_id],
            "value": k.value,
        }
    )
    extra = [] if STADTSTAAT else [{"label": LN, "role": "land", "value": data.value(ind, L, period)}]
    return pd.concat([bars, pd.DataFrame(extra)]) if extra else bars


# %% Bevölkerung
stand_bev = fmt.date(P["bevoelkerung_alter"])
rows = [
    [
        data.catalogue[i]["name"] + (f" seit {ctx['district']['base_year']}" if i.endswith("veraenderung") else ""),
        *(data.show(i, a) for a, _, _ in AREAS),
    ]
    for i in ["bevoelkerung", "bevoelkerung_veraenderung", "jugendquotient", "altenquotient", "anteil_65plus", "anteil_75plus"]
]
B.tab(
    "bevoelkerung-struktur",
    ["Indikator", *(n for _, n, _ in AREAS)],
    rows,
    f"Bevölkerung und Altersstruktur am {stand_bev}",
    quelle("bevoelkerung_alter", stand=stand_bev, extra=" Werte für Land und Deutschland als Summe der Kreise berechnet."),
)
pyr = data.pyramid
densest, per_year = figs.densest_age_group(pyr, K)
B.fig(
    "bevoelkerungspyramide",
    figs.population_pyramid(pyr, K, None if STADTSTAAT else L, f"Altersaufbau {KURZ} am {stand_bev}", LN),
    f"Altersaufbau der Bevölkerung {ctx['kreis']['name_des']} nach Geschlecht und Altersgruppen (Balken)"
    + ("" if STADTSTAAT else f" im Vergleich mit {LAND_DEM} (Linie)")
    + f", Anteile an der Bevölkerung je Altersjahr in Prozent, "
    f"Stand {stand_bev}. Die offene Gruppe „75 Jahre und älter“ ist als 15 Jahre breit (75 bis 90) gezeichnet. "
    + quelle("bevoelkerung_alter").strip("*"),
    f"Bevölkerungspyramide: Je Altersjahr am stärksten besetzt ist die Altersgruppe {densest} "
    f"({fmt.number(per_year)} Personen je Jahrgang); {data.show('anteil_65plus', K)} der Einwohner sind 65 Jahre und älter.",
)
aq = series_frame("altenquotient")
B.fig(
    "altenquotient",
    figs.trend_lines(aq, "Altenquotient", "65-Jährige und Ältere je 100 20- bis 64-Jährige"),
    f"Altenquotient {fmt.year_span(aq[aq.role == 'district'].year)[1]}: {german_list([n for _, n, _ in AREAS])}. "
    + quelle("bevoelkerung_alter").strip("*"),
    f"Liniendiagramm: Der Altenquotient {ctx['kreis']['name_des']} "
    f"{fmt.development(aq[aq.role == 'district'].value.iloc[0], aq[aq.role == 'district'].value.iloc[-1], 1)}; "
    "in Deutschland lag er zuletzt bei "
    f"{fmt.number(aq[aq.role == 'bund'].value.iloc[-1], 1)}.",
)
kreise_land = KREISE
if len(kreise_land) > 2:
    bars = bars_of_kreise("bevoelkerung_veraenderung", P["bevoelkerung_alter"])
    rank = bars[bars.role != "land"].sort_values("value", ascending=False).reset_index(drop=True)
    B.fig(
        "bevoelkerung-kreise",
        figs.comparison_bars(bars, f"Bevölkerungsveränderung {ctx['district']['base_year']}–{year} in %", "Veränderung in %"),
        f"Bevölkerungsveränderung vom 31.12.{ctx['district']['base_year']} bis {stand_bev} in Prozent, {KREISE_WORT[0]} {LAND_IN}. "
        + quelle("bevoelkerung_alter").strip("*"),
        f"Balkendiagramm der {len(rank)} {KREISE_WORT[1]}: {FORM['Der']} liegt auf Rang "
        f"{int(rank.index[rank.role == 'district'][0]) + 1}; "
        f"{fmt.extremes(rank.label.iloc[0], rank.value.iloc[0], rank.label.iloc[-1], rank.value.iloc[-1])}.",
    )
if OWN and len(GEMEINDEN) > 1:
    ids = [
        "kl_jugendquotient",
        "kl_altenquotient",
        "kl_hochaltrigenanteil",
        "kl_auslaenderanteil",
        "kl_natuerlicher_saldo",
        "kl_wanderungssaldo",
    ]
    header, rows = area_rows(ids, year, gemeinden=not VERBAENDE)
    B.tab(
        "bevoelkerung-gemeinden",
        header,
        rows,
        f"Bevölkerungsindikatoren nach {'Gemeindeverbänden' if VERBAENDE else 'Gemeinden'} und Sozialräumen {year}",
        eigene_quelle(f"Melderegister {WORT['des']}", f"31.12.{year}"),
    )
B.kapitel(
    "bevoelkerung",
    veraenderung=data.value("bevoelkerung_veraenderung", K),
    stand=stand_bev,
    kreise_im_land=len(kreise_land),
    gemeindetabelle=OWN and len(GEMEINDEN) > 1,
    verbaende=bool(VERBAENDE),
)

# %% Familien und Haushalte (the district's own data)
if OWN and "kl_geburten" in set(data.indicators.indicator_id):
    ids = ["kl_geburten", "kl_bg_mit_kindern", "kl_alleinerziehende"]
    header, rows = area_rows(ids, year, include_land=False, gemeinden=not VERBAENDE)
    B.tab(
        "familien",
        header,
        rows,
        f"Geburten, Bedarfsgemeinschaften mit Kindern und Alleinerziehende {year}",
        eigene_quelle(f"Melderegister {WORT['des']}; Jobcenter", str(year))
        + " Zahlen unter 3 sind durch `.` ersetzt (Geheimhaltung).",
    )
    B.kapitel("familien")

# %% Existenzsicherung (the district's own data)
if OWN and "kl_kinderarmut" in set(data.indicators.indicator_id):
    ids = ["kl_sgb2_quote", "kl_kinderarmut", "kl_leistungsberechtigte_u15"]
    header, rows = area_rows(ids, year, include_land=False, gemeinden=not VERBAENDE)
    B.tab(
        "existenzsicherung",
        header,
        rows,
        f"SGB II und Kinderarmut am 31.12.{year}",
        eigene_quelle(f"Jobcenter; Melderegister {WORT['des']}", f"31.12.{year}"),
    )
    g = (
        data.indicators[
            (data.indicators.indicator_id == "kl_kinderarmut")
            & (data.indicators.period.str[:4] == str(year))
            & (data.indicators.area_level == "gemeinde")
        ]
        .dropna(subset=["value"])
        .sort_values("value")
    )
    if len(g) > 1:
        vals = g.set_index("area_id")["value"].to_dict()
        qs = [float(v) for v in g.value.quantile([0, 0.2, 0.4, 0.6, 0.8, 1]).round(1)]
        qs[0], qs[-1] = qs[0] - 0.05, qs[-1] + 0.05
        B.fig(
            "karte-kinderarmut",
            figs.choropleth(
                data.geo,
                vals,
                f"Kinderarmut {year} in %" + (" – synthetische Beispieldaten" if SYN else ""),
                "SGB-II-Quote unter 15 Jahren in %",
                sorted(set(qs)),
                labels=MAP_LABELS,
                outline_id=K,
                diverging=False,
            ),
            f"Karte der Gemeinden {ctx['kreis']['name_des']}: Kinderarmut (Leistungsberechtigte nach SGB II unter 15 Jahren je 100 Kinder "
            f"unter 15 Jahren) am 31.12.{year}, Klassen nach Quintilen. Quelle: Jobcenter und Melderegister"
            + (" – synthetische Beispieldaten" if SYN else "")
            + "; Geometrie © GeoBasis-DE / BKG 2021 (Daten verändert).",
            f"Karte: Die Kinderarmut ist in {short_name(g.area_name.iloc[-1])} am höchsten ({fmt.number(g.value.iloc[-1], 1)} %) und in "
            f"{short_name(g.area_name.iloc[0])} am niedrigsten ({fmt.number(g.value.iloc[0], 1)} %)"
            + (" (synthetische Beispieldaten)." if SYN else "."),
        )
    B.kapitel(
        "existenzsicherung",
        niedrigste=(short_name(g.area_name.iloc[0]), fmt.number(g.value.iloc[0], 1)) if len(g) else None,
        hoechste=(short_name(g.area_name.iloc[-1]), fmt.number(g.value.iloc[-1], 1)) if len(g) else None,
    )

# %% Arbeit
alq_year = P["arbeitslose"]
rows = [
    [data.catalogue[i]["name"], *(data.show(i, a) for a, _, _ in AREAS)]
    for i in ["arbeitslose", "arbeitslosenquote", "anteil_langzeitarbeitslose"]
]
B.tab(
    "arbeit",
    ["Indikator", *(n for _, n, _ in AREAS)],
    rows,
    f"Arbeitslosigkeit im Jahresdurchschnitt {alq_year}",
    quelle("arbeitslose", stand=f"Jahresdurchschnitt {alq_year}"),
)
s = series_frame("arbeitslosenquote")
s = s[s.year >= int(alq_year) - 9]  # up to ten years, as far as the data reach: the span printed is the data's
first_alq, alq_span = fmt.year_span(s[s.role == "district"].year)
B.fig(
    "arbeitslosenquote",
    figs.trend_lines(s, f"Arbeitslosenquote {alq_span}", "Prozent"),
    f"Arbeitslosenquote (alle zivilen Erwerbspersonen), Jahresdurchschnitte {alq_span}: {german_list([n for _, n, _ in AREAS])}. "
    + quelle("arbeitslose").strip("*"),
    f"Liniendiagramm: Die Arbeitslosenquote {ctx['kreis']['name_des']} lag {first_alq} bei "
    f"{fmt.number(s[s.role == 'district'].value.iloc[0], 1)} % und {alq_year} bei {fmt.number(s[s.role == 'district'].value.iloc[-1], 1)} %; "
    f"in Deutschland {fmt.number(s[s.role == 'bund'].value.iloc[-1], 1)} %.",
)
if len(kreise_land) > 2:
    bars = bars_of_kreise("arbeitslosenquote", alq_year)
    bars = pd.concat(
        [bars, pd.DataFrame([{"label": "Deutschland", "role": "bund", "value": data.value("arbeitslosenquote", DG, alq_year)}])]
    )
    rank = bars[bars.role == "other"].sort_values("value").reset_index(drop=True)
    B.fig(
        "arbeitslosenquote-kreise",
        figs.comparison_bars(bars, f"Arbeitslosenquote {alq_year} in %", "Prozent"),
        f"Arbeitslosenquote {alq_year} der {KREISE_WORT[1]} {LAND_IN} im Vergleich mit Land und Bund. "
        + quelle("arbeitslose").strip("*"),
        f"Balkendiagramm: Die Arbeitslosenquote reicht von {fmt.number(rank.value.min(), 1)} % ({rank.label.iloc[0]}) bis "
        f"{fmt.number(rank.value.max(), 1)} % ({rank.label.iloc[-1]}); {KURZ}: {data.show('arbeitslosenquote', K)}.",
    )
if OWN and "kl_arbeitslosenanteil" in set(data.indicators.indicator_id) and len(GEMEINDEN) > 1:
    ids = ["kl_arbeitslosenanteil", "kl_langzeitarbeitslosenanteil", "kl_anteil_langzeitarbeitslose"]
    header, rows = area_rows(ids, year, include_land=False, gemeinden=not VERBAENDE)
    B.tab(
        "arbeit-gemeinden",
        header,
        rows,
        f"Arbeitslose und Langzeitarbeitslose nach {'Gemeindeverbänden' if VERBAENDE else 'Gemeinden'}, "
        f"Jahresdurchschnitt {year}",
        eigene_quelle(f"Bundesagentur für Arbeit; Melderegister {WORT['des']}", str(year)),
    )
B.kapitel(
    "arbeit",
    jahr_alq=alq_year,
    vorjahr=(lambda v: None if np.isnan(v) else v)(data.value("arbeitslosenquote", K, str(int(alq_year) - 1))),
    quote=data.value("arbeitslosenquote", K),
    gemeindetabelle=OWN and len(GEMEINDEN) > 1,
)

# %% Pflege
periods = ctx["periods"]["pflege"]["all"]
rows = []
for i in ["pflegebeduerftige", "pflegequote", "anteil_pflege_stationaer"]:
    for a, name, _ in AREAS:
        rows.append([data.catalogue[i]["name"] if a == K else "", name, *(data.show(i, a, p) for p in periods)])
B.tab(
    "pflege",
    ["Indikator", "Gebiet", *(fmt.date(p) for p in periods)],
    rows,
    "Pflegebedürftige nach SGB XI",
    quelle("pflege", "bevoelkerung_alter", stand=", ".join(fmt.date(p) for p in periods)),
    align="ll" + "r" * len(periods),
)
s = series_frame("pflegequote")
B.fig(
    "pflegequote",
    figs.trend_lines(s, "Pflegebedürftige je 1.000 Einwohner", "je 1.000 Einwohner"),
    f"Pflegebedürftige je 1.000 Einwohner {fmt.date(periods[0])}–{fmt.date(periods[-1])}: {german_list([n for _, n, _ in AREAS])}. "
    + quelle("pflege", "bevoelkerung_alter").strip("*"),
    f"Liniendiagramm: Je 1.000 Einwohner waren {ctx['kreis']['name_in']} zuletzt {fmt.number(s[s.role == 'district'].value.iloc[-1], 1)} "
    f"Menschen pflegebedürftig, in Deutschland {fmt.number(s[s.role == 'bund'].value.iloc[-1], 1)}.",
)
B.kapitel("pflege", stand=fmt.date(P["pflege"]))

# %% Beratung (the district's own data)
supply, travel = data.table("beratung_versorgung"), data.table("beratung_wege")
if len(supply):
    short = {
        "Schwangerschafts- und Schwangerschaftskonfliktberatung": "Schwangerschafts(konflikt)beratung",
        "Ehe-, Familien- und Lebensberatung": "Ehe-, Familien-, Lebensberatung",
    }
    gaps = supply[supply.differenz_vzae < 0]
    rows = [
        [
            short.get(r.beratungsfeld, r.beratungsfeld),
            fmt.number(r.faelle),
            fmt.number(r.faelle_je_10000, 1),
            fmt.number(r.anteil_mehrfach, 1),
            fmt.number(r.vzae, 2),
            fmt.number(r.vzae_je_10000, 2),
            fmt.number(r.richtwert_je_10000, 2) + (" (Minderjährige)" if r.bezug == "minderjaehrige" else ""),
            fmt.signed(r.differenz_vzae, 2),
            ", ".join(short_name(x) for x in r.standorte.split("; ")),
        ]
        for r in supply.itertuples()
    ]
    B.tab(
        "beratung-versorgung",
        [
            "Beratungsfeld",
            "Fälle",
            "Fälle je 10.000 EW",
            "Mehrfachproblematik in %",
            "VZÄ",
            "VZÄ je 10.000",
            "Richtwert VZÄ je 10.000",
            "Differenz zum Richtwert (VZÄ)",
            "Standorte",
        ],
        rows,
        f"Beratungsfälle und Personalausstattung der integrierten Beratung {year}",
        eigene_quelle("Beratungsstellen (Falldaten und Stellenplan)", str(year))
        + " Richtwerte: "
        + "; ".join(f"{short.get(r.beratungsfeld, r.beratungsfeld)}: {r.quelle}" for r in supply.itertuples())
        + ".",
        align="lrrrrrrrl",
        daten=("beratung",),
    )
    B.fig(
        "beratung-ausstattung",
        figs.supply_bars(
            [short.get(f, f) for f in supply.beratungsfeld],
            list(supply.vzae_je_10000),
            list(supply.richtwert_je_10000),
            f"Personalausstattung der Beratung {year} in % des Richtwerts",
            "Ausstattung in % des Richtwerts",
        ),
        f"Personalausstattung der Beratungsfelder {year} in Prozent des jeweiligen Richtwerts (Vollzeitäquivalente je 10.000 Einwohner; "
        f"Erziehungsberatung je 10.000 Minderjährige). Quelle: Beratungsstellen"
        + (" – synthetische Beispieldaten." if SYN else "."),
        "Balkendiagramm: "
        + "; ".join(
            f"{short.get(r.beratungsfeld, r.beratungsfeld)} {fmt.number(r.vzae_je_10000 / r.richtwert_je_10000 * 100, 0)} %"
            for r in supply.itertuples()
        )
        + " des Richtwerts.",
        daten=("beratung",),
    )
    if len(GEMEINDEN) > 1:
        ids = [
            "kl_beratung_je_10000",
            "kl_beratung_schuldner",
            "kl_beratung_sucht",
            "kl_beratung_schwangerschaft",
            "kl_beratung_familie",
            "kl_beratung_erziehung",
            "kl_mehrfachproblematik",
        ]
        header, rows = area_rows(ids, year, include_land=False, gemeinden=not VERBAENDE)
        B.tab(
            "beratung-gemeinden",
            header,
            rows,
            f"Beratungsfälle je 10.000 Einwohner nach Wohngemeinde und Beratungsfeld {year}",
            eigene_quelle(f"Beratungsstellen; Melderegister {WORT['des']}", str(year))
            + " Fallzahlen unter 3 und daraus ableitbare Werte "
            "sind durch `.` ersetzt; `–`: keine Fälle.",
            daten=("beratung",),
        )
        w = travel.pivot_table(index="area_id", columns="beratungsfeld", values="km")
        rows = [[GEMEINDEN[a], *(fmt.number(w.loc[a, f], 0) for f in supply.beratungsfeld)] for a in GEMEINDEN if a in w.index]
        B.tab(
            "beratung-wege",
            ["Gemeinde", *(short.get(f, f) for f in supply.beratungsfeld)],
            rows,
            "Entfernung zur nächsten Beratungsstelle je Beratungsfeld in km (Luftlinie)",
            eigene_quelle("Beratungsstellen; Geometrie © GeoBasis-DE / BKG 2021 (Daten verändert)", str(year)),
            daten=("beratung",),
        )
    far = travel.groupby("area_id")["km"].max() if len(travel) else pd.Series(dtype=float)
    # the providers of the counselling data standard: problem areas and sites (disclosure control:
    # a count of 1 or 2 and its share are not shown)
    standard = ctx.get("beratung_traeger") or {}
    accepted = [t for t in standard.get("traeger", []) if t["status"] == "ok"]
    if accepted:
        mindest = ctx["disclosure"]["min_count"]
        total = sum(t["faelle"] for t in accepted)
        rows = []
        for p in standard["problemlagen"]:
            n = sum(f["problemlagen"][p["id"]] for t in accepted for f in t["felder"].values())
            shown = suppress_counts({"n": n}, mindest, total=False)["n"]
            rows.append([p["name"], p["bereich"], shown, shown if shown == SUPPRESSED else fmt.number(n / total * 100, 1)])

        def case_table(name, first, rows, caption, hidden):
            """A table of the providers' cases: label columns, count and share of all cases."""
            B.tab(
                name,
                [*first, "Fälle", "Anteil an allen Fällen in %"],
                rows,
                caption,
                eigene_quelle(f"Lieferungen von {len(accepted)} Trägern nach dem Beratungsdatenstandard", str(year))
                + f" Fallzahlen unter {mindest}{hidden} sind durch `.` ersetzt.",
                align="llrr",
                daten=("beratung",),
            )

        case_table(
            "beratung-problemlagen",
            ["Problemlage", "Lebensbereich"],
            rows,
            f"Bearbeitete Problemlagen der Beratungsfälle {year} (Mehrfachnennungen)",
            "",
        )
        # who is counselled: age group and household type of all cases (counts below the
        # threshold hidden, with a second count of the same characteristic, as the sums are shown)
        rows = []
        for merkmal, titel in (("altersgruppe", "Altersgruppe"), ("haushaltstyp", "Haushaltsform")):
            counts: dict[str, int] = {}
            for t in accepted:
                for value, n in t["merkmale"].get(merkmal, {}).items():
                    counts[value] = counts.get(value, 0) + n
            order = [v for v in standard.get("merkmale", {}).get(merkmal, []) if v in counts]
            shown = suppress_counts({v: counts[v] for v in order}, mindest)
            rows += [
                [titel, v, shown[v], SUPPRESSED if shown[v] == SUPPRESSED else fmt.number(counts[v] / total * 100, 1)]
                for v in order
            ]
        case_table(
            "beratung-klientel",
            ["Merkmal", "Ausprägung"],
            rows,
            f"Beratungsfälle {year} nach Altersgruppe und Haushaltsform",
            " und eine weitere Zahl desselben Merkmals",
        )
        rows = [
            [
                t["name"],
                s["standort"],
                GEMEINDEN.get(s["standort_ars"], s["standort_ars"]),
                short.get(s["beratungsfeld"], s["beratungsfeld"]),
                fmt.number(s["vzae"], 2),
                fmt.number(s["oeffnungsstunden"]) if s.get("oeffnungsstunden") is not None else "–",
                s.get("barrierefrei") or "–",
                s.get("sprachen") or "–",
            ]
            for t in accepted
            for s in t["stellen"]
        ]
        B.tab(
            "beratung-stellen",
            ["Träger", "Stelle", "Gemeinde", "Beratungsfeld", "VZÄ", "Öffnungs­stunden je Woche", "barrierefrei", "Sprachen"],
            sorted(rows, key=lambda r: (sort_key(r[2]), r[0], r[3])),
            f"Beratungsstellen der Träger {year}: Kapazität, Öffnungszeiten, Zugänglichkeit",
            eigene_quelle("Lieferungen der Träger nach dem Beratungsdatenstandard (Blatt Stellen)", str(year)),
            align="llllrrll",
            daten=("beratung",),
        )
    B.kapitel(
        "beratung",
        standard={
            "traeger": [t["name"] for t in accepted],
            "ausgeschlossen": [t["name"] for t in standard.get("traeger", []) if t["status"] != "ok"],
            "regel": standard.get("regel", ""),
        }
        if standard
        else None,
        faelle=fmt.number(supply.faelle.sum()),
        je_10000=fmt.number(supply.faelle.sum() / data.value("kl_einwohner", K) * 10000, 1),
        mehrfach=data.show("kl_mehrfachproblematik", K),
        luecken=[(short.get(r.beratungsfeld, r.beratungsfeld), fmt.number(-r.differenz_vzae, 2)) for r in gaps.itertuples()],
        felder=len(supply),
        orte=len({x for s in supply.standorte for x in s.split("; ")}),
        weitester=(fmt.number(far.max(), 0), GEMEINDEN.get(far.idxmax(), "")) if len(far) else None,
        rechtsrahmen=ctx.get("beratung", {}),
        mehrere_gemeinden=len(GEMEINDEN) > 1,
    )

# %% Sozialindex (the district's own data)
index = data.table("sozialindex")
if len(index):
    cfg = ctx["planning"]["social_index"]
    classes = {a: (r.status, r.dynamik) for a, r in index.set_index("area_id").iterrows()}
    B.fig(
        "karte-sozialindex",
        figs.social_index_map(
            data.geo,
            classes,
            f"Sozialindex {year}" + (" – synthetische Beispieldaten" if SYN else ""),
            labels=MAP_LABELS,
            outline_id=K,
        ),
        f"Karte der Gemeinden {ctx['kreis']['name_des']}: Gruppen des Sozialindex {year} – Farbe: Status, Schraffur: Dynamik. "
        "Quelle: eigene Berechnung"
        + (" aus synthetischen Beispieldaten" if SYN else "")
        + "; Geometrie © GeoBasis-DE / BKG 2021 (Daten verändert).",
        "Karte: "
        + "; ".join(
            f"Status {s}: " + german_list(sorted((GEMEINDEN.get(a, a) for a, c in classes.items() if c[0] == s), key=sort_key))
            for s in ["sehr niedrig", "niedrig"]
            if any(c[0] == s for c in classes.values())
        )
        + (" (synthetische Beispieldaten)." if SYN else "."),
    )
    rows = [
        [
            GEMEINDEN.get(r.area_id, r.area_id),
            fmt.number(r.status_index, 2),
            r.status,
            fmt.number(r.dynamik_index, 2),
            r.dynamik,
            f"Gruppe {int(r.gruppe)}",
        ]
        for r in index.sort_values("status_index", ascending=False).itertuples()
    ]
    excluded = data.table("sozialindex_ausgeschlossen")
    B.tab(
        "sozialindex",
        ["Gemeinde", "Statusindex", "Status", "Dynamikindex", "Dynamik", "Gruppe"],
        rows,
        f"Sozialindex der Gemeinden {year} (absteigend nach Statusindex)",
        eigene_quelle("eigene Berechnung aus Jobcenter-, BA- und Melderegisterdaten", str(year)),
        align="lrlrlr",
    )
    need = index[index["status"].isin(["niedrig", "sehr niedrig"])].sort_values("status_index", ascending=False)
    B.kapitel(
        "sozialindex",
        cfg=cfg,
        ausgeschlossen=[GEMEINDEN.get(a, a) for a in excluded.get("area_id", [])],
        bedarf=[(GEMEINDEN.get(r.area_id, r.area_id), r.status, r.dynamik) for r in need.itertuples()],
        grenzen={k: [fmt.number(v, 1) for v in cfg[k]] for k in ("status_bounds", "dynamic_bounds")},
        mindest=fmt.number(cfg["min_population"]),
    )

# %% Bevölkerungsprognose
prog = data.table("prognose")
if len(prog):
    cal = {"jahre_deutschland": [], **(ctx["projection"]["kalibrierung"] or {})}
    bt = ctx["projection"].get("backtest") or {}
    mid = prog[prog.variant == "mittel"]
    target = int(mid.year.max())
    wide = mid.pivot_table(index="group", columns="year", values="value")
    order = [
        "0 bis 2 Jahre (Krippe)",
        "3 bis 5 Jahre (Kita)",
        "6 bis 9 Jahre (Grundschule)",
        "10 bis 17 Jahre",
        "18 bis 64 Jahre",
        "65 bis 79 Jahre",
        "80 Jahre und älter",
        "insgesamt",
        "65 Jahre und älter",
    ]
    cols = [year, *(y for y in range(year + 5, target + 1, 5) if y in wide.columns)]
    rows = [
        [
            bold(g) if g == "insgesamt" else ("darunter " if g == "65 Jahre und älter" else "") + g,
            *(fmt.number(wide.loc[g, y]) for y in cols),
            fmt.signed((wide.loc[g, target] / wide.loc[g, year] - 1) * 100, 1),
        ]
        for g in order
    ]
    B.tab(
        "prognose",
        ["Altersgruppe", *map(str, cols), f"Veränderung {year}–{target} in %"],
        rows,
        f"Bevölkerungsprognose {KURZ} nach Altersgruppen der Planung (mittlere Variante)",
        f"*Quelle: eigene Modellrechnung auf Basis der Tabelle 12411-0018 ({ctx['sources']['bevoelkerung_alter']['attribution']}); "
        f"Modellrechnung {WORT['des']}, keine amtliche Vorausberechnung des Landes.*",
    )
    tot = prog[prog.group == "insgesamt"].pivot_table(index="year", columns="variant", values="value")
    band = pd.DataFrame(
        {"label": "insgesamt", "year": tot.index.to_numpy(), "low": tot["niedrig"].to_numpy(), "high": tot["hoch"].to_numpy()}
    )
    s = pd.concat([mid[mid.group == "insgesamt"], mid[mid.group.isin(order[:7])]]).rename(columns={"group": "label"})
    B.fig(
        "prognose",
        figs.index_lines(s, f"Bevölkerungsprognose {year}–{target} (Index {year} = 100)", f"Index {year} = 100", band=band),
        f"Bevölkerungsprognose {KURZ} {year}–{target} nach Altersgruppen der Planung, Index {year} = 100; die Fläche um „insgesamt“ zeigt die "
        "Spanne zwischen niedriger und hoher Wanderungsvariante. Quelle: eigene Modellrechnung auf Basis Tabelle 12411-0018.",
        prognose_alt(wide, order[:7], year, target),
    )
    progg = data.table("prognose_gemeinden")
    gm = None
    if len(progg):
        # what the distribution to the Gemeinden did (projection.GemeindeModel): the text says it
        gm = dict(ctx["projection"]["gemeinden"])
        gm["ohne_verlauf"] = [short_name(GEMEINDEN.get(a, a)) for a in gm["ohne_verlauf"]]
        pw = progg[progg.year.isin([year, target])].pivot_table(index="area_id", columns=["group", "year"], values="value")
        groups = [g for g in ["insgesamt", *order[:7], "65 Jahre und älter"] if (g, target) in pw.columns]
        rows = [
            [
                GEMEINDEN.get(a, a),
                fmt.number(pw.loc[a, ("insgesamt", year)]),
                *(fmt.number(pw.loc[a, (g, target)]) for g in groups),
                fmt.signed((pw.loc[a, ("insgesamt", target)] / pw.loc[a, ("insgesamt", year)] - 1) * 100, 1),
            ]
            for a in sorted(pw.index, key=lambda a: sort_key(GEMEINDEN.get(a, a)))
        ]
        rows.append(
            [
                bold(KURZ),
                bold(fmt.number(wide.loc["insgesamt", year])),
                *(bold(fmt.number(wide.loc[g, target])) for g in groups),
                bold(fmt.signed((wide.loc["insgesamt", target] / wide.loc["insgesamt", year] - 1) * 100, 1)),
            ]
        )
        B.tab(
            "prognose-gemeinden",
            ["Gemeinde", f"{year}", *(f"{g} {target}" for g in groups), "Veränderung insgesamt in %"],
            rows,
            f"Prognose {target} nach Gemeinden ("
            + ("eigener Trend" if gm["methode"] == "trend" else f"gleichbleibende Anteile {WORT['am']}")
            + f", auf {WORT['den']} abgestimmt)",
            "*Quelle: eigene Berechnung; Gemeindeentwicklung aus dem Gemeindeverzeichnis GV-ISys"
            + (
                "; Altersgruppen aus dem Melderegister" + (" (synthetische Beispieldaten)" if SYN else "")
                if (order[0], target) in pw.columns
                else ""
            )
            + f". Die Altersgruppen ergeben zusammen die Summe, die Gemeinden zusammen {WORT['den']}.*",
        )
        change = (pw[("insgesamt", target)] / pw[("insgesamt", year)] - 1) * 100
    B.kapitel(
        "prognose",
        zieljahr=target,
        insgesamt=wide.loc["insgesamt"],
        veraenderung=(wide.loc["insgesamt", target] / wide.loc["insgesamt", year] - 1) * 100,
        spanne=(tot.loc[target, "niedrig"], tot.loc[target, "hoch"]),
        kalibrierung=cal,
        backtest=bt,
        annahmen=ctx["planning"].get("projection", {}),
        land_annahmen=ctx.get("land_annahmen", {}),
        gemeinden=len(progg) > 0,
        gemeinde_modell=gm,
        gemeinde_spanne=(fmt.signed(change.min(), 1), fmt.signed(change.max(), 1)) if len(progg) else None,
        krippe=(wide.loc[order[0], year], wide.loc[order[0], target]),
        kita=(wide.loc[order[1], year], wide.loc[order[1], target]),
        grundschule=(wide.loc[order[2], year], wide.loc[order[2], target]),
        hochaltrige=(wide.loc[order[6], year], wide.loc[order[6], target]),
    )

# %% Gemeinden im Vergleich
gp = ctx["gemeinde_periods"]
first_g, last_g = gp[0], gp[-1]
g = data.indicators[data.indicators.area_level == "gemeinde"]
change_g = g[(g.indicator_id == "gem_bevoelkerung_veraenderung") & (g.period == last_g)].set_index("area_id")["value"]
# uninhabited gemeindefreie Gebiete stand in the tables but are no Gemeinden: every count says so
BEWOHNT = [a for a in GEMEINDEN if data.value("gem_bevoelkerung", a, last_g) != 0]
GEMEINDEFREI = len(GEMEINDEN) - len(BEWOHNT)
change_g = change_g[change_g.index.isin(BEWOHNT)].dropna()
# the Zensus 2022 lies inside the Gemeinde series: its changes include the census's correction
ZENSUS_IN_REIHE = first_g < "2022-05-15" and last_g >= "2022-12-31"
changes = ctx["territorial_changes"]
merged = [c for c in changes if c["kind"] != "Schlüsseländerung"]
if len(merged) > LONG_LIST:  # beyond a few changes a table, and one sentence in the text

    def when(c):
        return (
            fmt.date(c["date"])
            if c.get("date")
            else f"{fmt.date(c['between'][0])} – {fmt.date(c['between'][1])}"
            if c.get("between")
            else "–"
        )

    B.tab(
        "gebietsaenderungen",
        ["Frühere Gemeinde", "aufgegangen in", "Zeitpunkt", "Art", "Einwohner zuletzt", "Stichtag"],
        [
            [
                short_name(c["name"]),
                short_name(c["to_name"]),
                when(c),
                c["kind"],
                fmt.number(c.get("einwohner")) if c.get("einwohner") is not None else "–",
                fmt.date(c["stand"]) if c.get("stand") else "–",
            ]
            for c in merged
        ],
        f"Gebietsänderungen der Gemeinden seit dem {fmt.date(gp[0])}",
        quelle("gemeindeverzeichnis"),
        align="llllrl",
    )
if len(GEMEINDEN) > 1:
    lim = max(5.0, float(np.ceil(change_g.abs().max() / 5) * 5))
    bins = [-lim, -lim / 2, -lim / 5, 0, lim / 5, lim / 2, lim]
    ranked = change_g.sort_values()
    B.fig(
        "karte-bevoelkerungsveraenderung",
        figs.choropleth(
            data.geo,
            change_g.to_dict(),
            f"Bevölkerungsveränderung {first_g[:4]}–{last_g[:4]} in %",
            "Veränderung in %",
            bins,
            labels=MAP_LABELS,
            outline_id=K,
        ),
        f"Karte der Gemeinden {ctx['kreis']['name_des']}: Bevölkerungsveränderung vom {fmt.date(first_g)} bis {fmt.date(last_g)} in Prozent, "
        f"Gebietsstand {fmt.date(last_g)}. "
        + ("Die Veränderung enthält die Neuberechnung der Einwohnerzahlen durch den Zensus 2022. " if ZENSUS_IN_REIHE else "")
        + "Quellen: GV-ISys, © Statistisches Bundesamt (Destatis); Geometrie © GeoBasis-DE / BKG 2021 (Daten verändert).",
        f"Karte: {len(BEWOHNT)} Gemeinden; "
        f"{fmt.extremes(GEMEINDEN.get(ranked.index[-1], ''), ranked.iloc[-1], GEMEINDEN.get(ranked.index[0], ''), ranked.iloc[0])}.",
    )
    units = VERBAENDE if VERBAENDE else GEMEINDEN
    rows = [
        [
            name,
            *(cell("gem_bevoelkerung", a, p) for p in gp),
            cell("gem_bevoelkerung_veraenderung", a, last_g),
            cell("gem_bevoelkerungsdichte", a, last_g),
            cell("gem_geschlechterverhaeltnis", a, last_g),
        ]
        for a, name in units.items()
    ]
    rows.append([bold(KURZ), *(bold(fmt.number(data.value("gem_bevoelkerung", K, p))) for p in gp), "", "", ""])
    B.tab(
        "gemeinden-bevoelkerung",
        [
            ("Gemeindeverband" if VERBAENDE else "Gemeinde"),
            *(p[:4] for p in gp),
            f"Veränd. {first_g[:4]}–{last_g[:4]} in %",
            "EW/km²",
            "Männer je 100 Frauen",
        ],
        rows,
        f"Bevölkerung der {'Gemeindeverbände' if VERBAENDE else 'Gemeinden'} am 31.12., Gebietsstand {fmt.date(last_g)}",
        quelle("gemeindeverzeichnis", stand=", ".join(fmt.date(p) for p in gp)),
    )
    if VERBAENDE:
        rows = [
            [name, *(cell("gem_bevoelkerung", a, p) for p in gp), cell("gem_bevoelkerung_veraenderung", a, last_g)]
            for a, name in GEMEINDEN.items()
        ]
        B.tab(
            "gemeinden-alle",
            ["Gemeinde", *(p[:4] for p in gp), f"Veränd. {first_g[:4]}–{last_g[:4]} in %"],
            rows,
            f"Bevölkerung aller {len(BEWOHNT)} Gemeinden"
            + (" und der gemeindefreien Gebiete ohne Einwohner" if GEMEINDEFREI else "")
            + f" am 31.12., Gebietsstand {fmt.date(last_g)}",
            quelle("gemeindeverzeichnis", stand=", ".join(fmt.date(p) for p in gp)),
        )
z = g[g.indicator_id == "gem_zensus_abweichung"].dropna(subset=["value"]).sort_values("value")
if len(z):
    units = VERBAENDE if VERBAENDE else GEMEINDEN
    fortschreibung = next((p for p in reversed(gp) if p < "2022-05-15"), None)
    rows = [
        [name, cell("gem_bevoelkerung", a, fortschreibung), cell("gem_zensus_abweichung", a, "2022-05-15")]
        for a, name in units.items()
    ]
    if len(units) > 1 and fortschreibung:  # a Fortschreibung before the census to compare with
        B.tab(
            "zensus",
            [
                ("Gemeindeverband" if VERBAENDE else "Gemeinde"),
                f"Fortschreibung {fmt.date(fortschreibung)}",
                "Abweichung Zensus 15.05.2022 in %",
            ],
            rows,
            "Zensus 2022 und fortgeschriebene Bevölkerung",
            quelle("zensus2022", "gemeindeverzeichnis", stand=f"15.05.2022 und {fmt.date(fortschreibung)}"),
        )
B.kapitel(
    "gemeinden",
    anzahl=len(BEWOHNT),
    gemeindefrei=GEMEINDEFREI,
    zensus_in_reihe=ZENSUS_IN_REIHE,
    reformen={
        "aufgenommen": [
            {"der": r["kurz"], "den": r["kurz"], **r} for r in (ctx["kreis"].get("kreisreformen") or {}).get("aufgenommen", [])
        ],
        "aufgegangen_in": (ctx["kreis"].get("kreisreformen") or {}).get("aufgegangen_in", []),
    },
    verbaende=len(VERBAENDE),
    erstes=fmt.date(first_g),
    letztes=fmt.date(last_g),
    aenderungen=changes,
    lange_liste=len(merged) > LONG_LIST,
    aufnehmende=len({c["to"] for c in merged}),
    unsicher=[c for c in changes if not c["certain"]],
    zensus=(
        short_name(z.area_name.iloc[0]),
        fmt.signed(z.value.iloc[0]),
        short_name(z.area_name.iloc[-1]),
        fmt.signed(z.value.iloc[-1]),
    )
    if len(z)
    else None,
    zensus_kreis=Indikator(data, "gem_zensus_abweichung").gebiet(K, "2022-05-15") or None,
    bev=(fmt.number(data.value("gem_bevoelkerung", K, first_g)), fmt.number(data.value("gem_bevoelkerung", K, last_g))),
    staerkste=fmt.extremes(
        GEMEINDEN.get(change_g.idxmax(), ""), change_g.max(), GEMEINDEN.get(change_g.idxmin(), ""), change_g.min()
    )
    if len(GEMEINDEN) > 1 and len(change_g)
    else None,
)

# %% Veränderungen gegenüber dem Vorjahresbericht
prev = ctx.get("previous")
if prev:
    rows = []
    for r in prev["rows"]:
        if r["area_id"] != K:
            continue
        c = data.catalogue[r["indicator_id"]]
        show = lambda v, f, p: f"{fmt.with_unit(v, c['unit'], c['decimals'], f)} ({fmt.date(p)})"  # noqa: E731
        delta = (
            ""
            if r["value_prev"] is None or r["value_now"] is None
            else fmt.signed(r["value_now"] - r["value_prev"], c["decimals"])
        )
        rows.append(
            [
                c["name"],
                show(r["value_prev"], r["flag_prev"], r["period_prev"]),
                show(r["value_now"], r["flag_now"], r["period_now"]),
                delta,
            ]
        )
    B.tab(
        "vorjahr",
        ["Indikator", f"Bericht {year - 1}", f"Bericht {year}", "Veränderung"],
        rows,
        f"{KN}: Veränderungen gegenüber dem Sozialbericht {year - 1}",
    )
    B.kapitel("vorjahr", berichtigt=prev["revised"])

# %% Handlungsbedarfe and Zusammenfassung (built from the chapters above)
goals = data.table("ziele")
if len(goals):
    light = {"erreicht": "erreicht (grün)", "auf Kurs": "auf Kurs (gelb)", "gefährdet": bold("gefährdet (rot)")}
    rows = [
        [
            r.name,
            f"{'≤' if r.richtung == 'below' else '≥'} {fmt.number(r.ziel, 1)} bis {r.zieljahr}",
            f"{fmt.number(r.aktuell, 1)} ({fmt.date(r.stand)})",
            fmt.signed(r.trend_je_jahr, 2),
            fmt.number(r.prognose_zieljahr, 1),
            light[r.status],
        ]
        for r in goals.itertuples()
    ]
    B.tab(
        "ziele",
        ["Indikator", "Ziel", "Aktuell (Stand)", "Trend je Jahr", "Trend im Zieljahr", "Status"],
        rows,
        f"Ziele der Sozialplanung {FORM['des']}",
        "*Quelle: Ziele aus der Kreiskonfiguration; Werte aus diesem Bericht.*"
        + (
            " **Synthetische Beispieldaten** (kein amtliches Ergebnis)."
            if SYN and set(goals.indicator_id) & data.synthetic
            else ""
        ),
        align="llrrrl",
    )
need = []
if len(index):
    for r in (
        index[index["status"].isin(["niedrig", "sehr niedrig"]) | (index["dynamik"] == "negativ")]
        .sort_values("status_index", ascending=False)
        .itertuples()
    ):
        reasons = ([f"Status {r.status}"] if r.status in ("niedrig", "sehr niedrig") else []) + (
            ["negative Dynamik"] if r.dynamik == "negativ" else []
        )
        need.append(
            {
                "name": GEMEINDEN.get(r.area_id, r.area_id),
                "gruende": german_list(reasons),
                "kinderarmut": data.show("kl_kinderarmut", r.area_id),
                "sgb2": data.show("kl_sgb2_quote", r.area_id),
            }
        )
B.kapitel(
    "handlungsbedarfe",
    ziele=len(goals) > 0,
    gefaehrdet=list(goals[goals.status == "gefährdet"].name) if len(goals) else [],
    gemeinden_bedarf=need,
    index=len(index) > 0,
)
base = ctx["district"]["base_year"]
B.kapitel(
    "zusammenfassung",
    veraenderung=data.value("bevoelkerung_veraenderung", K),
    land_veraenderung=data.value("bevoelkerung_veraenderung", L),
    bund_veraenderung=data.value("bevoelkerung_veraenderung", DG),
    gemeinden=B.values["gemeinden"],
    prognose=B.values.get("prognose"),
    ziele=(len(goals), list(goals[goals.status == "gefährdet"].name)) if len(goals) else None,
    sozialindex=B.values.get("sozialindex"),
    stadtstaat=STADTSTAAT,
)

# %% Auf einen Blick: the key figures of config `auf_einen_blick`, Kreis, Land and Germany
rows = []
for ind in ctx.get("auf_einen_blick", []):
    kreiswert = Indikator(data, ind).kreis if ind in data.catalogue else None
    if kreiswert is None or kreiswert.fehlt:
        continue
    synthetisch = bool(data.series(ind, K)["synthetic"].iloc[-1])
    modell = data.catalogue[ind].get("method") == "model"
    stand = kreiswert.stand + (" (synthetische Beispieldaten)" if synthetisch else " (Modellrechnung)" if modell else "")
    vergleich = [data.show(ind, a) for a, _, role in AREAS if role != "district"]
    rows.append([data.catalogue[ind]["name"], str(kreiswert), *vergleich, stand])
if rows:
    B.tab(
        "auf-einen-blick",
        ["Kennzahl", KURZ, *[n for _, n, role in AREAS if role != "district"], "Stand"],
        rows,
        f"Kennzahlen {KURZ} {year} im Vergleich",
        align="l" + "r" * (len(AREAS)) + "l",
    )
    B.kapitel("auf-einen-blick")

# %% Methodik und Anhang
missing = [
    t
    for t, ok in (
        ("Familien und Haushalte", "familien" in B.values),
        ("Existenzsicherung", "existenzsicherung" in B.values),
        ("Beratung", "beratung" in B.values),
        ("Sozialindex", "sozialindex" in B.values),
    )
    if not ok
]
warnings = [w for ws in ctx.get("data_quality", {}).values() for w in ws]
B.kapitel("methodik", fehlende_kapitel=missing, quellen=list(ctx["sources"].values()))
sheets = []
for c in ctx["catalogue"]:
    if not len(data.series(c["id"], K)) and not len(data.indicators[data.indicators.indicator_id == c["id"]]):
        continue
    period = data.series(c["id"], K)["period"].max() if len(data.series(c["id"], K)) else ""
    sheets.append(
        {
            "name": c["name"],
            # the catalogue speaks of "des Kreises"; a city's report of "der Stadt"
            "definition": c["definition"].replace("des Kreises", WORT["des"]),
            "einheit": c["unit"],
            "quelle": c["source"].replace("des Kreises", WORT["des"]),
            "lesart": {
                "higher_is_worse": "höherer Wert = ungünstiger",
                "higher_is_better": "höherer Wert = günstiger",
                "context": "keine Wertung (Kontext)",
            }[c["direction"]],
            "mindest": fmt.number(c["min_population"]) if c.get("min_population") else None,
            "stand": fmt.date(period) if period else None,
            "kreis": data.show(c["id"], K),
            "land": data.show(c["id"], L) if len(data.series(c["id"], L)) and not STADTSTAAT else None,
            "bund": data.show(c["id"], DG) if len(data.series(c["id"], DG)) else None,
            "synthetisch": c["id"] in data.synthetic,
        }
    )
sr = [
    (v["name"], german_list(sorted((GEMEINDEN.get(x, x) for x in v["gemeinden"]), key=sort_key)))
    for v in ctx.get("sozialraeume", {}).values()
]
B.kapitel(
    "anhang",
    blaetter=sheets,
    sozialraeume=sr,
    hinweise=warnings,
    abgelehnt=[t["name"] for t in (ctx.get("beratung_traeger") or {}).get("traeger", []) if t["status"] != "ok"],
    mindestzahl=ctx["disclosure"]["min_count"],
    gemeindetabelle="gemeinden-alle" in B.tables,
    kurz=KURZ,  # "Ansbach (Landkreis): 2,8 %" beside the city of the same name
)

# %%
#| output: asis
from IPython.display import display  # noqa: E402

for text in B.markdown():
    display({"text/markdown": text}, raw=True)
B.write_usage(f"{out_dir}/verwendung.json")
