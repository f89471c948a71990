// A learner's answers (widgets/ui/answers.py, AnswersWidget), on anywidget's public model
// API only (get, set, on, off, save_changes, send).
//
// It draws a section's guiding questions, each with a box for the learner's answer and its
// model answer (shown once the learner has written something, unless the teacher's switch
// says "hide" or "show"), or the quiz, graded here as widgets/ui/quiz.py grades. Every answer
// is kept: in JupyterLab the kernel writes answers/<lesson>.json (this page keeps a copy in
// the browser, so an answer typed while the kernel was gone comes back); in Voila and on the
// static site the browser's localStorage keeps them under the lesson's id. The quiz's
// "Download my answers" saves the learner's record: an HTML page with its JSON inside.

const KEY = "stemcell-course:answers:";
const SWITCH = "stemcell-course:model-answers";
const REVEAL = ["after", "hide", "show"];
let uid = 0;

// -- numbers as a learner types them, exactly as widgets/ui/quiz.py reads them ------------
const SPACES = /[\s\u00a0\u202f\u2009']/g;
const THOUSANDS = /^\d{1,3}(,\d{3})+(\.\d*)?$/;
const DECIMAL_COMMA = /^\d*,\d+$/;
const DOTS_AND_COMMA = /^\d{1,3}(\.\d{3})+,\d+$/;
const DECIMAL = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const g = (x) => String(Number(x.toPrecision(6)));

function withoutUnit(text, unit) {
  const wanted = unit.trim().toLowerCase();
  const stem = wanted.replace(/s+$/, "");
  const forms = [...new Set([wanted, stem, stem + "s"])].filter(Boolean);
  const stripped = text.trim();
  for (const form of forms.sort((a, b) => b.length - a.length))
    if (stripped.toLowerCase().endsWith(form)) return stripped.slice(0, -form.length);
  return stripped;
}

export function readNumber(text, unit = "") {
  const refuse = () => new Error(`type a number in ${unit}`);
  let cleaned = withoutUnit(String(text), unit).replace(SPACES, "").replace(/\u2212/g, "-");
  let sign = "";
  if (cleaned && "+-".includes(cleaned[0])) [sign, cleaned] = [cleaned[0], cleaned.slice(1)];
  if (cleaned.includes(",")) {
    if (THOUSANDS.test(cleaned)) cleaned = cleaned.replace(/,/g, "");
    else if (DOTS_AND_COMMA.test(cleaned)) cleaned = cleaned.replace(/\./g, "").replace(",", ".");
    else if (DECIMAL_COMMA.test(cleaned)) cleaned = cleaned.replace(",", ".");
    else throw refuse();
  }
  if (!DECIMAL.test(cleaned)) throw refuse();
  return Number(sign + cleaned);
}

// What the page says to an answer: {right: true/false, or null for a refused answer, text}.
export function grade(q, answer) {
  if (!answer) return null;
  if (q.kind === "choice") {
    const chosen = q.choices.find((c, i) => (c.id ?? String(i)) === answer.choice);
    return chosen ? { right: !!chosen.correct, text: chosen.feedback } : null;
  }
  if (answer.typed === undefined) return null;
  let n;
  try {
    n = readNumber(answer.typed, q.unit);
  } catch (error) {
    return { right: null, text: error.message };
  }
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
  } catch (error) {} // eslint-disable-line no-empty
  localStorage.setItem(KEY + lesson + ":damaged", raw); // kept aside, never lost
  return {};
}

function keepInBrowser(lesson, entries) {
  try {
    localStorage.setItem(KEY + lesson, JSON.stringify({ ...stored(lesson), ...entries }));
    return "";
  } catch (error) {
    return `This browser could not keep your answers (${error.message}): download them below.`;
  }
}

// Each question's newer answer (answers carry the time they were written, "at").
const newest = (a, b) => {
  const out = { ...a };
  for (const [id, answer] of Object.entries(b)) if (!out[id] || (answer.at || "") > (out[id].at || "")) out[id] = answer;
  return out;
};

