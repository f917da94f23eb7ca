"""``sk-widedeep``: fit a Wide & Deep model on a table, then score new tables.

``sk-widedeep fit`` trains a :class:`~sk_widedeep.WideDeepClassifier` (or, for
a numeric target, a :class:`~sk_widedeep.WideDeepRegressor`) on a CSV or
Parquet file and saves it with :meth:`~sk_widedeep.WideDeepClassifier.save`;
``sk-widedeep predict`` reads it back with :func:`sk_widedeep.load` and writes
the probability of every class (or the predicted number) for each row of
another file.
"""

import argparse
import importlib.util
import os
import secrets
import sys
import time
import warnings
from pathlib import Path

# pandas, torch and the estimators are imported where they are used, after
# the arguments are parsed: '--help' and usage errors answer at once.

PROG = "sk-widedeep"
FORMATS = {".csv": "csv", ".tsv": "tsv", ".parquet": "parquet", ".pq": "parquet"}
COMPRESSIONS = {".gz", ".bz2", ".xz", ".zst", ".zip"}
ERRORS = (ValueError, TypeError, KeyError, OSError, ImportError, NotImplementedError)
"""Errors told as ``sk-widedeep: error: ...`` (exit 2), without a traceback."""
DEFAULTS = {"hidden_units": (128, 64), "max_epochs": 50, "batch_size": 256}
"""WideDeepClassifier's defaults shown by '--help' (tests/test_cli.py checks
that they are the class's: importing it here would import torch)."""
ESTIMATOR_OPTIONS = ["hidden_units", "max_epochs", "batch_size", "early_stopping"]
ESTIMATOR_OPTIONS += ["random_state", "device", "verbose"]
REGRESSION_FROM = 20
"""``--task auto`` fits a regressor for a numeric target with more distinct
values than this (booleans, text and fewer values are classes)."""

MAIN_EPILOG = f"""\
examples:
  {PROG} fit train.csv --target income -o model.skwd
  {PROG} predict model.skwd new.csv -o scores.csv

Run '{PROG} fit --help' and '{PROG} predict --help' for their options.
"""
FIT_EPILOG = f"""\
column roles: by default the wide part one-hot encodes the text and boolean
columns (every column when there are none), and the deep part embeds the text
and boolean columns and scales the numeric ones. --categorical sets the
embedded columns (read as text: name integer ids there) and, unless --wide is
given, the wide part's columns too; --continuous sets the scaled columns.
--multi-valued genres=| reads a column of values joined by | ("Comedy|Drama")
as a set of values: one-hot per value in the wide part, one pooled embedding
in the deep part (Parquet list columns are recognised without it).

task: --task auto (the default) fits a regressor when the target is numeric
with more than 20 distinct values, else a classifier; --task classification
or --task regression forces either (e.g. regression on 1-5 star ratings).

examples:
  {PROG} fit adult.csv --target income -o adult.skwd
  {PROG} fit apps.parquet --target installed --id impression_id \\
      --categorical country,app_id,device --continuous age \\
      --cross country:app_id --max-epochs 4 -o apps.skwd
  {PROG} fit ratings.csv --target rating --task regression \\
      --categorical user_id,item_id -o ratings.skwd
"""
PREDICT_EPILOG = f"""\
The scores hold the --id and --keep columns, then proba_<class> for each class
(a row sums to 1) and prediction, the most probable class (a regressor's
scores hold prediction only, the predicted number): one row per input row, in
input order.

examples:
  {PROG} predict adult.skwd new.csv -o scores.csv
  {PROG} predict apps.skwd today.parquet --id impression_id -o scores.parquet
  {PROG} predict adult.skwd test.csv --keep income | head
"""


def _split(text, sep, least, example):
    names = [name.strip() for name in text.split(sep)]
    if len(names) < least or not all(names):
        raise argparse.ArgumentTypeError(f"expected {example}, got {text!r}")
    return list(dict.fromkeys(names))


