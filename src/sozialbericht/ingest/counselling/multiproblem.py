"""The multi-problem rule: one rule for all providers, never reported by them.

A case counts as a case with multiple problems (Mehrfachproblematik) when the problem areas
addressed in it belong to at least ``mehrfachproblematik.mindestens_bereiche`` different areas of
life (config/beratung.yaml). The providers tick the problem areas; the rule is applied here, and
its German text goes into the report, the receipts and the providers' template.
"""

from __future__ import annotations


def is_multi(areas: set[str], standard: dict) -> bool:
    """The multi-problem rule: problem areas from at least ``mindestens_bereiche`` areas of life."""
    bereich = {p["id"]: p["bereich"] for p in standard["problemlagen"]}
    return len({bereich[a] for a in areas}) >= standard["mehrfachproblematik"]["mindestens_bereiche"]


def rule_text(standard: dict) -> str:
    """The multi-problem rule in German, for the report and the receipts."""
    areas: dict[str, list[str]] = {}
    for p in standard["problemlagen"]:
        areas.setdefault(p["bereich"], []).append(p["name"])
    n = standard["mehrfachproblematik"]["mindestens_bereiche"]
    listed = "; ".join(f"{b}: {', '.join(names)}" for b, names in areas.items())
    return (
        f"Als Fall mit Mehrfachproblematik zählt ein Fall, in dem Problemlagen aus mindestens {n} "
        f"verschiedenen Lebensbereichen bearbeitet wurden ({listed}). Die Regel ist für alle Träger gleich; "
        "die Träger melden nur die bearbeiteten Problemlagen."
    )
