"""The workbook of the data standard: the template for the providers (``sozialbericht
vorlage-beratung``) and the workbooks of the synthetic example.

Byte-identical for the same content: the save date is fixed and the archive normalised.
"""

from __future__ import annotations

from pathlib import Path

from sozialbericht.ingest.counselling.multiproblem import rule_text
from sozialbericht.ingest.counselling.workbook import column_letter

EXPLANATION = [
    "Beratungsdatenstandard – Lieferung eines Trägers an die Sozialplanung",
    "",
    "Eine Arbeitsmappe je Träger und Berichtsjahr. Bitte nur die Blätter „Traeger“, „Faelle“ und „Stellen“ ausfüllen;",
    "Spaltenüberschriften nicht ändern. Die Daten sind anonym: keine Namen, Anschriften oder Geburtsdaten.",
    "",
    "Blatt „Traeger“: Name des Trägers, Berichtsjahr (JJJJ), optional Kennung, Ansprechperson, E-Mail.",
    "Blatt „Faelle“: eine Zeile je Beratungsfall des Jahres (oder je Gruppe gleicher Fälle mit der Zahl in „anzahl“).",
    "  wohnort_ars: Gemeindeschlüssel der Wohngemeinde (Liste unten; als Text, mit führenden Nullen), sonst „außerhalb“",
    "  beratungsfeld, altersgruppe, geschlecht, haushaltstyp: ein Wert aus den Listen unten (Auswahlliste in der Zelle)",
    "  Problemlagen: je Spalte ein „x“, wenn die Problemlage im Fall bearbeitet wurde; sonst leer",
    "Blatt „Stellen“: eine Zeile je Standort und Beratungsfeld: standort_ars, standort (Name/Anschrift), beratungsfeld,",
    "  vzae (Vollzeitäquivalente, z. B. 1,5), oeffnungsstunden (je Woche), barrierefrei (ja/nein/teilweise), sprachen",
    "",
    "Mehrfachproblematik melden Sie nicht selbst: die Sozialplanung leitet sie nach einer Regel für alle Träger ab.",
]


def write_workbook(
    path: Path, standard: dict, gemeinden: dict[str, str], meta: dict, cases: list[dict], sites: list[dict], stamp: str
) -> Path:
    """A workbook of the data standard: explanation with every allowed value and Gemeinde key,
    the three data sheets (with drop-down lists), filled with ``cases`` and ``sites`` (empty for
    the template). Byte-identical for the same content (``stamp``: the fixed save date)."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    from sozialbericht.core.files import save_workbook

    areas = [p["id"] for p in standard["problemlagen"]]
    traits = list(standard["merkmale"])
    wb = Workbook()
    info = wb.active
    info.title = "Erläuterung"
    for line in EXPLANATION + [rule_text(standard), ""]:
        info.append([line])
    lists = {}  # list name → its cells in the explanation sheet (the drop-down lists refer to them)

    def listing(title, values):
        info.append([title])
        first = info.max_row + 1
        for v in values:
            info.append(["", v])
        lists[title] = f"'Erläuterung'!$B${first}:$B${info.max_row}"

    listing("beratungsfeld", standard["beratungsfelder"])
    for t in traits:
        listing(t, standard["merkmale"][t])
    listing("barrierefrei", ["ja", "nein", "teilweise"])
    info.append(["Problemlagen (Spalte, Bezeichnung, Lebensbereich)"])
    for p in standard["problemlagen"]:
        info.append(["", p["id"], p["name"], p["bereich"]])
    info.append(["Gemeinden des Kreises (wohnort_ars / standort_ars)"])
    for ars, name in sorted(gemeinden.items(), key=lambda kv: kv[1]):
        info.append(["", ars, name])

    t = wb.create_sheet("Traeger")
    t.append(["Feld", "Wert"])
    for key in ("Träger", "Kennung", "Berichtsjahr", "Ansprechperson", "E-Mail"):
        t.append([key, meta.get(key, "")])

    f = wb.create_sheet("Faelle")
    header = ["fall_nr", "wohnort_ars", "beratungsfeld", *traits, "anzahl", *areas]
    f.append(header)
    for c in cases:
        f.append([c.get(h, "") if h not in areas else ("x" if c.get(h) else "") for h in header])
    s = wb.create_sheet("Stellen")
    s_header = ["standort_ars", "standort", "beratungsfeld", "vzae", "oeffnungsstunden", "barrierefrei", "sprachen"]
    s.append(s_header)
    for row in sites:
        s.append([row.get(h, "") for h in s_header])
    for sheet, column, name in (
        (f, header.index("beratungsfeld"), "beratungsfeld"),
        *((f, header.index(tr), tr) for tr in traits),
        (s, 2, "beratungsfeld"),
        (s, 5, "barrierefrei"),
    ):
        dv = DataValidation(type="list", formula1=lists[name], allow_blank=True)
        dv.add(f"{column_letter(column)}2:{column_letter(column)}5000")
        sheet.add_data_validation(dv)
    for sheet in (f, s):
        for cell in sheet[1]:
            cell.number_format = "@"
    return save_workbook(wb, path, stamp)