def _names(text):
    return _split(text, ",", 1, "column names like a,b,c")


def _cross(text):
    return tuple(_split(text, ":", 2, "a cross like a:b or a:b:c"))


def _multi_valued(text):
    column, _, separator = text.partition("=")
    if not column.strip() or not separator:
        raise argparse.ArgumentTypeError(
            f"expected COL=SEP, e.g. genres=|, got {text!r}"
        )
    return column.strip(), separator


def _units(text):
    units = [unit.strip() for unit in text.split(",")]
    if not all(unit.isdigit() and int(unit) > 0 for unit in units):
        raise argparse.ArgumentTypeError(f"expected widths like 256,128, got {text!r}")
    return tuple(map(int, units))


def _format(path):
    """Format of a file from its extension: ``"csv"``, ``"tsv"`` or ``"parquet"``."""
    suffixes = [suffix.lower() for suffix in Path(path).suffixes]
    if suffixes and suffixes[-1] in COMPRESSIONS:
        suffixes.pop()
    if not suffixes or suffixes[-1] not in FORMATS:
        raise ValueError(
            f"cannot tell the format of {str(path)!r} from its extension; use .csv "
            "or .tsv (optionally .gz, .bz2, .xz, .zst, .zip), .parquet or .pq."
        )
    return FORMATS[suffixes[-1]]


def _pyarrow():
    """Name the Parquet engine, pyarrow, or say how to install it."""
    if importlib.util.find_spec("pyarrow") is None:
        raise ValueError("Parquet files need pyarrow: pip install pyarrow")
    return "pyarrow"


def _read(path, text=(), verbatim=()):
    """Read a table, the ``text`` columns as strings; ``verbatim`` too from CSV."""
    import pandas as pd

    fmt = _format(path)
    _exists(path, "data file")
    # Read CSV numbers exactly as written: pandas 3 does by default (and
    # deprecates the option); pandas 2's default parser may be off in the last
    # digit, which can move a value across a bucket edge.
    exact = int(pd.__version__.split(".")[0]) >= 3
    exact_floats = {} if exact else {"float_precision": "round_trip"}
    try:
        if fmt == "parquet":
            frame = pd.read_parquet(path, engine=_pyarrow())
        else:
            dtype = dict.fromkeys([*text, *verbatim], "str")
            frame = pd.read_csv(
                path, sep="\t" if fmt == "tsv" else ",", dtype=dtype, **exact_floats
            )
    except ValueError as exc:  # pandas' and pyarrow's parse errors among them
        raise ValueError(f"cannot read {str(path)!r}: {exc}") from exc
    numeric = [c for c in text if c in frame and frame[c].dtype.kind in "iuf"]
    return frame.astype(dict.fromkeys(numeric, "str"))  # only Parquet has any


def _exists(path, what):
    if not Path(path).exists():
        raise FileNotFoundError(f"no such {what}: {str(path)!r}")


def _check_output(path):
    """Refuse, before any work, an output path that cannot be written.

    The path must not be a folder, and its folder must exist and take a new
    file: one is created there and removed again, which also catches
    read-only file systems and missing permissions.
    """
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(
            f"{str(path)!r} is a folder: give the path of a file to write, e.g. "
            f"{str(target / 'model.skwd')!r}"
        )
    if not target.resolve().parent.is_dir():
        raise FileNotFoundError(f"the folder of {str(path)!r} does not exist")
    probe = target.resolve().parent / f".{target.name}.{secrets.token_hex(8)}.probe"
    try:
        probe.open("xb").close()
    except OSError as exc:
        raise PermissionError(
            f"cannot write {str(path)!r}: {exc.strerror or exc}. Choose a folder "
            "you can write to."
        ) from None
    probe.unlink()


def _write(frame, path):
    """Write a table to ``path`` (format from its extension), or CSV to stdout."""
    if path is None:
        frame.to_csv(sys.stdout, index=False)
    elif _format(path) != "parquet":
        frame.to_csv(path, sep="\t" if _format(path) == "tsv" else ",", index=False)
    else:
        frame.to_parquet(path, index=False, engine=_pyarrow())


