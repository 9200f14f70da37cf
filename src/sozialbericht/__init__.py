"""Reproducible Sozialbericht pipeline: readers, validation, indicators, figures, rendering."""

__version__ = "0.1.0"
