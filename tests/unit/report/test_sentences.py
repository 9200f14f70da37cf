"""True sentences for every Kreis: each chapter text rendered with the name forms of all 401 Kreise
(as the project derives them from the national boundaries, no pipeline run), and every Kreis or
Land name checked against its forms — a name that needs an article ("Landkreis Harz",
"Salzlandkreis", "Region Hannover", "Stadt Halle (Saale)", "Saarland") has one wherever a
sentence uses it; a city says "die Stadt", never "der Kreis"."""

from __future__ import annotations

import re
from functools import cache

import jinja2
import pytest
from conftest import GEO, ROOT

CHAPTERS = sorted((ROOT / "report" / "kapitel").glob("*.md"))
#: The rules of the findings of the Handlungsbedarfe (report/findings.py).
FINDING_RULES = ("ziele", "bedarf", "kleinraeumig", "vergleichskreise", "landestrend")
#: Words after which a name has its article (article, or preposition and article in one word).
ARTICLES = {"der", "die", "das", "des", "dem", "den", "im", "vom", "zum", "zur", "beim", "am", "ins"}
#: Nouns a name may follow as their apposition ("des Landes Saarland").
APPOSITION = {"land", "landes"}
CITY = ("kreisfreie Stadt", "Stadtkreis", "Stadtstaat")
#: The word "Kreis" for the area itself (not "Kreise", "Kreistag", "Kreiskonfiguration").
KREIS_WORD = re.compile(r"\b(der|des|dem|den|im|am) Kreis(es)?\b(?![-\w])")


class Stub(jinja2.ChainableUndefined):
    """Any value a chapter needs besides the names: prints "1", is true, compares false, iterates
    empty, so that each chapter renders its sentences with the Kreis's forms."""

    __slots__ = ()

    def __str__(self):
        return "1"

    def __bool__(self):
        return True

    def __float__(self):
        return 1.0

    def __int__(self):
        return 1

    def __round__(self, n=None):
        return 1.0

    def __abs__(self):
        return 1.0

    def __lt__(self, other):
        return False

    __le__ = __gt__ = __ge__ = __lt__

    def __sub__(self, other):
        return 1

    __rsub__ = __add__ = __radd__ = __sub__


def chapter_sources() -> str:
    """The source of every chapter module (src/sozialbericht/report/chapters/)."""
    folder = ROOT / "src" / "sozialbericht" / "report" / "chapters"
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.py")))


@cache
def all_kreise():
    from sozialbericht.core.areas import kreise

    return kreise(GEO / "VG5000_KRS.dbf")


class FalseStub(Stub):
    """A :class:`Stub` that is false: the other branch of every condition on a value."""

    __slots__ = ()

    def __bool__(self):
        return False


@cache
def environment(stub=Stub):
    from sozialbericht.report.templates import templates

    return templates(((ROOT / "report").resolve(),)).overlay(undefined=stub)


def context(k) -> dict:
    """The values of the chapter texts that say something about the Kreis, as the report builds
    them (`report.kreis_context`, `report.land_context`); the rest are :class:`Stub`."""
    import yaml

    from sozialbericht.core.untrusted import Markdown
    from sozialbericht.report.names import kreis_context, land_context

    laender = yaml.safe_load((ROOT / "config" / "laender.yaml").read_text(encoding="utf-8"))["laender"]
    rules = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))["handlungsbedarfe"]
    land = {"id": k.land, **{key: v for key, v in laender[k.land].items() if key in ("name", "name_in")}}
    meta = {"kreis": k.key, "name": k.name, "name_in": k.name_in, "name_des": k.name_des, "kurz": k.kurz, "typ": k.typ}
    other = next((o for o in all_kreise().values() if o.land == k.land and o.kurz != k.kurz), k)
    forms = kreis_context({**other.__dict__, "kreis": other.key})
    reform = {"kurz": other.kurz, "der": forms["der"], "den": forms["den"]}
    return {
        "kreis": kreis_context(meta),
        "land": land_context(land, k.typ),
        "stadtstaat": k.typ == "Stadtstaat",
        "anzahl": 1 if k.city else 30,
        "kreise_im_land": sum(o.land == k.land for o in all_kreise().values()),
        "jahr": 2020,
        "basisjahr": 2015,
        "zieljahr": 2035,
        "reformen": {
            "aufgenommen": [{**reform, "zwischen": ["2019-12-31", "2021-12-31"]}],
            "aufgegangen_in": [{"des": other.name_des, "zwischen": ["2019-12-31", "2021-12-31"]}],
        },
        "daten": {"synthetisch": False, "eigene": False},
        # one finding of every rule of the Handlungsbedarfe, and the rules (the rest of each is a Stub)
        "befunde": [{"regel": r, "thema": "kinder_krippenalter", "indikator": "arbeitslosenquote"} for r in FINDING_RULES],
        "regeln": [{"regel": r, **rules[r]} for r in FINDING_RULES],
        "bezug": {"im": "in Deutschland", "name": "Deutschland"} if k.typ == "Stadtstaat" else land_context(land, k.typ),
        "tabelle": lambda name: Markdown(""),
        "abbildung": lambda name: Markdown(""),
    }


