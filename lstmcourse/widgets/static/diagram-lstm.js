/*
 * diagram-lstm: the "lstm" diagram of cell-diagrams.js as a figure of its own (no controls), for the
 * top of a chapter: ```{widget} diagram-lstm```.
 */
(function (root) {
  "use strict";
  root.LSTMCourseUI.register("diagram-lstm", function render(ctx) {
    root.LSTMCourseDiagrams.figure(ctx, "lstm");
  });
})(typeof globalThis !== "undefined" ? globalThis : this);
