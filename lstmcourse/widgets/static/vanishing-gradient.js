/*
 * vanishing-gradient (chapter 1): the chapter's measurement, live. A tanh RNN with
 * W_hh = rho * Q (Q orthogonal, so every singular value is rho), zero biases and inputs of size
 * 1e-4 (tanh's linear regime) reads T steps; the loss reads h_T. The plot shows, on a log scale,
 *   RNN:  |dL/dh_{T-k}| / |dL/dh_T|    (the product of k Jacobians, eq. ch1-bptt)
 * and, for comparison, the LSTM's cell path from chapter 3: the product of k forget gates, each
 * sigma(b_f) here. The readouts are the values at lag T - 1, the number chapter 1 prints.
 */
(function (root) {
  "use strict";
  var M = root.LSTMCourseMath, U = root.LSTMCourseUI;

  U.register("vanishing-gradient", function render(ctx) {
    var w = U.mount(ctx, "vanishing-gradient",
      "At ρ = 1 the RNN's product of Jacobians neither grows nor shrinks (the knife edge of " +
      "chapter 1); move ρ a little and it vanishes or explodes exponentially in the lag. The " +
      "LSTM's cell path multiplies forget gates f = σ(b_f) < 1 instead: it shrinks as f^k, " +
      "slowly when b_f is large, and it can never explode (chapter 3).");
    var pic = U.logPlot("gradient ratio against lag for the RNN and the LSTM's cell path, log scale",
      "lag T − t");
    var net = w.spec.data;
    w.onChange(function () {
      var T = w.value("length"), b = w.value("forget_bias");
      var curves = M.vanishingCurves(net, w.value("scale"), b, T);
      w.report({ rnn_ratio: curves.rnn[T - 1], lstm_ratio: curves.lstm[T - 1] });
      pic.draw([
        { label: "RNN |dL/dh_t| / |dL/dh_T|", cls: "lw-c2", ys: curves.rnn },
        { label: "LSTM cell path ∏ f_s, f = σ(" + b.toFixed(1) + ") = " + M.sigmoid(b).toFixed(3),
          cls: "lw-c1", dash: "6 4", ys: curves.lstm }
      ]);
    });
    w.show(pic.node);
  });
})(typeof globalThis !== "undefined" ? globalThis : this);
