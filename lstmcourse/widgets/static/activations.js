/*
 * activations (chapter 4): one x slider over sigmoid, tanh and their derivatives. The plot shows
 * the ranges ((0, 1) against (-1, 1)) and the peaks of the derivatives (1/4 against 1); the
 * legend above it names each curve, and a dot on each marks the value at x.
 */
(function (root) {
  "use strict";
  var M = root.LSTMCourseMath, U = root.LSTMCourseUI;

  var CURVES = [
    { name: "sigmoid", label: "σ(x), range (0, 1)", fn: M.sigmoid, cls: "lw-c1", dash: "" },
    { name: "tanh", label: "tanh(x), range (−1, 1)", fn: M.tanh, cls: "lw-c2", dash: "" },
    { name: "sigmoid_grad", label: "σ′(x), peak 1/4", fn: M.sigmoidGrad, cls: "lw-c1", dash: "6 4" },
    { name: "tanh_grad", label: "tanh′(x), peak 1", fn: M.tanhGrad, cls: "lw-c2", dash: "6 4" }
  ];
  var XS = [];
  for (var k = 0; k <= 240; k++) XS.push(-6 + 12 * k / 240);

  function paint(node, W, Hh, x) {
    var s = U.svg, X0 = 36, Y1 = Hh - 24, sx = U.scale(-6, 6, X0, W - 10), sy = U.scale(-1.1, 1.1, Y1, 8);
    [-1, 0, 0.25, 1].forEach(function (y) {
      node.appendChild(s("line", { x1: X0, x2: W - 10, y1: sy(y), y2: sy(y), class: "lw-grid" }));
      node.appendChild(s("text", { x: X0 - 5, y: sy(y) + 4, class: "lw-tick", "text-anchor": "end" }, [String(y)]));
    });
    [-6, 0, 6].forEach(function (v) {
      node.appendChild(s("text", { x: sx(v), y: Y1 + 16, class: "lw-tick", "text-anchor": "middle" }, [String(v)]));
    });
    node.appendChild(s("text", { x: sx(3), y: Y1 + 16, class: "lw-tick", "text-anchor": "middle" }, ["x"]));
    node.appendChild(s("line", { x1: sx(x), x2: sx(x), y1: 8, y2: Y1, class: "lw-cursor" }));
    CURVES.forEach(function (c) {
      node.appendChild(s("polyline", { points: U.points(XS.map(sx), XS.map(function (v) { return sy(c.fn(v)); })),
        class: "lw-curve " + c.cls, "stroke-dasharray": c.dash }));
      node.appendChild(s("circle", { r: 4, cx: sx(x), cy: sy(c.fn(x)), class: "lw-dot " + c.cls }));
    });
  }

  U.register("activations", function render(ctx) {
    var w = U.mount(ctx, "activations",
      "Solid: the functions. Dashed: their derivatives. Far from 0 both flatten (saturate) and " +
      "their slopes go to 0.");
    var pic = U.canvas("sigmoid, tanh and their derivatives for x from -6 to 6", 220, paint);
    w.onChange(function () {
      var x = w.value("x"), values = {};
      CURVES.forEach(function (c) { values[c.name] = c.fn(x); });
      w.report(values);
      pic.draw(x);
    });
    w.show(U.legend(CURVES), pic.node);
  });
})(typeof globalThis !== "undefined" ? globalThis : this);
