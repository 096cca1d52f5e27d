"""Write the five source notebooks ``source/<assignment>/<assignment>.ipynb`` (no outputs).

The notebooks are committed; this script is how they are edited: change the text here, run
``python assignments/make_sources.py`` from the repository root, commit both. Cell helpers set the
nbgrader metadata the same way everywhere: locked set-up and test cells with readable grade ids and
explicit points, solution regions inside function bodies under full docstrings, hidden tests at
the end of a test cell.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

RULES = """\
**Rules.** Write your code between the lines the notebook marks for you and keep every function's
name and arguments. Use NumPy and anything in Python's standard library; do not import or call the
course package `lstmcourse` in your code (a function that does gets no points for its tests). Add
cells, helpers, `%timeit` or `?` as you like. Run the checks as you go (*Kernel → Restart & Run
All* before you submit). A test cell prints nothing when it passes; when it fails, its message
says what is wrong.

**How this is graded.** The grader runs your notebook in a sandbox, calls your functions on inputs
you have not seen (including the defaults of optional arguments), and compares the values they
return with the reference outside the sandbox. Only those values count, not what a cell prints,
and one function's bug costs that function's tests only."""


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool,
          points: float | None = None) -> dict:
    nb = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
          "solution": solution, "task": False}
    if points is not None:
        nb["points"] = points
    meta = {"nbgrader": nb}
    if locked:
        meta.update(deletable=False, editable=False)
    return meta


def md(text: str):
    return new_markdown_cell(text.strip("\n"))


def setup(grade_id: str, source: str):
    """A locked code cell the student runs but cannot change (imports, the checks)."""
    return new_code_cell(source.strip("\n"), metadata=_meta(grade_id, grade=False,
                                                            solution=False, locked=True))


def solution(grade_id: str, source: str):
    """An editable code cell; ``### BEGIN/END SOLUTION`` regions become stubs in the release."""
    return new_code_cell(source.strip("\n"), metadata=_meta(grade_id, grade=False,
                                                            solution=True, locked=False))


def tests(grade_id: str, points: float, source: str):
    """A locked, autograded test cell: one-line docstring, then check calls."""
    return new_code_cell(source.strip("\n"), metadata=_meta(grade_id, grade=True,
                                                            solution=False, locked=True,
                                                            points=points))


def written(grade_id: str, points: float, answer: str):
    """A manually graded markdown answer."""
    text = f"### BEGIN SOLUTION\n{answer.strip()}\n### END SOLUTION"
    return new_markdown_cell(text, metadata=_meta(grade_id, grade=True, solution=True,
                                                  locked=False, points=points))


def scratch(source: str):
    """An ordinary cell for the student to try things (not graded)."""
    return new_code_cell(source.strip("\n"))


def notebook(cells: list) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python",
                                 "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def write(name: str, cells: list) -> Path:
    path = HERE / "source" / name / f"{name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = notebook(cells)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return path


