/*
 * vanishing-gradient (chapter 1): backpropagation through time in a small RNN and a small LSTM
 * (H = 8) reading the same random inputs. The recurrent matrices are an orthogonal matrix times
 * `scale`, so `scale` is the RNN's spectral radius. The plot shows, on a log scale, how much of
 * the gradient of L = mean(h_T) reaches the state k steps back:
 *   RNN:  |dL/dh_{T-k}| / |dL/dh_T|        LSTM: |dL/dc_{T-k}| / |dL/dc_T|
 * The LSTM's forget bias sets how open its forget gates are (sigmoid(1) = 0.73, sigmoid(4) = 0.98).
 */
(function (root) {
  "use strict";
  var M = root.LSTMCourseMath, U = root.LSTMCourseUI;

  var defaults = { scale: 1.0, length: 50, forget_bias: 1.0 };
  var SLIDERS = [
    { param: "scale", label: "recurrent weight scale (RNN spectral radius)", min: 0.5, max: 2, step: 0.01 },
    { param: "length", label: "T (sequence length)", min: 2, max: M.VANISH.maxT, step: 1 },
    { param: "forget_bias", label: "LSTM forget-gate bias", min: 0, max: 6, step: 0.1 }
  ];
  var W = 480, Hh = 240, X0 = 52, LO = -12, HI = 6;

  function plot() {
    var s = U.svg, sy = U.scale(LO, HI, Hh - 26, 8);
    var node = s("svg", { viewBox: "0 0 " + W + " " + Hh, class: "lw-plot", role: "img",
      "aria-label": "gradient norm against lag for the RNN and the LSTM, log scale" });
    for (var e = LO; e <= HI; e += 3) {
      node.appendChild(s("line", { x1: X0, x2: W - 10, y1: sy(e), y2: sy(e), class: "lw-grid" }));
      node.appendChild(s("text", { x: X0 - 6, y: sy(e) + 4, class: "lw-tick", "text-anchor": "end" }, ["1e" + e]));
    }
    node.appendChild(s("text", { x: W - 10, y: Hh - 8, class: "lw-tick", "text-anchor": "end" }, ["lag T − t"]));
    var rnn = s("polyline", { class: "lw-curve lw-c2" }), lstm = s("polyline", { class: "lw-curve lw-c1" });
    node.appendChild(rnn); node.appendChild(lstm);
    node.appendChild(s("text", { x: X0 + 8, y: Hh - 44, class: "lw-tick lw-c1t" }, ["— LSTM |dL/dc_t|"]));
    node.appendChild(s("text", { x: X0 + 8, y: Hh - 30, class: "lw-tick lw-c2t" }, ["— RNN |dL/dh_t|"]));
    var y = function (v) { return sy(Math.max(LO, Math.min(HI, Math.log10(Math.max(v, 1e-300))))); };
    return {
      node: node,
      set: function (curves) {
        var sx = U.scale(0, curves.rnn.length - 1, X0, W - 10), ks = curves.rnn.map(function (_, k) { return sx(k); });
        rnn.setAttribute("points", U.points(ks, curves.rnn.map(y)));
        lstm.setAttribute("points", U.points(ks, curves.lstm.map(y)));
      }
    };
  }

  function render(ctx) {
    var model = ctx.model, el = ctx.el;
    U.frame(el, "vanishing-gradient", "Vanishing and exploding gradients",
      "How much gradient reaches a state k steps before the end. Below scale 1 the RNN's curve " +
      "falls off a cliff; above it, it can blow up. The LSTM's cell path depends on its forget gates.");
    var panels = U.panels(), controls = panels.controls, outs = panels.outs;
    var ro = {
      rnn_ratio: U.readout("rnn_ratio", "RNN  |dL/dh_0| / |dL/dh_T|"),
      lstm_ratio: U.readout("lstm_ratio", "LSTM  |dL/dc_0| / |dL/dc_T|")
    };
    var pic = plot(), cache = { key: null, net: null };
    function update() {
      var T = Math.round(Number(model.get("length")));
      var scale = Number(model.get("scale")), fb = Number(model.get("forget_bias"));
      if (cache.key !== scale + "/" + fb) cache = { key: scale + "/" + fb, net: M.vanishingNet(scale, fb) };
      var curves = M.vanishingCurves(scale, fb, T, cache.net);
      ro.rnn_ratio.set(curves.rnn[T]); ro.lstm_ratio.set(curves.lstm[T]);
      pic.set(curves);
    }
    SLIDERS.forEach(function (spec) { controls.appendChild(U.slider(model, spec, update).row); });
    Object.keys(ro).forEach(function (k) { outs.appendChild(ro[k].row); });
    U.assemble(el, panels, pic.node, update);
  }

  root.LSTMCourseWidgets["vanishing-gradient"] = { defaults: defaults, render: render };
})(typeof globalThis !== "undefined" ? globalThis : this);
