"""German number and date formatting: the one formatter used by every table, text and figure."""

from __future__ import annotations

import math

NBSP = "\u00a0"
MINUS = "\u2212"  # typographic minus, read as "minus" by screen readers
_GERMAN = str.maketrans({",": ".", ".": ","})


#: Indicator methods whose values are changes or balances: shown with their sign (+1,5 / −4,7).
SIGNED_METHODS = ("change", "balance", "diff_pct")


def number(value: float | None, decimals: int = 0, flag: str = "", sign: bool = False) -> str:
    """210975 → "210.975"; 6.1 → "6,1" (decimals 1). A missing value shows its official marker.
    ``sign``: a change or balance, positive values get a "+" (zero none)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return flag or "."
    if sign and round(float(value), decimals) > 0:
        return "+" + number(value, decimals, flag)
    # the German pattern #.##0,0 (as CLDR's de_DE), by Python's formatter: the same digits as Babel
    # (compared on 800.000 values) at a hundredth of the cost, which matters for ~10^5 check messages
    text = f"{round(float(value), decimals) + 0.0:,.{decimals}f}".translate(_GERMAN).replace("-", MINUS)
    return text + (f"{NBSP}{flag}" if flag in ("p", "r") else "")


def signed(value: float | None, decimals: int = 1) -> str:
    """Number with an explicit sign: +1,2 / −4,7 (typographic minus)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "."
    text = number(abs(value), decimals)
    if round(value, decimals) == 0:
        return text
    return ("+" if value > 0 else MINUS) + text


def with_unit(value: float | None, unit: str, decimals: int, flag: str = "", sign: bool = False) -> str:
    """6.1, "%" → "6,1 %"; 210975, "Anzahl" → "210.975"; 52.7, "je 100" → "52,7 je 100"."""
    text = number(value, decimals, flag, sign)
    if value is None or (isinstance(value, float) and math.isnan(value)) or unit in ("Anzahl", ""):
        return text
    return f"{text}{NBSP}{unit}"


def date(period: str) -> str:
    """ISO period → German: "2020-12-31" → "31.12.2020"; "2020" → "2020"."""
    p = str(period)
    if len(p) == 10:
        return f"{p[8:10]}.{p[5:7]}.{p[:4]}"
    return p


def development(first: float, last: float, decimals: int = 1, unit: str = "") -> str:
    """The verb of a change chosen from the values as printed: "stieg von 28,8 auf 29,6", "sank von
    29,6 auf 28,8", or "blieb mit 29,6 nahezu unverändert" where both round to the same number."""
    a, b = round(float(first), decimals), round(float(last), decimals)
    u = f" {unit}" if unit else ""
    if a == b:
        return f"blieb mit {number(last, decimals)}{u} nahezu unverändert"
    return f"{'stieg' if b > a else 'sank'} von {number(first, decimals)}{u} auf {number(last, decimals)}{u}"


def extremes(high_name: str, high: float, low_name: str, low: float, decimals: int = 1) -> str:
    """The largest and the smallest change among areas, in words that fit their signs as printed:
    "die stärkste Zunahme hatte A (+2,1 %), die stärkste Abnahme B (−3,4 %)"; where all areas
    shrank "den geringsten Rückgang hatte A …", where all grew "… die geringste Zunahme B …", and a
    change that rounds to zero is "nahezu unverändert"."""
    hi, lo = round(float(high), decimals), round(float(low), decimals)
    if hi > 0:
        first = f"die stärkste Zunahme hatte {high_name} ({signed(high, decimals)} %)"
    elif hi == 0:
        first = f"am höchsten lag {high_name} (nahezu unverändert)"
    else:
        first = f"den geringsten Rückgang hatte {high_name} ({signed(high, decimals)} %)"
    if lo < 0:
        second = f"die stärkste Abnahme {low_name} ({signed(low, decimals)} %)"
    elif lo == 0:
        second = f"am niedrigsten lag {low_name} (nahezu unverändert)"
    else:
        second = f"die geringste Zunahme {low_name} ({signed(low, decimals)} %)"
    return f"{first}, {second}"


def year_span(years) -> tuple[int, str]:
    """The first year and the span of the years a series actually has: (2015, "2015–2020"), or
    (2020, "2020") for a single year — never a span the data do not reach."""
    ys = sorted({int(y) for y in years})
    if not ys:
        raise ValueError("no years")
    return ys[0], str(ys[0]) if len(ys) == 1 else f"{ys[0]}–{ys[-1]}"
