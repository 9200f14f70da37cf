"""The weighting of the social index and the robustness of its classes, as the report shows them.

The district step writes four tables into the work folder (``compute/planning.weighting_tables``):
``sozialindex_gewichte.csv`` (per indicator: equal weights, the consensus, the effective weights
under both, and ``teilnehmer_<kennung>`` per participant), ``sozialindex_robustheit.csv`` (per
area: reference index, rank and class, median rank, 5 % and 95 % rank, the share of draws keeping
the class, ``unsicher``) and, where participants delivered, ``sozialindex_gewichtsvergleich.csv``
(equal against consensus weights, with the Spearman correlation) and ``sozialindex_teilnehmer.csv``
(consensus against each participant's own weights). :class:`Weighting` reads them; the chapter
"Sozialindex", the table export and the participants' feedback print from it, so that all three
say the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sozialbericht.core import formatting as fmt

#: The files of the work folder.
FILES = {
    "weights": "sozialindex_gewichte.csv",
    "robustness": "sozialindex_robustheit.csv",
    "comparison": "sozialindex_gewichtsvergleich.csv",
    "own": "sozialindex_teilnehmer.csv",
}
PREFIX = "teilnehmer_"
#: What the consensus rule (``social_index.gewichtung.regel``) is called in the text.
RULES = {"median": "Median", "mittelwert": "Mittelwert"}


def _read(path: Path) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame()
    frame = pd.read_csv(path, dtype={"area_id": str, "teilnehmer": str, "indicator_id": str})
    for column in ("unsicher", "wechsel"):
        if column in frame:
            frame[column] = frame[column].astype(str) == "True"
    return frame


@dataclass
class Weighting:
    """The weighting tables of one district (empty frames where the step wrote none)."""

    weights: pd.DataFrame
    robustness: pd.DataFrame
    comparison: pd.DataFrame
    own: pd.DataFrame

    @classmethod
    def read(cls, folder: str | Path) -> Weighting:
        folder = Path(folder)
        return cls(**{key: _read(folder / name) for key, name in FILES.items()})

    @property
    def available(self) -> bool:
        return len(self.weights) > 0 and len(self.robustness) > 0

    @property
    def participants(self) -> list[str]:
        """The Kennungen of the participants whose allocations went into the consensus."""
        return [c.removeprefix(PREFIX) for c in self.weights.columns if c.startswith(PREFIX)]

    @property
    def spearman(self) -> float | None:
        """Spearman's rank correlation of the equal-weight and the consensus index."""
        return float(self.comparison["spearman"].iloc[0]) if len(self.comparison) else None

    def weight_rows(self, labels: dict[str, str], rule: str) -> list[tuple[str, str, list[float]]]:
        """``(kind, label, weights in % per indicator)``: equal, each participant, the consensus and
        the effective weights (kind: gleich, teilnehmer, konsens, effektiv)."""
        w = self.weights
        rows = [("gleich", "Gleiche Gewichte", list(w["gleich"] * 100))]
        if not self.participants:
            return [*rows, ("effektiv", "Effektive Gewichte", list(w["effektiv_gleich"] * 100))]
        rows += [("teilnehmer", labels.get(k, k), list(w[PREFIX + k] * 100)) for k in self.participants]
        return [
            *rows,
            ("konsens", f"Konsens ({RULES.get(rule, rule)})", list(w["konsens"] * 100)),
            ("effektiv", "Effektive Gewichte bei gleichen Gewichten", list(w["effektiv_gleich"] * 100)),
            ("effektiv", "Effektive Gewichte beim Konsens", list(w["effektiv_konsens"] * 100)),
        ]

    def changes(self) -> pd.DataFrame:
        """The areas whose status class differs between equal and consensus weights (area_id,
        klasse_a: equal, klasse_b: consensus), highest consensus index first."""
        if not len(self.comparison):
            return self.comparison
        return self.comparison[self.comparison["wechsel"]].sort_values("index_b", ascending=False)

    def own_classes(self, kennung: str) -> pd.DataFrame:
        """Consensus (``_a``) against one participant's own weights (``_b``), per area."""
        if not len(self.own):
            return self.own
        return self.own[self.own["teilnehmer"] == kennung]


def participant_labels(context: dict) -> dict[str, str]:
    """Kennung → the participant's name: as the district's configuration names it (``beteiligte``),
    else as its workbook does (text from outside: printed only as text)."""
    quality = (context.get("data_quality") or {}).get("beteiligung") or {}
    labels = {p["kennung"]: p["name"] or p["kennung"] for p in quality.get("teilnehmer", []) if p.get("kennung")}
    labels.update({p["kennung"]: p["name"] for p in context.get("district", {}).get("beteiligte") or []})
    return labels


def refused(context: dict) -> list[str]:
    """The names (or files) of the participants whose workbooks were not used."""
    quality = (context.get("data_quality") or {}).get("beteiligung") or {}
    return [p["name"] or p["datei"] for p in quality.get("teilnehmer", []) if p.get("status") != "ok"]


def rank_text(value: float) -> str:
    """A rank as printed: whole ranks without decimals, a median between two ranks with one."""
    return fmt.number(value, 0 if float(value).is_integer() else 1)


def interval_text(low: float, high: float) -> str:
    return rank_text(low) if low == high else f"{rank_text(low)}–{rank_text(high)}"


def spearman_text(value: float | None) -> str:
    return "–" if value is None or value != value else fmt.number(value, 2)
