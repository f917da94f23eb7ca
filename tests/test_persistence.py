"""Model files: pickle and joblib, and the safe format of save()/load()."""

import copy
import io
import json
import os
import pickle
import re
import struct
import time
import tracemalloc
import zipfile
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import EpochTimer
from skorch.exceptions import DeviceWarning

import sk_widedeep
from sk_widedeep import (
    CrossProductTransformer,
    EmbeddingEncoder,
    WideDeepClassifier,
)
from sk_widedeep._estimator import _persistence
from sk_widedeep._estimator._persistence import FORMAT_VERSION
from sk_widedeep._network import _net

from .conftest import FAST, make_frame, run_at_once


@pytest.fixture(scope="module")
def data():
    X, y = make_frame(n_samples=300, seed=40)
    return X, y


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    wide = CrossProductTransformer(crosses=[("education", "occupation")])
    return WideDeepClassifier(wide=wide, **FAST).fit(X, y)


def assert_same_model(loaded, original, X):
    """Same parameters, same fitted attributes, bit-identical probabilities."""
    assert repr(loaded.get_params()) == repr(original.get_params())
    np.testing.assert_array_equal(loaded.predict_proba(X), original.predict_proba(X))
    np.testing.assert_array_equal(loaded.classes_, original.classes_)
    assert loaded.n_iter_ == original.n_iter_
    assert loaded.loss_curve_ == original.loss_curve_
    assert list(loaded.net_.history) == list(original.net_.history)
    for part in ("wide_", "deep_"):
        ours, theirs = getattr(loaded, part), getattr(original, part)
        assert type(ours) is type(theirs)
        if hasattr(theirs, "get_feature_names_out"):
            names = ours.get_feature_names_out(), theirs.get_feature_names_out()
            np.testing.assert_array_equal(*names)


def assert_continues_the_same(loaded, original, X, y):
    """One more epoch from the loaded model equals one from the original."""
    expected = copy.deepcopy(original).partial_fit(X, y)
    loaded.partial_fit(X, y)
    np.testing.assert_array_equal(loaded.predict_proba(X), expected.predict_proba(X))


# pickle and joblib


@pytest.mark.parametrize("library", ["pickle", "joblib"])
def test_pickle_and_joblib_carry_the_fitted_transformers(
    fitted, data, library, tmp_path
):
    X, y = data
    if library == "pickle":
        loaded = pickle.loads(pickle.dumps(fitted))
    else:
        joblib.dump(fitted, tmp_path / "model.joblib")
        loaded = joblib.load(tmp_path / "model.joblib")
    assert loaded.wide_ is not fitted.wide_
    assert loaded.wide_.categories_.keys() == fitted.wide_.categories_.keys()
    assert_same_model(loaded, fitted, X)
    assert_continues_the_same(loaded, fitted, X, y)


def test_a_model_pickled_on_a_gpu_predicts_on_a_cpu(fitted, data, monkeypatch):
    X, _ = data
    on_gpu = copy.deepcopy(fitted)
    on_gpu.device_ = on_gpu.net_.device = "cuda"
    # Pickle as a CUDA machine would: torch tags every storage with its device.
    with monkeypatch.context() as patch:
        patch.setattr(torch.serialization, "location_tag", lambda storage: "cuda:0")
        pickled = pickle.dumps(on_gpu)
    assert b"cuda:0" in pickled
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.warns(DeviceWarning) as warned:
        loaded = pickle.loads(pickled)
    assert any("no CUDA devices are available" in str(w.message) for w in warned)
    assert loaded.device_ == "cpu"
    assert next(loaded.net_.module_.parameters()).device.type == "cpu"
    np.testing.assert_array_equal(loaded.predict_proba(X), fitted.predict_proba(X))


# the safe format: round trips


def _models():
    X, y = make_frame(n_samples=300, seed=41)
    three = np.array(["low", "mid", "high"])[np.arange(len(y)) % 3]
    odd = X.assign(
        mixed=np.array([1, "a", 2.5, "b", True], dtype=object)[np.arange(len(X)) % 5],
        flag=X["hours"] > 40,
        city=X["occupation"].astype("category"),
        count=pd.array(np.where(np.arange(len(X)) % 7, 3, None), dtype="Int64"),
    )
    return {
        "joint, crosses and hashed crosses, three string classes": (
            WideDeepClassifier(
                wide=CrossProductTransformer(
                    crosses=[("education", "occupation"), ("education", "hours")],
                    hash_buckets=64,
                ),
                **FAST,
            ),
            X,
            three,
        ),
        "deep only, quantile scaling, number codes, missing numbers": (
            WideDeepClassifier(
                wide=None,
                deep=EmbeddingEncoder(scaling="quantile", min_number_frequency=2),
                **FAST,
            ),
            X.assign(hours=X["hours"].where(X["hours"] > 35)),
            y,
        ),
        "wide only with adagrad, dict class weights": (
            WideDeepClassifier(
                deep=None, wide_optimizer="adagrad", class_weight={0: 1, 1: 3}, **FAST
            ),
            X,
            y,
        ),
        "mixed, bool, category and Int64 columns, an optimizer class": (
            WideDeepClassifier(deep_optimizer=torch.optim.AdamW, **FAST),
            odd,
            y,
        ),
        "an ndarray without column names": (
            WideDeepClassifier(
                deep=EmbeddingEncoder(categorical=[0, 1, 4], continuous=[5, 6]),
                **FAST,
            ),
            X.to_numpy(),
            y,
        ),
    }


