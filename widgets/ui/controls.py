"""An explorer's controls as data: a label, a unit, a range, a step, a default, a source.

A control is a frozen dataclass, not a widget: the explorer's front end
(``explorer.js``) draws it, and the kernel uses the same description to check a
value, to list every setting (for the tables of figures the page switches between)
and to say what a value is in words (``shown``), exactly as the page shows it.

* ``Slider``: a number on a grid (``min``, ``max``, ``step``). Its range may follow
  another control (``ranges_by`` and ``ranges``: a cell dose per graft source).
* ``Menu``: one of a few named options (``buttons=True`` shows them as a row of
  buttons rather than a drop-down list).
* ``Check``: yes or no.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["CUSTOM", "Check", "Control", "Menu", "Range", "Slider", "check_values"]

CUSTOM = "Custom (your settings)"


def _number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


@dataclass(frozen=True)
class Range:
    """A slider's range, step and starting value where they follow another control."""

    min: float
    max: float
    step: float
    value: float
    #: Bibliography key of the range, or "assumed" (shown with the slider).
    source: str = ""

    def __post_init__(self) -> None:
        if not (_number(self.min) and _number(self.max) and _number(self.step)):
            raise ValueError(f"range needs finite min, max and step; got {self}")
        if self.step <= 0 or self.min >= self.max:
            raise ValueError(f"range needs min < max and step > 0; got {self}")
        if not (_number(self.value) and self.min <= self.value <= self.max):
            raise ValueError(f"range value must be in [{self.min:g}, {self.max:g}]; got {self}")


@dataclass(frozen=True)
class Slider:
    """A number on a grid, with its unit (a learner steps it with the arrow keys)."""

    name: str
    label: str
    unit: str
    min: float
    max: float
    step: float
    value: float
    #: Where the range comes from: a bibliography key, or "assumed".
    source: str = ""
    #: The name of the control whose value sets this slider's range (``ranges``).
    ranges_by: str = ""
    #: That control's value -> this slider's range, step and starting value.
    ranges: Mapping[Any, Range] = field(default_factory=dict)
    #: The only settings, where the grid would be too fine for a mouse (a slider that
    #: follows a logarithmic axis): increasing values on the grid, from min to max.
    stops: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        Range(self.min, self.max, self.step, self.value)  # checks the default range
        if bool(self.ranges_by) != bool(self.ranges):
            raise ValueError(f"{self.name}: ranges_by and ranges go together")
        ends = self.stops[:1] + self.stops[-1:]
        if self.stops and (
            ends != (self.min, self.max)
            or list(self.stops) != sorted(set(self.stops))
            or self.value not in self.stops
            or self.ranges_by
        ):
            raise ValueError(f"{self.name}: stops must rise from min to max and hold the value")

    @property
    def decimals(self) -> int:
        """Decimals a value shows: as many as the finest of the steps needs."""
        steps = [self.step, *(r.step for r in self.ranges.values())]
        return max(_decimals(step) for step in steps)

    def range_for(self, values: Mapping[str, Any]) -> Range:
        """The slider's range with the other controls at ``values``."""
        if self.ranges_by:
            return self.ranges[values[self.ranges_by]]
        return Range(self.min, self.max, self.step, self.value, self.source)

    def settings(self, values: Mapping[str, Any]) -> list[float]:
        """Every value of the grid, with the other controls at ``values``."""
        if self.stops:
            return [self.snap(stop) for stop in self.stops]
        r = self.range_for(values)
        count = math.floor((r.max - r.min) / r.step + 1e-9) + 1
        return [self.snap(r.min + i * r.step) for i in range(count)]

    def snap(self, value: float) -> float | int:
        """A value rounded as the page shows it (an integer for whole-number steps)."""
        rounded = round(value, self.decimals)
        return int(rounded) if self.decimals == 0 else rounded

    def check(self, value: Any, values: Mapping[str, Any]) -> float | int:
        """``value`` on the grid, or a ValueError naming the slider and its range."""
        r = self.range_for(values)
        allowed = f"a number in [{r.min:g}, {r.max:g}]" + (f" {self.unit}" if self.unit else "")
        if self.ranges_by:
            allowed += f" (with {self.ranges_by} = {values[self.ranges_by]!r})"
        if not _number(value) or not r.min - 1e-9 <= value <= r.max + 1e-9:
            raise ValueError(f"{self.name} must be {allowed}; got {value!r}")
        if self.stops:
            return self.snap(min(self.stops, key=lambda stop: abs(stop - value)))
        steps = round((value - r.min) / r.step)
        return self.snap(min(r.min + steps * r.step, r.max))

    def spec(self) -> dict[str, Any]:
        """What the page needs to draw the slider."""
        ranges = [[leader, asdict(r)] for leader, r in self.ranges.items()]
        return {"kind": "slider", **asdict(self), "decimals": self.decimals, "ranges": ranges}


