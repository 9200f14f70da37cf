"""Reproducible Sozialbericht pipeline, one sub-package per stage of the workflow.

``core`` (shared ground) ← ``validate`` ← ``ingest``; ``core`` ← ``compute`` ← ``report`` ←
``publish``; ``tools`` (the command line) may use all of them. Each sub-package's ``MAY_IMPORT``
names what it may import; tests/unit/test_architecture.py enforces it.
"""

__version__ = "0.1.0"