def _check(names, available, what, where):
    """Refuse names not in ``available``: name them, and list ``available``."""
    unknown = [name for name in names or () if name not in set(available)]
    if unknown:
        raise ValueError(
            f"{what} {', '.join(map(repr, unknown))} not found in {where}: "
            f"{', '.join(map(str, available))}."
        )


def _is_regression(args, target):
    """Whether to fit a regressor for this target column (see --task)."""
    import pandas as pd

    if args.task == "regression":
        _check_numbers(target, args.target)
    if args.task != "auto":
        return args.task == "regression"
    numeric = pd.api.types.is_numeric_dtype(target)
    numeric = numeric and not pd.api.types.is_bool_dtype(target)
    return numeric and target.nunique() > REGRESSION_FROM


def _check_numbers(target, name):
    """Refuse, in the command line's words, a regression target of text."""
    import pandas as pd

    try:
        pd.to_numeric(target.dropna())
    except (TypeError, ValueError):
        values = target.dropna()
        numbers = pd.to_numeric(values, errors="coerce")
        example = values[numbers.isna()].iloc[0]
        raise ValueError(
            f"--task regression needs numbers in the --target column {name!r}, but "
            f"it holds text (e.g. {example!r}). Use --task classification (or "
            "--task auto) for class labels, or convert the column to numbers."
        ) from None


def _estimator(args, features, regression=False):
    """Build the unfitted estimator that the fit options describe."""
    from . import (
        CrossProductTransformer,
        EmbeddingEncoder,
        WideDeepClassifier,
        WideDeepRegressor,
    )

    crosses = args.cross or []
    separators = dict(args.multi_valued or ())
    where = "the features (all columns but the target, --id and --drop), which are"
    for option in ("wide", "categorical", "continuous"):
        _check(getattr(args, option), features, f"--{option} column(s)", where)
    _check(list(separators), features, "--multi-valued column(s)", where)
    crossed = [column for cross in crosses for column in cross]
    _check(crossed, features, "--cross column(s)", where)
    if args.no_wide and crosses:
        raise ValueError("--cross adds to the wide part, which --no-wide removes.")
    if args.no_deep and args.continuous:
        raise ValueError("--continuous feeds the deep part, which --no-deep removes.")
    wide = deep = "auto"
    columns = args.wide or args.categorical or "auto"
    multi = {"separators": separators} if separators else {}
    if args.no_wide:
        wide = None
    elif columns != "auto" or crosses or multi:
        wide = CrossProductTransformer(columns=columns, crosses=crosses, **multi)
    if args.no_deep:
        deep = None
    elif args.categorical or args.continuous or multi:
        deep = EmbeddingEncoder(
            categorical=args.categorical or "auto",
            continuous=args.continuous or "auto",
            **multi,
        )
    params = {name: getattr(args, name) for name in ESTIMATOR_OPTIONS}
    params = {name: value for name, value in params.items() if value is not None}
    if args.loss is not None and not regression:
        raise ValueError(
            "--loss is a regressor's option, but this target is fitted by a "
            "classifier; add --task regression for a numeric target."
        )
    if regression:
        loss = args.loss or "squared_error"
        return WideDeepRegressor(wide=wide, deep=deep, loss=loss, **params)
    return WideDeepClassifier(wide=wide, deep=deep, **params)


