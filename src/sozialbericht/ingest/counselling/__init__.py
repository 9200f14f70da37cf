"""The counselling data standard (config/beratung.yaml): one workbook per free provider and year.

A provider with problems in its workbook is left out of the report (the report's data-quality
annex and the provider's receipt say why) unless the district demands a complete counselling
chapter (``beratung_vollstaendig: true``). Multi-problem cases are derived by one rule for all
providers, never reported by them. The providers that passed become the two staged tables of the
old aggregate template (``beratung_faelle``, ``beratung_stellen``), keyed by the provider's
Kennung and the counselling field.

What lives where:

* ``providers`` — the providers' folder of a district (``FOLDER``): which workbooks are read, which
  are not, and refusing files that claim the same provider (``read_providers``);
* ``workbook`` — one provider's workbook, read and checked (``read_provider``): the sheets and
  their columns, every problem with sheet, row and column;
* ``multiproblem`` — the multi-problem rule and its German text;
* ``tables`` — the staged tables from the accepted providers (``staged_tables``);
* ``summary`` — per provider what its receipt and the chapter need;
* ``template`` — the workbook of the standard, as the providers' template and for the synthetic
  example (``write_workbook``).
"""
