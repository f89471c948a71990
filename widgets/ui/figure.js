// The front end of the course's figures (widgets/ui/figure.py, CourseFigure).
//
// The Python side is plotly's FigureWidget: it sends Plotly.restyle/relayout/update
// messages (_py2js_*) and keeps its full state in _widget_data/_widget_layout. This
// module draws that with plotly.js and adds one thing: *frames*. The explorer
// computes, once, what its figure shows at every setting of its main control
// (_course_frames); when the learner moves that control, the figure switches to the
// matching frame here, in the page, with no round trip to the kernel. The kernel
// still hears about the move (the control's own message) and keeps its copy of the
// figure equal to the frame without sending it back.
//
// plotly.js (4.8 MB) comes once per kernel from a shared PlotlyLibrary widget and is
// compiled once per page, however many figures the page shows.

const LIBRARY = Symbol.for("stemcell-course/plotly.js");
// Each figure model's state, by its _course_key (anywidget hands initialize and render
// different proxies of one model).
const FIGURES = (globalThis[Symbol.for("stemcell-course/figures")] ??= new Map());
const TYPED = {
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  float32: Float32Array,
  float64: Float64Array,
};

// -- reading what the kernel sent --------------------------------------------------------
function typedArray(dtype, view) {
  const Type = TYPED[dtype];
  const bytes = view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
  return new Type(bytes);
}

// plotly's wire format: 1-D numeric numpy arrays as {buffer, dtype, shape}, undefined
// as "_undefined_".
function fromWire(value) {
  if (value === "_undefined_") return undefined;
  if (Array.isArray(value)) return value.map(fromWire);
  if (value && typeof value === "object" && !ArrayBuffer.isView(value)) {
    const view = value.buffer ?? value.value;
    if (typeof value.dtype === "string" && ArrayBuffer.isView(view) && value.shape) {
      return typedArray(value.dtype, view);
    }
    const out = {};
    for (const key of Object.keys(value)) out[key] = fromWire(value[key]);
    return out;
  }
  return value;
}

const clone = (value) => (value === undefined ? undefined : structuredClone(value));

// "marker.color", "annotations[2].text" -> ["marker", "color"], ["annotations", 2, "text"]
function tokens(path) {
  if (Array.isArray(path)) return path;
  const out = [];
  for (const part of String(path).split(".")) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) {
      out.push(part);
      continue;
    }
    if (match[1]) out.push(match[1]);
    for (const index of match[2].matchAll(/\[(\d+)\]/g)) out.push(Number(index[1]));
  }
  return out;
}

// Set (or, for null/undefined, remove) a nested property, as Plotly.restyle does.
function setPath(target, path, value) {
  const keys = tokens(path);
  let node = target;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i];
    if (node[key] === null || typeof node[key] !== "object") {
      if (value === null || value === undefined) return;
      node[key] = typeof keys[i + 1] === "number" ? [] : {};
    }
    node = node[key];
  }
  const last = keys[keys.length - 1];
  if (value === null || value === undefined) {
    if (Array.isArray(node) && typeof last === "number") node[last] = null;
    else delete node[last];
  } else {
    node[last] = value;
  }
}

function traceIndexes(traces, count) {
  if (traces === null || traces === undefined) return [...Array(count).keys()];
  return Array.isArray(traces) ? traces : [traces];
}

// -- the figure's state, shared by every view of one model ------------------------------
class FigureState {
  constructor(model) {
    this.model = model;
    this.data = fromWire(model.get("_widget_data")) ?? [];
    this.layout = fromWire(model.get("_widget_layout")) ?? {};
    this.views = new Set();
    this.frames = null; // the frame table, or null while the kernel computes it
    this.applied = null; // "<generation>:<index>" of the frame shown, or null
    this.main = null; // the main control's model and the listener on it
    this.others = []; // [model, attribute, value] the frames were computed for
    this.asked = -1; // the generation whose frames this page asked for
    this.plotly = null;
    this.version = 0; // counts changes, so a view drawn meanwhile can catch up
  }

  // The layout a view draws: plotly's widget gave figures without a height 360 px.
  viewLayout() {
    const layout = clone(this.layout);
    layout.height ??= 360;
    return layout;
  }

  // Plotly.restyle semantics on the shared copy: value lists cycle over the traces.
  restyleCopy(restyle, traces) {
    for (const [path, given] of Object.entries(restyle ?? {})) {
      const values = Array.isArray(given) ? given : [given];
      traces.forEach((trace, i) => {
        const value = values[i % values.length];
        if (value !== undefined && this.data[trace]) setPath(this.data[trace], path, clone(value));
      });
    }
  }

  relayoutCopy(relayout) {
    for (const [path, value] of Object.entries(relayout ?? {})) {
      setPath(this.layout, path, clone(value));
    }
  }

  eachView(action) {
    for (const el of this.views) {
      try {
        action(el);
      } catch (error) {
        console.warn("[stemcell-course] a figure could not be updated", error);
      }
    }
  }

