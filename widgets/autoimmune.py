"""Lesson 02's explorers: the immune reset, what the trials found, early risk and later benefit."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import science
from .course import HTMLBlock
from .science.autoimmune import (
    ASTIS_CURVES_CROSS_MONTHS,
    ASTIS_DEFAULT_COMPARATOR_RATE,
    ASTIS_ELIGIBLE_SURVIVAL_10_YEARS,
    ASTIS_HAZARD_RATIOS,
    ASTIS_HORIZON_MAX_MONTHS,
    ASTIS_OUTCOMES,
    AUTOIMMUNE_TRIAL_RESULTS,
    RESET_HORIZON_MONTHS,
    RESET_PARAMETERS,
)
from .ui import theme
from .ui.controls import choice, slider, toggle
from .ui.explorer import Explorer, register

LESSON = "02-autoimmune-reset"

__all__ = [
    "EarlyRiskExplorer",
    "ResetExplorer",
    "TrialsExplorer",
    "print_astis_crossings",
    "print_reset_summary",
    "print_trial_intervals",
    "reset_parameters",
]

_CITED = {
    "burt2019": "Burt 2019",
    "burt2006": "Burt 2006",
    "dumontgirard1998": "Dumont-Girard 1998",
    "muraro2005": "Muraro 2005",
    "abrahamsson2013": "Abrahamsson 2013",
    "vanlaar2014": "van Laar 2014",
    "spierings2022": "Spierings 2022",
}

#: Deaths-only comparator anchored to Spierings 2022 (73 % alive at 10 years).
_DEATHS_RATE = round(
    science.constant_rate_per_100_patient_years(ASTIS_ELIGIBLE_SURVIVAL_10_YEARS.value, 10.0)
)


def _pct(x: float) -> str:
    return f"{100.0 * x:.1f}"


def _interval(bounds: tuple[float, float]) -> str:
    return f"{_pct(bounds[0])}–{_pct(bounds[1])} %"


# -- printed results the lesson checks (nbval) ----------------------------------------------


def print_trial_intervals() -> None:
    """Print every published result of the lesson with its 95 % Wilson interval."""
    for key in AUTOIMMUNE_TRIAL_RESULTS:
        result = science.trial_intervals(key, AUTOIMMUNE_TRIAL_RESULTS[key].transplant.patients)
        arms = "; ".join(
            f"{arm.label} {arm.events}/{arm.patients} = {_pct(arm.proportion)} % "
            f"(95 % CI {_interval(bounds)})"
            for arm, bounds in result.published
        )
        print(f"{result.result.trial}, {result.result.outcome}: {arms}")


def print_reset_summary() -> None:
    """Print the reset model's key figures at the defaults and two contrasting patients."""
    for intensity, age in ((0.95, 36), (0.80, 36), (0.95, 60)):
        course = science.reset_course(intensity, age)
        if course.rebound_month is None:
            rebound = "no rebound within 36 months"
        else:
            rebound = f"rebound at month {course.rebound_month:.1f}"
        print(
            f"{100 * intensity:.0f} % of memory cells destroyed, age {age}: {rebound}; "
            f"naive T cells {course.naive_at_24_months:.1f}× at 24 months, back to their "
            f"old level at month {course.diversity_recovery_month:.1f}"
        )


def print_astis_crossings() -> None:
    """Print the month the teaching model's cumulative event curves cross, per outcome."""
    for outcome, label in ASTIS_OUTCOMES.items():
        month = science.astis_crossing_month(outcome)
        where = "do not cross" if month is None else f"cross at month {month:.1f}"
        print(f"{label}: transplant and cyclophosphamide curves {where}")
    reported = ASTIS_CURVES_CROSS_MONTHS.value
    print(f"ASTIS reported: survival curves crossed at about {reported:g} months")


