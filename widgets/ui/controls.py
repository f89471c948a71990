"""Control panels: labelled controls with units, named preset scenarios, a one-click Reset."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as w

__all__ = ["ControlPanel", "checkbox", "choice", "slider", "toggle"]

_STYLE = {"description_width": "initial"}
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
        "layout": _WIDE,
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


def checkbox(label: str, value: bool) -> w.Checkbox:
    """A labelled yes/no box."""
    return w.Checkbox(description=label, value=value, indent=False, style=_STYLE)


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
    """

    def __init__(
        self,
        controls: Mapping[str, w.ValueWidget],
        *,
        presets: Mapping[str, Mapping[str, Any]] | None = None,
        on_change: Callable[[], None],
    ) -> None:
        self.controls = dict(controls)
        self.presets = {name: dict(values) for name, values in (presets or {}).items()}
        for scenario, values in self.presets.items():
            self._check(values, where=f"preset {scenario!r}: ")
        self.defaults = {name: c.value for name, c in self.controls.items()}
        self._on_change = on_change
        self._muted = False

        self.preset_menu = w.Dropdown(
            description="Scenario",
            options=[CUSTOM, *self.presets],
            value=CUSTOM,
            style=_STYLE,
            layout=_WIDE,
        )
        self.preset_menu.add_class("course-presets")
        self.reset_button = w.Button(
            description="Reset",
            icon="",
            tooltip="Put every control back to its starting value",
            layout=w.Layout(width="90px"),
        )
        self.reset_button.add_class("course-reset")
        self.reset_button.on_click(lambda _button: self.reset())
        self.preset_menu.observe(self._preset_chosen, names="value")
        for control in self.controls.values():
            control.observe(self._control_moved, names="value")

        header = [self.preset_menu] if self.presets else []
        self.widget = w.VBox(
            [w.HBox([*header, self.reset_button]), *self.controls.values()],
            layout=w.Layout(min_width="300px", max_width="380px", padding="0 12px 0 0"),
        )
        self.widget.add_class("course-controls")

    # -- reading and writing values -------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def _check(self, values: Mapping[str, Any], where: str = "") -> None:
        for name, value in values.items():
            if name not in self.controls:
                known = ", ".join(self.controls)
                raise ValueError(f"{where}unknown control {name!r}; the controls are {known}")
            _check_value(where + name, self.controls[name], value)

    def set_values(self, values: Mapping[str, Any], *, notify: bool = True) -> None:
        """Set several controls at once (checked first), then call back once."""
        self._check(values)
        self._muted = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._muted = False
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
