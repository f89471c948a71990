"""What every lesson notebook uses besides its explorers.

::

    from widgets import course
    lesson = course.Lesson("00-introduction")
    lesson.questions("lineage")   # the section's predict / explore / explain questions, with
                                  # a box for the learner's answer under each (kept: answers/)
    lesson.quiz()                 # the self-check quiz, and "Download my answers"
    course.model_answers("hide")  # the teacher's switch: hide / show every model answer
    lesson.references()           # the lesson's references, from the one bibliography
    lesson.key_terms()            # the lesson's glossary terms

Text lives in ``assets/`` (TOML), not in Python strings, so teachers can edit it.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from .ui.answers import AnswerStore, AnswersWidget, model_answers
from .ui.assets import STAGES, bibliography, glossary, lesson_data
from .ui.quiz import validate_question

__all__ = [
    "HTMLBlock",
    "Lesson",
    "format_reference",
    "model_answers",
    "short_citation",
]


class HTMLBlock:
    """A block of HTML that displays in a notebook and reads as plain text elsewhere."""

    def __init__(self, body: str, text: str) -> None:
        self.body = body
        self.text = text

    def _repr_html_(self) -> str:
        return self.body

    def __repr__(self) -> str:
        return self.text


def _entry(key: str) -> dict[str, Any]:
    entries = bibliography()
    if key not in entries:
        raise ValueError(f"citation key {key!r} is not in assets/bibliography.toml")
    return entries[key]


def format_reference(key: str) -> tuple[str, str]:
    """One bibliography entry as (HTML, plain text); ``ValueError`` for an unknown key."""
    e = _entry(key)
    where = f"{e['journal']} {e['year']}"
    where += f";{e['volume']}" if e.get("volume") else ""
    where += f":{e['pages']}" if e.get("pages") else ""
    ids, links = [], []
    if e.get("doi"):
        doi = html.escape(e["doi"])
        ids.append(f"doi:{e['doi']}")
        links.append(f"<a href='https://doi.org/{doi}' target='_blank'>doi:{doi}</a>")
    if e.get("pmid"):
        ids.append(f"PMID {e['pmid']}")
        links.append(html.escape(ids[-1]))
    text = f"{e['authors']} {e['title']}. {where}." + (f" {'; '.join(ids)}." if ids else "")
    body = (
        f"{html.escape(e['authors'])} <i>{html.escape(e['title'])}</i>. "
        f"{html.escape(where)}." + (f" {'; '.join(links)}." if links else "")
    )
    return body, text


def short_citation(key: str) -> str:
    """'Champlin 2000' for a bibliography key: first author's surname and the year."""
    entry = _entry(key)
    return f"{entry['authors'].split(',')[0].rsplit(' ', 1)[0]} {entry['year']}"


#: The glossary's two looks by ``folds`` (the whole, a term); inline styles, as a notebook's
#: output has no style sheet of the course.
GLOSSARY_LOOKS = {
    False: (
        "<table class='course-glossary'><thead><tr><th scope='col'>Term</th>"
        "<th scope='col'>What it means</th></tr></thead><tbody>{}</tbody></table>",
        "<tr id='{}'><th scope='row' style='text-align:left;vertical-align:top;"
        "padding:4px 12px 4px 0'>{}</th><td style='text-align:left;vertical-align:top;"
        "padding:4px 0'>{}</td></tr>",
    ),
    True: (
        "<div class='course-key-terms'>{}</div>",
        "<details class='course-term' id='{}'><summary><b>{}</b></summary>"
        "<p style='margin:2px 0 8px 1.2em'>{}</p></details>",
    ),
}


