"""Rendering an executed report notebook into Markdown, HTML and PDF — with Quarto or the built-in
engine (Pandoc + Typst), from the same sources in ``report/``.

Both engines work in a render folder per district and year (``…/render/``) that holds a copy of
the Quarto project (``_quarto.yml``, partials, styles, fonts), the executed notebook with its
YAML front matter as first cell (title, subtitle, Datenstand, version stamp …; Quarto takes
metadata from there, not from ``-M``) and its figures. The PDF of both engines is compiled from
their Typst source by the same Typst with the same fonts (DejaVu Sans, as in the charts), a fixed
timestamp and PDF/UA-1, so that rebuilds are byte-identical. The Markdown twin
``sozialbericht.md`` comes from the built-in converter in both cases.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pypandoc
import yaml

from sozialbericht.core.errors import RenderError

MARKDOWN_FORMAT = "markdown+fenced_divs+pipe_tables+table_captions+implicit_figures+link_attributes"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def quarto_executable() -> str | None:
    """Path of the Quarto CLI, from QUARTO_PATH or PATH, or None."""
    env = os.environ.get("QUARTO_PATH")
    if env and Path(env).is_file():
        return env
    return shutil.which("quarto")


def resolve_engine(requested: str) -> str:
    """The engine a run uses: 'auto' → 'quarto' if installed, else 'pandoc'. Resolved when the
    workflow starts, so that Quarto appearing or disappearing reruns the render step."""
    if requested == "pandoc":
        return "pandoc"
    if quarto_executable():
        return "quarto"
    if requested == "quarto":
        raise RenderError(
            "render.engine ist „quarto“, aber Quarto wurde nicht gefunden: Quarto von quarto.org installieren "
            "(oder QUARTO_PATH setzen) oder render.engine: auto wählen, dann wird das eingebaute Pandoc + Typst verwendet"
        )
    return "pandoc"


def choose_engine(requested: str) -> str:
    return resolve_engine(requested)


def fonts_dir() -> Path:
    """DejaVu Sans, the font of the charts (shipped with matplotlib), for the PDF's body text
    (found without importing matplotlib, which the report job does not otherwise need)."""
    from importlib.util import find_spec

    return Path(find_spec("matplotlib").origin).parent / "mpl-data" / "fonts" / "ttf"


def copy_fonts(target: Path) -> Path:
    """The four DejaVu Sans faces into ``target`` (the font folder Typst is given)."""
    target.mkdir(parents=True, exist_ok=True)
    for f in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf"):
        shutil.copyfile(fonts_dir() / f, target / f)
    return target


def _pandoc(source: str | Path, to: str, output: Path | None, extra: list[str], fmt: str | None = None) -> str:
    try:
        return pypandoc.convert_file(
            str(source), to, format=fmt, outputfile=str(output) if output else None, extra_args=extra, sandbox=False
        )
    except RuntimeError as exc:
        raise RenderError(f"Pandoc konnte {Path(source).name} nicht nach {to} umwandeln: {exc}") from None


def prepare(notebook: Path, figures: Path, render_dir: Path, meta: dict, report_dir: Path) -> Path:
    """A clean render folder: the report project, the fonts, the figures and the notebook with its
    front matter. Returns the notebook's path in the render folder."""
    if render_dir.exists():
        shutil.rmtree(render_dir)
    shutil.copytree(report_dir, render_dir, ignore=shutil.ignore_patterns("kapitel", "kapitel.yaml", "README.md", "_*", "*.pyc"))
    shutil.copyfile(report_dir / "_quarto.yml", render_dir / "_quarto.yml")
    copy_fonts(render_dir / "fonts")
    if figures.exists():
        shutil.copytree(figures, render_dir / "figures")
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:  # log lines (stdout/stderr) are not part of the report, in either engine
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if o.get("output_type") not in ("stream", "error")]
    metadata = yaml.safe_dump(meta, allow_unicode=True, sort_keys=True, width=10_000)
    (render_dir / "metadata.yaml").write_text(metadata, encoding="utf-8")
    front = "---\n" + metadata + "---"
    cell = nbformat.v4.new_raw_cell(front)
    cell["id"] = "front-matter"
    nb.cells.insert(0, cell)
    target = render_dir / "sozialbericht.ipynb"
    nbformat.write(nb, target)
    return target


def notebook_to_markdown(notebook: Path, output: Path) -> Path:
    """The executed notebook as standalone Pandoc Markdown (front matter + content, no code)."""
    lua = notebook.parent / "filters" / "ipynb-to-markdown.lua"
    # Pipe tables only: one table row per line, so that a changed number is a one-line diff. The
    # front matter cell (for Quarto) is dropped by the filter; the same metadata comes from the file.
    _pandoc(
        notebook,
        "markdown-smart-simple_tables-multiline_tables-grid_tables",
        output,
        [
            "--standalone",
            "--lua-filter",
            str(lua),
            "--wrap=none",
            "--markdown-headings=atx",
            f"--metadata-file={notebook.parent / 'metadata.yaml'}",
        ],
        fmt="ipynb",
    )
    return output


