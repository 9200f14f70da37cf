"""Validation of staged tidy tables: Great Expectations suites per dataset, plausibility rules
across tables and the German quality reports (``results/validation/``).

What lives where:

* ``suites`` — the suites of each validation and its entry points: ``validate_staged`` (the
  national tables of a report year) and ``district_checks`` (a district's own tables);
* ``expectations`` — Great Expectations suites as code (``Check``, the base suite of a table, the
  expectations on a rule frame) and running them (``run_checks``);
* ``rules`` — plausibility rules on values (parts ≤ whole, ranges, changes, hierarchy, counts ≤
  population, agreement between tables, sums, area names);
* ``completeness`` — rules on presence (no gaps in a series, every Gemeinde, every Kreis in
  every directory, every variable);
* ``frames`` — the frames the checks work on (a table with year and Kreis, the rule frame);
* ``messages`` — one German line per failure: file, line, area, value, what is expected.

Knows tables, not files: the readers live in ``ingest``, which calls these checks before it stages
a district's own data. Rule file: ``rules/validate.smk``.

May import: ``core``.
"""

#: The sub-packages this one may import (checked by tests/unit/test_architecture.py).
MAY_IMPORT = ("core",)
