/*
 * cell-diagrams.js: the course's machine diagrams, drawn as SVG from ONE description.
 *
 *   rnn            an unrolled plain RNN: the same tanh layer applied at every step (chapter 1)
 *   lstm           the LSTM cell: four layers i, f, g, o, the cell state c_{t-1} -> c_t along
 *                  the top ("the conveyor belt"), h_t out (chapters 2-4)
 *   gru            the GRU cell in PyTorch's form: r gates W_hn h_{t-1} + b_hn (chapter 5)
 *   bidirectional  a forward and a backward chain over x_1..x_3 and out_t = [->h_t ; <-h_t] (6)
 *   model          chapter 7's review classifier: embedding -> LSTM -> last h_T -> linear -> σ
 *
 * DIAGRAMS below is data only: nodes (learned layers, pointwise operations, forks, ports),
 * wires (paths through nodes and points) and labels, in SVG user units. draw() turns one entry
 * into an <svg>; with {live: true} the wires that carry a named value can be restyled by
 * set(values): width and opacity grow with |value|, colour shows its sign, and the value is
 * printed on the wire. The LSTM and GRU entries are the faces of the gate-playground and
 * gru-gates widgets. Nothing here computes a cell: the values come from lstm-math.js.
 *
 * Sizes: each diagram is 400 units wide and is drawn at the width of its container (at most
 * about 1.3x). Every text is at least 13 units, so it stays at 11 px or more down to a 340 px
 * wide diagram (a 390 px phone). Colours are CSS variables and currentColor (widgets.css, block
 * "cell diagrams"), so the pictures follow the light and dark themes.
 *
 * Label notation: "h_{t-1}" writes a subscript, a leading "->" or "<-" an arrow over the letter
 * (the forward and backward states of chapter 6).
 *
 * Classic script: defines globalThis.LSTMCourseDiagrams; works in the page, in the Jupyter
 * module and in Node (module.exports), where stringDocument() stands in for the DOM.
 */
