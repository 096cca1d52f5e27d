/* The course's small page helpers (registered in _config.yml; no network, no dependencies).
 *
 * 1. A second skip link, "Skip to the interactive figure", on every page with a widget: the
 *    theme's first skip link jumps to the text, this one to the first control (slider) of the
 *    first widget that has one. A keyboard reader gets there in three presses (Tab, Tab,
 *    Enter) instead of tabbing through the navigation and every link above the widget.
 * 2. Formulas that are wider than their column (on a phone) scroll inside their box. Such a box
 *    gets data-lc-scrolls (course.css draws a shadow at its edges) and becomes a tab stop, so
 *    a keyboard can scroll it; every other formula stays out of the tab order (mathjax3_config
 *    in _config.yml), as the theme does for code blocks that fit.
 */
(function () {
  "use strict";

  const CONTROLS = "input, select, textarea, button";

  // The first widget the reader can drive (a page may also show widgets with no control, such
  // as a live diagram), and its first control. Looked up on use: widgets mount after load.
  function firstControl() {
    for (const widget of document.querySelectorAll("[data-widget]")) {
      const control = widget.querySelector(CONTROLS);
      if (control) return control;
    }
    return null;
  }

  function addFigureSkipLink() {
    const widget = document.querySelector("[data-widget]");
    const first = document.getElementById("pst-skip-link");
    if (!widget || !first || document.querySelector(".lc-skip-figure")) return;
    if (!widget.id) widget.id = "lc-first-widget";
    const box = document.createElement("div");
    box.className = "skip-link d-print-none lc-skip-figure";
    const link = document.createElement("a");
    link.href = "#" + widget.id;
    link.textContent = "Skip to the interactive figure";
    link.addEventListener("click", (event) => {
      // A fragment link only scrolls; the reader wants to be *on* the first control.
      const control = firstControl();
      if (!control) return;                 // nothing mounted yet: let the link scroll there
      event.preventDefault();
      control.scrollIntoView({block: "center"});
      control.focus({preventScroll: true});
    });
    box.appendChild(link);
    first.after(box);
  }

  // Does this formula box hold more than it shows? Display equations: the theme's box already
  // scrolls. Inline formulas: the theme's span.math clips, so one wider than the column gets
  // data-lc-scrolls and scrolls instead (course.css). An inline box is measured on its typeset
  // formula, mjx-math: the box's own scrollWidth also counts the hidden MathML copy.
  function mark(box) {
    let scrolls;
    if (box.tagName === "SPAN") {
      const math = box.querySelector("mjx-math");
      if (!math) return;
      scrolls = math.getBoundingClientRect().width > box.clientWidth + 1;
    } else {
      scrolls = box.scrollWidth > box.clientWidth + 1;
    }
    box.toggleAttribute("data-lc-scrolls", scrolls);
    if (scrolls) box.setAttribute("tabindex", "0");
    else if (box.tagName === "SPAN") box.removeAttribute("tabindex");
    else box.setAttribute("tabindex", "-1");        // what MathJax sets with inTabOrder: false
  }

  // Measure each formula box now and whenever its size changes: a window resize, or a closed
  // dropdown (where a formula has no size at all) opening.
  function watchFormulas() {
    const boxes = document.querySelectorAll('div.math mjx-container[display="true"], span.math');
    const observer = new ResizeObserver((entries) => entries.forEach((e) => mark(e.target)));
    boxes.forEach((box) => {
      mark(box);
      observer.observe(box);
    });
  }

  function whenTypeset(callback) {
    const startup = window.MathJax && window.MathJax.startup;
    if (startup && startup.promise) startup.promise.then(callback);
  }

  function start() {
    addFigureSkipLink();
    whenTypeset(watchFormulas);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