MODELS = _models()


@pytest.mark.parametrize("name", list(MODELS))
def test_safe_format_round_trip_predicts_and_trains_identically(name, tmp_path):
    model, X, y = MODELS[name]
    model = clone(model).fit(X, y)
    model.save(tmp_path / "model.skwd")
    loaded = sk_widedeep.load(tmp_path / "model.skwd")
    assert_same_model(loaded, model, X)
    assert_continues_the_same(loaded, model, X, y)


def test_safe_format_keeps_early_stopping_results(data, tmp_path):
    X, y = data
    model = WideDeepClassifier(**{**FAST, "early_stopping": True}).fit(X, y)
    model.save(tmp_path / "model.skwd")
    loaded = sk_widedeep.load(tmp_path / "model.skwd")
    assert_same_model(loaded, model, X)
    assert loaded.validation_loss_curve_ == model.validation_loss_curve_


def test_safe_format_keeps_sparse_embedding_tables(data, tmp_path, monkeypatch):
    X, y = data
    monkeypatch.setattr(_net, "SPARSE_EMBEDDING_ROWS", 4)
    model = WideDeepClassifier(**FAST).fit(X, y)
    assert hasattr(model.net_, "embedding_optimizer_")
    model.save(tmp_path / "model.skwd")
    loaded = sk_widedeep.load(tmp_path / "model.skwd")
    assert_same_model(loaded, model, X)
    assert_continues_the_same(loaded, model, X, y)


def test_an_unfitted_model_keeps_its_parameters(tmp_path):
    model = WideDeepClassifier(
        wide=CrossProductTransformer(crosses=[("a", "b")]), hidden_units=(7, 3)
    )
    model.save(tmp_path / "model.skwd")
    loaded = sk_widedeep.load(tmp_path / "model.skwd")
    assert repr(loaded.get_params()) == repr(model.get_params())
    with pytest.raises(Exception, match="not fitted"):
        check_is_fitted(loaded)


def test_a_model_asking_for_cuda_loads_on_the_cpu(fitted, data, tmp_path, monkeypatch):
    X, _ = data
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    model = copy.deepcopy(fitted).set_params(device="cuda")
    model.save(tmp_path / "model.skwd")
    with pytest.warns(
        UserWarning, match="no CUDA device here: it is loaded on the CPU"
    ):
        loaded = sk_widedeep.load(tmp_path / "model.skwd")
    assert loaded.device_ == "cpu" and loaded.device == "cuda"
    np.testing.assert_array_equal(loaded.predict_proba(X), fitted.predict_proba(X))
    on_cpu = sk_widedeep.load(tmp_path / "model.skwd", device="cpu")
    assert on_cpu.device_ == "cpu"
    with pytest.raises(ValueError, match="is not a torch device"):
        sk_widedeep.load(tmp_path / "model.skwd", device="gpu please")


@pytest.mark.skipif(
    hasattr(torch, "xpu") and torch.xpu.is_available(), reason="an xpu device is here"
)
def test_a_model_asking_for_a_device_this_torch_lacks_loads_on_the_cpu(
    fitted, data, tmp_path
):
    X, _ = data
    model = copy.deepcopy(fitted).set_params(device="xpu")
    model.save(tmp_path / "model.skwd")
    with pytest.warns(
        UserWarning, match="no 'xpu' device here: it is loaded on the CPU"
    ):
        loaded = sk_widedeep.load(tmp_path / "model.skwd")
    assert loaded.device_ == "cpu" and loaded.device == "xpu"
    np.testing.assert_array_equal(loaded.predict_proba(X), fitted.predict_proba(X))
    with pytest.raises(ValueError, match="device='xpu', but this torch"):
        sk_widedeep.load(tmp_path / "model.skwd", device="xpu")