# ------------------------------------------------------------------------------------ a1_rnn
def a1_rnn() -> list:
    return [
        md(f"""
# Assignment 1: a recurrent cell, forwards and backwards

You will write one step of a plain (Elman) RNN and its backward pass, then use them to watch
gradients shrink or grow as they travel back through time (chapter 1 of the book).

{RULES}

Shapes: B batch, D input features, H hidden units. Parameters follow PyTorch: `weight_ih` (H, D),
`weight_hh` (H, H), `bias_ih` (H,), `bias_hh` (H,)."""),
        setup("a1_setup", """
import numpy as np

from lstmcourse.grading import a1_rnn as check"""),
        md(r"""
## 1. One step

$$h = \phi(W_{ih} x + b_{ih} + W_{hh} h_{prev} + b_{hh}),\qquad \phi = \tanh \text{ or relu}$$

The rows of `x` are the examples of a batch, so in NumPy the product $W_{ih}x$ is `x @ W_ih.T`."""),
        solution("rnn_cell", '''
def rnn_cell(x, h_prev, params, nonlinearity="tanh"):
    """One RNN step.

    Args:
        x: input, shape (B, D).
        h_prev: previous hidden state, shape (B, H).
        params: dict with weight_ih (H, D), weight_hh (H, H), bias_ih (H,), bias_hh (H,).
        nonlinearity: "tanh" or "relu".

    Returns:
        (h, cache): the new hidden state (B, H) and what your backward pass needs. If cache is
        the dict {"x", "h_prev", "h", "params", "nonlinearity"} (as suggested), your
        rnn_cell_backward is graded on its own, even if rnn_cell has a bug.
    """
    ### BEGIN SOLUTION
    a = x @ params["weight_ih"].T + params["bias_ih"] + h_prev @ params["weight_hh"].T
    a = a + params["bias_hh"]
    h = np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0.0)
    cache = {"x": x, "h_prev": h_prev, "h": h, "params": params, "nonlinearity": nonlinearity}
    return h, cache
    ### END SOLUTION'''),
        scratch("""
# Try it: the shapes should be (2, 4).
rng = np.random.default_rng(0)
p = {"weight_ih": rng.normal(size=(4, 3)), "weight_hh": rng.normal(size=(4, 4)),
     "bias_ih": np.zeros(4), "bias_hh": np.zeros(4)}
h, _ = rnn_cell(rng.normal(size=(2, 3)), np.zeros((2, 4)), p)
print(h.shape)"""),
        tests("test_rnn_cell_tanh", 3, '''
"""rnn_cell with tanh matches the reference on fixed and random cases."""
check.rnn_cell(rnn_cell)
### BEGIN HIDDEN TESTS
check.rnn_cell(rnn_cell, seed=101, n_random=6)
### END HIDDEN TESTS'''),
        tests("test_rnn_cell_relu", 1, '''
"""rnn_cell with nonlinearity="relu" matches the reference."""
check.rnn_cell(rnn_cell, nonlinearity="relu")
### BEGIN HIDDEN TESTS
check.rnn_cell(rnn_cell, seed=102, n_random=6, nonlinearity="relu")
### END HIDDEN TESTS'''),
        md(r"""
## 2. The backward pass

Given $dh = \partial L/\partial h$, with $a$ the pre-activation and $\tanh'(a) = 1 - h^2$:

$$da = dh \odot (1 - h^2),\quad dx = da\,W_{ih},\quad dh_{prev} = da\,W_{hh},\quad
dW_{ih} = da^\top x,\quad dW_{hh} = da^\top h_{prev},\quad db = \textstyle\sum_B da.$$

For relu, $da = dh$ where $a > 0$ and 0 elsewhere. `grads` has the same keys as `params`."""),
        solution("rnn_cell_backward", '''
def rnn_cell_backward(dh, cache):
    """Backward pass of rnn_cell.

    Args:
        dh: gradient of the loss with respect to h, shape (B, H).
        cache: what your rnn_cell returned.

    Returns:
        (dx, dh_prev, grads): dx (B, D), dh_prev (B, H) and a dict of gradients with the keys
        and shapes of params.
    """
    ### BEGIN SOLUTION
    h, p = cache["h"], cache["params"]
    da = dh * (1.0 - h * h) if cache["nonlinearity"] == "tanh" else dh * (h > 0)
    grads = {"weight_ih": da.T @ cache["x"], "weight_hh": da.T @ cache["h_prev"],
             "bias_ih": da.sum(axis=0), "bias_hh": da.sum(axis=0)}
    return da @ p["weight_ih"], da @ p["weight_hh"], grads
    ### END SOLUTION'''),
        tests("test_rnn_cell_backward", 4, '''
"""rnn_cell_backward gives the reference dx, dh_prev and parameter gradients."""
check.rnn_cell_backward(rnn_cell, rnn_cell_backward)
### BEGIN HIDDEN TESTS
check.rnn_cell_backward(rnn_cell, rnn_cell_backward, seed=103, n_random=6)
### END HIDDEN TESTS'''),
        tests("test_inputs_unchanged", 1, '''
"""rnn_cell and rnn_cell_backward leave the arrays they are given unchanged."""
check.inputs_unchanged(rnn_cell, rnn_cell_backward)'''),
        md("""
## 3. Vanishing and exploding gradients

Run a tanh RNN for T steps with `weight_hh` scaled by a factor, send a gradient back from the
last step with your `rnn_cell_backward`, and print the norm of the gradient that reaches `h0`.
Try scales 0.5, 1 and 3 and T up to 50."""),
        solution("gradient_experiment", '''
def gradient_norm_at_start(scale, T, H=16, seed=0):
    """Norm of dL/dh_0 after T tanh steps, with L = sum(h_T) and weight_hh scaled by `scale`."""
    ### BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    p = {"weight_ih": rng.normal(0, 0.5, (H, 1)),
         "weight_hh": scale * rng.normal(0, 1 / np.sqrt(H), (H, H)),
         "bias_ih": np.zeros(H), "bias_hh": np.zeros(H)}
    h, caches = np.zeros((1, H)), []
    for _ in range(T):
        h, cache = rnn_cell(rng.normal(size=(1, 1)), h, p)
        caches.append(cache)
    dh = np.ones((1, H))
    for cache in reversed(caches):
        _, dh, _ = rnn_cell_backward(dh, cache)
    return float(np.linalg.norm(dh))
    ### END SOLUTION


for scale in (0.5, 1.0, 3.0):
    print(scale, [f"{gradient_norm_at_start(scale, T):.2e}" for T in (1, 10, 50)])'''),
        md("**Question (2 points).** Why do the gradients vanish or explode? Answer in 3–5 "
           "sentences, using what you printed."),
        written("why_gradients_vanish", 2, """
Each step back multiplies the gradient by W_hh^T and by the tanh derivative (at most 1). Over T
steps that is a product of T such matrices, so its size behaves like the largest singular value
of W_hh (times the average tanh slope) to the power T: below 1 it shrinks geometrically
(vanishing), above 1 it can grow geometrically (exploding) until tanh saturates. The printed
norms fall by orders of magnitude for scale 0.5 and grow for scale 3."""),
    ]


