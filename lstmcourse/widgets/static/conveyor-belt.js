/*
 * conveyor-belt (chapter 3): the cell state rides c_t = f c_{t-1} + i g. With nothing written
 * (i g = 0) and a constant forget value f, the memory after t steps is c_t = f^t c_0 and the
 * gradient along the belt is dc_T/dc_0 = f^T: the product of the forget values, chapter 3's
 * eq. ch3-product. Beside it, a one-unit plain RNN h_t = tanh(w h_{t-1}) at rest (h = 0, where
 * tanh' = 1) has dh_T/dh_0 = w^T: it fades for w < 1 and explodes for w > 1.
 * The log plot's range follows the curves, so what the readouts say is always on the plot.
 */
(function (root) {
  "use strict";
  var M = root.LSTMCourseMath, U = root.LSTMCourseUI;

  U.register("conveyor-belt", function render(ctx) {
    var w = U.mount(ctx, "conveyor-belt",
      "Only the forget gate touches what rides on the belt, so the memory and its gradient " +
      "both shrink by f per step and never grow. The plain RNN multiplies by w (times tanh′ ≤ 1) " +
      "instead: below 1 it fades, above 1 it explodes.");
    var pic = U.logPlot("memory and gradient along the cell state against the plain RNN's " +
      "gradient, log scale", "step t");
    w.onChange(function () {
      var f = w.value("f"), T = w.value("steps"), wr = w.value("w");
      var belt = M.conveyor(f, T, 1.0), gs = [];
      for (var t = 0; t <= T; t++) gs.push(M.scalarRnnGrad(wr, t, 0.0));
      w.report({ c_T: belt.c[T], dcT_dc0: belt.dcT_dc0, dhT_dh0: gs[T] });
      pic.draw([
        { label: "cell state c_t / c_0 = dc_t/dc_0 = f^t", cls: "lw-c1", ys: belt.c },
        { label: "plain RNN dh_t/dh_0 = w^t", cls: "lw-c2", dash: "6 4", ys: gs }
      ]);
    });
    w.show(pic.node);
  });
})(typeof globalThis !== "undefined" ? globalThis : this);
