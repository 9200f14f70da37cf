"""The names in a table or a sentence: short names of areas, labels unique in a Land, what the
Kreise of a Land are called, German alphabetical order and lists, and the name forms of the Kreis
and the Land that the chapter texts use (``kreis.im``, ``land.dem`` …)."""

from __future__ import annotations


def short_name(name: str) -> str:
    """ "Ballenstedt, Stadt" → "Ballenstedt" (the official suffix after the comma is dropped)."""
    return str(name).split(",")[0].strip()


_CITY = ("", "kreisfreie Stadt", "Stadtkreis", "Stadt")


def kreis_labels(names: dict[str, str]) -> dict[str, str]:
    """Area id → a label unique among ``names`` (id → official name): the short name, "(Stadt)" for
    a kreisfreie Stadt; where two still share a label (a kreisfreie Stadt and the Landkreis of
    the same name: "Ansbach" and "Ansbach, Landkreis") each says what it is — "Ansbach (Stadt)",
    "Ansbach (Landkreis)" — and as a last resort its key."""
    labels = {a: short_name(n) + (" (Stadt)" if "kreisfreie Stadt" in str(n) else "") for a, n in names.items()}
    cities = {short_name(n) for n in names.values() if "kreisfreie Stadt" in str(n)}
    for a, n in names.items():  # the Landkreis beside the city of its name says what it is: "Ansbach (Landkreis)"
        suffix = str(n).split(",", 1)[1].strip() if "," in str(n) else ""
        if labels[a] in cities and suffix not in _CITY:
            labels[a] = f"{labels[a]} ({suffix or 'Kreis'})"
    for attempt in ("kind", "key"):
        seen: dict[str, list[str]] = {}
        for a, label in labels.items():
            seen.setdefault(label, []).append(a)
        for same in (ids for ids in seen.values() if len(ids) > 1):
            for a in same:
                if attempt == "kind":
                    suffix = str(names[a]).split(",", 1)[1].strip() if "," in str(names[a]) else ""
                    labels[a] = f"{short_name(names[a])} ({'Stadt' if suffix in _CITY else suffix})"
                else:
                    labels[a] = f"{labels[a]} ({a})"
    return labels


def kreis_label(names: dict[str, str], kreis: str) -> str:
    """The label of ``kreis`` among the Kreise ``names`` (id → official name) in tables and charts:
    its short name, unless another Kreis shares it ("Ansbach (Landkreis)", :func:`kreis_labels`)."""
    short = short_name(names[kreis])
    if sum(short_name(n) == short for n in names.values()) > 1:
        return kreis_labels(names)[kreis]
    return short


def kreise_im_land(kinds) -> tuple[str, str]:
    """What the Kreise of a Land are, from their kinds (``areas.Kreis.typ``: "Landkreis", "Kreis",
    "kreisfreie Stadt", "Stadtkreis", "Region" …), without and with article — ("Kreise und
    kreisfreie Städte", "Kreise und kreisfreien Städte") where the Land has both, ("Landkreise",
    "Landkreise") where it has only Landkreise, ("Kreise", "Kreise") where it has other kinds but no
    city (Saarland: five Landkreise and the Regionalverband), ("kreisfreie Städte", "kreisfreien
    Städte") where it has only cities (Bremen)."""
    kinds = {"Stadt" if k in ("kreisfreie Stadt", "Stadtkreis", "Stadtstaat") else k for k in kinds}
    if kinds == {"Stadt"}:
        return "kreisfreie Städte", "kreisfreien Städte"
    if "Stadt" in kinds:
        return "Kreise und kreisfreie Städte", "Kreise und kreisfreien Städte"
    return ("Landkreise", "Landkreise") if kinds == {"Landkreis"} else ("Kreise", "Kreise")


def sort_key(name: str) -> str:
    """German alphabetical order (umlauts as their base letters)."""
    return str(name).lower().replace("ä", "a").replace("ö", "o").replace("ü", "u").replace("ß", "ss")


def german_list(items: list[str]) -> str:
    """ "A, B und C" (empty items left out)."""
    items = [str(i) for i in items if str(i)]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " und " + items[-1] if items else ""


# --- the names in a sentence ----------------------------------------------------------------------------
def kreis_context(meta: dict) -> dict:
    """``kreis`` of the chapter texts from the Kreis's metadata (``name``, ``name_in``, ``name_des``,
    ``kurz``, ``typ``, ``kreis``): its name in every case with article (``kreis.im``, ``kreis.Im``,
    ``kreis.des``, ``kreis.dem``, ``kreis.den``, ``kreis.der``, ``kreis.Der``), the word for it without
    its name (``kreis.wort.des`` → "des Kreises" or "der Stadt") and its kind for conditions."""
    from sozialbericht.core.areas import kind_word, name_forms

    return {
        **name_forms(meta["name_in"], meta["name_des"]),
        "name": meta["name"],
        "kurz": meta["kurz"],
        "typ": meta["typ"],
        "schluessel": meta["kreis"],
        "wort": kind_word(meta["kreis"], meta["typ"]),
        "stadt": meta["typ"] in ("kreisfreie Stadt", "Stadtkreis", "Stadtstaat"),
        "stadtstaat": meta["typ"] == "Stadtstaat",
    }


def land_context(land: dict, kreis_typ: str) -> dict:
    """``land`` of the chapter texts: ``name``, ``im``/``Im`` ("in Sachsen-Anhalt", "im Saarland"),
    ``dem`` ("Sachsen-Anhalt", "dem Saarland", after "mit"), ``des`` ("des Landes Sachsen-Anhalt")."""
    name = land["name"]
    name_in = land.get("name_in", "in " + name)
    dem = "dem " + name_in[3:] if name_in.startswith("im ") else name
    return {
        "name": name,
        "im": name_in,
        "Im": name_in[:1].upper() + name_in[1:],
        "dem": dem,
        "Dem": dem[:1].upper() + dem[1:],
        "des": f"des Landes {name}",
        "schluessel": land["id"],
        "gleich_kreis": kreis_typ == "Stadtstaat",
    }
