"""Speed and memory of WideDeepClassifier against references run in the same process.

On Adult (the canonical 80/20 split, 39,073 training rows), with embeddings of
16 dimensions and a 256-128 ReLU MLP, Adam at lr=1e-3:

(a) ``fit`` end to end (encoding included) against a plain PyTorch loop written
    below for the same architecture and optimizer (encoding included), at
    several batch sizes: rows/s and their ratio;
(b) ``predict_proba`` latency on 1, 200 and all test rows of a raw DataFrame,
    against LightGBM's ``predict_proba`` on the same rows;
(c) peak resident memory of a process that fits the model, against a process
    that runs the plain loop;
(d) serving: a fresh process that loads the model and scores 200 rows;
(e) a multi-valued model (the app store's ``installed_apps``, pooled in the
    deep part and crossed with the candidate app in the wide part), with
    vocabularies and hashed (``hash_buckets``): latency of ``predict_proba``
    and onnxruntime on 1 and 200 raw rows, against LightGBM on the same rows
    (the list column one-hot encoded by scikit-learn's
    ``MultiLabelBinarizer`` inside the timed call);
(f) the string hash's cost in a hashed transformer's ``transform``:
    TensorFlow's Hash64 (this release) against SipHash (before), the same
    fitted transformer, alternated.

Run from the repository root (``pip install ".[benchmarks,onnx]"``)::

    python examples/benchmarks/speed.py [--only-multi-valued] [--only-hash-cost]

The shared data folder is found above the repository (``../shared/data``);
``--data-home`` or ``$SK_WIDEDEEP_DATA`` point elsewhere.
"""

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from corpus import ADULT_CATEGORICAL as CATEGORICAL
from corpus import ADULT_CONTINUOUS as CONTINUOUS
from corpus import ADULT_CROSSES as CROSSES
from corpus import DATA_HOME, load_problem
from harness import fresh_call, fresh_json, memory_mb
from torch import nn

from sk_widedeep import CrossProductTransformer, EmbeddingEncoder, WideDeepClassifier

EMBEDDING_DIM = 16
HIDDEN_UNITS = (256, 128)
LR = 1e-3


def make_model(batch_size, epochs):
    return WideDeepClassifier(
        wide=CrossProductTransformer(columns=CATEGORICAL, crosses=CROSSES),
        # The plain loop's inputs: standardized numbers, not also embedded.
        deep=EmbeddingEncoder(
            categorical=CATEGORICAL,
            continuous=CONTINUOUS,
            embedding_dim=EMBEDDING_DIM,
            scaling="standard",
            continuous_encoding="scaled",
            embed_continuous=False,
        ),
        hidden_units=HIDDEN_UNITS,
        # The plain loop's optimizer: Adam over every weight, dense gradients.
        wide_optimizer=torch.optim.Adam,
        wide_lr=LR,
        deep_optimizer="adam",
        deep_lr=LR,
        deep_l2=0.0,
        batch_size=batch_size,
        max_epochs=epochs,
        early_stopping=False,  # the plain loop trains on every row
        n_jobs=-1,  # and with torch's own thread count
        device="cpu",
        random_state=0,
    )


# ---------------------------------------------------------------- the plain loop
class PlainWideDeep(nn.Module):
    """Wide & Deep as one would write it by hand."""

    def __init__(self, n_wide, cardinalities, n_continuous):
        super().__init__()
        self.wide = nn.EmbeddingBag(n_wide, 1, mode="sum")
        nn.init.zeros_(self.wide.weight)
        self.embeddings = nn.ModuleList(
            nn.Embedding(n, EMBEDDING_DIM) for n in cardinalities
        )
        width = EMBEDDING_DIM * len(cardinalities) + n_continuous
        layers = []
        for units in HIDDEN_UNITS:
            layers += [nn.Linear(width, units), nn.ReLU()]
            width = units
        self.deep = nn.Sequential(*layers, nn.Linear(width, 1))

    def forward(self, wide, categorical, continuous):
        embedded = [e(categorical[:, j]) for j, e in enumerate(self.embeddings)]
        deep = self.deep(torch.cat([*embedded, continuous], dim=1))
        return (self.wide(wide) + deep)[:, 0]