# ------------------------------------------------------------------------------ a2_lstm_cell
LSTM_PARAMS_DOC = ("params: dict with weight_ih (4H, D), weight_hh (4H, H), bias_ih (4H,), "
                   "bias_hh (4H,),\n            gates stacked in the order i, f, g, o.")


def a2_lstm_cell() -> list:
    return [
        md(f"""
# Assignment 2: the LSTM cell

You will write a numerically stable sigmoid, one LSTM step and its backward pass, and check the
backward pass against numerical gradients (chapters 2 and 3).

{RULES}

Shapes: B batch, D input features, H hidden units. Gates are stacked by rows in PyTorch's order
**i, f, g, o** in `weight_ih` (4H, D), `weight_hh` (4H, H), `bias_ih`, `bias_hh` (4H,)."""),
        setup("a2_setup", """
import numpy as np

from lstmcourse.grading import a2_lstm_cell as check
from lstmcourse.numpy import numerical_gradient, relative_error  # for your gradient check"""),
        md(r"""
## 1. A sigmoid that never overflows

$\sigma(x) = 1/(1+e^{-x})$. For $x = -1000$, `np.exp(1000)` overflows. Write it so that no
exponential of a large positive number is ever computed, for arrays of any shape."""),
        solution("sigmoid", '''
def sigmoid(x):
    """Logistic sigmoid, elementwise and without overflow.

    Args:
        x: array of any shape.

    Returns:
        array of the same shape with values in [0, 1].
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)
    ### END SOLUTION'''),
        tests("test_sigmoid", 2, '''
"""sigmoid matches the reference, and its values stay right (no nan, no inf) at |x| = 1000."""
check.sigmoid(sigmoid)
### BEGIN HIDDEN TESTS
check.sigmoid(sigmoid, seed=201)
### END HIDDEN TESTS'''),
        md(r"""
## 2. One LSTM step

$$z = W_{ih}x + b_{ih} + W_{hh}h_{prev} + b_{hh}\ \ (B, 4H),\quad
i,f,o = \sigma(z_i), \sigma(z_f), \sigma(z_o),\quad g = \tanh(z_g),$$
$$c = f \odot c_{prev} + i \odot g,\qquad h = o \odot \tanh(c).$$"""),
        solution("lstm_cell", f'''
def lstm_cell(x, h_prev, c_prev, params):
    """One LSTM step (PyTorch's equations and gate order i, f, g, o).

    Args:
        x: input, shape (B, D).
        h_prev, c_prev: previous hidden and cell state, shape (B, H) each.
        {LSTM_PARAMS_DOC}

    Returns:
        (h, c, cache): new hidden and cell state (B, H) each, and what backward needs. If cache
        is the dict {{"x", "h_prev", "c_prev", "i", "f", "g", "o", "c", "params"}} (as suggested),
        your lstm_cell_backward is graded on its own, even if lstm_cell has a bug.
    """
    ### BEGIN SOLUTION
    H = h_prev.shape[1]
    z = x @ params["weight_ih"].T + params["bias_ih"] + h_prev @ params["weight_hh"].T
    z = z + params["bias_hh"]
    i, f = sigmoid(z[:, :H]), sigmoid(z[:, H:2 * H])
    g, o = np.tanh(z[:, 2 * H:3 * H]), sigmoid(z[:, 3 * H:])
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    cache = {{"x": x, "h_prev": h_prev, "c_prev": c_prev, "c": c, "params": params,
             "i": i, "f": f, "g": g, "o": o}}
    return h, c, cache
    ### END SOLUTION'''),
        tests("test_lstm_cell", 4, '''
"""lstm_cell returns the reference h and c on fixed and random cases."""
check.lstm_cell(lstm_cell)
### BEGIN HIDDEN TESTS
check.lstm_cell(lstm_cell, seed=202, n_random=6)
### END HIDDEN TESTS'''),
        md(r"""
## 3. Backward through one step

With $dh, dc$ arriving from above: $do = dh\odot\tanh c$, $dc \mathrel{+}= dh\odot o\odot
(1-\tanh^2 c)$, $di = dc\odot g$, $dg = dc\odot i$, $df = dc\odot c_{prev}$,
$dc_{prev} = dc\odot f$; then through the activations into $dz$ (B, 4H), and
$dx = dz\,W_{ih}$, $dh_{prev} = dz\,W_{hh}$, $dW_{ih} = dz^\top x$, $dW_{hh} = dz^\top
h_{prev}$, $db = \sum_B dz$."""),
        solution("lstm_cell_backward", '''
def lstm_cell_backward(dh, dc, cache):
    """Backward pass of lstm_cell.

    Args:
        dh, dc: gradients of the loss with respect to h and c, shape (B, H) each.
        cache: what your lstm_cell returned.

    Returns:
        (dx, dh_prev, dc_prev, grads): dx (B, D), dh_prev and dc_prev (B, H), and a dict with
        the keys and shapes of params.
    """
    ### BEGIN SOLUTION
    i, f, g, o, p = cache["i"], cache["f"], cache["g"], cache["o"], cache["params"]
    tc = np.tanh(cache["c"])
    do = dh * tc
    dc = dc + dh * o * (1.0 - tc * tc)
    dz = np.concatenate([dc * g * i * (1 - i), dc * cache["c_prev"] * f * (1 - f),
                         dc * i * (1 - g * g), do * o * (1 - o)], axis=1)
    grads = {"weight_ih": dz.T @ cache["x"], "weight_hh": dz.T @ cache["h_prev"],
             "bias_ih": dz.sum(axis=0), "bias_hh": dz.sum(axis=0)}
    return dz @ p["weight_ih"], dz @ p["weight_hh"], dc * f, grads
    ### END SOLUTION'''),
        md("""
Check your backward pass yourself: `numerical_gradient(f, x, df)` perturbs `x` and returns
the numerical gradient of `sum(f(x) * df)`; a relative error below 1e-7 means they agree."""),
        scratch("""
rng = np.random.default_rng(1)
B, D, H = 2, 3, 4
p = {"weight_ih": rng.normal(size=(4 * H, D)), "weight_hh": rng.normal(size=(4 * H, H)),
     "bias_ih": rng.normal(size=4 * H), "bias_hh": rng.normal(size=4 * H)}
x, h0, c0 = rng.normal(size=(B, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H))
dh = rng.normal(size=(B, H))
dx, _, _, _ = lstm_cell_backward(dh, np.zeros((B, H)), lstm_cell(x, h0, c0, p)[2])
dx_num = numerical_gradient(lambda x_: lstm_cell(x_, h0, c0, p)[0], x, dh)
print("relative error of dx:", relative_error(dx, dx_num))"""),
        tests("test_lstm_cell_backward", 4, '''
"""lstm_cell_backward gives the reference dx, dh_prev, dc_prev and parameter gradients."""
check.lstm_cell_backward(lstm_cell, lstm_cell_backward)
### BEGIN HIDDEN TESTS
check.lstm_cell_backward(lstm_cell, lstm_cell_backward, seed=203, n_random=6)
### END HIDDEN TESTS'''),
        tests("test_inputs_unchanged", 1, '''
"""sigmoid, lstm_cell and lstm_cell_backward leave the arrays they are given unchanged."""
check.inputs_unchanged(sigmoid, lstm_cell, lstm_cell_backward)'''),
    ]


