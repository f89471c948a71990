"""Control panels: labelled controls with units, named preset scenarios, a one-click Reset."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as w

__all__ = ["ControlPanel", "SliderRange", "checkbox", "choice", "slider", "toggle"]

_STYLE = {"description_width": "initial"}
#: A slider's label takes a line of its own above the track and wraps there, instead of
#: being cut short with "..." (ipywidgets keeps a label to one line). A style element
#: inside every control panel.
LABEL_CSS = (
    "<style>.course-controls .widget-slider > .widget-label {flex: 1 0 100%;"
    " max-width: 100%; white-space: normal; overflow: visible; text-overflow: clip;"
    " height: auto; line-height: 1.35; padding: 2px 0; text-align: left;}</style>"
)
_WIDE = w.Layout(width="100%", max_width="360px")
CUSTOM = "Custom (your settings)"


def slider(
    label: str,
    unit: str,
    *,
    min: float,
    max: float,
    step: float,
    value: float,
    integer: bool = False,
    readout_format: str | None = None,
) -> w.FloatSlider | w.IntSlider:
    """A keyboard-steppable slider whose visible label names the quantity and its unit."""
    if not min <= value <= max:
        raise ValueError(f"{label} must start in [{min:g}, {max:g}] {unit}; got {value!r}")
    description = f"{label} ({unit})" if unit else label
    common = {
        "description": description,
        "min": min,
        "max": max,
        "step": step,
        "value": value,
        "style": _STYLE,
        # a long label gets its own line and the track the next, instead of squeezing it
        "layout": w.Layout(width="100%", max_width="360px", height="auto", flex_flow="row wrap"),
        "continuous_update": True,
    }
    if integer:
        return w.IntSlider(**common)
    return w.FloatSlider(readout_format=readout_format or ".3g", **common)


def choice(label: str, options: Sequence[tuple[str, Any]], value: Any) -> w.Dropdown:
    """A labelled drop-down list of (shown text, value) options."""
    return w.Dropdown(
        description=label, options=list(options), value=value, style=_STYLE, layout=_WIDE
    )


def toggle(label: str, options: Sequence[tuple[str, Any]], value: Any) -> w.ToggleButtons:
    """A labelled row of toggle buttons for a few exclusive options."""
    return w.ToggleButtons(
        description=label,
        options=list(options),
        value=value,
        style={**_STYLE, "button_width": "auto"},
    )


def checkbox(label: str, value: bool, *, details: str = "") -> w.Checkbox:
    """A labelled yes/no box; ``details`` (what counts) shows when the pointer rests on it."""
    return w.Checkbox(
        description=label,
        value=value,
        indent=False,
        style=_STYLE,
        tooltip=details or label,
        layout=w.Layout(width="auto", max_width="360px"),
    )


def _allowed(control: w.Widget) -> str:
    if isinstance(control, w.FloatSlider | w.IntSlider):
        return f"in [{control.min:g}, {control.max:g}]"
    options = getattr(control, "options", None)
    if options is not None:
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        return "one of " + ", ".join(repr(v) for v in values)
    return "True or False"


def _check_value(name: str, control: w.Widget, value: Any) -> None:
    if isinstance(control, w.FloatSlider | w.IntSlider):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{name} must be a number {_allowed(control)}; got {value!r}")
        if not control.min <= value <= control.max:
            raise ValueError(f"{name} must be {_allowed(control)}; got {value!r}")
    elif isinstance(control, w.Checkbox):
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be True or False; got {value!r}")
    else:
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        if value not in options:
            raise ValueError(f"{name} must be {_allowed(control)}; got {value!r}")


@dataclass(frozen=True)
class SliderRange:
    """A slider's range, step and starting value, where they depend on another control."""

    min: float
    max: float
    step: float
    value: float
    unit: str = ""
    context: str = ""  # words naming the other control's choice, for error messages


