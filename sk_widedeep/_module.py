"""WideDeepModule: the torch network. It knows nothing of pandas or sklearn."""

from __future__ import annotations

import math

import torch
from torch import nn


def _columns_by_dim(embedding_dims):
    """Group the categorical inputs by embedding size, keeping their order."""
    groups: dict[int, list[int]] = {}
    for j, dim in enumerate(embedding_dims):
        groups.setdefault(dim, []).append(j)
    return groups


class EmbeddingGroup(nn.Module):
    """The embeddings of several categorical inputs of one size, in one table.

    One lookup (and one backward pass) serves all the inputs of the group:
    input ``j``'s codes are offset into its own rows of the shared table.

    Parameters
    ----------
    columns : list of int
        Positions of the group's inputs among the categorical inputs.
    cardinalities : list of int
        Number of codes of each of them.
    dim : int
        Their embedding size.
    """

    def __init__(self, columns: list[int], cardinalities: list[int], dim: int):
        super().__init__()
        self.table = nn.Embedding(sum(cardinalities), dim)
        offsets = torch.tensor([0, *cardinalities[:-1]]).cumsum(0)
        self.register_buffer("columns", torch.tensor(columns), persistent=False)
        self.register_buffer("offsets", offsets, persistent=False)
        nn.init.normal_(self.table.weight, std=1 / math.sqrt(dim))
        with torch.no_grad():
            self.table.weight[offsets] = 0.0  # code 0 (unknown) starts neutral

    def forward(self, categorical: torch.Tensor) -> torch.Tensor:
        """Concatenated embeddings of the group's inputs, (batch, n * dim)."""
        return self.table(categorical[:, self.columns] + self.offsets).flatten(1)


class WideDeepModule(nn.Module):
    r"""The joint Wide & Deep network; returns logits.

    .. math::

        \text{logits} = \mathbf{w}_{wide}^T [\mathbf{x}, \phi(\mathbf{x})]
        + W_{deep}^T a^{(l_f)} + \mathbf{b}

    The wide part is a sum of one learned weight vector per active sparse
    index (an embedding bag, never a dense one-hot product). The deep part
    concatenates one embedding per categorical input (inputs of one size
    share a table, :class:`EmbeddingGroup`) with the continuous inputs and
    feeds them through ReLU layers. Both parts add into one set
    of logits, so one loss trains them jointly.

    Parameters
    ----------
    n_wide : int, default=0
        Width of the sparse wide input; 0 disables the wide part.
    cardinalities : tuple of int, default=()
        Number of codes of each categorical input (code 0 included).
    embedding_dims : tuple of int, default=()
        Embedding size of each categorical input.
    n_continuous : int, default=0
        Number of continuous inputs of the deep part.
    hidden_units : tuple of int, default=(256, 128)
        Width of each ReLU layer of the deep part.
    n_outputs : int, default=1
        Number of logits: 1 for binary classification, else the number of
        classes.
    dropout : float, default=0.0
        Dropout probability after each ReLU layer.
    """

    def __init__(
        self,
        n_wide: int = 0,
        cardinalities: tuple[int, ...] = (),
        embedding_dims: tuple[int, ...] = (),
        n_continuous: int = 0,
        hidden_units: tuple[int, ...] = (256, 128),
        n_outputs: int = 1,
        dropout: float = 0.0,
    ):
        super().__init__()
        self.wide = None
        if n_wide:
            self.wide = nn.EmbeddingBag(n_wide, n_outputs, mode="sum")
            nn.init.zeros_(self.wide.weight)
        self.embeddings = nn.ModuleList(
            EmbeddingGroup(columns, [cardinalities[j] for j in columns], dim)
            for dim, columns in _columns_by_dim(embedding_dims).items()
        )
        self.deep = None
        width = sum(embedding_dims) + n_continuous
        if width:
            layers: list[nn.Module] = []
            for units in hidden_units:
                layers += [nn.Linear(width, units), nn.ReLU()]
                if dropout:
                    layers.append(nn.Dropout(dropout))
                width = units
            self.deep = nn.Sequential(*layers)
            self.deep_output = nn.Linear(width, n_outputs, bias=False)
        self.bias = nn.Parameter(torch.zeros(n_outputs))

    def forward(
        self,
        wide_indices: torch.Tensor | None = None,
        wide_values: torch.Tensor | None = None,
        categorical: torch.Tensor | None = None,
        continuous: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Logits of shape (batch, n_outputs).

        Parameters
        ----------
        wide_indices : LongTensor of shape (batch, k) or None
            Active indices of the wide input, a fixed number per row.
        wide_values : Tensor of shape (batch, k) or None
            Value of each active index; None means all ones.
        categorical : LongTensor of shape (batch, n_categorical) or None
            Codes of the categorical inputs.
        continuous : Tensor of shape (batch, n_continuous) or None
            Continuous inputs.

        Returns
        -------
        logits : Tensor of shape (batch, n_outputs)
            The summed logits of the wide and deep parts.
        """
        logits = self.bias
        if self.wide is not None:
            logits = logits + self.wide(wide_indices, per_sample_weights=wide_values)
        if self.deep is not None:
            parts = [group(categorical) for group in self.embeddings]
            if continuous is not None:
                parts.append(continuous)
            deep_input = parts[0] if len(parts) == 1 else torch.cat(parts, dim=1)
            logits = logits + self.deep_output(self.deep(deep_input))
        return logits
