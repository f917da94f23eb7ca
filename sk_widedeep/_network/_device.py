"""Devices and threads: where and with how many CPU threads torch computes."""

from __future__ import annotations

import warnings
from contextlib import contextmanager

import joblib
import torch


def device_choices() -> list[str]:
    """List the devices this machine's torch can train on, for error messages."""
    choices = ["auto", "cpu"]
    if torch.cuda.is_available():
        choices += ["cuda"] + [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        choices.append("mps")
    return choices


def resolve_device(device: str) -> str:
    """``"auto"`` becomes ``"cuda"`` when available, else ``"cpu"``.

    Any other device is checked here, before any work: it must be a torch
    device that this torch build has and this machine can reach.
    """
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    choices = ", ".join(map(repr, device_choices()))
    try:
        resolved = torch.device(device)
    except RuntimeError as exc:
        raise ValueError(
            f"device={device!r} is not a torch device. Use one of {choices} "
            "(on this machine)."
        ) from exc
    if resolved.type == "cpu":
        return device
    if resolved.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r}, but torch finds no CUDA device here. Use "
                f"device='auto' to fall back to the CPU, or one of {choices}."
            )
        return device
    if resolved.type == "meta":
        raise ValueError(
            f"device={device!r} holds no data and cannot train. Use one of {choices}."
        )
    try:  # another kind (mps, xpu...): does this build have it, and is it here?
        torch.empty(1, device=resolved)
    except (RuntimeError, AssertionError, AttributeError, ValueError) as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        reason = reason if len(reason) <= 100 else reason[:97] + "..."
        raise ValueError(
            f"device={device!r}, but this torch ({torch.__version__}) has no "
            f"{resolved.type!r} device available here ({reason}). Use one of "
            f"{choices}."
        ) from None
    return device


def available_device(device: str) -> str:
    """Resolve ``device`` for a loaded model: the CPU when the device is missing.

    A model trained on a GPU (CUDA, or another kind such as ``"mps"``) then
    loads on a machine without one, with a warning instead of an error.
    """
    try:
        return resolve_device(device)
    except ValueError as error:
        try:
            kind = torch.device(device).type
        except RuntimeError:
            kind = None  # not a device at all
        if kind in (None, "meta"):
            raise error
    what = "CUDA device" if kind == "cuda" else f"{kind!r} device"
    warnings.warn(
        f"The model asks for device={device!r}, but torch finds no {what} "
        "here: it is loaded on the CPU.",
        UserWarning,
        stacklevel=3,
    )
    return "cpu"


@contextmanager
def torch_threads(n_jobs: int | None):
    """Compute with ``n_jobs`` torch threads inside (joblib's meaning), then restore.

    ``None`` is 1 thread unless a :func:`joblib.parallel_config` context says
    otherwise, -1 every core. torch's thread pool is process-wide: two
    threads of the same process that fit at once share it.
    """
    wanted = joblib.effective_n_jobs(n_jobs)
    before = torch.get_num_threads()
    if wanted != before:
        torch.set_num_threads(wanted)
    try:
        yield
    finally:
        if wanted != before:
            torch.set_num_threads(before)
