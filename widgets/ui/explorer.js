// The explorers' front end (widgets/ui/explorer.py, ExplorerWidget), on anywidget's
// public model API only (get, set, on, off, save_changes, send). A moved control is drawn at
// once from the kernel's table (`tables`: the figure at every setting of each control, the
// others held); the kernel sends a figure (`view`) only for values the table does not hold.
// The static site draws its explorers with the same module and no kernel: there the table
// is the whole grid of the settings the page can hold.

const PLOTLY = Symbol.for("stemcell-course/plotly.js");
const PING_MS = 2500;
const LOST_MS = 9000;
const ANNOUNCE_MS = 700;
const NARROW_PX = 820;
// Ids unique in the page (labels, the figure's description): JupyterLab may load this
// module once per explorer, so the count lives on the page, not in the module.
const UID = Symbol.for("stemcell-course/uid");

// -- plotly.js, once per page -------------------------------------------------------------
// The kernel sends it (4.8 MB) to the first explorer that asks, as a custom message with a
// binary buffer; every other explorer of the page waits for the same copy.
function plotlyFor(model) {
  if (globalThis.Plotly) return Promise.resolve(globalThis.Plotly); // the static site
  if (!globalThis[PLOTLY]) {
    globalThis[PLOTLY] = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        model.off("msg:custom", onMessage);
        reject(new Error("plotly.js did not arrive"));
      }, 30000);
      function onMessage(message, buffers) {
        if (!message || message.type !== "plotly.js") return;
        clearTimeout(timer);
        model.off("msg:custom", onMessage);
        // plotly.min.js is a UMD bundle: given a CommonJS `module`, it fills it and leaves
        // the page's globals alone. Its bytes (the buffer) go into the module as they came.
        const head = "const module = { exports: {} };\nconst exports = module.exports;\n";
        const url = URL.createObjectURL(new Blob([head, buffers[0], "\nexport default module.exports;\n"], { type: "text/javascript" }));
        import(/* webpackIgnore: true */ url)
          .then((module) => resolve(module.default), reject)
          .finally(() => URL.revokeObjectURL(url));
      }
      model.on("msg:custom", onMessage);
      model.send({ type: "need-plotly" });
    });
    globalThis[PLOTLY].catch(() => delete globalThis[PLOTLY]); // the next explorer asks again
  }
  return globalThis[PLOTLY];
}

// -- the projector look of the whole page: a switch in every explorer, or ?projector=1 -----
// Larger lesson text and tables (explorer.css), larger explorers, larger figure text.
const PROJECTOR = "course-projector";
const projectorOn = () => document.documentElement.classList.contains(PROJECTOR);
function setProjector(on) {
  document.documentElement.classList.toggle(PROJECTOR, on);
  document.dispatchEvent(new Event(PROJECTOR));
}
if (/[?&]projector=(1|on|yes|true)(&|$)/.test(globalThis.location?.search || "")) setProjector(true);

// A figure for the projector: the layout's text 1.25 times as large (at least 14 px), margins
// grown with it, legends lower and free to wrap, a title no wider than the plot, thicker
// lines. Words and notes drawn on the plot keep their size: they are placed to fit it.
const BIG = 1.25;
function projected(node, key = "") {
  if (Array.isArray(node)) return node.map((item) => projected(item, key));
  if (!node || typeof node !== "object") return node;
  const out = {};
  for (const [name, value] of Object.entries(node)) {
    if (name === "size" && typeof value === "number" && /font$/.test(key)) out[name] = Math.max(14, Math.round(value * BIG));
    else if (name !== "entrywidth" && name !== "entrywidthmode") out[name] = projected(value, name);
  }
  return out;
}

const projectedData = (data) =>
  data.map((t) => (t.line && t.line.width > 0 ? { ...t, line: { ...t.line, width: Math.max(3, t.line.width * 1.5) } } : t));