  // -- Python -> page messages (plotly's protocol) --------------------------------------
  onMessage(kind, raw) {
    if (raw === null || raw === undefined) return;
    const message = fromWire(raw);
    const Plotly = this.plotly;
    this.version += 1;
    this.applied = null; // the kernel changed the figure: the next frame must be drawn
    switch (kind) {
      case "restyle": {
        const traces = traceIndexes(message.restyle_traces, this.data.length);
        this.restyleCopy(message.restyle_data, traces);
        this.eachView((el) => Plotly.restyle(el, clone(message.restyle_data), traces));
        break;
      }
      case "relayout":
        this.relayoutCopy(message.relayout_data);
        this.eachView((el) => Plotly.relayout(el, clone(message.relayout_data)));
        break;
      case "update":
      case "animate": {
        const style = message.style_data ?? {};
        const layout = message.layout_data ?? {};
        const traces = traceIndexes(message.style_traces, this.data.length);
        this.restyleCopy(style, traces);
        this.relayoutCopy(layout);
        this.eachView((el) => Plotly.update(el, clone(style), clone(layout), traces));
        break;
      }
      case "addTraces":
        this.data.push(...clone(message.trace_data));
        this.eachView((el) => Plotly.addTraces(el, clone(message.trace_data)));
        break;
      case "deleteTraces": {
        const doomed = [...message.delete_inds].sort((a, b) => b - a);
        for (const index of doomed) this.data.splice(index, 1);
        this.eachView((el) => Plotly.deleteTraces(el, message.delete_inds));
        break;
      }
      case "moveTraces": {
        const { current_trace_inds: from, new_trace_inds: to } = message;
        const moving = from.map((index) => this.data[index]);
        const kept = this.data.filter((_, index) => !from.includes(index));
        to.map((index, i) => [index, moving[i]])
          .sort((a, b) => a[0] - b[0])
          .forEach(([index, trace]) => kept.splice(index, 0, trace));
        this.data = kept;
        this.eachView((el) => Plotly.moveTraces(el, from, to));
        break;
      }
    }
  }

  onFullState() {
    this.data = fromWire(this.model.get("_widget_data")) ?? [];
    this.layout = fromWire(this.model.get("_widget_layout")) ?? {};
    this.version += 1;
    this.applied = null;
    this.eachView((el) => this.plotly.react(el, clone(this.data), this.viewLayout()));
    this.applyFrame();
  }

  // -- frames ---------------------------------------------------------------------------
  async onFrames() {
    const table = this.model.get("_course_frames");
    if (!table || !table.ready) {
      this.frames = null;
      this.applied = null;
      this.markViews();
      this.askForFrames(table);
      return;
    }
    const resolve = (ref) => modelOf(this.model, ref);
    let main;
    let others;
    try {
      main = await resolve(table.main.model);
      others = await Promise.all(
        table.others.map(async ([ref, attribute, value]) => [await resolve(ref), attribute, value])
      );
    } catch (error) {
      // Without its controls the page cannot switch frames: the kernel must draw each step.
      console.warn("[stemcell-course] the figure's controls were not found", error);
      this.model.send({ event: "frames-refused", generation: table.generation });
      return;
    }
    if (this.model.get("_course_frames") !== table) return; // a newer table came meanwhile
    this.detachMain();
    const listener = () => this.applyFrame();
    main.on(`change:${table.main.attribute}`, listener);
    this.main = { model: main, attribute: table.main.attribute, listener };
    this.others = others;
    this.frames = {
      generation: table.generation,
      values: table.main.values,
      tolerance: table.main.tolerance ?? 0,
      traces: table.traces.map((entry) => ({ ...entry, at: frameReader(entry) })),
      layout: table.layout.map((entry) => ({ ...entry, at: frameReader(entry) })),
    };
    this.applied = null;
    this.markViews();
    this.applyFrame();
  }

  askForFrames(table) {
    const generation = table ? table.generation : 0;
    if (this.views.size === 0 || this.asked === generation) return;
    this.asked = generation;
    this.model.send({ event: "frames", generation });
  }

  detachMain() {
    if (this.main) this.main.model.off(`change:${this.main.attribute}`, this.main.listener);
    this.main = null;
  }

  frameIndex() {
    const frames = this.frames;
    if (!frames || !this.main) return -1;
    // Only for the controls the frames were computed with, as this page now has them.
    for (const [model, attribute, value] of this.others) {
      if (model.get(attribute) !== value) return -1;
    }
    const value = this.main.model.get(this.main.attribute);
    if (typeof value !== "number") return frames.values.indexOf(value);
    let best = -1;
    let distance = Infinity;
    frames.values.forEach((candidate, index) => {
      const d = Math.abs(candidate - value);
      if (d < distance) {
        best = index;
        distance = d;
      }
    });
    return distance <= frames.tolerance ? best : -1;
  }

