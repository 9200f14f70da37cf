"""Rendering an executed report notebook into Markdown, HTML and PDF.

Two engines render the same source: Quarto (preferred, when installed: ``quarto`` on PATH or
``QUARTO_PATH``) and the built-in engine made of Pandoc (``pypandoc-binary``) and Typst
(``typst``). The built-in engine first turns the notebook into Pandoc Markdown — the text twin
``sozialbericht.md`` that reviewers diff — and renders HTML and PDF from it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from importlib.resources import files
from pathlib import Path

import pypandoc

ASSETS = files("sozialbericht") / "assets"
MARKDOWN_FORMAT = "markdown+fenced_divs+pipe_tables+table_captions+implicit_figures"


class RenderError(RuntimeError):
    """A renderer failed; the message carries the renderer's own output."""


def quarto_executable() -> str | None:
    """Path of the Quarto CLI, from QUARTO_PATH or PATH, or None."""
    env = os.environ.get("QUARTO_PATH")
    if env and Path(env).is_file():
        return env
    return shutil.which("quarto")


def choose_engine(requested: str) -> str:
    """'auto' → 'quarto' if installed, else 'pandoc'. 'quarto' fails when Quarto is missing."""
    if requested == "pandoc":
        return "pandoc"
    if quarto_executable():
        return "quarto"
    if requested == "quarto":
        raise RenderError("render.engine is 'quarto' but Quarto was not found (install it or set QUARTO_PATH, "
                          "or set render.engine: auto to fall back to the built-in Pandoc + Typst engine)")
    return "pandoc"


def _pandoc(source: str | Path, to: str, output: Path | None, extra: list[str], fmt: str | None = None) -> str:
    try:
        return pypandoc.convert_file(str(source), to, format=fmt, outputfile=str(output) if output else None,
                                     extra_args=extra, sandbox=False)
    except RuntimeError as exc:
        raise RenderError(f"pandoc failed converting {source} to {to}: {exc}") from None


def _meta_args(meta: dict) -> list[str]:
    return [arg for k, v in meta.items() for arg in ("--metadata", f"{k}={v}")]


def notebook_to_markdown(notebook: Path, output: Path, meta: dict) -> Path:
    """The executed notebook as standalone Pandoc Markdown (YAML title block + content, no code)."""
    lua = ASSETS / "ipynb-to-markdown.lua"
    # Pipe tables only: one table row per line, so that a changed number is a one-line diff.
    _pandoc(notebook, "markdown-simple_tables-multiline_tables-grid_tables", output,
            ["--standalone", "--lua-filter", str(lua), "--wrap=none", "--markdown-headings=atx", *_meta_args(meta)],
            fmt="ipynb")
    return output


def markdown_to_html(markdown: Path, output: Path) -> Path:
    """Self-contained HTML (figures and styles embedded, nothing loaded from the internet)."""
    css, template = ASSETS / "sozialbericht.css", ASSETS / "sozialbericht.html"
    _pandoc(markdown, "html5", output,
            ["--standalone", "--embed-resources", "--toc", "--toc-depth=2", "--section-divs", f"--css={css}",
             f"--template={template}",
             f"--resource-path={markdown.parent}", "--metadata", "lang=de-DE", "--wrap=none"], fmt=MARKDOWN_FORMAT)
    return output


def markdown_to_pdf(markdown: Path, output: Path) -> Path:
    """PDF through Typst: title page, table of contents, page numbers, embedded figures."""
    import typst

    template = ASSETS / "sozialbericht.typst"
    typ = markdown.with_suffix(".typ")
    _pandoc(markdown, "typst", typ, [f"--template={template}", "--wrap=none", "--shift-heading-level-by=-1"],
            fmt=MARKDOWN_FORMAT)
    try:
        typst.compile(str(typ), output=str(output), root=str(markdown.parent), ignore_system_fonts=True, timestamp=0)
    except Exception as exc:  # typst raises its own error types with the Typst diagnostics
        raise RenderError(f"typst failed compiling {typ}: {exc}") from None
    return output


def render_quarto(notebook: Path, out_dir: Path, formats: list[str], meta: dict) -> dict[str, Path]:
    """Render with the Quarto CLI, as documented: ``quarto render <file> --to <format> --output <name>
    --no-execute -M key:value``. Format options (code hidden, self-contained HTML, Typst PDF with
    table of contents) come from the ``_quarto.yml`` written next to the notebook.
    """
    quarto = quarto_executable()
    folder = notebook.parent
    shutil.copyfile(ASSETS / "_quarto.yml", folder / "_quarto.yml")
    shutil.copyfile(ASSETS / "sozialbericht.css", folder / "sozialbericht.css")
    produced = {}
    for fmt, to in (("html", "html"), ("pdf", "typst")):
        if fmt not in formats:
            continue
        cmd = [quarto, "render", notebook.name, "--to", to, "--output", f"sozialbericht.{fmt}", "--no-execute",
               *[arg for k, v in meta.items() for arg in ("-M", f"{k}:{v}")]]
        proc = subprocess.run(cmd, cwd=folder, capture_output=True, text=True, check=False)
        if proc.returncode != 0 or not (folder / f"sozialbericht.{fmt}").exists():
            raise RenderError(f"quarto render failed ({' '.join(cmd[1:5])} …):\n{proc.stderr[-2000:]}")
        produced[fmt] = out_dir / f"sozialbericht.{fmt}"
        shutil.move(folder / f"sozialbericht.{fmt}", produced[fmt])
    return produced


def engine_version(engine: str) -> str:
    if engine == "quarto":
        out = subprocess.run([quarto_executable(), "--version"], capture_output=True, text=True, check=False)
        return f"Quarto {out.stdout.strip()}"
    import typst

    return f"Pandoc {pypandoc.get_pandoc_version()} + Typst (Python typst {typst.__version__})"


def render(notebook: Path, out_dir: Path, formats: list[str], meta: dict, engine: str = "auto") -> dict:
    """Render the executed notebook into ``out_dir``: sozialbericht.md always, plus html/pdf as asked.

    Returns the files written and the engine used.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    chosen = choose_engine(engine)
    md = notebook_to_markdown(notebook, notebook.parent / "sozialbericht.md", meta)
    outputs = {"md": md}
    if chosen == "quarto":
        outputs.update(render_quarto(notebook, out_dir, formats, meta))
    else:
        if "html" in formats:
            outputs["html"] = markdown_to_html(md, out_dir / "sozialbericht.html")
        if "pdf" in formats:
            outputs["pdf"] = markdown_to_pdf(md, out_dir / "sozialbericht.pdf")
    shutil.copyfile(md, out_dir / "sozialbericht.md")
    outputs["md"] = out_dir / "sozialbericht.md"
    return {"engine": chosen, "engine_version": engine_version(chosen), "outputs": {k: str(v) for k, v in outputs.items()}}
