"""Rows of varying length, as numpy arrays or torch tensors.

A multi-valued column gives each row its own number of codes (a user's
installed apps), and so do the wide features of a row that has one. They
travel to the network as a :class:`Ragged`: every row's values in one flat
array, and where each row starts. It behaves as the other input arrays do
where the pipeline needs it — ``len``, ``r[rows]`` for an index array or
tensor (a batch) or a slice, ``.to(device)`` — and hands
:class:`torch.nn.EmbeddingBag` its ``(input, offsets)`` pair. Gathering a
batch's rows is a few vectorized operations, with no per-row Python.
"""

from __future__ import annotations

import numpy as np


class Ragged:
    """Flat ``values`` and row ``starts`` (length ``n_rows + 1``).

    Row ``i`` holds ``values[starts[i]:starts[i + 1]]``. Both are numpy
    arrays or both torch tensors.
    """

    def __init__(self, values, starts):
        self.values = values
        self.starts = starts

    @classmethod
    def from_lengths(cls, values, lengths) -> Ragged:
        """Build from the values and each row's number of them (numpy)."""
        starts = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        return cls(values, starts)

    def __len__(self) -> int:
        return len(self.starts) - 1

    @property
    def lengths(self):
        """Number of values of each row."""
        return self.starts[1:] - self.starts[:-1]

    @property
    def offsets(self):
        """Start of each row, as :class:`torch.nn.EmbeddingBag` takes them."""
        return self.starts[:-1]

    @property
    def rows(self):
        """The row of each value."""
        return _repeat(_arange(self.starts, len(self)), self.lengths)

    @property
    def nbytes(self) -> int:
        """Memory of the two arrays, in bytes."""
        if hasattr(self.values, "nbytes"):
            return int(self.values.nbytes + self.starts.nbytes)
        size = self.values.element_size() * self.values.numel()
        return int(size + self.starts.element_size() * self.starts.numel())

    def __getitem__(self, rows) -> Ragged:
        """Return the rows ``rows``: a slice, or an array or tensor of positions."""
        if isinstance(rows, slice):
            start, stop, step = rows.indices(len(self))
            if step == 1:
                stop = max(start, stop)
                starts = self.starts[start : stop + 1]
                values = self.values[starts[0] : starts[-1]]
                return Ragged(values, starts - starts[0])
            rows = _arange(self.starts, len(self))[rows]
        first = self.starts[rows]
        lengths = self.starts[rows + 1] - first
        starts = _cumulative(lengths, self.starts)
        positions = _arange(self.starts, int(starts[-1]))
        positions = positions - _repeat(starts[:-1] - first, lengths)
        return Ragged(self.values[positions], starts)

    def padded(self, n_rows: int) -> Ragged:
        """Append empty rows up to ``n_rows`` (numpy)."""
        extra = np.full(n_rows - len(self), self.starts[-1], dtype=self.starts.dtype)
        return Ragged(self.values, np.concatenate([self.starts, extra]))

    def to(self, device) -> Ragged:
        """Move both tensors to ``device``."""
        return Ragged(self.values.to(device), self.starts.to(device))

    def pin_memory(self) -> Ragged:
        """Pin both tensors in host memory."""
        return Ragged(self.values.pin_memory(), self.starts.pin_memory())

    def as_tensors(self, device) -> Ragged:
        """Make both (numpy) arrays tensors on ``device``."""
        import torch

        return Ragged(
            torch.as_tensor(self.values, device=device),
            torch.as_tensor(self.starts, device=device),
        )

    def __repr__(self) -> str:
        return f"Ragged(values={self.values!r}, starts={self.starts!r})"


def _is_numpy(array) -> bool:
    return isinstance(array, np.ndarray)


def _arange(like, n: int):
    if _is_numpy(like):
        return np.arange(n, dtype=np.int64)
    import torch

    return torch.arange(n, device=like.device)


def _repeat(values, counts):
    if _is_numpy(values):
        return np.repeat(values, counts)
    import torch

    return torch.repeat_interleave(values, counts)


def _cumulative(lengths, like):
    if _is_numpy(like):
        starts = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        return starts
    import torch

    zero = torch.zeros(1, dtype=lengths.dtype, device=lengths.device)
    return torch.cat([zero, torch.cumsum(lengths, 0)])
