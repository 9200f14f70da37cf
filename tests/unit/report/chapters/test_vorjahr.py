"""Chapter "Veränderungen gegenüber dem Vorjahresbericht" on a small district."""

from chapter_data import KREIS, LAND, District, build, cells


def test_without_a_published_previous_year_the_chapter_is_left_out(tmp_path):
    c = build(District(tmp_path).national().kontext(), "vorjahr")
    assert "vorjahr" not in c.bericht.values


def test_the_kreis_values_of_both_reports_and_their_change(tmp_path):
    d = District(tmp_path).national()
    row = {"indicator_id": "arbeitslosenquote", "flag_prev": "", "flag_now": "", "period_prev": "2019", "period_now": "2020"}
    d.context["previous"] = {
        "revised": 2,
        "rows": [
            {**row, "area_id": KREIS, "value_prev": 5.3, "value_now": 6.1},
            {**row, "area_id": LAND, "value_prev": 7.0, "value_now": 7.7},
            {**row, "indicator_id": "bevoelkerung", "area_id": KREIS, "value_prev": None, "value_now": 201234, "flag_prev": "."},
        ],
    }
    c = build(d.kontext(), "vorjahr")
    table = cells(c, "vorjahr")
    assert table[0] == ["Indikator", "Bericht 2019", "Bericht 2020", "Veränderung"]
    assert table[1] == ["Arbeitslosenquote", "5,3\u00a0% (2019)", "6,1\u00a0% (2020)", "+0,8"]
    assert table[2][0] == "Bevölkerung" and table[2][3] == "" and len(table) == 3  # the Land's row is not the Kreis's
    assert c.bericht.values["vorjahr"] == {"berichtigt": 2}
