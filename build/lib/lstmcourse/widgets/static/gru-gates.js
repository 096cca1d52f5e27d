/*
 * gru-gates (chapter 5): one GRU unit with its gates set by hand, PyTorch's formula:
 *   n = tanh(W_in x + b_in + r * (W_hn h_prev + b_hn))      h = (1 - z) * n + z * h_prev
 * Here W_in x + b_in is one number (n_x) and b_hn = 0, so n = tanh(n_x + r * w_hn * h_prev).
 * The bars show the new state as the mix of the candidate (weight 1 - z) and the old state (z).
 */
(function (root) {
  "use strict";
  var M = root.LSTMCourseMath, U = root.LSTMCourseUI;

  var defaults = { r: 0.5, z: 0.3, n_x: 0.4, w_hn: 1.0, h_prev: -0.6 };
  var SLIDERS = [
    { param: "r", label: "r (reset gate)", min: 0, max: 1, step: 0.01 },
    { param: "z", label: "z (update gate)", min: 0, max: 1, step: 0.01 },
    { param: "n_x", label: "n_x = W_in·x + b_in (input part of the candidate)", min: -2, max: 2, step: 0.01 },
    { param: "w_hn", label: "w_hn (recurrent weight of the candidate)", min: -2, max: 2, step: 0.01 },
    { param: "h_prev", label: "h_prev (old state)", min: -1, max: 1, step: 0.01 }
  ];
  var W = 480, ROW = 34;

  function bars() {
    var s = U.svg, sx = U.scale(-1, 1, 150, W - 20);
    var names = [["h_prev", "h_prev (weight z)"], ["n", "candidate n (weight 1−z)"], ["h", "new state h"]];
    var node = s("svg", { viewBox: "0 0 " + W + " " + (ROW * names.length + 10), class: "lw-plot",
      role: "img", "aria-label": "bars for the old state, the candidate and the new state" });
    node.appendChild(s("line", { x1: sx(0), x2: sx(0), y1: 0, y2: ROW * names.length + 10, class: "lw-grid" }));
    var rects = {};
    names.forEach(function (nm, k) {
      node.appendChild(s("text", { x: 4, y: ROW * k + 24, class: "lw-tick" }, [nm[1]]));
      rects[nm[0]] = s("rect", { y: ROW * k + 8, height: 20, class: "lw-bar" });
      node.appendChild(rects[nm[0]]);
    });
    return {
      node: node,
      set: function (values, weights) {
        Object.keys(rects).forEach(function (k) {
          var v = values[k], x0 = sx(Math.min(0, v)), x1 = sx(Math.max(0, v));
          U.setAttrs(rects[k], { x: x0, width: Math.max(x1 - x0, 0.5),
            "fill-opacity": (0.2 + 0.8 * weights[k]).toFixed(3),
            fill: v >= 0 ? "var(--lw-pos)" : "var(--lw-neg)" });
        });
      }
    };
  }

  function render(ctx) {
    var model = ctx.model, el = ctx.el;
    U.frame(el, "gru-gates", "GRU gates: reset, update and the new state",
      "r decides how much of the old state enters the candidate; z decides how much of the old " +
      "state is kept (z) against the candidate (1 − z).");
    var panels = U.panels(), controls = panels.controls, outs = panels.outs;
    var ro = {
      n: U.readout("n", "n = tanh(n_x + r·w_hn·h_prev)"),
      h: U.readout("h", "h = (1 − z)·n + z·h_prev")
    };
    var pic = bars();
    function update() {
      var z = Number(model.get("z")), hp = Number(model.get("h_prev"));
      var r = M.gruGateStep(model.get("r"), z, model.get("n_x"), model.get("w_hn"), hp);
      ro.n.set(r.n); ro.h.set(r.h);
      pic.set({ h_prev: hp, n: r.n, h: r.h }, { h_prev: z, n: 1 - z, h: 1 });
    }
    SLIDERS.forEach(function (spec) { controls.appendChild(U.slider(model, spec, update).row); });
    outs.appendChild(ro.n.row); outs.appendChild(ro.h.row);
    U.assemble(el, panels, pic.node, update);
  }

  root.LSTMCourseWidgets["gru-gates"] = { defaults: defaults, render: render };
})(typeof globalThis !== "undefined" ? globalThis : this);