# -------------------------------------------------------------------------- a3_lstm_sequence
def a3_lstm_sequence() -> list:
    return [
        md(f"""
# Assignment 3: an LSTM over a sequence, and backpropagation through time

The notebook gives you a correct `lstm_cell` and `lstm_cell_backward` (the course's reference,
same interface as in assignment 2, with caches the backward understands). You write the loop over
time, its backward pass through time, and a parameter count (chapter 3).

{RULES} (Calling the given `lstm_cell` and `lstm_cell_backward` is of course allowed.)

Sequences are time-major: x (T, B, D), out (T, B, H)."""),
        setup("a3_setup", """
import numpy as np

from lstmcourse.grading import a3_lstm_sequence as check
from lstmcourse.numpy import lstm_cell, lstm_cell_backward  # given: one step and its backward"""),
        md("## 1. The forward loop\n\nStates default to zeros when `h0` or `c0` is `None`."),
        solution("lstm", '''
def lstm(x, params, h0=None, c0=None):
    """Run an LSTM over a sequence with the given lstm_cell.

    Args:
        x: inputs, shape (T, B, D).
        params: LSTM parameters (gate order i, f, g, o).
        h0, c0: initial states (B, H); zeros when None.

    Returns:
        (out, (h_n, c_n), cache): out (T, B, H) holds every h_t; h_n, c_n (B, H) are the last
        states; cache is what lstm_backward needs. If cache is the list of the T caches the
        given lstm_cell returned, in time order (as suggested), your lstm_backward is graded on
        its own, even if lstm has a bug.
    """
    ### BEGIN SOLUTION
    T, B, _ = x.shape
    H = params["weight_hh"].shape[1]
    h = np.zeros((B, H)) if h0 is None else h0
    c = np.zeros((B, H)) if c0 is None else c0
    out, caches = [], []
    for t in range(T):
        h, c, cache = lstm_cell(x[t], h, c, params)
        out.append(h)
        caches.append(cache)
    return np.stack(out), (h, c), caches
    ### END SOLUTION'''),
        tests("test_lstm", 4, '''
"""lstm returns the reference out, h_n and c_n, with given and default states."""
check.lstm(lstm)
### BEGIN HIDDEN TESTS
check.lstm(lstm, seed=301, n_random=6)
### END HIDDEN TESTS'''),
        md("""
## 2. Backpropagation through time

`dout[t]` is the gradient with respect to `out[t]`; `dh_n`, `dc_n` (optional) the gradients with
respect to the final states. Walk back from t = T-1 to 0, adding `dout[t]` to the gradient that
comes from step t+1, and sum the parameter gradients over time."""),
        solution("lstm_backward", '''
def lstm_backward(dout, cache, dh_n=None, dc_n=None):
    """Backpropagation through time for lstm.

    Args:
        dout: gradient with respect to out, shape (T, B, H).
        cache: what your lstm returned.
        dh_n, dc_n: gradients with respect to h_n and c_n, (B, H); zeros when None.

    Returns:
        (dx, dh0, dc0, grads): dx (T, B, D), dh0 and dc0 (B, H), and grads with the keys and
        shapes of params, summed over time.
    """
    ### BEGIN SOLUTION
    T, B, H = dout.shape
    dh = np.zeros((B, H)) if dh_n is None else dh_n
    dc = np.zeros((B, H)) if dc_n is None else dc_n
    dxs, grads = [None] * T, None
    for t in reversed(range(T)):
        dx, dh, dc, g = lstm_cell_backward(dh + dout[t], dc, cache[t])
        dxs[t] = dx
        grads = g if grads is None else {k: grads[k] + g[k] for k in grads}
    return np.stack(dxs), dh, dc, grads
    ### END SOLUTION'''),
        tests("test_lstm_backward", 5, '''
"""lstm_backward gives the reference dx, dh0, dc0 and gradients summed over time."""
check.lstm_backward(lstm, lstm_backward)
### BEGIN HIDDEN TESTS
check.lstm_backward(lstm, lstm_backward, seed=302, n_random=6)
### END HIDDEN TESTS'''),
        tests("test_inputs_unchanged", 1, '''
"""lstm and lstm_backward leave the arrays they are given unchanged."""
check.inputs_unchanged(lstm, lstm_backward)'''),
        md("""
## 3. Counting parameters

PyTorch keeps two bias vectors per layer (`bias_ih` and `bias_hh`); Keras keeps one. An
Embedding(32) feeding an LSTM(100) has 53,600 LSTM parameters in PyTorch and 53,200 in Keras."""),
        solution("lstm_param_count", '''
def lstm_param_count(input_size, hidden_size, biases=2):
    """Number of trainable numbers in one LSTM layer.

    Args:
        input_size: D.  hidden_size: H.
        biases: bias vectors per gate block: 2 (PyTorch), 1 (Keras) or 0.

    Returns:
        int.
    """
    ### BEGIN SOLUTION
    return 4 * (hidden_size * input_size + hidden_size * hidden_size + biases * hidden_size)
    ### END SOLUTION'''),
        tests("test_lstm_param_count", 2, '''
"""lstm_param_count counts like PyTorch (two biases), Keras (one) and without biases."""
check.lstm_param_count(lstm_param_count)
### BEGIN HIDDEN TESTS
check.lstm_param_count(lstm_param_count, extra=((5, 11, 2), (64, 3, 1)))
### END HIDDEN TESTS'''),
    ]


