"""The feedback to the participants of the weighting (publish/participation_notes.py): a provider's
receipt section and the one-page note of every other participant show the participant's own
allocation beside the consensus and the classes its own weights would have given; what the
participant wrote is printed as text."""

import pypandoc
from chapter_data import District, complete, weighting
from conftest import ROOT

from sozialbericht.publish.participation_notes import feedback, feedback_values
from sozialbericht.report.templates import templates
from sozialbericht.report.weighting import Weighting

HOSTILE = "<script>alert(1)</script> | $x$ @ref {{ jahr }} [Link](http://x) **fett**"


def _participant(kennung: str, **extra) -> dict:
    points = {
        "traeger-x": {"kl_sgb2_quote": 70.0, "kl_kinderarmut": 30.0},
        "jobcenter": {"kl_sgb2_quote": 50.0, "kl_kinderarmut": 50.0},
    }
    return {
        "kennung": kennung,
        "name": {"traeger-x": "Träger X", "jobcenter": "Jobcenter Beispiel"}.get(kennung, kennung),
        "rolle": "traeger",
        "datei": f"{kennung}.xlsx",
        "status": "ok",
        "fehler": [],
        "punkte": points.get(kennung, {}),
        "begruendungen": {"kl_sgb2_quote": "Die Quote zeigt den Bedarf."},
        **extra,
    }


def _context(tmp_path):
    d = weighting(complete(tmp_path))
    folder = d.write()
    context = {
        **d.context,
        "catalogue": d.catalogue,
        "gemeinden": {"150850001001": "Aue, Stadt", "150850002002": "Bachdorf", "150850003003": "Clausberg"},
    }
    return context, Weighting.read(folder)


def _render(template: str, **values) -> str:
    return templates(((ROOT / "report").resolve(),)).get_template(template).render(**values)


def test_the_own_allocation_beside_the_consensus_and_the_classes_that_would_change(tmp_path):
    context, w = _context(tmp_path)
    values = feedback_values(_participant("traeger-x"), context, w)
    assert [(r["indikator"], r["punkte"], r["konsens"], r["gleich"]) for r in values["gewichte"]] == [
        ("SGB-II-Quote", "70", "60,0", "50,0"),
        ("Kinderarmut (SGB-II-Quote unter 15 Jahren)", "30", "40,0", "50,0"),
    ]
    assert values["wechsel"] == [
        {"gemeinde": "Aue", "konsens": "mittel", "eigen": "niedrig", "rang_konsens": "2", "rang_eigen": "2"}
    ]
    assert (values["gleich_geblieben"], values["gemeinden"], values["beteiligte"]) == (2, 3, 2)
    note = _render("beteiligung.md", beteiligung=values, versionsstempel="Stempel")
    assert "| SGB-II-Quote | 70 | 60,0 | 50,0 |" in note and "- SGB-II-Quote: Die Quote zeigt den Bedarf." in note
    assert "hätten 2 von 3 Gemeinden dieselbe Statusklasse wie im Bericht, 1 eine andere" in note
    assert "| Aue | mittel | niedrig | 2 | 2 |" in note
    same = feedback_values(_participant("jobcenter"), context, w)
    assert same["wechsel"] == [] and "keine Gemeinde hätte ihre Statusklasse gewechselt" in _render(
        "beteiligung.md", beteiligung=same, versionsstempel=""
    )


def test_a_providers_receipt_carries_the_same_section(tmp_path):
    context, w = _context(tmp_path)
    values = feedback_values(_participant("traeger-x"), context, w)
    receipt = {
        "synthetisch": False, "kreis_des": "des Landkreises Beispiel", "jahr": 2020, "mindestzahl": 3, "datei": "x.xlsx",
        "pruefsumme": "", "status": "fehler", "fehler": ["kaputt"], "wort": {"des": "des Kreises"},
    }  # fmt: skip
    text = _render("quittung.md", **receipt, beteiligung=values, versionsstempel="Stempel")
    assert "## Ihre Gewichtung des Sozialindex" in text and "| Aue | mittel | niedrig | 2 | 2 |" in text
    assert "## Ihre Gewichtung" not in _render("quittung.md", **receipt, beteiligung=None, versionsstempel="Stempel")


def test_a_refused_workbook_gets_its_problems_and_only_participants_with_an_index_get_feedback(tmp_path):
    context, w = _context(tmp_path)
    refused = _participant("kag", status="fehler", fehler=["Blatt „Gewichte“: die Punkte ergeben zusammen 90"])
    values = feedback(
        [_participant("traeger-x"), _participant("jobcenter"), refused], {**context, "planning": context["planning"]}, w
    )
    assert sorted(values) == ["jobcenter", "kag", "traeger-x"] and values["kag"]["status"] == "fehler"
    note = _render("beteiligung.md", beteiligung=values["kag"], versionsstempel="")
    assert "**Ihre Gewichtung ist in diesen Bericht nicht eingegangen**" in note and "ergeben zusammen 90" in note
    none = District(tmp_path / "ohne").national()
    assert feedback([_participant("traeger-x")], context, Weighting.read(none.write())) == {}


def test_a_hostile_name_and_reason_are_shown_as_text(tmp_path):
    context, w = _context(tmp_path)
    values = feedback_values(
        _participant("traeger-x", name=HOSTILE, datei=HOSTILE + ".xlsx", begruendungen={"kl_sgb2_quote": HOSTILE}), context, w
    )
    note = _render("beteiligung.md", beteiligung=values, versionsstempel="Stempel")
    html = " ".join(pypandoc.convert_text(note, "html", format="markdown").split())
    assert "<script>" not in html and "<strong>fett</strong>" not in html and "<a href" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt; | $x$ @ref {{ jahr }} [Link](http://x) **fett**") == 2
    reason = next(line for line in note.splitlines() if line.startswith("- SGB-II-Quote: "))
    assert reason.endswith(r"\*\*fett\*\*") and r"\<script\>" in reason  # escaped, on one line