def reset_parameters() -> HTMLBlock:
    """The reset model's parameters as a table: meaning, value with unit, and basis."""
    rows, lines = [], []
    for p in RESET_PARAMETERS.values():
        basis = "assumed" if p.assumed else _CITED.get(p.source, p.source)
        if p.note:
            basis += f" ({p.note})"
        value = f"{p.value:.3g} {p.unit}"
        rows.append(
            f"<tr><td>{html.escape(p.meaning)}</td><td>{html.escape(value)}</td>"
            f"<td>{html.escape(basis)}</td></tr>"
        )
        lines.append(f"{p.meaning}: {value} [{basis}]")
    body = (
        "<table class='course-parameters'><thead><tr><th>parameter</th><th>value</th>"
        f"<th>basis</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    return HTMLBlock(body, "\n".join(lines))


# -- 1. the reset ---------------------------------------------------------------------------


def _reset_caption() -> str:
    sourced, assumed = [], []
    for p in RESET_PARAMETERS.values():
        if p.assumed:
            assumed.append(f"{p.meaning}: {p.value:.3g} {p.unit}")
        else:
            sourced.append(
                f"{p.meaning}: {p.value:.3g} {p.unit} ({_CITED.get(p.source, p.source)})"
            )
    return (
        "A simplified teaching model, not fitted to patients and not for clinical use. "
        "Cells are relative to their level before treatment (1 = before); time in months "
        "after the transplant. Sourced: " + "; ".join(sourced) + ". Regulatory cells expand "
        "after the transplant (Abrahamsson 2013). Assumed: " + "; ".join(assumed) + "."
    )


@register
class ResetExplorer(Explorer):
    """Set how hard the conditioning hits and how old the thymus is; watch the new system grow."""

    explorer_id = "autoimmune.reset"
    lesson = LESSON
    title = "The reset: 36 months after the transplant (teaching model)"
    main_control = "intensity_pct"
    caption = _reset_caption()
    sources = ("burt2019", "dumontgirard1998", "muraro2005", "abrahamsson2013")

    def make_controls(self):
        return {
            "intensity_pct": slider(
                "Memory cells destroyed",
                "%",
                min=50.0,
                max=99.5,
                step=0.5,
                value=95.0,
                readout_format=".1f",
            ),
            "age_years": slider(
                "Patient's age", "years", min=18, max=65, step=1, value=36, integer=True
            ),
        }

    def presets(self):
        return {
            "MIST-like: cyclophosphamide + ATG, age 36": {"intensity_pct": 95.0, "age_years": 36},
            "Lighter conditioning (80 % destroyed), age 36": {
                "intensity_pct": 80.0,
                "age_years": 36,
            },
            "Same conditioning, older patient (age 60)": {"intensity_pct": 95.0, "age_years": 60},
            "Very intense (99.5 % destroyed), age 60": {"intensity_pct": 99.5, "age_years": 60},
        }

    def compute(self, *, intensity_pct, age_years):
        return science.reset_course(intensity_pct / 100.0, age_years)

    @staticmethod
    def _rebound_xy(state):
        if state.rebound_month is None:
            return [], [], []
        label = (
            "never below"
            if state.rebound_month == 0.0
            else f"rebound: month {state.rebound_month:.1f}"
        )
        return [state.rebound_month], [state.disease_level], [label]

    def build_figure(self, state):
        months = state.months
        anchor = RESET_PARAMETERS["naive_fold_at_24_months"].value
        rx, ry, rtext = self._rebound_xy(state)
        traces = [
            go.Scatter(
                x=months,
                y=state.naive,
                mode="lines",
                name="naive T-cell repertoire (new, diverse)",
                line=theme.line_style(0),
            ),
            go.Scatter(
                x=months,
                y=state.memory,
                mode="lines",
                name="self-reactive memory cells",
                line=theme.line_style(1),
            ),
            go.Scatter(
                x=months,
                y=state.regulatory,
                mode="lines",
                name="regulatory cells",
                line=theme.line_style(2),
            ),
            go.Scatter(
                x=[0, RESET_HORIZON_MONTHS],
                y=[state.disease_level, state.disease_level],
                mode="lines+text",
                text=["", "disease level"],
                textposition="bottom left",
                name=f"level that drives disease ({state.disease_level:g}, assumed)",
                line={"color": theme.THRESHOLD, "dash": "longdashdot", "width": 2},
                hoverinfo="skip",
            ),
            go.Scatter(
                x=[0, RESET_HORIZON_MONTHS],
                y=[1, 1],
                mode="lines+text",
                text=["", "before treatment"],
                textposition="top left",
                name="level before treatment (1)",
                line={"color": "#999999", "dash": "solid", "width": 1},
                hoverinfo="skip",
            ),
            go.Scatter(
                x=rx,
                y=ry,
                mode="markers+text",
                text=rtext,
                textposition="top right",
                name="disease returns",
                marker={**theme.marker_style(1), "symbol": "x", "size": 14},
            ),
            go.Scatter(
                x=[24],
                y=[anchor],
                mode="markers+text",
                text=[f"Muraro 2005: ×{anchor:g} at 2 years"],
                textposition="top left",
                name="published anchor",
                marker={**theme.marker_style(0), "symbol": "star", "size": 14},
            ),
        ]
        layout = theme.figure_layout(
            self.title,
            x_title="months after the transplant",
            y_title="cells (1 = before treatment)",
            height=500,
            xaxis={"range": [0, RESET_HORIZON_MONTHS], "dtick": 6},
            yaxis={"range": [0, 4]},
            legend={"orientation": "h", "y": -0.18, "yanchor": "top"},
        )
        self._shown = state
        return go.Figure(data=traces, layout=layout)

    def update_figure(self, state):
        naive, memory, regulatory, _, _, rebound, _ = self.figure.data
        shown = getattr(self, "_shown", None)
        if shown is None or not np.array_equal(shown.naive, state.naive):
            naive.y = state.naive
        if shown is None or not np.array_equal(shown.memory, state.memory):
            memory.y = state.memory
        if shown is None or not np.array_equal(shown.regulatory, state.regulatory):
            regulatory.y = state.regulatory
        rx, ry, rtext = self._rebound_xy(state)
        if shown is None or shown.rebound_month != state.rebound_month:
            rebound.x, rebound.y, rebound.text = rx, ry, rtext
        self._shown = state

    def describe(self, state):
        left = 100.0 * (1.0 - state.intensity)
        peak = float(np.max(state.memory))
        level = state.disease_level
        if state.rebound_month is None:
            memory = (
                f"self-reactive memory cells regrow from {left:.1f} % to at most {peak:.2f}× "
                f"their old level and stay below the disease level ({level:g}×) for 36 months"
            )
        elif state.rebound_month == 0.0:
            memory = (
                f"{left:.1f} % of self-reactive memory cells survive, above the disease level "
                f"({level:g}×): the reset never switches the disease off"
            )
        else:
            memory = (
                f"self-reactive memory cells regrow from {left:.1f} % and regain the disease "
                f"level ({level:g}×) at month {state.rebound_month:.1f}"
            )
        recovery = state.diversity_recovery_month
        when = f"by month {recovery:.1f}" if recovery <= 36 else "only after month 36"
        return (
            f"Teaching model, age {state.age_years:g}: {memory}; the naive repertoire is back "
            f"to its old level {when} and at {state.naive_at_24_months:.1f}× at 2 years."
        )


# -- 2. what the trials found ---------------------------------------------------------------

_RESULT_LABELS = {
    "mist_progression": "MIST (multiple sclerosis): disease progression",
    "astis_events": "ASTIS (systemic sclerosis): death or organ failure",
    "astis_first_year_deaths": "ASTIS: treatment-related deaths in year 1",
    "lupus_treatment_deaths": "Lupus study: treatment-related deaths (one arm)",
}
_Y_PUBLISHED = (1.15, 0.15)
_Y_SCALED = (0.85, -0.15)


@register
class TrialsExplorer(Explorer):
    """See each trial's result with its 95 % interval, and how the interval shrinks with size."""

    explorer_id = "autoimmune.trials"
    lesson = LESSON
    title = "What the trials found, and how sure we can be"
    main_control = "patients"
    caption = (
        "Published counts with 95 % confidence intervals (Wilson score method). The open "
        "symbols are the trials as published; the filled ones keep the same proportions "
        "with the number of patients you choose, rounded to whole patients. Sources: "
        "MIST, Burt 2019; ASTIS, van Laar 2014; lupus, Burt 2006."
    )
    sources = ("burt2019", "vanlaar2014", "burt2006")

    def make_controls(self):
        return {
            "result": choice(
                "Result",
                [(label, key) for key, label in _RESULT_LABELS.items()],
                "mist_progression",
            ),
            "patients": slider(
                "Patients per arm", "patients", min=10, max=1000, step=5, value=55, integer=True
            ),
        }

    def presets(self):
        return {
            "MIST as published: 55 per arm": {"result": "mist_progression", "patients": 55},
            "MIST as a 10-patient pilot": {"result": "mist_progression", "patients": 10},
            "MIST ten times larger: 550 per arm": {"result": "mist_progression", "patients": 550},
            "ASTIS as published: about 80 per arm": {"result": "astis_events", "patients": 80},
            "Lupus study as published: 50 patients": {
                "result": "lupus_treatment_deaths",
                "patients": 50,
            },
        }

    def compute(self, *, result, patients):
        return science.trial_intervals(result, patients)

    @staticmethod
    def _points(pairs, ys):
        xs, lows, highs, text = [], [], [], []
        for arm, (low, high) in pairs:
            p = 100.0 * arm.proportion
            xs.append(p)
            lows.append(p - 100.0 * low)
            highs.append(100.0 * high - p)
            text.append(f"{arm.events}/{arm.patients}")
        return xs, list(ys[: len(xs)]), lows, highs, text

    def build_figure(self, state):
        traces = []
        for index, (name, pairs, ys, symbol) in enumerate(
            (
                ("as published", state.published, _Y_PUBLISHED, "square-open"),
                ("your number of patients", state.scaled, _Y_SCALED, "circle"),
            )
        ):
            xs, y, lows, highs, text = self._points(pairs, ys)
            colour = theme.PALETTE[6] if index == 0 else theme.PALETTE[0]
            traces.append(
                go.Scatter(
                    x=xs,
                    y=y,
                    mode="markers+text",
                    name=name,
                    text=text,
                    textposition="top center" if index == 0 else "bottom center",
                    marker={"color": colour, "symbol": symbol, "size": 12},
                    error_x={
                        "type": "data",
                        "symmetric": False,
                        "array": highs,
                        "arrayminus": lows,
                        "color": colour,
                        "thickness": 2 if index == 0 else 4,
                        "width": 8,
                    },
                )
            )
        layout = theme.figure_layout(
            self.title,
            x_title="patients with the outcome (%), with 95 % confidence interval",
            y_title="",
            height=360,
            xaxis={"range": [0, 100], "dtick": 10},
            yaxis={
                "range": [-0.6, 1.6],
                "tickvals": [1, 0],
                "ticktext": ["transplant", "comparator"],
                "showgrid": False,
            },
            legend={"orientation": "h", "y": -0.25},
        )
        return go.Figure(data=traces, layout=layout)

    def update_figure(self, state):
        for trace, pairs, ys in (
            (self.figure.data[0], state.published, _Y_PUBLISHED),
            (self.figure.data[1], state.scaled, _Y_SCALED),
        ):
            xs, y, lows, highs, text = self._points(pairs, ys)
            if list(trace.x) != xs or list(trace.text) != text:
                trace.x, trace.y, trace.text = xs, y, text
                trace.error_x.array = highs
                trace.error_x.arrayminus = lows

    def describe(self, state):
        result = state.result
        published = ", ".join(
            f"{arm.label} {arm.events}/{arm.patients} = {_pct(arm.proportion)} % "
            f"(95 % CI {_interval(bounds)})"
            for arm, bounds in state.published
        )
        scaled = " and ".join(_interval(bounds) for _, bounds in state.scaled)
        overlap = state.scaled_intervals_overlap
        verdict = (
            ""
            if overlap is None
            else ": the intervals overlap"
            if overlap
            else ": the intervals do not overlap"
        )
        if result.comparator is None:
            size = f"With {state.patients_per_arm} patients the same proportion gives"
        else:
            size = f"With {state.patients_per_arm} patients per arm the same proportions give"
        return f"{result.trial}, {result.outcome}: {published}. {size} {scaled}{verdict}."


# -- 3. early risk, later benefit -------------------------------------------------------


@register
class EarlyRiskExplorer(Explorer):
    """Follow ASTIS-like patients for longer: the transplant arm starts behind, then overtakes."""

    explorer_id = "autoimmune.early_risk"
    lesson = LESSON
    title = "Early risk, later benefit: systemic sclerosis (teaching model from ASTIS)"
    main_control = "horizon_months"
    caption = (
        "Teaching model: the transplant arm's hazard is the cyclophosphamide arm's times "
        "ASTIS's time-varying hazard ratio (2.01 at 3 months, 1.35 at 6, 0.52 at 12, 0.35 at "
        "24, 0.34 from 3 to 10 years for death or organ failure; 2.40, 1.50, 0.48, 0.29, 0.29 "
        "for death; van Laar 2014), joined by straight lines (assumed). The cyclophosphamide "
        "arm's event rate is constant and assumed (default "
        f"{ASTIS_DEFAULT_COMPARATOR_RATE.value:g} per 100 patient-years, of the order of "
        "ASTIS's 31 events among 77 patients over a median 5.8 years); for deaths only, about "
        f"{_DEATHS_RATE} per 100 patient-years matches the 73 % of ASTIS-eligible patients on "
        "standard treatment alive at 10 years (Spierings 2022). ASTIS itself reported survival "
        "curves crossing at about 2 years."
    )
    sources = ("vanlaar2014", "spierings2022")

    def make_controls(self):
        return {
            "horizon_months": slider(
                "Follow-up", "months", min=6, max=120, step=6, value=72, integer=True
            ),
            "outcome": toggle(
                "Counting",
                [("Death or organ failure", "event_free"), ("Deaths only", "overall")],
                "event_free",
            ),
            "comparator_rate": slider(
                "Cyclophosphamide arm's event rate",
                "per 100 patient-years, assumed",
                min=2,
                max=20,
                step=1,
                value=int(ASTIS_DEFAULT_COMPARATOR_RATE.value),
                integer=True,
            ),
        }

    def presets(self):
        return {
            "The first year only: the early risk": {"horizon_months": 12},
            "About ASTIS's median follow-up (6 years)": {"horizon_months": 72},
            "Ten years, death or organ failure": {
                "horizon_months": 120,
                "outcome": "event_free",
            },
            "Ten years, deaths only (comparator as in Spierings 2022)": {
                "horizon_months": 120,
                "outcome": "overall",
                "comparator_rate": _DEATHS_RATE,
            },
        }

    def compute(self, *, horizon_months, outcome, comparator_rate):
        return science.astis_cumulative_events(horizon_months, comparator_rate, outcome)

    @staticmethod
    def _crossing(state):
        if not state.crossing_in_view:
            return [], [], [], [], []
        x, y = state.crossing_month, state.crossing_pct
        return [x], [y], [f"curves cross: month {x:.1f}"], [x, x], [0, 100]

    @staticmethod
    def _published(state):
        pairs = [(t, hr.value) for t, hr in ASTIS_HAZARD_RATIOS[state.outcome]]
        shown = [(t, v) for t, v in pairs if t <= state.horizon_months]
        return [t for t, _ in shown], [v for _, v in shown]

    def build_figure(self, state):
        figure = make_subplots(
            rows=2,
            cols=1,
            shared_xaxes=True,
            row_heights=[0.68, 0.32],
            vertical_spacing=0.08,
        )
        cx, cy, ctext, vx, vy = self._crossing(state)
        px, py = self._published(state)
        astis_month = ASTIS_CURVES_CROSS_MONTHS.value
        show_astis = state.horizon_months >= astis_month
        rows = [
            (
                go.Scatter(
                    x=state.months,
                    y=state.transplant_pct,
                    mode="lines",
                    name="transplant (HSCT)",
                    line=theme.line_style(1),
                ),
                1,
            ),
            (
                go.Scatter(
                    x=state.months,
                    y=state.comparator_pct,
                    mode="lines",
                    name="cyclophosphamide",
                    line=theme.line_style(0),
                ),
                1,
            ),
            (
                go.Scatter(
                    x=cx,
                    y=cy,
                    mode="markers+text",
                    text=ctext,
                    textposition="top center",
                    name="model: curves cross",
                    marker={**theme.marker_style(4), "symbol": "diamond", "size": 13},
                ),
                1,
            ),
            (
                go.Scatter(
                    x=vx,
                    y=vy,
                    mode="lines",
                    line={"color": theme.THRESHOLD, "dash": "dot", "width": 1.5},
                    hoverinfo="skip",
                    showlegend=False,
                ),
                1,
            ),
            (
                go.Scatter(
                    x=[astis_month] if show_astis else [],
                    y=[2] if show_astis else [],
                    mode="markers+text",
                    text=["ASTIS: ~2 years"] if show_astis else [],
                    textposition="top right",
                    name="ASTIS: survival curves crossed",
                    marker={**theme.marker_style(2), "symbol": "triangle-up", "size": 13},
                ),
                1,
            ),
            (
                go.Scatter(
                    x=state.months,
                    y=state.hazard_ratio,
                    mode="lines",
                    name="hazard ratio, joined (assumed)",
                    line=theme.line_style(3),
                ),
                2,
            ),
            (
                go.Scatter(
                    x=px,
                    y=py,
                    mode="markers",
                    name="hazard ratio published (ASTIS)",
                    marker={**theme.marker_style(3), "symbol": "square", "size": 10},
                ),
                2,
            ),
            (
                go.Scatter(
                    x=[0, ASTIS_HORIZON_MAX_MONTHS],
                    y=[1, 1],
                    mode="lines",
                    name="no difference (hazard ratio 1)",
                    line={"color": "#999999", "dash": "dash", "width": 1},
                    hoverinfo="skip",
                ),
                2,
            ),
        ]
        for trace, row in rows:
            figure.add_trace(trace, row=row, col=1)
        layout = theme.figure_layout(
            self.title,
            x_title="",
            y_title="patients with an event (%)",
            height=520,
            legend={"orientation": "h", "y": -0.18},
            xaxis={"range": [0, ASTIS_HORIZON_MAX_MONTHS + 1], "dtick": 12},
            yaxis={"range": [0, 100]},
        )
        figure.update_layout(layout)
        figure.update_xaxes(
            range=[0, ASTIS_HORIZON_MAX_MONTHS + 1],
            dtick=12,
            showgrid=True,
            gridcolor="#e5e5e5",
            ticks="outside",
        )
        title_font = layout["yaxis"]["title"]["font"]
        figure.update_xaxes(
            title_text="months after randomisation", title_font=title_font, row=2, col=1
        )
        figure.update_yaxes(
            type="log",
            range=[np.log10(0.2), np.log10(3.0)],
            tickvals=[0.25, 0.5, 1, 2],
            title_text="hazard ratio",
            title_font=title_font,
            showgrid=True,
            gridcolor="#e5e5e5",
            row=2,
            col=1,
        )
        self._shown = state
        return figure

    def update_figure(self, state):
        transplant, comparator, cross, vline, astis, hr, published, _ = self.figure.data
        shown = getattr(self, "_shown", None)
        new_grid = shown is None or len(shown.months) != len(state.months)
        if new_grid:
            transplant.x = comparator.x = hr.x = state.months
        if new_grid or not np.array_equal(shown.transplant_pct, state.transplant_pct):
            transplant.y = state.transplant_pct
        if new_grid or not np.array_equal(shown.comparator_pct, state.comparator_pct):
            comparator.y = state.comparator_pct
        if new_grid or shown.outcome != state.outcome:
            hr.y = state.hazard_ratio
        cx, cy, ctext, vx, vy = self._crossing(state)
        if list(cross.x or []) != cx or list(cross.y or []) != cy:
            cross.x, cross.y, cross.text = cx, cy, ctext
            vline.x, vline.y = vx, vy
        px, py = self._published(state)
        if list(published.x) != px or list(published.y) != py:
            published.x, published.y = px, py
        show_astis = state.horizon_months >= ASTIS_CURVES_CROSS_MONTHS.value
        if bool(len(astis.x)) != show_astis:
            astis.x = [ASTIS_CURVES_CROSS_MONTHS.value] if show_astis else []
            astis.y = [2] if show_astis else []
            astis.text = ["ASTIS: ~2 years"] if show_astis else []
        self._shown = state

    def describe(self, state):
        what = ASTIS_OUTCOMES[state.outcome]
        head = (
            f"Teaching model from ASTIS's hazard ratios: after {state.horizon_months:g} months "
            f"{state.transplant_at_horizon:.1f} % of transplant patients and "
            f"{state.comparator_at_horizon:.1f} % on cyclophosphamide have had {what}"
        )
        if state.crossing_month is None:
            return head + "; the curves do not cross within 10 years."
        if state.crossing_in_view:
            return (
                f"{head}; the curves cross at month {state.crossing_month:.1f} (ASTIS: about "
                "2 years): before it treatment-related deaths put the transplant arm behind, "
                "after it the lower hazard puts it ahead."
            )
        return (
            f"{head}; so far the transplant arm is behind (treatment-related deaths); the "
            f"curves cross later, at month {state.crossing_month:.1f}."
        )