def needs_article(phrase: str, name: str, typ: str) -> bool:
    """Whether a name as printed needs an article: every Kreis but a city by its bare name
    ("Halle (Saale)", "Berlin"); a Land whose name takes one ("das Saarland")."""
    return phrase != name or typ not in CITY or "kreis" in name.lower()


def phrases(k) -> list[tuple[str, bool]]:
    """Every way a sentence can print the Kreis's name, longest first, with whether it needs an
    article: the name, its cores in the forms with article, the short name."""
    cores = {k.name, k.kurz, re.sub(r"^(im|in der|in) ", "", k.name_in), re.sub(r"^(des|der) ", "", k.name_des)}
    return sorted(((c, needs_article(c, k.kurz, k.typ)) for c in cores), key=lambda c: -len(c[0]))


def bare_names(text: str, names: list[tuple[str, bool]]) -> list[str]:
    """Each place where a name that needs an article is printed without one, unless it is a label
    (a table cell, or followed by a colon)."""
    found, taken = [], []
    for phrase, article in names:
        for m in re.finditer(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            before = re.findall(r"[\w|]+", text[max(0, m.start() - 40) : m.start()])
            label = text[m.end() : m.end() + 1] == ":" or "|" in text[text.rfind("\n", 0, m.start()) + 1 : m.start()]
            if article and not label and (not before or before[-1].lower() not in ARTICLES | APPOSITION):
                found.append(text[max(0, m.start() - 50) : m.end() + 20].replace("\n", " "))
    return found


def chapter_problems(k) -> list[str]:
    values = context(k)
    land_name = values["land"]["name"]
    land_phrase = [(land_name, values["land"]["im"].startswith("im "))]
    problems = []
    for chapter, stub in ((c, s) for c in CHAPTERS for s in (Stub, FalseStub)):
        text = environment(stub).get_template(str(chapter.resolve())).render(**values)
        for where in bare_names(text, phrases(k)) + bare_names(text, land_phrase):
            problems.append(f"{chapter.name}: …{where}…")
        if k.city:
            problems += [f"{chapter.name}: „{m[0]}“ für eine Stadt" for m in KREIS_WORD.finditer(text)]
    return problems


def test_the_forms_of_every_kreis_name_with_article():
    from sozialbericht.core.areas import name_forms

    assert name_forms("im Märkischen Kreis", "des Märkischen Kreises")["Der"] == "Der Märkische Kreis"
    assert name_forms("in der Stadt Halle (Saale)", "der Stadt Halle (Saale)")["den"] == "die Stadt Halle (Saale)"
    assert name_forms("in Berlin", "des Landes Berlin")["dem"] == "Berlin"
    assert name_forms("im Landkreis Harz", "des Landkreises Harz")["dem"] == "dem Landkreis Harz"
    assert len(all_kreise()) == 401


@pytest.mark.parametrize("land", [f"{i:02d}" for i in range(1, 17)])
def test_every_kreis_is_named_with_its_article_in_every_chapter(land):
    """All 401 Kreise (by Land, so a failure names its Land): no "ist Salzlandkreis Teil", "mit
    Saarland", "Modellrechnung des Kreises" for Berlin."""
    problems = {k.key: chapter_problems(k) for k in all_kreise().values() if k.land == land}
    failed = {key: p for key, p in problems.items() if p}
    assert not failed, f"{len(failed)} Kreise: " + "; ".join(f"{key}: {p[:3]}" for key, p in list(failed.items())[:5])


# --- issue 27.13: each sentence true for the data beside it -------------------------------------------
@cache
def staged(name: str):
    import yaml

    from sozialbericht.ingest.staging import stage_table

    spec = yaml.safe_load((ROOT / "config" / "datasets.yaml").read_text(encoding="utf-8"))[name]
    return stage_table(spec, [ROOT / "data" / "raw" / f for f in spec["files"]])


def test_the_kreise_of_a_land_are_called_what_they_are():
    """ "6 Kreise und kreisfreien Städte" only where the Land has kreisfreie Städte, from the kinds of
    its Kreise (the names do not say it: Bavaria's cities have no suffix)."""
    from sozialbericht.report.names import kreise_im_land

    kinds: dict[str, list[str]] = {}
    for k in all_kreise().values():
        kinds.setdefault(k.land, []).append(k.typ)
    words = {land: kreise_im_land(ks)[1] for land, ks in kinds.items()}
    assert words["10"] == "Kreise"  # five Landkreise and the Regionalverband Saarbrücken, no city
    assert words["04"] == "kreisfreien Städte" and words["09"] == words["15"] == "Kreise und kreisfreien Städte"
    assert kreise_im_land(["Landkreis", "Landkreis"]) == ("Landkreise", "Landkreise")
    source = chapter_sources()
    assert "Kreise und kreisfreie" not in source  # every sentence takes the word from kreise_im_land


def test_a_landkreis_sharing_its_name_with_a_city_is_named_unambiguously():
    """Every Kreis's label in tables and rankings is unique in its Land (all 401 Kreise), and a
    sentence names it with its kind ("der Landkreis Ansbach")."""
    from sozialbericht.report.names import kreis_label

    pop = staged("bevoelkerung_alter")
    names = pop[(pop.area_level == "kreis") & (pop.period.str[:4] == "2020")].drop_duplicates("area_id")
    shared = 0
    for _, g in names.groupby(names.area_id.str[:2]):
        land = dict(zip(g.area_id, g.area_name))
        labels = [kreis_label(land, k) for k in land]
        assert len(set(labels)) == len(labels), labels
        shared += sum("(" in label and "Landkreis" in label for label in labels)
    assert shared >= 10  # Ansbach, Kassel, Leipzig, Rostock, …
    assert kreis_label({"09561": "Ansbach, kreisfreie Stadt", "09571": "Ansbach, Landkreis"}, "09571") == "Ansbach (Landkreis)"
    assert kreis_label({"15085": "Harz, Landkreis", "15002": "Halle (Saale), kreisfreie Stadt"}, "15085") == "Harz"


def test_a_year_span_is_the_span_of_the_data():
    """The unemployment chart's "2011–2020" where the table begins in 2015: every span printed is
    the data's (`fmt.year_span`), and no chapter computes one from the report year."""
    from sozialbericht.core.formatting import year_span

    alq = staged("arbeitslose")
    years = alq[(alq.area_id == "15085") & alq.variable.str.startswith("Arbeitslosenquote")].period.str[:4]
    assert year_span(years[years.astype(int) >= 2020 - 9]) == (2015, "2015–2020")
    assert year_span([2020]) == (2020, "2020")
    source = chapter_sources()
    assert "int(alq_year) - 9\n" not in source and "{first_alq}–{alq_year}" not in source


def test_germanys_past_migration_is_one_figure_for_every_kreis():
    """The projection's method list printed 53 different values for "Deutschland" (each Kreis's
    own residual, with its Land's life table); now one national figure, computed once."""
    import pandas as pd
    import yaml

    from sozialbericht.compute.national import germany_population, project_kreise
    from sozialbericht.core.ages import age_groups

    settings = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))["projection"]
    laender = yaml.safe_load((ROOT / "config" / "laender.yaml").read_text(encoding="utf-8"))
    directory = pd.DataFrame(columns=["area_level", "variable", "period", "area_id", "value"])
    kreise = ["15085", "01001", "09162", "11000", "03159", "08111", "10041"]  # seven Länder, a reformed Kreis
    ages = age_groups(staged("bevoelkerung_alter"))
    _, cal = project_kreise(
        ages,
        germany_population(ages, 2020),
        directory,
        kreise,
        laender,
        settings,
        2020,
        2035,
        settings["wanderung_deutschland_je_1000"],
    )
    assert len({c["wanderung_deutschland_bisher_je_1000"] for c in cal.values()}) == 1
    assert cal["15085"]["jahre_deutschland"] == [2015, 2016, 2017, 2018, 2019, 2020]


