"""Multi-valued columns: what they give, against the hand-made alternatives.

Three parts, each run once on the test rows of the canonical splits (seed 0)
and written as a reStructuredText table with ``--rst``:

``movielens``
    MovieLens 100K "liked" (rating >= 4), the split of ``corpus.load_problem``. A
    movie's genres enter in four ways: the ``"Comedy|Romance"`` string as
    one category; the first genre alone; the 19 0/1 genre flags as numbers
    (the wide part crossing ``user_id`` with each flag); and one
    multi-valued column (``separators={"genres": "|"}``): one pooled
    embedding in the deep part, one-hot per genre and ``user_id x genres``
    crosses (a feature per genre of the movie) in the wide part. LightGBM's
    defaults beside, on the first three (it takes no list column).
``apps``
    ``make_app_installs(100_000, installed_apps=True)``: the joint model's
    margin over the deep-only one, with and without the cross of the
    installed apps with the candidate app (the paper's cross).
``speed``
    Transforming 1,000,000 rows of one multi-valued column of about 3
    values per cell, against 3 single-valued columns of the same values:
    the two transformers' ``fit_transform`` and ``transform``, medians of 3
    alternated runs.

Run from ``examples/benchmarks``::

    python multivalued.py movielens apps speed [--rst-dir ../../docs]
"""

import argparse
import statistics
import time
from pathlib import Path

import corpus
import numpy as np
import pandas as pd
from harness import reference, rst_table, timed_fit, write_rst
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.model_selection import train_test_split

from sk_widedeep import CrossProductTransformer, EmbeddingEncoder, WideDeepClassifier
from sk_widedeep.__main__ import CROSSES, app_store_models
from sk_widedeep.datasets import make_app_installs
from sk_widedeep.datasets._fetch import GENRES

USERS = ["user_id", "gender", "occupation"]
IDS = ["user_id", "movie_id"]


def movielens_variants(X):
    """Each genre encoding: (X, our model, LightGBM's X or None)."""
    base = X.drop(columns=[*GENRES, "genres"])
    single = [*IDS, "gender", "occupation"]

    def ours(frame, categorical, continuous, crosses, separators=None):
        multi = {"separators": separators} if separators else {}
        wide = CrossProductTransformer(columns=categorical, crosses=crosses, **multi)
        deep = EmbeddingEncoder(categorical=categorical, continuous=continuous, **multi)
        return frame, WideDeepClassifier(wide=wide, deep=deep, random_state=0)

    first = X["genres"].str.split("|").str[0]
    flags = X.drop(columns=["genres"])
    variants = {
        "genres as one category": (
            *ours(
                X.drop(columns=GENRES),
                [*single, "genres"],
                ["age", "year"],
                [("user_id", "genres")],
            ),
            X.drop(columns=GENRES),
        ),
        "first genre": (
            *ours(
                base.assign(genre=first),
                [*single, "genre"],
                ["age", "year"],
                [("user_id", "genre")],
            ),
            base.assign(genre=first),
        ),
        "0/1 genre flags": (
            *ours(
                flags,
                single,
                ["age", "year", *GENRES],
                [("user_id", genre) for genre in GENRES],
            ),
            flags,
        ),
        "multi-valued genres": (
            *ours(
                X.drop(columns=GENRES),
                [*single, "genres"],
                ["age", "year"],
                [("user_id", "genres")],
                separators={"genres": "|"},
            ),
            None,
        ),
    }
    return variants


def lightgbm_frame(X):
    """Text columns as pandas categories, for LightGBM."""
    text = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    return X.astype(dict.fromkeys(text, "category"))


def movielens():
    """Test AUC and log loss of each genre encoding, ours and LightGBM's."""
    X_train, X_test, y_train, y_test = corpus.load_problem("movielens")
    train_variants = movielens_variants(X_train)
    test_variants = movielens_variants(X_test)
    rows = []
    for name, (X_fit, model, boosted) in train_variants.items():
        X_score = test_variants[name][0]
        start = time.perf_counter()
        model.fit(X_fit, y_train)
        seconds = time.perf_counter() - start
        proba = model.predict_proba(X_score)[:, 1]
        rows.append(_row(name, "sk_widedeep", y_test, proba, seconds))
        print(rows[-1], flush=True)
        if boosted is not None:
            both = lightgbm_frame(pd.concat([boosted, test_variants[name][2]]))
            fit_part, score_part = both.iloc[: len(boosted)], both.iloc[len(boosted) :]
            lgbm = reference("LightGBM", 0)
            seconds, _ = timed_fit(lgbm, "LightGBM", fit_part, score_part, y_train)
            proba = lgbm.predict_proba(score_part)[:, 1]
            rows.append(_row(name, "LightGBM", y_test, proba, seconds))
            print(rows[-1], flush=True)
    return pd.DataFrame(rows)


