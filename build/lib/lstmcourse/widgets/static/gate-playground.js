/*
 * gate-playground (chapter 2): set the four gate values and the old cell state by hand and watch
 *   c = f * c_prev + i * g      h = o * tanh(c)
 * A cell diagram draws each path as thick as the value flowing along it (colour = sign) and each
 * gate as opaque as it is open.
 */
(function (root) {
  "use strict";
  var M = root.LSTMCourseMath, U = root.LSTMCourseUI;

  var defaults = { f: 0.8, i: 0.5, g: 0.6, o: 0.7, c_prev: 1.0 };
  var SLIDERS = [
    { param: "f", label: "f (forget gate)", min: 0, max: 1, step: 0.01 },
    { param: "i", label: "i (input gate)", min: 0, max: 1, step: 0.01 },
    { param: "g", label: "g (candidate)", min: -1, max: 1, step: 0.01 },
    { param: "o", label: "o (output gate)", min: 0, max: 1, step: 0.01 },
    { param: "c_prev", label: "c_prev (old cell state)", min: -2, max: 2, step: 0.01 }
  ];

  // Width and colour of a path carrying value v: |v| = 2 or more draws the widest line.
  function flowStyle(v) {
    var a = Math.min(Math.abs(v), 2) / 2;
    return {
      "stroke-width": (1 + 9 * a).toFixed(2),
      "stroke-opacity": (0.25 + 0.75 * a).toFixed(3),
      stroke: v >= 0 ? "var(--lw-pos)" : "var(--lw-neg)"
    };
  }

  function diagram() {
    var s = U.svg;
    var paths = {
      c_prev: "M 30 50 L 140 50", keep: "M 140 50 L 280 50", g: "M 30 150 L 210 150",
      write: "M 210 150 L 280 150 L 280 50", c: "M 280 50 L 500 50",
      tc: "M 360 50 L 360 110 L 430 110", h: "M 430 110 L 500 110"
    };
    var root0 = s("svg", {
      viewBox: "0 0 540 200", class: "lw-diagram", role: "img",
      "aria-label": "LSTM cell: the old cell state passes the forget gate, the candidate passes " +
        "the input gate, both add up to the new cell state, whose tanh passes the output gate"
    });
    var lines = {};
    Object.keys(paths).forEach(function (k) {
      lines[k] = s("path", { d: paths[k], fill: "none", "data-flow": k, "stroke-linecap": "round" });
      root0.appendChild(lines[k]);
    });
    // Gates: circles whose fill is as opaque as the gate is open.
    var gates = {};
    [["f", 140, 50], ["i", 210, 150], ["o", 430, 110]].forEach(function (gdef) {
      var c = s("circle", { cx: gdef[1], cy: gdef[2], r: 15, class: "lw-gate", "data-gate": gdef[0] });
      gates[gdef[0]] = c;
      root0.appendChild(c);
      root0.appendChild(s("text", { x: gdef[1], y: gdef[2] + 5, class: "lw-node-text" }, ["×"]));
      root0.appendChild(s("text", { x: gdef[1], y: gdef[2] - 22, class: "lw-svg-label" }, [gdef[0]]));
    });
    root0.appendChild(s("circle", { cx: 280, cy: 50, r: 13, class: "lw-node" }));
    root0.appendChild(s("text", { x: 280, y: 55, class: "lw-node-text" }, ["+"]));
    root0.appendChild(s("rect", { x: 340, y: 96, width: 40, height: 28, rx: 6, class: "lw-node" }));
    root0.appendChild(s("text", { x: 360, y: 115, class: "lw-node-text lw-small" }, ["tanh"]));
    [["c_prev", 30, 38], ["g", 30, 138], ["c", 500, 38], ["h", 500, 98]].forEach(function (t) {
      root0.appendChild(s("text", { x: t[1], y: t[2], class: "lw-svg-label" }, [t[0]]));
    });
    return { node: root0, lines: lines, gates: gates };
  }

  function render(ctx) {
    var model = ctx.model, el = ctx.el;
    U.frame(el, "gate-playground", "Gate playground: one LSTM cell step",
      "Move a gate and watch how much of the old memory is kept, how much is written, and what " +
      "the cell shows as its output.");
    var panels = U.panels(), controls = panels.controls, outs = panels.outs;
    var ro = {
      keep: U.readout("keep", "kept  f·c_prev"),
      write: U.readout("write", "written  i·g"),
      c: U.readout("c", "c = f·c_prev + i·g"),
      h: U.readout("h", "h = o·tanh(c)")
    };
    var pic = diagram();
    function update() {
      var r = M.gateStep(model.get("f"), model.get("i"), model.get("g"), model.get("o"),
        model.get("c_prev"));
      ro.keep.set(r.keep); ro.write.set(r.write); ro.c.set(r.c); ro.h.set(r.h);
      var flows = { c_prev: model.get("c_prev"), keep: r.keep, g: model.get("g"), write: r.write,
        c: r.c, tc: r.tc, h: r.h };
      Object.keys(flows).forEach(function (k) { U.setAttrs(pic.lines[k], flowStyle(flows[k])); });
      ["f", "i", "o"].forEach(function (k) {
        pic.gates[k].setAttribute("fill-opacity", Number(model.get(k)).toFixed(3));
      });
    }
    SLIDERS.forEach(function (spec) { controls.appendChild(U.slider(model, spec, update).row); });
    Object.keys(ro).forEach(function (k) { outs.appendChild(ro[k].row); });
    U.assemble(el, panels, pic.node, update);
  }

  root.LSTMCourseWidgets["gate-playground"] = { defaults: defaults, render: render };
})(typeof globalThis !== "undefined" ? globalThis : this);
