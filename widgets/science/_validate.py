"""Input checks shared by the science functions, and the check on what they return.

Every check raises ``ValueError`` whose message names the field and its allowed
range or values, so a learner (or a teacher editing a preset) sees what to fix.
A check looks at the value as given before converting it: ``True`` is not a
number, ``10**400`` is out of range (not an ``OverflowError``), ``3.5`` is not a
whole number, and NaN or an infinity is never in range. ``finite_result`` is the
last check before a result leaves the science layer: every number in it finite.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Iterable, Mapping
from numbers import Integral, Real
from typing import Any, TypeVar

import numpy as np

# ``finite_result`` (the decorator on every public science function) is imported by the
# topic modules directly; it is not itself a science function.
__all__ = ["check_choice", "check_count", "check_flag", "check_fraction", "check_range"]

F = TypeVar("F", bound=Callable[..., Any])


def _check_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"name must be the field's name (a non-empty string); got {name!r}")
    return name


def _check_bound(which: str, bound: object) -> float | None:
    """A bound of a range: None (no bound) or a finite real number."""
    if bound is None:
        return None
    if isinstance(bound, bool) or not isinstance(bound, Real):
        raise ValueError(f"{which} must be a finite number or None; got {bound!r}")
    try:
        value = float(bound)
    except OverflowError:
        raise ValueError(f"{which} must be a finite number or None; got {bound!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"{which} must be a finite number or None; got {bound!r}")
    return value


def _check_option(which: str, value: object) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{which} must be True or False; got {value!r}")
    return bool(value)


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
    name = _check_name(name)
    low = _check_bound("low", low)
    high = _check_bound("high", high)
    low_open = _check_option("low_open", low_open)
    high_open = _check_option("high_open", high_open)
    if not isinstance(unit, str):
        raise ValueError(f"unit must be a string; got {unit!r}")
    if low is not None and high is not None and low > high:
        raise ValueError(f"low must be <= high; got low={low!r}, high={high!r}")
    allowed = _describe_range(low, high, low_open, high_open)
    suffix = f" {unit}" if unit else ""
    shown = _short(value)
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a number {allowed}{suffix}; got {shown}")
    try:
        x = float(value)
    except (OverflowError, ValueError, TypeError):
        raise ValueError(f"{name} must be a finite number {allowed}{suffix}; got {shown}") from None
    if not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number {allowed}{suffix}; got {shown}")
    too_low = low is not None and (x <= low if low_open else x < low)
    too_high = high is not None and (x >= high if high_open else x > high)
    if too_low or too_high:
        raise ValueError(f"{name} must be {allowed}{suffix}; got {shown}")
    return x


def check_fraction(name: str, value: object) -> float:
    """A fraction in [0, 1]."""
    return check_range(name, value, 0.0, 1.0)


def check_count(name: str, value: object, low: int = 0, high: int | None = None) -> int:
    """A whole number (not a bool, not fractional) within ``[low, high]``."""
    name = _check_name(name)
    if isinstance(low, bool) or not isinstance(low, Integral):
        raise ValueError(f"low must be a whole number; got {low!r}")
    if high is not None and (isinstance(high, bool) or not isinstance(high, Integral)):
        raise ValueError(f"high must be a whole number or None; got {high!r}")
    if high is not None and high < low:
        raise ValueError(f"low must be <= high; got low={low!r}, high={high!r}")
    allowed = f"a whole number from {low}" + (f" to {high}" if high is not None else " upwards")
    shown = _short(value)
    if isinstance(value, bool):
        raise ValueError(f"{name} must be {allowed}; got {shown}")
    if isinstance(value, Integral):
        n = int(value)
    elif isinstance(value, Real):
        try:
            x = float(value)
        except (OverflowError, ValueError, TypeError):
            raise ValueError(f"{name} must be {allowed}; got {shown}") from None
        if not (math.isfinite(x) and x.is_integer()):
            raise ValueError(f"{name} must be {allowed}; got {shown}")
        n = int(x)
    else:
        raise ValueError(f"{name} must be {allowed}; got {shown}")
    if n < low or (high is not None and n > high):
        raise ValueError(f"{name} must be {allowed}; got {shown}")
    return n


def check_choice(name: str, value: object, allowed: Iterable[str]) -> str:
    """One of the ``allowed`` strings."""
    name = _check_name(name)
    if isinstance(allowed, str | bytes) or not isinstance(allowed, Iterable):
        raise ValueError(f"allowed must be a collection of strings; got {_short(allowed)}")
    options = list(allowed)
    if not options or not all(isinstance(o, str) for o in options):
        raise ValueError(f"allowed must be a non-empty collection of strings; got {options!r:.200}")
    if not isinstance(value, str) or value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {listed}; got {_short(value)}")
    return value


def check_flag(name: str, value: object) -> bool:
    """A true/false answer."""
    name = _check_name(name)
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be True or False; got {_short(value)}")
    return bool(value)


def _short(value: object) -> str:
    """``repr`` of a value, cut short (a huge integer has 400 digits)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:60] + f"... ({len(text)} characters)"


# -- what leaves the science layer ---------------------------------------------------------


def _non_finite(value: Any, where: str) -> str | None:
    """The path to the first number in ``value`` that is not finite, or None."""
    if value is None or isinstance(value, bool | str | int | np.bool_ | np.integer):
        return None
    if isinstance(value, float | np.floating):
        return None if math.isfinite(value) else where
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "fc" and not np.isfinite(value).all():
            return where
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            found = _non_finite(getattr(value, f.name), f"{where}.{f.name}")
            if found:
                return found
        return None
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = _non_finite(item, f"{where}[{key!r}]")
            if found:
                return found
        return None
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = _non_finite(item, f"{where}[{i}]")
            if found:
                return found
    return None


def finite_result(function: F) -> F:
    """Check that every number a science function returns is finite.

    The inputs' checks should make a non-finite result impossible; if one slips
    through, the caller gets a ``ValueError`` naming the function and its arguments
    instead of a NaN drawn silently into a figure.
    """

    @functools.wraps(function)
    def checked(*args: Any, **kwargs: Any) -> Any:
        result = function(*args, **kwargs)
        where = _non_finite(result, "result")
        if where is not None:
            given = ", ".join(
                [_short(a) for a in args] + [f"{k}={_short(v)}" for k, v in kwargs.items()]
            )
            raise ValueError(
                f"{function.__name__}({given}): the inputs must give a finite result; "
                f"{where} is not finite"
            )
        return result

    return checked  # type: ignore[return-value]