def glossary_block(term_ids: Iterable[str] | None = None, *, folds: bool = False) -> HTMLBlock:
    """Glossary entries (all of them when ``term_ids`` is None), alphabetical: a table, each
    term beside its definition, so a term that wraps can never push a definition beside the
    next term (as JupyterLab's styling of ``<dl>`` does); or as folds (a lesson's key terms),
    each term a ``<details>`` that opens in place, with no link or other notebook to open."""
    entries = glossary()
    ids = list(entries) if term_ids is None else list(term_ids)
    unknown = [t for t in ids if t not in entries]
    if unknown:
        raise ValueError(f"glossary terms not in assets/glossary.toml: {', '.join(unknown)}")
    ids.sort(key=lambda t: entries[t]["term"].lower())
    # the ids are checked when the glossary is read (widgets.ui.assets); escaped all the same
    terms = [(f"glossary-{t}", entries[t]["term"], entries[t]["definition"]) for t in ids]
    whole, term = GLOSSARY_LOOKS[folds]
    body = whole.format("".join(term.format(*map(html.escape, t)) for t in terms))
    return HTMLBlock(body, "\n".join(f"{name}: {definition}" for _, name, definition in terms))


class Lesson:
    """One lesson's data (assets/lessons/<id>.toml) and the blocks rendered from it."""

    def __init__(self, lesson_id: str) -> None:
        self.id = lesson_id
        self.data: dict[str, Any] = lesson_data(lesson_id)
        #: The learner's answers to this lesson (``answers/<lesson>.json``; widgets.ui.answers).
        self.store = AnswerStore(lesson_id)

    def guiding_questions(self, section: str | None = None) -> list[dict[str, Any]]:
        """The guiding questions of one section (or all), in predict-explore-explain order."""
        found = [g for g in self.data.get("guiding", []) if section in (None, g["section"])]
        if section is not None and not found:
            sections = sorted({g["section"] for g in self.data.get("guiding", [])})
            raise ValueError(f"section must be one of {', '.join(sections)}; got {section!r}")
        return sorted(found, key=lambda g: STAGES.index(g["stage"])) if section else found

    def questions(self, section: str, stages: str = "predict explore explain") -> AnswersWidget:
        """A section's guiding questions (some ``stages`` only), each with a box for the
        learner's answer; its model answer opens once something is written (``answers``).

        Show the *predict* question before the explorer and the others after it:
        ``lesson.questions("journey", "predict")``, then
        ``lesson.questions("journey", "explore explain")``.
        """
        wanted = stages.split()
        if not set(wanted) <= set(STAGES):
            raise ValueError(f"stages must be among {', '.join(STAGES)}; got {stages!r}")
        items = [
            {**g, "label": g["stage"].capitalize()}
            for g in self.guiding_questions(section)
            if g["stage"] in wanted
        ]
        spec = {"lesson": self.id, "kind": "guiding", "title": "Think it through", "items": items}
        widget = AnswersWidget(self.store, spec=spec)
        widget.text = "\n".join(f"{g['label']}. {g['question']}" for g in items)
        return widget

    def quiz(self) -> AnswersWidget:
        """The lesson's self-check quiz, drawn and graded in the page (``answers.js``; no
        title: the notebook's own heading names it), with the button that downloads the
        learner's record of the whole lesson."""
        for question in self.data["quiz"]:
            validate_question(question)
        questions = [
            {"id": g["id"], "label": g["stage"].capitalize(), "question": g["question"]}
            for g in self.guiding_questions()
        ]
        spec = {"lesson": self.id, "kind": "quiz", "title": "", "items": self.data["quiz"]}
        spec["record"] = {"title": self.data["title"], "questions": questions}
        return AnswersWidget(self.store, spec=spec)

    def references(self) -> HTMLBlock:
        """The lesson's references, numbered, from the course bibliography."""
        formatted = [format_reference(key) for key in self.data["references"]]
        body = "<ol class='course-references'>" + "".join(f"<li>{b}</li>" for b, _ in formatted)
        text = "\n".join(f"{i}. {t}" for i, (_, t) in enumerate(formatted, 1))
        return HTMLBlock(body + "</ol>", text)

    def key_terms(self) -> HTMLBlock:
        """The glossary entries this lesson uses, each a fold that opens in place."""
        return glossary_block(self.data.get("glossary", []), folds=True)

    def glossary(self) -> HTMLBlock:
        """The whole course glossary."""
        return glossary_block(None)
