"""Publishing a report version: the batch job that computes, renders and exports
(``batch``), the table exports (``exports``), open data (``opendata``), the providers' data
receipts (``receipts``), the feedback to the participants of the weighting of the social index
(``participation_notes``), version identity and manifest (``versioning``) and the atomic swap of
the published folder (``atomic``). Rule file: ``rules/report.smk``.

May import: ``core``, ``compute``, ``report``.
"""

#: The sub-packages this one may import (checked by tests/unit/test_architecture.py).
MAY_IMPORT = ("core", "compute", "report")