function projectedLayout(layout, width) {
  const out = projected(layout);
  if (layout.annotations) out.annotations = layout.annotations; // placed on the plot, to fit it
  const margin = { l: 70, r: 20, t: 60, b: 60, ...(layout.margin || {}) };
  out.margin = Object.fromEntries(Object.entries(margin).map(([k, v]) => [k, Math.round(v * (k === "b" ? 1.5 : BIG))]));
  if (out.legend && out.legend.y < 0) out.legend = { ...out.legend, y: out.legend.y * 1.35 };
  const title = out.title?.text;
  if (title) {
    // about 0.55 em a character: the title's size so that it fits the width it has
    const fits = Math.floor(Math.max(200, width - 20) / (0.55 * title.length));
    out.title = { ...out.title, font: { ...out.title.font, size: Math.max(13, Math.min(out.title.font?.size || 20, fits)) } };
  }
  if (layout.height) out.height = Math.round(layout.height * 1.1);
  return out;
}

// -- values, keys and ranges, exactly as widgets/ui/controls.py and tables.py --------------
function rangeOf(control, values) {
  const found = control.ranges.find(([leader]) => leader === values[control.ranges_by]);
  return found ? found[1] : control;
}

const fixed = (control, value) => Number(value).toFixed(control.decimals);
const snap = (control, value) => Number(fixed(control, value));

function shown(control, value) {
  if (control.kind === "slider") return fixed(control, value) + (control.unit ? ` ${control.unit}` : "");
  if (control.kind === "check") return value ? "yes" : "no";
  return control.options.find(([, v]) => v === value)?.[0] ?? String(value);
}

// A control's part of the key; a menu's (its option's index) is also its inputs' value.
function keyPart(control, value) {
  if (control.kind === "slider") return fixed(control, value);
  if (control.kind === "check") return value ? "1" : "0";
  return String(control.options.findIndex(([, v]) => v === value));
}

export function keyOf(spec, values) {
  return spec.controls.map((control) => keyPart(control, values[control.name])).join("|");
}

// A control moved: the new values, with every slider whose range follows it at its new
// range's starting value (as check_values does in the kernel).
function moved(spec, values, name, value) {
  const next = { ...values, [name]: value };
  for (const control of spec.controls) {
    if (control.kind === "slider" && control.ranges_by === name && values[name] !== value) next[control.name] = snap(control, rangeOf(control, next).value);
  }
  return next;
}

function patched(figure, patch) {
  const out = structuredClone(figure);
  for (const [path, value] of patch) {
    let node = out;
    for (const key of path.slice(0, -1)) node = node[key];
    const last = path[path.length - 1];
    if (value === null && !Array.isArray(node)) delete node[last];
    else node[last] = value;
  }
  return out;
}

// -- building the page --------------------------------------------------------------------
function make(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key in node && !key.startsWith("aria") && !key.startsWith("data")) node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  // Keys pressed in a control are the control's: JupyterLab's notebook shortcuts (ArrowDown
  // to the next cell, and the like) skip an element that carries this attribute.
  if (["input", "select", "button"].includes(tag)) node.setAttribute("data-lm-suppress-shortcuts", "true");
  return node;
}

