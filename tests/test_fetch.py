import gzip
import zipfile

import numpy as np
import pandas as pd
import pytest

from sk_widedeep.datasets import (
    _fetch,
    fetch_adult,
    fetch_movielens_100k,
    find_data_home,
    get_data_home,
)

from .conftest import find_data_dir

ADULT_TEST = (
    "|1x3 Cross validator\n"
    "25, Private, 226802, 11th, 7, Never-married, Machine-op-inspct, Own-child, Black, "
    "Male, 0, 0, 40, United-States, <=50K.\n"
    "44, Private, 160323, Some-college, 10, Married-civ-spouse, Machine-op-inspct, "
    "Husband, Black, Male, 7688, 0, 40, United-States, >50K.\n"
)
ADULT_DATA = (
    "39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, "
    "White, Male, 2174, 0, 40, United-States, <=50K\n"
    "50, ?, 83311, Bachelors, 13, Married-civ-spouse, ?, Husband, White, Male, 0, 0, "
    "13, ?, >50K\n\n"
)


def zip_url(tmp_path, name, files):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in files.items():
            archive.writestr(member, text.encode("latin-1"))
    return path.as_uri()


def test_data_home_argument_then_environment_then_home(monkeypatch, tmp_path):
    monkeypatch.setenv("SK_WIDEDEEP_DATA", str(tmp_path / "env"))
    assert get_data_home(tmp_path / "arg") == tmp_path / "arg"
    assert get_data_home() == tmp_path / "env"
    monkeypatch.delenv("SK_WIDEDEEP_DATA")
    assert get_data_home().name == "sk_widedeep_data"


def test_adult_download_is_converted_to_the_shared_layout(monkeypatch, tmp_path):
    url = zip_url(
        tmp_path, "adult.zip", {"adult.test": ADULT_TEST, "adult.data": ADULT_DATA}
    )
    monkeypatch.setattr(_fetch, "ADULT_URL", url)
    frame = fetch_adult(data_home=tmp_path / "home")
    assert frame.columns.tolist() == _fetch.ADULT_COLUMNS
    assert frame["age"].tolist() == [25, 44, 39, 50]  # test rows first
    assert frame["income"].tolist() == ["<=50K", ">50K", "<=50K", ">50K"]
    assert frame["occupation"].tolist()[-1] == "?"  # kept as a category
    assert (tmp_path / "home" / "adult.csv.gz").exists()
    X, y = fetch_adult(data_home=tmp_path / "home", return_X_y=True)
    assert X.shape == (4, 14) and y.tolist() == [0, 1, 0, 1]


def test_movielens_download_is_converted_and_joined(monkeypatch, tmp_path):
    genres = "|".join(["0"] * 4 + ["1"] + ["0"] * 14)
    files = {
        "ml-100k/u.data": (
            "1\t10\t5\t881250949\n2\t10\t3\t891717742\n1\t11\t4\t881250950\n"
        ),
        "ml-100k/u.user": "1|24|M|technician|85711\n2|53|F|other|00000\n",
        "ml-100k/u.item": (
            f"10|Toy Story (1995)|01-Jan-1995||http://x|{genres}\n"
            f"11|unknown|||http://y|{genres.replace('1', '0', 1)[:-1]}1\n"
        ),
    }
    monkeypatch.setattr(_fetch, "MOVIELENS_URL", zip_url(tmp_path, "ml.zip", files))
    frame = fetch_movielens_100k(data_home=tmp_path)
    assert frame.shape == (3, 30)
    assert frame["zip_code"].tolist() == ["85711", "00000", "85711"]
    assert frame["year"].tolist()[:2] == [1995.0, 1995.0] and np.isnan(frame["year"][2])
    assert frame["genres"].tolist() == ["Children's", "Children's", "Western"]
    ratings, users, items = fetch_movielens_100k(data_home=tmp_path, return_tables=True)
    assert (len(ratings), len(users), len(items)) == (3, 2, 2)
    # one signature for every loader: return_X_y as in fetch_adult
    X, y = fetch_movielens_100k(data_home=tmp_path, return_X_y=True)
    assert X.shape == (3, 29) and "rating" not in X.columns
    assert y.name == "rating" and y.tolist() == [5, 3, 4]
    pd.testing.assert_frame_equal(X, frame.drop(columns="rating"))
    with pytest.raises(ValueError, match="set one of them"):
        fetch_movielens_100k(data_home=tmp_path, return_X_y=True, return_tables=True)


