"""From the files the statistical offices and the districts publish to staged tidy tables.

One reader per native format (``genesis``, ``gvisys``, ``geo``, ``xlsx``, ``templates`` for the
district templates), the staging of national tables (``staging``), a district's own small-area
data (``own_data``), the counselling data standard of the free providers (the sub-package
``counselling``) and which raw files a run reads (``inputs``).
Rule file: ``rules/ingest.smk``.

May import: ``core``, ``validate``.
"""

#: The sub-packages this one may import (checked by tests/unit/test_architecture.py).
MAY_IMPORT = ("core", "validate")
