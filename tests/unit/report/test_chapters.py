"""Chapter texts rendered on their own (the sandboxed templates of report/kapitel/) for contexts
the example does not have: many territorial changes, mergers into a Gemeinde of the same name."""

from conftest import ROOT


def _gemeinden_chapter(changes: list[dict], long_list: bool) -> str:
    from sozialbericht.core.untrusted import Markdown
    from sozialbericht.report.templates import templates

    report = ROOT / "report"
    template = templates((report.resolve(),)).get_template(str((report / "kapitel" / "gemeinden.md").resolve()))
    return template.render(
        reformen={"aufgenommen": [], "aufgegangen_in": []},
        anzahl=30,
        gemeindefrei=0,
        verbaende=0,
        kreis={"Im": "Im Landkreis Beispiel", "des": "des Landkreises Beispiel", "kurz": "Beispiel"},
        erstes="31.12.2013",
        letztes="31.12.2023",
        aenderungen=changes,
        lange_liste=long_list,
        aufnehmende=len({c["to_name"] for c in changes}),
        unsicher=[],
        zensus=None,
        daten={"eigene": False},
        jahr=2023,
        abbildung=lambda name: Markdown(f"[Abbildung {name}]"),
        tabelle=lambda name: Markdown(f"[Tabelle {name}]"),
    )


def test_many_territorial_changes_are_a_table_with_one_summary_sentence():
    changes = [
        {"name": f"Dorf {i}", "to_name": f"Stadt {i % 4}", "kind": "Eingemeindung", "date": "2019-01-01", "between": None}
        for i in range(25)
    ]
    text = _gemeinden_chapter(changes, long_list=True)
    assert "[Tabelle gebietsaenderungen]" in text and "25 Gemeinden in 4 anderen aufgegangen" in text
    assert text.count("aufgegangen") == 1  # one sentence, not 25
    few = _gemeinden_chapter(changes[:2], long_list=False)
    assert "Dorf 0 ist am 01.01.2019 in Stadt 0 aufgegangen; Dorf 1 ist am 01.01.2019 in Stadt 1 aufgegangen." in few


def test_a_merger_into_a_new_gemeinde_of_the_same_name_is_said_so():
    changes = [{"name": "Selke-Aue", "to_name": "Selke-Aue", "kind": "Zusammenschluss", "date": "2010-01-01", "between": None}]
    text = _gemeinden_chapter(changes, long_list=False)
    assert "Selke-Aue ist am 01.01.2010 mit anderen Gemeinden in der neu gebildeten Gemeinde gleichen Namens aufgegangen" in text


def test_the_verb_of_a_change_is_chosen_from_the_printed_values():
    from sozialbericht.core.formatting import development

    assert development(28.8, 29.6) == "stieg von 28,8 auf 29,6"
    assert development(29.6, 28.8) == "sank von 29,6 auf 28,8"  # "stieg von 29,6 auf 28,8" before
    assert development(29.61, 29.64) == "blieb mit 29,6 nahezu unverändert"
    assert development(5.04, 5.01, 1, "%") == "blieb mit 5,0 % nahezu unverändert"


def _arbeit(quote: float, vorjahr: float) -> str:
    from sozialbericht.core.untrusted import Markdown
    from sozialbericht.report.templates import templates

    report = ROOT / "report"
    template = templates((report.resolve(),)).get_template(str((report / "kapitel" / "arbeit.md").resolve()))
    values = dict(
        jahr_alq=2020,
        kreis={
            "im": "im Landkreis Beispiel",
            "Im": "Im Landkreis Beispiel",
            "des": "des Landkreises Beispiel",
            "kurz": "Beispiel",
        },
        arbeitslose={"kreis": "1.000"},
        arbeitslosenquote={"kreis": f"{quote:.1f} %".replace(".", ",")},
        quote=quote,
        vorjahr=vorjahr,
        tabelle=lambda name: Markdown(""),
        abbildung=lambda name: Markdown(""),
        gemeindetabelle=False,
    )
    return template.render(**values)


def test_a_rate_that_rounds_to_last_years_value_is_not_said_to_rise():
    same = _arbeit(5.04, 5.01)
    assert "stieg" not in same and "sank" not in same and "blieb mit 5,0 % auf dem Stand des Vorjahres" in same
    assert "stieg gegenüber dem Vorjahr (5,0 %) auf 5,2 %" in _arbeit(5.2, 5.01)


def test_the_largest_and_smallest_change_are_named_in_words_that_fit_their_signs():
    from sozialbericht.core.formatting import extremes

    assert extremes("A", 2.14, "B", -3.4) == "die stärkste Zunahme hatte A (+2,1 %), die stärkste Abnahme B (−3,4 %)"
    assert extremes("A", -0.5, "B", -3.4) == "den geringsten Rückgang hatte A (−0,5 %), die stärkste Abnahme B (−3,4 %)"
    assert extremes("A", 4.0, "B", 0.7) == "die stärkste Zunahme hatte A (+4,0 %), die geringste Zunahme B (+0,7 %)"
    assert "(0,0 %)" not in extremes("A", 0.04, "B", -0.03)  # "die stärkste Zunahme hatte A (0,0 %)" before


def test_the_annex_names_a_landkreis_beside_the_city_of_its_name_unambiguously():
    """The indicator sheets name the Kreis as its tables do: "Ansbach (Landkreis)", not "Ansbach"."""
    from sozialbericht.core.areas import kind_word
    from sozialbericht.report.names import kreis_labels
    from sozialbericht.report.templates import templates

    report = ROOT / "report"
    names = {"09561": "Ansbach, kreisfreie Stadt", "09571": "Ansbach, Landkreis", "09572": "Erlangen-Höchstadt, Landkreis"}
    labels = kreis_labels(names)
    template = templates((report.resolve(),)).get_template(str((report / "kapitel" / "anhang.md").resolve()))
    sheet = {
        "name": "Bevölkerung",
        "definition": "d",
        "einheit": "Personen",
        "lesart": "l",
        "quelle": "q",
        "stand": "31.12.2020",
        "mindest": None,
        "land": None,
        "bund": None,
        "synthetisch": False,
    }
    for label in labels.values():
        text = template.render(
            blaetter=[{**sheet, "kreis": "185.316"}],
            land={"name": "Bayern"},
            kurz=label,
            kreis={
                "name": "Landkreis Ansbach",
                "des": "des Landkreises Ansbach",
                "kurz": "Ansbach",
                "wort": kind_word("09571", "Landkreis"),
            },
            sozialraeume=[],
            hinweise=[],
            abgelehnt=[],
            gemeindetabelle=False,
            kindertabelle=False,
            mindestzahl=3,
            tabelle=lambda name: "",
            verzeichnisse="",
        )
        assert f"**Aktueller Wert (31.12.2020):** {label}: 185.316" in text
    assert labels["09571"] == "Ansbach (Landkreis)" and labels["09561"] == "Ansbach (Stadt)"