# ---------------------------------------------------------------------- a4_gru_bidirectional
def a4_gru_bidirectional() -> list:
    return [
        md(f"""
# Assignment 4: the GRU cell and bidirectional layers

You will write one GRU step exactly as PyTorch defines it, and a function that runs any recurrent
layer in both directions and joins the results like `nn.LSTM(bidirectional=True)` (chapters 5, 6).

{RULES}"""),
        setup("a4_setup", """
import numpy as np

from lstmcourse.grading import a4_gru_bidirectional as check
from lstmcourse.numpy import gru, lstm  # given layers, to try your bidirectional with"""),
        md(r"""
## 1. One GRU step (gate order r, z, n)

$$r = \sigma(W_{ir}x + b_{ir} + W_{hr}h + b_{hr}),\quad z = \sigma(W_{iz}x + b_{iz} + W_{hz}h +
b_{hz}),$$
$$n = \tanh(W_{in}x + b_{in} + r\odot(W_{hn}h + b_{hn})),\qquad h' = (1-z)\odot n + z\odot h.$$

Note where $r$ sits: it multiplies $W_{hn}h + b_{hn}$, after the product."""),
        solution("gru_cell", '''
def gru_cell(x, h_prev, params):
    """One GRU step with PyTorch's equations and gate order r, z, n.

    Args:
        x: input (B, D).  h_prev: previous hidden state (B, H).
        params: weight_ih (3H, D), weight_hh (3H, H), bias_ih, bias_hh (3H,).

    Returns:
        (h, cache): the new hidden state (B, H) and whatever you want to keep.
    """
    ### BEGIN SOLUTION
    H = h_prev.shape[1]
    gi = x @ params["weight_ih"].T + params["bias_ih"]
    gh = h_prev @ params["weight_hh"].T + params["bias_hh"]
    r = 1 / (1 + np.exp(-(gi[:, :H] + gh[:, :H])))
    z = 1 / (1 + np.exp(-(gi[:, H:2 * H] + gh[:, H:2 * H])))
    n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
    h = (1 - z) * n + z * h_prev
    return h, {"r": r, "z": z, "n": n}
    ### END SOLUTION'''),
        tests("test_gru_cell", 4, '''
"""gru_cell returns the reference h (PyTorch's GRU) on fixed and random cases."""
check.gru_cell(gru_cell)
### BEGIN HIDDEN TESTS
check.gru_cell(gru_cell, seed=401, n_random=6)
### END HIDDEN TESTS'''),
        md("""
## 2. Both directions

`layer(x, params, **kw)` is a whole-sequence function such as the given `gru` or `lstm`; it
returns `(out, state, cache)`. Run it forwards with `params_fwd`, and over the time-reversed input
with `params_bwd`; return `out` (T, B, 2H) with the forward half first **in input time order**,
and the final states stacked (2, B, H), forward first (for an LSTM, the pair `(h_n, c_n)`).
Initial states in `kw` (`h0`, and `c0` for an LSTM) come stacked (2, B, H) the same way."""),
        solution("bidirectional", '''
def bidirectional(layer, x, params_fwd, params_bwd, **kw):
    """Run `layer` forwards and backwards in time and join the results like PyTorch.

    Args:
        layer: a sequence function layer(x, params, **kw) -> (out, state, cache).
        x: inputs (T, B, D).
        params_fwd, params_bwd: parameters of the two directions.
        **kw: optional initial states, each stacked (2, B, H): forward, then backward.

    Returns:
        (out, h_n, cache): out (T, B, 2H); h_n (2, B, H), or (h_n, c_n) for an LSTM; and a
        cache of your choice.
    """
    ### BEGIN SOLUTION
    kw_f = {k: v[0] for k, v in kw.items()}
    kw_b = {k: v[1] for k, v in kw.items()}
    out_f, state_f, cache_f = layer(x, params_fwd, **kw_f)
    out_b, state_b, cache_b = layer(x[::-1], params_bwd, **kw_b)
    out = np.concatenate([out_f, out_b[::-1]], axis=2)
    if isinstance(state_f, tuple):
        state = tuple(np.stack([a, b]) for a, b in zip(state_f, state_b, strict=True))
    else:
        state = np.stack([state_f, state_b])
    return out, state, (cache_f, cache_b)
    ### END SOLUTION'''),
        scratch("""
# Try it with the given layers: out is (T, B, 2H), h_n (2, B, H).
rng = np.random.default_rng(0)


def random_params(G, D, H):
    return {"weight_ih": rng.normal(size=(G * H, D)), "weight_hh": rng.normal(size=(G * H, H)),
            "bias_ih": rng.normal(size=G * H), "bias_hh": rng.normal(size=G * H)}


x = rng.normal(size=(4, 2, 3))
out, h_n, _ = bidirectional(gru, x, random_params(3, 3, 5), random_params(3, 3, 5))
print(out.shape, h_n.shape)
out, (h_n, c_n), _ = bidirectional(lstm, x, random_params(4, 3, 5), random_params(4, 3, 5))
print(out.shape, h_n.shape, c_n.shape)"""),
        tests("test_bidirectional_gru", 3, '''
"""bidirectional(gru, ...) returns the reference out and h_n, with and without initial states."""
check.bidirectional(bidirectional, layer="gru")
### BEGIN HIDDEN TESTS
check.bidirectional(bidirectional, layer="gru", seed=402, n_random=5)
### END HIDDEN TESTS'''),
        tests("test_bidirectional_lstm", 2, '''
"""bidirectional(lstm, ...) returns the reference out and the stacked (h_n, c_n)."""
check.bidirectional(bidirectional, layer="lstm")
### BEGIN HIDDEN TESTS
check.bidirectional(bidirectional, layer="lstm", seed=403, n_random=5)
### END HIDDEN TESTS'''),
        tests("test_inputs_unchanged", 1, '''
"""gru_cell and bidirectional leave the arrays they are given unchanged."""
check.inputs_unchanged(gru_cell, bidirectional)'''),
    ]


