/*
 * conveyor-belt (chapter 3): the cell state rides c_t = f c_{t-1} + i g. With nothing written
 * (i g = 0) and a constant forget value f, the memory after t steps is c_t = f^t c_0 and the
 * gradient along the belt is dc_T/dc_0 = f^T: the same product of forget values.
 * Beside it, a one-unit plain RNN h_t = tanh(w h_{t-1}) at rest (h = 0, where tanh' = 1) has
 * dh_T/dh_0 = w^T: it fades for w < 1 and explodes for w > 1, with no gate to hold it at 1.
 */
(function (root) {
  "use strict";
  var M = root.LSTMCourseMath, U = root.LSTMCourseUI;

  var defaults = { f: 0.95, steps: 30, w: 0.9 };
  var SLIDERS = [
    { param: "f", label: "f (forget value, every step)", min: 0, max: 1, step: 0.01 },
    { param: "steps", label: "T (number of steps)", min: 1, max: 100, step: 1 },
    { param: "w", label: "w (plain RNN's recurrent weight)", min: 0, max: 2, step: 0.01 }
  ];
  var W = 480, Hh = 230, X0 = 48, LO = -8, HI = 8;   // y axis: log10 from 1e-8 to 1e8

  function plot() {
    var s = U.svg, sy = U.scale(LO, HI, Hh - 24, 10);
    var node = s("svg", { viewBox: "0 0 " + W + " " + Hh, class: "lw-plot", role: "img",
      "aria-label": "memory and gradient along the cell state against the plain RNN's gradient, log scale" });
    [-8, -4, 0, 4, 8].forEach(function (e) {
      node.appendChild(s("line", { x1: X0, x2: W - 10, y1: sy(e), y2: sy(e), class: "lw-grid" }));
      node.appendChild(s("text", { x: X0 - 6, y: sy(e) + 4, class: "lw-tick", "text-anchor": "end" }, ["1e" + e]));
    });
    var belt = s("polyline", { class: "lw-curve lw-c1" }), rnn = s("polyline", { class: "lw-curve lw-c2" });
    var xlab = s("text", { x: W - 10, y: Hh - 6, class: "lw-tick", "text-anchor": "end" }, ["step t"]);
    node.appendChild(belt); node.appendChild(rnn); node.appendChild(xlab);
    node.appendChild(s("text", { x: X0 + 8, y: 22, class: "lw-tick lw-c1t" }, ["— cell state: c_t / c_0 = dc_t/dc_0 = f^t"]));
    node.appendChild(s("text", { x: X0 + 8, y: 38, class: "lw-tick lw-c2t" }, ["— plain RNN: dh_t/dh_0"]));
    var clampLog = function (v) { return Math.max(LO, Math.min(HI, Math.log10(Math.max(Math.abs(v), 1e-300)))); };
    return {
      node: node,
      set: function (cs, gs) {
        var sx = U.scale(0, cs.length - 1, X0, W - 10), ts = cs.map(function (_, t) { return sx(t); });
        belt.setAttribute("points", U.points(ts, cs.map(function (v) { return sy(clampLog(v)); })));
        rnn.setAttribute("points", U.points(ts, gs.map(function (v) { return sy(clampLog(v)); })));
      }
    };
  }

  function render(ctx) {
    var model = ctx.model, el = ctx.el;
    U.frame(el, "conveyor-belt", "The cell state as a conveyor belt",
      "Only the forget gate touches what rides on the belt, so both the memory and its gradient " +
      "shrink by f per step. The plain RNN multiplies by w (times tanh′ ≤ 1) instead.");
    var panels = U.panels(), controls = panels.controls, outs = panels.outs;
    var ro = {
      c_T: U.readout("c_T", "memory c_T (c_0 = 1)"),
      dcT_dc0: U.readout("dcT_dc0", "LSTM  dc_T/dc_0"),
      dhT_dh0: U.readout("dhT_dh0", "plain RNN  dh_T/dh_0")
    };
    var pic = plot();
    function update() {
      var f = Number(model.get("f")), T = Math.round(Number(model.get("steps"))), w = Number(model.get("w"));
      var belt = M.conveyor(f, T, 1.0), gs = [];
      for (var t = 0; t <= T; t++) gs.push(M.scalarRnnGrad(w, t, 0.0));
      ro.c_T.set(belt.c[T]); ro.dcT_dc0.set(belt.dcT_dc0); ro.dhT_dh0.set(gs[T]);
      pic.set(belt.c, gs);
    }
    SLIDERS.forEach(function (spec) { controls.appendChild(U.slider(model, spec, update).row); });
    Object.keys(ro).forEach(function (k) { outs.appendChild(ro[k].row); });
    U.assemble(el, panels, pic.node, update);
  }

  root.LSTMCourseWidgets["conveyor-belt"] = { defaults: defaults, render: render };
})(typeof globalThis !== "undefined" ? globalThis : this);
