import warnings

import numpy as np
import pandas as pd
import pytest

from sk_widedeep import CrossProductTransformer, EmbeddingEncoder, WideDeepClassifier
from sk_widedeep._coding._columns import Columns, as_float, check_input

FRAME = pd.DataFrame(
    {
        "str": pd.Series(["a", None, "b"], dtype="str"),
        "string": pd.Series(["a", None, "b"], dtype="string"),
        "category": pd.Categorical(["x", None, "y"]),
        "bool": [True, False, True],
        "Int64": pd.Series([1, None, 3], dtype="Int64"),
        "float": [1.5, np.nan, 3.0],
        "int": [1, 2, 3],
        "object": pd.Series([1, "b", None], dtype=object),
    }
)


class WithoutFastAccess(pd.DataFrame):
    """A DataFrame whose private one-column accessor is missing."""

    _get_column_array = None

    @property
    def _constructor(self):
        return WithoutFastAccess


@pytest.mark.parametrize("position", range(FRAME.shape[1]), ids=list(FRAME.columns))
@pytest.mark.parametrize("frame_class", [pd.DataFrame, WithoutFastAccess])
def test_columns_give_the_values_of_iloc(position, frame_class):
    X = frame_class(FRAME)
    values = Columns(X)[position]
    expected = FRAME.iloc[:, position]
    assert len(values) == 3
    pd.testing.assert_series_equal(
        pd.Series(values, name=expected.name), expected, check_dtype=False
    )


def test_columns_are_taken_out_once():
    columns = Columns(FRAME)
    assert columns[5] is columns[5]
    assert columns.floats(5) is columns.floats(5)
    assert columns.label(5) == "float"
    np.testing.assert_array_equal(columns.floats(4), [1.0, np.nan, 3.0])


def test_as_float_of_objects_and_nullable_numbers():
    np.testing.assert_array_equal(
        as_float(np.array([1, None, pd.NA, 2.5], dtype=object), "c"),
        [1, np.nan, np.nan, 2.5],
    )
    with pytest.raises(ValueError, match="Column 'c' is used as a numeric column"):
        as_float(np.array(["1", "x"], dtype=object), "c")


def test_check_input_fast_path_keeps_sklearn_errors_and_warnings():
    X = pd.DataFrame({"a": ["x", "y"], "b": [1.0, 2.0]})
    wide = CrossProductTransformer().fit(X)
    assert check_input(wide, X, reset=False) is X  # same names: no checks needed
    with pytest.raises(ValueError, match="The feature names should match"):
        wide.transform(X[["b", "a"]])
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        wide.transform(X.to_numpy())


def _with_person_id(n_rows, distinct=True):
    rng = np.random.default_rng(0)
    ids = np.arange(n_rows) if distinct else np.arange(n_rows) % (n_rows - 1)
    X = pd.DataFrame(
        {
            "person_id": [f"p{i:05d}" for i in ids],
            "city": rng.choice(["Oslo", "Rome"], n_rows),
            "age": rng.normal(40, 10, n_rows),
        }
    )
    return X, rng.integers(0, 2, n_rows)


ID_WARNING = (
    "Column 'person_id' holds a different value in each of its {n} rows, like an "
    "identifier (a row or person id): the model can only learn each of them by "
    "heart, and knows none of the values of new rows. Drop the column from X "
    "(e.g. X.drop(columns=['person_id'])); if it is a feature on purpose, silence "
    "this warning with warnings.filterwarnings('ignore', message='.*like an "
    "identifier')."
)


@pytest.mark.parametrize(
    "estimator",
    [
        CrossProductTransformer(),
        EmbeddingEncoder(),
        WideDeepClassifier(hidden_units=(4,), max_epochs=1, random_state=0),
    ],
    ids=lambda e: type(e).__name__,
)
def test_fit_warns_once_of_a_categorical_column_with_a_value_per_row(estimator):
    X, y = _with_person_id(300)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        estimator.fit(X, y)
    messages = [str(w.message) for w in caught if "person_id" in str(w.message)]
    assert messages == [ID_WARNING.format(n=300)]  # once, also for two parts
    assert all(issubclass(w.category, UserWarning) for w in caught)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", message=".*like an identifier")
        estimator.fit(X, y)  # the way the message gives to silence it


@pytest.mark.parametrize(
    "n_rows, distinct", [(99, True), (300, False)], ids=["99 rows", "one repeat"]
)
def test_no_identifier_warning_on_few_rows_or_repeated_values(n_rows, distinct):
    X, y = _with_person_id(n_rows, distinct)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        EmbeddingEncoder().fit(X)
        CrossProductTransformer().fit(X)
        # hashed columns keep no vocabulary to count the values of
        EmbeddingEncoder(hash_buckets=64).fit(_with_person_id(300)[0])
