"""The seeded generator of district-owned example data: calibrated to the real Kreis totals and
reproducible (the committed Harz files are exactly what the generator writes)."""

import pandas as pd
import pytest
import yaml
from conftest import ROOT

from sozialbericht.core.ages import age_groups
from sozialbericht.core.files import read_tidy
from sozialbericht.ingest.own_data import current_gemeinden
from sozialbericht.tools.participation import candidate_rows, published_values
from sozialbericht.tools.synthetic import generate, participation


@pytest.fixture(scope="module")
def generated(e2e_project, tmp_path_factory):
    staged = e2e_project / "results" / "staged"
    out = tmp_path_factory.mktemp("synthetic")
    directory = read_tidy(staged / "gemeindeverzeichnis.csv")
    generate(
        "15085",
        [2017, 2018, 2019, 2020],
        read_tidy(staged / "bevoelkerung_alter.csv"),
        read_tidy(staged / "arbeitslose.csv"),
        directory,
        out,
        seed=2020,
        standard=yaml.safe_load((ROOT / "config" / "beratung.yaml").read_text(encoding="utf-8")),
        names=current_gemeinden(directory, "15085"),
    )
    # the participants' weighting workbooks, with the Kreis values of the committed report
    project = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    harz = yaml.safe_load((ROOT / "config" / "districts" / "harz.yaml").read_text(encoding="utf-8"))
    catalogue = yaml.safe_load((ROOT / "config" / "indicators.yaml").read_text(encoding="utf-8"))
    values = published_values(ROOT / "reports" / "harz" / "2020" / "indikatoren.csv", "15085", 2020)
    rows = candidate_rows(catalogue, project["social_index"]["status_indicators"], values)
    participation(out, harz["name"], 2020, rows, seed=2020, participants=harz["beteiligte"])
    return out, staged


def test_committed_example_files_are_reproduced_byte_for_byte(generated):
    out, _ = generated
    committed = sorted(p for p in (ROOT / "data/raw/harz").rglob("*") if p.is_file())
    assert len(committed) >= 10 and (ROOT / "data/raw/harz/beratung/traeger-a_2020.xlsx") in committed
    assert (ROOT / "data/raw/harz/beteiligung/jobcenter.xlsx") in committed
    for f in committed:
        rel = f.relative_to(ROOT / "data/raw/harz")
        assert (out / rel).read_bytes() == f.read_bytes(), rel


def test_population_matches_real_kreis_totals_by_sex_and_age(generated):
    out, staged = generated
    pop = pd.read_csv(out / "bevoelkerung_gemeinden.csv", sep=";", dtype={"ars": str})
    pop = pop[pop.stichtag == "2020-12-31"]
    real = age_groups(read_tidy(staged / "bevoelkerung_alter.csv").query("area_id == '15085' and period == '2020-12-31'"))
    assert pop.anzahl.sum() == 210_975
    for sex in ("männlich", "weiblich"):
        over75 = pop[
            (pop.geschlecht == sex)
            & pop.altersgruppe.isin(["75 bis unter 80 Jahre", "80 bis unter 85 Jahre", "85 Jahre und mehr"])
        ]
        assert over75.anzahl.sum() == real[(real.sex == sex) & (real.age_label == "75 Jahre und mehr")].value.item()
    assert pop.ars.nunique() == 20 and pop.ars.str.startswith("15085").all()


def test_unemployment_matches_real_kreis_totals(generated):
    out, _ = generated
    al = pd.read_csv(out / "arbeitslose_gemeinden.csv", sep=";", dtype={"ars": str}).groupby("jahr").sum(numeric_only=True)
    assert al.loc[2020, "arbeitslose"] == 6420 and al.loc[2020, "langzeitarbeitslose"] == 1691
    assert al.loc[2019, "arbeitslose"] == 5645
