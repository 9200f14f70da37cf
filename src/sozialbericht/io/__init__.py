"""One reader per native input format. Every reader returns a tidy long table (see ``tidy``)."""

from sozialbericht.io.genesis import read_genesis_csv, read_genesis_ffcsv
from sozialbericht.io.gvisys import read_gvisys
from sozialbericht.io.geo import read_vg5000

__all__ = ["read_genesis_csv", "read_genesis_ffcsv", "read_gvisys", "read_vg5000"]
from sozialbericht.io.district import read_district_table  # noqa: E402

__all__.append("read_district_table")
