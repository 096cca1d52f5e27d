/*
 * widget-boot.js: the static book's host. For every <div data-widget="NAME"> on the page it makes
 * an in-page model (anywidget's get / set / on / off / save_changes, no kernel behind it) filled
 * with the widget's defaults from the registry and calls the widget's render({model, el}).
 * The widget sets its outputs on the same model (model.set), as it does in Jupyter, so
 * el.lstmModel.get(NAME) reads inputs and outputs alike.
 * Loaded as a classic script after the registry, lstm-math.js, widget-ui.js and the widgets.
 */
(function (root) {
  "use strict";

  function makeModel(initial) {
    var state = {}, listeners = {};
    Object.keys(initial).forEach(function (k) { state[k] = initial[k]; });
    return {
      get: function (name) { return state[name]; },
      set: function (name, value) {
        if (state[name] === value) return;
        state[name] = value;
        (listeners["change:" + name] || []).slice().forEach(function (cb) { cb(); });
      },
      on: function (event, cb) { (listeners[event] = listeners[event] || []).push(cb); },
      off: function (event, cb) {
        if (!event) { listeners = {}; return; }
        listeners[event] = (listeners[event] || []).filter(function (f) { return cb && f !== cb; });
      },
      save_changes: function () {}     // nothing to sync with in a static page
    };
  }

  function mountAll() {
    var nodes = document.querySelectorAll("[data-widget]");
    Array.prototype.forEach.call(nodes, function (el) {
      if (el.getAttribute("data-mounted") === "1") return;
      var name = el.getAttribute("data-widget");
      var widget = (root.LSTMCourseWidgets || {})[name];
      if (!widget) {
        el.textContent = "Unknown widget: " + name;
        console.error("lstmcourse widgets: no widget named " + JSON.stringify(name));
        return;
      }
      var model = makeModel(widget.defaults);
      widget.render({ model: model, el: el });
      el.setAttribute("data-mounted", "1");
      el.lstmModel = model;            // handy for debugging in the console
    });
  }

  root.LSTMCourseBoot = { makeModel: makeModel, mountAll: mountAll };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();
})(typeof globalThis !== "undefined" ? globalThis : this);
