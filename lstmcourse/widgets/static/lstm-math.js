/*
 * lstm-math.js: the little math the widgets do in the browser.
 *
 * The truth is lstmcourse.numpy; every function here that a widget shows a number from is
 * compared with it to 1e-9 by tests/widgets/test_widgets_js_parity.py (run in Node or Chromium).
 * Weights and data come from Python through the registry (spec.data): nothing random here.
 *
 * Conventions are the course's (PyTorch's), written once in lstmcourse/conventions.py and repeated
 * here because a browser cannot import Python: parameters {weight_ih (G*H, D), weight_hh (G*H, H),
 * bias_ih (G*H), bias_hh (G*H)}, gate order LSTM i,f,g,o and GRU r,z,n. There is no batch axis:
 * x is a vector of length D, states are vectors of length H, a sequence xs is T vectors.
 * Matrices are arrays of rows.
 *
 * Classic script: it defines globalThis.LSTMCourseMath and works from file://, inside an ES module
 * (the Jupyter host wraps it) and in Node (module.exports).
 */
(function (root) {
  "use strict";

  // ---- activations -------------------------------------------------------------------------
  // sigmoid only ever exponentiates a non-positive number, so it cannot overflow.
  function sigmoid(x) {
    var e = Math.exp(-Math.abs(x));
    return (x >= 0 ? 1 : e) / (1 + e);
  }
  function tanh(x) { return Math.tanh(x); }
  // Derivatives as functions of the *input* x (like lstmcourse.numpy.sigmoid_grad / tanh_grad).
  function sigmoidGrad(x) { var s = sigmoid(x); return s * (1 - s); }
  function tanhGrad(x) { var t = Math.tanh(x); return 1 - t * t; }

  // ---- small linear algebra ----------------------------------------------------------------
  function matVec(W, v) {            // (R, C) @ (C,) -> (R,)
    var out = new Array(W.length);
    for (var r = 0; r < W.length; r++) {
      var row = W[r], s = 0;
      for (var c = 0; c < v.length; c++) s += row[c] * v[c];
      out[r] = s;
    }
    return out;
  }
  function matTVec(W, v) {           // (R, C).T @ (R,) -> (C,): how backprop sends a gradient back
    var out = new Array(W[0].length).fill(0);
    for (var r = 0; r < W.length; r++) {
      for (var c = 0; c < out.length; c++) out[c] += W[r][c] * v[r];
    }
    return out;
  }
  function norm(v) {
    var s = 0;
    for (var k = 0; k < v.length; k++) s += v[k] * v[k];
    return Math.sqrt(s);
  }
  function zeros(n) { return new Array(n).fill(0); }

  // Pre-activations a = W_ih x + b_ih + W_hh h + b_hh, all gates at once: (G*H,).
  // Plain loops (no temporary arrays): the widgets redo this hundreds of times per slider move.
  function preact(x, h, p) {
    var n = p.weight_ih.length, a = new Array(n);
    for (var r = 0; r < n; r++) {
      var wi = p.weight_ih[r], wh = p.weight_hh[r], s = p.bias_ih[r] + p.bias_hh[r];
      for (var c = 0; c < x.length; c++) s += wi[c] * x[c];
      for (c = 0; c < h.length; c++) s += wh[c] * h[c];
      a[r] = s;
    }
    return a;
  }

  // ---- one step of each cell ---------------------------------------------------------------
  // RNN: h = tanh(W_ih x + b_ih + W_hh h_prev + b_hh)
  function rnnCell(x, hPrev, p) {
    var a = preact(x, hPrev, p);
    for (var k = 0; k < a.length; k++) a[k] = Math.tanh(a[k]);
    return { h: a };
  }

  // LSTM: i,f,o = sigmoid(.), g = tanh(.), c = f*c_prev + i*g, h = o*tanh(c)
  function lstmCell(x, hPrev, cPrev, p) {
    var a = preact(x, hPrev, p), H = hPrev.length;
    var i = new Array(H), f = new Array(H), g = new Array(H), o = new Array(H);
    var c = new Array(H), tc = new Array(H), h = new Array(H);
    for (var k = 0; k < H; k++) {            // blocks of a: [i | f | g | o]
      i[k] = sigmoid(a[k]);
      f[k] = sigmoid(a[H + k]);
      g[k] = Math.tanh(a[2 * H + k]);
      o[k] = sigmoid(a[3 * H + k]);
      c[k] = f[k] * cPrev[k] + i[k] * g[k];   // keep some old memory, write some new
      tc[k] = Math.tanh(c[k]);
      h[k] = o[k] * tc[k];                    // show some of it
    }
    return { h: h, c: c, i: i, f: f, g: g, o: o, tc: tc, x: x, hPrev: hPrev, cPrev: cPrev };
  }

  // GRU exactly as torch: r,z = sigmoid(.), n = tanh(W_in x + b_in + r*(W_hn h + b_hn)),
  // h = (1 - z)*n + z*h_prev.
  function gruCell(x, hPrev, p) {
    var H = hPrev.length, ax = matVec(p.weight_ih, x), ah = matVec(p.weight_hh, hPrev);
    var r = [], z = [], n = [], h = [];
    for (var k = 0; k < H; k++) {
      r[k] = sigmoid(ax[k] + p.bias_ih[k] + ah[k] + p.bias_hh[k]);
      z[k] = sigmoid(ax[H + k] + p.bias_ih[H + k] + ah[H + k] + p.bias_hh[H + k]);
      n[k] = Math.tanh(ax[2 * H + k] + p.bias_ih[2 * H + k] + r[k] * (ah[2 * H + k] + p.bias_hh[2 * H + k]));
      h[k] = (1 - z[k]) * n[k] + z[k] * hPrev[k];
    }
    return { h: h, r: r, z: z, n: n };
  }

  // ---- scalar steps the playgrounds show (gate values set directly by the reader) ----------
  // c = f*c_prev + i*g ; h = o*tanh(c)
  function gateStep(f, i, g, o, cPrev) {
    var keep = f * cPrev, write = i * g, c = keep + write;
    return { keep: keep, write: write, c: c, tc: Math.tanh(c), h: o * Math.tanh(c) };
  }
  // One GRU unit with its gates set directly: the candidate's input part nx = W_in x + b_in and
  // recurrent weight wHn (b_hn = 0): n = tanh(nx + r*(wHn*h_prev)); h = (1 - z)*n + z*h_prev.
  // One GRU step with the gates given, plus the parts the GRU diagram prints on its wires.
  function gruGateStep(r, z, nx, wHn, hPrev) {
    var hn = wHn * hPrev, rh = r * hn, n = Math.tanh(nx + rh);
    var keep = z * hPrev, write = (1 - z) * n;
    return { hn: hn, rh: rh, n: n, keep: keep, zc: 1 - z, write: write, h: write + keep };
  }

  // ---- sequences and backpropagation through time -----------------------------------------
  function lstmSequence(xs, p, h0, c0) {
    var steps = [], h = h0, c = c0;
    for (var t = 0; t < xs.length; t++) {
      var s = lstmCell(xs[t], h, c, p);
      steps.push(s); h = s.h; c = s.c;
    }
    return steps;
  }

  // Norms of dL/dh_t for an RNN whose loss L has dL/dh_T = dhT, for lags k = T - t = 0..T
  // (entry k belongs to h_{T-k}; the last one to h_0).
  //   dL/dh_{t-1} = W_hh^T [ (1 - h_t^2) * dL/dh_t ]
  function rnnGradNorms(xs, p, h0, dhT) {
    var hs = [h0];
    for (var t = 0; t < xs.length; t++) hs.push(rnnCell(xs[t], hs[t], p).h);
    var dh = dhT.slice(), norms = [norm(dh)];
    for (t = xs.length; t >= 1; t--) {
      var ht = hs[t];
      var da = new Array(dh.length);
      for (var k = 0; k < dh.length; k++) da[k] = dh[k] * (1 - ht[k] * ht[k]);
      dh = matTVec(p.weight_hh, da);
      norms.push(norm(dh));
    }
    return norms;
  }

  // The conveyor belt with constant gates and nothing written (i*g = 0): c_t = f*c_{t-1}, so
  // c_t = f^t c_0 and dc_T/dc_0 = f^T, the product of the forget values along the belt.
  function conveyor(f, steps, c0) {
    var cs = [c0], grad = 1;
    for (var t = 1; t <= steps; t++) { cs.push(f * cs[t - 1]); grad *= f; }
    return { c: cs, dcT_dc0: grad };
  }

  // A one-unit RNN without input, h_t = tanh(w h_{t-1}): dh_T/dh_0 = prod_t w (1 - h_t^2).
  // At rest (h_0 = 0) every tanh' is 1 and this is w^T: it decays for |w| < 1, explodes for > 1.
  function scalarRnnGrad(w, steps, h0) {
    var h = h0, grad = 1;
    for (var t = 1; t <= steps; t++) { h = Math.tanh(w * h); grad *= w * (1 - h * h); }
    return grad;
  }

  // Bidirectional LSTM (one layer): the forward pass reads x_0..x_t, the backward pass reads
  // x_{T-1}..x_t; out_t = [h_fwd_t ; h_bwd_t] (forward half first, like torch).
  function bidirectionalLstm(xs, pFwd, pBwd) {
    var H = pFwd.weight_hh[0].length, T = xs.length;
    var fwd = lstmSequence(xs, pFwd, zeros(H), zeros(H)).map(function (s) { return s.h; });
    var bwdRev = lstmSequence(xs.slice().reverse(), pBwd, zeros(H), zeros(H));
    var bwd = bwdRev.map(function (s) { return s.h; }).reverse();
    var out = [];
    for (var t = 0; t < T; t++) out.push(fwd[t].concat(bwd[t]));
    return { fwd: fwd, bwd: bwd, out: out };
  }

  // ---- the widgets' networks ------------------------------------------------------------------
  // vanishing-gradient (chapter 1's measurement; data from lstmcourse/widgets/widget_data.py):
  // an RNN with W_hh = scale*Q and zero biases, and an LSTM whose biases are zero except the
  // forget gate's (b_f), both reading the tiny inputs net.xs[0..T-1], with dL/dh_T = net.w.
  // Returns, for lags k = 0..T-1 (entry k belongs to the state T-k),
  //   rnn:  |dL/dh_{T-k}| / |dL/dh_T|                              (chapter 1, eq. ch1-bptt)
  //   lstm: |w * f_T * ... * f_{T-k+1}| / |w|, the cell path     (chapter 3, eq. ch3-product)
  function vanishingCurves(net, scale, forgetBias, T) {
    var H = net.Q.length, xs = net.xs.slice(0, T), w = net.w;
    var rnnP = { weight_ih: net.rnn_ih, bias_ih: zeros(H), bias_hh: zeros(H),
      weight_hh: net.Q.map(function (row) { return row.map(function (v) { return scale * v; }); }) };
    var rnn = rnnGradNorms(xs, rnnP, zeros(H), w).slice(0, T);
    var bias = zeros(4 * H);
    for (var k = H; k < 2 * H; k++) bias[k] = forgetBias;     // rows H:2H are the forget gate's
    var lstmP = { weight_ih: net.lstm_ih, weight_hh: net.lstm_hh, bias_ih: bias, bias_hh: zeros(4 * H) };
    var steps = lstmSequence(xs, lstmP, zeros(H), zeros(H));
    var prod = w.slice(), cell = [norm(w)];
    for (var t = T - 1; cell.length < T; t--) {
      for (k = 0; k < H; k++) prod[k] *= steps[t].f[k];
      cell.push(norm(prod));
    }
    var ratio = function (a) { return a.map(function (v) { return v / a[0]; }); };
    return { rnn: ratio(rnn), lstm: ratio(cell) };
  }

  // bidirectional (chapter 6): a trained per-step classifier (lstmcourse/experiments/
  // widget_models.py). model = {embed (V, E), fwd, bwd (absent for a forward-only reader),
  // head {weight (C, H or 2H), bias}}; ids are vocabulary indices. Returns each step's class
  // probabilities (softmax of the head) and the hidden states behind them.
  function softmax(z) {
    var m = Math.max.apply(null, z), e = z.map(function (v) { return Math.exp(v - m); });
    var s = e.reduce(function (a, b) { return a + b; }, 0);
    return e.map(function (v) { return v / s; });
  }
  function perStepClassifier(model, ids) {
    var xs = ids.map(function (i) { return model.embed[i]; }), H = model.fwd.weight_hh[0].length;
    var res = model.bwd ? bidirectionalLstm(xs, model.fwd, model.bwd)
      : { fwd: lstmSequence(xs, model.fwd, zeros(H), zeros(H)).map(function (s) { return s.h; }) };
    var states = res.out || res.fwd;
    var probs = states.map(function (h) {
      var z = matVec(model.head.weight, h).map(function (v, c) { return v + model.head.bias[c]; });
      return softmax(z);
    });
    return { probs: probs, fwd: res.fwd, bwd: res.bwd || null };
  }
  // Lower-case words; punctuation is not part of a word ("dull," reads as "dull").
  function tokenize(sentence) {
    return sentence.toLowerCase().split(/[^a-z']+/).filter(function (w) { return w.length > 0; });
  }

  var M = {
    sigmoid: sigmoid, tanh: tanh, sigmoidGrad: sigmoidGrad, tanhGrad: tanhGrad,
    matVec: matVec, matTVec: matTVec, norm: norm, zeros: zeros,
    rnnCell: rnnCell, lstmCell: lstmCell, gruCell: gruCell,
    gateStep: gateStep, gruGateStep: gruGateStep,
    lstmSequence: lstmSequence, rnnGradNorms: rnnGradNorms,
    conveyor: conveyor, scalarRnnGrad: scalarRnnGrad, bidirectionalLstm: bidirectionalLstm,
    vanishingCurves: vanishingCurves, softmax: softmax, perStepClassifier: perStepClassifier,
    tokenize: tokenize
  };
  root.LSTMCourseMath = M;
  if (typeof module === "object" && module && module.exports) module.exports = M;
})(typeof globalThis !== "undefined" ? globalThis : this);
