"""The rules of the chapter "Handlungsbedarfe" (report/findings.py), each on a small district
built for it: what fires, what does not, its numbers and their sources, the order and the caps."""

from functools import partial

from chapter_data import (
    GEMEINDEN,
    KREIS,
    LAND,
    YEAR,
    District,
    build,
    comparison_rows,
    complete,
    demand_change,
    finding_texts,
    intervals,
    rendered,
    unexplained_numbers,
    work_value,
)

from sozialbericht.compute.demand import CHILD_BANDS
from sozialbericht.report.findings import findings

KRIPPE, KITA, SCHULE = CHILD_BANDS
AUE, BACHDORF, CLAUSBERG = GEMEINDEN


def only(rule: str, settings: dict) -> dict:
    """The shipped settings of one rule, without the others."""
    return {rule: settings[rule], "hoechstens": 10}


def chapter(d: District):
    c = build(d.kontext(), "sozialindex", "handlungsbedarfe")
    return c, rendered(c, "handlungsbedarfe").replace("\u00a0", " ")


def numbers_check(c, text) -> list[str]:
    """Every number of every finding is a table value (or derived from table values)."""
    texts = finding_texts(text)
    assert len(texts) == len(c.befunde)
    value_of = partial(work_value, c.data.folder)
    return [p for t, b in zip(texts, c.befunde) for p in unexplained_numbers(t, b, value_of)]


def test_a_target_at_risk_is_a_finding_with_its_numbers(tmp_path):
    c, text = chapter(complete(tmp_path))
    (goal,) = [b for b in c.befunde if b.regel == "ziele"]  # Kinderarmut at risk; the unemployment target reached
    assert goal.werte["name"] == "Kinderarmut" and goal.werte["aktuell"] == "14,6\u00a0%"
    assert (
        "1. **Ziel „Kinderarmut“ gefährdet.** Der aktuelle Wert beträgt 14,6 % (31.12.2020); das Ziel ist höchstens 12,0 % bis 2025."
        in text
    )
    assert "**Synthetische Beispieldaten**" in finding_texts(text)[0]  # child poverty comes from synthetic data
    assert numbers_check(c, text) == []


def test_demand_changing_by_more_than_the_threshold_is_a_finding(tmp_path):
    d = District(tmp_path).national()
    kids, care = demand_change({KRIPPE: -20.0, KITA: -3.0, SCHULE: 6.0}, care=(1000.0, 1250.0))
    d.add("pflegebeduerftige", KREIS, "2019-12-31", 1000.0)  # the Kreis's count, to which the care projection is calibrated
    d.table("bedarf_kinder", kids).table("bedarf_pflege", care)
    d.context["planning"]["handlungsbedarfe"] = only("bedarf", d.context["planning"]["handlungsbedarfe"])
    c, text = chapter(d)
    # by how far they pass the threshold (5 %): care +25 %, Krippe −20 %, Grundschule +6 %; the Kita's −3 % is none
    assert [(b.werte["thema"], b.werte["prozent"], b.werte["steigt"]) for b in c.befunde] == [
        ("pflegebeduerftige_erwartet", "25", True),
        ("kinder_krippenalter", "20", False),
        ("kinder_grundschulalter", "6", True),
    ]
    krippe = c.befunde[1]
    assert (krippe.werte["basis"], krippe.werte["ziel"], krippe.werte["unten"], krippe.werte["oben"]) == (
        "1.000",
        "800",
        "760",
        "840",
    )
    assert (
        krippe.belege[0].table == "bedarf_kinder" and c.befunde[0].belege[0].table == "indikatoren"
    )  # care: the Kreis's own count
    assert (
        "**Kinder im Krippenalter: bis 2035 20 % weniger.** Nach der mittleren Variante der Bevölkerungsprognose sinkt die Zahl "
        "der Kinder im Krippenalter im Landkreis Beispiel von 1.000 (2020) auf 800 (2035); die Wanderungsvarianten ergeben 760 bis 840."
    ) in text
    assert "Pflegebedürftigen im Landkreis Beispiel von 1.000 (2019, Pflegestatistik) auf erwartete 1.250 (2035)" in text
    assert "*Quelle: Pflegestatistik (22411-02-03-4)" in text
    assert numbers_check(c, text) == []