_TYPST = """
import json, sys, typst
timestamp, documents = int(sys.argv[1]), json.loads(sys.argv[2])
for typ, output, root, fonts in documents:
    try:
        typst.compile(typ, output=output, root=root, font_paths=[fonts], ignore_system_fonts=True,
                      timestamp=timestamp, pdf_standards=["ua-1"])
    except Exception as exc:  # typst raises its own error types with the Typst diagnostics
        sys.stderr.write(str(exc))
        sys.exit(1)
"""


def compile_pdfs(documents: list[tuple[Path, Path]], timestamp: int) -> list[Path]:
    """Typst → PDF for each ``(typ, output)``: fonts of the Typst file's folder, fixed timestamp,
    tagged PDF/UA-1. Typst runs in a short-lived process of its own (one for all documents: it
    loads the fonts once): its font and layout caches (about 90 MB) are given back when the PDFs
    are written instead of staying in the report job for its whole batch."""
    import json
    import sys

    if not documents:
        return []
    args = [[str(t), str(o), str(t.parent), str(t.parent / "fonts")] for t, o in documents]
    proc = subprocess.run(
        [sys.executable, "-c", _TYPST, str(timestamp), json.dumps(args)], capture_output=True, text=True, check=False
    )
    missing = [t for t, o in documents if not o.exists()]
    if proc.returncode != 0 or missing:
        name = missing[0].name if missing else documents[0][0].name
        raise RenderError(f"Typst konnte {name} nicht setzen: {proc.stderr.strip()[-3000:]}")
    return [o for _, o in documents]


def compile_pdf(typ: Path, output: Path, timestamp: int) -> Path:
    """One document (see compile_pdfs)."""
    return compile_pdfs([(typ, output)], timestamp)[0]


_STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)" />')
_IMAGE = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")')


def generated_resources(folder: Path) -> set[Path]:
    """What a report may embed: the stylesheets and fonts of the render folder and the figures the
    notebook wrote — files the project generated, never a path that came from a document."""
    folder = Path(folder).resolve()
    found = set(folder.glob("*.css"))
    for sub in ("figures", "fonts"):
        found |= {p for p in (folder / sub).rglob("*") if p.is_file()} if (folder / sub).is_dir() else set()
    return {p.resolve() for p in found}


def embed_resources(html: Path, folder: Path, allowed: set[Path] | None = None) -> Path:
    """Make the HTML self-contained: the stylesheet inline, every image as a data URI (what Pandoc's
    ``--embed-resources`` does, without its second pass over the whole document). Only files of
    ``allowed`` (default: :func:`generated_resources` of ``folder``) are embedded; any other
    reference stops the render — a document cannot make the report carry a file of the machine."""
    import base64
    import mimetypes
    from html import unescape
    from urllib.parse import unquote

    allowed = generated_resources(folder) if allowed is None else {Path(p).resolve() for p in allowed}

    def local(ref: str) -> Path:
        ref = unquote(unescape(ref))
        # as Pandoc resolves them: from the working folder, then from the resource folder
        path = next((p.resolve() for p in (Path(ref), folder / ref) if p.is_file()), None)
        if ":" in ref.split("/")[0] or path is None:
            raise RenderError(
                f"{ref[:200]}: die Datei fehlt im Berichtsordner (Bilder und Stilvorlagen müssen als Datei im "
                "Berichtsprojekt bzw. neben dem Kapiteltext liegen, nicht im Internet)"
            )
        if path not in allowed:
            raise RenderError(
                f"{ref[:200]}: diese Datei wird nicht in den Bericht eingebettet (eingebettet werden nur die "
                "Abbildungen, Stilvorlagen und Schriften, die das Projekt für diesen Bericht erzeugt hat)"
            )
        return path

    def style(m: re.Match) -> str:
        return '<style type="text/css">\n' + local(m[1]).read_text(encoding="utf-8") + "</style>"

    def image(m: re.Match) -> str:
        if m[2].startswith("data:"):
            return m[0]
        path = local(m[2])
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return f"{m[1]}data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}{m[3]}"

    text = _IMAGE.sub(image, _STYLESHEET.sub(style, html.read_text(encoding="utf-8")))
    html.write_text(text, encoding="utf-8")
    return html