def _same(a: Any, b: Any) -> bool:
    """Equal as the page sends it back: JSON makes 20.0 into 20, but True is never 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if _number(a) and _number(b):
        return a == b
    return type(a) is type(b) and a == b


def _decimals(step: float) -> int:
    for decimals in range(7):
        if abs(round(step, decimals) - step) < 1e-9:
            return decimals
    return 6


@dataclass(frozen=True)
class Menu:
    """One of a few named options: (text shown, value) pairs."""

    name: str
    label: str
    options: Sequence[tuple[str, Any]]
    value: Any
    #: Show the options as a row of buttons instead of a drop-down list.
    buttons: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", tuple((str(t), v) for t, v in self.options))
        if self.value not in self.choices:
            raise ValueError(f"{self.name} must start at one of {self.choices}; got {self.value!r}")

    @property
    def choices(self) -> list[Any]:
        return [value for _text, value in self.options]

    def settings(self, values: Mapping[str, Any]) -> list[Any]:
        return self.choices

    def check(self, value: Any, values: Mapping[str, Any]) -> Any:
        for choice in self.choices:
            if _same(value, choice):
                return choice
        allowed = ", ".join(repr(choice) for choice in self.choices)
        raise ValueError(f"{self.name} must be one of {allowed}; got {value!r}")

    def spec(self) -> dict[str, Any]:
        return {"kind": "menu", **asdict(self), "options": [list(o) for o in self.options]}


@dataclass(frozen=True)
class Check:
    """Yes or no; ``details`` says what counts (shown under the box)."""

    name: str
    label: str
    value: bool = False
    details: str = ""

    def settings(self, values: Mapping[str, Any]) -> list[bool]:
        return [False, True]

    def check(self, value: Any, values: Mapping[str, Any]) -> bool:
        if not isinstance(value, bool):
            raise ValueError(f"{self.name} must be True or False; got {value!r}")
        return value

    def spec(self) -> dict[str, Any]:
        return {"kind": "check", **asdict(self)}


Control = Slider | Menu | Check


def check_values(
    controls: Mapping[str, Control], current: Mapping[str, Any], changes: Mapping[str, Any]
) -> dict[str, Any]:
    """``current`` with ``changes`` applied, every value checked and put on its grid.

    A slider whose range follows a control that changes takes its new range's starting
    value, unless ``changes`` names it too (then it is checked against the new range).
    A ValueError names the control and what it allows.
    """
    unknown = [name for name in changes if name not in controls]
    if unknown:
        known = ", ".join(controls)
        raise ValueError(f"unknown control {unknown[0]!r}; the controls are {known}")
    values = dict(current)
    followers = [n for n in controls if isinstance(controls[n], Slider) and controls[n].ranges_by]
    for name, control in controls.items():  # leaders first: followers are checked below
        if name in changes and name not in followers:
            values[name] = control.check(changes[name], values)
    for name in followers:
        slider = controls[name]
        if name in changes:
            values[name] = slider.check(changes[name], values)
        elif slider.ranges_by in changes and changes[slider.ranges_by] != current.get(
            slider.ranges_by
        ):
            values[name] = slider.snap(slider.range_for(values).value)
    return values
