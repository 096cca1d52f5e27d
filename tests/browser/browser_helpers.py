"""Helpers for the browser tests: Debian's Chromium, a local HTTP server, a network guard, the
book's pages and widgets, and the expected widget numbers computed with lstmcourse.numpy.

Never ``playwright install``: the browser is /usr/bin/chromium (``make chromium`` installs it).
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import yaml

from lstmcourse import numpy as ln
from lstmcourse.widgets.registry import WIDGETS, get
from lstmcourse.widgets.widget_data import vanishing_gradient_net

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]

#: Which chapter page holds which widget: read from the widget registry, never typed here.
WIDGET_PAGES = {name: get(name).page + ".html" for name in WIDGETS}

#: The two screens every page must fit: a phone (iPhone 12-15 class) and a laptop.
SCREENS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 900}}


def book_pages(site_dir: Path) -> list[str]:
    """Every HTML page of the build (relative paths), theme and notebook sources left out."""
    return sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html")
                  if "_static" not in p.parts and "_sources" not in p.parts)


def toc_pages(part: int | None = None) -> list[str]:
    """The pages of ``_toc.yml`` in reading order, as ``book/NN-name.html``: the root page and
    every part's chapters, or only those of part number ``part`` (0: the course)."""
    toc = yaml.safe_load((Path(__file__).resolve().parents[2] / "_toc.yml").read_text())
    parts = toc["parts"] if part is None else [toc["parts"][part]]
    docs = [toc["root"]] + [c["file"] for p in parts for c in p["chapters"]]
    return [f"{doc}.html" for doc in docs]


#: Wait until the page is what a reader sees: MathJax has typeset, the web fonts are in, and
#: every widget on the page has mounted (or 10 s have passed: the checks then say which did not).
SETTLE = """async () => {
  const mj = window.MathJax && window.MathJax.startup && window.MathJax.startup.promise;
  if (mj) await mj;
  await document.fonts.ready;
  const t0 = performance.now();
  while (document.querySelector("[data-widget]:not([data-mounted='1'])")
         && performance.now() - t0 < 10000) {
    await new Promise((r) => setTimeout(r, 50));
  }
}"""


def settle(page) -> None:
    """Run SETTLE; a page that redirects (index.html's meta refresh) is settled where it lands."""
    from playwright.sync_api import Error  # noqa: PLC0415 (playwright loads with the browser)

    for _attempt in range(3):
        try:
            page.evaluate(SETTLE)
            return
        except Error as exc:
            if "context was destroyed" not in str(exc):
                raise
            page.wait_for_load_state("load")
    page.evaluate(SETTLE)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib's name)
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on http://127.0.0.1:<free port>/ from a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class PageWatch:
    """Routes every request of a page: local ones continue, anything else is aborted and recorded.

    Also records console messages of level error or warning, and uncaught page errors (the
    book's console must stay clean: a warning is a bug report nobody reads).
    """

    def __init__(self, page, base_url: str) -> None:
        self.base_url = base_url
        self.blocked: list[str] = []
        self.errors: list[str] = []
        page.route("**/*", self._route)
        page.on("console", self._console)
        page.on("pageerror", self._page_error)

    def is_local(self, url: str) -> bool:
        if url.startswith(("data:", "blob:", "about:")):
            return True
        if self.base_url.startswith("file://"):
            return url.startswith("file://")
        return url.startswith(self.base_url)

    def _route(self, route) -> None:
        url = route.request.url
        if self.is_local(url):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _page_error(self, exc) -> None:
        self.errors.append(f"pageerror: {exc.message} {exc.stack}")

    def _console(self, msg) -> None:
        if msg.type in ("error", "warning"):
            loc = msg.location or {}
            self.errors.append(f"console.{msg.type}: {msg.text} ({loc.get('url', '')})")


def read_number(text: str) -> float:
    return float(text.strip())


def assert_readout(text: str, expected: float, what: str) -> None:
    """A readout shows >= 3 decimals; compare it with ``expected`` to its printed precision."""
    text = text.strip()
    mantissa = text.split("e")[0]
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    assert decimals >= 3, f"{what}: {text!r} shows fewer than 3 decimals"
    got = float(text)
    step = 0.51 * 10.0**-decimals          # half a unit in the last printed place, and a hair
    bound = step * abs(expected) if "e" in text else step + 1e-12
    assert abs(got - expected) <= bound, (what, text, expected)


def _logit(p: float) -> float:
    with np.errstate(divide="ignore"):
        return float(np.log(p) - np.log1p(-p))


# ---- expected readouts, from lstmcourse.numpy -------------------------------------------------

def expected_gate_playground(f: float, i: float, g: float, o: float, c_prev: float) -> dict:
    """lstm_cell with pre-activations set so its gates are exactly f, i, g, o (x = 1, W_hh = 0)."""
    g_pre = np.arctanh(np.clip(g, -1 + 1e-16, 1 - 1e-16))   # g = +-1 stays finite
    p = {"weight_ih": np.array([[_logit(i)], [_logit(f)], [g_pre], [_logit(o)]]),
         "weight_hh": np.zeros((4, 1)), "bias_ih": np.zeros(4), "bias_hh": np.zeros(4)}
    h, c, cache = ln.lstm_cell(np.ones((1, 1)), np.zeros((1, 1)), np.array([[c_prev]]), p)
    return {"c": c[0, 0], "h": h[0, 0], "keep": cache["f"][0, 0] * c_prev,
            "write": cache["i"][0, 0] * cache["g"][0, 0]}


