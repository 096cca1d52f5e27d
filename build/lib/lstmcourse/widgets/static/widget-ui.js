/*
 * widget-ui.js: the building blocks every widget shares (sliders, readouts, inline SVG) and the
 * registry the widgets put themselves in.
 *
 * A widget is {defaults, render({model, el})}. `model` is anywidget's shape: get(name),
 * set(name, value), save_changes(), on("change:name", callback). In Jupyter it is the synced
 * model; in the static book widget-boot.js makes one in the page.
 *
 * The contract the tests rely on: sliders are <input type="range" data-param="NAME"> with a
 * visible <label>; numeric readouts carry data-output="NAME" and show at least 3 decimals; both
 * update on the slider's `input` event.
 */
(function (root) {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  var counter = 0;

  function uid(prefix) { counter += 1; return "lw-" + prefix + "-" + counter + "-" + Math.floor(Math.random() * 1e6); }

  // el("div", {class: "x"}, [children]) -> HTMLElement; strings become text nodes.
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    setAttrs(node, attrs);
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }
  function svg(tag, attrs, children) {
    var node = document.createElementNS(SVGNS, tag);
    setAttrs(node, attrs);
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }
  function setAttrs(node, attrs) {
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  // Fixed decimals, with "-0.0000" shown as "0.0000"; tiny or huge numbers in exponent form.
  function fmt(x, digits) {
    var d = digits === undefined ? 4 : digits;
    if (!isFinite(x)) return String(x);
    var a = Math.abs(x);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(d - 1 < 3 ? 3 : d - 1);
    var s = x.toFixed(d);
    return /^-0\.0+$/.test(s) ? s.slice(1) : s;
  }

  // A labelled range input bound to model[param]. onInput runs after the model is updated.
  function slider(model, spec, onInput) {
    var id = uid(spec.param);
    var input = el("input", {
      type: "range", id: id, "data-param": spec.param,
      min: spec.min, max: spec.max, step: spec.step,
      "aria-label": spec.aria || spec.label
    });
    input.value = model.get(spec.param);
    var shown = el("span", { class: "lw-value", "aria-hidden": "true" }, [""]);
    function show() {
      var v = Number(input.value);
      var txt = spec.step >= 1 ? String(v) : fmt(v, 2);
      shown.textContent = txt;
      input.setAttribute("aria-valuetext", spec.label + " = " + txt);
    }
    show();
    input.addEventListener("input", function () {
      model.set(spec.param, Number(input.value));
      model.save_changes();
      show();
      onInput();
    });
    // The other direction: a change made elsewhere (Python in Jupyter) moves the slider.
    model.on("change:" + spec.param, function () {
      var v = model.get(spec.param);
      if (Number(input.value) !== v) { input.value = v; show(); onInput(); }
    });
    var row = el("div", { class: "lw-row" }, [
      el("label", { for: id, class: "lw-label" }, [spec.label]), input, shown
    ]);
    return { row: row, input: input };
  }

  // A labelled numeric readout <output data-output="name">.
  function readout(name, label, digits) {
    var out = el("output", { "data-output": name, class: "lw-out", "aria-live": "polite" }, ["…"]);
    var row = el("div", { class: "lw-readout" }, [el("span", { class: "lw-label" }, [label]), out]);
    return {
      row: row, node: out,
      set: function (x) { out.textContent = typeof x === "number" ? fmt(x, digits) : x; }
    };
  }

  // The layout every widget shares: sliders and readouts side by side, the picture below.
  // panels() gives the two empty panels to fill; assemble() puts them and the picture into the
  // widget's root and draws the first frame.
  function panels() {
    return { controls: el("div", { class: "lw-controls" }), outs: el("div", { class: "lw-readouts" }) };
  }
  function assemble(host, parts, picture, update) {
    host.appendChild(el("div", { class: "lw-body" }, [parts.controls, parts.outs]));
    host.appendChild(picture);
    update();
  }

  // A value in [lo, hi] mapped onto [a, b] (for drawing).
  function scale(lo, hi, a, b) {
    return function (v) { return a + (b - a) * (v - lo) / (hi - lo); };
  }
  // "x0,y0 x1,y1 ..." for an SVG polyline.
  function points(xs, ys) {
    return xs.map(function (x, k) { return x.toFixed(2) + "," + ys[k].toFixed(2); }).join(" ");
  }

  // The frame every widget sits in: a heading-like title, a short caption, then its parts.
  function frame(el0, name, title, caption) {
    el0.classList.add("lw");
    el0.setAttribute("data-widget", name);
    el0.setAttribute("role", "group");
    el0.setAttribute("aria-label", title);
    el0.textContent = "";
    el0.appendChild(el("div", { class: "lw-title" }, [title]));
    if (caption) el0.appendChild(el("p", { class: "lw-caption" }, [caption]));
  }

  root.LSTMCourseUI = {
    uid: uid, el: el, svg: svg, setAttrs: setAttrs, fmt: fmt, slider: slider, readout: readout,
    scale: scale, points: points, frame: frame, panels: panels, assemble: assemble
  };
  root.LSTMCourseWidgets = root.LSTMCourseWidgets || {};
})(typeof globalThis !== "undefined" ? globalThis : this);