def test_significantly_higher_gemeinden_are_named_highest_first(tmp_path):
    d = District(tmp_path).national().own(synthetic=True)  # kl_kinderarmut: Aue 5, Bachdorf 10, Clausberg 15, Kreis 20 …
    period = f"{YEAR}-12-31"
    for area, value in ((AUE, 30.0), (BACHDORF, 21.0), (CLAUSBERG, 36.0), (KREIS, 20.0)):
        d.add("kl_kinderarmut", area, period, value, synthetic=True)
    flags = {AUE: (25.0, 35.5, "höher"), BACHDORF: (17.0, 25.0, "ähnlich"), CLAUSBERG: (30.1, 42.0, "höher")}
    d.table("intervalle", intervals("kl_kinderarmut", flags))
    d.context["planning"]["handlungsbedarfe"] = only("kleinraeumig", d.context["planning"]["handlungsbedarfe"])
    c, text = chapter(d)
    (finding,) = c.befunde
    assert [g["name"] for g in finding.werte["gemeinden"]] == ["Clausberg", "Aue"] and finding.werte["anzahl"] == 2
    assert "**„Kinderarmut (SGB-II-Quote unter 15 Jahren)“: 2 Gemeinden deutlich über dem Wert des Kreises.**" in text
    assert "Clausberg (36,0 %; Intervall 30,1 bis 42,0 %), Aue (30,0 %; Intervall 25,0 bis 35,5 %)" in text
    assert "Bachdorf" not in finding_texts(text)[0]  # its interval contains the Kreis value
    assert "**Synthetische Beispieldaten**" in finding_texts(text)[0]
    assert numbers_check(c, text) == []


def test_a_gemeinde_list_is_capped_and_says_how_many_more(tmp_path):
    d = District(tmp_path).national().own()
    flags = {g: (11.0, 40.0, "höher") for g in GEMEINDEN}
    d.table("intervalle", intervals("kl_sgb2_quote", flags))
    rules = d.context["planning"]["handlungsbedarfe"]
    d.context["planning"]["handlungsbedarfe"] = {"kleinraeumig": {**rules["kleinraeumig"], "gemeinden_hoechstens": 1}}
    c, text = chapter(d)
    assert "3 Gemeinden deutlich über dem Wert des Kreises" in text and "und 2 weitere Gemeinden." in text
    assert numbers_check(c, text) == []


def test_outside_the_interquartile_range_of_the_vergleichskreise(tmp_path):
    d = District(tmp_path).national()  # arbeitslosenquote of the Kreis 2020: 15; altenquotient 31.12.2020: 15
    d.table(
        "vergleich",
        comparison_rows(
            ("arbeitslosenquote", "2020", 15.0, 9.0, 8.0, 10.0, "oberhalb"),
            ("altenquotient", f"{YEAR}-12-31", 15.0, 20.0, 18.0, 22.0, "unterhalb"),
            ("jugendquotient", f"{YEAR}-12-31", 15.0, 15.0, 14.0, 16.0, "innerhalb"),
            ("anteil_65plus", f"{YEAR}-12-31", 15.0, 12.0, 10.0, 14.98, "oberhalb"),  # beyond by less than 5 % of the range
        ),
    )
    d.context["planning"]["handlungsbedarfe"] = only("vergleichskreise", d.context["planning"]["handlungsbedarfe"])
    c, text = chapter(d)
    assert [(b.werte["indikator"], b.werte["oberhalb"]) for b in c.befunde] == [
        ("arbeitslosenquote", True),
        ("altenquotient", False),
    ]
    assert (
        "Mit 15,0 % (2020) liegt der Landkreis Beispiel oberhalb des Bereichs, in dem die mittlere Hälfte der Vergleichskreise "
        "liegt (8,0 % bis 10,0 %; Median 9,0 %). Ein höherer Wert gilt bei diesem Indikator als ungünstig."
    ) in text
    assert "der Indikatorenkatalog verbindet mit ihm keine Wertung" in finding_texts(text)[1]  # altenquotient: context
    assert [b.area for b in c.befunde[0].belege] == [KREIS, "vergleichskreise", "vergleichskreise", "vergleichskreise"]
    assert numbers_check(c, text) == []
    # the check finds a number that is not the table's
    table = c.data.folder / "vergleich.csv"
    table.write_text(table.read_text(encoding="utf-8").replace(",9.0,", ",9.3,"), encoding="utf-8")
    assert any("9,0" in p for p in numbers_check(c, text))


def test_moving_against_the_land(tmp_path):
    d = District(tmp_path).national()
    for i, year in enumerate(range(2015, YEAR + 1)):
        d.add("arbeitslosenquote", KREIS, str(year), 10.0 - 0.6 * i)  # 10,0 → 7,0
        d.add("arbeitslosenquote", LAND, str(year), 8.0 + 0.2 * i)  # 8,0 → 9,0: opposite
        d.add("jugendquotient", KREIS, f"{year}-12-31", 30.0 + 0.1 * i)  # like the Land: no finding
        d.add("jugendquotient", LAND, f"{year}-12-31", 30.0 + 0.1 * i)
    d.context["planning"]["handlungsbedarfe"] = only("landestrend", d.context["planning"]["handlungsbedarfe"])
    c, text = chapter(d)
    assert [b.werte["indikator"] for b in c.befunde] == ["arbeitslosenquote"]
    assert (
        "**„Arbeitslosenquote“: andere Entwicklung als in Sachsen-Anhalt.** Von 2015 bis 2020 sank der Wert im Landkreis Beispiel "
        "von 10,0 % auf 7,0 % (−3,0 Prozentpunkte), in Sachsen-Anhalt stieg er von 8,0 % auf 9,0 % (+1,0 Prozentpunkte). "
        "Die Entwicklung verlief damit gegenläufig."
    ) in text
    assert numbers_check(c, text) == []


