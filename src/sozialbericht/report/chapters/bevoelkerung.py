"""Chapter "Bevölkerung" (``report/kapitel/bevoelkerung.md``): population and age structure of the
Kreis beside its Land and Germany, the age pyramid, the Altenquotient over time, the change of the
Land's Kreise and, with own data, the population indicators by Gemeinde and Sozialraum."""

from __future__ import annotations

from sozialbericht.core import formatting as fmt
from sozialbericht.report import figures as figs
from sozialbericht.report.chapters.common import ReportContext
from sozialbericht.report.names import german_list

BUILT_FROM: tuple[str, ...] = ()


def build(c: ReportContext) -> None:
    stand = fmt.date(c.stand["bevoelkerung_alter"])
    _structure_table(c, stand)
    _pyramid(c, stand)
    _altenquotient(c)
    if len(c.kreise) > 2:
        _kreise(c, stand)
    gemeindetabelle = c.own_data and len(c.gemeinden) > 1
    if gemeindetabelle:
        _gemeinde_table(c)
    c.bericht.kapitel(
        "bevoelkerung",
        veraenderung=c.data.value("bevoelkerung_veraenderung", c.kreis),
        stand=stand,
        kreise_im_land=len(c.kreise),
        gemeindetabelle=gemeindetabelle,
        verbaende=bool(c.verbaende),
    )


def _structure_table(c: ReportContext, stand: str) -> None:
    """The indicators of table ``bevoelkerung-struktur`` (catalogue) for Kreis, Land, Germany."""
    ids = c.rows_of("bevoelkerung-struktur")
    base_year = c.ctx["district"]["base_year"]
    rows = [
        [
            c.data.catalogue[i]["name"] + (f" seit {base_year}" if _change_since_base(c, i) else ""),
            *(c.data.show(i, a) for a, _, _ in c.areas),
        ]
        for i in ids
    ]
    c.bericht.tab(
        "bevoelkerung-struktur",
        ["Indikator", *(n for _, n, _ in c.areas)],
        rows,
        f"Bevölkerung und Altersstruktur am {stand}",
        c.quelle(*c.datasets_of(ids), stand=stand, extra=" Werte für Land und Deutschland als Summe der Kreise berechnet."),
    )


def _change_since_base(c: ReportContext, ind: str) -> bool:
    """A Kreis-level change indicator counts from the district's base year (its row says so)."""
    entry = c.data.catalogue[ind]
    return entry.get("method") == "change" and entry["level"] == "kreis"


def _pyramid(c: ReportContext, stand: str) -> None:
    pyr = c.data.pyramid
    densest, per_year = figs.densest_age_group(pyr, c.kreis)
    c.bericht.fig(
        "bevoelkerungspyramide",
        figs.population_pyramid(pyr, c.kreis, None if c.stadtstaat else c.land, f"Altersaufbau {c.kurz} am {stand}", c.land_name),
        f"Altersaufbau der Bevölkerung {c.ctx['kreis']['name_des']} nach Geschlecht und Altersgruppen (Balken)"
        + ("" if c.stadtstaat else f" im Vergleich mit {c.land_dem} (Linie)")
        + ", Anteile an der Bevölkerung je Altersjahr in Prozent, "
        f"Stand {stand}. Die offene Gruppe „75 Jahre und älter“ ist als 15 Jahre breit (75 bis 90) gezeichnet. "
        + c.quelle("bevoelkerung_alter").strip("*"),
        f"Bevölkerungspyramide: Je Altersjahr am stärksten besetzt ist die Altersgruppe {densest} "
        f"({fmt.number(per_year)} Personen je Jahrgang); {c.data.show('anteil_65plus', c.kreis)} der Einwohner sind 65 Jahre und älter.",
    )


def _altenquotient(c: ReportContext) -> None:
    aq = c.series_frame("altenquotient")
    district = aq[aq.role == "district"]
    c.bericht.fig(
        "altenquotient",
        figs.trend_lines(aq, "Altenquotient", "65-Jährige und Ältere je 100 20- bis 64-Jährige"),
        f"Altenquotient {fmt.year_span(district.year)[1]}: {german_list(c.area_names())}. "
        + c.quelle("bevoelkerung_alter").strip("*"),
        f"Liniendiagramm: Der Altenquotient {c.ctx['kreis']['name_des']} "
        f"{fmt.development(district.value.iloc[0], district.value.iloc[-1], 1)}; "
        "in Deutschland lag er zuletzt bei "
        f"{fmt.number(aq[aq.role == 'bund'].value.iloc[-1], 1)}.",
    )


def _kreise(c: ReportContext, stand: str) -> None:
    """The change of population of every Kreis of the Land, with the district's rank."""
    base_year = c.ctx["district"]["base_year"]
    bars = c.bars_of_kreise("bevoelkerung_veraenderung", c.stand["bevoelkerung_alter"])
    rank = bars[bars.role != "land"].sort_values("value", ascending=False).reset_index(drop=True)
    c.bericht.fig(
        "bevoelkerung-kreise",
        figs.comparison_bars(bars, f"Bevölkerungsveränderung {base_year}–{c.year} in %", "Veränderung in %"),
        f"Bevölkerungsveränderung vom 31.12.{base_year} bis {stand} in Prozent, {c.kreise_wort[0]} {c.land_in}. "
        + c.quelle("bevoelkerung_alter").strip("*"),
        f"Balkendiagramm der {len(rank)} {c.kreise_wort[1]}: {c.form['Der']} liegt auf Rang "
        f"{int(rank.index[rank.role == 'district'][0]) + 1}; "
        f"{fmt.extremes(rank.label.iloc[0], rank.value.iloc[0], rank.label.iloc[-1], rank.value.iloc[-1])}.",
    )


def _gemeinde_table(c: ReportContext) -> None:
    """The indicators of table ``bevoelkerung-gemeinden`` (catalogue) by Gemeinde and Sozialraum."""
    ids = c.rows_of("bevoelkerung-gemeinden")
    header, rows = c.area_rows(ids, c.year, gemeinden=not c.verbaende)
    c.bericht.tab(
        "bevoelkerung-gemeinden",
        header,
        rows,
        f"Bevölkerungsindikatoren nach {'Gemeindeverbänden' if c.verbaende else 'Gemeinden'} und Sozialräumen {c.year}",
        c.eigene_quelle(f"Melderegister {c.wort['des']}", f"31.12.{c.year}") + c.significance_note(ids),
    )
