"""Data-parallel training of a WideDeepClassifier, one process per CPU or GPU.

Each process (a *rank*) trains the same model on its own shard of the rows;
at every batch the ranks combine their gradients, so all of them end with the
same weights. Launch it with torchrun, which starts the processes and tells
each its rank:

    # 2 processes on this machine's CPUs (gloo)
    torchrun --standalone --nproc_per_node=2 examples/distributed/train_ddp.py

    # one process per GPU (NCCL), e.g. 4 GPUs
    torchrun --standalone --nproc_per_node=4 examples/distributed/train_ddp.py

    # 2 machines with 4 GPUs each: run on each, with its --node_rank
    torchrun --nnodes=2 --node_rank=0 --nproc_per_node=4 \\
        --rdzv_backend=c10d --rdzv_endpoint=host0:29400 \\
        examples/distributed/train_ddp.py

The transformers are fitted once, on a sample that every rank reads, and
frozen: every rank then maps values to the same features. Rank 0 evaluates
the model on held-out rows and saves it.
"""

import argparse
import os
import time

import torch
import torch.distributed as dist
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import roc_auc_score

from sk_widedeep import CrossProductTransformer, EmbeddingEncoder, WideDeepClassifier
from sk_widedeep.datasets import make_app_installs


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-samples", type=int, default=200_000)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=256, help="rows per rank")
    parser.add_argument("--output", default="model_ddp.skwd")
    args = parser.parse_args()

    # torchrun sets RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT for env://
    use_gpu = torch.cuda.is_available()
    device = "cpu"
    if use_gpu:
        local_rank = int(os.environ["LOCAL_RANK"])
        torch.cuda.set_device(local_rank)
        device = f"cuda:{local_rank}"
    dist.init_process_group("nccl" if use_gpu else "gloo")
    rank, world_size = dist.get_rank(), dist.get_world_size()

    # The data. Here every rank generates the same table and keeps its own
    # rows; in practice each rank reads its own files (the rows need not be
    # split evenly: ranks whose rows run out wait in each epoch's last steps).
    X, y = make_app_installs(n_samples=args.n_samples, random_state=0)
    n_test = len(X) // 5
    X_train, y_train = X.iloc[:-n_test], y.iloc[:-n_test]
    X_test, y_test = X.iloc[-n_test:], y.iloc[-n_test:]
    X_shard = X_train.iloc[rank::world_size]
    y_shard = y_train.iloc[rank::world_size]

    # The transformers: fitted on the same sample on every rank, then frozen.
    sample = X_train.iloc[:50_000]
    wide = CrossProductTransformer(crosses=[("country", "app_id")]).fit(sample)
    deep = EmbeddingEncoder().fit(sample)

    clf = WideDeepClassifier(
        wide=FrozenEstimator(wide),
        deep=FrozenEstimator(deep),
        hidden_units=(64, 32),
        max_epochs=args.epochs,
        batch_size=args.batch_size,
        device=device,
        data_parallel=True,
        random_state=0,
        verbose=int(rank == 0),  # one rank prints the epochs' lines
    )
    start = time.perf_counter()
    clf.fit(X_shard, y_shard)
    seconds = time.perf_counter() - start

    if rank == 0:
        auc = roc_auc_score(y_test, clf.predict_proba(X_test)[:, 1])
        print(
            f"{world_size} ranks x {len(X_shard)} rows, {args.epochs} epochs in "
            f"{seconds:.1f} s; held-out ROC AUC {auc:.4f}"
        )
        clf.save(args.output)
        print(f"saved to {args.output}")
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