def _row(encoding, model, y, proba, seconds):
    return {
        "genres": encoding,
        "model": model,
        "test AUC": roc_auc_score(y, proba),
        "log loss": log_loss(y, proba),
        "fit seconds": seconds,
    }


def apps():
    """The joint model's margin over deep-only, with and without the cross."""
    X, y = make_app_installs(100_000, installed_apps=True, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=0
    )  # python -m sk_widedeep's split
    scores = {}
    for cross in ("with", "without"):
        models = app_store_models(installed_apps=True, random_state=0)
        if cross == "without":  # the other crosses, the same deep part
            del models["deep-only"]
            for model in models.values():
                model.set_params(wide__crosses=CROSSES)
        for name, model in models.items():
            proba = model.fit(X_train, y_train).predict_proba(X_test)[:, 1]
            scores[(cross, name)] = (
                roc_auc_score(y_test, proba),
                log_loss(y_test, proba),
            )
            print(cross, name, scores[(cross, name)], flush=True)
    deep_auc, deep_loss = scores[("with", "deep-only")]
    rows = []
    for cross in ("with", "without"):
        joint_auc, joint_loss = scores[(cross, "wide & deep")]
        rows.append(
            {
                "installed_apps x app_id cross": cross,
                "wide-only AUC": scores[(cross, "wide-only")][0],
                "joint AUC": joint_auc,
                "deep-only AUC": deep_auc,
                "joint - deep-only AUC": joint_auc - deep_auc,
                "joint log loss": joint_loss,
                "deep-only log loss": deep_loss,
            }
        )
    return pd.DataFrame(rows)


def speed(n_rows=1_000_000, repeats=3):
    """Seconds to encode one multi-valued column against three single ones."""
    rng = np.random.default_rng(0)
    values = np.char.add("v", rng.integers(0, 1000, (n_rows, 3)).astype(str))
    values = values.astype(object)
    lists = np.empty(n_rows, dtype=object)
    lists[:] = values.tolist()
    multi = pd.DataFrame({"x": lists})
    single = pd.DataFrame({f"x{k}": values[:, k] for k in range(3)})
    cases = {
        "one multi-valued column (3 values a cell)": multi,
        "three single-valued columns": single,
    }
    times = {(case, part): [] for case in cases for part in ("wide", "deep")}
    for _ in range(repeats):
        for case, X in cases.items():  # alternated
            for part, make in (
                ("wide", CrossProductTransformer),
                ("deep", EmbeddingEncoder),
            ):
                transformer = make()
                start = time.perf_counter()
                transformer.fit_transform(X) if part == "wide" else transformer.fit(X)
                times[(case, part)].append(time.perf_counter() - start)
    rows = []
    for case in cases:
        rows.append(
            {
                "input": case,
                "CrossProductTransformer.fit_transform (s)": statistics.median(
                    times[(case, "wide")]
                ),
                "EmbeddingEncoder.fit (s)": statistics.median(times[(case, "deep")]),
            }
        )
        print(rows[-1], flush=True)
    return pd.DataFrame(rows)


def frame_rst(table):
    """``table`` as an RST simple table, floats to four decimals."""
    cells = table.map(lambda v: f"{v:.4f}" if isinstance(v, float) else str(v))
    return rst_table(list(cells.columns), cells.to_numpy().tolist())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="+", choices=["movielens", "apps", "speed"])
    parser.add_argument("--rst-dir", type=Path, default=None)
    args = parser.parse_args()
    for part in args.parts:
        table = {"movielens": movielens, "apps": apps, "speed": speed}[part]()
        print(table.to_string(index=False))
        if args.rst_dir is not None:
            write_rst(
                args.rst_dir / f"_multivalued_{part}.rst",
                f"multivalued.py {part} --rst-dir ../../docs",
                frame_rst(table),
            )


if __name__ == "__main__":
    main()