def test_the_most_populous_age_group_compares_groups_per_year_of_age():
    """The pyramid's alt text compared ten-year and open groups against three- and five-year groups
    (the open "75 Jahre und mehr" or "65 bis unter 75" won in most Kreise); now per year of age,
    among the groups of known width, in every Kreis."""
    from sozialbericht.report.figures import densest_age_group

    ages = age_groups_2020()
    raw_winners = ages.groupby(["area_id", "age_label"]).value.sum().groupby(level=0).idxmax().str[1]
    assert (raw_winners.isin(["65 bis unter 75 Jahre", "75 Jahre und mehr"])).mean() > 0.5
    for kreis, d in ages.groupby("area_id"):
        label, per_year = densest_age_group(d, kreis)
        assert label != "75 Jahre und mehr"
        widths = d.drop_duplicates("age_from").set_index("age_label")
        totals = d.groupby("age_label").value.sum()
        closed = widths[widths.age_to.notna()]
        assert per_year == pytest.approx(max(totals[g] / (r.age_to - r.age_from) for g, r in closed.iterrows()))


@cache
def age_groups_2020():
    from sozialbericht.core.ages import age_groups

    ages = age_groups(staged("bevoelkerung_alter"))
    return ages[(ages.period.str[:4] == "2020") & (ages.area_id.str.len() == 5)]


