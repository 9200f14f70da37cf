"""The chapter "Handlungsbedarfe" of Kreise with national data only: for one Kreis of every Land and
of every kind (kreisfreie Stadt, Landkreis, Kreis, Stadtkreis, Region, Regionalverband,
Städteregion, Stadtstaat), built by the district step from the national step's results, the
chapter has at least three findings, every number of a finding is a value of the Kreis's
indikatoren.csv (the planning targets: of ziele.csv; a change or percentage recomputed from
them), and the Kreis is named in the forms of its kind."""

import re
from functools import partial

import pandas as pd
import yaml
from chapter_data import build, finding_texts, published_value, rendered, unexplained_numbers
from conftest import ROOT

#: "der Kreis", "des Kreises" … for the area itself: never for a city.
KREIS_WORD = re.compile(r"\b(der|des|dem|den|im|am) Kreis(es)?\b(?![-\w])")
CITY = ("kreisfreie Stadt", "Stadtkreis", "Stadtstaat")


def sample(national) -> list[str]:
    """The first Kreis of every Land and the first and last of every kind."""
    kreise = pd.read_csv(national / "kreise.csv", dtype=str)
    current = kreise[kreise["im_berichtsjahr"] == "True"]
    by_kind = current.groupby("typ")["kreis"]
    return sorted({*current.groupby("land")["kreis"].first(), *by_kind.first(), *by_kind.last()})


def test_every_kind_of_kreis_gets_findings_whose_numbers_are_the_tables(e2e_project, tmp_path):
    from sozialbericht.compute import district
    from sozialbericht.core.config import load_project
    from sozialbericht.core.config_keys import planning_settings
    from sozialbericht.report.chapters.common import build_context

    national = e2e_project / "results" / "national" / "2020"
    config = yaml.safe_load((e2e_project / "config/config.yaml").read_text(encoding="utf-8"))
    config["districts"] = sample(national)
    project = load_project(config, e2e_project)
    kinds, problems, counts = set(), [], {}
    for did, cfg in project.districts.items():
        folder = tmp_path / did
        district.build(
            district.DistrictInputs(cfg),
            district.YearInputs(
                2020, national, project.catalogue, project.datasets, project.laender, planning_settings(project.config)
            ),
            folder,
        )
        c = build_context(did, 2020, folder, ROOT / "report", tmp_path / "notebook" / did)
        c.bericht._save = lambda figure, path: None
        build(c, "sozialindex", "handlungsbedarfe")
        text = rendered(c, "handlungsbedarfe").replace("\u00a0", " ")
        kind = c.ctx["kreis"]["typ"]
        kinds.add(kind)
        counts[c.kreis] = len(c.befunde)
        assert not c.own_data and len(c.befunde) >= 3, (did, kind, [b.regel for b in c.befunde])
        texts = finding_texts(text)
        assert len(texts) == len(c.befunde), did
        value_of = partial(published_value, folder)  # every number as indikatoren.csv publishes it
        problems += [f"{did}: {p}" for t, b in zip(texts, c.befunde) for p in unexplained_numbers(t, b, value_of)]
        # the Kreis in the forms of its kind: a city is never "der Kreis"
        assert c.form["im"] in text or c.form["der"] in text, did
        if kind in CITY:
            assert not KREIS_WORD.findall(text), (did, KREIS_WORD.findall(text))
        assert "sind keine Ziele der Sozialplanung hinterlegt" not in text and "Traceback" not in text
    assert problems == [], "\n".join(problems[:20])
    assert {"kreisfreie Stadt", "Landkreis", "Stadtstaat"} <= kinds, kinds
    assert len({k[:2] for k in counts}) == 16, counts
