"""Data sets: a synthetic app-store impression log for the Wide & Deep model."""

from ._app_installs import make_app_installs

__all__ = ["make_app_installs"]
