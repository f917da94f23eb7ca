"""WideDeepModule: the torch network. It knows nothing of pandas or sklearn."""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional

from .._common._ragged import Ragged


class _UninitializedLinear(nn.Linear):
    """``nn.Linear`` whose construction draws nothing: :func:`_linear` fills it.

    (``nn.utils.skip_init`` would do the same through the meta device, whose
    initialization functions import ``torch._dynamo``: 1.3 s per process.)
    """

    def reset_parameters(self) -> None:
        """Leave the weights as allocated; :func:`_linear` initializes them."""


def _linear(n_in: int, n_out: int, generator: torch.Generator, bias: bool = True):
    """Build an ``nn.Linear`` initialized as torch does, from ``generator``.

    The layer is built without initialization, so torch's global generator
    is not drawn from; then its weights get torch's default distribution
    (Kaiming-uniform, bias uniform in ``±1/sqrt(n_in)``).
    """
    layer = _UninitializedLinear(n_in, n_out, bias=bias)
    nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=generator)
    if bias:
        bound = 1 / math.sqrt(n_in) if n_in > 0 else 0.0
        nn.init.uniform_(layer.bias, -bound, bound, generator=generator)
    return layer


class SeededDropout(nn.Module):
    """Dropout whose masks come from :attr:`generator`, a ``torch.Generator``.

    The net that trains the module sets :attr:`generator` (on the module's
    device) for the time of training, and seeds it at every epoch, so that
    two fits running at once in two threads draw their masks from their own
    generators; with no generator set it is ``nn.Dropout``, drawing from
    torch's global generator.

    Parameters
    ----------
    p : float
        Probability of zeroing an element.
    """

    def __init__(self, p: float):
        super().__init__()
        self.p = p
        self.generator: torch.Generator | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Zero each element with probability ``p`` and scale by ``1 / (1 - p)``."""
        if not self.training or self.p == 0:
            return x
        if self.generator is None:
            return functional.dropout(x, self.p, training=True)
        keep = torch.empty_like(x).bernoulli_(1 - self.p, generator=self.generator)
        return x * keep / (1 - self.p)

    def extra_repr(self) -> str:
        """Show ``p``, as ``nn.Dropout`` does."""
        return f"p={self.p}"


def gather_rows(weight: torch.Tensor, index: torch.Tensor, sparse: bool):
    """Rows ``weight[index]``; with ``sparse``, their gradient is sparse.

    A sparse gradient holds the batch's rows only, so that a step costs the
    batch, not the table (large tables). Otherwise the rows are read by
    ``index_select``, whose backward adds the batch's gradients into the
    rows they came from: half the cost of ``nn.Embedding``'s dense
    backward, which sorts the indices.
    """
    if sparse:
        return functional.embedding(index, weight, sparse=True)
    return weight.index_select(0, index.reshape(-1)).view(*index.shape, -1)


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
    sparse : bool, default=False
        Give the table sparse gradients: only the rows looked up in a batch.
    generator : torch.Generator or None, default=None
        Draws the initial embeddings; None is a generator seeded with 0.
    """

    def __init__(
        self,
        columns: list[int],
        cardinalities: list[int],
        dim: int,
        sparse: bool = False,
        generator: torch.Generator | None = None,
    ):
        super().__init__()
        if generator is None:
            generator = torch.Generator().manual_seed(0)
        self.cardinalities = list(cardinalities)
        weight = torch.empty(sum(cardinalities), dim)  # drawn below
        self.table = nn.Embedding(
            sum(cardinalities), dim, sparse=sparse, _weight=weight
        )
        offsets = torch.tensor([0, *cardinalities[:-1]]).cumsum(0)
        self.register_buffer("columns", torch.tensor(columns), persistent=False)
        self.register_buffer("offsets", offsets, persistent=False)
        nn.init.normal_(self.table.weight, std=1 / math.sqrt(dim), generator=generator)
        with torch.no_grad():
            self.table.weight[offsets] = 0.0  # code 0 (unknown) starts neutral

    def forward(self, categorical: torch.Tensor) -> torch.Tensor:
        """Concatenated embeddings of the group's inputs, (batch, n * dim)."""
        if self.columns.shape[0] != categorical.shape[1]:
            categorical = categorical[:, self.columns]
        codes = categorical + self.offsets
        return gather_rows(self.table.weight, codes, self.table.sparse).flatten(1)

    def rows(self, column: int) -> torch.Tensor:
        """Return the embedding rows of one of the group's inputs (a view)."""
        k = self.columns.tolist().index(column)
        start = int(self.offsets[k])
        return self.table.weight[start : start + self.cardinalities[k]]