def _fit(args):
    _check_output(args.output)
    data = _read(args.data, args.categorical or ())
    columns = [str(c) for c in data.columns]
    where = f"{args.data}, whose columns are"
    _check([args.target], columns, "--target column", where)
    _check(args.id, columns, "--id column(s)", where)
    _check(args.drop, columns, "--drop column(s)", where)
    excluded = {args.target, *(args.id or ()), *(args.drop or ())}
    features = [c for c in columns if c not in excluded]
    if not features:
        raise ValueError(f"{args.data} has no feature column left to learn from.")
    clf = _estimator(args, features, _is_regression(args, data[args.target]))
    _warn_identifiers(data, features, args)
    start = time.perf_counter()
    with warnings.catch_warnings():
        # said above in the words of the command line, with its fix
        warnings.filterwarnings("ignore", message=".*like an identifier")
        clf.fit(data[features], data[args.target])
    seconds = time.perf_counter() - start
    clf.save(args.output)
    wide, deep = clf.wide_, clf.deep_
    lines = [f"{args.data}: {len(data)} rows, {len(features)} feature columns"]
    if hasattr(clf, "classes_"):
        lines.append(f"classes: {', '.join(map(str, clf.classes_))}")
    else:
        lines.append(
            f"regression ({clf.loss}) of {args.target}: mean {clf.target_offset_:g}, "
            f"scale {clf.target_scale_:g}"
        )
    used = set()
    if wide is not None:
        crosses = [":".join(cross) for cross in wide.crosses_] or ["none"]
        used |= {*wide.columns_, *(c for cross in wide.crosses_ for c in cross)}
        lines.append(f"wide: {', '.join(wide.columns_)} | crosses: {' '.join(crosses)}")
    if deep is not None:
        used |= {*deep.categorical_columns_, *deep.continuous_columns_}
        lines.append(f"deep categorical: {', '.join(deep.categorical_columns_)}")
        lines.append(f"deep continuous: {', '.join(deep.continuous_columns_)}")
    unused = [c for c in features if c not in used]
    if unused:
        lines.append(f"unused (in no part): {', '.join(unused)}")
    lines.append(
        f"epochs: {clf.n_iter_} in {seconds:.1f} s, final training loss "
        f"{clf.loss_curve_[-1]:.4f}; model saved to {args.output}"
    )
    print("\n".join(lines))
    return 0


def _warn_identifiers(data, features, args):
    """Warn, before training, of features that look like ids: a value per row.

    Text and integer columns (and any named in ``--categorical`` or
    ``--wide``) from :data:`~sk_widedeep._coding._columns.IDENTIFIER_MIN_ROWS` rows;
    not float columns, whose values are distinct as a rule.
    """
    import pandas as pd

    from ._coding._columns import IDENTIFIER_MIN_ROWS

    if len(data) < IDENTIFIER_MIN_ROWS:
        return
    from ._coding._bags import is_multi_valued

    named = {*(args.categorical or ()), *(args.wide or ())}
    separated = {column for column, _ in args.multi_valued or ()}
    for column in features:
        values = data[column]
        if pd.api.types.is_float_dtype(values) and column not in named:
            continue  # measurements: distinct values are the rule
        if column in separated or is_multi_valued(values):
            continue  # sets of values (a list per cell): not an id
        # text, and integers (an id column reads as integers from a CSV file)
        if values.nunique(dropna=False) == len(data) and not values.isna().any():
            warnings.warn(
                f"column {column!r} has a different value in each of the "
                f"{len(data)} rows, like an id: the model would learn each value "
                "by heart and know none of those of new rows. Pass it as --id "
                f"{column} (kept out of the features, and copied to the scores "
                f"by 'predict --id {column}'), or --drop {column}.",
                UserWarning,
                stacklevel=2,
            )


def _text_columns(model):
    """Columns that held strings in fit (a vocabulary or hashed): read as text."""
    from ._transformers._features import text_columns

    return text_columns(model.wide_, model.deep_)


