"""Numbers written as the TypeScript side writes them, so Python and TypeScript show the same text."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal


def to_precision(v: float, digits: int) -> float:
    """Number(v.toPrecision(digits)) in JavaScript.

    toPrecision rounds the exact binary value and takes the larger digits on a tie (0.8125 → 0.813);
    Python's format rounds a tie to even (0.812). Ties are exact binary fractions, such as survival
    13/16, so the two sides would disagree on them: round the exact value half up instead.
    """
    if v == 0 or not math.isfinite(v):
        return v
    exact = Decimal(v)
    quantum = Decimal(1).scaleb(exact.adjusted() - digits + 1)
    return float(exact.quantize(quantum, rounding=ROUND_HALF_UP))


def js_number(v: float) -> str:
    """A number as JavaScript's String(v) writes it (50 not 50.0, 0.00005 not 5e-05) for labels."""
    if float(v).is_integer() and abs(v) < 1e21:
        return str(int(v))
    text = repr(float(v))
    if "e" not in text:
        return text
    if 1e-6 <= abs(v) < 1e21:
        return format(Decimal(text), "f")
    mantissa, exponent = text.split("e")
    return f"{mantissa}e{'-' if exponent.startswith('-') else '+'}{int(exponent.lstrip('+-'))}"