(function (root) {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";

  // ---- 1. The description -------------------------------------------------------------------
  // Node kinds:  layer = learned layer (box: σ or tanh; `gate` names the value it shows),
  //   op = pointwise operation (circle: ⊙, +, 1−), fn = pointwise tanh (ellipse),
  //   block = a whole step (box with a word), concat = two stacked halves [a ; b],
  //   dot = fork (the vector is copied).  Wires: `path` lists node ids and [x, y] points; a wire
  //   stops at the border of a node it starts or ends in. `value` names the live value it
  //   carries, `at` = [x, y, anchor] where that value is printed, `max` the |value| drawn
  //   widest. `belt` draws it thicker, `halo` cuts a gap where it crosses another wire,
  //   `arrow: false` leaves the arrowhead off.
  var LEGEND = [
    { kind: "layer", at: [150, 306], text: "learned layer" },
    { kind: "op", at: [282, 306], text: "pointwise" }
  ];

  var DIAGRAMS = {
    rnn: {
      title: "An unrolled RNN",
      caption: "One layer, with the same W_{ih}, W_{hh} and biases, applied at every step: step t " +
        "reads x_t and the state h_{t-1}.",
      alt: "One tanh layer with the same weights, applied at steps 1, 2, 3 and so on up " +
        "to T. Step t reads the input x at step t from below and the state of step t minus 1 " +
        "from the left, and sends its new state h at step t to the next step and up as its " +
        "output. The first step starts from the state h 0.",

      size: [400, 240],
      nodes: {
        B1: { kind: "block", at: [90, 130], w: 52, h: 40, text: "tanh" },
        B2: { kind: "block", at: [175, 130], w: 52, h: 40, text: "tanh" },
        B3: { kind: "block", at: [260, 130], w: 52, h: 40, text: "tanh" },
        BT: { kind: "block", at: [355, 130], w: 52, h: 40, text: "tanh" }
      },
      wires: [
        { id: "h0", path: [[40, 130], "B1"] },
        { id: "h1", path: ["B1", "B2"] },
        { id: "h2", path: ["B2", "B3"] },
        { id: "h3", path: ["B3", "BT"], dashed: true },
        { id: "x1", path: [[90, 208], "B1"] },
        { id: "x2", path: [[175, 208], "B2"] },
        { id: "x3", path: [[260, 208], "B3"] },
        { id: "xT", path: [[355, 208], "BT"] },
        { id: "y1", path: ["B1", [90, 62]] },
        { id: "y2", path: ["B2", [175, 62]] },
        { id: "y3", path: ["B3", [260, 62]] },
        { id: "yT", path: ["BT", [355, 62]] }
      ],
      labels: [
        { text: "h_0", at: [22, 135] },
        { text: "x_1", at: [90, 228] }, { text: "x_2", at: [175, 228] },
        { text: "x_3", at: [260, 228] }, { text: "x_T", at: [355, 228] },
        { text: "h_1", at: [90, 50] }, { text: "h_2", at: [175, 50] },
        { text: "h_3", at: [260, 50] }, { text: "h_T", at: [355, 50] },
        { text: "⋯", at: [307, 121], kind: "note" }
      ]
    },

    lstm: {
      title: "The LSTM cell",
      caption: "Boxes are learned layers, circles act elementwise; the top line carries the cell " +
        "state from c_{t-1} to c_t.",
      alt: "The cell state of step t minus 1 runs along the top like a conveyor belt: " +
        "it is multiplied elementwise by the forget gate f, then the input gate i times the " +
        "candidate g is added, giving the new cell state c at step t. Below, the previous " +
        "hidden state and the input x at step t together feed four learned layers: sigmoid " +
        "for f, sigmoid for i, tanh for g and sigmoid for the output gate o. A copy of the new " +
        "cell state passes through tanh and is multiplied by o, giving the new hidden state h.",

      size: [400, 320],
      frame: [48, 18, 300, 268],
      nodes: {
        mf: { kind: "op", at: [100, 48], text: "⊙" },
        add: { kind: "op", at: [205, 48], text: "+" },
        mi: { kind: "op", at: [205, 118], text: "⊙" },
        tc: { kind: "fn", at: [305, 112], text: "tanh" },
        mo: { kind: "op", at: [305, 175], text: "⊙" },
        Lf: { kind: "layer", at: [100, 212], text: "σ", gate: "f" },
        Li: { kind: "layer", at: [155, 212], text: "σ", gate: "i" },
        Lg: { kind: "layer", at: [206, 212], text: "tanh", gate: "g", w: 44 },
        Lo: { kind: "layer", at: [258, 212], text: "σ", gate: "o" },
        j0: { kind: "dot", at: [80, 256] }, j1: { kind: "dot", at: [100, 256] },
        j2: { kind: "dot", at: [155, 256] }, j3: { kind: "dot", at: [206, 256] },
        j4: { kind: "dot", at: [305, 48] }
      },
      wires: [
        { id: "c_prev", path: [[40, 48], "mf"], value: "c_prev", max: 2, belt: true,
          at: [68, 37, "middle"] },
        { id: "keep", path: ["mf", "add"], value: "keep", max: 2, belt: true,
          at: [152, 37, "middle"] },
        { id: "c", path: ["add", [358, 48]], value: "c", max: 2, belt: true,
          at: [255, 37, "middle"] },
        { id: "c_copy", path: [[305, 48], "tc"], value: "c", max: 2 },
        { id: "tc", path: ["tc", "mo"], value: "tc", max: 1, at: [311, 148, "start"] },
        { id: "h", path: ["mo", [332, 175], [332, 256], [358, 256]], value: "h", max: 1,
          at: [378, 280, "middle"] },
        { id: "h_prev", path: [[40, 256], [258, 256], "Lo"] },
        { id: "x", path: [[80, 292], [80, 256]], arrow: false },
        { id: "to_f", path: [[100, 256], "Lf"] },
        { id: "to_i", path: [[155, 256], "Li"] },
        { id: "to_g", path: [[206, 256], "Lg"] },
        { id: "f", path: ["Lf", "mf"], value: "f", max: 1, at: [106, 150, "start"] },
        { id: "i", path: ["Li", [155, 118], "mi"], value: "i", max: 1, at: [161, 166, "start"] },
        { id: "g", path: ["Lg", "mi"], value: "g", max: 1, at: [212, 166, "start"] },
        { id: "o", path: ["Lo", [258, 175], "mo"], value: "o", max: 1, at: [276, 166, "middle"] },
        { id: "write", path: ["mi", "add"], value: "write", max: 1, at: [211, 88, "start"] }
      ],
      labels: [
        { text: "c_{t-1}", at: [22, 53] }, { text: "h_{t-1}", at: [22, 261] },
        { text: "x_t", at: [80, 310] },
        { text: "c_t", at: [380, 53] }, { text: "h_t", at: [380, 261] },
        { text: "f_t", at: [94, 184], anchor: "end" }, { text: "i_t", at: [149, 184], anchor: "end" },
        { text: "g_t", at: [200, 188], anchor: "end" }, { text: "o_t", at: [252, 188], anchor: "end" }
      ],
      legend: LEGEND
    },

    gru: {
      title: "The GRU cell",
      caption: "One state, two gates: z_t keeps the old state, 1 − z_t writes the candidate n_t, " +
        "r_t decides how much of h_{t-1} the candidate sees.",
      alt: "PyTorch's form. The state of step t minus 1 runs along the top: it is " +
        "multiplied elementwise by the update gate z, then 1 minus z times the candidate n is " +
        "added, giving the new state h at step t. Below, the old state and the input x " +
        "together feed two sigmoid layers, the reset gate r and the update gate z. The " +
        "candidate n is a tanh layer that reads the input and r times W h n applied to the " +
        "old state plus its bias.",

      size: [400, 322],
      frame: [48, 18, 314, 270],
      nodes: {
        mz: { kind: "op", at: [230, 48], text: "⊙" },
        add: { kind: "op", at: [318, 48], text: "+" },
        om: { kind: "op", at: [265, 110], text: "1−", r: 14 },
        mw: { kind: "op", at: [318, 110], text: "⊙" },
        Lhn: { kind: "layer", at: [106, 160], text: "W_{hn}", w: 46, math: true },
        mr: { kind: "op", at: [160, 160], text: "⊙" },
        Lr: { kind: "layer", at: [160, 216], text: "σ", gate: "r" },
        Lz: { kind: "layer", at: [230, 216], text: "σ", gate: "z" },
        Ln: { kind: "layer", at: [318, 216], text: "tanh", w: 42 },
        j1: { kind: "dot", at: [62, 48] }, j2: { kind: "dot", at: [62, 160] },
        j3: { kind: "dot", at: [230, 110] }, jx: { kind: "dot", at: [95, 278] },
        jb: { kind: "dot", at: [95, 256] }, jr: { kind: "dot", at: [160, 256] }
      },
      wires: [
        { id: "h_prev", path: [[40, 48], "mz"], value: "h_prev", max: 1, belt: true,
          at: [145, 37, "middle"] },
        { id: "keep", path: ["mz", "add"], value: "keep", max: 1, belt: true,
          at: [274, 37, "middle"] },
        { id: "h", path: ["add", [370, 48]], value: "h", max: 1, belt: true,
          at: [398, 30, "end"] },
        { id: "down", path: [[62, 48], [62, 256], [230, 256], "Lz"] },
        { id: "to_hn", path: [[62, 160], "Lhn"] },
        { id: "to_r", path: [[160, 256], "Lr"] },
        { id: "x", path: [[95, 296], [95, 256]], arrow: false },
        { id: "x_n", path: [[95, 278], [318, 278], "Ln"] },
        { id: "hn", path: ["Lhn", "mr"] },
        { id: "r", path: ["Lr", "mr"], value: "r", max: 1, at: [166, 195, "start"] },
        { id: "rh", path: ["mr", [282, 160], [282, 216], "Ln"], value: "rh", max: 1,
          at: [200, 151, "middle"] },
        { id: "z", path: ["Lz", "mz"], value: "z", max: 1, halo: true, at: [236, 195, "start"] },
        { id: "z_copy", path: [[230, 110], "om"], value: "z", max: 1 },
        { id: "zc", path: ["om", "mw"], value: "zc", max: 1, at: [292, 100, "middle"] },
        { id: "n", path: ["Ln", "mw"], value: "n", max: 1, at: [324, 160, "start"] },
        { id: "write", path: ["mw", "add"], value: "write", max: 1, at: [324, 84, "start"] }
      ],
      labels: [
        { text: "h_{t-1}", at: [22, 53] }, { text: "x_t", at: [95, 314] },
        { text: "h_t", at: [386, 53] },
        { text: "r_t", at: [154, 195], anchor: "end" }, { text: "z_t", at: [224, 195], anchor: "end" },
        { text: "n_t", at: [312, 192], anchor: "end" }
      ],
      legend: [
        { kind: "layer", at: [150, 308], text: "learned layer" },
        { kind: "op", at: [282, 308], text: "pointwise" }
      ]
    },

    bidirectional: (function () {
      // Built by a loop: one column per step t = 1..3, forward boxes low, backward boxes high.
      var cols = [110, 205, 300], nodes = {}, wires = [], labels = [];
      cols.forEach(function (X, k) {
        var t = k + 1;
        nodes["F" + t] = { kind: "block", at: [X - 18, 230], w: 44, h: 32, text: "fwd", tone: "fwd" };
        nodes["B" + t] = { kind: "block", at: [X + 18, 150], w: 44, h: 32, text: "bwd", tone: "bwd" };
        nodes["O" + t] = { kind: "concat", at: [X, 70] };
        nodes["jx" + t] = { kind: "dot", at: [X, 280] };
        wires.push({ id: "x" + t, path: [[X, 300], [X, 246]] });
        wires.push({ id: "xb" + t, path: [[X, 280], [X + 30, 280], [X + 30, 166]], halo: true });
        wires.push({ id: "fo" + t, path: [[X - 14, 214], [X - 14, 79]], tone: "fwd", halo: true });
        wires.push({ id: "bo" + t, path: [[X + 14, 134], [X + 14, 79]], tone: "bwd" });
        wires.push({ id: "out" + t, path: [[X, 61], [X, 40]] });
        labels.push({ text: "x_" + t, at: [X, 320] }, { text: "out_" + t, at: [X, 30] });
        if (t < cols.length) {
          wires.push({ id: "f" + t, path: ["F" + t, "F" + (t + 1)], tone: "fwd" });
          wires.push({ id: "b" + t, path: ["B" + (t + 1), "B" + t], tone: "bwd" });
        }
      });
      // Draw the chains first, so the crossing wires (halo) cut a gap into them.
      wires.sort(function (a, b) { return (a.halo ? 1 : 0) - (b.halo ? 1 : 0); });
      wires.unshift({ id: "h0", path: [[46, 230], "F1"], tone: "fwd" },
        { id: "h4", path: [[354, 150], "B3"], tone: "bwd" });
      labels.push({ text: "->h_0", at: [26, 235] }, { text: "<-h_4", at: [376, 155] },
        { text: "forward", at: [372, 235], kind: "note" },
        { text: "backward", at: [48, 155], kind: "note" });
      return {
        title: "A bidirectional layer",
        caption: "Two chains with their own weights read the sequence in opposite directions; " +
          "out_t joins their states at step t.",
        alt: "Over the inputs x 1, x 2, x 3 a forward chain reads left to right " +
          "from a zero state, and a backward chain with its own weights reads right to left " +
          "from a zero state. Every input feeds both chains; the output at step t stacks the " +
          "forward state on the backward state of that step.",

        size: [400, 336], nodes: nodes, wires: wires, labels: labels
      };
    })(),

    model: (function () {
      // Chapter 7's review classifier: Embedding -> LSTM over every word -> last h_T -> Linear -> σ.
      var cols = [[110, "1"], [190, "2"], [270, "3"], [355, "T"]], nodes = {}, wires = [];
      var labels = [{ text: "h_0, c_0", at: [36, 185] }];
      cols.forEach(function (col, k) {
        var X = col[0], t = col[1];
        nodes["E" + t] = { kind: "layer", at: [X, 262], w: 50, h: 26, text: "embed" };
        nodes["L" + t] = { kind: "block", at: [X, 180], w: 52, h: 36, text: "LSTM" };
        wires.push({ id: "w" + t, path: [[X, 302], "E" + t] },
          { id: "x" + t, path: ["E" + t, "L" + t] });
        labels.push({ text: "w_" + t, at: [X, 320] }, { text: "x_" + t, at: [X - 6, 228], anchor: "end" });
        if (k > 0) wires.push({ id: "s" + t, path: ["L" + cols[k - 1][1], "L" + t], dashed: t === "T" });
      });
      nodes.lin = { kind: "layer", at: [355, 108], w: 56, h: 26, text: "linear" };
      nodes.sig = { kind: "op", at: [355, 58], text: "σ" };
      wires.unshift({ id: "s1", path: [[66, 180], "L1"] });
      wires.push({ id: "hT", path: ["LT", "lin"] }, { id: "logit", path: ["lin", "sig"] },
        { id: "p", path: ["sig", [355, 30]] });
      labels.push({ text: "h_T", at: [349, 146], anchor: "end" },
        { text: "P(positive)", at: [352, 20], kind: "note" },
        { text: "⋯", at: [312, 171], kind: "note" },
        { text: "only the last state is classified", at: [190, 112], kind: "note" });
      return {
        title: "The review classifier",
        caption: "Each word index becomes a vector x_t; one LSTM reads them all; its last state " +
          "h_T becomes the probability that the review is positive.",
        alt: "Word indices w 1, w 2, w 3 up to w T at the bottom each pass through the same " +
          "embedding, giving vectors x 1 to x T. One LSTM, drawn once per step, reads them left " +
          "to right from zero states, passing its hidden and cell state along. Only the state " +
          "of the last step, h T, goes up to a linear layer with one output, and a sigmoid " +
          "turns it into the probability that the review is positive.",
        size: [400, 330], nodes: nodes, wires: wires, labels: labels
      };
    })()
  };

  // ---- 2. Geometry --------------------------------------------------------------------------
  var LAYER = { w: 40, h: 30 }, BLOCK = { w: 52, h: 40 }, OP_R = 12, FN = { rx: 22, ry: 13 };

  function nodeSize(n) {
    if (n.kind === "layer") return { hw: (n.w || LAYER.w) / 2, hh: (n.h || LAYER.h) / 2 };
    if (n.kind === "block") return { hw: (n.w || BLOCK.w) / 2, hh: (n.h || BLOCK.h) / 2 };
    if (n.kind === "op") return { hw: n.r || OP_R, hh: n.r || OP_R };
    if (n.kind === "fn") return { hw: FN.rx, hh: FN.ry };
    if (n.kind === "concat") return { hw: 22, hh: 9 };
    return { hw: 0, hh: 0 };                               // dot: wires meet at its centre
  }

  // How far from the centre of node n a wire leaving in direction (dx, dy) crosses its border.
  function borderDistance(n, dx, dy) {
    var s = nodeSize(n), len = Math.sqrt(dx * dx + dy * dy) || 1;
    var ux = Math.abs(dx) / len, uy = Math.abs(dy) / len;
    if (n.kind === "op" || n.kind === "fn") {              // circle or ellipse
      return 1 / Math.sqrt((ux * ux) / (s.hw * s.hw) + (uy * uy) / (s.hh * s.hh) || 1);
    }
    if (s.hw === 0) return 0;
    return Math.min(ux > 0 ? s.hw / ux : Infinity, uy > 0 ? s.hh / uy : Infinity);
  }

  // The polyline of a wire: node ids become centres, and the two ends stop at node borders.
  function wirePoints(d, wire) {
    var pts = wire.path.map(function (p) { return typeof p === "string" ? d.nodes[p].at : p; });
    pts = pts.map(function (p) { return [p[0], p[1]]; });
    [[0, 1], [pts.length - 1, pts.length - 2]].forEach(function (ends) {
      var ref = wire.path[ends[0]];
      if (typeof ref !== "string") return;
      var a = pts[ends[0]], b = pts[ends[1]], dx = b[0] - a[0], dy = b[1] - a[1];
      var len = Math.sqrt(dx * dx + dy * dy), r = borderDistance(d.nodes[ref], dx, dy);
      pts[ends[0]] = [a[0] + dx / len * r, a[1] + dy / len * r];
    });
    return pts;
  }

  // The path's d attribute, its end pulled back under an arrowhead of size `head`.
  function pathData(pts, head) {
    var p = pts.map(function (q) { return [q[0], q[1]]; }), n = p.length;
    if (head > 0) {
      var a = p[n - 2], b = p[n - 1], dx = b[0] - a[0], dy = b[1] - a[1];
      var len = Math.sqrt(dx * dx + dy * dy), back = Math.min(head * 0.8, len);
      p[n - 1] = [b[0] - dx / len * back, b[1] - dy / len * back];
    }
    return p.map(function (q, k) { return (k ? "L " : "M ") + r2(q[0]) + " " + r2(q[1]); }).join(" ");
  }

  // A triangle of length `head` whose tip is the wire's last point.
  function arrowPoints(pts, head) {
    var a = pts[pts.length - 2], b = pts[pts.length - 1];
    var dx = b[0] - a[0], dy = b[1] - a[1], len = Math.sqrt(dx * dx + dy * dy);
    var ux = dx / len, uy = dy / len, w = head * 0.55;
    var bx = b[0] - ux * head, by = b[1] - uy * head;
    return [[b[0], b[1]], [bx - uy * w, by + ux * w], [bx + uy * w, by - ux * w]]
      .map(function (q) { return r2(q[0]) + "," + r2(q[1]); }).join(" ");
  }

  function r2(v) { return String(Math.round(v * 100) / 100); }

  // ---- 3. Labels: "h_{t-1}" -> h with a subscript; "->h_0" puts an arrow over the h ----------
  // -> {over: "->" | "<-" | null, runs: [{text, sub}]}; "-" in a subscript becomes a minus.
  function parseLabel(src) {
    var over = null, s = src, runs = [], re = /_\{([^}]*)\}|_(.)/g, last = 0, m;
    if (s.slice(0, 2) === "->" || s.slice(0, 2) === "<-") { over = s.slice(0, 2); s = s.slice(2); }
    while ((m = re.exec(s)) !== null) {
      if (m.index > last) runs.push({ text: s.slice(last, m.index), sub: false });
      runs.push({ text: (m[1] !== undefined ? m[1] : m[2]).replace(/-/g, "−"), sub: true });
      last = re.lastIndex;
    }
    if (last < s.length) runs.push({ text: s.slice(last), sub: false });
    return { over: over, runs: runs };
  }

  // A rough advance width of the fonts in widgets.css (0.55 em a character), to place arrows.
  function textWidth(text, size) { return text.length * size * 0.55; }

  // ---- 4. Building SVG through any document (the page's, or stringDocument() in Node) -------
  function make(doc, tag, attrs, parent) {
    var n = doc.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(n);
    return n;
  }

  function addText(doc, parent, src, x, y, anchor, cls, size, subSize) {
    var lab = parseLabel(src), low = false;
    var t = make(doc, "text", { x: x, y: y, "text-anchor": anchor || "middle", class: cls,
      "data-label": src }, parent);
    lab.runs.forEach(function (run, k) {
      if (k === 0 && !run.sub) { t.appendChild(doc.createTextNode(run.text)); return; }
      var dy = run.sub === low ? "0" : run.sub ? "0.32em" : "-0.32em";
      var span = make(doc, "tspan", run.sub ? { dy: dy, class: "cd-sub" } : { dy: dy }, t);
      span.appendChild(doc.createTextNode(run.text));
      low = run.sub;
    });
    if (lab.over) {                    // a small arrow over the first letter
      var total = lab.runs.reduce(function (acc, run) {
        return acc + textWidth(run.text, run.sub ? subSize : size);
      }, 0);
      var left = anchor === "start" ? x : anchor === "end" ? x - total : x - total / 2;
      var x0 = left, x1 = left + textWidth(lab.runs[0].text, size), ya = y - size * 0.85;
      var tip = lab.over === "->" ? x1 : x0, dir = lab.over === "->" ? -1 : 1;
      make(doc, "path", { class: "cd-over", d: "M " + r2(x0) + " " + r2(ya) + " L " + r2(x1) +
        " " + r2(ya) + " M " + r2(tip + 3.5 * dir) + " " + r2(ya - 2.5) + " L " + r2(tip) + " " +
        r2(ya) + " L " + r2(tip + 3.5 * dir) + " " + r2(ya + 2.5) }, parent);
    }
    return t;
  }

  var SIZES = { math: 16, sub: 13, note: 13, value: 13 };

  function drawNode(doc, g, id, n) {
    var x = n.at[0], y = n.at[1], s = nodeSize(n), shape = null;
    var cls = "cd-" + n.kind + (n.tone ? " cd-" + n.tone : "");
    var grp = make(doc, "g", { class: cls, "data-node": id }, g);
    if (n.kind === "layer" || n.kind === "block") {
      shape = make(doc, "rect", { x: x - s.hw, y: y - s.hh, width: 2 * s.hw, height: 2 * s.hh,
        rx: n.kind === "layer" ? 4 : 8 }, grp);
    } else if (n.kind === "op") {
      shape = make(doc, "circle", { cx: x, cy: y, r: s.hw }, grp);
    } else if (n.kind === "fn") {
      shape = make(doc, "ellipse", { cx: x, cy: y, rx: s.hw, ry: s.hh }, grp);
    } else if (n.kind === "concat") {
      make(doc, "rect", { x: x - 22, y: y - 9, width: 22, height: 18, class: "cd-fwd" }, grp);
      make(doc, "rect", { x: x, y: y - 9, width: 22, height: 18, class: "cd-bwd" }, grp);
    } else if (n.kind === "dot") {
      make(doc, "circle", { cx: x, cy: y, r: 3.2 }, grp);
    }
    if (n.text) {
      var size = n.text === "σ" ? 18 : n.kind === "op" && n.text !== "1−" ? 17 : 14;
      var t = addText(doc, grp, n.text, x, y, "middle", n.math ? "cd-math" : "cd-fn", size, 11);
      t.setAttribute("dominant-baseline", "central");
      t.setAttribute("style", "font-size:" + size + "px");
    }
    return { group: grp, shape: shape };
  }

  function drawLegend(doc, g, items) {
    items.forEach(function (it) {
      var x = it.at[0], y = it.at[1];
      var grp = make(doc, "g", { class: "cd-" + it.kind + " cd-key" }, g);
      if (it.kind === "layer") make(doc, "rect", { x: x - 20, y: y - 8, width: 16, height: 14, rx: 3 }, grp);
      else make(doc, "circle", { cx: x - 12, cy: y - 1, r: 7 }, grp);
      addText(doc, g, it.text, x, y + 4, "start", "cd-note", SIZES.note, SIZES.sub);
    });
  }

  // A live wire: thicker, more opaque and coloured by sign as |value| grows toward `max`.
  function flowStyle(v, max) {
    var a = Math.min(Math.abs(v) / (max || 1), 1);
    return { width: 1 + 7 * a, opacity: 0.3 + 0.7 * a, sign: v < 0 ? "neg" : "pos" };
  }

  // Fixed decimals with a real minus sign; "−0.00" shows as "0.00".
  function formatValue(v, digits) {
    var s = Number(v).toFixed(digits === undefined ? 2 : digits);
    if (/^-0\.0+$/.test(s)) s = s.slice(1);
    return s.replace("-", "−");
  }

  /**
   * draw(name, {doc, live}) -> {node, name, set(values), wires, layers}
   *   node: the <svg>; set(values) (live only) restyles every wire whose `value` key is in
   *   `values` and prints the value on it; gate layers fill as opaque as their gate is open.
   */
  function draw(name, options) {
    var d = DIAGRAMS[name];
    if (!d) {
      throw new Error("diagram name: got " + JSON.stringify(name) + ", expected one of " +
        Object.keys(DIAGRAMS).join(", "));
    }
    var opts = options || {}, doc = opts.doc || root.document, live = !!opts.live;
    var W = d.size[0], H = d.size[1];
    var svg = make(doc, "svg", { xmlns: SVGNS, viewBox: "0 0 " + W + " " + H,
      class: "cd-svg cd-" + name + (live ? " cd-live" : ""), role: "img",
      "aria-label": d.title + ": " + d.alt, "data-diagram": name,
      style: "max-width:" + Math.round(W * 1.3) + "px" });
    var title = make(doc, "title", {}, svg);
    title.appendChild(doc.createTextNode(d.title));
    if (d.frame) {
      make(doc, "rect", { class: "cd-frame", x: d.frame[0], y: d.frame[1], width: d.frame[2],
        height: d.frame[3], rx: 14 }, svg);
    }
    var wireLayer = make(doc, "g", { class: "cd-wires" }, svg);
    var nodeLayer = make(doc, "g", { class: "cd-nodes" }, svg);
    var textLayer = make(doc, "g", { class: "cd-labels" }, svg);

    var wires = {};
    d.wires.forEach(function (w) {
      var pts = wirePoints(d, w), arrow = w.arrow !== false, head = arrow ? 8 : 0;
      var cls = "cd-wire" + (w.belt ? " cd-belt" : "") + (w.dashed ? " cd-dashed" : "") +
        (w.tone ? " cd-" + w.tone : "") + (live && !w.value ? " cd-idle" : "");
      var grp = make(doc, "g", { class: cls, "data-wire": w.id }, wireLayer);
      if (w.value) grp.setAttribute("data-carries", w.value);
      if (w.halo) {                    // the page's colour, then (inside a cell) the cell's tint
        make(doc, "path", { class: "cd-halo", d: pathData(pts, 0) }, grp);
        if (d.frame) make(doc, "path", { class: "cd-halo cd-halo-tint", d: pathData(pts, 0) }, grp);
      }
      var path = make(doc, "path", { class: "cd-line", d: pathData(pts, head) }, grp);
      var tip = arrow ? make(doc, "polygon", { class: "cd-head", points: arrowPoints(pts, head) }, grp) : null;
      var text = null;
      if (live && w.value && w.at) {
        text = addText(doc, textLayer, "…", w.at[0], w.at[1], w.at[2], "cd-value", SIZES.value, 0);
        text.setAttribute("data-value-of", w.id);
      }
      wires[w.id] = { spec: w, pts: pts, group: grp, path: path, tip: tip, text: text };
    });
    var layers = {};                                       // gate layers, by gate letter
    Object.keys(d.nodes).forEach(function (id) {
      var n = d.nodes[id], made = drawNode(doc, nodeLayer, id, n);
      if (n.gate) {
        made.group.setAttribute("data-gate", n.gate);
        layers[n.gate] = made.shape;
      }
    });
    (d.labels || []).forEach(function (l) {
      addText(doc, textLayer, l.text, l.at[0], l.at[1], l.anchor || "middle",
        l.kind === "note" ? "cd-note" : "cd-math", l.kind === "note" ? SIZES.note : SIZES.math,
        SIZES.sub);
    });
    if (d.legend) drawLegend(doc, textLayer, d.legend);

    function set(values) {
      Object.keys(layers).forEach(function (gate) {       // a gate layer: open = opaque
        if (values[gate] === undefined) return;
        layers[gate].setAttribute("fill-opacity", (0.15 + 0.85 * Math.abs(values[gate])).toFixed(3));
      });
      Object.keys(wires).forEach(function (id) {
        var w = wires[id], key = w.spec.value, v = values[key];
        if (!key || v === undefined) return;
        var st = flowStyle(v, w.spec.max), head = w.tip ? 6 + 1.2 * st.width : 0;
        w.group.setAttribute("class", w.group.getAttribute("class").replace(/ cd-(pos|neg)/, "") +
          " cd-" + st.sign);
        w.group.setAttribute("opacity", st.opacity.toFixed(3));
        w.path.setAttribute("stroke-width", st.width.toFixed(2));
        w.path.setAttribute("d", pathData(w.pts, head));
        if (w.tip) w.tip.setAttribute("points", arrowPoints(w.pts, head));
        if (w.text) {
          w.text.textContent = formatValue(v);
          w.text.setAttribute("data-value", String(v));
        }
      });
    }
    return { node: svg, name: name, set: live ? set : function () {}, wires: wires, layers: layers };
  }

  // ---- 5. A document that builds SVG as a string (Node, tests, static export) ---------------
  function stringDocument() {
    function esc(s) {
      return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;");
    }
    function Text(t) { this.text = String(t); }
    Text.prototype.toString = function () { return esc(this.text); };
    function Elem(tag) { this.tagName = tag; this.attributes = {}; this.childNodes = []; }
    Elem.prototype.setAttribute = function (k, v) { this.attributes[k] = String(v); };
    Elem.prototype.getAttribute = function (k) {
      return Object.prototype.hasOwnProperty.call(this.attributes, k) ? this.attributes[k] : null;
    };
    Elem.prototype.appendChild = function (c) { this.childNodes.push(c); return c; };
    Object.defineProperty(Elem.prototype, "textContent", {
      get: function () {
        return this.childNodes.map(function (c) { return c instanceof Text ? c.text : c.textContent; })
          .join("");
      },
      set: function (t) { this.childNodes = [new Text(t)]; }
    });
    Elem.prototype.toString = function () {
      var self = this;
      var attrs = Object.keys(this.attributes).map(function (k) {
        return " " + k + '="' + esc(self.attributes[k]) + '"';
      }).join("");
      return "<" + this.tagName + attrs + ">" + this.childNodes.join("") + "</" + this.tagName + ">";
    };
    return {
      createElementNS: function (ns, tag) { return new Elem(tag); },
      createTextNode: function (t) { return new Text(t); }
    };
  }

  // ---- 6. A diagram as a figure of its own (the diagram-* widgets at the top of chapters) ----
  // The caption is plain text: "x_t" style notation is shown as written, subscripts as such.
  function figure(ctx, name) {
    var el = ctx.el, doc = el.ownerDocument, d = DIAGRAMS[name];
    while (el.firstChild) el.removeChild(el.firstChild);
    el.classList.add("cd-figure");
    el.setAttribute("role", "figure");
    el.setAttribute("aria-label", d.title);
    var pic = draw(name, { doc: doc });
    el.appendChild(pic.node);
    var cap = doc.createElement("p");
    cap.className = "cd-caption";
    parseLabel(d.caption).runs.forEach(function (run) {
      var part = doc.createElement(run.sub ? "sub" : "span");
      part.textContent = run.text;
      cap.appendChild(part);
    });
    el.appendChild(cap);
    return pic;
  }

  var api = {
    DIAGRAMS: DIAGRAMS, draw: draw, names: Object.keys(DIAGRAMS), flowStyle: flowStyle,
    formatValue: formatValue, parseLabel: parseLabel, stringDocument: stringDocument,
    figure: figure
  };
  root.LSTMCourseDiagrams = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