def plain_encode(X):
    """Codes, wide indices and standardized numbers, with pandas and numpy."""
    codes = np.column_stack([pd.factorize(X[c])[0] + 1 for c in CATEGORICAL])
    blocks = [codes[:, j] for j in range(len(CATEGORICAL))]
    for a, b in CROSSES:
        ia, ib = CATEGORICAL.index(a), CATEGORICAL.index(b)
        key = codes[:, ia] * (codes[:, ib].max() + 1) + codes[:, ib]
        blocks.append(pd.factorize(key)[0] + 1)
    widths = [block.max() + 1 for block in blocks]
    offsets = np.concatenate([[0], np.cumsum(widths)[:-1]])
    wide = np.column_stack(blocks) + offsets
    numbers = X[CONTINUOUS].to_numpy(dtype=np.float32)
    numbers = (numbers - numbers.mean(axis=0)) / numbers.std(axis=0)
    cardinalities = codes.max(axis=0) + 1
    return wide, codes, numbers, int(sum(widths)), cardinalities


def plain_fit(X, y, batch_size, epochs):
    """Encode and train with a hand-written loop over pre-built tensors."""
    torch.manual_seed(0)
    wide, codes, numbers, n_wide, cardinalities = plain_encode(X)
    wide, codes = torch.from_numpy(wide), torch.from_numpy(codes)
    numbers = torch.from_numpy(numbers)
    target = torch.tensor(np.asarray(y), dtype=torch.float32)
    model = PlainWideDeep(n_wide, cardinalities, numbers.shape[1])
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn = nn.BCEWithLogitsLoss()
    for _ in range(epochs):
        order = torch.randperm(len(target))
        total = torch.zeros(())
        for start in range(0, len(target), batch_size):
            rows = order[start : start + batch_size]
            loss = loss_fn(model(wide[rows], codes[rows], numbers[rows]), target[rows])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.detach()
        total.item()
    return model


# ---------------------------------------------------------------- measurements
def timings(fn, repeats):
    """Seconds taken by each of ``repeats`` calls of ``fn``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def median_ms(fn, repeats):
    """Milliseconds of ``fn``'s median call, after one call to warm it up."""
    fn()
    return 1e3 * statistics.median(timings(fn, repeats))


def batches(repeats):
    """The (rows, calls) of the latency tables: 1 row and 200 rows."""
    return [(1, repeats * 100), (200, repeats * 30)]


def fit_throughput(X, y, batch_sizes, epochs, repeats):
    rows = []
    for batch_size in batch_sizes:
        plain, ours = [], []
        for _ in range(repeats):  # interleaved, so both see the same machine
            plain += timings(lambda b=batch_size: plain_fit(X, y, b, epochs), 1)
            ours += timings(lambda b=batch_size: make_model(b, epochs).fit(X, y), 1)
        plain, ours = statistics.median(plain), statistics.median(ours)
        rows.append(
            {
                "batch size": batch_size,
                "plain loop rows/s": epochs * len(X) / plain,
                "WideDeepClassifier rows/s": epochs * len(X) / ours,
                "ratio": plain / ours,
            }
        )
    return pd.DataFrame(rows)


def predict_latency(model, X_train, y_train, X_test, repeats):
    """(b): ``predict_proba`` and onnxruntime (raw rows in) against LightGBM."""
    import lightgbm

    from sk_widedeep.onnx import feeds, inference_session, to_onnx

    def as_categories(X):
        X = X.copy()
        for c in CATEGORICAL:
            X[c] = pd.Categorical(X[c], categories=categories[c])
        return X

    categories = {c: sorted(X_train[c].unique()) for c in CATEGORICAL}
    session = inference_session(to_onnx(model, X_train.iloc[:5]))
    booster = lightgbm.LGBMClassifier(n_estimators=200, verbose=-1, random_state=0)
    booster.fit(as_categories(X_train), y_train)
    X_test_lgbm = as_categories(X_test)
    rows = []
    for n_rows, n_repeats in [*batches(repeats), (len(X_test), repeats)]:
        ours_rows, lgbm_rows = X_test.iloc[:n_rows], X_test_lgbm.iloc[:n_rows]
        ours = median_ms(lambda r=ours_rows: model.predict_proba(r), n_repeats)
        lgbm = median_ms(lambda r=lgbm_rows: booster.predict_proba(r), n_repeats)
        row = {
            "rows": n_rows,
            "WideDeepClassifier ms": ours,
            "LightGBM ms": lgbm,
            "ratio": ours / lgbm,
        }
        # raw rows in: the feeds are built each call
        score = lambda r=ours_rows: session.run(None, feeds(r, model))  # noqa: E731
        row["onnxruntime ms"] = median_ms(score, n_repeats)
        rows.append(row)
    return pd.DataFrame(rows)


