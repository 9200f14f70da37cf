"""A batch's notebooks share one kernel: each notebook starts from an empty namespace, the
modules imported before stay imported (that is what the sharing saves)."""

import nbformat

from sozialbericht.report.notebook import NotebookRunner


def test_notebooks_sharing_a_kernel_see_nothing_of_each_other(tmp_path):
    template = tmp_path / "vorlage.ipynb"
    nb = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("kreis = 'keiner'")
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [
        parameters,
        nbformat.v4.new_code_cell(
            "import sys\n"
            "assert 'vorher' not in globals(), f'Variable aus dem vorigen Notebook: {vorher}'\n"
            "assert 'sozialbericht.report.figures' in sys.modules  # imported once by the runner, kept\n"
            "vorher = kreis\n"
            "print(kreis)"
        ),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, template)
    with NotebookRunner() as run:
        for kreis in ("harz", "salzlandkreis", "boerde"):
            out = run(template, tmp_path / f"{kreis}.ipynb", {"kreis": kreis})
            cells = nbformat.read(out, as_version=4).cells
            assert cells[-1].outputs[0]["text"].strip() == kreis
            assert [c.execution_count for c in cells if c.cell_type == "code"] == [1, 2, 3]