def test_the_file_holds_json_and_tensors_only(fitted, tmp_path):
    fitted.save(tmp_path / "model.skwd")
    assert os.listdir(tmp_path) == ["model.skwd"]  # no temporary file left
    with zipfile.ZipFile(tmp_path / "model.skwd") as archive:
        assert sorted(archive.namelist()) == ["model.json", "tensors.pt"]
        document = json.loads(archive.read("model.json"))
        tensors = torch.load(io.BytesIO(archive.read("tensors.pt")), weights_only=True)
    assert document["format_version"] == FORMAT_VERSION
    assert document["sk_widedeep_version"] == sk_widedeep.__version__
    assert all(isinstance(t, torch.Tensor) for t in tensors.values())
    # the vocabularies are readable JSON
    values = [a.get("values", []) for a in document["arrays"].values()]
    assert any("Bachelors" in v for v in values)


# the safe format: what it refuses


@pytest.mark.parametrize(
    "change, message",
    [
        (
            {"callbacks": [EpochTimer()]},
            "cannot store WideDeepClassifier.callbacks[0] (of type EpochTimer). Set "
            "callbacks=None",
        ),
        (
            {"wide": OneHotEncoder(handle_unknown="ignore")},
            "cannot store WideDeepClassifier.wide (of type OneHotEncoder). The safe "
            "format "
            "stores sk_widedeep's own transformers",
        ),
    ],
    ids=["callbacks", "a scikit-learn transformer"],
)
def test_save_refuses_what_it_cannot_store_by_name(change, message, data, tmp_path):
    model = WideDeepClassifier(**FAST).set_params(**change)
    with pytest.raises(TypeError, match=re.escape(message)):
        model.save(tmp_path / "model.skwd")
    assert not (tmp_path / "model.skwd").exists()


def test_save_refuses_categories_that_are_not_plain_values(tmp_path):
    X = pd.DataFrame(
        {"day": pd.date_range("2024-01-01", periods=40).astype(object), "n": 1.0}
    )
    model = WideDeepClassifier(
        deep=EmbeddingEncoder(categorical=["day"]), hidden_units=(2,), max_epochs=1
    ).fit(X, np.arange(40) % 2)
    with pytest.raises(TypeError, match="Category values must be strings, numbers"):
        model.save(tmp_path / "model.skwd")


def _rewrite(path, *, document=None, tensors=None):
    """Rewrite a model file's members (a hand-made or tampered file)."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    if document is not None:
        members["model.json"] = json.dumps(document).encode()
    if tensors is not None:
        members["tensors.pt"] = tensors
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)


@pytest.fixture()
def saved(fitted, tmp_path):
    path = tmp_path / "model.skwd"
    fitted.save(path)
    with zipfile.ZipFile(path) as archive:
        document = json.loads(archive.read("model.json"))
    return path, document


def test_load_refuses_files_that_are_not_model_files(tmp_path, saved):
    path, _ = saved
    csv = tmp_path / "data.csv"
    csv.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="is not a valid sk_widedeep model file"):
        sk_widedeep.load(csv)
    truncated = tmp_path / "truncated.skwd"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ValueError, match="not a readable zip archive"):
        sk_widedeep.load(truncated)


def test_load_refuses_a_damaged_file(saved, tmp_path):
    path, _ = saved
    content = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("tensors.pt")
    content[info.header_offset + 200] ^= 0xFF  # a flipped byte inside the weights
    damaged = tmp_path / "damaged.skwd"
    damaged.write_bytes(bytes(content))
    with pytest.raises(ValueError, match="is not a valid sk_widedeep model file"):
        sk_widedeep.load(damaged)


def test_load_refuses_a_newer_format(saved):
    path, document = saved
    _rewrite(path, document={**document, "format_version": FORMAT_VERSION + 1})
    with pytest.raises(ValueError, match="Upgrade sk_widedeep to load it"):
        sk_widedeep.load(path)


def test_load_makes_no_object_of_a_class_it_does_not_know(saved):
    path, document = saved
    document["estimator"]["object"] = "os.system"
    _rewrite(path, document=document)
    with pytest.raises(ValueError, match="unknown class 'os.system'"):
        sk_widedeep.load(path)


class _Payload:
    """Unpickling this runs code: it creates a file."""

    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        return (Path.touch, (Path(self.target),))


@pytest.mark.filterwarnings("ignore:Detected pickle protocol:UserWarning")
def test_load_runs_no_code_from_the_file(saved, tmp_path):
    path, _ = saved
    proof, target = tmp_path / "proof.txt", tmp_path / "pwned.txt"
    pickle.loads(pickle.dumps(_Payload(proof)))
    assert proof.exists()  # plain unpickling runs the payload
    _rewrite(path, tensors=pickle.dumps({"t0": _Payload(target)}))
    with pytest.raises(ValueError, match="is not a file of plain tensors, refused"):
        sk_widedeep.load(path)
    assert not target.exists()


# crafted files: members that inflate far beyond the file


def _refused_fast_and_small(path, match):
    """load(path) raises at once, without the memory the member would take."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(ValueError, match=match):
            sk_widedeep.load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - start < 2.0
    assert peak < 8 * 2**20, f"{peak / 2**20:.0f} MiB read before refusing"


