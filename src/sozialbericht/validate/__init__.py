"""Validation of staged tidy tables: Great Expectations suites per dataset, plausibility rules
across tables and the German quality reports (``results/validation/``).

Knows tables, not files: the readers live in ``ingest``, which calls these checks before it stages
a district's own data. Rule file: ``rules/validate.smk``.

May import: ``core``.
"""

#: The sub-packages this one may import (checked by tests/unit/test_architecture.py).
MAY_IMPORT = ("core",)
