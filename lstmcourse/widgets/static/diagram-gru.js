/*
 * diagram-gru: the "gru" diagram of cell-diagrams.js as a figure of its own (no controls), for the
 * top of a chapter: ```{widget} diagram-gru```.
 */
(function (root) {
  "use strict";
  root.LSTMCourseUI.register("diagram-gru", function render(ctx) {
    root.LSTMCourseDiagrams.figure(ctx, "gru");
  });
})(typeof globalThis !== "undefined" ? globalThis : this);