class ExplorerView {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.spec = model.get("spec");
    this.values = { ...model.get("values") };
    this.id = `cx-${(globalThis[UID] = (globalThis[UID] || 0) + 1)}`;
    this.inputs = new Map();
    this.drawnKey = null;
    this.lost = false;
    this.lastPong = performance.now();
    this.cleanups = [];
    this.build();
  }

  build() {
    const { spec } = this;
    const fixedHere = new Set(spec.fixed || []);
    const reset = make("button", { type: "button", class: "cx-reset", text: "Reset", title: "Every control back to its starting value" });
    reset.addEventListener("click", () => this.setAll({ ...spec.defaults }));
    this.projector = make("input", { type: "checkbox", checked: projectorOn() });
    this.projector.addEventListener("change", () => setProjector(this.projector.checked));
    const projector = make("label", { class: "cx-projector", title: "Large text in the whole lesson, for a projector" }, [this.projector, document.createTextNode(" Projector")]);
    const scenarioId = `${this.id}-scenario`;
    if (spec.scenarios.length) {
      this.scenarioMenu = make("select", { id: scenarioId, class: "cx-scenario" }, [
        make("option", { value: "", text: spec.custom }),
        ...spec.scenarios.map(([name], i) => make("option", { value: String(i), text: name })),
      ]);
      this.scenarioMenu.addEventListener("change", () => {
        const index = this.scenarioMenu.value;
        if (index !== "") this.setAll({ ...spec.scenarios[Number(index)][1] });
      });
    }
    const scenarioLabel = this.scenarioMenu && make("label", { for: scenarioId, class: "cx-label", text: "Scenario (real cases)" });
    const top = make("div", { class: "cx-top" }, [scenarioLabel, projector, reset]);
    const controls = make("div", { class: "cx-controls", role: "group", "aria-label": `Controls: ${spec.title}` }, [top, this.scenarioMenu]);
    let checks = null; // check boxes next to each other share a grid
    for (const control of spec.controls) {
      const part = this.control(control, fixedHere.has(control.name));
      if (control.kind !== "check") checks = null;
      else if (!checks) controls.append((checks = make("div", { class: "cx-checks" })));
      (checks || controls).append(part);
    }
    this.plot = make("div", { class: "cx-plot" });
    const sentenceId = `${this.id}-sentence`;
    this.figure = make("figure", { class: "cx-figure", role: "group", "aria-label": spec.title, "aria-describedby": sentenceId }, [this.plot]);
    this.sentence = make("p", { id: sentenceId, class: "cx-sentence" });
    this.announcer = make("p", { class: "cx-announce", role: "status", "aria-live": "polite" });
    this.status = make("p", { class: "cx-status", role: "alert", hidden: true });
    if (fixedHere.size) controls.append(make("p", { class: "cx-note", text: "Greyed-out controls move in the live lesson." }));
    const parts = [make("div", { class: "cx-grid" }, [controls, this.figure]), this.sentence, this.announcer, this.status];
    if (spec.caption) parts.push(make("p", { class: "cx-caption", text: spec.caption }));
    if (spec.about) {
      const paragraphs = spec.about.split(/\n\s*\n/).map((text) => make("p", { text: text.trim() }));
      parts.push(make("details", { class: "cx-about" }, [make("summary", { text: "About this model" }), ...paragraphs]));
    }
    this.root = make("div", { class: "course-explorer", "data-explorer": spec.id, "data-main": spec.main }, parts);
    this.el.append(this.root);
  }

  control(control, isFixed) {
    const id = `${this.id}-${control.name}`;
    if (control.kind === "slider") {
      // The visible label names the quantity; the value beside it carries the unit; the
      // accessible name has both ("Platelets (×10⁹/L)") and the value is read as shown.
      const name = `${control.label}${control.unit ? ` (${control.unit})` : ""}`;
      const input = make("input", { type: "range", id, class: "cx-range", disabled: isFixed, "aria-label": name });
      const output = make("output", { class: "cx-value", for: id });
      const label = make("label", { for: id, class: "cx-label", text: control.label });
      // A slider with stops (its settings follow a logarithmic axis) moves over their positions.
      input.addEventListener("input", () => this.move(control.name, control.stops?.length ? control.stops[Number(input.value)] : snap(control, input.value)));
      this.inputs.set(control.name, { control, input, output });
      const source = control.source ? make("span", { class: "cx-source", text: control.source === "assumed" ? "range assumed" : "" }) : null;
      return make("div", { class: "cx-control cx-slider", "data-control": control.name }, [make("div", { class: "cx-head" }, [label, output]), input, source]);
    }
    if (control.kind === "check") {
      const input = make("input", { type: "checkbox", id, disabled: isFixed });
      input.addEventListener("change", () => this.move(control.name, input.checked));
      this.inputs.set(control.name, { control, input });
      const label = make("label", { for: id, class: "cx-check", title: control.details || control.label }, [input, document.createTextNode(` ${control.label}`)]);
      return make("div", { class: "cx-control", "data-control": control.name }, [label]);
    }
    if (control.buttons) {
      const radios = control.options.map(([, value], i) => {
        const input = make("input", { type: "radio", name: id, id: `${id}-${i}`, value: String(i), disabled: isFixed });
        input.addEventListener("change", () => input.checked && this.move(control.name, value));
        return input;
      });
      this.inputs.set(control.name, { control, radios });
      const labels = radios.map((input, i) => make("label", { class: "cx-option", for: input.id }, [input, make("span", { text: control.options[i][0] })]));
      return make("fieldset", { class: "cx-control cx-buttons", "data-control": control.name }, [make("legend", { class: "cx-label", text: control.label }), ...labels]);
    }
    const select = make("select", { id, disabled: isFixed }, control.options.map(([text], i) => make("option", { value: String(i), text })));
    select.addEventListener("change", () => this.move(control.name, control.options[Number(select.value)][1]));
    this.inputs.set(control.name, { control, select });
    return make("div", { class: "cx-control cx-menu", "data-control": control.name }, [make("label", { for: id, class: "cx-label", text: control.label }), select]);
  }

  // Show this.values in every control (ranges too).
  showValues() {
    for (const [name, part] of this.inputs) {
      const value = this.values[name];
      const { control } = part;
      if (control.kind === "slider") {
        const stops = control.stops?.length ? control.stops : null;
        const range = stops ? { min: 0, max: stops.length - 1, step: 1 } : rangeOf(control, this.values);
        part.input.min = range.min;
        part.input.max = range.max;
        part.input.step = range.step;
        part.input.value = stops ? stops.indexOf(value) : value;
        part.input.setAttribute("aria-valuetext", shown(control, value));
        part.output.textContent = shown(control, value);
      } else if (control.kind === "check") {
        part.input.checked = Boolean(value);
      } else if (part.radios) {
        for (const radio of part.radios) radio.checked = radio.value === keyPart(control, value);
      } else {
        part.select.value = keyPart(control, value);
      }
    }
    if (this.scenarioMenu) {
      const key = keyOf(this.spec, this.values);
      const index = this.spec.scenarios.findIndex(([, values]) => keyOf(this.spec, values) === key);
      this.scenarioMenu.value = index < 0 ? "" : String(index);
    }
  }

  // -- moves: a learner's (sent to the kernel) and the kernel's -------------------------------
  move(name, value) {
    this.setAll(moved(this.spec, this.values, name, value));
  }

  setAll(values, send = true) {
    this.values = values;
    this.showValues();
    this.draw();
    if (!send || this.spec.static) return;
    try {
      this.model.set("values", { ...this.values });
      this.model.save_changes();
    } catch (error) {
      this.setLost(true);
    }
  }

  // -- drawing -------------------------------------------------------------------------------
  lookup(key) {
    if (this.lost) return null;
    const tables = this.model.get("tables");
    if (tables && tables.key === key) return { ...tables, from: "table" };
    const entry = tables && tables.entries && tables.entries[key];
    if (entry) return { figure: patched(tables.figure, entry.patch), sentence: entry.sentence, error: entry.error || "", from: "table" };
    const view = this.model.get("view");
    return view && view.key === key ? { ...view, from: "kernel" } : null;
  }

  draw() {
    const key = keyOf(this.spec, this.values);
    const tables = this.model.get("tables");
    // "yes" while the page holds a table built for what the controls show now.
    this.root.dataset.tables = tables && tables.key === key ? "yes" : "no";
    if (tables && tables.answered) this.root.dataset.answered = JSON.stringify(tables.answered);
    const found = this.lookup(key);
    this.root.classList.toggle("cx-waiting", !found);
    this.root.setAttribute("aria-busy", found ? "false" : "true");
    if (!found) {
      if (this.spec.static) this.say("This setting needs the live lesson: the page holds the figure for the settings it can ship.");
      return;
    }
    this.say(found.error || found.sentence);
    if (key === this.drawnKey) return;
    this.drawnKey = key;
    this.paint(found.figure, key, found.from);
  }

  paint(figure, key, from) {
    this.next = { figure, key, from };
    if (this.painting || !this.Plotly) return;
    this.painting = true;
    const step = () => {
      const { figure, key, from } = this.next;
      this.next = null;
      const big = projectorOn();
      const layout = { ...(big ? projectedLayout(figure.layout, this.plot.clientWidth) : figure.layout), autosize: true };
      delete layout.width;
      // The figure fills its column's width; its height is the figure's own, held by the
      // box too (a resize of the window must not shrink it to the box's minimum).
      if (layout.height) this.plot.style.height = `${layout.height}px`;
      const data = big ? projectedData(figure.data) : figure.data;
      Promise.resolve(this.Plotly.react(this.plot, data, layout, this.config)).then(() => {
        // What the page shows, and whether the page's table or the kernel answered (the
        // browser suite and the benchmark read these).
        this.plot.dataset.key = key;
        this.plot.dataset.from = from;
        this.plot.dataset.projector = big ? "yes" : "no";
        if (this.next) step();
        else this.painting = false;
      }, (error) => {
        this.painting = false;
        this.status.hidden = false;
        this.status.textContent = `The figure could not be drawn: ${error.message}`;
      });
    };
    step();
  }

  say(text) {
    if (this.sentence.textContent === text) return;
    this.sentence.textContent = text;
    clearTimeout(this.announceTimer); // a screen reader hears it once the controls rest
    this.announceTimer = setTimeout(() => {
      this.announcer.textContent = text;
    }, ANNOUNCE_MS);
  }

  setLost(lost) {
    if (lost === this.lost) return;
    this.lost = lost;
    this.root.classList.toggle("cx-lost", lost);
    this.status.hidden = !lost;
    this.status.textContent = lost
      ? "This explorer has lost its kernel (it was restarted, stopped or is busy). Run its cell again, or Run → Run All Cells, to bring it back."
      : "";
    if (!lost) this.draw();
  }

  // -- the kernel ------------------------------------------------------------------------------
  listen() {
    const on = (event, handler) => {
      this.model.on(event, handler);
      this.cleanups.push(() => this.model.off(event, handler));
    };
    on("change:values", () => this.setAll({ ...this.model.get("values") }, false));
    on("change:view", () => this.draw());
    on("change:tables", () => this.draw());
    const onProjector = () => {
      this.projector.checked = projectorOn();
      this.drawnKey = null; // drawn again in the new look
      this.draw();
    };
    document.addEventListener(PROJECTOR, onProjector);
    this.cleanups.push(() => document.removeEventListener(PROJECTOR, onProjector));
    if (this.spec.static) return;
    on("msg:custom", (message) => {
      if (message && message.type === "pong") {
        this.lastPong = performance.now();
        this.setLost(false);
      }
    });
    this.model.send({ type: "want-tables" });
    const timer = setInterval(() => {
      if (performance.now() - this.lastPong > LOST_MS) this.setLost(true);
      try {
        this.model.send({ type: "ping" });
      } catch (error) {
        this.setLost(true);
      }
    }, PING_MS);
    this.cleanups.push(() => clearInterval(timer));
  }

  async start() {
    const resize = new ResizeObserver(([entry]) => {
      this.root.classList.toggle("cx-narrow", entry.contentRect.width < NARROW_PX);
    });
    resize.observe(this.root);
    this.cleanups.push(() => resize.disconnect());
    this.showValues();
    this.listen();
    this.draw();
    this.config = { responsive: true, displayModeBar: false, displaylogo: false };
    this.Plotly = await plotlyFor(this.model);
    if (this.next) this.paint(this.next.figure, this.next.key, this.next.from);
    else this.draw();
  }

  destroy() {
    for (const cleanup of this.cleanups) cleanup();
    clearTimeout(this.announceTimer);
    if (this.Plotly) this.Plotly.purge(this.plot);
  }
}

export default {
  async render({ model, el }) {
    const view = new ExplorerView(model, el);
    view.start().catch((error) => {
      view.status.hidden = false;
      view.status.textContent = `The figure could not be drawn: ${error.message}`;
    });
    return () => view.destroy();
  },
};
