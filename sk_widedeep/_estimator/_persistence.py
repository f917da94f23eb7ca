"""Model files that load without running code from the file.

A pickle file is a program: unpickling calls whatever functions the file
names, so loading a stranger's pickle runs the stranger's code. The format
written here holds only data:

- ``model.json``: the estimator as a tree of plain values (parameters,
  vocabularies, scalings, training history), in which every object is one of
  a short list of known classes, rebuilt from its attributes;
- ``tensors.pt``: the network's weights, the optimizers' state and the
  numeric arrays, read back with ``torch.load(weights_only=True)``, which
  accepts tensors and plain containers only.

Both sit in one zip archive, whose checksums catch a damaged file.

The estimators register themselves (:func:`register_estimator`, at class
creation), so this module imports none of them; :func:`load` asks the
package for a public estimator the file names that is not registered yet.
"""

from __future__ import annotations

import importlib
import io
import json
import math
import os
import pickle
import secrets
import zipfile
from pathlib import Path

import numpy as np
import sklearn
import torch
from sklearn.frozen import FrozenEstimator
from sklearn.preprocessing import LabelEncoder
from skorch.history import History

from .._coding._hashing import HashedColumn, HashedCross
from .._coding._scaling import _ContinuousScaler
from .._coding._vocabulary import (
    Buckets,
    Cross,
    NumberCodes,
    Vocabulary,
)
from .._network._device import available_device, resolve_device
from .._transformers._cross_product import CrossProductTransformer
from .._transformers._embedding import EmbeddingEncoder
from .._version import __version__

FORMAT = "sk_widedeep model"
FORMAT_VERSION = 2
"""Version of the file layout; files of a newer version are refused.

Version 2: a categorical column's vocabulary has a missing slot apart from
the other slot, so its weights have one more row than in version 1, whose
files are refused with the fix (fit and save again).
"""

OLDEST_FORMAT_VERSION = 2
"""The oldest version read."""

_JSON, _TENSORS = "model.json", "tensors.pt"

MAX_MEMBER_BYTES = 2**36
"""Largest size (64 GiB) a member of a model file may declare.

``load`` checks the sizes that the zip directory declares before reading a
byte, so a crafted file cannot make it allocate more than this (Python's
zipfile never inflates a member beyond its declared size).
"""

MAX_INFLATION = 100
"""Largest ratio of a member's size to its compressed size, from 16 MiB.

The JSON document compresses 3 to 10 times; deflate reaches about 1,000
times on repeated bytes, which only a crafted file (a "zip bomb") holds.
Below :data:`INFLATION_CHECKED_FROM` bytes a member is too small to matter.
"""

INFLATION_CHECKED_FROM = 2**24

_CLASSES = {
    cls.__name__: cls
    for cls in (
        CrossProductTransformer,
        EmbeddingEncoder,
        Vocabulary,
        Buckets,
        NumberCodes,
        Cross,
        HashedColumn,
        HashedCross,
        _ContinuousScaler,
        LabelEncoder,
        FrozenEstimator,
    )
}
"""The only classes a model file can make objects of (and the estimators)."""

_ESTIMATORS: set = set()
"""The registered estimators: objects whose state holds a trained net."""


def register_estimator(cls):
    """Let the safe format write and read ``cls``, an estimator with a net.

    Used as a class decorator by each estimator; the class must build its
    (untrained) net with ``_make_net()``.
    """
    _CLASSES[cls.__name__] = cls
    _ESTIMATORS.add(cls)
    return cls


def _known_class(name: str):
    """Return the class of that name, importing a public estimator on first use."""
    if name not in _CLASSES and name.startswith("WideDeep"):
        package = importlib.import_module(__package__.partition(".")[0])
        if name in package.__all__:
            getattr(package, name)  # importing it registers it
    return _CLASSES.get(name)


_ELEMENT_TYPES = (str, bool, int, float, type(None))
"""Values an array of objects (the categories of a column) may hold."""


