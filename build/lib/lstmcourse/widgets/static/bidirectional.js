/*
 * bidirectional (chapter 6): a sentence runs through a small bidirectional LSTM (H = 3; word
 * vectors of size 4 seeded by each word). At the time cursor t the forward pass has read words
 * 0..t, the backward pass words T-1..t, and the layer's output is [h_fwd_t ; h_bwd_t] with the
 * forward half first, as in torch.
 */
(function (root) {
  "use strict";
  var M = root.LSTMCourseMath, U = root.LSTMCourseUI;

  var MAX_WORDS = 24;
  var defaults = {
    sentence: "Although this person is very hardworking, he really has no achievements",
    t: 3
  };

  function vec(v) { return "[" + v.map(function (x) { return U.fmt(x, 4); }).join(", ") + "]"; }

  function render(ctx) {
    var model = ctx.model, el = ctx.el;
    U.frame(el, "bidirectional", "Reading both ways",
      "Move the cursor: blue words are what the forward pass has read, orange what the backward " +
      "pass has read. Only the concatenation has seen the whole sentence.");
    var net = M.bidirectionalNet();
    var panels = U.panels(), controls = panels.controls, outs = panels.outs;

    var textId = U.uid("sentence");
    var text = U.el("input", { type: "text", id: textId, "data-param": "sentence", class: "lw-text",
      maxlength: 400, "aria-label": "sentence (up to " + MAX_WORDS + " words)" });
    text.value = model.get("sentence");
    controls.appendChild(U.el("div", { class: "lw-row" }, [
      U.el("label", { for: textId, class: "lw-label" }, ["sentence"]), text]));
    var cursor = U.slider(model, { param: "t", label: "t (time cursor, word index)", min: 0,
      max: MAX_WORDS - 1, step: 1 }, update);
    controls.appendChild(cursor.row);

    var strip = U.el("div", { class: "lw-words", "aria-hidden": "true" });
    var ro = {
      fwd_read: U.readout("fwd_read", "forward pass has read"),
      bwd_read: U.readout("bwd_read", "backward pass has read"),
      h_fwd: U.readout("h_fwd", "h_fwd_t"),
      h_bwd: U.readout("h_bwd", "h_bwd_t"),
      out: U.readout("out", "output_t = [h_fwd_t ; h_bwd_t]")
    };
    Object.keys(ro).forEach(function (k) { outs.appendChild(ro[k].row); });

    var cache = { sentence: null, words: [], res: null };
    function update() {
      var sentence = String(model.get("sentence"));
      if (sentence !== cache.sentence) {
        var words = M.tokenize(sentence).slice(0, MAX_WORDS);
        cache = { sentence: sentence, words: words,
          res: words.length ? M.bidirectionalLstm(words.map(M.embedWord), net.fwd, net.bwd) : null };
        cursor.input.max = Math.max(words.length - 1, 0);
      }
      var words = cache.words, T = words.length;
      var t = Math.min(Math.max(Math.round(Number(model.get("t"))), 0), Math.max(T - 1, 0));
      if (Number(cursor.input.value) !== t) cursor.input.value = t;
      strip.textContent = "";
      words.forEach(function (w, k) {
        var cls = "lw-word" + (k <= t ? " lw-fwd" : "") + (k >= t ? " lw-bwd" : "") + (k === t ? " lw-at" : "");
        strip.appendChild(U.el("span", { class: cls }, [w]));
      });
      if (!T) {
        ["fwd_read", "bwd_read", "h_fwd", "h_bwd", "out"].forEach(function (k) { ro[k].set("(no words)"); });
        return;
      }
      ro.fwd_read.set(words.slice(0, t + 1).join(" "));
      ro.bwd_read.set(words.slice(t).reverse().join(" "));
      ro.h_fwd.set(vec(cache.res.fwd[t]));
      ro.h_bwd.set(vec(cache.res.bwd[t]));
      ro.out.set(vec(cache.res.out[t]));
    }
    text.addEventListener("input", function () {
      model.set("sentence", text.value);
      model.save_changes();
      update();
    });
    model.on("change:sentence", function () {
      if (text.value !== model.get("sentence")) { text.value = model.get("sentence"); update(); }
    });

    U.assemble(el, panels, strip, update);
  }

  root.LSTMCourseWidgets.bidirectional = { defaults: defaults, render: render };
})(typeof globalThis !== "undefined" ? globalThis : this);
