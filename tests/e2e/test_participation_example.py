"""The weighting of the social index with the participants (issue 26) in the published example:
the five synthetic workbooks of data/raw/harz/beteiligung/, their consensus in the report's
weights table, the robustness of every class, and the feedback to every participant."""

from __future__ import annotations

import re
import statistics

import yaml
from conftest import ROOT
from pypdf import PdfReader

from sozialbericht.core import formatting as fmt
from sozialbericht.ingest.participation import read_participants

REPORT = ("reports", "harz", "2020")
CONFIG = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
INDICATORS = CONFIG["social_index"]["status_indicators"]


def _table(md: str, label: str) -> list[list[str]]:
    """The cells of the Markdown table captioned with ``{#label}`` (header first, bold removed)."""
    before = md[: md.index("{#" + label + "}")].rstrip().splitlines()
    end = max(i for i, line in enumerate(before) if line.startswith("|")) + 1
    start = end
    while start and before[start - 1].startswith("|"):
        start -= 1
    rows = [[c.strip().strip("*") for c in line.strip("|").split(" | ")] for line in before[start:end]]
    return [rows[0], *rows[2:]]


def _pdf(path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(path).pages))


def test_the_weights_table_shows_the_consensus_of_the_five_workbooks(e2e_project):
    """The consensus in the published Markdown is the median of the five workbooks' points per
    indicator, normalised to 100 %; each participant's row is its own points."""
    participants = read_participants(e2e_project / "data" / "raw" / "harz", INDICATORS)
    assert len(participants) == 5 and all(p["status"] == "ok" for p in participants)
    medians = [statistics.median(p["punkte"][i] for p in participants) for i in INDICATORS]
    md = e2e_project.joinpath(*REPORT, "sozialbericht.md").read_text(encoding="utf-8")
    rows = {r[0]: r[1:] for r in _table(md, "tbl-sozialindex-gewichte")[1:]}
    assert rows["Konsens (Median)"] == [fmt.number(m / sum(medians) * 100, 1) for m in medians]
    for p in participants:
        assert rows[p["name"]] == [fmt.number(p["punkte"][i], 1) for i in INDICATORS]
    assert rows["Gleiche Gewichte"] == ["25,0"] * 4
    assert "synthetisch" in " ".join(rows)  # the example's participants are labelled synthetic


def test_every_class_with_its_robustness_and_unsure_ones_marked_everywhere(e2e_project):
    md = e2e_project.joinpath(*REPORT, "sozialbericht.md").read_text(encoding="utf-8")
    robust = _table(md, "tbl-sozialindex-robustheit")[1:]
    assert len(robust) == 20 and [int(r[2]) for r in robust] == list(range(1, 21))
    unsure = [r[0] for r in robust if r[-1] == "unsicher"]
    index = {r[0]: r[2] for r in _table(md, "tbl-sozialindex")[1:]}
    assert unsure and all(index[name].endswith("(unsicher)") for name in unsure)
    assert sum(v.endswith("(unsicher)") for v in index.values()) == len(unsure)
    assert "figures/rangintervalle-sozialindex.svg" in md
    assert all(
        f"**{name}**" in md.split("### Gemeinden mit Hinweisen")[1]
        for name in unsure
        if index[name].startswith(("niedrig", "sehr"))
    )
    assert "Rangkorrelation nach Spearman" in md and "Handbook on Constructing Composite Indicators" in md


def test_every_participant_gets_its_feedback(e2e_project):
    """The providers among the participants in their receipts, the others in a note of their own."""
    folder = e2e_project.joinpath(*REPORT)
    harz = yaml.safe_load((ROOT / "config" / "districts" / "harz.yaml").read_text(encoding="utf-8"))
    providers = {p.stem for p in (folder / "traeger").glob("*.pdf")}
    participants = {p["kennung"]: p for p in read_participants(e2e_project / "data" / "raw" / "harz", INDICATORS)}
    assert set(participants) == {p["kennung"] for p in harz["beteiligte"]}
    assert sorted(p.name for p in (folder / "beteiligung").iterdir()) == sorted(
        f"{k}.{ext}" for k in set(participants) - providers for ext in ("html", "pdf")
    )
    for kennung, p in participants.items():
        path = folder / ("traeger" if kennung in providers else "beteiligung") / f"{kennung}.pdf"
        text = _pdf(path)
        assert "Ihre Gewichtung des Sozialindex" in text and "Was Ihre Gewichte geändert hätten" in text, kennung
        reason = next(iter(p["begruendungen"].values()))
        assert reason[:40] in text, kennung  # its own reason, as written
    assert "Ihre Gewichtung" not in _pdf(folder / "traeger" / "traeger-c.pdf")  # a provider that did not weight
    assert len(PdfReader(folder / "beteiligung" / "jobcenter.pdf").pages) == 1