class PooledEmbedding(nn.Module):
    """One multi-valued input: the embeddings of a row's codes, pooled.

    ``"mean"`` averages them, ``"sum"`` adds them, ``"sqrtn"`` adds them and
    divides by the square root of their number. A row without codes (empty,
    or only unknown values, which are not passed) pools to the zero vector.

    Parameters
    ----------
    n_codes : int
        Rows of the table (code 0 included, never looked up).
    dim : int
        Embedding size.
    combiner : {"mean", "sum", "sqrtn"}
    sparse : bool, default=False
        Sparse gradients: only the rows looked up in a batch.
    generator : torch.Generator
        Draws the initial embeddings.
    """

    def __init__(self, n_codes, dim, combiner, sparse=False, *, generator):
        super().__init__()
        self.combiner = combiner
        weight = torch.empty(n_codes, dim)
        nn.init.normal_(weight, std=1 / math.sqrt(dim), generator=generator)
        weight[0] = 0.0
        mode = "mean" if combiner == "mean" else "sum"
        self.table = nn.EmbeddingBag(
            n_codes, dim, mode=mode, sparse=sparse, _weight=weight
        )

    def forward(self, bags: Ragged) -> torch.Tensor:
        """Pooled embeddings, (batch, dim)."""
        pooled = self.table(bags.values, bags.offsets)
        if self.combiner == "sqrtn":
            counts = bags.lengths.clamp(min=1).to(pooled.dtype)
            pooled = pooled / counts.sqrt()[:, None]
        return pooled


PERIODIC_FREQUENCIES = 48
"""Learned frequencies per number of a periodic embedding (Gorishniy et al.)."""

PERIODIC_DIM = 24
"""Output size per number of a periodic embedding."""

PERIODIC_SIGMA = 0.01
"""Standard deviation of the initial frequencies, for standardized numbers."""


