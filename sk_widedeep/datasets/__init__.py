"""Data sets: Adult, MovieLens 100K and a synthetic app-store impression log."""

from ._app_installs import make_app_installs
from ._fetch import fetch_adult, fetch_movielens_100k, find_data_home, get_data_home

__all__ = [
    "fetch_adult",
    "fetch_movielens_100k",
    "find_data_home",
    "get_data_home",
    "make_app_installs",
]