def render_builtin(markdown: Path, out_dir: Path, formats: list[str], timestamp: int) -> dict[str, Path]:
    folder = markdown.parent
    produced = {}
    if "html" in formats:
        produced["html"] = out_dir / "sozialbericht.html"
        _pandoc(
            markdown,
            "html5",
            produced["html"],
            [
                "--standalone",
                "--toc",
                "--toc-depth=2",
                "--section-divs",
                "--number-sections",
                f"--css={folder / 'sozialbericht.css'}",
                f"--template={folder / 'partials' / 'pandoc-main.html'}",
                "--lua-filter",
                str(folder / "filters" / "figures.lua"),
                "--lua-filter",
                str(folder / "filters" / "tables.lua"),
                f"--resource-path={folder}",
                "--metadata",
                "lang=de-DE",
                "--wrap=none",
            ],
            fmt=MARKDOWN_FORMAT,
        )
        embed_resources(produced["html"], folder)
    if "pdf" in formats:
        typ = folder / "sozialbericht.typ"
        _pandoc(
            markdown,
            "typst",
            typ,
            [
                f"--template={folder / 'partials' / 'pandoc-main.typ'}",
                "--wrap=none",
                "--lua-filter",
                str(folder / "filters" / "figures.lua"),
                "--lua-filter",
                str(folder / "filters" / "typst-text.lua"),
                "--lua-filter",
                str(folder / "filters" / "table-widths.lua"),
            ],
            fmt=MARKDOWN_FORMAT,
        )
        produced["pdf"] = compile_pdf(typ, out_dir / "sozialbericht.pdf", timestamp)
    return produced


def render_quarto(notebook: Path, out_dir: Path, formats: list[str], timestamp: int) -> dict[str, Path]:
    """``quarto render sozialbericht.ipynb --to html|typst --no-execute`` in the render folder."""
    quarto = quarto_executable()
    folder = notebook.parent
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(timestamp), "NO_COLOR": "1", "QUARTO_LOG_LEVEL": "WARNING"}
    produced = {}
    for fmt, to in (("html", "html"), ("pdf", "typst")):
        if fmt not in formats:
            continue
        cmd = [quarto, "render", notebook.name, "--to", to, "--no-execute"]
        proc = subprocess.run(cmd, cwd=folder, capture_output=True, text=True, check=False, env=env)
        name = "sozialbericht.html" if fmt == "html" else "sozialbericht.typ"
        if proc.returncode != 0 or not (folder / name).exists():
            message = _ANSI.sub("", (proc.stderr or proc.stdout)[-2500:]).strip()
            raise RenderError(f"quarto render --to {to} ist fehlgeschlagen:\n{message}")
        if fmt == "html":
            produced["html"] = out_dir / "sozialbericht.html"
            shutil.move(folder / name, produced["html"])
        else:
            produced["pdf"] = compile_pdf(folder / name, out_dir / "sozialbericht.pdf", timestamp)
    return produced


def engine_version(engine: str) -> str:
    from importlib.metadata import version

    typst_version = version("typst")
    if engine == "quarto":
        out = subprocess.run([quarto_executable(), "--version"], capture_output=True, text=True, check=False)
        return f"Quarto {out.stdout.strip()} + Typst (Python typst {typst_version})"
    return f"Pandoc {pypandoc.get_pandoc_version()} + Typst (Python typst {typst_version})"


def render(
    notebook: Path,
    figures: Path,
    render_dir: Path,
    out_dir: Path,
    formats: list[str],
    meta: dict,
    engine: str,
    report_dir: Path,
    timestamp: int,
    requested: str = "auto",
) -> dict:
    """Render the executed notebook into ``out_dir``: sozialbericht.md always, plus html/pdf.

    ``engine`` is the resolved engine ('quarto' or 'pandoc'); with ``requested == 'auto'`` a
    failing Quarto falls back to the built-in engine with a warning in the result."""
    out_dir.mkdir(parents=True, exist_ok=True)
    nb = prepare(notebook, figures, render_dir, meta, report_dir)
    md = notebook_to_markdown(nb, render_dir / "sozialbericht.md")
    warning = ""
    used = engine
    if engine == "quarto":
        try:
            outputs = render_quarto(nb, out_dir, formats, timestamp)
        except RenderError as exc:
            if requested == "quarto":
                raise
            warning = f"Quarto ist fehlgeschlagen, der Bericht wurde mit dem eingebauten Pandoc + Typst gesetzt: {exc}"
            used = "pandoc"
            outputs = render_builtin(md, out_dir, formats, timestamp)
    else:
        outputs = render_builtin(md, out_dir, formats, timestamp)
    shutil.copyfile(md, out_dir / "sozialbericht.md")
    outputs["md"] = out_dir / "sozialbericht.md"
    return {
        "engine": used,
        "engine_version": engine_version(used),
        "warning": warning,
        "outputs": {k: str(v) for k, v in outputs.items()},
    }