class PeriodicEmbedding(nn.Module):
    r"""Learned periodic embeddings of numbers ("PLR", Gorishniy et al., 2022).

    Number :math:`j` of a row becomes
    :math:`\mathrm{ReLU}(W_j [\cos(2\pi c_j x_j), \sin(2\pi c_j x_j)] + b_j)`,
    with frequencies :math:`c_j` and weights :math:`W_j, b_j` of its own.

    Parameters
    ----------
    n_features : int
        Number of numeric inputs.
    n_frequencies : int, default=PERIODIC_FREQUENCIES
        Frequencies per input.
    dim : int, default=PERIODIC_DIM
        Output size per input.
    sigma : float, default=PERIODIC_SIGMA
        Standard deviation of the initial frequencies.
    generator : torch.Generator or None, default=None
        Draws the initial weights; None is a generator seeded with 0.
    """

    def __init__(
        self,
        n_features: int,
        n_frequencies: int = PERIODIC_FREQUENCIES,
        dim: int = PERIODIC_DIM,
        sigma: float = PERIODIC_SIGMA,
        generator: torch.Generator | None = None,
    ):
        super().__init__()
        bound = 1 / math.sqrt(2 * n_frequencies)
        if generator is None:
            generator = torch.Generator().manual_seed(0)
        self.frequencies = nn.Parameter(
            torch.empty(n_features, n_frequencies).normal_(
                0.0, sigma, generator=generator
            )
        )
        self.weight = nn.Parameter(
            torch.empty(n_features, 2 * n_frequencies, dim).uniform_(
                -bound, bound, generator=generator
            )
        )
        self.bias = nn.Parameter(
            torch.empty(n_features, dim).uniform_(-bound, bound, generator=generator)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Embeddings of the numbers of each row, (batch, n_features * dim)."""
        angles = 2 * math.pi * x[..., None] * self.frequencies
        features = torch.cat([torch.cos(angles), torch.sin(angles)], dim=-1)
        out = torch.einsum("bnk,nkd->bnd", features, self.weight) + self.bias
        return torch.relu(out).flatten(1)


MEMBER_LINKS = ("identity", "sigmoid", "softmax")
"""How :func:`average_members` averages an ensemble's members."""


def average_members(members: torch.Tensor, link: str) -> torch.Tensor:
    """Logits of the members' mean prediction, (batch, n_outputs).

    Parameters
    ----------
    members : Tensor of shape (batch, n_members, n_outputs)
        Each member's logits.
    link : {"identity", "sigmoid", "softmax"}
        "identity": the mean of the outputs; "sigmoid": the logit of the
        mean probability, ``log(mean p) - log(mean (1 - p))``; "softmax":
        the log of the mean probabilities, which a softmax returns as they
        are. Computed in log space, so that no probability underflows.
    """
    if link == "identity":
        return members.mean(1)
    if link == "sigmoid":
        positive = torch.logsumexp(functional.logsigmoid(members), 1)
        return positive - torch.logsumexp(functional.logsigmoid(-members), 1)
    log_k = math.log(members.shape[1])
    return torch.logsumexp(functional.log_softmax(members, -1), 1) - log_k


def network_params(
    layout: dict,
    n_wide: int,
    n_continuous: int,
    hidden_units,
    dropout: float,
    n_members: int = 1,
    link: str = "identity",
) -> dict:
    """Parameters of :class:`WideDeepModule` for the parts' arrays.

    Parameters
    ----------
    layout : dict
        What the deep part declares of its arrays (the network protocol's
        ``__widedeep_layout__``: codes and sizes of the embedded inputs,
        single- and multi-valued, the ``combiner``, ``n_periodic``); empty
        for dense continuous inputs only.
    n_wide : int
        Width of the wide input (0: no wide part).
    n_continuous : int
        Number of continuous inputs of the deep part.
    hidden_units : tuple of int
    dropout : float
    n_members : int, default=1
        Members of the deep part's ensemble (:class:`WideDeepModule`).
    link : {"identity", "sigmoid", "softmax"}, default="identity"
        How the members' logits are averaged (:class:`WideDeepModule`).
    """
    return {
        "n_wide": n_wide,
        "cardinalities": layout.get("cardinalities", ()),
        "embedding_dims": layout.get("embedding_dims", ()),
        "n_continuous": n_continuous,
        "hidden_units": hidden_units,
        "dropout": dropout,
        "n_periodic": layout.get("n_periodic", 0),
        "bag_cardinalities": layout.get("bag_cardinalities", ()),
        "bag_dims": layout.get("bag_dims", ()),
        "combiner": layout.get("combiner", "mean"),
        "n_members": n_members,
        "link": link,
    }


def _first_layer(linear: nn.Linear, learned: list, data: torch.Tensor | None):
    """``linear`` of the learned inputs and the data inputs, concatenated.

    The layer's input is the embeddings (``learned``, which need a
    gradient) then the continuous inputs (``data``, which do not). Applied
    to each block with its own columns of the weights, the backward pass
    computes no gradient for the data columns (a third of the layer's cost
    with 32 piecewise-linear inputs per number) and the data are not
    copied into a concatenation; the sum is the layer's output.
    """
    if data is None:
        return linear(learned[0] if len(learned) == 1 else torch.cat(learned, 1))
    if not learned:
        return linear(data)
    n_learned = linear.in_features - data.shape[1]
    weight = linear.weight
    embedded = learned[0] if len(learned) == 1 else torch.cat(learned, 1)
    out = functional.linear(data, weight[:, n_learned:], linear.bias)
    return torch.addmm(out, embedded, weight[:, :n_learned].t())


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
    sparse_wide : bool, default=False
        Give the wide weights sparse gradients (only the rows of the batch's
        active indices), for optimizers whose cost then does not grow with
        ``n_wide``.
    sparse_embedding_rows : int or None, default=None
        Embedding tables with at least this many rows get sparse gradients
        too, so that a step costs the rows of the batch, not of the table
        (ids with hundreds of thousands of values); None keeps every table
        dense.
    n_periodic : int, default=0
        The first ``n_periodic`` continuous inputs enter the layers through
        a :class:`PeriodicEmbedding`, the others as they are.
    random_seed : int, default=0
        Seeds the ``torch.Generator`` that draws the initial weights. Torch's
        global generator is never drawn from: the layers are built without
        initialization, then initialized from this generator. Dropout draws
        from the generator its net sets on each :class:`SeededDropout`.
    n_members : int, default=1
        Members of an ensemble in the deep part, in TabM-mini's
        parameter-efficient form (Gorishniy et al., 2025): the members
        share the embeddings and the hidden layers; each scales the deep
        input by its own vector (initialized to random signs) and has its
        own output layer; the wide part and the bias are shared. In
        training the module returns every member's logits, shape
        (batch, n_members, n_outputs), and the loss is their mean; in
        evaluation it returns the logits of the members' averaged
        prediction (see ``link``).
    link : {"identity", "sigmoid", "softmax"}, default="identity"
        The members' predictions averaged: their outputs ("identity",
        regression), their probabilities under a sigmoid (binary) or a
        softmax (multiclass), returned as the logits of that mean.
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
        sparse_wide: bool = False,
        sparse_embedding_rows: int | None = None,
        n_periodic: int = 0,
        bag_cardinalities: tuple[int, ...] = (),
        bag_dims: tuple[int, ...] = (),
        combiner: str = "mean",
        random_seed: int = 0,
        n_members: int = 1,
        link: str = "identity",
    ):
        super().__init__()
        if link not in MEMBER_LINKS:
            raise ValueError(f"link must be one of {MEMBER_LINKS}; got {link!r}")
        self.n_members, self.link = int(n_members), link
        generator = torch.Generator().manual_seed(int(random_seed))
        self.wide = None
        if n_wide:
            self.wide = nn.EmbeddingBag(
                n_wide,
                n_outputs,
                mode="sum",
                sparse=sparse_wide,
                _weight=torch.zeros(n_wide, n_outputs),  # starts at 0, draws nothing
            )
        groups = _columns_by_dim(embedding_dims)
        self.embeddings = nn.ModuleList()
        for dim, columns in groups.items():
            rows = [cardinalities[j] for j in columns]
            sparse = sparse_embedding_rows is not None and sum(rows) >= (
                sparse_embedding_rows
            )
            self.embeddings.append(
                EmbeddingGroup(columns, rows, dim, sparse, generator=generator)
            )
        # The categorical inputs in the order their embeddings enter the MLP.
        self.embedding_order = [j for columns in groups.values() for j in columns]
        self.bags = nn.ModuleList(
            PooledEmbedding(
                rows,
                dim,
                combiner,
                sparse_embedding_rows is not None and rows >= sparse_embedding_rows,
                generator=generator,
            )
            for rows, dim in zip(bag_cardinalities, bag_dims, strict=True)
        )
        self.periodic = None
        if n_periodic:
            self.periodic = PeriodicEmbedding(n_periodic, generator=generator)
        self.n_periodic = n_periodic
        self.deep = None
        width = sum(embedding_dims) + sum(bag_dims) + n_continuous
        width += n_periodic * (PERIODIC_DIM - 1)
        if width:
            if self.n_members > 1:
                signs = torch.randint(
                    0, 2, (self.n_members, width), generator=generator
                )
                self.member_scales = nn.Parameter(2.0 * signs - 1.0)
            layers: list[nn.Module] = []
            for units in hidden_units:
                layers += [_linear(width, units, generator), nn.ReLU()]
                if dropout:
                    layers.append(SeededDropout(dropout))
                width = units
            self.deep = nn.Sequential(*layers)
            if self.n_members == 1:
                self.deep_output = _linear(width, n_outputs, generator, bias=False)
            else:  # torch's default bound of a layer with `width` inputs
                bound = 1 / math.sqrt(width)
                self.member_output = nn.Parameter(
                    torch.empty(self.n_members, width, n_outputs).uniform_(
                        -bound, bound, generator=generator
                    )
                )
        self.bias = nn.Parameter(torch.zeros(n_outputs))

    def forward(
        self,
        wide_indices: torch.Tensor | None = None,
        wide_values: torch.Tensor | None = None,
        categorical: torch.Tensor | None = None,
        continuous: torch.Tensor | None = None,
        **bags: Ragged,
    ) -> torch.Tensor:
        """Logits of shape (batch, n_outputs).

        Parameters
        ----------
        wide_indices : LongTensor of shape (batch, k), Ragged or None
            Active indices of the wide input, a fixed number per row, or
            (with multi-valued columns) a :class:`~._ragged.Ragged` of each
            row's indices.
        wide_values : Tensor of shape (batch, k) or None
            Value of each active index; None means all ones.
        categorical : LongTensor of shape (batch, n_categorical) or None
            Codes of the categorical inputs.
        continuous : Tensor of shape (batch, n_continuous) or None
            Continuous inputs.
        **bags : Ragged
            ``bag0``, ``bag1``, ...: the codes of each multi-valued input.

        Returns
        -------
        logits : Tensor of shape (batch, n_outputs)
            The summed logits of the wide and deep parts; in training, with
            ``n_members > 1``, each member's: (batch, n_members, n_outputs).
        """
        logits = self.bias
        if self.wide is not None:
            if isinstance(wide_indices, Ragged):  # multi-valued columns: offsets
                wide = self.wide(wide_indices.values, wide_indices.offsets)
            else:  # a gather-sum: EmbeddingBag's sum, without its costly backward
                rows = gather_rows(self.wide.weight, wide_indices, self.wide.sparse)
                if wide_values is not None:
                    rows = rows * wide_values[..., None]
                wide = rows.sum(1)
            logits = logits + wide
        if self.deep is not None:
            learned = [group(categorical) for group in self.embeddings]
            learned += [bag(bags[f"bag{j}"]) for j, bag in enumerate(self.bags)]
            if self.periodic is not None:
                learned.append(self.periodic(continuous[:, : self.n_periodic]))
                continuous = continuous[:, self.n_periodic :]
            if continuous is not None and not continuous.shape[1]:
                continuous = None
            if self.n_members > 1:
                return self._members(logits, learned, continuous)
            layers = iter(self.deep)
            hidden = _first_layer(next(layers), learned, continuous)
            for layer in layers:
                hidden = layer(hidden)
            logits = logits + self.deep_output(hidden)
        return logits

    def _members(self, logits, learned, continuous):
        """Return the logits of each member (training) or of their mean."""
        inputs = learned if continuous is None else [*learned, continuous]
        inputs = inputs[0] if len(inputs) == 1 else torch.cat(inputs, 1)
        hidden = self.deep(inputs[:, None, :] * self.member_scales)
        members = torch.einsum("bkh,kho->bko", hidden, self.member_output)
        members = members + (logits[:, None, :] if logits.dim() == 2 else logits)
        if self.training:
            return members
        return average_members(members, self.link)

    def embedding_rows(self, column: int) -> torch.Tensor:
        """Return the embedding table of embedded input ``column`` (a view).

        The multi-valued inputs come after the others: input
        ``len(embedding_order) + k`` is ``bags[k]``.
        """
        for group in self.embeddings:
            if column in group.columns:
                return group.rows(column)
        k = column - len(self.embedding_order)
        if 0 <= k < len(self.bags):
            return self.bags[k].table.weight
        raise IndexError(f"no embedded input {column}")

    def _deep_head(self) -> nn.Parameter:
        """Return the deep part's output weights (each member's, with members)."""
        return self.deep_output.weight if self.n_members == 1 else self.member_output

    @torch.no_grad()
    def load_shared(
        self, old, *, wide_rows, embedding_rows, input_columns, periodic_columns=None
    ):
        """Copy the weights of ``old`` that this module shares with it.

        Parameters
        ----------
        old : WideDeepModule
            A module trained before, for the same kind of data.
        wide_rows : ndarray of int or None
            For each wide row here, its row in ``old`` (-1: new, kept as is).
        embedding_rows : dict of int to (int, ndarray of int)
            For a categorical input here: its index in ``old``, and for each
            of its codes the code in ``old`` (-1: new).
        input_columns : ndarray of int or None
            For each input of the first deep layer here, its input in ``old``
            (-1: new).
        periodic_columns : ndarray of int or None
            For each periodic input here, its periodic input in ``old`` (-1:
            new); None when either module has none.

        Raises
        ------
        ValueError
            When a layer after the first differs in shape, or the number of
            ensemble members differs.
        """
        if wide_rows is not None and self.wide is not None and old.wide is not None:
            _copy_rows(self.wide.weight, old.wide.weight, wide_rows)
        for column, (old_column, codes) in embedding_rows.items():
            _copy_rows(
                self.embedding_rows(column), old.embedding_rows(old_column), codes
            )
        if periodic_columns is not None:
            for name in ("frequencies", "weight", "bias"):
                _copy_rows(
                    getattr(self.periodic, name),
                    getattr(old.periodic, name),
                    periodic_columns,
                )
        if input_columns is not None and self.deep is not None and old.deep is not None:
            if self.n_members != old.n_members:
                raise ValueError(
                    f"n_members changed from {old.n_members} to {self.n_members}."
                )
            ours, theirs = list(self.deep.parameters()), list(old.deep.parameters())
            later = [*ours[2:], self._deep_head()]
            earlier = [*theirs[2:], old._deep_head()]
            shapes = [tuple(p.shape) for p in later], [tuple(p.shape) for p in earlier]
            if ours[0].shape[0] != theirs[0].shape[0] or shapes[0] != shapes[1]:
                raise ValueError(
                    f"the layer shapes changed from {[tuple(p.shape) for p in theirs]} "
                    f"to {[tuple(p.shape) for p in ours]}."
                )
            _copy_rows(ours[0].T, theirs[0].T, input_columns)
            if self.n_members > 1:
                _copy_rows(self.member_scales.T, old.member_scales.T, input_columns)
            ours[1].copy_(theirs[1])
            for new, previous in zip(later, earlier, strict=True):
                new.copy_(previous)
        self.bias.copy_(old.bias)

    @torch.no_grad()
    def average_unseen(self, wide_slots, deep_slots, wide_counts, deep_counts):
        """Give each unseen slot that no training row reached its block's mean.

        A value never seen in fit is then scored as the average value seen
        (each weighted by its rows), not by the slot's initial zeros. A slot
        that rare values trained (``min_frequency``) keeps what it learned.

        Parameters
        ----------
        wide_slots : list of (int, int, int)
            ``(unseen row, first value row, stop)`` of the wide weights.
        deep_slots : list of (int, int, int)
            ``(embedded input, first value code, stop)``; the unseen code is 0.
        wide_counts : ndarray of int
            Training rows of each wide row.
        deep_counts : dict of int to ndarray of int
            Training rows of each code of the embedded inputs in ``deep_slots``.
        """
        if self.wide is not None:
            for unseen, start, stop in wide_slots:
                _average_into(self.wide.weight, unseen, start, stop, wide_counts)
        for column, start, stop in deep_slots:
            rows = self.embedding_rows(column)
            _average_into(rows, 0, start, stop, deep_counts[column])


def _average_into(rows: torch.Tensor, unseen: int, start: int, stop: int, counts):
    """Set ``rows[unseen]`` to the count-weighted mean of ``rows[start:stop]``.

    Only where no row reached ``unseen`` and some reached the others.
    """
    weights = torch.as_tensor(counts[start:stop], dtype=rows.dtype, device=rows.device)
    if counts[unseen] > 0 or not weights.sum() > 0:
        return
    rows[unseen] = (weights[:, None] * rows[start:stop]).sum(0) / weights.sum()


def _copy_rows(new: torch.Tensor, old: torch.Tensor, rows) -> None:
    """new[i] = old[rows[i]] wherever rows[i] >= 0."""
    rows = torch.as_tensor(rows)
    kept = torch.nonzero(rows >= 0).flatten()
    new[kept.to(new.device)] = old[rows[kept].to(old.device)].to(new.device)
