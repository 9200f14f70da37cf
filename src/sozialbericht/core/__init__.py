"""The ground floor: what every stage shares.

Errors for humans (``errors``), the tidy long format and its files (``tidy``, ``files``, ``ages``),
German number formatting (``formatting``), the Kreise of Germany and their names (``areas``),
the Gemeinden over time and their territorial changes (``territory``; what changed between two
directories: ``directory_changes``), configuration, its renamed keys and district selection
(``config``, ``config_keys``, ``selection``), content checksums (``checksums``), the glue of the
rule scripts (``pipeline``), decoding of text files (``text``)
and the one gate through which text from outside becomes report text (``untrusted``).

May import: nothing else of the package.
"""

#: The sub-packages this one may import (checked by tests/unit/test_architecture.py).
MAY_IMPORT = ()