def test_load_refuses_a_member_that_inflates_a_thousandfold(saved):
    # valid JSON still (whitespace may follow the document), but 64 MiB of it
    # from 64 KiB in the file: refused from the sizes, before reading
    path, document = saved
    with zipfile.ZipFile(path) as archive:
        tensors = archive.read("tensors.pt")
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("model.json")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w") as member:
            member.write(json.dumps(document).encode())
            for _ in range(64):
                member.write(b" " * 2**20)
        archive.writestr("tensors.pt", tensors)
    _refused_fast_and_small(path, r"model.json inflates to 6\d{7} bytes, \d+ times")


def test_load_refuses_a_member_that_declares_a_gibibyte(saved):
    # the zip directory claims that model.json inflates to 1 GiB
    path, _ = saved
    content = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("model.json")
    struct.pack_into("<I", content, info.header_offset + 22, 2**30)  # local header
    at = content.find(b"PK\x01\x02")  # the central directory's entries
    while at >= 0:
        length = struct.unpack_from("<H", content, at + 28)[0]
        if content[at + 46 : at + 46 + length] == b"model.json":
            struct.pack_into("<I", content, at + 24, 2**30)
        at = content.find(b"PK\x01\x02", at + 1)
    path.write_bytes(bytes(content))
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("model.json").file_size == 2**30
    _refused_fast_and_small(path, "model.json inflates to 1073741824 bytes")


def test_load_refuses_members_beyond_the_size_limit(saved, monkeypatch):
    path, _ = saved
    monkeypatch.setattr(_persistence, "MAX_MEMBER_BYTES", 1000)
    with pytest.raises(
        ValueError, match=r"\(model.json holds \d+ bytes, more than the 1000 bytes"
    ):
        sk_widedeep.load(path)


# saving: one unique temporary file per save, renamed over the target


def _save_at_once(models, path):
    """Save every model to ``path`` from its own thread, all at once; the errors."""
    return run_at_once(lambda model: model.save(path), models)


def test_threads_saving_to_one_path_each_succeed(fitted, data, tmp_path):
    X, _ = data
    path = tmp_path / "model.skwd"
    models = [copy.deepcopy(fitted) for _ in range(6)]
    for _ in range(3):  # rounds: the race is not certain in any one of them
        assert _save_at_once(models, path) == []
        loaded = sk_widedeep.load(path)  # a whole file, from one of the saves
        np.testing.assert_array_equal(loaded.predict_proba(X), fitted.predict_proba(X))
        assert os.listdir(tmp_path) == ["model.skwd"]


def test_a_save_that_fails_leaves_nothing_behind(fitted, tmp_path, monkeypatch):
    path = tmp_path / "model.skwd"
    fitted.save(path)
    before = path.read_bytes()

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(_persistence.json, "dumps", fail)
    with pytest.raises(OSError, match="disk full"):
        fitted.save(path)
    assert os.listdir(tmp_path) == ["model.skwd"]
    assert path.read_bytes() == before  # the previous file is intact


def test_save_to_a_folder_is_refused_before_writing(fitted, tmp_path):
    folder = tmp_path / "models"
    folder.mkdir()
    with pytest.raises(IsADirectoryError, match="is a folder: give the path of a file"):
        fitted.save(folder)
    assert os.listdir(folder) == [] and os.listdir(tmp_path) == ["models"]


def test_the_format_imports_no_estimator_and_loads_any_in_a_fresh_process(tmp_path):
    # the estimators register themselves; the format's module imports none
    # of them (no import cycle), and load() imports the one a file names
    import subprocess
    import sys

    from sk_widedeep import WideDeepRegressor
    from sk_widedeep.datasets import make_app_installs

    X, y = make_app_installs(n_samples=300, random_state=0)
    WideDeepRegressor(hidden_units=(8,), max_epochs=1, random_state=0).fit(
        X, y.astype(float)
    ).save(tmp_path / "model.skwd")
    code = (
        "import sys\n"
        "import sk_widedeep._estimator._persistence as p\n"
        "print(sorted(m for m in sys.modules if m.startswith('sk_widedeep._')\n"
        "      and m.endswith(('classifier', 'regressor', 'base'))))\n"
        f"model = p.load({str(tmp_path / 'model.skwd')!r})\n"
        "print(type(model).__name__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["[]", "WideDeepRegressor"]
