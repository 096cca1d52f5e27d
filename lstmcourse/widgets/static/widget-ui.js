/*
 * widget-ui.js: what every widget shares. The contract (see /tmp/helpers/REGISTRY.md and
 * lstmcourse/widgets/registry.py):
 *
 *   U.register(NAME, function render(ctx) {         // ctx = {model, el}, anywidget's shape
 *     var w = U.mount(ctx, NAME, "caption");        // title, sliders and readouts from the registry
 *     w.onChange(function () {                      // any input moved (reader or Python)
 *       var x = w.value("x");                       // a slider's number or a text input's string
 *       w.report({ y: f(x) });                      // readouts + model.set("y", ...) + save_changes
 *     });
 *     w.show(picture);                              // append the picture, draw the first frame
 *   });
 *
 * `model` is anywidget's: get, set, save_changes, on("change:NAME", cb). In Jupyter it is the
 * kernel's synced model, so the outputs a widget reports become the Python traits; in the static
 * book widget-boot.js makes one in the page. Sliders are <input type="range" data-param=NAME>
 * with a <label>; numeric readouts are <output data-output=NAME> with >= 3 decimals, inside an
 * aria-live region.
 */
(function (root) {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  var counter = 0;

  function uid(prefix) { counter += 1; return "lw-" + prefix + "-" + counter; }

  // el("div", {class: "x"}, [children]) -> HTMLElement; strings become text nodes.
  function el(tag, attrs, children) { return fill(document.createElement(tag), attrs, children); }
  function svg(tag, attrs, children) { return fill(document.createElementNS(SVGNS, tag), attrs, children); }
  function fill(node, attrs, children) {
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
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  // Fixed decimals, with "-0.0000" shown as "0.0000"; tiny or huge numbers in exponent form.
  function fmt(x, digits) {
    var d = digits === undefined ? 4 : digits;
    if (!isFinite(x)) return String(x);
    var a = Math.abs(x);
    if (a !== 0 && (a < 1e-2 || a >= 1e5)) return x.toExponential(Math.max(d - 1, 3));
    var s = x.toFixed(d);
    return /^-0\.0+$/.test(s) ? s.slice(1) : s;
  }

  // ---- inputs and outputs, built from the registry entry ------------------------------------
  function integer(spec) {
    return [spec.default, spec.lo, spec.hi, spec.step].every(function (v) { return v % 1 === 0; });
  }

  function slider(model, spec, changed) {
    var id = uid(spec.name);
    var input = el("input", { type: "range", id: id, "data-param": spec.name, min: spec.lo,
      max: spec.hi, step: spec.step });
    input.value = model.get(spec.name);
    var shown = el("span", { class: "lw-value", "aria-hidden": "true" }, [""]);
    function show() {
      var txt = integer(spec) ? String(Number(input.value)) : fmt(Number(input.value), 2);
      shown.textContent = txt;
      input.setAttribute("aria-valuetext", txt);
    }
    show();
    // The input and the outputs it changes go to the kernel in one message (report() saves),
    // so Python never sees a new input next to an old output.
    input.addEventListener("input", function () {
      model.set(spec.name, Number(input.value));
      show();
      changed();
      model.save_changes();
    });
    // The other direction: a change made elsewhere (Python in Jupyter) moves the slider.
    model.on("change:" + spec.name, function () {
      if (Number(input.value) !== Number(model.get(spec.name))) {
        input.value = model.get(spec.name); show(); changed();
      }
    });
    var row = el("div", { class: "lw-row" }, [
      el("label", { for: id, class: "lw-label" }, [spec.label]), input, shown]);
    return { row: row, input: input };
  }

  function textInput(model, spec, changed) {
    var id = uid(spec.name);
    var input = el("input", { type: "text", id: id, "data-param": spec.name, class: "lw-text",
      maxlength: spec.max_length });
    input.value = model.get(spec.name);
    input.addEventListener("input", function () {
      model.set(spec.name, input.value);
      changed();
      model.save_changes();
    });
    model.on("change:" + spec.name, function () {
      if (input.value !== model.get(spec.name)) { input.value = model.get(spec.name); changed(); }
    });
    var row = el("div", { class: "lw-row lw-row-text" }, [
      el("label", { for: id, class: "lw-label" }, [spec.label]), input]);
    return { row: row, input: input };
  }

  function readout(spec) {
    var out = el("output", { "data-output": spec.name, class: "lw-out" }, ["…"]);
    var row = el("div", { class: "lw-readout" }, [el("span", { class: "lw-label" }, [spec.label]), out]);
    return { row: row, node: out,
      set: function (x) { out.textContent = x === null ? "—" : typeof x === "number" ? fmt(x, 4) : String(x); } };
  }

  // The registry entry of widget `name`, or an error that says what is missing.
  function specOf(name) {
    var spec = (root.LSTMCourseRegistry || {})[name];
    if (!spec) throw new Error("lstmcourse widgets: no registry entry for " + JSON.stringify(name));
    return spec;
  }

  function register(name, render) {
    var spec = specOf(name), defaults = {};
    spec.inputs.forEach(function (i) { defaults[i.name] = i.default; });
    root.LSTMCourseWidgets[name] = { name: name, spec: spec, defaults: defaults, render: render };
  }

  // Build the frame of widget `name` in ctx.el: title, caption, every input of the registry
  // entry, a readout for every output that is not a list (lists are the widget's to draw).
  function mount(ctx, name, caption) {
    var spec = specOf(name), model = ctx.model, host = ctx.el, listeners = [];
    host.classList.add("lw");
    host.setAttribute("data-widget", name);
    host.setAttribute("role", "group");
    host.setAttribute("aria-label", spec.title);
    clear(host);
    host.appendChild(el("div", { class: "lw-title" }, [spec.title]));
    if (caption) host.appendChild(el("p", { class: "lw-caption" }, [caption]));
    var controls = el("div", { class: "lw-controls" });
    var outs = el("div", { class: "lw-readouts", "aria-live": "polite" });
    function changed() { listeners.forEach(function (fn) { fn(); }); }
    var inputs = {}, readouts = {};
    spec.inputs.forEach(function (i) {
      var made = (i.kind === "text" ? textInput : slider)(model, i, changed);
      inputs[i.name] = made.input;
      controls.appendChild(made.row);
    });
    spec.outputs.forEach(function (o) {
      if (o.kind === "list") return;
      readouts[o.name] = readout(o);
      outs.appendChild(readouts[o.name].row);
    });
    var outputNames = spec.outputs.map(function (o) { return o.name; });
    return {
      spec: spec, model: model, el: host, controls: controls, readouts: readouts, inputs: inputs,
      value: function (key) {
        var i = spec.inputs.filter(function (s) { return s.name === key; })[0];
        if (!i) throw new Error(name + ": no input " + JSON.stringify(key));
        if (i.kind === "text") return String(model.get(key));
        var v = Number(model.get(key));
        return integer(i) ? Math.round(v) : v;
      },
      onChange: function (fn) { listeners.push(fn); },
      // Show the outputs and hand them to the model (Python traits in Jupyter).
      report: function (values) {
        Object.keys(values).forEach(function (k) {
          if (outputNames.indexOf(k) < 0) throw new Error(name + ": output " + k + " is not in the registry");
          if (readouts[k]) readouts[k].set(values[k]);
          model.set(k, values[k]);
        });
        model.save_changes();
      },
      show: function () {
        host.appendChild(el("div", { class: "lw-body" }, [controls, outs]));
        Array.prototype.forEach.call(arguments, function (node) { host.appendChild(node); });
        changed();
      }
    };
  }

  // ---- plots ---------------------------------------------------------------------------------
  // A legend in HTML above a plot (it never covers data): items {label, cls, dash}.
  function legend(items) {
    return el("div", { class: "lw-legend" }, items.map(function (it) {
      var mark = svg("svg", { width: 28, height: 10, class: "lw-swatch", "aria-hidden": "true" },
        [svg("line", { x1: 1, x2: 27, y1: 5, y2: 5, class: "lw-curve " + it.cls,
          "stroke-dasharray": it.dash || "" })]);
      return el("span", { class: "lw-key" }, [mark, it.label]);
    }));
  }

  // An SVG drawn in the container's own pixels (viewBox width = rendered width), so 12 px text
  // is 12 px on a phone too. paint(svgNode, width, height, data) draws; draw(data) repaints.
  function canvas(aria, height, paint) {
    var box = el("div", { class: "lw-plotbox" });
    var node = svg("svg", { class: "lw-plot", role: "img", "aria-label": aria });
    box.appendChild(node);
    var last = null, drawnAt = 0;
    function width() { return Math.max(260, Math.min(640, box.clientWidth || 480)); }
    function redraw() {
      if (last === null) return;
      var W = width();
      drawnAt = W;
      setAttrs(node, { viewBox: "0 0 " + W + " " + height, width: W, height: height });
      clear(node);
      paint(node, W, height, last);
    }
    if (typeof ResizeObserver !== "undefined") {
      new ResizeObserver(function () { if (width() !== drawnAt) redraw(); }).observe(box);
    }
    return { node: box, draw: function (data) { last = data; redraw(); } };
  }

  function scale(lo, hi, a, b) { return function (v) { return a + (b - a) * (v - lo) / (hi - lo); }; }
  function points(xs, ys) {
    return xs.map(function (x, k) { return x.toFixed(1) + "," + ys[k].toFixed(1); }).join(" ");
  }
  function superscript(n) {
    var map = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
    return String(n).split("").map(function (c) { return map[c]; }).join("");
  }

  // A log-scale plot whose y range always holds every positive value (whole decades, at least
  // two). A value that is 0 or negative has no place on a log axis: its curve stops at the
  // bottom edge with a "▼ 0" mark, never silently. series: [{label, cls, dash, ys}], x = index.
  function logPlot(aria, xLabel, height) {
    var cut = el("p", { class: "lw-note", hidden: "hidden" }, [""]);
    var pic = canvas(aria, height || 240, function (node, W, Hh, series) {
      var X0 = 52, X1 = W - 12, Y0 = 10, Y1 = Hh - 30, lo = Infinity, hi = -Infinity;
      series.forEach(function (s) {
        s.ys.forEach(function (v) { if (v > 0 && isFinite(v)) { var e = Math.log10(v); lo = Math.min(lo, e); hi = Math.max(hi, e); } });
      });
      if (lo === Infinity) { lo = -1; hi = 1; }
      lo = Math.floor(lo); hi = Math.ceil(hi);
      if (hi - lo < 2) { lo -= 1; hi += 1; }
      var every = Math.max(1, Math.ceil((hi - lo) / 6));
      lo = Math.floor(lo / every) * every; hi = Math.ceil(hi / every) * every;
      var sy = scale(lo, hi, Y1, Y0), n = series[0].ys.length, sx = scale(0, Math.max(n - 1, 1), X0, X1);
      for (var e = lo; e <= hi; e += every) {
        node.appendChild(svg("line", { x1: X0, x2: X1, y1: sy(e), y2: sy(e), class: "lw-grid" }));
        node.appendChild(svg("text", { x: X0 - 6, y: sy(e) + 4, class: "lw-tick", "text-anchor": "end" },
          [e === 0 ? "1" : "10" + superscript(e)]));
      }
      [0, n - 1].forEach(function (k) {
        node.appendChild(svg("text", { x: sx(k), y: Y1 + 16, class: "lw-tick", "text-anchor": "middle" }, [String(k)]));
      });
      node.appendChild(svg("text", { x: (X0 + X1) / 2, y: Y1 + 16, class: "lw-tick", "text-anchor": "middle" }, [xLabel]));
      var zeros = [];
      series.forEach(function (s) {
        var xs = [], ys = [];
        for (var k = 0; k < s.ys.length; k++) {
          if (s.ys[k] > 0 && isFinite(s.ys[k])) { xs.push(sx(k)); ys.push(sy(Math.log10(s.ys[k]))); continue; }
          xs.push(sx(k)); ys.push(Y1);           // down to the edge, then stop
          node.appendChild(svg("text", { x: sx(k), y: Y1 - 4, class: "lw-tick lw-cut " + s.cls + "t",
            "text-anchor": "middle" }, ["▼ 0"]));
          zeros.push(s.label + " is exactly 0 from " + xLabel + " = " + k);
          break;
        }
        node.appendChild(svg("polyline", { points: points(xs, ys), class: "lw-curve " + s.cls,
          "stroke-dasharray": s.dash || "" }));
      });
      cut.hidden = zeros.length === 0;
      cut.textContent = zeros.length ? "▼ 0: " + zeros.join("; ") + " (0 has no place on a log axis)." : "";
    });
    var key = el("div", {}), box = el("div", {}, [key, pic.node, cut]);
    return {
      node: box,
      draw: function (series) {         // the legend is redrawn too: labels may carry values
        clear(key);
        key.appendChild(legend(series));
        pic.draw(series);
      }
    };
  }

  root.LSTMCourseUI = {
    uid: uid, el: el, svg: svg, setAttrs: setAttrs, clear: clear, fmt: fmt, register: register,
    mount: mount, legend: legend, canvas: canvas, scale: scale, points: points, logPlot: logPlot
  };
  root.LSTMCourseWidgets = root.LSTMCourseWidgets || {};
})(typeof globalThis !== "undefined" ? globalThis : this);
