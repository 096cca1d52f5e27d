/*
 * diagram-model: the "model" diagram (chapter 7's classifier) of cell-diagrams.js as a figure of its own (no controls), for the
 * top of a chapter: ```{widget} diagram-model```.
 */
(function (root) {
  "use strict";
  root.LSTMCourseUI.register("diagram-model", function render(ctx) {
    root.LSTMCourseDiagrams.figure(ctx, "model");
  });
})(typeof globalThis !== "undefined" ? globalThis : this);