def test_a_column_without_any_value_is_left_out():
    from sozialbericht.report.markdown import md_table

    table = md_table(
        ["Stelle", "VZÄ", "Sprachen", "barrierefrei"], [["A", "1,0", "–", "ja"], ["B", "2,0", "–", "–"]], "T", "t", "lrll"
    )
    assert table.splitlines()[:3] == ["| Stelle | VZÄ | barrierefrei |", "|:------|---:|:------------|", "| A | 1,0 | ja |"]
    assert md_table(["Gebiet", "Wert"], [["–", "1"]], "T", "t").count("|") == 9  # the first column stays


def test_a_stadtstaat_has_one_fertility_and_no_model_of_a_kreis():
    """Berlin and Hamburg: Kreis and Land are one area — no second fertility (the Land's) beside the
    Kreis's, mortality not "of the Land", "Modellrechnung der Stadt"."""
    k = all_kreise()["11000"]
    values = context(k) | {
        "kalibrierung": {
            "geburtenziffer": 1.35,
            "lebenserwartung": [78.6, 83.3],
            "sterblichkeit": [0.98, 1.09],
            "jahre": [2015, 2020],
            "jahre_deutschland": [2015, 2020],
            "methode": "eigene Wanderungen",
            "wanderung_eigen_je_1000": 3.0,
            "wanderung_deutschland_bisher_je_1000": 3.9,
            "wanderung_je_1000": 2.0,
        },
        "land_annahmen": {"geburtenziffer": 1.41},
        "annahmen": {"sterbetafel": None},
    }
    text = environment().get_template(str((ROOT / "report" / "kapitel" / "prognose.md").resolve())).render(**values)
    assert "Modellrechnung der Stadt" in text and "1,35 Kinder je Frau" in text
    assert "1,41" not in text and "Sterblichkeit des Landes" not in text and "des Kreises" not in text


def _gemeinden(k, **values) -> str:
    template = environment().get_template(str((ROOT / "report" / "kapitel" / "gemeinden.md").resolve()))
    return template.render(**(context(k) | {"reformen": {"aufgenommen": [], "aufgegangen_in": []}} | values))


def test_uninhabited_gemeindefreie_gebiete_are_no_gemeinden_in_any_count():
    """The count of Gemeinden leaves out the uninhabited gemeindefreie Gebiete and says so (the
    chapter counts `bewohnt` in the text, the map and the table caption alike)."""
    harz = all_kreise()["15085"]
    two = _gemeinden(harz, anzahl=30, gemeindefrei=2, zensus=None)
    assert "gibt es 30 Gemeinden" in two and "Hinzu kommen 2 gemeindefreie Gebiete ohne Einwohner" in two
    one = _gemeinden(harz, anzahl=30, gemeindefrei=1, zensus=None)
    assert "Hinzu kommt ein gemeindefreies Gebiet ohne Einwohner; es steht in den Tabellen" in one
    assert "gemeindefrei" not in _gemeinden(harz, anzahl=30, gemeindefrei=0, zensus=None)
    source = chapter_sources()
    assert "anzahl=len(bewohnt)" in source and "Karte: {len(bewohnt)} Gemeinden" in source and "aller {len(bewohnt)}" in source


def test_the_census_sentences_are_said_only_where_true():
    """ "Ab dem 31.12.2022 beruhen die Einwohnerzahlen auf dem Zensus 2022" only where the Gemeinde
    series reaches past the census; a city without a census value says nothing about it."""
    harz = all_kreise()["15085"]
    zensus = ("A", "−3,0", "B", "+1,0")
    assert "Ab dem 31.12.2022" in _gemeinden(harz, anzahl=30, gemeindefrei=0, zensus=zensus, zensus_in_reihe=True)
    before = _gemeinden(harz, anzahl=30, gemeindefrei=0, zensus=zensus, zensus_in_reihe=False)
    assert "Zensuszahl vom 15.05.2022" in before and "Ab dem 31.12.2022" not in before
    city = all_kreise()["15002"]
    assert "Zensus" not in _gemeinden(city, zensus_kreis=None, bev=("1", "2"), erstes="31.12.2013", letztes="31.12.2021")
    assert "wich um −1,5 % von der Fortschreibung ab" in _gemeinden(city, zensus_kreis="−1,5 %", bev=("1", "2"))
