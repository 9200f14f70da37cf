"""The names of configuration keys: renamed keys that are still read for one release, and the
code's English names of the method settings.

A configuration key uses the German name of its concept (README, "Contributing"); when a key is
renamed, its old name keeps working for one release: ``migrate`` moves it to the new place before
the schema check and a German hint says so, once per run. To rename a key: add ``(old, new)`` to
the file's list below, rename it in the schema, the shipped file, config/README.md and every
reader, and drop the entry one release later.
"""

from __future__ import annotations

import os
import sys

from sozialbericht.core.errors import InputError

#: config/config.yaml: (old key, new key) as dotted key paths, in the order they are applied.
CONFIG_RENAMED = [
    # `beratung` was the path of the counselling data standard alone
    ("beratung", "beratung.standard"),
    # the capacity benchmarks had an English key beside `beratung`: one key per concept
    ("counselling.benchmarks", "beratung.richtwerte"),
]

#: Hints shown in this run; inherited by the run's child processes through the environment.
_SHOWN_ENV = "SOZIALBERICHT_HINWEISE_GEZEIGT"


def _find(data: dict, path: str) -> tuple[bool, object]:
    node = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _remove(data: dict, path: str) -> None:
    """Remove ``path`` from ``data`` (in place at the top level, copying the nested dicts on the
    way so that a caller's shallow copy does not change the original), and parents left empty."""
    parts = path.split(".")
    chain = [data]
    for part in parts[:-1]:
        chain.append(dict(chain[-1][part]))
    del chain[-1][parts[-1]]
    for parent, part, child in reversed(list(zip(chain, parts, chain[1:]))):
        if child:
            parent[part] = child
        else:
            del parent[part]


def _put(data: dict, path: str, value) -> None:
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        node[part] = dict(node.get(part) or {})
        node = node[part]
    node[parts[-1]] = value


def migrate(data: dict, renamed: list[tuple[str, str]], source: str) -> list[str]:
    """Move every old key of ``renamed`` in ``data`` (a parsed configuration file) to its new key,
    in place; returns the German hints. A key renamed to a key below itself (``beratung`` →
    ``beratung.standard``) is old only while its value is not a mapping. Old and new key side by
    side are refused: which one would count is not clear."""
    hints = []
    for old, new in renamed:
        found, value = _find(data, old)
        if not found or (new.startswith(old + ".") and isinstance(value, dict)):
            continue
        if _find(data, new)[0]:
            raise InputError(
                source,
                f"der Schlüssel „{old}“ heißt jetzt „{new}“, und beide stehen in der Datei",
                where=f"Schlüssel '{old}' und '{new}'",
                expected=f"nur „{new}“",
                hint=f"„{old}“ löschen und seinen Wert unter „{new}“ eintragen (siehe config/README.md)",
            )
        _remove(data, old)
        _put(data, new, value)
        hints.append(
            f"Hinweis: {source}: der Schlüssel „{old}“ heißt jetzt „{new}“; der alte Name gilt nur noch bis zur "
            "nächsten Version – bitte umbenennen (siehe config/README.md)."
        )
    return hints


def show_once(hints: list[str]) -> None:
    """Print each hint on stderr once per run (the run's child processes do not repeat it)."""
    shown = set(filter(None, os.environ.get(_SHOWN_ENV, "").split("\x1f")))
    for hint in hints:
        if hint not in shown:
            print(hint, file=sys.stderr)
            shown.add(hint)
    if shown:
        os.environ[_SHOWN_ENV] = "\x1f".join(sorted(shown))


def planning_settings(config: dict) -> dict:
    """The method settings the report job hands to the district computation, under the names the
    code uses: ``social_index``, ``projection``, ``counselling`` (``benchmarks``: the capacity
    benchmarks, config key ``beratung.richtwerte``), ``handlungsbedarfe`` (the rules of the
    chapter's findings), ``disclosure`` and ``report``."""
    settings = {k: config[k] for k in ("social_index", "projection", "handlungsbedarfe") if k in config}
    benchmarks = (config.get("beratung") or {}).get("richtwerte")
    if benchmarks:
        settings["counselling"] = {"benchmarks": benchmarks}
    settings.update({k: config[k] for k in ("disclosure", "report") if k in config})
    return settings
