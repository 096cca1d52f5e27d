"""The Jupyter classes: made from the registry, running the same JavaScript, whose outputs the
JavaScript sets (Python recomputes nothing)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import traitlets
from widgets_js import render

from lstmcourse import widgets
from lstmcourse.widgets import CLASSES, REGISTRY, WIDGETS
from lstmcourse.widgets._assets import esm_source
from lstmcourse.widgets.registry import Slider, Text, get


def test_one_class_per_registry_entry_with_its_traits():
    assert list(CLASSES) == list(WIDGETS)
    for name, spec in REGISTRY.items():
        cls = getattr(widgets, spec.cls)
        assert cls is CLASSES[name] and cls.__name__ == spec.cls
        w = cls()
        state = w.get_state()
        for i in spec.inputs:
            trait = cls.class_traits()[i.name]
            assert state[i.name] == i.default, (name, i.name)
            if isinstance(i, Slider):
                assert (trait.min, trait.max) == (i.lo, i.hi), (name, i.name)
                assert isinstance(trait, traitlets.Int) == i.integer
            else:
                assert isinstance(i, Text) and isinstance(trait, traitlets.Unicode)
        for o in spec.outputs:
            assert o.name in state, f"{name}: output {o.name} is not synced"
            assert getattr(w, o.name) in (None, [])   # nothing computed in Python
            assert cls.class_traits()[o.name].read_only


def test_outputs_arrive_from_the_front_end_and_inputs_are_range_checked():
    w = CLASSES["gate-playground"]()
    w.set_state({"c": 1.25, "h": 0.5})         # what the JavaScript's model.set + save_changes send
    assert (w.c, w.h) == (1.25, 0.5)
    with pytest.raises(traitlets.TraitError):
        w.c = 3.0                               # read-only from Python
    with pytest.raises(traitlets.TraitError):
        w.f = 1.5
    with pytest.raises(traitlets.TraitError):
        CLASSES["conveyor-belt"](steps=0)


def test_unknown_widget_name_names_the_choices():
    with pytest.raises(ValueError, match="gate-playgrund.*gate-playground"):
        get("gate-playgrund")


@pytest.mark.skipif(not shutil.which("node"), reason="node is not installed")
@pytest.mark.parametrize("name", WIDGETS)
def test_esm_is_an_es_module_exporting_render_and_the_registry_defaults(tmp_path, name):
    path = tmp_path / f"{name}.mjs"
    path.write_text(esm_source(name))
    code = ("import(process.argv[1]).then(m => process.stdout.write(JSON.stringify("
            "[typeof m.default.render, m.default.defaults])))")
    out = subprocess.run([shutil.which("node"), "-e", code, path.as_uri()], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    kind, defaults = json.loads(out.stdout)
    assert kind == "function"
    assert defaults == get(name).defaults


#: Widgets with controls (the diagrams are figures: no inputs, nothing to report).
INTERACTIVE = [n for n in WIDGETS if get(n).inputs]


def test_the_figures_are_the_only_widgets_without_controls():
    assert set(WIDGETS) - set(INTERACTIVE) == {n for n in WIDGETS if n.startswith("diagram-")}


@pytest.mark.parametrize("name", INTERACTIVE)
def test_render_reports_every_output_to_the_model_and_labels_every_input(name):
    spec = get(name)
    first, moved = render(name, moves=(_a_move(spec),))
    for frame in (first, moved):
        for o in spec.outputs:
            assert o.name in frame["sets"], f"{name}: {o.name} not set on the model"
            assert o.name in frame["state"]
        # numbers shown are the numbers reported
        for o in spec.outputs:
            if o.kind == "number" and frame["state"][o.name] is not None:
                shown = float(frame["readouts"][o.name])
                value = frame["state"][o.name]
                assert abs(shown - value) <= 1e-3 * max(1.0, abs(value)), (name, o.name)
        assert set(frame["labels"]) == {i.name for i in spec.inputs}
        assert all(frame["labels"].values())
        assert frame["live"] == 1                   # the readouts sit in one aria-live region
    assert moved["saves"] > first["saves"]        # each change is sent (save_changes)
    assert moved["state"] != first["state"]


def _a_move(spec):
    """Move the first slider to its upper end (a change every widget must answer)."""
    s = next(i for i in spec.inputs if isinstance(i, Slider))
    return {s.name: s.hi if s.default != s.hi else s.lo}
