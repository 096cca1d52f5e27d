/*
 * diagram-rnn: the "rnn" diagram of cell-diagrams.js as a figure of its own (no controls), for the
 * top of a chapter: ```{widget} diagram-rnn```.
 */
(function (root) {
  "use strict";
  root.LSTMCourseUI.register("diagram-rnn", function render(ctx) {
    root.LSTMCourseDiagrams.figure(ctx, "rnn");
  });
})(typeof globalThis !== "undefined" ? globalThis : this);
