"""Move weights between ``lstmcourse.numpy`` params dicts and torch modules, both ways.

A params dict is ``{"weight_ih": (G*H, D), "weight_hh": (G*H, H), "bias_ih": (G*H,),
"bias_hh": (G*H,)}`` of NumPy arrays, the layout every ``lstmcourse.numpy`` function takes. A
module keeps the same arrays as parameters: a cell as ``weight_ih`` ..., a layer as
``weight_ih_l{layer}`` ... with the suffix ``_reverse`` for the backward direction. The helpers
work on ``lstmcourse.torch`` modules and on ``torch.nn`` ones alike, since the names are the same.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
from torch import nn

from ..conventions import PARAM_KEYS, suffix
from ..numpy import params_from_torch

__all__ = ["to_numpy_params", "load_numpy_params"]


# Reading weights out is lstmcourse.numpy's job (it names the same parameters); one function
# serves torch.nn and lstmcourse.torch modules alike.
to_numpy_params = params_from_torch


def load_numpy_params(
    module: nn.Module, params: Mapping[str, np.ndarray], layer: int = 0, reverse: bool = False
) -> nn.Module:
    """Copy a params dict into one layer/direction of ``module`` in place; returns ``module``.

    The values are cast to each parameter's dtype and device. Shapes must match exactly; a
    ``bias=False`` module accepts only all-zero biases (anything else would be silently lost).
    """
    end = suffix(module, layer, reverse)
    who = type(module).__name__
    missing = [k for k in PARAM_KEYS if k not in params]
    if missing:
        raise KeyError(f"params is missing {missing}; expected the keys {list(PARAM_KEYS)}")
    with torch.no_grad():
        for key in PARAM_KEYS:
            value = np.asarray(params[key])
            p = getattr(module, key + end, None)
            if p is None:
                if np.any(value != 0):
                    raise ValueError(
                        f"{who} was built with bias=False, but params[{key!r}] is not all zeros"
                    )
                continue
            if tuple(value.shape) != tuple(p.shape):
                raise ValueError(
                    f"params[{key!r}] has shape {tuple(value.shape)}, but {who}.{key + end} "
                    f"expects {tuple(p.shape)}"
                )
            p.copy_(torch.as_tensor(value, dtype=p.dtype, device=p.device))
    return module
