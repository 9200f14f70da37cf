"""Writing the report: the chapters (``chapters``: one module per chapter of
``report/kapitel.yaml``, and ``chapters.common`` with what they share), the report they fill
(``model.Bericht``: figures, tables, values, chapter templates), the district's precomputed tables
(``data``), the rules of the findings of "Handlungsbedarfe" (``findings``), the values and names
the texts print (``values``, ``names``), Markdown tables and
figure lists (``markdown``), the sandboxed chapter templates (``templates``), figures
(``figures``; the social index's map and rank intervals: ``index_figures``; children and care of
the demand from the projection: ``demand_figures``; the Vergleichskreise: ``peer_figures``), what the
texts say about the Vergleichskreise and the demand (``outlook``), the weighting and
robustness tables of the social index as they are printed (``weighting``), executing the notebook (``notebook``) and rendering it to Markdown, HTML and PDF
(``render``).

May import: ``core``, ``compute``.
"""

#: The sub-packages this one may import (checked by tests/unit/test_architecture.py).
MAY_IMPORT = ("core", "compute")