SERVING_CHILD = {
    "onnxruntime": (
        "import time, sys; start = time.perf_counter()\n"
        "import numpy as np, onnxruntime\n"
        "batch = dict(np.load(sys.argv[2], allow_pickle=False))\n"
        "session = onnxruntime.InferenceSession(sys.argv[1])\n"
        "session.run(None, batch)\n"
    ),
    "sk_widedeep": (
        "import time, sys; start = time.perf_counter()\n"
        "import pandas as pd, sk_widedeep\n"
        "batch = pd.read_pickle(sys.argv[3])\n"
        "model = sk_widedeep.load(sys.argv[4])\n"
        "model.predict_proba(batch)\n"
    ),
}
SERVING_TAIL = (
    "seconds = time.perf_counter() - start\n"
    "peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
    "print([seconds, int(peak.split()[1]) / 1024])\n"
)


def serving(model, X_train, X_test, repeats):
    """File sizes, and a fresh process's start-up and peak memory to score 200 rows."""
    import tempfile

    from sk_widedeep.onnx import feeds, to_onnx

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "model.onnx").write_bytes(
            to_onnx(model, X_train.iloc[:5]).SerializeToString()
        )
        model.save(folder / "model.skwd")
        batch = X_test.iloc[:200]
        np.savez(folder / "batch.npz", **feeds(batch, model))
        batch.to_pickle(folder / "batch.pkl")
        files = [
            str(folder / n)
            for n in ("model.onnx", "batch.npz", "batch.pkl", "model.skwd")
        ]
        rows = {}
        for _ in range(repeats):  # alternated
            for name, code in SERVING_CHILD.items():
                seconds, peak = fresh_json(code + SERVING_TAIL, *files)
                rows.setdefault(name, []).append((seconds, peak))
        sizes = {
            "onnxruntime": (folder / "model.onnx").stat().st_size,
            "sk_widedeep": (folder / "model.skwd").stat().st_size,
        }
    return pd.DataFrame(
        {
            name: {
                "model file (MB)": sizes[name] / 2**20,
                "start, load and score 200 rows (s)": statistics.median(
                    r[0] for r in runs
                ),
                "peak RSS (MB)": statistics.median(r[1] for r in runs),
            }
            for name, runs in rows.items()
        }
    ).T


def fit_memory(which, epochs, data_home):
    """(c), in a fresh process: peak RSS (MB) of one fit, ours or the plain loop."""
    X_train, _, y_train, _ = load_problem("adult", data_home)
    # Reset the peak (VmHWM) to the current RSS, so that the peak read after
    # the fit is the fit's own, not that of reading the CSV.
    Path("/proc/self/clear_refs").write_text("5")
    before = memory_mb("VmRSS")
    if which == "plain":
        plain_fit(X_train, y_train, 1024, epochs)
    else:
        make_model(1024, epochs).fit(X_train, y_train)
    peak = memory_mb("VmHWM")
    return {"RSS before fit": before, "peak RSS": peak, "fit adds": peak - before}


def multi_valued_latency(repeats):
    """(e): a model with a multi-valued column, scored from raw rows.

    With vocabularies and hashed (``hash_buckets``), each beside LightGBM.
    """
    import lightgbm
    from sklearn.preprocessing import MultiLabelBinarizer

    from sk_widedeep.datasets import make_app_installs
    from sk_widedeep.onnx import feeds, inference_session, to_onnx

    X, y = make_app_installs(20_000, installed_apps=True, random_state=0)
    X_train, X_test, y_train = X[:16_000], X[16_000:], y[:16_000]
    single = [c for c in X.columns if c != "installed_apps"]
    text = [c for c in single if not pd.api.types.is_numeric_dtype(X[c])]
    categories = {c: sorted(X_train[c].unique()) for c in text}
    apps = MultiLabelBinarizer().fit(X_train["installed_apps"])

    def lightgbm_frame(rows):
        codes = [pd.Categorical(rows[c], categories=categories[c]).codes for c in text]
        numbers = [rows[c].to_numpy(float) for c in single if c not in text]
        hot = apps.transform(rows["installed_apps"])  # unknown apps: no column
        return np.column_stack([*codes, *numbers, hot])

    booster = lightgbm.LGBMClassifier(n_estimators=200, verbose=-1, random_state=0)
    booster.fit(lightgbm_frame(X_train), y_train)
    rows = []
    for name, wide_buckets, deep_buckets in [
        ("vocabularies", None, None),
        ("hashed (2**18 wide, 2**14 deep)", 2**18, 2**14),
    ]:
        model = WideDeepClassifier(
            wide=CrossProductTransformer(
                crosses=[("installed_apps", "app_id")], hash_buckets=wide_buckets
            ),
            deep=EmbeddingEncoder(hash_buckets=deep_buckets),
            max_epochs=3,
            early_stopping=False,
            random_state=0,
        ).fit(X_train, y_train)
        session = inference_session(to_onnx(model, X_train[:5]))
        for n_rows, n_repeats in batches(repeats):
            batch = X_test.iloc[:n_rows]
            calls = {
                "predict_proba ms": lambda b=batch, m=model: m.predict_proba(b),
                "onnxruntime ms": lambda b=batch, m=model, s=session: s.run(
                    None, feeds(b, m)
                ),
                "LightGBM ms": lambda b=batch: booster.predict_proba(lightgbm_frame(b)),
            }
            row = {"model": name, "rows": n_rows}
            row.update({c: median_ms(call, n_repeats) for c, call in calls.items()})
            rows.append(row)
    return pd.DataFrame(rows)