class ControlPanel:
    """Named controls, preset scenarios and a Reset button, calling back once per change.

    Parameters
    ----------
    controls
        Control name -> widget, in the order they are shown.
    presets
        Scenario name -> {control name: value}; a scenario may set some controls only.
    on_change
        Called with no arguments after any change: a learner's move, a preset, a reset.
    linked_ranges
        Slider name -> (name of the control it depends on, function from that control's
        value to a ``SliderRange``). When the other control changes, the slider takes the
        new range and its starting value; values are checked against the range that
        goes with the other control's value (for example a cell dose per graft source).
    before_set
        Called with the values about to be set, before Python sets several controls at
        once (a preset, Reset, ``set_values``); not for a learner's own moves.
    """

    def __init__(
        self,
        controls: Mapping[str, w.ValueWidget],
        *,
        presets: Mapping[str, Mapping[str, Any]] | None = None,
        on_change: Callable[[], None],
        linked_ranges: Mapping[str, tuple[str, Callable[[Any], SliderRange]]] | None = None,
        before_set: Callable[[Mapping[str, Any]], None] | None = None,
    ) -> None:
        self.controls = dict(controls)
        self.linked_ranges = dict(linked_ranges or {})
        for name, (leader, _ranges) in self.linked_ranges.items():
            if name not in self.controls or leader not in self.controls:
                raise ValueError(f"linked range {name!r} <- {leader!r}: both must be controls")
            self._apply_range(name, keep_value=True)
            self.controls[leader].observe(
                lambda change, name=name: self._leader_moved(name), names="value"
            )
        self.presets = {name: dict(values) for name, values in (presets or {}).items()}
        for scenario, values in self.presets.items():
            self._check(values, where=f"preset {scenario!r}: ")
        self.defaults = {name: c.value for name, c in self.controls.items()}
        self._on_change = on_change
        self._before_set = before_set
        self._muted = False
        self._setting_many = False

        self.preset_menu = w.Dropdown(
            description="Scenario",
            options=[CUSTOM, *self.presets],
            value=CUSTOM,
            style=_STYLE,
            layout=w.Layout(flex="1 1 auto", width="auto", min_width="0"),
        )
        self.preset_menu.add_class("course-presets")
        self.reset_button = w.Button(
            description="Reset",
            icon="",
            tooltip="Put every control back to its starting value",
            layout=w.Layout(flex="0 0 auto", width="auto"),
        )
        self.reset_button.add_class("course-reset")
        self.reset_button.on_click(lambda _button: self.reset())
        self.preset_menu.observe(self._preset_chosen, names="value")
        for control in self.controls.values():
            control.observe(self._control_moved, names="value")

        header = [self.preset_menu] if self.presets else []
        labels = w.HTML(LABEL_CSS, layout=w.Layout(height="0px", margin="0"))
        self.widget = w.VBox(
            [labels, w.HBox([*header, self.reset_button], layout=_WIDE), *self.controls.values()],
            layout=w.Layout(min_width="300px", max_width="380px", padding="0 12px 0 0"),
        )
        self.widget.add_class("course-controls")

    # -- reading and writing values -------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def _range_for(self, name: str, values: Mapping[str, Any] | None = None) -> SliderRange:
        leader, ranges = self.linked_ranges[name]
        leader_value = (values or {}).get(leader, self.controls[leader].value)
        return ranges(leader_value)

    def _check(self, values: Mapping[str, Any], where: str = "") -> None:
        for name, value in values.items():
            if name not in self.controls:
                known = ", ".join(self.controls)
                raise ValueError(f"{where}unknown control {name!r}; the controls are {known}")
            if name not in self.linked_ranges:
                _check_value(where + name, self.controls[name], value)
        for name, value in values.items():
            if name in self.linked_ranges:  # against the range of its leader's new value
                r = self._range_for(name, values)
                allowed = f"in [{r.min:g}, {r.max:g}]" + (f" {r.unit}" if r.unit else "")
                allowed += f" for {r.context}" if r.context else ""
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ValueError(f"{where}{name} must be a number {allowed}; got {value!r}")
                if not r.min <= value <= r.max:
                    raise ValueError(f"{where}{name} must be {allowed}; got {value!r}")

    def _apply_range(self, name: str, *, keep_value: bool = False) -> None:
        """Give slider ``name`` the range that goes with its leader's value, muted."""
        slider_ = self.controls[name]
        r = self._range_for(name)
        value = min(max(slider_.value, r.min), r.max) if keep_value else r.value
        muted = getattr(self, "_muted", False)
        self._muted = True
        try:
            # widen, set the value, then narrow, so the slider never clamps on the way
            slider_.min = min(slider_.min, r.min)
            slider_.max = max(slider_.max, r.max)
            slider_.step = r.step
            slider_.value = value
            slider_.min, slider_.max = r.min, r.max
        finally:
            self._muted = muted

    def _leader_moved(self, name: str) -> None:
        if self._setting_many:
            return  # set_values sets the linked slider itself, after its leader
        self._apply_range(name)

    def set_values(self, values: Mapping[str, Any], *, notify: bool = True) -> None:
        """Set several controls at once (checked first), then call back once."""
        self._check(values)
        if self._before_set is not None:
            self._before_set(values)
        self._muted = True
        self._setting_many = True
        try:
            # leaders first, so a linked slider gets its range before its value
            ordered = sorted(values, key=lambda n: n in self.linked_ranges)
            for name in ordered:
                if name in self.linked_ranges:
                    self._apply_range(name)
                self.controls[name].value = values[name]
            for name in self.linked_ranges:
                if name not in values and self.linked_ranges[name][0] in values:
                    self._apply_range(name)
        finally:
            self._muted = False
            self._setting_many = False
        if notify:
            self._on_change()

    def apply_preset(self, name: str) -> None:
        """Show a named scenario."""
        if name not in self.presets:
            raise ValueError(f"preset must be one of {', '.join(map(repr, self.presets))}")
        self.set_values({**self.defaults, **self.presets[name]})
        self._set_menu(name)

    def reset(self) -> None:
        """Put every control back to its starting value."""
        self.set_values(self.defaults)
        self._set_menu(CUSTOM)

    # -- callbacks ------------------------------------------------------------------
    def _set_menu(self, name: str) -> None:
        self._muted = True
        try:
            self.preset_menu.value = name
        finally:
            self._muted = False

    def _preset_chosen(self, change: dict[str, Any]) -> None:
        if self._muted or change["new"] == CUSTOM:
            return
        self.apply_preset(change["new"])

    def _control_moved(self, _change: dict[str, Any]) -> None:
        if self._muted:
            return
        if self.preset_menu.value != CUSTOM:
            self._set_menu(CUSTOM)
        self._on_change()
