"""One reader per native input format. Every reader returns a tidy long table (see ``tidy``)."""

from sozialbericht.io.district import read_district_table
from sozialbericht.io.genesis import read_genesis_csv, read_genesis_ffcsv
from sozialbericht.io.geo import read_vg5000
from sozialbericht.io.gvisys import read_gvisys

__all__ = ["read_district_table", "read_genesis_csv", "read_genesis_ffcsv", "read_gvisys", "read_vg5000"]