def hash_cost(repeats):
    """(f): ``transform`` of a hashed transformer, Hash64 against SipHash.

    One fitted transformer; its hashed columns switched between the two
    string hashes (each with its canary), alternated, medians.
    """
    from sk_widedeep._coding._hashing import hash_canary
    from sk_widedeep.datasets import make_app_installs

    X, _ = make_app_installs(100_000, installed_apps=True, random_state=0)
    wide = CrossProductTransformer(
        crosses=[("installed_apps", "app_id"), ("country", "app_id")],
        hash_buckets=2**18,
    ).fit(X)
    coders = wide.__widedeep_coders__().coders.values()
    hashed = [c for c in coders if hasattr(c, "string_hash")]

    def use(string_hash):
        for coder in hashed:
            coder.string_hash, coder.canary = string_hash, hash_canary(string_hash)

    seconds = {"hash64": [], "siphash": []}
    for _ in range(repeats):
        for string_hash, times in seconds.items():
            use(string_hash)
            wide.transform(X[:1000])  # warm up
            start = time.perf_counter()
            wide.transform(X)
            times.append(time.perf_counter() - start)
    use("hash64")
    median = {name: statistics.median(times) for name, times in seconds.items()}
    return pd.DataFrame(
        [
            {
                "rows": len(X),
                "Hash64 s": median["hash64"],
                "SipHash s": median["siphash"],
                "ratio": median["hash64"] / median["siphash"],
            }
        ]
    )


def show(title, table, **kwargs):
    print(f"\n{title}\n")
    print(table.to_markdown(floatfmt=".3g", **kwargs))


def adult_sections(args):
    """(a) to (d), on Adult."""
    X_train, X_test, y_train, _ = load_problem("adult", args.data_home)
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
        f"{len(X_train)} training rows, {args.epochs} epochs; fit: "
        f"{args.repeats} interleaved runs (median); predict: median of many calls"
    )
    throughput = fit_throughput(
        X_train, y_train, args.batch_sizes, args.epochs, args.repeats
    )
    show("(a) fit, end to end", throughput, index=False)
    model = make_model(1024, args.epochs).fit(X_train, y_train)
    latency = predict_latency(model, X_train, y_train, X_test, args.repeats)
    show("(b) predict_proba latency, raw DataFrame in", latency, index=False)
    defaults = WideDeepClassifier(max_epochs=args.epochs, random_state=0)
    defaults.fit(X_train, y_train)
    one_row = X_test.iloc[:1]
    ms = median_ms(lambda: defaults.predict_proba(one_row), args.repeats * 100)
    print(f"\nWideDeepClassifier() defaults: {ms:.2f} ms for one row")
    memory = {
        which: fresh_call("speed", "fit_memory", which, args.epochs, args.data_home)
        for which in ("plain", "ours")
    }
    memory = pd.DataFrame(memory).T
    memory["peak ratio to plain"] = memory["peak RSS"] / memory.loc["plain", "peak RSS"]
    show("(c) peak resident memory of one fit (batch 1024), MB", memory)
    serving_table = serving(model, X_train, X_test, args.repeats)
    show(
        "(d) serving: a fresh process that loads the model, scores 200 rows",
        serving_table,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-home", default=DATA_HOME and str(DATA_HOME))
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[256, 1024, 4096])
    parser.add_argument(
        "--only-multi-valued", action="store_true", help="section (e) only"
    )
    parser.add_argument("--only-hash-cost", action="store_true", help="(f) only")
    args = parser.parse_args()
    if not (args.only_multi_valued or args.only_hash_cost):
        adult_sections(args)
    if not args.only_hash_cost:
        title = "(e) a multi-valued model, raw rows in (medians)"
        show(title, multi_valued_latency(args.repeats), index=False)
    if not args.only_multi_valued:
        title = "(f) the string hash in a hashed transform (medians)"
        show(title, hash_cost(args.repeats), index=False)


if __name__ == "__main__":
    main()
