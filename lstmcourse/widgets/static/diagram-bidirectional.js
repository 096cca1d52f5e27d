/*
 * diagram-bidirectional: the "bidirectional" diagram of cell-diagrams.js as a figure of its own (no controls), for the
 * top of a chapter: ```{widget} diagram-bidirectional```.
 */
(function (root) {
  "use strict";
  root.LSTMCourseUI.register("diagram-bidirectional", function render(ctx) {
    root.LSTMCourseDiagrams.figure(ctx, "bidirectional");
  });
})(typeof globalThis !== "undefined" ? globalThis : this);
