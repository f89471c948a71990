// Draws every explorer with the course's own front end (explorer.js, as in the notebook)
// over the tables computed when the site was built, with the page's own copy of plotly.js,
// and the questions and quiz with answers.js. Nothing is loaded from anywhere else.
(function () {
  "use strict";
  function staticModel(state) {
    var handlers = {};
    return {
      get: function (name) { return state[name]; },
      set: function (name, value) { state[name] = value; },
      save_changes: function () {},
      send: function () {},
      on: function (name, handler) { (handlers[name] = handlers[name] || []).push(handler); },
      off: function (name, handler) {
        handlers[name] = (handlers[name] || []).filter(function (h) { return h !== handler; });
      }
    };
  }
  function drawAll() {
    var done = [];
    document.querySelectorAll("script.site-explorer-state").forEach(function (holder) {
      var el = document.createElement("div");
      holder.after(el);
      var model = staticModel(JSON.parse(holder.textContent));
      done.push(CourseExplorer.render({model: model, el: el}));
    });
    document.querySelectorAll("script.site-answers").forEach(function (holder) {
      var el = document.createElement("div");
      holder.after(el);
      CourseAnswers.render({model: staticModel({spec: JSON.parse(holder.textContent),
        answers: {}, keep: "", status: ""}), el: el});
    });
    Promise.all(done).then(function () {
      document.body.setAttribute("data-figures-ready", "yes");
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
