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
    all_gather_objects,
    broadcast_module,
    broadcast_object,
    check_process_group,
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
    """

    def __init__(self, data_parallel: bool):
        self.data_parallel = data_parallel
        if data_parallel:
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
