"""The ``sk-widedeep`` command line: fit, predict, formats, roles and errors."""

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sk_widedeep
from sk_widedeep._cli import main
from sk_widedeep.datasets import make_app_installs

FAST = ["--hidden-units", "8", "--max-epochs", "1", "--batch-size", "64"]
FAST += ["--random-state", "0", "--device", "cpu"]


def cli_command():
    """The installed console script, else the module run by this interpreter."""
    script = shutil.which("sk-widedeep")
    return [script] if script else [sys.executable, "-m", "sk_widedeep._cli"]


def make_table(n_samples=600):
    """App installs with a zero-padded id in shuffled order, an integer user id
    and a 'plan' column of text, some of whose values look like numbers."""
    X, y = make_app_installs(n_samples, random_state=0)
    rng = np.random.default_rng(0)
    data = X.assign(
        user=rng.integers(1000, 1040, n_samples),
        plan=rng.choice(["basic", "7", "12"], n_samples),
        installed=y,
    )
    impression = pd.Series(rng.permutation(n_samples)).astype(str).str.zfill(6)
    data.insert(0, "impression", impression.to_numpy())
    return data


@pytest.fixture(scope="module")
def csv_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "apps.csv"
    make_table().to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def model_file(csv_file):
    """A model fitted in-process on csv_file, impression as an id column."""
    path = csv_file.with_name("fixture.skwd")
    argv = ["fit", str(csv_file), "--target", "installed", "--id", "impression"]
    assert main([*argv, "-o", str(path), *FAST]) == 0
    return path


