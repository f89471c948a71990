// A learner's answers (widgets/ui/answers.py), on anywidget's public model API only: a section's
// guiding questions, each with a box and a model answer (shown once the learner has written,
// unless the teacher's switch says "hide" or "show"), or the quiz, graded as quiz.py grades.
// In JupyterLab the kernel keeps them in a file and this page a copy (an answer typed while the
// kernel was gone comes back); in Voila and on the static site, localStorage keeps them.

const KEY = "stemcell-course:answers:";
const SWITCH = "stemcell-course:model-answers";
const REVEAL = ["after", "hide", "show"];
let uid = 0;

// -- numbers as a learner types them, exactly as widgets/ui/quiz.py reads them ------------
const SPACES = /[\s\u00a0\u202f\u2009']/g;
const THOUSANDS = /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/;
const DECIMAL_COMMA = /^[+-]?(\d{1,3}(\.\d{3})+|\d*),\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const g = (x) => String(Number(x.toPrecision(6)));

// The number typed, without the question's unit (any case, singular or plural); NaN if none.
export function readNumber(text, unit = "") {
  const typed = String(text).trim();
  const wanted = unit.trim().toLowerCase();
  const stem = wanted.replace(/s+$/, "");
  const forms = [wanted, stem, stem + "s"].filter(Boolean).sort((a, b) => b.length - a.length);
  const form = forms.find((f) => typed.toLowerCase().endsWith(f)) || "";
  let cleaned = typed.slice(0, typed.length - form.length).replace(SPACES, "").replace(/\u2212/g, "-");
  if (THOUSANDS.test(cleaned)) cleaned = cleaned.replace(/,/g, "");
  else if (DECIMAL_COMMA.test(cleaned)) cleaned = cleaned.replace(/\./g, "").replace(",", ".");
  return DECIMAL.test(cleaned) ? Number(cleaned) : NaN;
}

// What the page says to an answer: {right: true, false or null (refused), text}; null for none.
export function grade(q, answer) {
  if (q.kind === "choice") {
    const chosen = q.choices.find((c, i) => (c.id ?? String(i)) === answer.choice);
    return chosen ? { right: !!chosen.correct, text: chosen.feedback } : null;
  }
  if (answer.typed === undefined) return null;
  const n = readNumber(answer.typed, q.unit);
  if (Number.isNaN(n)) return { right: null, text: `type a number in ${q.unit}` };
  const high = q.unit.trim() === "%" ? 100 : 100 * Math.max(Math.abs(q.answer) + q.tolerance, 1);
  const low = Math.min(0, q.answer - q.tolerance);
  if (!(n >= low && n <= high))
    return { right: null, text: `That cannot be right here: type a number from ${g(low)} to ${g(high)} ${q.unit}` };
  if (n < q.answer - q.tolerance) return { right: false, text: q.feedback_low };
  if (n > q.answer + q.tolerance) return { right: false, text: q.feedback_high };
  return { right: true, text: q.feedback_right };
}

const said = (r) => (r.right === null ? r.text : `${r.right ? "✔ Right." : "✘ Not quite."} ${r.text}`);

// -- where answers are kept ------------------------------------------------------------------
function stored(lesson) {
  const raw = localStorage.getItem(KEY + lesson);
  try {
    const all = JSON.parse(raw || "{}");
    if (all && typeof all === "object" && !Array.isArray(all)) return all;
  } catch {} // eslint-disable-line no-empty
  localStorage.setItem(KEY + lesson + ":damaged", raw); // kept aside, never lost
  return {};
}

// Each question's newer answer (answers carry the time they were written, "at").
function newest(a, b) {
  const newer = Object.entries(b).filter(([id, answer]) => !a[id] || (answer.at || "") > (a[id].at || ""));
  return { ...a, ...Object.fromEntries(newer) };
}

function teacherSwitch(spec) {
  try {
    const asked = new URLSearchParams(location.search).get("model-answers");
    if (REVEAL.includes(asked)) sessionStorage.setItem(SWITCH, asked);
    return sessionStorage.getItem(SWITCH) || spec.reveal;
  } catch {
    return spec.reveal;
  }
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  // Keys pressed in a field are the field's (ArrowDown picks the next choice): JupyterLab's
  // notebook shortcuts and the slideshow's skip an element that carries this attribute.
  if (["input", "textarea", "button"].includes(tag)) node.setAttribute("data-lm-suppress-shortcuts", "true");
  node.append(...children);
  return node;
}

// -- the learner's record --------------------------------------------------------------------
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function record(spec, all, now = new Date().toISOString()) {
  const quiz = spec.items.map((q) => {
    const a = all[q.id] || {};
    const verdict = grade(q, a);
    return { id: q.id, question: q.question, answer: a.choice ?? a.typed ?? null, correct: verdict ? verdict.right === true : null };
  });
  const written = spec.record.questions.map((q) => ({ ...q, answer: (all[q.id] || {}).text || "" }));
  const data = {
    format: "stemcell-course answers",
    lesson: spec.lesson,
    title: spec.record.title,
    learner: (all.learner || {}).text || "",
    course_version: spec.version,
    saved: now,
    score: { right: quiz.filter((q) => q.correct).length, questions: quiz.length },
    answers: all,
    quiz,
    written,
  };
  const rows = quiz.map((q) => `<tr><td>${escape(q.question)}</td><td>${escape(q.answer ?? "")}</td><td>${q.correct === null ? "" : q.correct ? "right" : "not right"}</td></tr>`);
  const notes = written.map((q) => `<dt>${escape(q.label)}. ${escape(q.question)}</dt><dd>${escape(q.answer) || "<i>(not answered)</i>"}</dd>`);
  const version = Object.entries(spec.version || {}).map(([k, v]) => `${k} ${v}`).join(", ");
  const json = JSON.stringify(data, null, 1).replace(/</g, "\\u003c");
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escape(data.title)}: answers</title><style>body{font-family:system-ui,sans-serif;max-width:980px;margin:1em auto;padding:0 1em}table{border-collapse:collapse}td,th{padding:3px 8px;text-align:left;vertical-align:top}dt{font-weight:600;margin-top:8px}</style></head><body>
<h1>${escape(data.title)}</h1><p>Answers of <b>${escape(data.learner || "(no name given)")}</b>, saved ${escape(now)}; course version ${escape(version)}.</p>
<h2>Quiz: ${data.score.right} of ${data.score.questions} right</h2><table border="1"><tr><th>Question</th><th>Answer</th><th></th></tr>${rows.join("")}</table>
<h2>Written answers</h2><dl>${notes.join("")}</dl>
<script type="application/json" id="stemcell-course-answers">${json}</script></body></html>`;
}

// -- the view ----------------------------------------------------------------------------------
function render({ model, el: root }) {
  const spec = model.get("spec");
  const lesson = spec.lesson || "";
  const quiz = spec.kind === "quiz";
  // JupyterLab (or Notebook 7), not Voila (whose page is a lab shell too, on a server folder
  // the whole class shares) nor the static site.
  const inLab = !!document.querySelector(".jp-LabShell, .jp-NotebookShell") && !document.querySelector("#rendered_cells");
  const reveal = teacherSwitch(spec);
  const drawn = {};
  const problem = el("p", { class: "ca-problem", role: "alert", hidden: "" });
  const status = el("p", { class: "ca-status" });
  let trouble = "";

  const save = (name, value) => {
    model.set(name, value);
    model.save_changes();
  };

  const answer = (id, entry) => {
    const all = { ...model.get("answers"), [id]: { ...entry, at: new Date().toISOString() } };
    try {
      if (lesson) localStorage.setItem(KEY + lesson, JSON.stringify({ ...stored(lesson), [id]: all[id] }));
      trouble = "";
    } catch (error) {
      trouble = `This browser could not keep your answers (${error.message}): download them below.`;
    }
    save("answers", all);
    show();
  };

  const written = (q) => {
    const id = `ca-${++uid}`;
    const hint = reveal === "after" ? "Write your answer; the model answer then opens below it." : "Write your answer (it is kept).";
    const box = el("textarea", { rows: "2", "aria-labelledby": id, placeholder: hint });
    let timer;
    const write = () => {
      clearTimeout(timer);
      if (box.value !== ((model.get("answers")[q.id] || {}).text || "")) answer(q.id, { text: box.value });
    };
    box.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(write, 700);
    });
    box.addEventListener("change", write);
    const shown = el("details", { class: "ca-model", hidden: "" }, el("summary", {}, "Compare with a model answer"), el("p", {}, q.model_answer));
    drawn[q.id] = { box, field: "text", model: shown };
    return el("li", { class: "ca-item", "data-question": q.id }, el("p", { id }, el("b", {}, `${q.label}. `), q.question), box, shown);
  };

  const question = (q) => {
    const id = `ca-${++uid}`;
    const feedback = el("p", { class: "quiz-feedback", role: "status", "aria-live": "polite" });
    let row, box;
    if (q.kind === "choice") {
      row = el("div", { class: "quiz-input", role: "radiogroup", "aria-labelledby": id });
      q.choices.forEach((c, i) => {
        const input = el("input", { type: "radio", name: id, value: c.id ?? String(i) });
        input.addEventListener("change", () => answer(q.id, { choice: input.value }));
        row.append(el("label", { class: "ca-choice" }, input, ` ${c.text}`));
      });
    } else {
      box = el("input", { type: "text", inputmode: "decimal", placeholder: "type a number" });
      const check = el("button", { type: "button" }, "Check");
      const send = () => answer(q.id, { typed: box.value });
      check.addEventListener("click", send);
      box.addEventListener("keydown", (e) => e.key === "Enter" && send());
      row = el("div", { class: "quiz-input" }, el("label", {}, `Answer (${q.unit}) `, box), check);
    }
    drawn[q.id] = { row, box, field: "typed", feedback, q };
    return el("li", { class: "course-quiz-question", "data-question": q.id }, el("p", { id }, q.question), row, feedback);
  };

  // The learner's record: this browser's copy of the lesson's answers, and what the kernel
  // gave this widget (in JupyterLab, every answer the lesson's file holds).
  const download = () => {
    const text = record(spec, newest(stored(lesson), model.get("answers")));
    const page = new Blob([text], { type: "text/html" });
    const link = el("a", { href: URL.createObjectURL(page), download: `${lesson}-answers.html` });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 5000);
  };

  const show = () => {
    const answers = model.get("answers") || {};
    for (const [id, { box, field, model: shown, row, feedback, q }] of Object.entries(drawn)) {
      const a = answers[id] || {};
      if (box && document.activeElement !== box && a[field] !== undefined) box.value = a[field];
      if (shown) shown.hidden = !(reveal === "show" || (reveal === "after" && (a.text || "").trim()));
      if (!row) continue;
      for (const radio of row.querySelectorAll("input[type=radio]")) radio.checked = radio.value === a.choice;
      const verdict = grade(q, a);
      feedback.textContent = verdict ? said(verdict) : "";
      feedback.className = `quiz-feedback ${verdict ? (verdict.right ? "right" : "wrong") : ""}`;
    }
    const kernel = model.get("status");
    problem.textContent = (inLab ? "" : trouble) || (/could not/.test(kernel) ? kernel : "");
    problem.hidden = !problem.textContent;
    status.textContent = inLab ? kernel : "Your answers are kept in this browser, for this lesson.";
  };

  const widget = el("div", { class: `course-answers ${quiz ? "course-quiz" : "course-questions"}` });
  if (spec.title) widget.append(el(quiz ? "h3" : "p", { class: "ca-title" }, el("b", {}, spec.title)));
  widget.append(el("ol", {}, ...spec.items.map((q) => (quiz ? question(q) : written(q)))), problem);
  if (quiz && spec.record) {
    const name = el("input", { type: "text", class: "ca-name", autocomplete: "name" });
    name.addEventListener("change", () => answer("learner", { text: name.value }));
    const button = el("button", { type: "button", class: "ca-download" }, "Download my answers");
    button.addEventListener("click", download);
    drawn.learner = { box: name, field: "text" };
    widget.append(el("div", { class: "ca-record" }, el("label", {}, "Your name ", name), button, status));
  }
  root.append(widget);

  if (lesson) {
    const backup = Object.fromEntries(Object.entries(stored(lesson)).filter(([id]) => id in drawn));
    save("answers", newest(model.get("answers"), backup));
    save("keep", inLab ? "file" : "page"); // the kernel then merges the file's answers
  }
  const events = ["change:answers", "change:status"];
  events.forEach((event) => model.on(event, show));
  show();
  return () => events.forEach((event) => model.off(event, show));
}

export default {
  render,
};
