"""The training data as tensors, its mini-batches, and scoring in large batches.

The training data lives in a few tensors built once per fit (on the training
device). Batches are row selections of them, drawn from a seeded
permutation: no per-row Dataset, no DataLoader workers, no per-row Python.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping

import numpy as np
import torch

from .._common._ragged import Ragged

PREDICT_BATCH_SIZE = 65536
"""Rows per forward pass when scoring; bounds the memory of large inputs."""

ROW_ALIGNMENT = 16
"""Scoring pads each forward pass to a multiple of this many rows.

Matrix-multiply kernels round a row's result differently depending on the
number of rows in the batch, at float32 precision. With the row count always
a multiple of the kernels' row tile, a row's score does not depend on which
other rows were scored with it: one row alone, or inside a large table, gets
the bit-identical probability.
"""


def to_tensors(arrays: Mapping[str, np.ndarray], device: str) -> dict:
    """Move a dict of arrays (or Ragged arrays) to ``device`` once, as tensors."""
    return {name: _as_tensor(a, device) for name, a in arrays.items()}


def _as_tensor(array, device):
    if isinstance(array, Ragged):
        return array.as_tensors(device)
    return torch.as_tensor(array, device=device)


def training_tensors(arrays: Mapping[str, np.ndarray], device: str) -> dict:
    """Make the training tensors, on ``device`` when they fit there.

    On a GPU the data is moved once per fit when it takes at most half of the
    free device memory; otherwise it stays in pinned host memory and each
    batch is copied over as it is used.
    """
    if torch.device(device).type == "cuda":
        free, _ = torch.cuda.mem_get_info(torch.device(device))
        if sum(a.nbytes for a in arrays.values()) > free / 2:
            return {k: _as_tensor(a, "cpu").pin_memory() for k, a in arrays.items()}
    return to_tensors(arrays, device)


class TensorDataset(torch.utils.data.Dataset):
    """Input tensors (a dict keyed by ``forward`` argument) and the target.

    Parameters
    ----------
    X : dict of str to Tensor
        Inputs of the module, plus an optional ``"sample_weight"``.
    y : Tensor or None
        The target, one entry per row.
    """

    def __init__(self, X: dict, y: torch.Tensor | None = None):
        self.X = X
        self.y = y

    def __len__(self) -> int:
        return len(next(iter(self.X.values())))


class TensorBatches:
    """Mini-batches of a :class:`TensorDataset` as index slices.

    Parameters
    ----------
    dataset : TensorDataset
        The data.
    batch_size : int
        Rows per batch.
    shuffle : bool, default=False
        Visit the rows in a new random order each epoch, drawn from
        ``generator``.
    n_batches : int or None, default=None
        Make this many batches, the last ones empty once the rows are used up
        (data-parallel ranks must all run the same number of steps); None
        makes as many as the rows fill.
    generator : torch.Generator or None, default=None
        The (CPU) generator of the random orders, which :class:`WideDeepNet`
        owns and seeds at every epoch; None draws from torch's global one.
    """

    def __init__(
        self,
        dataset: TensorDataset,
        batch_size: int,
        shuffle: bool = False,
        n_batches: int | None = None,
        generator: torch.Generator | None = None,
    ):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.n_batches = n_batches
        self.generator = generator

    def __len__(self) -> int:
        if self.n_batches is not None:
            return self.n_batches
        return math.ceil(len(self.dataset) / self.batch_size)

    def __iter__(self) -> Iterator:
        X, y = self.dataset.X, self.dataset.y
        n_rows = len(self.dataset)
        end = len(self) * self.batch_size
        if not self.shuffle:
            for start in range(0, end, self.batch_size):
                stop = start + self.batch_size
                yield {k: v[start:stop] for k, v in X.items()}, y[start:stop]
            return
        order = torch.randperm(n_rows, generator=self.generator).to(y.device)
        for start in range(0, end, self.batch_size):
            rows = order[start : start + self.batch_size]
            yield {k: take_rows(v, rows) for k, v in X.items()}, y[rows]


def take_rows(tensor, rows: torch.Tensor):
    """Rows of a tensor (``index_select``: a third of indexing's time) or Ragged."""
    if isinstance(tensor, Ragged):
        return tensor[rows]
    return tensor.index_select(0, rows)


def _padded(array, n_rows: int):
    """Pad with zero rows (empty rows, for a Ragged) up to ``n_rows``."""
    if isinstance(array, Ragged):
        return array.padded(n_rows)
    extra = np.zeros((n_rows - len(array), *array.shape[1:]), array.dtype)
    return np.concatenate([array, extra])


def module_device(module: torch.nn.Module) -> torch.device:
    """Return the device of the module's weights."""
    return next(module.parameters()).device


def predict_logits(
    module: torch.nn.Module, inputs: Mapping[str, np.ndarray]
) -> np.ndarray:
    """Logits of the module for all rows, float64, in large batches."""
    device = module_device(module)
    if module.training:
        module.eval()
    n_rows = len(next(iter(inputs.values())))
    if n_rows == 0:
        return np.zeros((0, module.bias.shape[0]))
    n_padded = -(-n_rows // ROW_ALIGNMENT) * ROW_ALIGNMENT
    padded = {name: _padded(a, n_padded) for name, a in inputs.items()}
    with torch.inference_mode():
        tensors = to_tensors(padded, device)
        logits = [
            module(
                **{k: v[start : start + PREDICT_BATCH_SIZE] for k, v in tensors.items()}
            )
            for start in range(0, n_padded, PREDICT_BATCH_SIZE)
        ]
        return torch.cat(logits)[:n_rows].cpu().numpy().astype(np.float64)