def _predict(args):
    if args.output is not None:
        _format(args.output)
        _check_output(args.output)
    _exists(args.model, "model file")
    from . import load

    model = load(args.model, device=args.device)
    features = [str(c) for c in getattr(model, "feature_names_in_", ())]
    if not features:
        raise ValueError(f"{args.model} was fitted on an array without column names.")
    kept = list(dict.fromkeys([*(args.id or ()), *(args.keep or ())]))
    verbatim = [c for c in kept if c not in features]
    data = _read(args.data, _text_columns(model), verbatim)
    columns = [str(c) for c in data.columns]
    where = f"{args.data}, whose columns are"
    _check(features, columns, "the model's feature column(s)", where)
    _check(kept, columns, "--id/--keep column(s)", where)
    classes = getattr(model, "classes_", ())
    names = [f"proba_{label}" for label in classes]
    clash = [c for c in kept if c in {*names, "prediction"}]
    if clash:
        raise ValueError(f"the kept column(s) {clash} clash with the score columns.")
    scores = data[kept].reset_index(drop=True)
    if len(classes):
        proba = model.predict_proba(data[features])
        scores[names] = proba
        scores["prediction"] = classes[proba.argmax(axis=1)]
    else:
        scores["prediction"] = model.predict(data[features])
    _write(scores, args.output)
    if args.output is not None:
        print(f"{len(scores)} rows scored; written to {args.output}")
    return 0


def _export(args):
    _exists(args.model, "model file")
    from . import load
    from .onnx import to_onnx

    model = load(args.model)
    features = [str(c) for c in getattr(model, "feature_names_in_", ())]
    if not features:
        raise ValueError(f"{args.model} was fitted on an array without column names.")
    data = _read(args.data, _text_columns(model))
    _check(
        features,
        [str(c) for c in data.columns],
        "the model's feature column(s)",
        f"{args.data}, whose columns are",
    )
    graph = to_onnx(model, data[features].head(5))
    Path(args.output).write_bytes(graph.SerializeToString())
    n_inputs = len(graph.graph.input)
    print(
        f"{args.model} exported to {args.output} ({n_inputs} inputs, one per "
        "column the model uses)"
    )
    return 0


