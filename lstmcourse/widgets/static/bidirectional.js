/*
 * bidirectional (chapter 6): two small trained readers (lstmcourse/experiments/widget_models.py)
 * label every word of a review with the verdict they would give so far: a forward LSTM, and a
 * BiLSTM whose output at t is [h_fwd_t ; h_bwd_t] (forward half first, as in torch). They were
 * trained on chapter 6's task, where the deciding word comes late, after "but". At the cursor t
 * the forward pass has read words 0..t, the backward pass words T-1..t.
 */
(function (root) {
  "use strict";
  var M = root.LSTMCourseMath, U = root.LSTMCourseUI;

  U.register("bidirectional", function render(ctx) {
    var w, data = root.LSTMCourseRegistry.bidirectional.data, vocab = data.vocab;
    var maxWords = data.length;
    w = U.mount(ctx, "bidirectional",
      "Two trained readers give P(positive) after every word. Move the cursor: blue words are " +
      "what the forward pass has read, orange what the backward pass has read. Both were " +
      "trained on reviews whose verdict is the word right after “but”, late in the review. They know " +
      vocab.length + " words: " + vocab.join(", ") + ".");
    var strip = U.el("div", { class: "lw-words", "aria-hidden": "true" });
    var pic = U.canvas("P(positive) at every word for the BiLSTM and the forward LSTM", 200, paint);
    var cache = { sentence: null };

    function read(sentence) {
      var all = M.tokenize(sentence), unknown = [], words = [];
      all.forEach(function (t) { if (vocab.indexOf(t) < 0) unknown.push(t); else words.push(t); });
      var notes = [];
      if (unknown.length) notes.push("left out, not among the models' words: " + unknown.join(", "));
      if (words.length > maxWords) {
        notes.push("cut to the first " + maxWords + " words, the length of the reviews the " +
          "models were trained on (" + (words.length - maxWords) + " left out)");
        words = words.slice(0, maxWords);
      }
      var ids = words.map(function (t) { return vocab.indexOf(t); });
      var p = function (m) { return M.perStepClassifier(m, ids).probs.map(function (q) { return q[1]; }); };
      return { sentence: sentence, words: words, note: notes.length ? notes.join("; ") : "none",
        bi: words.length ? p(data.models.bilstm) : [], fwd: words.length ? p(data.models.lstm) : [] };
    }

    function paint(node, W, Hh, d) {
      var s = U.svg, X0 = 36, Y1 = Hh - 24, n = Math.max(d.words.length, 2);
      var sx = U.scale(0, n - 1, X0, W - 10), sy = U.scale(0, 1, Y1, 8);
      [0, 0.5, 1].forEach(function (y) {
        node.appendChild(s("line", { x1: X0, x2: W - 10, y1: sy(y), y2: sy(y), class: "lw-grid" }));
        node.appendChild(s("text", { x: X0 - 5, y: sy(y) + 4, class: "lw-tick", "text-anchor": "end" }, [String(y)]));
      });
      node.appendChild(s("text", { x: (X0 + W) / 2, y: Y1 + 16, class: "lw-tick", "text-anchor": "middle" },
        ["word t"]));
      if (!d.words.length) return;
      node.appendChild(s("line", { x1: sx(d.t), x2: sx(d.t), y1: 8, y2: Y1, class: "lw-cursor" }));
      [["bi", "lw-c1", ""], ["fwd", "lw-c2", "6 4"]].forEach(function (c) {
        var ys = d[c[0]];
        node.appendChild(s("polyline", { points: U.points(ys.map(function (_, k) { return sx(k); }), ys.map(sy)),
          class: "lw-curve " + c[1], "stroke-dasharray": c[2] }));
        node.appendChild(s("circle", { r: 4, cx: sx(d.t), cy: sy(ys[d.t]), class: "lw-dot " + c[1] }));
      });
    }

    w.onChange(function () {
      var sentence = w.value("sentence");
      if (sentence !== cache.sentence) {
        cache = read(sentence);
        w.inputs.t.max = Math.max(cache.words.length - 1, 0);
      }
      var words = cache.words, T = words.length;
      var t = Math.min(Math.max(w.value("t"), 0), Math.max(T - 1, 0));
      if (Number(w.inputs.t.value) !== t) w.inputs.t.value = t;
      U.clear(strip);
      words.forEach(function (word, k) {
        var cls = "lw-word" + (k <= t ? " lw-fwd" : "") + (k >= t ? " lw-bwd" : "") + (k === t ? " lw-at" : "");
        strip.appendChild(U.el("span", { class: cls }, [word]));
      });
      if (!T) {
        w.report({ words: [], note: cache.note, fwd_read: "(no words)", bwd_read: "(no words)",
          p_bi: null, p_fwd: null });
      } else {
        w.report({ words: words, note: cache.note, fwd_read: words.slice(0, t + 1).join(" "),
          bwd_read: words.slice(t).reverse().join(" "), p_bi: cache.bi[t], p_fwd: cache.fwd[t] });
      }
      pic.draw({ words: words, t: t, bi: cache.bi, fwd: cache.fwd });
    });
    w.show(strip, U.legend([{ label: "BiLSTM P(positive)", cls: "lw-c1" },
      { label: "forward LSTM P(positive)", cls: "lw-c2", dash: "6 4" }]), pic.node);
  });
})(typeof globalThis !== "undefined" ? globalThis : this);
