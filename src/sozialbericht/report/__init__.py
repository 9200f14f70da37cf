"""Writing the report: the report model with named values for the chapter texts (``model``),
the chapters (``chapters``: one module per chapter of ``report/kapitel.yaml``), figures
(``figures``), executing the notebook (``notebook``) and rendering it to Markdown, HTML and PDF
(``render``).

May import: ``core``, ``compute``.
"""

#: The sub-packages this one may import (checked by tests/unit/test_architecture.py).
MAY_IMPORT = ("core", "compute")
