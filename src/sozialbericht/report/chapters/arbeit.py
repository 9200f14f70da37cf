"""Chapter "Arbeit" (``report/kapitel/arbeit.md``): unemployment of the Kreis beside its Land and
Germany, the unemployment rate over up to ten years and across the Land's Kreise and, with own
data, unemployment by Gemeinde."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialbericht.core import formatting as fmt
from sozialbericht.report import figures as figs
from sozialbericht.report.chapters.common import ReportContext
from sozialbericht.report.names import german_list

BUILT_FROM: tuple[str, ...] = ()


def build(c: ReportContext) -> None:
    alq_year = c.stand["arbeitslose"]
    ids = c.rows_of("arbeit")
    c.bericht.tab(
        "arbeit",
        ["Indikator", *(n for _, n, _ in c.areas)],
        [[c.data.catalogue[i]["name"], *(c.data.show(i, a) for a, _, _ in c.areas)] for i in ids],
        f"Arbeitslosigkeit im Jahresdurchschnitt {alq_year}",
        c.quelle(*c.datasets_of(ids), stand=f"Jahresdurchschnitt {alq_year}"),
    )
    _rate_over_time(c, alq_year)
    if len(c.kreise) > 2:
        _kreise(c, alq_year)
    if c.own_data and "kl_arbeitslosenanteil" in set(c.data.indicators.indicator_id) and len(c.gemeinden) > 1:
        _gemeinde_table(c)
    previous = c.data.value("arbeitslosenquote", c.kreis, str(int(alq_year) - 1))
    c.bericht.kapitel(
        "arbeit",
        jahr_alq=alq_year,
        vorjahr=None if np.isnan(previous) else previous,
        quote=c.data.value("arbeitslosenquote", c.kreis),
        gemeindetabelle=c.own_data and len(c.gemeinden) > 1,
    )


def _rate_over_time(c: ReportContext, alq_year: str) -> None:
    s = c.series_frame("arbeitslosenquote")
    s = s[s.year >= int(alq_year) - 9]  # up to ten years, as far as the data reach: the span printed is the data's
    first_alq, alq_span = fmt.year_span(s[s.role == "district"].year)
    c.bericht.fig(
        "arbeitslosenquote",
        figs.trend_lines(s, f"Arbeitslosenquote {alq_span}", "Prozent"),
        f"Arbeitslosenquote (alle zivilen Erwerbspersonen), Jahresdurchschnitte {alq_span}: {german_list(c.area_names())}. "
        + c.quelle("arbeitslose").strip("*"),
        f"Liniendiagramm: Die Arbeitslosenquote {c.ctx['kreis']['name_des']} lag {first_alq} bei "
        f"{fmt.number(s[s.role == 'district'].value.iloc[0], 1)} % und {alq_year} bei "
        f"{fmt.number(s[s.role == 'district'].value.iloc[-1], 1)} %; "
        f"in Deutschland {fmt.number(s[s.role == 'bund'].value.iloc[-1], 1)} %.",
    )


def _kreise(c: ReportContext, alq_year: str) -> None:
    """The unemployment rate of every Kreis of the Land beside the Land and Germany."""
    bars = c.bars_of_kreise("arbeitslosenquote", alq_year)
    germany = {"label": "Deutschland", "role": "bund", "value": c.data.value("arbeitslosenquote", c.bund, alq_year)}
    bars = pd.concat([bars, pd.DataFrame([germany])])
    rank = bars[bars.role == "other"].sort_values("value").reset_index(drop=True)
    c.bericht.fig(
        "arbeitslosenquote-kreise",
        figs.comparison_bars(bars, f"Arbeitslosenquote {alq_year} in %", "Prozent"),
        f"Arbeitslosenquote {alq_year} der {c.kreise_wort[1]} {c.land_in} im Vergleich mit Land und Bund. "
        + c.quelle("arbeitslose").strip("*"),
        f"Balkendiagramm: Die Arbeitslosenquote reicht von {fmt.number(rank.value.min(), 1)} % ({rank.label.iloc[0]}) bis "
        f"{fmt.number(rank.value.max(), 1)} % ({rank.label.iloc[-1]}); {c.kurz}: {c.data.show('arbeitslosenquote', c.kreis)}.",
    )


def _gemeinde_table(c: ReportContext) -> None:
    """The indicators of table ``arbeit-gemeinden`` (catalogue) by Gemeinde."""
    ids = c.rows_of("arbeit-gemeinden")
    header, rows = c.area_rows(ids, c.year, include_land=False, gemeinden=not c.verbaende)
    c.bericht.tab(
        "arbeit-gemeinden",
        header,
        rows,
        f"Arbeitslose und Langzeitarbeitslose nach {'Gemeindeverbänden' if c.verbaende else 'Gemeinden'}, "
        f"Jahresdurchschnitt {c.year}",
        c.eigene_quelle(f"Bundesagentur für Arbeit; Melderegister {c.wort['des']}", str(c.year))
        + c.significance_note(ids, include_land=False),
    )