def save(estimator, path) -> None:
    """Write an estimator to ``path`` in the safe format (see the module)."""
    writer = _Writer()
    tree = writer.encode(estimator, type(estimator).__name__)
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "sk_widedeep_version": __version__,
        "sklearn_version": sklearn.__version__,
        "torch_version": torch.__version__,
        "estimator": tree,
        "arrays": writer.arrays,
    }
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(
            f"{str(path)!r} is a folder: give the path of a file to write, e.g. "
            f"{str(path / 'model.skwd')!r}."
        )
    temporary = unique_temporary_file(path)
    try:
        tensors = io.BytesIO()
        torch.save(writer.tensors, tensors)
        with zipfile.ZipFile(temporary, "w") as archive:
            archive.writestr(
                _JSON, json.dumps(document, allow_nan=False), zipfile.ZIP_DEFLATED
            )
            archive.writestr(_TENSORS, tensors.getvalue(), zipfile.ZIP_STORED)
        # atomic: a reader, or another thread saving to the same path, sees
        # the old file or a whole new one, never half a file
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def unique_temporary_file(path: Path) -> Path:
    """Create an empty file of a name no other save uses, next to ``path``.

    In the target's folder, so that :func:`os.replace` renames it in one
    step; created exclusively (``"x"``), with the permissions of any new file.
    """
    while True:
        candidate = path.with_name(f".{path.name}.{secrets.token_hex(8)}.partial")
        try:
            with open(candidate, "xb"):
                return candidate
        except FileExistsError:  # pragma: no cover - 64 random bits collided
            continue


def load(path, *, device=None):
    """Read an estimator written by :meth:`WideDeepClassifier.save`.

    Nothing in the file is executed: objects are made only of the classes
    sk_widedeep knows, and tensors are read with ``weights_only=True``.

    Parameters
    ----------
    path : str or path-like
        The model file.
    device : str or None, default=None
        Where to put the network: ``None`` follows the model's ``device``
        parameter (``"auto"``: CUDA when there is one), falling back to the
        CPU with a warning when the model asks for CUDA and there is none;
        or ``"cpu"``, ``"cuda"``, ``"cuda:1"``...

    Returns
    -------
    estimator : WideDeepClassifier
        The model, predicting exactly as the saved one did.

    Raises
    ------
    ValueError
        When the file is not an sk_widedeep model file, is damaged, holds
        anything but data, or was written by a newer sk_widedeep.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import sk_widedeep
    >>> from sk_widedeep import WideDeepClassifier
    >>> from sk_widedeep.datasets import make_app_installs
    >>> X, y = make_app_installs(n_samples=500, random_state=0)
    >>> clf = WideDeepClassifier(hidden_units=(8,), max_epochs=1, random_state=0)
    >>> clf = clf.fit(X, y)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.skwd"
    >>> clf.save(path)
    >>> loaded = sk_widedeep.load(path)
    >>> bool((loaded.predict_proba(X) == clf.predict_proba(X)).all())
    True
    """
    if device is not None:
        resolve_device(device)  # a clear error for a bad device, before reading
    document, tensors = _read(Path(path))
    reader = _Reader(tensors, document.get("arrays", {}), device)
    try:
        return reader.decode(document["estimator"])
    except (
        KeyError,
        TypeError,
        ValueError,
        IndexError,
        AttributeError,
        RuntimeError,
    ) as exc:
        if isinstance(exc, _ModelFileError):
            raise
        raise _corrupted(path, f"{type(exc).__name__}: {exc}") from exc


class _ModelFileError(ValueError):
    """A model file that is not one, or not one this version can read."""


def _corrupted(path, detail) -> _ModelFileError:
    return _ModelFileError(
        f"{str(path)!r} is not a valid sk_widedeep model file, or it is damaged "
        f"({detail}). Model files are written by WideDeepClassifier.save(path)."
    )


