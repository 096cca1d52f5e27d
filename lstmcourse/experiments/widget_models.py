"""The small trained models the bidirectional widget runs in the browser (chapter 6).

Chapter 6's experiment (:mod:`lstmcourse.experiments.bidirectional`) trains readers that label
every step of a review with its verdict, on :func:`lstmcourse.tasks.late_decision`: the deciding
word comes late, after "but". The widget shows the same story on sentences a reader types: a
forward LSTM cannot know the verdict before it meets the deciding word, a BiLSTM can. Both models
here are that experiment's models made small enough to ship (H = 8, E = 8: a few thousand numbers),
trained the same way but on reviews of 10 to 30 words (readers type short ones), and written with
their test accuracy to ``lstmcourse/widgets/static/bidirectional-model.json`` by

    python -m lstmcourse.experiments.widget_models

``tests/widgets/test_widgets_stories.py`` checks the stored file: its vocabulary is the task's,
its weights give the stored accuracy under :mod:`lstmcourse.numpy`, and the JavaScript gives the
same probabilities.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from lstmcourse import tasks
from lstmcourse.conventions import PARAM_KEYS
from lstmcourse.train import fit, seed_everything

from .bidirectional import TASK, per_step_accuracy, per_step_loss
from .common import stable_seed
from .models import SequenceClassifier

OUT = Path(__file__).resolve().parents[1] / "widgets" / "static" / "bidirectional-model.json"
SIZE = {"hidden": 8, "embed": 8}
TRAIN = {"per_epoch": 2048, "epochs": 40, "lr": 1e-2, "batch": 64, "n_val": 512,
         "n_test": 1024, "target": 0.995}
MODELS = {"bilstm": {"bidirectional": True}, "lstm": {}}


def train(name: str, seed: int = 0) -> SequenceClassifier:
    """One per-step classifier (``name`` in MODELS) on the late-decision task."""
    key = ("widget", name, seed)
    val = tasks.late_decision(TRAIN["n_val"], **TASK, seed=stable_seed(*key, "val"))

    def data(epoch: int):
        # Reviews of 10 to 30 words (one length per epoch), so that the models also read the
        # shorter sentences a reader types; the deciding word still comes in the last part.
        length = 10 + (7 * epoch) % 21
        d = tasks.late_decision(TRAIN["per_epoch"], length, decide_from=0.5,
                                seed=stable_seed(*key, epoch))
        return d.x, d.y

    seed_everything(stable_seed(*key, "init"))
    model = SequenceClassifier("lstm", SIZE["hidden"], 2, vocab_size=len(tasks.SENTIMENT_VOCAB),
                               embed_size=SIZE["embed"], per_step=True, **MODELS[name])
    fit(model, data, (val.x, val.y), loss_fn=per_step_loss, score_fn=per_step_accuracy,
        epochs=TRAIN["epochs"], patience=TRAIN["epochs"], target=TRAIN["target"],
        lr=TRAIN["lr"], batch_size=TRAIN["batch"], seed=stable_seed(*key, "order"),
        progress=False, desc=f"widget {name}")
    return model.eval()


def export(model: SequenceClassifier) -> dict:
    """Weights as lists, in the course's names: embed (V, E), fwd/bwd LSTM parameters, head."""
    sd = {k: v.detach().double().numpy() for k, v in model.state_dict().items()}
    def f32(a: np.ndarray) -> list:
        """float32 values to 7 significant digits (all float32 holds): a smaller file."""
        return np.vectorize(lambda v: float(f"{v:.7g}"))(np.asarray(a, np.float32)).tolist()

    out = {"embed": f32(sd["embed.weight"]),
           "head": {"weight": f32(sd["head.weight"]), "bias": f32(sd["head.bias"])}}
    for direction, suffix in (("fwd", ""), ("bwd", "_reverse")):
        if f"rnn.weight_ih_l0{suffix}" in sd:
            out[direction] = {p: f32(sd[f"rnn.{p}_l0{suffix}"])
                              for p in PARAM_KEYS}
    return out


def test_accuracy(model: SequenceClassifier) -> dict:
    """Per-step accuracy on fresh reviews, before and from the deciding word on."""
    test = tasks.late_decision(TRAIN["n_test"], **TASK, seed=stable_seed("widget", "test"))
    with torch.no_grad():
        ok = (model(test.x).argmax(-1) == test.y).numpy()
    before = np.arange(ok.shape[0])[:, None] < test.info["decide_at"][None, :]
    return {"before": round(float(ok[before].mean()), 4),
            "after": round(float(ok[~before].mean()), 4)}


def main() -> None:
    result = {"vocab": list(tasks.SENTIMENT_VOCAB), "classes": ["negative", "positive"],
              "length": TASK["length"], "models": {}}
    for name in MODELS:
        model = train(name)
        result["models"][name] = {**export(model), "accuracy": test_accuracy(model)}
        print(name, result["models"][name]["accuracy"])
    OUT.write_text(json.dumps(result, separators=(",", ":")) + "\n", encoding="utf-8")
    print("wrote", OUT, OUT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
