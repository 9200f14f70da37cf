"""The values of the chapter texts: :class:`Wert` (a number as the texts print it: German format,
unit, official marker, reference date) and :class:`Indikator` (one catalogue indicator with its
values for the Kreis, the Land, Germany and any area)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sozialbericht.core import formatting as fmt

if TYPE_CHECKING:
    from sozialbericht.report.data import DistrictData


@dataclass(frozen=True)
class Wert:
    """A value as the texts use it: ``{{ x }}`` prints it with unit in German format; ``x.zahl``
    without unit; ``x.wert`` is the number for conditions; ``x.vorzeichen`` with sign;
    ``x.stand`` the reference date (German). A missing value prints its official marker."""

    wert: float | None
    einheit: str = ""
    stellen: int = 0
    zeichen: str = ""
    periode: str = ""
    mit_vorzeichen: bool = False  # a change or balance: "+1,5 %" (``betrag`` gives the magnitude)

    @property
    def fehlt(self) -> bool:
        return self.wert is None or (isinstance(self.wert, float) and math.isnan(self.wert))

    @property
    def zahl(self) -> str:
        return fmt.number(None if self.fehlt else self.wert, self.stellen, self.zeichen, self.mit_vorzeichen)

    @property
    def vorzeichen(self) -> str:
        return fmt.signed(None if self.fehlt else self.wert, self.stellen)

    @property
    def betrag(self) -> str:
        return fmt.number(None if self.fehlt else abs(self.wert), self.stellen, self.zeichen)

    @property
    def stand(self) -> str:
        return fmt.date(self.periode) if self.periode else ""

    def __str__(self) -> str:
        return fmt.with_unit(None if self.fehlt else self.wert, self.einheit, self.stellen, self.zeichen, self.mit_vorzeichen)

    def _v(self):
        return float("nan") if self.fehlt else float(self.wert)

    def __lt__(self, other):
        return self._v() < float(other)

    def __le__(self, other):
        return self._v() <= float(other)

    def __gt__(self, other):
        return self._v() > float(other)

    def __ge__(self, other):
        return self._v() >= float(other)

    def __float__(self):
        return self._v()

    def __bool__(self):
        return not self.fehlt


class Indikator:
    """One catalogue indicator: ``.kreis``, ``.land``, ``.bund`` (newest values up to the report
    year), ``.gebiet(id)``, ``.im(periode)``, ``.name``, ``.definition``."""

    def __init__(self, data: DistrictData, ind_id: str):
        self._data, self.id = data, ind_id
        c = data.catalogue[ind_id]
        self.name, self.definition, self.einheit, self.stellen = c["name"], c["definition"], c["unit"], c["decimals"]
        self.mit_vorzeichen = c.get("method") in fmt.SIGNED_METHODS

    def gebiet(self, area: str, period: str | None = None) -> Wert:
        rows = self._data.records(self.id, area)
        if period is not None:
            rows = [r for r in rows if r[0] == period]
        if not rows:
            return Wert(None, self.einheit, self.stellen, "–")
        when, value, flag = rows[-1]
        return Wert(value, self.einheit, self.stellen, flag, when, self.mit_vorzeichen)

    @property
    def kreis(self) -> Wert:
        return self.gebiet(self._data.kreis)

    @property
    def land(self) -> Wert:
        return self.gebiet(self._data.land)

    @property
    def bund(self) -> Wert:
        return self.gebiet("DG")
