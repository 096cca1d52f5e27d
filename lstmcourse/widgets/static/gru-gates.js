/*
 * gru-gates (chapter 5): one GRU unit with its gates set by hand, PyTorch's formula:
 *   n = tanh(W_in x + b_in + r * (W_hn h_prev + b_hn))      h = (1 - z) * n + z * h_prev
 * Here W_in x + b_in is one number (n_x) and b_hn = 0, so n = tanh(n_x + r * w_hn * h_prev).
 * The face is the GRU cell diagram (cell-diagrams.js): every wire is as thick as the value it
 * carries, coloured by its sign, and shows that value; r and z fill as they open.
 * Sliders, labels and defaults come from the registry (registry.py); the math from lstm-math.js.
 */
(function (root) {
  "use strict";
  var M = root.LSTMCourseMath, U = root.LSTMCourseUI, D = root.LSTMCourseDiagrams;

  U.register("gru-gates", function render(ctx) {
    var w = U.mount(ctx, "gru-gates",
      "r decides how much of the old state enters the candidate; z decides how much of the old " +
      "state is kept (z) against the candidate (1 − z). Follow the numbers on the cell.");
    w.el.classList.add("cd-host");
    var face = D.draw("gru", { doc: w.el.ownerDocument, live: true });
    w.onChange(function () {
      var r = w.value("r"), z = w.value("z"), hPrev = w.value("h_prev");
      var s = M.gruGateStep(r, z, w.value("n_x"), w.value("w_hn"), hPrev);
      w.report({ n: s.n, keep: s.keep, write: s.write, h: s.h });
      face.set({ r: r, z: z, h_prev: hPrev, rh: s.rh, n: s.n, keep: s.keep, zc: s.zc,
        write: s.write, h: s.h });
    });
    w.show(face.node);
  });
})(typeof globalThis !== "undefined" ? globalThis : this);
