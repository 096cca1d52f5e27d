"""Helpers for the browser tests: Debian's Chromium, a local HTTP server, a network guard, and the
expected widget numbers computed with lstmcourse.numpy.

Never ``playwright install``: the browser is /usr/bin/chromium (``make chromium`` installs it).
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from lstmcourse import numpy as ln
from lstmcourse.widgets import _nets

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]

#: Which chapter page holds which widget (the book's contract with the widgets).
WIDGET_PAGES = {
    "vanishing-gradient": "book/01-why-rnns-fail.html",
    "gate-playground": "book/02-gates.html",
    "conveyor-belt": "book/03-conveyor-belt.html",
    "activations": "book/04-tanh-vs-sigmoid.html",
    "gru-gates": "book/05-gru.html",
    "bidirectional": "book/06-bidirectional.html",
}


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

    Also records console errors and uncaught page errors.
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
        if msg.type == "error":
            loc = msg.location or {}
            self.errors.append(f"console.error: {msg.text} ({loc.get('url', '')})")


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
    net, H = _nets.vanishing_net(scale, forget_bias), _nets.VANISH_H
    x = net["xs"][:length, None, :]
    dh_T = np.full((1, H), 1.0 / H)
    zeros = np.zeros((length, 1, H))
    _, _, rc = ln.rnn(x, net["rnn"])
    _, dh0, _ = ln.rnn_backward(zeros, rc, dh_n=dh_T)
    _, (_, c_n), lc = ln.lstm(x, net["lstm"])
    _, _, dc0, _ = ln.lstm_backward(zeros, lc, dh_n=dh_T)
    dc_T = dh_T * lc["o"][-1] * ln.tanh_grad(c_n)
    return {"rnn_ratio": np.linalg.norm(dh0) / np.linalg.norm(dh_T),
            "lstm_ratio": np.linalg.norm(dc0) / np.linalg.norm(dc_T)}


def expected_bidirectional(sentence: str, t: int) -> dict:
    words = _nets.tokenize(sentence)
    net = _nets.bidirectional_net()
    x = np.stack([_nets.embed_word(w) for w in words])[:, None, :]
    out, _, _ = ln.bidirectional(ln.lstm, x, net["fwd"], net["bwd"])
    H = _nets.BIDIR_H
    return {"fwd_read": " ".join(words[: t + 1]), "bwd_read": " ".join(reversed(words[t:])),
            "h_fwd": out[t, 0, :H], "h_bwd": out[t, 0, H:], "out": out[t, 0]}
