"""Which districts a run reports on, with the configuration of each.

``districts:`` in config/config.yaml (or ``make report DISTRICTS=…``) lists district ids, Kreis
keys, ``land:<key>`` or ``all``. A Kreis whose key one of the files in ``config/districts/`` has
uses that file; every other Kreis gets generated defaults (names and kind from the national
boundaries, years from config.yaml), so that any Kreis of Germany can be reported on without a
hand-written file. Batches group districts for the report step (one kernel per batch).
"""

from __future__ import annotations

from pathlib import Path

from sozialbericht.core.areas import Kreis, district_ids
from sozialbericht.core.errors import InputError


def generated(kreis: Kreis, district_id: str, defaults: dict) -> dict:
    """The configuration a Kreis gets without a file of its own."""
    return {
        "id": district_id,
        "kreis": kreis.key,
        "name": kreis.name,
        "name_in": kreis.name_in,
        "name_des": kreis.name_des,
        "typ": kreis.typ,
        "base_year": defaults.get("base_year", 2015),
        "version": defaults.get("version", "1"),
    }


def complete(district: dict, kreis: Kreis | None, defaults: dict) -> dict:
    """A district file's configuration with the generated values for every key it leaves out."""
    base = (
        generated(kreis, district["id"], defaults)
        if kreis
        else {"base_year": defaults.get("base_year", 2015), "version": defaults.get("version", "1")}
    )
    return {**base, **district}


def select(
    selectors: list[str],
    files: dict[str, dict],
    kreise: dict[str, Kreis],
    defaults: dict,
    config_file: str = "config/config.yaml",
) -> dict[str, dict]:
    """District id → complete configuration for every selected district, in selection order.

    ``files``: district id → its (checked) file configuration; ``kreise``: every Kreis by key."""
    ids = district_ids(kreise)
    by_key: dict[str, str] = {}
    for did, d in sorted(files.items()):
        if d["kreis"] in by_key:
            raise InputError(
                f"config/districts/{did}.yaml",
                f"zwei Kreiskonfigurationen nennen denselben Kreis {d['kreis']}",
                where="Schlüssel 'kreis'",
                found=[by_key[d["kreis"]], did],
                expected="höchstens eine Datei je Kreis",
            )
        by_key[d["kreis"]] = did
    chosen: list[str] = []
    for sel in selectors:
        if sel == "all":
            keys = sorted(kreise)
        elif sel.startswith("land:"):
            keys = sorted(k for k in kreise if k[:2] == sel[5:])
            if not keys:
                raise InputError(
                    config_file,
                    f"kein Kreis im Land {sel[5:]}",
                    where="Schlüssel 'districts'",
                    found=sel,
                    expected="land:01 … land:16",
                )
        elif sel.isdigit():
            if sel not in kreise:
                raise InputError(
                    config_file,
                    "unbekannter Kreisschlüssel (unknown Kreisschlüssel)",
                    where="Schlüssel 'districts'",
                    found=sel,
                    expected="einen fünfstelligen Kreisschlüssel der Regionalstatistik, z. B. 15085 (Harz)",
                )
            keys = [sel]
        else:
            if sel not in files:
                known = ", ".join(sorted(files)) or "keine"
                raise InputError(
                    f"config/districts/{sel}.yaml",
                    "Kreiskonfiguration nicht gefunden (configuration file not found)",
                    where="Schlüssel 'districts'",
                    found=sel,
                    expected=f"eine Datei config/districts/<id>.yaml (vorhanden: {known}) oder einen Kreisschlüssel",
                    hint="`.venv/bin/sozialbericht kreis-anlegen <Kreisschlüssel>` legt die Datei an",
                )
            keys = [files[sel]["kreis"]]
        for k in keys:
            did = by_key.get(k, ids.get(k, k))
            if did not in chosen:
                chosen.append(did)
    out = {}
    key_of = {did: k for k, did in by_key.items()}
    for did in chosen:
        if did in files:
            out[did] = complete(files[did], kreise.get(files[did]["kreis"]), defaults)
        else:
            key = next(k for k, i in ids.items() if i == did and k not in by_key) if did not in key_of else key_of[did]
            out[did] = generated(kreise[key], did, defaults)
    return out


def batches(districts: dict[str, dict], size: int) -> dict[str, list[str]]:
    """Batch id → district ids. Every district of a small selection (up to ``size``) is a batch
    of its own (batch id = district id); otherwise the districts of a Land are grouped in order,
    ``size`` per batch (batch id "b<Land>-<n>"). Districts with own small-area data are grouped
    like the others: data of theirs that do not pass fail only them (see ingest/own_data.py)."""
    if len(districts) <= size:
        return {d: [d] for d in districts}
    out: dict[str, list[str]] = {}
    by_land: dict[str, list[str]] = {}
    for did, d in districts.items():
        by_land.setdefault(d["kreis"][:2], []).append(did)
    for land, members in sorted(by_land.items()):
        members = sorted(members, key=lambda did: districts[did]["kreis"])
        for n in range(0, len(members), size):
            out[f"b{land}-{n // size + 1}"] = members[n : n + size]
    return out


def district_files(root: Path) -> list[Path]:
    return sorted((root / "config" / "districts").glob("*.yaml"))
