// A minimal DOM for running the widgets' render() in Node: elements with attributes, children,
// text, listeners and a query by attribute; enough for widget-ui.js, nothing more.
"use strict";
function Node(tag) {
  this.tagName = tag; this.attrs = {}; this.children = []; this.parentNode = null;
  this.listeners = {}; this.value = ""; this.hidden = false; this.clientWidth = 0;
  var self = this;
  this.classList = { add: function (c) { self.setAttribute("class", ((self.attrs["class"] || "") + " " + c).trim()); } };
}
Node.prototype.setAttribute = function (k, v) { this.attrs[k] = String(v); };
Node.prototype.getAttribute = function (k) { return k in this.attrs ? this.attrs[k] : null; };
Node.prototype.appendChild = function (c) { c.parentNode = this; this.children.push(c); return c; };
Node.prototype.removeChild = function (c) { this.children.splice(this.children.indexOf(c), 1); return c; };
Object.defineProperty(Node.prototype, "firstChild", { get: function () { return this.children[0] || null; } });
Object.defineProperty(Node.prototype, "textContent", {
  get: function () { return this.text !== undefined ? this.text : this.children.map(function (c) { return c.textContent; }).join(""); },
  set: function (v) { this.children = []; this.text = undefined; if (v !== "") this.appendChild(makeText(v)); }
});
Node.prototype.addEventListener = function (ev, cb) { (this.listeners[ev] = this.listeners[ev] || []).push(cb); };
Node.prototype.dispatch = function (ev) { (this.listeners[ev] || []).forEach(function (cb) { cb(); }); };
Node.prototype.all = function (pred, out) {
  out = out || [];
  this.children.forEach(function (c) { if (pred(c)) out.push(c); c.all(pred, out); });
  return out;
};
function makeText(v) { var t = new Node("#text"); t.text = String(v); return t; }
globalThis.document = {
  createElement: function (tag) { return new Node(tag); },
  createElementNS: function (ns, tag) { return new Node(tag); },
  createTextNode: makeText
};
// anywidget's model: get / set / on / save_changes; records what the widget set.
globalThis.fakeModel = function (state) {
  var listeners = {}, sets = [], saves = 0;
  return {
    sets: sets, saves: function () { return saves; }, state: state,
    get: function (k) { return state[k]; },
    set: function (k, v) {
      sets.push(k); var changed = state[k] !== v; state[k] = v;
      if (changed) (listeners["change:" + k] || []).forEach(function (cb) { cb(); });
    },
    on: function (ev, cb) { (listeners[ev] = listeners[ev] || []).push(cb); },
    save_changes: function () { saves += 1; }
  };
};
globalThis.Node = Node;
