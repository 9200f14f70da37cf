"""Numbers from staged tables: the indicator catalogue applied (``indicators``), the national
step for every Kreis (``national``), its slices per Land and Kreis (``national_slices``) and its
comparable Kreise and demand tables (``national_outlook``), one district's report data
(``district``, with its comparison group, demand and small-area intervals: ``district_outlook``),
disclosure control (``disclosure``), the social index
(``social_index``), planning analyses (``planning``), the population projection of a Kreis
(``projection``), its distribution to the Gemeinden (``gemeinde_projection``), integers that add up
(``rounding``), the back-test (``backtest``), what the projection means for Kitas, schools and
care (``demand``), comparable Kreise (``peers``), 95 % intervals and flags of small-area values
(``intervals``) and the comparison of two published versions (``changes``).
Rule file: ``rules/compute.smk``.

May import: ``core``.
"""

#: The sub-packages this one may import (checked by tests/unit/test_architecture.py).
MAY_IMPORT = ("core",)
