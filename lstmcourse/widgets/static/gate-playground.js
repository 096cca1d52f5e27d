/*
 * gate-playground (chapter 2): set the four gate values and the old cell state by hand and watch
 *   c = f * c_prev + i * g      h = o * tanh(c)
 * on the LSTM cell diagram itself (cell-diagrams.js): every wire is as thick as the value it
 * carries, coloured by its sign, and shows that value; each gate layer is as opaque as the gate
 * is open. x_t and h_{t-1} stay grey: here the gates are set directly, not computed from them.
 * Sliders, labels and defaults come from the registry (registry.py); the math from lstm-math.js.
 */
(function (root) {
  "use strict";
  var M = root.LSTMCourseMath, U = root.LSTMCourseUI, D = root.LSTMCourseDiagrams;

  U.register("gate-playground", function render(ctx) {
    var w = U.mount(ctx, "gate-playground",
      "Move a gate and watch, on the cell itself, how much of the old memory is kept, how much " +
      "is written, and what the cell shows as its output.");
    w.el.classList.add("cd-host");
    var face = D.draw("lstm", { doc: w.el.ownerDocument, live: true });
    w.onChange(function () {
      var f = w.value("f"), i = w.value("i"), g = w.value("g"), o = w.value("o");
      var cPrev = w.value("c_prev"), r = M.gateStep(f, i, g, o, cPrev);
      w.report({ keep: r.keep, write: r.write, c: r.c, h: r.h });
      face.set({ f: f, i: i, g: g, o: o, c_prev: cPrev, keep: r.keep, write: r.write, c: r.c,
        tc: r.tc, h: r.h });
    });
    w.show(face.node);
  });
})(typeof globalThis !== "undefined" ? globalThis : this);
