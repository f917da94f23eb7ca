"""Data-parallel training over ``torch.distributed``: what the processes exchange.

With ``WideDeepClassifier(data_parallel=True)`` every process (a *rank* of the
default process group) trains the same model on its own shard of the rows.
They exchange, through collectives of the default group (gloo on CPUs, NCCL on
GPUs):

- before training, the outcome of each rank's input checks (one rank's error
  is raised on every rank instead of leaving the others waiting), the labels,
  weights and transformer fingerprints of the shards; then rank 0's seed and
  initial weights;
- per epoch, the number of batches (the largest shard's: ranks whose shard is
  used up take part with empty batches) and, at its end, the training and
  validation losses, averaged over all rows;
- per batch, the loss (checked finite over all ranks) and the gradients,
  combined as if one process had computed them on the union of the ranks'
  batches (:func:`combine_gradients`).

Like :mod:`._net`, this is torch and skorch glue; the classifier calls it only
when ``data_parallel=True``.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.distributed as dist
from skorch.callbacks import Callback


def check_process_group() -> None:
    """Raise a clear error unless a default process group is initialized."""
    if not (dist.is_available() and dist.is_initialized()):
        raise ValueError(
            "data_parallel=True trains one model in several processes, which needs "
            "torch.distributed's default process group: call "
            "torch.distributed.init_process_group() in every process before fit "
            "(e.g. launch the script with torchrun --nproc_per_node=2, then "
            "init_process_group('gloo') on CPUs or 'nccl' on GPUs), or set "
            "data_parallel=False."
        )


def rank() -> int:
    """Return the rank of this process in the default group."""
    return dist.get_rank()


def world_size() -> int:
    """Return the number of processes in the default group."""
    return dist.get_world_size()


def _comm_device(device) -> torch.device:
    """Where the collectives' tensors must live: the GPU for NCCL, else the CPU."""
    if dist.get_backend() == "nccl":
        device = torch.device(device)
        return device if device.type == "cuda" else torch.device("cuda")
    return torch.device("cpu")


def on_every_rank(function):
    """Call ``function()`` here; when it raises on any rank, raise on every rank.

    Checks of one shard can fail on one rank only; the other ranks would
    then wait forever in the next collective. Each rank reports whether its
    call succeeded; the failing rank raises its own error, the others a
    ``RuntimeError`` that names it.

    Returns
    -------
    result : object
        What ``function()`` returned on this rank.
    """
    try:
        result, error = function(), None
    except Exception as exc:  # re-raised below, here or on every other rank
        result, error = None, exc
    message = None if error is None else f"{type(error).__name__}: {error}"
    messages = all_gather_objects(message)
    if error is not None:
        raise error
    failed = [(r, m) for r, m in enumerate(messages) if m is not None]
    if failed:
        where, message = failed[0]
        raise RuntimeError(
            f"data_parallel: rank {where} failed, so every rank stops: {message}"
        )
    return result


def all_gather_objects(obj) -> list:
    """Every rank's (picklable) ``obj``, in rank order."""
    gathered = [None] * world_size()
    dist.all_gather_object(gathered, obj)
    return gathered


def broadcast_object(obj):
    """Rank 0's (picklable) ``obj``, on every rank."""
    holder = [obj]
    dist.broadcast_object_list(holder, src=0)
    return holder[0]


def broadcast_module(module: torch.nn.Module) -> None:
    """Give every rank rank 0's parameters and buffers, in place."""
    device = _comm_device(next(module.parameters()).device)
    with torch.no_grad():
        for tensor in module.state_dict().values():
            shared = tensor.to(device)
            dist.broadcast(shared, src=0)
            if shared is not tensor:
                tensor.copy_(shared)


def max_batches(n_batches: int, device) -> int:
    """Return the largest of every rank's number of batches."""
    count = torch.tensor([n_batches], dtype=torch.int64, device=_comm_device(device))
    dist.all_reduce(count, op=dist.ReduceOp.MAX)
    return int(count.item())


