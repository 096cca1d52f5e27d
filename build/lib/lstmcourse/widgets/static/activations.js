/*
 * activations (chapter 4): one x slider over sigmoid, tanh and their derivatives. The plot shows
 * the ranges ((0, 1) against (-1, 1)) and the peaks of the derivatives (1/4 against 1).
 */
(function (root) {
  "use strict";
  var M = root.LSTMCourseMath, U = root.LSTMCourseUI;

  var defaults = { x: 1.0 };
  var CURVES = [
    { name: "sigmoid", label: "sigmoid(x)", fn: M.sigmoid, cls: "lw-c1", dash: "" },
    { name: "tanh", label: "tanh(x)", fn: M.tanh, cls: "lw-c2", dash: "" },
    { name: "sigmoid_grad", label: "sigmoid′(x)", fn: M.sigmoidGrad, cls: "lw-c1", dash: "5 4" },
    { name: "tanh_grad", label: "tanh′(x)", fn: M.tanhGrad, cls: "lw-c2", dash: "5 4" }
  ];
  var W = 480, Hh = 220, X0 = 40, Y0 = 10;

  function plot() {
    var s = U.svg, sx = U.scale(-6, 6, X0, W - 10), sy = U.scale(-1.1, 1.1, Hh - 20, Y0);
    var node = s("svg", { viewBox: "0 0 " + W + " " + Hh, class: "lw-plot", role: "img",
      "aria-label": "sigmoid, tanh and their derivatives for x from -6 to 6" });
    [-1, 0, 0.25, 1].forEach(function (y) {
      node.appendChild(s("line", { x1: X0, x2: W - 10, y1: sy(y), y2: sy(y), class: "lw-grid" }));
      node.appendChild(s("text", { x: X0 - 6, y: sy(y) + 4, class: "lw-tick", "text-anchor": "end" },
        [String(y)]));
    });
    var xs = [];
    for (var k = 0; k <= 240; k++) xs.push(-6 + 12 * k / 240);
    var dots = {};
    CURVES.forEach(function (c) {
      node.appendChild(s("polyline", {
        points: U.points(xs.map(sx), xs.map(function (x) { return sy(c.fn(x)); })),
        class: "lw-curve " + c.cls, "stroke-dasharray": c.dash
      }));
      dots[c.name] = s("circle", { r: 4, class: "lw-dot " + c.cls });
    });
    var cursor = s("line", { y1: Y0, y2: Hh - 20, class: "lw-cursor" });
    node.appendChild(cursor);
    Object.keys(dots).forEach(function (k) { node.appendChild(dots[k]); });
    return {
      node: node,
      move: function (x, values) {
        U.setAttrs(cursor, { x1: sx(x), x2: sx(x) });
        Object.keys(values).forEach(function (k) { U.setAttrs(dots[k], { cx: sx(x), cy: sy(values[k]) }); });
      }
    };
  }

  function render(ctx) {
    var model = ctx.model, el = ctx.el;
    U.frame(el, "activations", "sigmoid and tanh, and their slopes",
      "Solid: the functions. Dashed: their derivatives. Far from 0 both flatten (saturate) and " +
      "their slopes go to 0.");
    var panels = U.panels(), controls = panels.controls, outs = panels.outs;
    var ro = {};
    CURVES.forEach(function (c) { ro[c.name] = U.readout(c.name, c.label); outs.appendChild(ro[c.name].row); });
    var pic = plot();
    function update() {
      var x = Number(model.get("x")), values = {};
      CURVES.forEach(function (c) { values[c.name] = c.fn(x); ro[c.name].set(values[c.name]); });
      pic.move(x, values);
    }
    controls.appendChild(U.slider(model, { param: "x", label: "x (pre-activation)", min: -6, max: 6, step: 0.01 }, update).row);
    U.assemble(el, panels, pic.node, update);
  }

  root.LSTMCourseWidgets.activations = { defaults: defaults, render: render };
})(typeof globalThis !== "undefined" ? globalThis : this);