function teacherSwitch(spec) {
  try {
    const asked = new URLSearchParams(location.search).get("model-answers");
    if (REVEAL.includes(asked)) sessionStorage.setItem(SWITCH, asked);
    return sessionStorage.getItem(SWITCH) || spec.reveal || "after";
  } catch (error) {
    return spec.reveal || "after";
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
class AnswersView {
  constructor(model, root) {
    this.model = model;
    this.spec = model.get("spec");
    this.lesson = this.spec.lesson || "";
    // JupyterLab (or Notebook 7), not Voila (whose page is a lab shell too, on a server
    // folder the whole class shares) nor the static site.
    this.inLab = !!document.querySelector(".jp-LabShell, .jp-NotebookShell") && !document.querySelector("#rendered_cells");
    this.reveal = teacherSwitch(this.spec);
    this.drawn = {};
    const quiz = this.spec.kind === "quiz";
    this.root = el("div", { class: `course-answers ${quiz ? "course-quiz" : "course-questions"}` });
    if (this.spec.title) this.root.append(el(quiz ? "h3" : "p", { class: "ca-title" }, el("b", {}, this.spec.title)));
    const list = el("ol");
    for (const q of this.spec.items) list.append(quiz ? this.question(q) : this.written(q));
    this.problem = el("p", { class: "ca-problem", role: "alert", hidden: "" });
    this.root.append(list, this.problem);
    if (quiz && this.spec.record) this.root.append(this.recordBar());
    root.append(this.root);
  }

  start() {
    const mine = (all) => Object.fromEntries(Object.entries(all).filter(([id]) => id in this.drawn));
    if (this.lesson) {
      const backup = mine(stored(this.lesson));
      const merged = newest(this.model.get("answers"), backup);
      if (this.inLab) {
        if (JSON.stringify(merged) !== JSON.stringify(this.model.get("answers"))) this.save(merged);
        if (this.model.get("keep") !== "file") this.save(null, "file");
      } else {
        this.save(merged, "page");
      }
    }
    this.onChange = () => this.show();
    this.model.on("change:answers", this.onChange);
    this.model.on("change:status", this.onChange);
    this.show();
  }

  save(answers, keep) {
    if (answers) this.model.set("answers", answers);
    if (keep) this.model.set("keep", keep);
    this.model.save_changes();
  }

  answer(id, entry) {
    const all = { ...this.model.get("answers"), [id]: { ...entry, at: new Date().toISOString() } };
    const trouble = this.lesson ? keepInBrowser(this.lesson, { [id]: all[id] }) : "";
    this.save(all);
    this.trouble = this.inLab ? "" : trouble;
    this.show();
  }

  written(q) {
    const id = `ca-${++uid}`;
    const box = el("textarea", { rows: "2", "aria-labelledby": id, placeholder: this.reveal === "after" ? "Write your answer; the model answer then opens below it." : "Write your answer (it is kept)." });
    let timer;
    const write = () => {
      clearTimeout(timer);
      if (box.value !== ((this.model.get("answers")[q.id] || {}).text || "")) this.answer(q.id, { text: box.value });
    };
    box.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(write, 700);
    });
    box.addEventListener("change", write);
    const model = el("details", { class: "ca-model", hidden: "" }, el("summary", {}, "Compare with a model answer"), el("p", {}, q.model_answer));
    this.drawn[q.id] = { box, model };
    return el("li", { class: "ca-item", "data-question": q.id }, el("p", { id }, el("b", {}, `${q.label}. `), q.question), box, model);
  }

  question(q) {
    const id = `ca-${++uid}`;
    const feedback = el("p", { class: "quiz-feedback", role: "status", "aria-live": "polite" });
    let row;
    if (q.kind === "choice") {
      row = el("div", { class: "quiz-input", role: "radiogroup", "aria-labelledby": id });
      q.choices.forEach((c, i) => {
        const input = el("input", { type: "radio", name: id, value: c.id ?? String(i) });
        input.addEventListener("change", () => this.answer(q.id, { choice: input.value }));
        row.append(el("label", { class: "ca-choice" }, input, ` ${c.text}`));
      });
    } else {
      const input = el("input", { type: "text", inputmode: "decimal", placeholder: "type a number" });
      const check = el("button", { type: "button" }, "Check");
      const send = () => this.answer(q.id, { typed: input.value });
      check.addEventListener("click", send);
      input.addEventListener("keydown", (e) => e.key === "Enter" && send());
      row = el("div", { class: "quiz-input" }, el("label", {}, `Answer (${q.unit}) `, input), check);
    }
    this.drawn[q.id] = { row, feedback };
    return el("li", { class: "course-quiz-question", "data-question": q.id }, el("p", { id }, q.question), row, feedback);
  }

  recordBar() {
    const name = el("input", { type: "text", class: "ca-name", autocomplete: "name" });
    name.addEventListener("change", () => this.answer("learner", { text: name.value }));
    const button = el("button", { type: "button", class: "ca-download" }, "Download my answers");
    button.addEventListener("click", () => this.download());
    this.status = el("p", { class: "ca-status" });
    this.drawn.learner = { box: name };
    return el("div", { class: "ca-record" }, el("label", {}, "Your name ", name), button, this.status);
  }

  async download() {
    let all = this.inLab ? await this.fromKernel() : stored(this.lesson);
    all = newest(all, this.model.get("answers"));
    const page = new Blob([record(this.spec, all)], { type: "text/html" });
    const link = el("a", { href: URL.createObjectURL(page), download: `${this.lesson}-answers.html` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 5000);
  }

  fromKernel() {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done({ answers: {} }), 5000);
      const done = (message) => {
        if (!message || message.type !== "all") return;
        clearTimeout(timer);
        this.model.off("msg:custom", done);
        resolve(message.answers);
      };
      this.model.on("msg:custom", done);
      this.model.send({ type: "all" });
    });
  }

  show() {
    const answers = this.model.get("answers") || {};
    for (const [id, drawn] of Object.entries(this.drawn)) {
      const a = answers[id] || {};
      if (drawn.box && document.activeElement !== drawn.box && a.text !== undefined) drawn.box.value = a.text;
      if (drawn.model) drawn.model.hidden = !(this.reveal === "show" || (this.reveal === "after" && (a.text || "").trim()));
      if (!drawn.row) continue;
      const q = this.spec.items.find((item) => item.id === id);
      for (const input of drawn.row.querySelectorAll("input[type=radio]")) input.checked = input.value === a.choice;
      const typed = drawn.row.querySelector("input[type=text]");
      if (typed && a.typed !== undefined && document.activeElement !== typed) typed.value = a.typed;
      const verdict = grade(q, a);
      drawn.feedback.textContent = verdict ? said(verdict) : "";
      drawn.feedback.className = `quiz-feedback ${verdict ? ["refused", "wrong", "right"][verdict.right === null ? 0 : verdict.right ? 2 : 1] : ""}`;
    }
    const status = this.model.get("status");
    const problem = this.trouble || (/could not/.test(status) ? status : "");
    this.problem.hidden = !problem;
    this.problem.textContent = problem;
    if (this.status) this.status.textContent = this.inLab ? status : "Your answers are kept in this browser, for this lesson.";
  }

  destroy() {
    this.model.off("change:answers", this.onChange);
    this.model.off("change:status", this.onChange);
  }
}

export default {
  render({ model, el: root }) {
    const view = new AnswersView(model, root);
    view.start();
    return () => view.destroy();
  },
};