# --------------------------------------------------------------------------- a5_torch_lstm
def a5_torch_lstm() -> list:
    from lstmcourse.grading import a5_torch_lstm as a5

    return [
        md(f"""
# Assignment 5: an LSTM cell as a PyTorch module

Write `LSTMCell`, a `torch.nn.Module` that is a drop-in for `torch.nn.LSTMCell`: same
constructor `(input_size, hidden_size, bias=True, device=None, dtype=None)`, same parameter names
and shapes (`weight_ih` (4H, D), `weight_hh` (4H, H), `bias_ih`, `bias_hh` (4H,)), same
initialisation (uniform in ±1/√H), and `forward(input, hx=None) -> (h, c)` with zero states on the
input's device and dtype when `hx` is None. Autograd does the backward pass for you.

Then it learns the **adding problem**: every step carries a number in [0, 1] and a marker; two
steps are marked, and the target at the end is the sum of the two marked numbers. The grader
trains your cell (hidden size {a5.HIDDEN}, sequences of length {a5.T_ADD}, {a5.STEPS} Adam
steps of batch {a5.BATCH}) and asks for a test mean squared error of at most **{a5.TARGET_MSE}**
within **{a5.CPU_BUDGET_S:g} s of CPU time** (always predicting 1.0 scores about 0.167).

**Rules.** Use `torch` (and `math`, helpers, `%timeit` or `?` as you like); do not import or call
`lstmcourse`, and do not use torch's own recurrent code (`nn.LSTMCell`, `nn.LSTM`,
`torch.lstm_cell`, `torch._VF` …): write the gates yourself. The grader reads your cells and gives
no points to the tests of a class that does (your own class is of course called `LSTMCell`).

**How this is graded.** The grader runs your notebook in a sandbox. It builds your `LSTMCell`,
loads weights it chose with `load_state_dict`, and calls it on inputs you have not seen: `hx` as a
tuple `(h, c)` or a list `[h, c]`, by position or by keyword, or left out; `(h, c)` may come back
as a tuple or a list. Outputs and gradients are compared with `torch.nn.LSTMCell` outside the
sandbox. For the adding problem your cell trains in the sandbox and only its predictions for the
test sequences come back; they are scored outside. Only these values count, not what a cell
prints."""),
        setup("a5_setup", """
import torch
from torch import nn

from lstmcourse.grading import a5_torch_lstm as check"""),
        solution("LSTMCell", '''
class LSTMCell(nn.Module):
    """An LSTM cell equal to torch.nn.LSTMCell (gate order i, f, g, o).

    Args:
        input_size: D.  hidden_size: H.  bias: whether to have bias_ih and bias_hh.
        device, dtype: where and in what precision to create the parameters.

    Shapes: input (B, D); hx = (h, c) with h, c (B, H), or None for zeros; returns (h', c').
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__()
        ### BEGIN SOLUTION
        kw = {"device": device, "dtype": dtype}
        self.input_size, self.hidden_size = input_size, hidden_size
        self.weight_ih = nn.Parameter(torch.empty(4 * hidden_size, input_size, **kw))
        self.weight_hh = nn.Parameter(torch.empty(4 * hidden_size, hidden_size, **kw))
        if bias:
            self.bias_ih = nn.Parameter(torch.empty(4 * hidden_size, **kw))
            self.bias_hh = nn.Parameter(torch.empty(4 * hidden_size, **kw))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        bound = hidden_size ** -0.5
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)
        ### END SOLUTION

    def forward(self, input, hx=None):
        """One step: input (B, D), hx = (h, c) or None (zeros) -> (h', c'), each (B, H)."""
        ### BEGIN SOLUTION
        if hx is None:
            zeros = input.new_zeros(input.shape[0], self.hidden_size)
            hx = (zeros, zeros)
        h, c = hx
        z = input @ self.weight_ih.T + h @ self.weight_hh.T
        if self.bias_ih is not None:
            z = z + self.bias_ih + self.bias_hh
        i, f, g, o = z.chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c), c
        ### END SOLUTION'''),
        tests("test_parameters", 2, '''
"""LSTMCell has torch.nn.LSTMCell's parameter names, shapes, dtype and initial range."""
check.parameters(LSTMCell)
### BEGIN HIDDEN TESTS
check.parameters(LSTMCell, sizes=((7, 2), (2, 9)))
### END HIDDEN TESTS'''),
        tests("test_forward", 4, '''
"""LSTMCell outputs and gradients equal torch.nn.LSTMCell with the same weights."""
check.forward(LSTMCell)
### BEGIN HIDDEN TESTS
check.forward(LSTMCell, seed=501, sizes=((3, 2, 5), (1, 4, 2)))
### END HIDDEN TESTS'''),
        tests("test_device_agnostic", 1, '''
"""LSTMCell builds and runs on another device (meta): states follow the input."""
check.device_agnostic(LSTMCell)'''),
        scratch("""
# Try the training yourself: the grader runs the same recipe in the next cell.
# check.train_adding(LSTMCell)"""),
        tests("test_adding_problem", 3, '''
"""LSTMCell learns the adding problem to the stated MSE within the stated CPU time."""
check.train_adding(LSTMCell)
### BEGIN HIDDEN TESTS
check.train_adding(LSTMCell, seed=502)
### END HIDDEN TESTS'''),
    ]


ASSIGNMENTS = {f.__name__: f for f in (a1_rnn, a2_lstm_cell, a3_lstm_sequence,
                                       a4_gru_bidirectional, a5_torch_lstm)}

if __name__ == "__main__":
    for name in sys.argv[1:] or ASSIGNMENTS:
        print(write(name, ASSIGNMENTS[name]()))