def _read(path: Path):
    """Read and check the JSON document and the tensors of a model file."""
    try:
        with zipfile.ZipFile(path) as archive:
            _check_sizes(path, archive)
            document = json.loads(archive.read(_JSON))
            tensor_bytes = archive.read(_TENSORS)
    except _ModelFileError:
        raise
    except zipfile.BadZipFile as exc:
        raise _corrupted(path, f"not a readable zip archive: {exc}") from exc
    except KeyError as exc:
        raise _corrupted(path, f"missing member {exc}") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise _corrupted(path, f"unreadable {_JSON}: {exc}") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _corrupted(path, f"{_JSON} does not name the format {FORMAT!r}")
    version = document.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise _ModelFileError(
            f"{str(path)!r} was written by sk_widedeep "
            f"{document.get('sk_widedeep_version')} in format version {version}; "
            f"this sk_widedeep ({__version__}) reads versions up to "
            f"{FORMAT_VERSION}. Upgrade sk_widedeep to load it."
        )
    if version < OLDEST_FORMAT_VERSION:
        raise _ModelFileError(
            f"{str(path)!r} was written by sk_widedeep "
            f"{document.get('sk_widedeep_version')} in format version {version}, "
            "whose vocabularies gave missing and unknown values one slot; this "
            f"sk_widedeep ({__version__}) gives them two and reads versions from "
            f"{OLDEST_FORMAT_VERSION}. Fit the model again and save it."
        )
    try:
        tensors = torch.load(
            io.BytesIO(tensor_bytes), map_location="cpu", weights_only=True
        )
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError) as exc:
        raise _corrupted(
            path, f"{_TENSORS} is not a file of plain tensors, refused: {exc}"
        ) from exc
    if not isinstance(tensors, dict):
        raise _corrupted(path, f"{_TENSORS} does not hold a dict of tensors")
    return document, tensors


