"""The Kreise of Germany: keys, official names, kinds and the German forms their names take.

Read from the BKG boundaries (VG5000 Kreise: ``GEN`` name, ``BEZ`` kind), which are read at
the start of every run in milliseconds, so that any Kreis can be reported on without a
hand-written configuration. The grammatical forms follow the kind of Kreis:

=====================  =========================  ===============================  ==============================
kind                   name                       with preposition (``name_in``)   genitive (``name_des``)
=====================  =========================  ===============================  ==============================
Landkreis              Landkreis Harz             im Landkreis Harz                des Landkreises Harz
Kreis                  Kreis Unna                 im Kreis Unna                    des Kreises Unna
… with "kreis" in it   Märkischer Kreis           im Märkischen Kreis              des Märkischen Kreises
kreisfreie Stadt       Stadt Halle (Saale)        in der Stadt Halle (Saale)       der Stadt Halle (Saale)
Stadtkreis             Stadtkreis Heilbronn       im Stadtkreis Heilbronn          des Stadtkreises Heilbronn
Region                 Region Hannover            in der Region Hannover           der Region Hannover
Regionalverband        Regionalverband Saarbrücken im Regionalverband Saarbrücken  des Regionalverbands Saarbrücken
Städteregion           Städteregion Aachen        in der Städteregion Aachen       der Städteregion Aachen
Stadtstaat             Berlin                     in Berlin                        des Landes Berlin
=====================  =========================  ===============================  ==============================
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

#: Textkennzeichen: the kind of Kreis (40), Gemeindeverband (50) or Gemeinde (60).
TEXTKENNZEICHEN = {
    41: "Kreisfreie Stadt",
    42: "Stadtkreis",
    43: "Kreis",
    44: "Landkreis",
    45: "Regionalverband",
    50: "Verbandsfreie Gemeinde",
    51: "Amt",
    52: "Samtgemeinde",
    53: "Verbandsgemeinde",
    54: "Verwaltungsgemeinschaft",
    55: "Kirchspielslandgemeinde",
    56: "Verwaltungsverband",
    57: "Vereinbarte Verwaltungsgemeinschaft",
    58: "Erfüllende Gemeinde",
    60: "Markt",
    61: "Kreisfreie Stadt",
    62: "Stadtkreis",
    63: "Stadt",
    64: "Kreisangehörige Gemeinde",
    65: "gemeindefreies Gebiet, bewohnt",
    66: "gemeindefreies Gebiet, unbewohnt",
    67: "Große Kreisstadt",
}

#: Kreise that are a Land of their own (the Land key followed by "000").
STADTSTAATEN = {"02000", "11000"}
LAENDER = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}


@dataclass(frozen=True)
class Kreis:
    """One Kreis: key, short name (``kurz``, e.g. "Harz"), kind and the forms of its name."""

    key: str
    kurz: str
    typ: str
    name: str
    name_in: str
    name_des: str

    @property
    def land(self) -> str:
        return self.key[:2]

    @property
    def land_name(self) -> str:
        return LAENDER.get(self.land, self.land)

    @property
    def stadtstaat(self) -> bool:
        return self.key in STADTSTAATEN

    @property
    def city(self) -> bool:
        """A city (kreisfreie Stadt, Stadtkreis, Stadtstaat): one Gemeinde is the whole Kreis."""
        return self.typ in ("kreisfreie Stadt", "Stadtkreis", "Stadtstaat")


def _dative_adjective(name: str) -> str:
    """ "Märkischer Kreis" → "Märkischen Kreis" (adjective before "Kreis" in the dative)."""
    return re.sub(r"(\w+)er (Kreis)\b", r"\1en \2", name)


def _genitive_kreis(name: str) -> str:
    """ "Salzlandkreis" → "Salzlandkreises", "Rhein-Kreis Neuss" → "Rhein-Kreises Neuss"."""
    return re.sub(r"([Kk]reis)\b", r"\1es", _dative_adjective(name), count=1)


def forms(key: str, gen: str, bez: str) -> Kreis:
    """The kind and name forms of a Kreis from its VG5000 name (``GEN``) and kind (``BEZ``)."""
    gen = gen.strip()
    if key in STADTSTAATEN:
        return Kreis(key, gen, "Stadtstaat", gen, f"in {gen}", f"des Landes {gen}")
    if gen.startswith("Region "):
        return Kreis(key, gen[7:], "Region", gen, f"in der {gen}", f"der {gen}")
    if gen.startswith("Regionalverband "):
        return Kreis(key, gen[16:], "Regionalverband", gen, f"im {gen}", f"des Regionalverbands {gen[16:]}")
    if gen.startswith("Städteregion "):
        return Kreis(key, gen[13:], "Städteregion", gen, f"in der {gen}", f"der {gen}")
    if bez == "Kreisfreie Stadt":
        return Kreis(key, gen, "kreisfreie Stadt", f"Stadt {gen}", f"in der Stadt {gen}", f"der Stadt {gen}")
    if bez == "Stadtkreis":
        return Kreis(key, gen, "Stadtkreis", f"Stadtkreis {gen}", f"im Stadtkreis {gen}", f"des Stadtkreises {gen}")
    typ = "Kreis" if bez == "Kreis" else "Landkreis"
    if re.search(r"kreis\b", gen, flags=re.IGNORECASE):  # the name says it: "Salzlandkreis", "Märkischer Kreis"
        return Kreis(key, gen, typ, gen, f"im {_dative_adjective(gen)}", f"des {_genitive_kreis(gen)}")
    genitive = "Landkreises" if typ == "Landkreis" else "Kreises"
    return Kreis(key, gen, typ, f"{typ} {gen}", f"im {typ} {gen}", f"des {genitive} {gen}")


def slug(text: str) -> str:
    """A folder-safe id: "Halle (Saale)" → "halle-saale", "Göttingen" → "goettingen"."""
    s = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


@lru_cache(maxsize=4)
def _read_kreise(dbf: str) -> tuple[Kreis, ...]:
    import shapefile

    with shapefile.Reader(dbf, encoding="utf-8") as reader:
        records = [(str(r["ARS"]), str(r["GEN"]), str(r["BEZ"])) for r in reader.iterRecords(fields=["ARS", "GEN", "BEZ"])]
    return tuple(forms(key, gen, bez) for key, gen, bez in sorted(set(records)))


def kreise(dbf: str | Path) -> dict[str, Kreis]:
    """Every Kreis of the VG5000 Kreis layer (``…/VG5000_KRS.dbf``) by its key."""
    return {k.key: k for k in _read_kreise(str(dbf))}


def district_ids(all_kreise: dict[str, Kreis]) -> dict[str, str]:
    """Kreis key → default district id: the slug of the short name; where a kreisfreie Stadt and a
    Landkreis share a name (Leipzig, Osnabrück, Rostock …) the city keeps the plain slug and the
    Kreis gets "landkreis-…" / "kreis-…"."""
    base = {key: slug(k.kurz) for key, k in all_kreise.items()}
    counts: dict[str, int] = {}
    for s in base.values():
        counts[s] = counts.get(s, 0) + 1
    ids = {}
    for key, k in all_kreise.items():
        s = base[key]
        if counts[s] > 1 and not k.city:
            s = f"{slug(k.typ)}-{s}"
        ids[key] = s
    return ids


#: The word for a Kreis of each kind in a sentence without its name: (noun, genitive, gender).
_WORD = {
    "kreisfreie Stadt": ("Stadt", "Stadt", "f"),
    "Stadtkreis": ("Stadt", "Stadt", "f"),
    "Stadtstaat": ("Stadt", "Stadt", "f"),
    "Region": ("Region", "Region", "f"),
    "Städteregion": ("Städteregion", "Städteregion", "f"),
    "Regionalverband": ("Regionalverband", "Regionalverbands", "m"),
}
#: Where the report is decided: the council of each kind of Kreis (the two Stadtstaaten by key).
_COUNCIL = {
    "02000": "in der Hamburgischen Bürgerschaft",
    "11000": "im Abgeordnetenhaus",
    "kreisfreie Stadt": "im Rat der Stadt",
    "Stadtkreis": "im Gemeinderat",
    "Region": "in der Regionsversammlung",
    "Städteregion": "im Städteregionstag",
    "Regionalverband": "in der Regionalversammlung",
}
_ARTICLES = {"m": ("der", "des", "dem", "den"), "f": ("die", "der", "der", "die")}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _nominative(dative: str) -> str:
    """ "Märkischen Kreis" → "Märkische Kreis" (the weak adjective after "der")."""
    return re.sub(r"(\w+)en (Kreis)\b", r"\1e \2", dative)


def name_forms(name_in: str, name_des: str) -> dict[str, str]:
    """The forms of a Kreis's name in every case, derived from its form with "in" (``name_in``):
    ``der`` (nominative with article: "der Landkreis Harz", "die Stadt Halle (Saale)", "der Märkische
    Kreis", "Berlin"), ``den`` (accusative), ``dem`` (dative), ``des`` (genitive), ``im`` (with
    "in"), each also capitalised for the start of a sentence (``Der``, ``Im`` …)."""
    if name_in.startswith("im "):
        core = name_in[3:]
        forms = {"der": "der " + _nominative(core), "den": "den " + core, "dem": "dem " + core}
    elif name_in.startswith("in der "):
        core = name_in[7:]
        forms = {"der": "die " + core, "den": "die " + core, "dem": "der " + core}
    else:  # a name without article: "in Berlin"
        core = name_in[3:] if name_in.startswith("in ") else name_in
        forms = {"der": core, "den": core, "dem": core}
    forms |= {"des": name_des, "im": name_in}
    return forms | {_capital(k): _capital(v) for k, v in forms.items()}


def kind_word(key: str, typ: str) -> dict[str, str]:
    """The word for the Kreis without its name, with article in every case: "der Kreis", "des
    Kreises", "im Kreis" for a Landkreis; "die Stadt", "der Stadt", "in der Stadt" for a kreisfreie
    Stadt or Stadtstaat; ``nom`` the bare noun, ``gremium`` its council ("im Kreistag")."""
    noun, genitive, gender = _WORD.get(typ, ("Kreis", "Kreises", "m"))
    der, des, dem, den = _ARTICLES[gender]
    words = {
        "der": f"{der} {noun}",
        "des": f"{des} {genitive}",
        "dem": f"{dem} {noun}",
        "den": f"{den} {noun}",
        "im": f"im {noun}" if gender == "m" else f"in der {noun}",
        "am": f"am {noun}" if gender == "m" else f"an der {noun}",
    }
    words = words | {_capital(k): _capital(v) for k, v in words.items()}
    return words | {"nom": noun, "gremium": _COUNCIL.get(key, _COUNCIL.get(typ, "im Kreistag"))}