def test_cli_fit_then_predict_end_to_end(tmp_path, csv_file):
    model, scores = tmp_path / "model.skwd", tmp_path / "scores.csv"
    fit = [*cli_command(), "fit", str(csv_file), "--target", "installed"]
    fit += ["--id", "impression", "-o", str(model), *FAST]
    done = subprocess.run(fit, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "600 rows" in done.stdout and "final training loss" in done.stdout
    predict = [*cli_command(), "predict", str(model), str(csv_file)]
    predict += ["--id", "impression", "-o", str(scores)]
    done = subprocess.run(predict, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr

    raw = pd.read_csv(csv_file, dtype=str)
    out = pd.read_csv(scores, dtype={"impression": str})
    assert out.columns.tolist() == ["impression", "proba_0", "proba_1", "prediction"]
    # same rows, same (shuffled) order, ids verbatim: zero padding kept
    assert out["impression"].tolist() == raw["impression"].tolist()
    assert out["impression"].str.len().eq(6).all()
    proba = out[["proba_0", "proba_1"]].to_numpy()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)

    loaded = sk_widedeep.load(model)
    assert "impression" not in loaded.feature_names_in_
    assert "installed" not in loaded.feature_names_in_
    X = pd.read_csv(csv_file)[loaded.feature_names_in_]
    np.testing.assert_allclose(proba, loaded.predict_proba(X), rtol=1e-12, atol=0)
    np.testing.assert_array_equal(out["prediction"], loaded.predict(X))


def test_cli_parquet_round_trip(tmp_path):
    pytest.importorskip("pyarrow")
    data = make_table(300)
    path, model = tmp_path / "apps.parquet", tmp_path / "model.skwd"
    data.to_parquet(path, index=False)
    argv = ["fit", str(path), "--target", "installed", "--id", "impression"]
    assert main([*argv, "--categorical", "user,country", "-o", str(model), *FAST]) == 0
    scores = tmp_path / "scores.pq"
    argv = ["predict", str(model), str(path), "--id", "impression"]
    assert main([*argv, "--keep", "installed", "-o", str(scores)]) == 0
    out = pd.read_parquet(scores)
    assert out.columns.tolist() == [
        "impression",
        "installed",
        "proba_0",
        "proba_1",
        "prediction",
    ]
    assert out["impression"].tolist() == data["impression"].tolist()
    assert out["installed"].tolist() == data["installed"].tolist()
    loaded = sk_widedeep.load(model)
    X = data[loaded.feature_names_in_].astype({"user": "str"})  # --categorical: text
    np.testing.assert_array_equal(
        out[["proba_0", "proba_1"]].to_numpy(), loaded.predict_proba(X)
    )


def test_cli_role_options_reach_the_estimator(tmp_path, csv_file, capsys):
    model = tmp_path / "model.skwd"
    argv = ["fit", str(csv_file), "--target", "installed", "--id", "impression"]
    argv += ["--categorical", "country,app_id,user", "--continuous", "age"]
    argv += ["--cross", "country:app_id", "--cross", "device:app_category:language"]
    assert main([*argv, "-o", str(model), *FAST]) == 0
    loaded = sk_widedeep.load(model)
    wide, deep = loaded.wide_, loaded.deep_
    assert wide.columns_ == ["country", "app_id", "user"]  # --wide defaults to these
    assert wide.crosses_ == [
        ("country", "app_id"),
        ("device", "app_category", "language"),
    ]
    assert deep.categorical_columns_ == ["country", "app_id", "user"]
    assert deep.continuous_columns_ == ["age"]
    # the integer id named categorical is one-hot per value, not cut into bins
    assert "user" in wide.categories_ and "user" not in wide.bin_edges_
    assert len(wide.categories_["user"]) == 40
    assert loaded.hidden_units == (8,) and loaded.max_epochs == 1
    assert loaded.batch_size == 64 and loaded.random_state == 0
    out = capsys.readouterr().out
    assert "unused (in no part): installed_category, app_language, app_rating" in out


def test_cli_wide_only_with_explicit_wide_columns(tmp_path, csv_file):
    model = tmp_path / "model.skwd"
    argv = ["fit", str(csv_file), "--target", "installed", "--drop", "impression"]
    argv += ["--wide", "country,device", "--no-deep", "-o", str(model), *FAST]
    assert main(argv) == 0
    loaded = sk_widedeep.load(model)
    assert loaded.deep_ is None
    assert loaded.wide_.columns_ == ["country", "device"]
    assert "impression" not in loaded.feature_names_in_


def test_cli_multiclass_text_labels_give_a_column_per_class(tmp_path, capsys):
    rng = np.random.default_rng(0)
    data = pd.DataFrame(
        {
            "colour": rng.choice(["red", "green", "blue"], 200),
            "size": rng.normal(size=200),
        }
    )
    data["label"] = np.where(data["colour"] == "red", "hot", "cold")
    data.loc[data["size"] > 1, "label"] = "huge"
    path, model = tmp_path / "train.tsv", tmp_path / "model.skwd"
    data.to_csv(path, sep="\t", index=False)
    assert main(["fit", str(path), "--target", "label", "-o", str(model), *FAST]) == 0
    capsys.readouterr()
    assert main(["predict", str(model), str(path), "--keep", "label"]) == 0
    out = pd.read_csv(io.StringIO(capsys.readouterr().out))
    names = ["proba_cold", "proba_hot", "proba_huge"]
    assert out.columns.tolist() == ["label", *names, "prediction"]
    np.testing.assert_allclose(out[names].sum(axis=1), 1.0, atol=1e-12)
    assert set(out["prediction"]) <= {"cold", "hot", "huge"}
    assert out["label"].tolist() == data["label"].tolist()


def test_cli_predict_reads_columns_as_the_model_saw_them(
    tmp_path, csv_file, model_file
):
    data = pd.read_csv(csv_file, dtype={"plan": str, "impression": str})
    # Other column order, an extra column, and a 'plan' column of digits only,
    # which pandas alone would read as integers (a text column in fit).
    digits = data[data["plan"] != "basic"][data.columns[::-1]].assign(extra=1.5)
    path, scores = tmp_path / "digits.csv.gz", tmp_path / "scores.csv"
    digits.to_csv(path, index=False)
    argv = ["predict", str(model_file), str(path), "--id", "impression"]
    assert main([*argv, "-o", str(scores)]) == 0
    out = pd.read_csv(scores, dtype={"impression": str})
    loaded = sk_widedeep.load(model_file)
    expected = loaded.predict_proba(digits[loaded.feature_names_in_])
    np.testing.assert_allclose(out[["proba_0", "proba_1"]], expected, rtol=1e-12)
    assert out["impression"].tolist() == digits["impression"].tolist()


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--target", "installed", "-o", "{tmp}/m.skwd"], "missing.csv"),
        (["--target", "income", "-o", "{tmp}/m.skwd"], "'income'"),
        (["--target", "installed", "--cross", "country:nope"], "'nope'"),
        (["--target", "installed", "--id", "user_id"], "'user_id'"),
        (["--target", "installed", "-o", "{tmp}/no/dir/m.skwd"], "no/dir/m.skwd"),
    ],
    ids=["missing-file", "unknown-target", "unknown-cross", "unknown-id", "no-dir"],
)
def test_cli_fit_errors(tmp_path, csv_file, capsys, argv, named):
    data = tmp_path / "missing.csv" if named == "missing.csv" else csv_file
    argv = [a.format(tmp=tmp_path) for a in argv]
    if "-o" not in argv:
        argv += ["-o", str(tmp_path / "m.skwd")]
    assert main(["fit", str(data), *argv, *FAST]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sk-widedeep: error: ") and named in err
    assert "Traceback" not in err
    if named.startswith("'"):
        assert "country" in err  # the available columns are listed
    assert not (tmp_path / "m.skwd").exists()


def test_cli_regression_on_a_text_target_names_the_column_and_the_task(
    tmp_path, csv_file, capsys
):
    data = pd.read_csv(csv_file)
    data["answer"] = np.where(data["installed"] == 1, "yes", "no")
    data.to_csv(tmp_path / "text.csv", index=False)
    argv = ["fit", str(tmp_path / "text.csv"), "--target", "answer", "--task"]
    argv += ["regression", "--drop", "installed", "-o", str(tmp_path / "m.skwd")]
    assert main([*argv, *FAST]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sk-widedeep: error: --task regression needs numbers")
    assert "--target column 'answer'" in err and "--task classification" in err
    assert "WideDeepClassifier" not in err and not (tmp_path / "m.skwd").exists()


def test_cli_fits_a_parquet_list_column_from_100_rows(tmp_path, capsys):
    # the id warning counted values with nunique(), which the arrays of a
    # list column cannot be ("unhashable type: 'numpy.ndarray'")
    pytest.importorskip("pyarrow")
    X, y = make_app_installs(300, installed_apps=True, random_state=0)
    path, model = tmp_path / "apps.parquet", tmp_path / "apps.skwd"
    X.assign(installed=y).to_parquet(path, index=False)
    fit = ["fit", str(path), "--target", "installed", "-o", str(model), *FAST]
    assert main(fit) == 0
    out, err = capsys.readouterr()
    assert "deep categorical:" in out and "installed_apps" in out
    assert "like an id" not in err
    assert sk_widedeep.load(model).wide_.multi_valued_columns_ == ["installed_apps"]


def test_cli_exports_a_multi_valued_column(tmp_path, capsys):
    onnxruntime = pytest.importorskip("onnxruntime")
    pytest.importorskip("skl2onnx")
    from sk_widedeep.onnx import feeds

    X, y = make_app_installs(300, installed_apps=True, random_state=0)
    X["installed_apps"] = X["installed_apps"].map("|".join)
    X.loc[X.index[:5], "installed_apps"] = None  # missing cells: empty CSV fields
    path, model = tmp_path / "apps.csv", tmp_path / "apps.skwd"
    X.assign(installed=y).to_csv(path, index=False)
    fit = ["fit", str(path), "--target", "installed", "-o", str(model), *FAST]
    assert main([*fit, "--multi-valued", "installed_apps=|"]) == 0
    graph = tmp_path / "apps.onnx"
    assert main(["export", str(model), str(path), "-o", str(graph)]) == 0
    assert "one per column the model uses" in capsys.readouterr().out
    loaded = sk_widedeep.load(model)
    rows = pd.read_csv(path).drop(columns="installed")
    session = onnxruntime.InferenceSession(str(graph))
    _, proba = session.run(None, feeds(rows, loaded))
    np.testing.assert_allclose(proba, loaded.predict_proba(rows), atol=1e-5, rtol=0)


@pytest.mark.parametrize(
    "target, message",
    [
        ("folder", "is a folder"),
        ("under a file", "does not exist"),
        ("read-only file system", "cannot write"),
    ],
)
def test_cli_fit_checks_the_output_before_training(
    tmp_path, csv_file, capsys, monkeypatch, target, message
):
    folder = tmp_path / "out"
    folder.mkdir()
    output = folder
    if target == "under a file":
        (folder / "a file").write_text("")
        output = folder / "a file" / "m.skwd"
    elif target == "read-only file system":
        # procfs takes no new file, even from root (whom a chmod would not stop)
        if not Path("/proc/self").is_dir():
            pytest.skip("no /proc: not Linux")
        output = Path("/proc/self/m.skwd")

    def no_training(*args, **kwargs):
        raise AssertionError("fit ran")

    monkeypatch.setattr(sk_widedeep.WideDeepClassifier, "fit", no_training)
    argv = ["fit", str(csv_file), "--target", "installed", "-o", str(output)]
    assert main([*argv, *FAST]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sk-widedeep: error: ") and str(output) in err
    assert message in err and "Traceback" not in err
    written = sorted(os.listdir(folder))
    assert written == (["a file"] if target == "under a file" else [])
    assert os.listdir(tmp_path) == ["out"]


def test_cli_predict_errors(tmp_path, csv_file, model_file, capsys):
    without_age = tmp_path / "new.csv"
    pd.read_csv(csv_file).drop(columns="age").to_csv(without_age, index=False)
    assert main(["predict", str(model_file), str(without_age)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sk-widedeep: error: ")
    assert "'age'" in err and "new.csv" in err and "app_rating" in err

    missing_model = tmp_path / "none.skwd"
    assert main(["predict", str(missing_model), str(csv_file)]) == 2
    assert "none.skwd" in capsys.readouterr().err

    assert main(["predict", str(csv_file), str(csv_file)]) == 2  # not a model
    assert "not a valid sk_widedeep model file" in capsys.readouterr().err

    argv = ["predict", str(model_file), str(csv_file), "-o", str(tmp_path / "s.xlsx")]
    assert main(argv) == 2
    assert "s.xlsx" in capsys.readouterr().err


def test_cli_usage_errors_exit_2(capsys):
    assert main([]) == 2
    assert "required" in capsys.readouterr().err
    argv = ["fit", "x.csv", "--target", "y", "-o", "m", "--wide", "a", "--no-wide"]
    assert main(argv) == 2
    assert "not allowed with" in capsys.readouterr().err
    assert main(["fit", "x.csv", "--target", "y", "-o", "m", "--cross", "a"]) == 2
    assert "a:b" in capsys.readouterr().err


def test_cli_help(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "fit" in out and "predict" in out and "examples:" in out
    assert main(["fit", "--help"]) == 0
    out = capsys.readouterr().out
    options = ["--target", "--output", "--wide", "--no-wide", "--cross"]
    options += ["--categorical", "--continuous", "--no-deep", "--id", "--drop"]
    options += ["--hidden-units", "--max-epochs", "--batch-size", "--early-stopping"]
    options += ["--random-state", "--device", "--verbose"]
    assert all(option in out for option in options)
    assert "(default: 50)" in out and "examples:" in out
    assert main(["predict", "--help"]) == 0
    out = capsys.readouterr().out
    assert all(option in out for option in ["--output", "--id", "--keep"])
    assert "proba_<class>" in out


def test_cli_warns_of_an_id_column_trained_on_as_a_feature(tmp_path, csv_file, capsys):
    model = str(tmp_path / "m.skwd")
    argv = ["fit", str(csv_file), "--target", "installed", "-o", model, *FAST]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert err == (
        "sk-widedeep: warning: column 'impression' has a different value in each "
        "of the 600 rows, like an id: the model would learn each value by heart and "
        "know none of those of new rows. Pass it as --id impression (kept out of "
        "the features, and copied to the scores by 'predict --id impression'), or "
        "--drop impression.\n"
    )
    assert main([*argv, "--id", "impression"]) == 0
    assert capsys.readouterr().err == ""


def test_cli_help_imports_neither_torch_nor_pandas():
    code = (
        "import sys\n"
        "from sk_widedeep._cli import main\n"
        "assert main(['fit', '--help']) == 0\n"
        "heavy = {'torch', 'pandas', 'sklearn'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "--max-epochs" in done.stdout


def test_cli_help_shows_the_classifier_defaults():
    from sk_widedeep._cli import DEFAULTS

    params = sk_widedeep.WideDeepClassifier().get_params()
    assert DEFAULTS == {name: params[name] for name in DEFAULTS}
