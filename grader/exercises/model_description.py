"""A Keras model as plain data, and back: the boundary of trainable_deep_model's trusted stage.

The learner's child describes the model it was given (`describe`): the names and plain settings of its
layers, activations and initialisers, and whether it was trained before it was returned. That child ran
learner code, so the grader reads the description as untrusted data: `plain_layer` keeps only what
rebuilding reads, each field's type checked, and the grader's own child (which ran no learner code)
rebuilds the model from it with `rebuild`, which builds only activations and initialisers that Keras
ships, called by name with plain values. Nothing here imports the exercise: it loads in the trusted child
on its own.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

MAX_NAME = 64  # longest name or plain value read from a model's description
MAX_UNITS = 128  # widest Dense layer rebuilt (a bound on the grader's work; the exercise's widths are 32)


# ------------------------------------------------------------------- in the learner's child: describe


def describe(model: Any) -> dict[str, Any]:
    """The model as plain data: its layers, whether Keras ships their parts, whether it was fitted."""
    import keras

    layers = list(getattr(model, "layers", None) or [])
    described = [_describe_layer(layer) for layer in layers]
    dense = all(type(layer) is keras.layers.Dense for layer in layers)
    built = dense and bool(layers) and all(layer.built for layer in layers)
    return {"type": type(model).__name__, "sequential": type(model) is keras.Sequential, "layers": described,
            "input_width": int(layers[0].kernel.shape[0]) if built else None,
            "fitted": _fitted(model, layers) if built else ""}


def _describe_layer(layer: Any) -> dict[str, Any]:
    import keras

    if type(layer) is not keras.layers.Dense:
        return {"type": type(layer).__name__, "units": None, "activation": "", "kernel_initializer": "",
                "shipped": True}
    activation = layer.activation
    name = getattr(activation, "__name__", type(activation).__name__)
    try:
        shipped_activation = keras.activations.get(name) is activation
    except (ValueError, TypeError):
        shipped_activation = False
    initializers = {"kernel_initializer": layer.kernel_initializer, "bias_initializer": layer.bias_initializer}
    shipped = shipped_activation and all(type(i).__module__.startswith("keras.") for i in initializers.values())
    return {"type": "Dense", "units": int(layer.units), "activation": name, "shipped": bool(shipped),
            **{key: _describe_initializer(initializer, shipped) for key, initializer in initializers.items()}}


def _describe_initializer(initializer: Any, shipped: bool) -> dict[str, Any]:
    """A Keras initialiser as its class name and the plain values of its configuration (a seed object
    is left out: the grader draws every weight under its own seeds anyway)."""
    config = initializer.get_config() if shipped else {}
    return {"class_name": type(initializer).__name__,
            "config": {str(key): value for key, value in config.items() if _is_scalar(value)}}


def _is_scalar(value: Any) -> bool:
    return value is None or (isinstance(value, bool | int | float | str) and len(str(value)) <= MAX_NAME)


def _fitted(model: Any, layers: list) -> str:
    """Why the model's weights are not fresh from its initialisers, or "" when they are."""
    optimizer = getattr(model, "optimizer", None)
    steps = int(np.asarray(optimizer.iterations)) if optimizer is not None else 0
    if steps:
        return f"its optimizer already took {steps} training steps"
    for index, layer in enumerate(layers):
        for weight, initializer in ((layer.kernel, layer.kernel_initializer), (layer.bias, layer.bias_initializer)):
            if weight is None or not _reproducible(initializer):
                continue
            fresh = np.asarray(initializer(tuple(weight.shape), dtype=weight.dtype))
            if not np.allclose(np.asarray(weight), fresh, rtol=1e-6, atol=1e-7):
                return (f"layer {index + 1}'s {weight.name} differs from what its initialiser "
                        f"({type(initializer).__name__}) gives")
    return ""


def _reproducible(initializer: Any) -> bool:
    """Keras draws an initialiser's values from its integer seed, so calling it again gives them again."""
    seed = getattr(initializer, "seed", None)
    return seed is None or isinstance(seed, int)


# ----------------------------------------------------- in the grader: the description, checked


def plain_layer(layer: Any) -> dict[str, Any]:
    """A Dense layer's description reduced to what rebuilding it reads, each field's type checked
    (ValueError otherwise): it comes from the learner's process, which may have written anything."""
    def initializer(described: Any) -> dict[str, Any]:
        if not (isinstance(described, dict) and _is_name(described.get("class_name"))
                and isinstance(described.get("config"), dict) and len(described["config"]) <= 8
                and all(_is_name(key) and _is_scalar(value) for key, value in described["config"].items())):
            raise ValueError("an initialiser is not described by a name and plain values")
        return {"class_name": described["class_name"], "config": dict(described["config"])}

    if not (isinstance(layer, dict) and layer.get("type") == "Dense" and type(layer.get("units")) is int
            and 0 < layer["units"] <= MAX_UNITS and _is_name(layer.get("activation"))):
        raise ValueError("a layer is not described as a Dense layer with units and an activation's name")
    return {"type": "Dense", "units": layer["units"], "activation": layer["activation"],
            "kernel_initializer": initializer(layer.get("kernel_initializer")),
            "bias_initializer": initializer(layer.get("bias_initializer"))}


def _is_name(value: Any) -> bool:
    return isinstance(value, str) and value.isidentifier() and len(value) <= MAX_NAME


# ------------------------------------------------------------ in the grader's trusted child: rebuild


def rebuild(layers: list[dict[str, Any]], n_features: int) -> Any:
    """A keras.Sequential of Dense layers from their plain description; refuses (ValueError) anything but
    activations and initialisers that Keras ships, called by name with plain values."""
    import keras

    built = [keras.Input(shape=(n_features,))]
    for index, layer in enumerate(layers, start=1):
        layer = plain_layer(layer)
        try:
            built.append(keras.layers.Dense(
                layer["units"], activation=_shipped_activation(layer["activation"]),
                kernel_initializer=_shipped_initializer(layer["kernel_initializer"]),
                bias_initializer=_shipped_initializer(layer["bias_initializer"])))
        except (TypeError, ValueError) as error:
            raise ValueError(f"layer {index}: {error}") from None
    return keras.Sequential(built)


def _shipped_activation(name: str) -> Any:
    import keras

    function = getattr(keras.activations, name, None)
    try:
        shipped = callable(function) and keras.activations.get(name) is function
    except (TypeError, ValueError):
        shipped = False
    if not shipped or not getattr(function, "__module__", "").startswith("keras."):
        raise ValueError(f"the activation {name!r} is not one of keras.activations")
    return function


def _shipped_initializer(described: dict[str, Any]) -> Any:
    import keras

    name, config = described["class_name"], described["config"]
    initializer = getattr(keras.initializers, name, None)
    if not (isinstance(initializer, type) and issubclass(initializer, keras.initializers.Initializer)
            and initializer.__module__.startswith("keras.")):
        raise ValueError(f"the initialiser {name!r} is not one of keras.initializers")
    accepted = inspect.signature(initializer).parameters
    unknown = sorted(set(config) - set(accepted))
    if unknown:
        raise ValueError(f"the initialiser {name} takes no argument {', '.join(unknown)}")
    return initializer(**config)
