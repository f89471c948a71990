"""Collect the answers a class handed in: one table per lesson.

    make collect HANDED_IN=path/to/folder    # python tools/collect.py FOLDER [--out DIR]

Reads every learner's record in FOLDER and its subfolders, however they arrived (an upload
to the course's site, e-mail, a shared folder): the HTML page the quiz's *Download my
answers* button saves (its JSON is inside), or a JSON record, or a learner's own
``answers/<lesson>.json``. Writes into DIR (default ``build/collected``), per lesson:

* ``<lesson>.md``: who answered what (the chosen option's id, the number as typed), right
  or not, each learner's score, the score per question, the questions most got wrong, and
  every written answer to the guiding questions;
* ``<lesson>.csv``: the same table, one row per learner, for a spreadsheet.

Every quiz answer is graded again from the lesson's data (``assets/lessons/``), never
taken from the file. A file that is damaged, not a record of this course or of an unknown
lesson is reported by name and skipped; it never stops the collection.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from widgets.ui.answers import FORMAT  # noqa: E402
from widgets.ui.assets import lesson_data, lesson_ids  # noqa: E402
from widgets.ui.quiz import grade  # noqa: E402

EMBEDDED = re.compile(
    r"<script type=\"application/json\" id=\"stemcell-course-answers\">(.*?)</script>", re.S
)


def read_record(path: Path) -> dict[str, Any]:
    """One handed-in file as a record; ``ValueError`` saying why it cannot be one."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError("not a text file") from None
    if path.suffix.lower() in {".html", ".htm"}:
        found = EMBEDDED.search(text)
        if not found:
            raise ValueError("a web page without the course's answers inside")
        text = found.group(1)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"damaged JSON ({error.msg}, line {error.lineno})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("not a record of this course's answers")
    if data.get("lesson") not in lesson_ids():
        raise ValueError(f"names a lesson the course does not have: {data.get('lesson')!r}")
    if not isinstance(data.get("answers"), dict):
        raise ValueError("its 'answers' are missing")
    return data


def mark(question: dict[str, Any], answer: Any) -> tuple[str, bool | None]:
    """What a learner answered, as shown in the table, and whether it is right (None: no
    answer). An answer that cannot be read (not a number, an unknown option) is not right."""
    if not isinstance(answer, dict):
        return "", None
    given = answer.get("choice") if question["kind"] == "choice" else answer.get("typed")
    if given is None or str(given).strip() == "":
        return "", None
    try:
        return str(given), grade(question, str(given)).correct
    except ValueError:
        return str(given), False


def collect(folder: Path) -> tuple[dict[str, dict[str, dict]], list[tuple[str, str]]]:
    """The records in ``folder`` by lesson and learner (the newest of a learner's records),
    and the files skipped with the reason."""
    lessons: dict[str, dict[str, dict]] = {}
    skipped: list[tuple[str, str]] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = str(path.relative_to(folder))
        try:
            data = read_record(path)
        except (ValueError, OSError) as error:
            skipped.append((name, str(error)))
            continue
        # The name typed under the quiz, else the file's path (a learner's own answers file
        # is <lesson>.json: keep each in a folder named after the learner).
        typed = data.get("learner") or (data["answers"].get("learner") or {}).get("text")
        learner = str(typed or "").strip() or str(Path(name).with_suffix(""))
        data["file"] = name
        kept = lessons.setdefault(data["lesson"], {})
        if learner in kept:
            older, newer = sorted([kept[learner], data], key=lambda d: str(d.get("saved", "")))
            skipped.append((older["file"], f"an older record of {learner} ({newer['file']} kept)"))
            data = newer
        kept[learner] = data
    return lessons, skipped


def cell(text: str) -> str:
    """A learner's text as one cell of a Markdown table (no markup, no line breaks)."""
    text = " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;")
    return text.replace("|", "\\|")


def lesson_table(lesson_id: str, learners: dict[str, dict]) -> tuple[str, list[list[str]]]:
    """The lesson's Markdown page and its CSV rows."""
    data = lesson_data(lesson_id)
    quiz = data["quiz"]
    rows = [["learner", *(q["id"] for q in quiz), "score", "file"]]
    lines = [
        f"# {data['title']}: the class's answers",
        "",
        f"{len(learners)} learner(s). ✔ right, ✘ not right, blank: not answered.",
        "",
        "| Learner | " + " | ".join(f"Q{i}" for i in range(1, len(quiz) + 1)) + " | Score |",
        "|---|" + "---|" * (len(quiz) + 1),
    ]
    right = [0] * len(quiz)
    answered = [0] * len(quiz)
    for learner, record in sorted(learners.items()):
        marks = [mark(q, record["answers"].get(q["id"])) for q in quiz]
        score = sum(ok is True for _, ok in marks)
        for i, (_, ok) in enumerate(marks):
            answered[i] += ok is not None
            right[i] += ok is True
        shown = [f"{given} {'✔' if ok else '✘'}" if ok is not None else "" for given, ok in marks]
        lines.append(f"| {cell(learner)} | " + " | ".join(map(cell, shown)) + f" | {score} |")
        rows.append([learner, *shown, str(score), record["file"]])
    per_question = [f"{r}/{a}" for r, a in zip(right, answered, strict=True)]
    lines.append("| **Right** | " + " | ".join(per_question) + " | |")
    lines += ["", "## The questions, most missed first", ""]
    missed = sorted(range(len(quiz)), key=lambda i: (right[i] - answered[i], i))
    for i in missed:
        wrong = answered[i] - right[i]
        text = quiz[i]["question"]
        lines.append(f"* Q{i + 1} `{quiz[i]['id']}`: {wrong} of {answered[i]} not right. {text}")
    lines += ["", "## Written answers to the guiding questions", ""]
    for g in data.get("guiding", []):
        lines.append(f"### {g['stage'].capitalize()}: {g['question']}")
        lines.append("")
        for learner, record in sorted(learners.items()):
            text = str((record["answers"].get(g["id"]) or {}).get("text", "")).strip()
            lines.append(f"* **{cell(learner)}**: {cell(text) if text else '(not answered)'}")
        lines.append("")
    return "\n".join(lines) + "\n", rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="the folder of handed-in files")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "collected")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        parser.error(f"no folder {args.folder}")
    lessons, skipped = collect(args.folder)
    args.out.mkdir(parents=True, exist_ok=True)
    for lesson_id, learners in sorted(lessons.items()):
        page, rows = lesson_table(lesson_id, learners)
        (args.out / f"{lesson_id}.md").write_text(page, encoding="utf-8")
        with (args.out / f"{lesson_id}.csv").open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
        print(f"{lesson_id}: {len(learners)} learner(s) -> {args.out / lesson_id}.md and .csv")
    for name, reason in skipped:
        print(f"skipped {name}: {reason}")
    if not lessons:
        print(f"no records of the course's answers in {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