def expected_activations(x: float) -> dict:
    a = np.array(x)
    return {"sigmoid": float(ln.sigmoid(a)), "tanh": float(ln.tanh(a)),
            "sigmoid_grad": float(ln.sigmoid_grad(a)), "tanh_grad": float(ln.tanh_grad(a))}


def expected_gru_gates(r: float, z: float, n_x: float, w_hn: float, h_prev: float) -> dict:
    p = {"weight_ih": np.array([[_logit(r)], [_logit(z)], [n_x]]),
         "weight_hh": np.array([[0.0], [0.0], [w_hn]]), "bias_ih": np.zeros(3),
         "bias_hh": np.zeros(3)}
    h, cache = ln.gru_cell(np.ones((1, 1)), np.array([[h_prev]]), p)
    return {"n": cache["n"][0, 0], "h": h[0, 0]}


def expected_conveyor_belt(f: float, steps: int, w: float) -> dict:
    x = np.zeros((steps, 1, 1))
    p = {"weight_ih": np.zeros((4, 1)), "weight_hh": np.zeros((4, 1)),
         "bias_ih": np.array([-50.0, _logit(f), 0.0, 0.0]), "bias_hh": np.zeros(4)}
    _, (_, c_n), cache = ln.lstm(x, p, c0=np.ones((1, 1)))
    _, _, dc0, _ = ln.lstm_backward(np.zeros_like(x), cache, dc_n=np.ones((1, 1)))
    q = {"weight_ih": np.zeros((1, 1)), "weight_hh": np.array([[w]]), "bias_ih": np.zeros(1),
         "bias_hh": np.zeros(1)}
    _, _, rcache = ln.rnn(x, q)
    _, dh0, _ = ln.rnn_backward(np.zeros_like(x), rcache, dh_n=np.ones((1, 1)))
    return {"c_T": c_n[0, 0], "dcT_dc0": dc0[0, 0], "dhT_dh0": dh0[0, 0]}


def expected_vanishing_gradient(scale: float, length: int, forget_bias: float) -> dict:
    """The readouts at lag T - 1 (the registry's network, widget_data.vanishing_gradient_net):
    |dL/dh_1| / |dL/dh_T| of the RNN with W_hh = scale * Q, by rnn_backward over steps 2..T, and
    the LSTM cell path |w * f_T * ... * f_2| / |w| with forget-gate bias ``forget_bias``."""
    net, T = vanishing_gradient_net(), length
    xs, w = np.array(net["xs"][:T])[:, None], np.array(net["w"])[None]
    H = w.shape[1]
    p = {"weight_ih": np.array(net["rnn_ih"]), "weight_hh": scale * np.array(net["Q"]),
         "bias_ih": np.zeros(H), "bias_hh": np.zeros(H)}
    out, _, _ = ln.rnn(xs, p)
    _, _, cache = ln.rnn(xs[1:], p, h0=out[0])              # from h_1 on, through steps 2..T
    _, dh_1, _ = ln.rnn_backward(np.zeros((T - 1, 1, H)), cache, dh_n=w)
    q = {"weight_ih": np.array(net["lstm_ih"]), "weight_hh": np.array(net["lstm_hh"]),
         "bias_ih": np.r_[np.zeros(H), np.full(H, forget_bias), np.zeros(2 * H)],
         "bias_hh": np.zeros(4 * H)}
    _, _, lcache = ln.lstm(xs, q)
    path = np.prod(lcache["f"][1:, 0], axis=0)               # f_2 * ... * f_T, per unit
    return {"rnn_ratio": np.linalg.norm(dh_1) / np.linalg.norm(w),
            "lstm_ratio": np.linalg.norm(w * path) / np.linalg.norm(w)}


def expected_bidirectional(sentence: str, t: int) -> dict:
    """What the bidirectional widget shows for ``sentence`` with the cursor on word ``t``: the
    words it keeps (lower case, in the models' vocabulary, at most the trained length), what each
    pass has read, and P(positive) at word t of the trained BiLSTM and forward LSTM (the registry's
    data, run through lstmcourse.numpy)."""
    data = get("bidirectional").data()
    tokens = [w for w in re.split(r"[^a-z']+", sentence.lower()) if w]
    words = [w for w in tokens if w in data["vocab"]][: data["length"]]
    ids = [data["vocab"].index(w) for w in words]

    def p_positive(model: dict, bidirectional: bool) -> float:
        arr = {k: {n: np.array(v) for n, v in model[k].items()} for k in ("fwd", "bwd", "head")
               if k in model}
        x = np.array(model["embed"])[ids][:, None, :]
        if bidirectional:
            out, _, _ = ln.bidirectional(ln.lstm, x, arr["fwd"], arr["bwd"])
        else:
            out, _, _ = ln.lstm(x, arr["fwd"])
        z = arr["head"]["weight"] @ out[t, 0] + arr["head"]["bias"]
        e = np.exp(z - z.max())
        return float(e[1] / e.sum())

    return {"words": words, "fwd_read": " ".join(words[: t + 1]),
            "bwd_read": " ".join(reversed(words[t:])),
            "p_bi": p_positive(data["models"]["bilstm"], True),
            "p_fwd": p_positive(data["models"]["lstm"], False)}