def _copy(folder, name):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("")
    return folder


def test_one_lookup_order_for_fetch_and_the_tests(monkeypatch, tmp_path):
    # a checkout at project/checkout, its tests in project/checkout/tests
    home, checkout = tmp_path / "home", tmp_path / "project" / "checkout"
    tests = checkout / "tests"
    tests.mkdir(parents=True)
    monkeypatch.setattr(_fetch.Path, "home", lambda: home)
    monkeypatch.setattr(_fetch, "__file__", str(checkout / "sk_widedeep" / "f.py"))
    monkeypatch.delenv("SK_WIDEDEEP_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    download = home / "sk_widedeep_data"

    def fetch_reads():  # where fetch_adult() reads, or downloads to
        return find_data_home("adult.csv.gz")

    def tests_read():  # where tests/conftest.py's find_data_dir looks
        return find_data_home("adult.csv.gz", start=tests)

    assert fetch_reads() == tests_read() == download  # nowhere: downloads here
    _copy(download, "adult.csv.gz")  # downloaded once: the tests find it too
    assert fetch_reads() == tests_read() == download
    # a project's shared copy above the checkout comes first, for both
    shared = _copy(tmp_path / "project" / "shared" / "data", "adult.csv.gz")
    assert fetch_reads() == tests_read() == shared
    # per data set: MovieLens from the download folder, Adult from the shared one
    _copy(download, "movielens100k")
    assert find_data_home("movielens100k", start=tests) == download
    # $SK_WIDEDEEP_DATA, when set, is the only place looked at
    monkeypatch.setenv("SK_WIDEDEEP_DATA", str(tmp_path / "env"))
    assert fetch_reads() == tests_read() == tmp_path / "env"


def test_missing_copy_without_download_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="No local copy of Adult at"):
        fetch_adult(data_home=tmp_path, download_if_missing=False)


def test_offline_download_says_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setattr(_fetch, "ADULT_URL", (tmp_path / "nowhere.zip").as_uri())
    with pytest.raises(
        ConnectionError, match="If this machine is offline, put a copy at"
    ):
        fetch_adult(data_home=tmp_path)
    assert not (tmp_path / "adult.csv.gz").exists()


def test_shared_copies_load_with_the_documented_shapes():
    adult_dir, movielens_dir = find_data_dir(), find_data_dir("movielens100k")
    if adult_dir is None or movielens_dir is None:
        pytest.skip("shared data not found")
    X, y = fetch_adult(data_home=adult_dir, download_if_missing=False, return_X_y=True)
    assert X.shape == (48842, 14)
    assert y.mean() == pytest.approx(0.239, abs=1e-3)
    ratings = fetch_movielens_100k(data_home=movielens_dir, download_if_missing=False)
    assert ratings.shape == (100_000, 30)
    X, y = fetch_movielens_100k(
        data_home=movielens_dir, download_if_missing=False, return_X_y=True
    )
    assert X.shape == (100_000, 29) and sorted(y.unique()) == [1, 2, 3, 4, 5]
    assert (ratings["rating"] >= 4).mean() == pytest.approx(0.55, abs=0.01)
    assert ratings["year"].isna().sum() == 9


def test_gzip_copy_is_plain_csv(tmp_path, monkeypatch):
    url = zip_url(
        tmp_path, "adult.zip", {"adult.test": ADULT_TEST, "adult.data": ADULT_DATA}
    )
    monkeypatch.setattr(_fetch, "ADULT_URL", url)
    fetch_adult(data_home=tmp_path)
    with gzip.open(tmp_path / "adult.csv.gz", "rt") as f:
        assert f.readline().strip() == ",".join(_fetch.ADULT_COLUMNS)
    assert len(pd.read_csv(tmp_path / "adult.csv.gz")) == 4
