/*
 * lstm-math.js: the little math the widgets do in the browser.
 *
 * The truth is lstmcourse.numpy; every function here that a widget shows a number from is
 * compared with it to 1e-9 by tests/widgets/test_widgets_js_parity.py (run in Node or Chromium).
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
  function gruGateStep(r, z, nx, wHn, hPrev) {
    var n = Math.tanh(nx + r * (wHn * hPrev));
    return { n: n, h: (1 - z) * n + z * hPrev };
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

  // One LSTM step backwards: given dL/dh_t and dL/dc_t (the part not yet passed through h_t),
  // return dL/dh_{t-1} and dL/dc_{t-1}.
  function lstmStepBack(s, dh, dc, p) {
    var H = dh.length, da = new Array(4 * H), dcPrev = new Array(H);
    for (var k = 0; k < H; k++) {
      var dct = dc[k] + dh[k] * s.o[k] * (1 - s.tc[k] * s.tc[k]);   // total gradient on c_t
      da[k] = dct * s.g[k] * s.i[k] * (1 - s.i[k]);                 // input gate
      da[H + k] = dct * s.cPrev[k] * s.f[k] * (1 - s.f[k]);         // forget gate
      da[2 * H + k] = dct * s.i[k] * (1 - s.g[k] * s.g[k]);         // candidate
      da[3 * H + k] = dh[k] * s.tc[k] * s.o[k] * (1 - s.o[k]);      // output gate
      dcPrev[k] = dct * s.f[k];                                     // the conveyor belt
    }
    return { dh: matTVec(p.weight_hh, da), dc: dcPrev };
  }

  // Norms of dL/dh_t and dL/dc_t for an LSTM with dL/dh_T = dhT, dL/dc_T = dcT (beyond h_T),
  // for lags k = 0..T. Entry 0 of "c" is the total gradient on c_T (including the path via h_T).
  function lstmGradNorms(xs, p, h0, c0, dhT, dcT) {
    var steps = lstmSequence(xs, p, h0, c0), T = xs.length;
    var dh = dhT.slice(), dc = dcT.slice();
    var sT = steps[T - 1];
    var cTotal = dc.map(function (d, k) { return d + dh[k] * sT.o[k] * (1 - sT.tc[k] * sT.tc[k]); });
    var out = { h: [norm(dh)], c: [norm(cTotal)] };
    for (var t = T - 1; t >= 0; t--) {
      var back = lstmStepBack(steps[t], dh, dc, p);
      dh = back.dh; dc = back.dc;
      var cTot = dc;
      if (t > 0) {                    // add the path through h_{t-1} to see all of dL/dc_{t-1}
        var sp = steps[t - 1];
        cTot = dc.map(function (d, k) { return d + dh[k] * sp.o[k] * (1 - sp.tc[k] * sp.tc[k]); });
      }
      out.h.push(norm(dh)); out.c.push(norm(cTot));
    }
    return out;
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

  // ---- deterministic weights for the widgets ----------------------------------------------
  // A 32-bit xorshift generator: the same integers in JS and in lstmcourse/widgets/_rng.py, so the
  // Jupyter classes (and the tests) rebuild exactly the network the page shows.
  function rng(seed) {
    var s = (seed >>> 0) || 1;
    return function () {
      s ^= s << 13; s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5; s >>>= 0;
      return s / 4294967296;          // in [0, 1), exact in float64
    };
  }
  function uniform(next, lo, hi) { return lo + (hi - lo) * next(); }
  function uniformMatrix(next, rows, cols, lo, hi) {
    var W = [];
    for (var r = 0; r < rows; r++) {
      var row = [];
      for (var c = 0; c < cols; c++) row.push(uniform(next, lo, hi));
      W.push(row);
    }
    return W;
  }
  // FNV-1a hash of a string's UTF-16 code units: a seed per word for its embedding.
  function hashString(text) {
    var h = 2166136261;
    for (var k = 0; k < text.length; k++) {
      h ^= text.charCodeAt(k);
      h = Math.imul(h, 16777619) >>> 0;
    }
    return h >>> 0;
  }
  // A random orthogonal matrix (modified Gram-Schmidt on uniform rows): spectral radius exactly 1,
  // so scaling it by s gives a recurrent matrix whose spectral radius is s.
  function orthogonal(next, n) {
    var A = uniformMatrix(next, n, n, -1, 1), Q = [];
    for (var r = 0; r < n; r++) {
      var v = A[r].slice();
      for (var j = 0; j < r; j++) {
        var d = 0;
        for (var c = 0; c < n; c++) d += v[c] * Q[j][c];
        for (c = 0; c < n; c++) v[c] -= d * Q[j][c];
      }
      var len = norm(v);
      Q.push(v.map(function (x) { return x / len; }));
    }
    return Q;
  }

  // ---- the networks the widgets show (mirrored by lstmcourse/widgets/_nets.py) -------------
  var VANISH = { seed: 1997, H: 8, D: 4, maxT: 100 };
  // vanishing-gradient: an RNN with W_hh = scale*Q and an LSTM with each gate's W_hh = scale*Q_k
  // (Q, Q_k orthogonal), small input weights, inputs in [-1, 1], zero biases except the LSTM's
  // forget bias. The weights are drawn once, in this order, from one generator.
  function vanishingNet(scale, forgetBias) {
    var next = rng(VANISH.seed), H = VANISH.H, D = VANISH.D;
    var Q = orthogonal(next, H), Qs = [];
    for (var k = 0; k < 4; k++) Qs = Qs.concat(orthogonal(next, H));
    var rnnIh = uniformMatrix(next, H, D, -0.1, 0.1);
    var lstmIh = uniformMatrix(next, 4 * H, D, -0.1, 0.1);
    var xs = uniformMatrix(next, VANISH.maxT, D, -1, 1);
    var sc = function (W) { return W.map(function (row) { return row.map(function (v) { return scale * v; }); }); };
    var lstmBias = zeros(4 * H);
    for (k = H; k < 2 * H; k++) lstmBias[k] = forgetBias;
    return {
      xs: xs,
      rnn: { weight_ih: rnnIh, weight_hh: sc(Q), bias_ih: zeros(H), bias_hh: zeros(H) },
      lstm: { weight_ih: lstmIh, weight_hh: sc(Qs), bias_ih: lstmBias, bias_hh: zeros(4 * H) }
    };
  }
  // Gradient-norm ratios |dL/ds_{T-k}| / |dL/ds_T| for k = 0..T, with L = mean of h_T:
  // s = h for the RNN and s = c (the cell state) for the LSTM.
  // `net` may be passed in to skip rebuilding it (the widget caches it per scale and bias).
  function vanishingCurves(scale, forgetBias, T, net) {
    net = net || vanishingNet(scale, forgetBias);
    var H = VANISH.H, xs = net.xs.slice(0, T);
    var dhT = zeros(H).map(function () { return 1 / H; });
    var rnn = rnnGradNorms(xs, net.rnn, zeros(H), dhT);
    var lstm = lstmGradNorms(xs, net.lstm, zeros(H), zeros(H), dhT, zeros(H)).c;
    var ratio = function (a) { return a.map(function (v) { return v / a[0]; }); };
    return { rnn: ratio(rnn), lstm: ratio(lstm) };
  }

  var BIDIR = { seed: 1997 * 2, H: 3, D: 4 };
  // bidirectional: word vectors seeded by the word's hash, and two LSTMs drawn like torch's
  // init (uniform in +-1/sqrt(H)), forward direction first.
  function embedWord(word) {
    var next = rng(hashString(word.toLowerCase()));
    var v = [];
    for (var k = 0; k < BIDIR.D; k++) v.push(uniform(next, -1, 1));
    return v;
  }
  function bidirectionalNet() {
    var next = rng(BIDIR.seed), H = BIDIR.H, D = BIDIR.D, b = 1 / Math.sqrt(H);
    var one = function () {
      return {
        weight_ih: uniformMatrix(next, 4 * H, D, -b, b),
        weight_hh: uniformMatrix(next, 4 * H, H, -b, b),
        bias_ih: uniformMatrix(next, 1, 4 * H, -b, b)[0],
        bias_hh: uniformMatrix(next, 1, 4 * H, -b, b)[0]
      };
    };
    var fwd = one();
    return { fwd: fwd, bwd: one() };
  }
  function tokenize(sentence) {
    return sentence.split(/\s+/).filter(function (w) { return w.length > 0; });
  }

  var M = {
    sigmoid: sigmoid, tanh: tanh, sigmoidGrad: sigmoidGrad, tanhGrad: tanhGrad,
    matVec: matVec, matTVec: matTVec, norm: norm, zeros: zeros,
    rnnCell: rnnCell, lstmCell: lstmCell, gruCell: gruCell,
    gateStep: gateStep, gruGateStep: gruGateStep,
    lstmSequence: lstmSequence, rnnGradNorms: rnnGradNorms, lstmGradNorms: lstmGradNorms,
    conveyor: conveyor, scalarRnnGrad: scalarRnnGrad, bidirectionalLstm: bidirectionalLstm,
    rng: rng, uniformMatrix: uniformMatrix, hashString: hashString, orthogonal: orthogonal,
    VANISH: VANISH, vanishingNet: vanishingNet, vanishingCurves: vanishingCurves,
    BIDIR: BIDIR, embedWord: embedWord, bidirectionalNet: bidirectionalNet, tokenize: tokenize
  };
  root.LSTMCourseMath = M;
  if (typeof module === "object" && module && module.exports) module.exports = M;
})(typeof globalThis !== "undefined" ? globalThis : this);
