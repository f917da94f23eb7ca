"""The shards of a fit: this process alone, or every rank of a process group.

A fit is written once, for any number of shards: each step that must agree
between ranks goes through :class:`Shards`, which is the identity in one
process and a collective of :mod:`torch.distributed` with
``data_parallel=True``. So the single-process fit is the one-shard case of
the data-parallel one, not a second implementation beside it.
"""

import hashlib
import pickle

from ._distributed import (
    DataParallelSync,
    all_gather_objects,
    broadcast_module,
    broadcast_object,
    check_process_group,
    combine_gradients,
    epoch_seed,
    max_batches,
    on_every_rank,
)


class Shards:
    """Agreement between the shards of one fit.

    Parameters
    ----------
    data_parallel : bool
        Whether the shards are the ranks of torch.distributed's default
        process group (checked to exist here); otherwise this process is the
        only shard.
    check : bool, default=True
        Check that the process group exists (a net, built before it trains,
        leaves that to its fit).
    """

    def __init__(self, data_parallel: bool, *, check: bool = True):
        self.data_parallel = data_parallel
        if data_parallel and check:
            check_process_group()

    def run(self, function):
        """Return ``function()``; when it raises on any shard, raise on every one."""
        return on_every_rank(function) if self.data_parallel else function()

    def gather(self, obj) -> list:
        """Every shard's ``obj``, in rank order."""
        return all_gather_objects(obj) if self.data_parallel else [obj]

    def first(self, obj):
        """Return the first shard's ``obj``, on every shard."""
        return broadcast_object(obj) if self.data_parallel else obj

    def same_start(self, module) -> None:
        """Give every shard the first one's weights."""
        if self.data_parallel:
            broadcast_module(module)

    def check_same_parts(self, wide, deep) -> None:
        """Refuse transformers that differ between the shards."""
        if not self.data_parallel:
            return
        digest = hashlib.sha256(pickle.dumps((wide, deep))).hexdigest()
        if len(set(self.gather(digest))) > 1:
            raise ValueError(
                "data_parallel=True needs the same fitted wide and deep "
                "transformers on every rank, but they differ between ranks: fit "
                "them once on a sample shared by every rank (same rows, same "
                "columns, same versions of the libraries), then wrap them in "
                "FrozenEstimator."
            )

    # -- training: what the net's steps and epochs agree on

    def callbacks(self) -> list:
        """Return the net's first callbacks: the ranks' losses averaged, everywhere."""
        return [("data_parallel", DataParallelSync())] if self.data_parallel else []

    def max_batches(self, n_batches: int, device) -> int | None:
        """Batches per epoch of every shard: the largest shard's; None alone."""
        return max_batches(n_batches, device) if self.data_parallel else None

    def epoch_seed(self, seed: int, epoch: int) -> int:
        """Seed of this shard's shuffling and dropout in ``epoch``."""
        return epoch_seed(seed, epoch) if self.data_parallel else seed + epoch

    def combine_gradients(self, layout, loss: float, n_rows: int) -> float:
        """Give every shard the gradients of all shards' batches; the loss of all.

        ``layout()`` lists ``(parameter, summed, sparse)`` (see
        :func:`._distributed.combine_gradients`); it is called only when
        there are several shards.
        """
        if not self.data_parallel:
            return loss
        return combine_gradients(layout(), loss, n_rows)