def _parser():
    """Build the parser of ``sk-widedeep`` and its two subcommands."""
    raw = {"formatter_class": argparse.RawDescriptionHelpFormatter}
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Train a Wide & Deep model (Cheng et al., 2016) on a CSV or\n"
        "Parquet table, and score new tables with it.",
        epilog=MAIN_EPILOG,
        **raw,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    fit = commands.add_parser(
        "fit",
        help="train a model on a table and save it",
        description="Train a WideDeepClassifier (or WideDeepRegressor) on DATA and\n"
        "save it to MODEL. Every column but the target, --id and --drop columns\n"
        "is a feature.",
        epilog=FIT_EPILOG,
        **raw,
    )
    roles = "(default: see column roles)"
    add, cols = fit.add_argument, {"type": _names, "metavar": "COLS"}
    add("data", metavar="DATA", help="training table: .csv, .tsv, .parquet")
    add("--target", required=True, metavar="COL", help="the label column")
    help_ = "classification or regression (default: auto, see task)"
    add(
        "--task",
        choices=["auto", "classification", "regression"],
        default="auto",
        help=help_,
    )
    help_ = "a regressor's loss (default: squared_error)"
    losses = ["squared_error", "absolute_error", "huber", "poisson"]
    add("--loss", choices=losses, help=help_)
    add("-o", "--output", required=True, metavar="MODEL", help="model file to write")
    either = fit.add_mutually_exclusive_group().add_argument
    either("--wide", **cols, help=f"one-hot columns of the wide part {roles}")
    either("--no-wide", action="store_true", help="a deep-only model")
    help_ = "a cross of the wide part: repeat for more, A:B:C for 3 columns"
    add("--cross", type=_cross, action="append", metavar="A:B", help=help_)
    add("--categorical", **cols, help=f"columns the deep part embeds, as text {roles}")
    add("--continuous", **cols, help=f"numeric columns the deep part scales {roles}")
    add("--no-deep", action="store_true", help="a wide-only model")
    help_ = "a column of values joined by SEP (e.g. genres=|): repeat for more"
    add(
        "--multi-valued",
        type=_multi_valued,
        action="append",
        metavar="COL=SEP",
        help=help_,
    )
    add("--id", **cols, help="columns that are not features (e.g. row ids)")
    add("--drop", **cols, help="columns to leave out")
    units, epochs, batch = map(DEFAULTS.get, ESTIMATOR_OPTIONS[:3])
    help_ = f"widths of the deep part's layers (default: {','.join(map(str, units))})"
    add("--hidden-units", type=_units, metavar="N,N", help=help_)
    help_ = f"epochs, at most with early stopping (default: {epochs})"
    add("--max-epochs", type=int, metavar="N", help=help_)
    add(
        "--batch-size", type=int, metavar="N", help=f"rows per batch (default: {batch})"
    )
    stopping = fit.add_mutually_exclusive_group()
    help_ = (
        "hold out 10%% of the rows, stop when their loss stops improving "
        "(default: from 500 rows)"
    )
    stopping.add_argument(
        "--early-stopping",
        dest="early_stopping",
        action="store_true",
        default=None,
        help=help_,
    )
    help_ = "train on every row for --max-epochs epochs"
    stopping.add_argument(
        "--no-early-stopping",
        dest="early_stopping",
        action="store_false",
        help=help_,
    )
    add("--random-state", type=int, metavar="N", help="seed (default: none)")
    add("--device", metavar="DEV", help="auto, cpu, cuda, cuda:N (default: auto)")
    help_ = "0: silent (default), 1: a line per epoch, 2: and a progress bar"
    add("--verbose", type=int, choices=[0, 1, 2], help=help_)
    fit.set_defaults(run=_fit)
    export = commands.add_parser(
        "export",
        help="write a saved model as one ONNX graph",
        description="Write MODEL as one ONNX graph (vocabularies, scaling and the\n"
        "network inside) that onnxruntime scores without Python. DATA, a few rows\n"
        "of the training table, gives the inputs' types. Needs the onnx extra.",
        **raw,
    )
    export.add_argument("model", metavar="MODEL", help="a model file written by fit")
    export.add_argument("data", metavar="DATA", help="a table with the model's columns")
    export.add_argument(
        "-o", "--output", required=True, metavar="ONNX", help="the .onnx file to write"
    )
    export.set_defaults(run=_export)
    predict = commands.add_parser(
        "predict",
        help="score a table with a saved model",
        description="Score DATA with MODEL: the probability of each class and the\n"
        "predicted class of every row (a regressor: the predicted number). DATA\n"
        "may hold other columns too.",
        epilog=PREDICT_EPILOG,
        **raw,
    )
    add = predict.add_argument
    add("model", metavar="MODEL", help="model file written by 'fit'")
    add("data", metavar="DATA", help="table to score: .csv, .tsv, .parquet")
    add("-o", "--output", metavar="SCORES", help="scores file (default: CSV on stdout)")
    add("--id", **cols, help="id columns copied to the scores, first")
    add("--keep", **cols, help="more columns copied to the scores (e.g. the label)")
    add("--device", metavar="DEV", help="where to predict (default: the model's)")
    predict.set_defaults(run=_predict)
    return parser


def main(argv=None):
    """Run the ``sk-widedeep`` command line.

    Parameters
    ----------
    argv : list of str or None, default=None
        The arguments, without the program name; ``None`` reads
        ``sys.argv[1:]``.

    Returns
    -------
    code : int
        The exit status: 0 on success, 2 on a usage or data error, whose
        message is printed on stderr as ``sk-widedeep: error: ...``.

    Examples
    --------
    >>> from sk_widedeep._cli import main
    >>> main(["fit", "no-such-file.csv", "--target", "y", "-o", "model.skwd"])
    2
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error argparse printed
        return exc.code or 0
    with warnings.catch_warnings():
        warnings.showwarning = lambda message, *_: print(
            f"{PROG}: warning: {message}", file=sys.stderr
        )
        try:
            return args.run(args)
        except BrokenPipeError:  # e.g. '| head': stop quietly, as other tools do
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 1
        except ERRORS as exc:
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
            print(f"{PROG}: error: {message}", file=sys.stderr)
            return 2


if __name__ == "__main__":
    raise SystemExit(main())
