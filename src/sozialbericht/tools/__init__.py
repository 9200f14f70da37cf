"""Commands around the pipeline: the command line (``cli``), ``kreis-anlegen``
(``init_district``), the synthetic example data (``synthetic``), the page check of rendered PDFs
(``pagecheck``) and the disclosure audit (``disclosure_audit``).

May import: every stage. Nothing of the package imports ``tools``.
"""

#: The sub-packages this one may import (checked by tests/unit/test_architecture.py).
MAY_IMPORT = ("core", "validate", "ingest", "compute", "report", "publish")
