"""The sandboxed Jinja environment of the chapter texts (``report/kapitel/*.md``, a district's own
texts) and the providers' receipts, and the German messages for what a template did wrong."""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

from sozialbericht.core import formatting as fmt
from sozialbericht.core.errors import InputError
from sozialbericht.report.names import german_list, short_name


class TextLoader(jinja2.BaseLoader):
    """Loads templates only from allowed folders: ``report/`` and the folders of the district's own
    texts. A name is a path inside one of them (absolute, or relative to the first folder that has
    it); anything else — ``/etc/passwd``, ``../../data/raw/…``, a symbolic link pointing out — is
    not found. Files are read as :func:`read_outside_text` reads texts (UTF-8 or Windows-1252)."""

    def __init__(self, folders: tuple[Path, ...]):
        self.folders = tuple(Path(f).resolve() for f in folders)

    def get_source(self, environment, template):
        from sozialbericht.core.untrusted import read_outside_text

        name = Path(template)
        candidates = [name] if name.is_absolute() else [f / name for f in self.folders]
        for candidate in candidates:
            path = candidate.resolve()
            if path.is_file() and any(path.is_relative_to(f) for f in self.folders):
                mtime = path.stat().st_mtime
                return read_outside_text(path), str(path), lambda: path.exists() and path.stat().st_mtime == mtime
        raise jinja2.TemplateNotFound(template)


@functools.cache
def templates(folders: tuple[Path, ...]) -> jinja2.Environment:
    """The sandboxed template environment of the chapter texts and receipts, with the German number
    filters (one per set of folders and process, so that a kernel shared by a batch compiles each
    chapter once). Sandboxed: a template cannot reach Python internals or files outside
    ``folders``; every ``{{ value }}`` is printed as text (:func:`untrusted.finalize`) unless the
    project's code built it as Markdown."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from sozialbericht.core import untrusted

    env = ImmutableSandboxedEnvironment(
        loader=TextLoader(folders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        finalize=untrusted.finalize,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        zahl=lambda v, d=0: fmt.number(float(v), d),
        vorzeichen=lambda v, d=1: fmt.signed(float(v), d),
        datum=fmt.date,
        liste=german_list,
        kurz=short_name,
        satz=lambda t: t.rstrip() if t.rstrip().endswith(".") else t.rstrip() + ".",
        fett=untrusted.bold,
    )
    return env


def template_error(exc: Exception, path: Path) -> InputError | None:
    """A German message for what a text template did wrong (file and line), or None."""
    from jinja2.sandbox import SecurityError

    if isinstance(exc, jinja2.TemplateSyntaxError):
        return InputError(
            path,
            f"Fehler in der Textvorlage: {exc.message}",
            where=f"Zeile {exc.lineno}",
            hint="Platzhalter stehen in {{ … }}, Bedingungen in {% if … %} … {% endif %}",
        )
    if isinstance(exc, jinja2.UndefinedError):
        return InputError(
            path,
            f"unbekannter Wert in der Textvorlage: {exc.message}",
            where=_template_line(exc, path),
            hint="die Schreibweise des Platzhalters prüfen; verfügbare Werte stehen in report/README.md",
        )
    if isinstance(exc, SecurityError):
        return InputError(
            path,
            "die Textvorlage greift auf interne Eigenschaften zu, die Textvorlagen nicht erlaubt sind",
            where=_template_line(exc, path),
            found=str(exc)[:200],
            hint="in Textvorlagen nur die Platzhalter aus report/README.md verwenden",
        )
    if isinstance(exc, jinja2.TemplateNotFound):
        return InputError(
            path,
            f"die Textvorlage bindet „{exc.name}“ ein; eingebunden werden dürfen nur Texte aus report/ "
            "und aus den Ordnern der Texte des Kreises",
            where=_template_line(exc, path),
            hint="den Text in den Ordner der Kreistexte legen oder die Zeile mit include/import entfernen",
        )
    return None


def _template_line(exc: Exception, path: Path) -> str:
    import traceback

    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename == str(path.resolve()) or frame.filename.endswith(path.name):
            return f"Zeile {frame.lineno}"
    return "(Zeile unbekannt)"
