"""The national validation refuses a population table without the report year before any rule runs."""

import pytest


def test_a_population_table_without_the_report_year_is_refused_before_any_rule():
    """Without the report year the population table names no Kreis, and every rule of that year
    would hold for none: the validation refuses it with the table's name, in German."""
    import pandas as pd

    from sozialbericht.core.errors import InputError
    from sozialbericht.validate.suites import validate_staged

    pop = pd.DataFrame(
        {"area_id": ["15085", "15"], "period": ["2019-12-31", "2019-12-31"], "value": [212_000.0, 2_190_000.0]}
    ).assign(source="12411-0018.csv")
    with pytest.raises(InputError) as err:
        validate_staged({"bevoelkerung_alter": pop}, {}, {}, 2020, "data/raw")
    assert str(err.value).startswith("12411-0018.csv: die Tabelle enthält keine Kreiswerte für das Berichtsjahr 2020")
    assert "31.12.2020" in str(err.value)