def combine_gradients(parameters, loss: float, n_rows: int) -> float:
    """Give every rank the gradients of all ranks' batches as one batch.

    Parameters
    ----------
    parameters : list of (Parameter, bool, bool)
        ``(parameter, summed, sparse)`` for each learnable parameter, in the
        same order on every rank. ``summed``: its gradient is that of the
        batch's *summed* loss (the wide weights, for FTRL), else of the mean
        loss. ``sparse``: its gradient is a sparse COO tensor (or None).
    loss : float
        Mean loss of this rank's batch (0 for an empty batch).
    n_rows : int
        Rows of this rank's batch (0 for an empty one: no gradient then).

    Returns
    -------
    loss : float
        Mean loss of the union of the ranks' batches. When it is not finite
        (on any rank), the gradients are left alone and every rank gets the
        same non-finite value, so every rank stops at the same batch.

    Notes
    -----
    The union of the ranks' batches is one batch of ``N = sum_r n_r`` rows.
    Its mean loss is ``sum_r n_r * mean_r / N``, so a mean-loss gradient
    becomes ``sum_r g_r * n_r / N`` (the plain average when the batches have
    the same size; ranks whose rows are used up add nothing). The wide
    weights' gradient is already that of the batch's *summed* loss
    (``g_r * n_r``, the per-example semantics FTRL's learning rates assume):
    it becomes the plain sum over ranks, the summed loss of the union batch.
    Averaging it would shrink FTRL's steps by the number of ranks.

    Three kinds of collectives per batch: one all-gather of each rank's
    loss, rows and sparse sizes; one all-reduce of all dense gradients,
    flattened; one all-gather per sparse gradient (wide weights, large
    embedding tables) of its (index, values) rows padded to the longest, as
    float64 (exact for float32 values and indices below 2**53). The sparse
    rows are concatenated in rank order, scaled and coalesced by every rank
    alike: every rank gets the bit-identical gradient, so the ranks' weights
    stay equal. (gloo has a sparse all-reduce, NCCL has none.)
    """
    device = parameters[0][0].device
    comm = _comm_device(device)
    sparse = []
    for param, summed, is_sparse in parameters:
        if is_sparse:
            grad = param.grad
            grad = None if grad is None else grad.coalesce()
            sparse.append((param, summed, grad))
    sizes = [0 if g is None else g.values().shape[0] for _, _, g in sparse]
    stats = torch.tensor([loss * n_rows, n_rows, *sizes], dtype=torch.float64)
    gathered = [torch.empty_like(stats, device=comm) for _ in range(world_size())]
    dist.all_gather(gathered, stats.to(comm))
    gathered = torch.stack(gathered).cpu()  # [rank, (loss * rows, rows, sizes)]
    total_rows = gathered[:, 1].sum().item()
    total_loss = gathered[:, 0].sum().item() / max(total_rows, 1.0)
    if not math.isfinite(total_loss):
        return total_loss
    scale = n_rows / total_rows
    dense = [
        (p, 1.0 if summed else scale)
        for p, summed, is_sparse in parameters
        if not is_sparse
    ]
    if dense:
        _combine_dense(dense, comm)
    rows = gathered[:, 1].tolist()
    for j, (param, summed, grad) in enumerate(sparse):
        counts = [int(c) for c in gathered[:, 2 + j].tolist()]
        scales = [1.0 if summed else r / total_rows for r in rows]
        param.grad = _combine_sparse(param, grad, counts, scales, comm)
    return total_loss


def _combine_dense(parameters, comm) -> None:
    device = parameters[0][0].device
    flat = torch.cat(
        [
            (
                torch.zeros(p.numel(), dtype=p.dtype, device=device)
                if p.grad is None
                else p.grad.reshape(-1) * factor
            )
            for p, factor in parameters
        ]
    ).to(comm)
    dist.all_reduce(flat)
    start = 0
    for p, _ in parameters:
        stop = start + p.numel()
        p.grad = flat[start:stop].view_as(p).to(p.device)
        start = stop


def _combine_sparse(param, grad, counts, scales, comm):
    """One sparse gradient of all ranks: gather their rows, scale, coalesce."""
    width = math.prod(param.shape[1:])
    longest = max(counts)
    packed = torch.zeros((longest, 1 + width), dtype=torch.float64)
    if grad is not None and counts[rank()]:
        packed[: counts[rank()], 0] = grad.indices()[0].cpu().double()
        packed[: counts[rank()], 1:] = grad.values().reshape(-1, width).cpu().double()
    gathered = [torch.empty_like(packed, device=comm) for _ in counts]
    if longest:
        dist.all_gather(gathered, packed.to(comm))
    parts = [
        (rows[:n].cpu(), factor)
        for rows, n, factor in zip(gathered, counts, scales, strict=True)
        if n
    ]
    indices = [rows[:, 0].long() for rows, _ in parts]
    values = [rows[:, 1:].to(param.dtype) * factor for rows, factor in parts]
    combined = torch.sparse_coo_tensor(
        torch.cat(indices or [torch.zeros(0, dtype=torch.int64)]).unsqueeze(0),
        torch.cat(values or [torch.zeros((0, width), dtype=param.dtype)]).reshape(
            -1, *param.shape[1:]
        ),
        param.shape,
        check_invariants=False,
    )
    return combined.coalesce().to(param.device)


class DataParallelSync(Callback):
    """At the end of each epoch, make its losses those of all ranks' rows.

    skorch averages the batch losses of this rank; the training and the
    validation loss become their averages over every rank, weighted by rows,
    so the history, the "best" flags and early stopping are the same on every
    rank: all of them stop at the same epoch and restore the same weights.
    It runs after skorch's loss callbacks and before the others.
    """

    def on_epoch_end(self, net, **kwargs):
        """Replace this epoch's losses by their average over all ranks."""
        history = net.history
        row = history[-1]
        keys = [k for k in ("train_loss", "valid_loss") if k in row]
        stats = []
        for key in keys:
            prefix = key.removesuffix("_loss")
            n_rows = sum(b.get(f"{prefix}_batch_size", 0) for b in row["batches"])
            stats += [row[key] * n_rows, n_rows]
        shared = torch.tensor(stats, dtype=torch.float64, device=_comm_device("cpu"))
        dist.all_reduce(shared)
        for i, key in enumerate(keys):
            total, n_rows = shared[2 * i].item(), shared[2 * i + 1].item()
            row[key] = total / n_rows if n_rows else math.nan
            earlier = [r[key] for r in list(history)[:-1] if key in r]
            row[f"{key}_best"] = bool(np.all(np.asarray(earlier) > row[key]))


def epoch_seed(seed: int, epoch: int) -> int:
    """Torch's seed for an epoch of this rank: its own shuffling and dropout.

    With one process it is ``seed + epoch``, as without data parallelism.
    """
    return (seed + epoch) * world_size() + rank()
