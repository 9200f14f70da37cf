"""Rendering from the Quarto project in report/: engine choice, the built-in engine, and the real
Quarto CLI (where installed: `.ci/run` installs it) giving the same report as the built-in engine."""

import os
import re

import nbformat
import pytest
from conftest import ROOT
from pypdf import PdfReader

from sozialbericht.report import render

META = {
    "title": "Sozialbericht Testkreis 2020",
    "subtitle": "Berichtsjahr 2020 · Version 1",
    "datenstand": "Datenstand: Bevölkerung 31.12.2020",
    "herausgeber": "Testkreis, Teststadt",
    "versionsstempel": "Versionsstempel: Version 1",
    "lang": "de",
}
TABLE = (
    "| Gemeinde | Einwohner |\n|:--|--:|\n| Astadt | 12.345 |\n| Bedorf | 6.789 |\n\n: Einwohner je Gemeinde {#tbl-einwohner}\n"
)


def _notebook(folder):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("## Bevölkerung\n\nIm Testkreis lebten 19.134 Menschen."),
        nbformat.v4.new_code_cell(
            "print('log line')",
            outputs=[
                nbformat.v4.new_output("stream", name="stdout", text="log line\n"),
                nbformat.v4.new_output("display_data", data={"text/markdown": TABLE}),
            ],
        ),
    ]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "sozialbericht.ipynb"
    nbformat.write(nb, path)
    return path


def _render(tmp_path, engine):
    nb = _notebook(tmp_path / "work")
    return render.render(
        nb,
        tmp_path / "work" / "figures",
        tmp_path / "render",
        tmp_path / "out",
        ["html", "pdf"],
        META,
        engine,
        ROOT / "report",
        1_600_000_000,
        engine,
    )


@pytest.fixture
def no_quarto(monkeypatch):
    monkeypatch.delenv("QUARTO_PATH", raising=False)
    monkeypatch.setenv(
        "PATH", os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if not os.path.isfile(os.path.join(p, "quarto")))
    )


def test_auto_falls_back_to_builtin_engine(no_quarto):
    assert render.resolve_engine("auto") == "pandoc"
    with pytest.raises(render.RenderError, match="Quarto wurde nicht gefunden"):
        render.resolve_engine("quarto")


def _facts(html: str) -> dict:
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", re.sub(r'src="data:[^"]*"', "", body))
    return {
        "title": "Sozialbericht Testkreis 2020" in html,
        "lang": 'lang="de' in html,
        "numbers": sorted(set(re.findall(r"(?<![\d.])\d{1,3}(?:\.\d{3})+(?![\d.])", text))),
        "caption": "Einwohner je Gemeinde" in text,
        "code": "print(" in text or "log line" in text,
    }


def test_builtin_engine_renders_markdown_html_pdf(tmp_path):
    result = _render(tmp_path, "pandoc")
    assert result["engine"] == "pandoc" and result["engine_version"].startswith("Pandoc 3")
    md = (tmp_path / "out" / "sozialbericht.md").read_text(encoding="utf-8")
    assert "print(" not in md and "log line" not in md  # code and stream output are dropped
    assert "| Astadt" in md and "12.345" in md and "title: Sozialbericht Testkreis 2020" in md
    html = (tmp_path / "out" / "sozialbericht.html").read_text(encoding="utf-8")
    assert _facts(html) == {"title": True, "lang": True, "numbers": ["12.345", "19.134", "6.789"], "caption": True, "code": False}
    pdf = PdfReader(tmp_path / "out" / "sozialbericht.pdf")
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Sozialbericht Testkreis 2020" in text and "12.345" in text
    assert pdf.metadata.title == "Sozialbericht Testkreis 2020"


def test_builtin_engine_is_reproducible(tmp_path):
    _render(tmp_path / "a", "pandoc")
    _render(tmp_path / "b", "pandoc")
    for name in ("sozialbericht.md", "sozialbericht.html", "sozialbericht.pdf"):
        assert (tmp_path / "a/out" / name).read_bytes() == (tmp_path / "b/out" / name).read_bytes(), name


@pytest.mark.skipif(
    render.quarto_executable() is None, reason="Quarto ist nicht installiert (quarto.org); .ci/run installiert es für CI"
)
def test_real_quarto_gives_the_same_report_as_the_builtin_engine(tmp_path):
    quarto = _render(tmp_path / "q", "quarto")
    _render(tmp_path / "q2", "quarto")
    _render(tmp_path / "b", "pandoc")
    assert quarto["engine"] == "quarto" and quarto["engine_version"].startswith("Quarto 1.")
    for name in ("sozialbericht.html", "sozialbericht.pdf"):  # Quarto renders are reproducible too
        assert (tmp_path / "q/out" / name).read_bytes() == (tmp_path / "q2/out" / name).read_bytes(), name
    q_html = (tmp_path / "q/out/sozialbericht.html").read_text(encoding="utf-8")
    b_html = (tmp_path / "b/out/sozialbericht.html").read_text(encoding="utf-8")
    assert _facts(q_html) == _facts(b_html)
    q_pdf = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "q/out/sozialbericht.pdf").pages)
    assert "Sozialbericht Testkreis 2020" in q_pdf and "12.345" in q_pdf and "19.134" in q_pdf


def test_html_resources_are_inlined_and_a_missing_image_is_named(tmp_path):
    """The built-in engine makes the HTML self-contained itself: the stylesheet inline, images as
    data URIs; an image that is not there is a German error naming it (nothing half-written)."""
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "a.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    (tmp_path / "style.css").write_text("body { color: #111; }\n", encoding="utf-8")
    page = tmp_path / "page.html"
    head = f'<link rel="stylesheet" href="{tmp_path / "style.css"}" />'
    page.write_text(f'{head}<img alt="A" src="figures/a.svg" /><img src="data:image/png;base64,AA" />', encoding="utf-8")
    html = render.embed_resources(page, tmp_path).read_text(encoding="utf-8")
    assert "<link" not in html and "body { color: #111; }" in html
    assert 'src="data:image/svg+xml;base64,PHN2ZyB4bWxucz0i' in html and 'src="data:image/png;base64,AA"' in html
    page.write_text('<img alt="B" src="figures/fehlt.svg" />', encoding="utf-8")
    with pytest.raises(render.RenderError, match="figures/fehlt.svg: die Datei fehlt"):
        render.embed_resources(page, tmp_path)
    page.write_text('<img alt="C" src="https://example.org/c.png" />', encoding="utf-8")
    with pytest.raises(render.RenderError, match="nicht im Internet"):
        render.embed_resources(page, tmp_path)


def test_typst_error_is_a_render_error_with_the_diagnostic(tmp_path):
    """Typst runs in a process of its own; its diagnostic reaches the planner as a RenderError."""
    typ = tmp_path / "kaputt.typ"
    typ.write_text("#let x = (\n", encoding="utf-8")
    (tmp_path / "fonts").mkdir()
    with pytest.raises(render.RenderError, match="Typst konnte kaputt.typ nicht setzen: .+"):
        render.compile_pdf(typ, tmp_path / "kaputt.pdf", 0)
    assert not (tmp_path / "kaputt.pdf").exists()