def test_a_stadtstaat_is_compared_with_germany(tmp_path):
    d = District(tmp_path).national()
    d.context["kreis"] |= {
        "typ": "Stadtstaat",
        "name": "Beispielstadt",
        "name_in": "in Beispielstadt",
        "name_des": "Beispielstadts",
    }
    for i, year in enumerate(range(2015, YEAR + 1)):
        d.add("arbeitslosenquote", KREIS, str(year), 10.0 + 0.4 * i)  # 10 → 12
        d.add("arbeitslosenquote", "DG", str(year), 6.0)
    d.context["planning"]["handlungsbedarfe"] = only("landestrend", d.context["planning"]["handlungsbedarfe"])
    c, text = chapter(d)
    assert [b.belege[2].area for b in c.befunde] == ["DG"]
    assert (
        "andere Entwicklung als in Deutschland.** Von 2015 bis 2020 stieg der Wert in Beispielstadt von 10,0 % auf 12,0 %" in text
    )
    assert "Die Veränderung war in Beispielstadt stärker als in Deutschland." in text
    assert numbers_check(c, text) == []


def test_findings_are_ordered_by_rule_and_capped(tmp_path):
    d = complete(tmp_path)
    kids, care = demand_change({KRIPPE: -20.0, KITA: -30.0, SCHULE: 10.0}, care=(1000.0, 1500.0))
    d.add("pflegebeduerftige", KREIS, "2019-12-31", 1000.0)
    d.table("bedarf_kinder", kids).table("bedarf_pflege", care)
    d.table("vergleich", comparison_rows(("arbeitslosenquote", "2020", 15.0, 9.0, 8.0, 10.0, "oberhalb")))
    rules = d.context["planning"]["handlungsbedarfe"]
    rules["bedarf"]["hoechstens"] = 2
    rules["hoechstens"] = 3
    c, text = chapter(d)
    # targets (rank 1), then the two largest demand changes (rank 2); the third and the comparison are left out
    assert [(b.regel, b.werte.get("thema")) for b in c.befunde] == [
        ("ziele", None),
        ("bedarf", "pflegebeduerftige_erwartet"),
        ("bedarf", "kinder_kitaalter"),
    ]
    assert c.bericht.values["handlungsbedarfe"]["weggelassen"] == 3
    assert "Nach denselben Regeln ergeben sich 3 weitere Hinweise, die hier nicht aufgeführt sind." in text
    rules["hoechstens"], rules["bedarf"]["hoechstens"] = 5, 3  # 1 + 3 + 1 shown, the fourth demand finding left out
    assert "ergibt sich ein weiterer Hinweis, der hier nicht aufgeführt ist." in chapter(d)[1]
    assert text.index("*Ziele:*") < text.index("*Bedarf:*") < text.index("*Gemeinden:*") < text.index("*Vergleichskreise:*")
    rules["vergleichskreise"]["rang"] = 0  # the order of the rules is the configuration's
    found, _ = findings(c, rules)
    assert found[0].regel == "vergleichskreise"


def test_a_kreis_with_national_data_only_gets_findings_not_a_note(tmp_path):
    d = District(tmp_path).national()
    kids, care = demand_change({KRIPPE: -12.0}, care=(1000.0, 1100.0))
    d.add("pflegebeduerftige", KREIS, "2019-12-31", 1000.0)
    d.table("bedarf_kinder", kids).table("bedarf_pflege", care)
    d.table("vergleich", comparison_rows(("arbeitslosenquote", "2020", 15.0, 9.0, 8.0, 10.0, "oberhalb")))
    c, text = chapter(d)
    assert len(c.befunde) == 3 and "sind keine Ziele der Sozialplanung hinterlegt" not in text
    assert "### Ziele und Zielerreichung" not in text and "### Gemeinden mit Hinweisen" not in text
    assert numbers_check(c, text) == []


def test_without_rules_or_data_the_chapter_says_so(tmp_path):
    d = District(tmp_path).national()
    c, text = chapter(d)
    assert (
        c.befunde == []
        and "Nach den Regeln dieses Kapitels ergeben sich aus den Daten des Landkreises Beispiel keine Hinweise." in text
    )
