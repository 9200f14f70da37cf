"""Render engine selection, the built-in engine on a small notebook, and the Quarto CLI contract."""

import os
import re
import stat
import sys

import nbformat
import pytest
from pypdf import PdfReader

from sozialbericht import render


def _notebook(folder):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("## Kapitel\n\nText mit 1.234,5 Einwohnern."),
                nbformat.v4.new_code_cell("print('log line')", outputs=[
                    nbformat.v4.new_output("stream", name="stdout", text="log line\n"),
                    nbformat.v4.new_output("display_data", data={"text/markdown": "| A | B |\n|---|--:|\n| x | 6,1 % |\n\nTable: Eine Tabelle\n"})])]
    path = folder / "sozialbericht.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture
def no_quarto(monkeypatch, tmp_path):
    monkeypatch.delenv("QUARTO_PATH", raising=False)
    monkeypatch.setenv("PATH", os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if not (os.path.isfile(os.path.join(p, "quarto")))))


def test_auto_falls_back_to_builtin_engine(no_quarto):
    assert render.choose_engine("auto") == "pandoc"
    with pytest.raises(render.RenderError, match="QUARTO_PATH"):
        render.choose_engine("quarto")


def test_builtin_engine_renders_markdown_html_pdf(no_quarto, tmp_path):
    nb = _notebook(tmp_path)
    result = render.render(nb, tmp_path / "out", ["html", "pdf"], {"title": "Testbericht", "subtitle": "Version 1"}, "auto")
    assert result["engine"] == "pandoc" and result["engine_version"].startswith("Pandoc 3")
    md = (tmp_path / "out" / "sozialbericht.md").read_text(encoding="utf-8")
    assert "print(" not in md and "log line" not in md  # code and stream output are dropped
    assert re.search(r"\| x +\| +6,1 % \|", md.replace("\u00a0", " ")) and ": Eine Tabelle" in md
    html = (tmp_path / "out" / "sozialbericht.html").read_text(encoding="utf-8")
    assert "<caption>Eine Tabelle</caption>" in html and "<title>Testbericht</title>" in html
    pdf = PdfReader(tmp_path / "out" / "sozialbericht.pdf")
    assert "Testbericht" in pdf.pages[0].extract_text() and len(pdf.pages) >= 3


def test_quarto_cli_contract(tmp_path, monkeypatch):
    """A stand-in `quarto` executable records its arguments and writes the requested output:
    this checks the documented CLI call and the file handling, not Quarto itself (see the next test)."""
    log = tmp_path / "argv.txt"
    fake = tmp_path / "bin" / "quarto"
    fake.parent.mkdir()
    fake.write_text(f"""#!{sys.executable}
import sys, pathlib
args = sys.argv[1:]
pathlib.Path({str(log)!r}).open("a").write(" ".join(args) + "\\n")
if args[:1] == ["--version"]:
    print("1.6.0")
else:
    pathlib.Path(args[args.index("--output") + 1]).write_text("rendered")
""")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("QUARTO_PATH", str(fake))
    work = tmp_path / "work"
    work.mkdir()
    nb = _notebook(work)
    result = render.render(nb, tmp_path / "out", ["html", "pdf"], {"title": "Testbericht"}, "auto")
    assert result["engine"] == "quarto" and result["engine_version"] == "Quarto 1.6.0"
    calls = log.read_text().splitlines()
    assert "render sozialbericht.ipynb --to html --output sozialbericht.html --no-execute -M title:Testbericht" in calls
    assert "render sozialbericht.ipynb --to typst --output sozialbericht.pdf --no-execute -M title:Testbericht" in calls
    assert (work / "_quarto.yml").exists() and (tmp_path / "out" / "sozialbericht.pdf").read_text() == "rendered"


@pytest.mark.skipif(render.quarto_executable() is None, reason="Quarto is not installed on this machine")
def test_real_quarto_renders(tmp_path):
    nb = _notebook(tmp_path)
    result = render.render(nb, tmp_path / "out", ["html", "pdf"], {"title": "Testbericht"}, "quarto")
    assert (tmp_path / "out" / "sozialbericht.html").stat().st_size > 1000
    assert result["engine"] == "quarto"