def _check_sizes(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse members whose declared sizes no model file has, before reading.

    Raises KeyError for a missing member, as reading it would.
    """
    file_size = path.stat().st_size
    for name in (_JSON, _TENSORS):
        info = archive.getinfo(name)
        if info.compress_size > file_size:
            raise _corrupted(
                path,
                f"{name} declares {info.compress_size} compressed bytes, more than "
                f"the {file_size} bytes of the file",
            )
        if info.file_size > MAX_MEMBER_BYTES:
            raise _corrupted(
                path,
                f"{name} holds {info.file_size} bytes, more than the "
                f"{MAX_MEMBER_BYTES} bytes a member may hold; refused before "
                "reading it",
            )
        stored = info.compress_type == zipfile.ZIP_STORED
        if stored and info.file_size != info.compress_size:
            raise _corrupted(
                path,
                f"{name} is stored uncompressed, but declares {info.file_size} "
                f"bytes in {info.compress_size}",
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= INFLATION_CHECKED_FROM and ratio > MAX_INFLATION:
            raise _corrupted(
                path,
                f"{name} inflates to {info.file_size} bytes, {ratio:.0f} times its "
                f"compressed size, where model files stay below {MAX_INFLATION} "
                "times: a crafted file (a zip bomb), refused before reading it",
            )


class _Writer:
    """Turn an estimator into a tree of JSON values, tensors and arrays.

    Every JSON object in the tree is a tag with one key: ``dict`` (a list
    of key-value pairs, keys of any supported type), ``tuple``, ``float``
    (the non-finite ones), ``scalar`` (a numpy scalar), ``array`` (a key
    into ``arrays`` or ``tensors``), ``tensor``, ``optimizer_class``,
    ``object`` (a known class and its state) and ``net`` (the trained skorch
    net of a classifier).
    """

    def __init__(self):
        self.tensors: dict[str, torch.Tensor] = {}
        self.arrays: dict[str, dict] = {}
        self._keys: dict[int, str] = {}  # id of an array already written

    def encode(self, value, where: str):
        """Encode ``value``, found at ``where`` (for error messages)."""
        if value is None or isinstance(value, str | bool):
            return value
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            return value if math.isfinite(value) else {"float": repr(value)}
        if isinstance(value, np.generic):
            return {
                "scalar": self.encode(value.item(), where),
                "dtype": value.dtype.str,
            }
        if isinstance(value, list):
            return [self.encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, tuple):
            return {
                "tuple": [self.encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
            }
        if isinstance(value, dict):
            return {
                "dict": [
                    [self.encode(k, where), self.encode(v, f"{where}[{k!r}]")]
                    for k, v in value.items()
                ]
            }
        if isinstance(value, np.ndarray):
            return {"array": self._array(value, where)}
        if isinstance(value, torch.Tensor):
            key = f"t{len(self.tensors)}"
            self.tensors[key] = value.detach().cpu().contiguous()
            return {"tensor": key}
        if isinstance(value, type) and _is_torch_optimizer(value):
            return {"optimizer_class": value.__name__}
        name = type(value).__name__
        if _CLASSES.get(name) is type(value):
            return {"object": name, "state": self._state(value, where)}
        raise TypeError(_unsupported(value, where))

    def _state(self, obj, where):
        state = dict(obj.__getstate__() or {})
        net = state.pop("net_", None) if type(obj) in _ESTIMATORS else None
        encoded = {
            "dict": [
                [key, self.encode(v, f"{where}.{key}")] for key, v in state.items()
            ]
        }
        if net is not None:
            encoded["net"] = self._net(net, where)
        return encoded

    def _net(self, net, where):
        """Encode the trained net: weights, optimizer states and history."""
        return {
            "module": self.encode(net.module_.state_dict(), f"{where}.net_"),
            "optimizers": self.encode(
                {n: getattr(net, n + "_").state_dict() for n in net.optimizer_names()},
                f"{where}.net_",
            ),
            "history": self.encode(list(net.history), f"{where}.net_.history"),
        }

    def _array(self, array: np.ndarray, where: str) -> str:
        key = self._keys.get(id(array))
        if key is not None:
            return key
        key = f"a{len(self._keys)}"
        self._keys[id(array)] = key
        if array.dtype.kind in "biuf":
            # stored as a tensor of the same bytes (unsigned ints as signed)
            kind = "i" if array.dtype.kind == "u" and array.dtype.itemsize > 1 else None
            raw = array.view(f"{kind}{array.dtype.itemsize}") if kind else array
            self.tensors[key] = torch.from_numpy(np.ascontiguousarray(raw).copy())
            self.arrays[key] = {"dtype": array.dtype.str, "tensor": key}
            return key
        if array.dtype.kind not in "OU":
            raise TypeError(_unsupported(array, where, category=True))
        values = []
        for value in array.ravel().tolist():
            if not isinstance(value, _ELEMENT_TYPES):
                raise TypeError(_unsupported(value, where, category=True))
            values.append(self.encode(value, where))
        self.arrays[key] = {
            "dtype": array.dtype.str,
            "shape": list(array.shape),
            "values": values,
        }
        return key


def _is_torch_optimizer(cls) -> bool:
    return getattr(torch.optim, cls.__name__, None) is cls and issubclass(
        cls, torch.optim.Optimizer
    )


def _unsupported(value, where: str, category: bool = False) -> str:
    kind = type(value).__name__
    if ".callbacks" in where:
        fix = "Set callbacks=None before saving (clf.set_params(callbacks=None))."
    elif category:
        fix = (
            "Category values must be strings, numbers or booleans; convert the "
            "column (e.g. dates to strings) before fitting."
        )
    else:
        fix = (
            "The safe format stores sk_widedeep's own transformers, named "
            "torch.optim optimizers and plain values; use joblib or pickle for "
            "this model, and load such files only from sources you trust."
        )
    return f"save() cannot store {where} (of type {kind}). {fix}"


class _Reader:
    """Rebuild an estimator from :class:`_Writer`'s tree."""

    def __init__(self, tensors: dict, arrays: dict, device):
        self.tensors = tensors
        self.arrays = arrays
        self.device = device
        self._decoded: dict[str, np.ndarray] = {}

    def decode(self, node):
        if node is None or isinstance(node, str | bool | int | float):
            return node
        if isinstance(node, list):
            return [self.decode(v) for v in node]
        if not isinstance(node, dict) or not 1 <= len(node) <= 2:
            raise ValueError(f"unexpected node {str(node)[:80]}")
        tag = next(iter(node))
        if tag == "dict":
            if set(node) - {"dict", "net"}:
                raise ValueError(f"unexpected keys {sorted(node)}")
            return {self.decode(k): self.decode(v) for k, v in node["dict"]}
        if tag == "tuple":
            return tuple(self.decode(v) for v in node["tuple"])
        if tag == "float":
            if node["float"] not in ("nan", "inf", "-inf"):
                raise ValueError(f"bad float {node['float']!r}")
            return float(node["float"])
        if tag == "scalar":
            return np.dtype(node["dtype"]).type(self.decode(node["scalar"]))
        if tag == "array":
            return self._array(node["array"])
        if tag == "tensor":
            return self._tensor(node["tensor"])
        if tag == "optimizer_class":
            cls = getattr(torch.optim, node["optimizer_class"], None)
            if not (isinstance(cls, type) and _is_torch_optimizer(cls)):
                raise ValueError(f"unknown optimizer {node['optimizer_class']!r}")
            return cls
        if tag == "object":
            return self._object(node["object"], node["state"])
        raise ValueError(f"unknown tag {tag!r}")

    def _tensor(self, key):
        tensor = self.tensors[key]
        if not isinstance(tensor, torch.Tensor):
            raise TypeError(f"{key} is not a tensor")
        return tensor

    def _array(self, key: str) -> np.ndarray:
        if key in self._decoded:
            return self._decoded[key]
        spec = self.arrays[key]
        dtype = np.dtype(spec["dtype"])
        if dtype.kind in "biuf":
            raw = self._tensor(spec["tensor"]).numpy()
            array = raw.view(dtype) if raw.dtype != dtype else raw
        elif dtype.kind in "OU":
            values = [self.decode(v) for v in spec["values"]]
            if not all(isinstance(v, _ELEMENT_TYPES) for v in values):
                raise ValueError(f"array {key} holds non-plain values")
            array = np.empty(len(values), dtype=dtype)
            array[:] = values
            array = array.reshape(spec["shape"])
        else:
            raise ValueError(f"array {key} has dtype {dtype}")
        self._decoded[key] = array
        return array

    def _object(self, name: str, state_node):
        cls = _known_class(name)
        if cls is None:
            raise ValueError(f"unknown class {name!r}")
        state = self.decode(state_node)
        if not isinstance(state, dict) or not all(isinstance(k, str) for k in state):
            raise ValueError(f"bad state of {name}")
        obj = cls.__new__(cls)
        setstate = getattr(obj, "__setstate__", None)
        if setstate is not None:
            setstate(state)
        else:
            obj.__dict__.update(state)
        if "net" in state_node:
            if type(obj) not in _ESTIMATORS:
                raise ValueError(f"a net in a {name}")
            self._restore_net(obj, state_node["net"])
        return obj

    def _restore_net(self, clf, saved: dict) -> None:
        """Rebuild the classifier's skorch net and load its saved state."""
        clf.device_ = available_device(
            clf.device if self.device is None else self.device
        )
        net = clf._make_net()
        net.module_.load_state_dict(self.decode(saved["module"]))
        for name, state in self.decode(saved["optimizers"]).items():
            getattr(net, name + "_").load_state_dict(state)
        net.history = History(self.decode(saved["history"]))
        net.module_.eval()
        clf.net_ = net
