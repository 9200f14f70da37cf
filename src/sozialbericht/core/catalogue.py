"""The indicator catalogue as the registry of the report's indicator tables.

An entry of ``config/indicators.yaml`` says where the report shows it::

    zeigen:
      - {tabelle: bevoelkerung-struktur, position: 3}
      - {tabelle: auf-einen-blick, position: 3}

A table named there is one of the ``tabellen`` of a chapter in ``report/kapitel.yaml`` (the
chapter's indicator tables: tables whose rows or columns are indicators); its indicators follow
their ``position`` (gaps allowed). The chapters read the rows of such a table from here
(:func:`table_rows`), never from a list in code; the configuration check (:func:`check_placements`)
refuses a placement in a table that no chapter has, two indicators at one position, and a declared
table without any indicator.

Deprecated keys are accepted for one release with a German hint (:func:`deprecated_keys`, shown
once per run by ``config_keys.show_once``): ``group`` in the catalogue (it was read by no code;
dropped by :func:`without_groups` before the schema check) and ``report.auf_einen_blick`` in
``config/config.yaml`` (still read; the catalogue's ``auf-einen-blick`` table is the default, and a
district's own ``auf_einen_blick`` stays its choice).
"""

from __future__ import annotations

from sozialbericht.core.errors import InputError


def table_rows(catalogue: list[dict], table: str) -> list[str]:
    """The ids of the indicators placed in ``table``, by their position (then catalogue order)."""
    placed = [
        (p["position"], i, ind["id"]) for i, ind in enumerate(catalogue) for p in ind.get("zeigen", []) if p["tabelle"] == table
    ]
    return [ind_id for _, _, ind_id in sorted(placed)]


def deprecated_keys(config: dict, catalogue, catalogue_file: str) -> list[str]:
    """German hints for the keys that still work for one release: ``group`` in the catalogue,
    ``report.auf_einen_blick`` in ``config/config.yaml``."""
    hints = []
    old = [ind.get("id", f"Eintrag {i + 1}") for i, ind in enumerate(_entries(catalogue)) if "group" in ind]
    if old:
        hints.append(
            f"Hinweis: {catalogue_file}: der Schlüssel „group“ ist veraltet und wird nicht gelesen (bei {len(old)} "
            f"Indikatoren, z. B. „{old[0]}“); wo ein Indikator im Bericht steht, sagt „zeigen“ (siehe config/README.md). "
            "Bitte „group“ entfernen: ab der nächsten Version wird er abgelehnt."
        )
    if "auf_einen_blick" in (config.get("report") or {}):
        hints.append(
            "Hinweis: config/config.yaml: der Schlüssel „report.auf_einen_blick“ ist veraltet. Die Kennzahlen von "
            "„Auf einen Blick“ stehen im Indikatorenkatalog (zeigen: [{tabelle: auf-einen-blick, position: …}] "
            "in config/indicators.yaml); ein Kreis kann eigene weiter unter „auf_einen_blick“ in seiner "
            "Konfiguration nennen. Der alte Schlüssel gilt noch bis zur nächsten Version und geht bis dahin vor."
        )
    return hints


def without_groups(catalogue):
    """The catalogue without the deprecated ``group`` key (anything but a list of entries is left
    to the schema check)."""
    if not isinstance(catalogue, list):
        return catalogue
    return [{k: v for k, v in ind.items() if k != "group"} if isinstance(ind, dict) else ind for ind in catalogue]


def _entries(catalogue) -> list[dict]:
    return [ind for ind in catalogue if isinstance(ind, dict)] if isinstance(catalogue, list) else []


def check_placements(catalogue: list[dict], chapters: list[dict], catalogue_file: str, chapters_file: str) -> None:
    """Every placement names a table of a chapter, once per indicator, at a position of its own;
    every declared table shows at least one indicator and belongs to one chapter."""
    tables: dict[str, str] = {}
    for c in chapters:
        for t in c.get("tabellen", []):
            if t in tables:
                raise InputError(
                    chapters_file,
                    f"die Tabelle „{t}“ steht bei zwei Kapiteln („{tables[t]}“ und „{c['id']}“)",
                    where=f"Kapitel „{c['id']}“, Schlüssel 'tabellen'",
                    found=t,
                    expected="jede Tabelle bei genau einem Kapitel",
                )
            tables[t] = c["id"]
    taken: dict[tuple[str, int], str] = {}
    for ind in catalogue:
        seen = set()
        for p in ind.get("zeigen", []):
            table, where = p["tabelle"], f"Indikator „{ind['id']}“, Schlüssel 'zeigen'"
            if table not in tables:
                raise InputError(
                    catalogue_file,
                    f"der Indikator „{ind['id']}“ soll in der Tabelle „{table}“ stehen, die kein Kapitel hat",
                    where=where,
                    found=table,
                    expected="eine Tabelle aus report/kapitel.yaml (tabellen): " + ", ".join(sorted(tables)),
                    hint="die Schreibweise der Tabelle prüfen oder die Tabelle unter 'tabellen' ihres Kapitels eintragen",
                )
            if table in seen:
                raise InputError(
                    catalogue_file,
                    f"der Indikator „{ind['id']}“ steht zweimal in der Tabelle „{table}“",
                    where=where,
                    found=table,
                    expected="jede Tabelle höchstens einmal je Indikator",
                )
            seen.add(table)
            other = taken.setdefault((table, p["position"]), ind["id"])
            if other != ind["id"]:
                raise InputError(
                    catalogue_file,
                    f"die Indikatoren „{other}“ und „{ind['id']}“ stehen beide an Position {p['position']} der Tabelle „{table}“",
                    where=where,
                    found=p["position"],
                    expected="eine eigene Position je Indikator und Tabelle (Lücken sind erlaubt)",
                )
    used = {t for t, _ in taken}
    for table, chapter in tables.items():
        if table not in used:
            raise InputError(
                chapters_file,
                f"die Tabelle „{table}“ des Kapitels „{chapter}“ zeigt keinen Indikator",
                where=f"Kapitel „{chapter}“, Schlüssel 'tabellen'",
                found=table,
                expected=f"mindestens ein Indikator mit zeigen: [{{tabelle: {table}, position: 1}}] in {catalogue_file}",
                hint="die Tabelle aus 'tabellen' entfernen oder Indikatoren in sie stellen",
            )
