"""The rounding of the generator of synthetic example data: parts that add up to the total exactly
(the generated files themselves against the real Kreis totals: tests/e2e/test_synthetic.py)."""

from sozialbericht.tools.synthetic import largest_remainder


def test_largest_remainder_adds_up_exactly():
    parts = largest_remainder(10, [1, 1, 1])
    assert parts.sum() == 10 and sorted(parts) == [3, 3, 4]