  // Show the frame of the main control's current value (if there is one for it).
  applyFrame() {
    const index = this.frameIndex();
    if (index < 0 || !this.plotly) return;
    const frames = this.frames;
    const key = `${frames.generation}:${index}`;
    if (this.applied === key) return;
    const traces = [...new Set(frames.traces.map((entry) => entry.trace))].sort((a, b) => a - b);
    const restyle = {};
    for (const entry of frames.traces) {
      const value = entry.at(index);
      if (value === undefined) return; // no frame here (the model refused this value)
      restyle[entry.path] ??= traces.map(() => undefined);
      restyle[entry.path][traces.indexOf(entry.trace)] = value;
    }
    const relayout = {};
    for (const entry of frames.layout) {
      const value = entry.at(index);
      if (value === undefined) return;
      relayout[entry.path] = value;
    }
    this.applied = key;
    this.version += 1;
    this.restyleCopy(restyle, traces);
    this.relayoutCopy(relayout);
    const Plotly = this.plotly;
    this.eachView((el) => {
      Plotly.update(el, clone(restyle), clone(relayout), traces);
      el.dataset.courseFrame = key; // which frame the page drew (the browser tests read it)
    });
  }

  // Mark each view with the generation of the frames it can switch (or none).
  markViews() {
    for (const el of this.views) {
      if (this.frames) el.dataset.courseFrames = String(this.frames.generation);
      else delete el.dataset.courseFrames;
    }
  }
}

// A frame table entry's value at frame i: numbers packed in one float64 buffer with
// offsets, or JSON values (repeated ones stored once: "unique" and "index").
function frameReader(entry) {
  if (entry.packed) {
    const all = typedArray("float64", entry.packed);
    const offsets = entry.offsets;
    return (i) => (entry.missing?.includes(i) ? undefined : all.slice(offsets[i], offsets[i + 1]));
  }
  if (entry.unique) return (i) => (entry.index[i] < 0 ? undefined : entry.unique[entry.index[i]]);
  return (i) => entry.values[i];
}

// Another widget's model by its reference ("IPY_MODEL_<id>"). While a page restores a
// notebook's widgets the referenced one may not be registered yet: wait for it a while.
async function modelOf(model, ref, waitMs = 10000) {
  const id = String(ref).replace(/^IPY_MODEL_/, "");
  const until = performance.now() + waitMs;
  for (;;) {
    try {
      return await model.widget_manager.get_model(id);
    } catch (error) {
      if (performance.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

// -- plotly.js, once per page -----------------------------------------------------------
async function plotlyFor(model) {
  if (!globalThis[LIBRARY]) {
    globalThis[LIBRARY] = (async () => {
      const library = await modelOf(model, model.get("_course_library"));
      // plotly.min.js is a UMD bundle: given a CommonJS `module`, it fills it and
      // leaves the page's globals alone.
      const source =
        "const module = { exports: {} };\nconst exports = module.exports;\n" +
        library.get("source") +
        "\nexport default module.exports;\n";
      const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
      try {
        return (await import(/* webpackIgnore: true */ url)).default;
      } finally {
        URL.revokeObjectURL(url);
      }
    })();
    globalThis[LIBRARY].catch(() => {
      delete globalThis[LIBRARY]; // let the next figure try again
    });
  }
  return globalThis[LIBRARY];
}

const MESSAGES = [
  "restyle",
  "relayout",
  "update",
  "animate",
  "addTraces",
  "deleteTraces",
  "moveTraces",
];
// (plotly's removeLayoutProps/removeTraceProps answer the full-figure deltas its own
// front end sends back; this one sends none, so the kernel never sends those.)

export default {
  initialize({ model }) {
    const state = new FigureState(model);
    const key = model.get("_course_key");
    FIGURES.set(key, state);
    for (const kind of MESSAGES) {
      model.on(`change:_py2js_${kind}`, () => state.onMessage(kind, model.get(`_py2js_${kind}`)));
    }
    model.on("change:_widget_data", () => state.onFullState());
    model.on("change:_widget_layout", () => state.onFullState());
    model.on("change:_course_frames", () => state.onFrames());
    state.onFrames();
    return () => {
      state.detachMain();
      if (FIGURES.get(key) === state) FIGURES.delete(key);
    };
  },

  async render({ model, el }) {
    const state = FIGURES.get(model.get("_course_key"));
    const Plotly = await plotlyFor(model);
    state.plotly = Plotly;
    const config = { displaylogo: false, ...(model.get("_config") ?? {}), editSelection: false };
    let drawn = state.version;
    await Plotly.newPlot(el, clone(state.data), state.viewLayout(), config);
    while (state.version !== drawn) {
      // The kernel (or a frame) changed the figure while plotly drew it: draw the news.
      drawn = state.version;
      await Plotly.react(el, clone(state.data), state.viewLayout(), config);
    }
    state.views.add(el); // from here on every change reaches this view too
    state.applied = null;
    state.markViews();
    state.applyFrame();
    if (!state.frames) state.askForFrames(model.get("_course_frames"));
    return () => {
      state.views.delete(el);
      Plotly.purge(el);
    };
  },
};
