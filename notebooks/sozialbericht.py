# The report notebook as plain Python (cells separated by "# %%"). notebooks/sozialbericht.ipynb
# is built from this file by `python notebooks/build_notebook.py` (and checked by the tests):
# edit here, review here. The notebook is a driver: each chapter of report/kapitel.yaml is computed
# by its module in src/sozialbericht/report/chapters/ (figures, tables, values); the German text is
# in report/kapitel/*.md.

# %% tags=["parameters"]
# Parameters (papermill replaces these values; see sozialbericht.report.notebook)
district = "harz"
year = 2020
work_dir = "results/work/2020/harz/harz/indikatoren"
report_dir = "report"
out_dir = "results/work/2020/harz/harz/notebook"
texte = {}

# %% the shared state of the chapters: data, names, the report under construction
from sozialbericht.report.chapters import common, in_build_order

c = common.build_context(district, year, work_dir, report_dir, out_dir, texte)

# %% the chapters of report/kapitel.yaml, each built by src/sozialbericht/report/chapters/<id>.py
for chapter in in_build_order(report_dir):
    chapter.build(c)

# %%
#| output: asis
from IPython.display import display  # noqa: E402

for text in c.bericht.markdown():
    display({"text/markdown": text}, raw=True)
c.bericht.write_usage(f"{out_dir}/verwendung.json")
