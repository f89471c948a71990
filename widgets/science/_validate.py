"""Input checks shared by the science functions.

Every check raises ``ValueError`` whose message names the field and its allowed
range or values, so a learner (or a teacher editing a preset) sees what to fix.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Integral, Real

__all__ = ["check_choice", "check_count", "check_flag", "check_fraction", "check_range"]


def _describe_range(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    if low is not None and high is not None:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        return f"in {left}{low:g}, {high:g}{right}"
    if low is not None:
        return f"{'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f"{'<' if high_open else '<='} {high:g}"
    return "a finite number"


def check_range(
    name: str,
    value: object,
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
    unit: str = "",
) -> float:
    """Return ``value`` as a float if it is a finite number within the bounds, else raise."""
    allowed = _describe_range(low, high, low_open, high_open)
    suffix = f" {unit}" if unit else ""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a number {allowed}{suffix}; got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number {allowed}{suffix}; got {value!r}")
    too_low = low is not None and (x <= low if low_open else x < low)
    too_high = high is not None and (x >= high if high_open else x > high)
    if too_low or too_high:
        raise ValueError(f"{name} must be {allowed}{suffix}; got {value!r}")
    return x


def check_fraction(name: str, value: object) -> float:
    """A fraction in [0, 1]."""
    return check_range(name, value, 0.0, 1.0)


def check_count(name: str, value: object, low: int = 0, high: int | None = None) -> int:
    """A whole number (not a bool, not fractional) within ``[low, high]``."""
    allowed = f"a whole number from {low}" + (f" to {high}" if high is not None else " upwards")
    if isinstance(value, bool):
        raise ValueError(f"{name} must be {allowed}; got {value!r}")
    if isinstance(value, Integral):
        n = int(value)
    elif isinstance(value, Real) and math.isfinite(float(value)) and float(value).is_integer():
        n = int(value)
    else:
        raise ValueError(f"{name} must be {allowed}; got {value!r}")
    if n < low or (high is not None and n > high):
        raise ValueError(f"{name} must be {allowed}; got {value!r}")
    return n


def check_choice(name: str, value: object, allowed: Iterable[str]) -> str:
    """One of the ``allowed`` strings."""
    options = list(allowed)
    if not isinstance(value, str) or value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {listed}; got {value!r}")
    return value


def check_flag(name: str, value: object) -> bool:
    """A true/false answer."""
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False; got {value!r}")
    return value
