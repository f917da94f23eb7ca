"""Optimizers: FTRL-Proximal for the wide part, torch's without ``torch._dynamo``.

FTRL-Proximal is the paper's choice for the wide part (torch has none); the
others are torch's own, stepping without importing ``torch._dynamo``.
"""

from __future__ import annotations

from typing import NamedTuple

import torch

from .._common._compat import defer_dynamo_import, fused_adam_step, plain_step

defer_dynamo_import()

OPTIMIZERS = ("adam", "adagrad", "sgd", "ftrl")
"""Optimizers known by name; the wide part gets sparse gradients with them."""

DEFAULT_LR = {"adam": 1e-3, "adagrad": 0.01, "sgd": 0.01, "ftrl": 0.05}
"""Learning rate of each named optimizer when the ``lr`` parameter is "auto"."""


class OptimizerSpec(NamedTuple):
    """What the estimator's parameters say of one part's optimizer.

    Attributes
    ----------
    optimizer : str or type
        A name from :data:`OPTIMIZERS` or a :class:`torch.optim.Optimizer`
        class.
    lr : float or "auto"
        The learning rate; "auto" is :data:`DEFAULT_LR`'s (or the class's own).
    l1, l2 : float
        Regularization strengths.
    """

    optimizer: str | type
    lr: float | str = "auto"
    l1: float = 0.0
    l2: float = 0.0


def check_regularization(spec: OptimizerSpec, part: str, rows_only=None) -> None:
    """Refuse a regularization the part's optimizer cannot apply.

    L1 needs FTRL; so does L2 when a step may change only the rows that have
    a gradient (``rows_only``; None: for the named optimizers, whose wide
    part steps so).
    """
    optimizer, _, l1, l2 = spec
    if optimizer == "ftrl":
        return
    if rows_only is None:
        rows_only = optimizer in OPTIMIZERS
    if l1 or (rows_only and l2):
        name = f"{part}_l1" if l1 else f"{part}_l2"
        raise ValueError(
            f"{name} needs {part}_optimizer='ftrl': {optimizer!r} cannot regularize "
            f"the {part} part's sparse weights. Use {part}_optimizer='ftrl', or set "
            f"{name}=0."
        )


def make_optimizer(
    spec: OptimizerSpec, params, part: str, *, sparse: bool, rows_only=None
):
    """Build the optimizer of one part of the model.

    Parameters
    ----------
    spec : OptimizerSpec
        The optimizer, its learning rate and regularization.
    params : list of Parameter
        The part's parameters.
    part : {"wide", "deep"}
        Names the part in errors.
    sparse : bool
        Whether the parameters get sparse gradients.
    rows_only : bool or None, default=None
        Whether a step may change only the rows that have a gradient (no
        weight decay but FTRL's); None: when ``sparse``.
    """
    optimizer, lr, l1, l2 = spec
    rows_only = sparse if rows_only is None else rows_only
    if optimizer == "ftrl":
        return FTRL(params, lr=DEFAULT_LR["ftrl"] if lr == "auto" else lr, l1=l1, l2=l2)
    check_regularization(spec, part, rows_only)
    kwargs = {} if lr == "auto" else {"lr": lr}
    if isinstance(optimizer, str):
        kwargs.setdefault("lr", DEFAULT_LR[optimizer])
        if sparse:
            kind = {"adam": torch.optim.SparseAdam, "adagrad": Adagrad}
            return kind.get(optimizer, SGD)(params, **kwargs)
        # fused: one kernel for all parameters, 5x faster than the loop on CPU
        kind = {"adam": Adam, "adagrad": Adagrad}
        if optimizer in kind:
            return kind[optimizer](params, weight_decay=l2, fused=True, **kwargs)
        return SGD(params, weight_decay=l2, **kwargs)
    if l2:
        kwargs["weight_decay"] = l2
    return optimizer(params, **kwargs)


class Adam(torch.optim.Adam):
    """:class:`torch.optim.Adam`, stepping without importing ``torch._dynamo``.

    The same arithmetic as torch's (its own step function, or with
    ``fused=True`` its fused kernel called directly); only the decorator
    that imports ``torch._dynamo`` (about 1.3 s at the first fit of a
    process) and, when fused, the regrouping of the parameters at every step
    are left out. See :func:`._compat.plain_step` and
    :func:`._compat.fused_adam_step`.
    """

    _step = staticmethod(plain_step(torch.optim.Adam))

    @torch.no_grad()
    def step(self, closure=None):
        """Take one optimization step."""
        if closure is None and len(self.param_groups) == 1:  # ours: one group
            group = self.param_groups[0]
            if group["fused"] and fused_adam_step(group, group["params"], self.state):
                return None
        return self._step(self, closure)


class Adagrad(torch.optim.Adagrad):
    """:class:`torch.optim.Adagrad`, stepping without importing ``torch._dynamo``."""

    _step = staticmethod(plain_step(torch.optim.Adagrad))

    @torch.no_grad()
    def step(self, closure=None):
        """Take one optimization step."""
        return self._step(self, closure)


class SGD(torch.optim.SGD):
    """:class:`torch.optim.SGD`, stepping without importing ``torch._dynamo``."""

    _step = staticmethod(plain_step(torch.optim.SGD))

    @torch.no_grad()
    def step(self, closure=None):
        """Take one optimization step."""
        return self._step(self, closure)


class FTRL(torch.optim.Optimizer):
    r"""FTRL-Proximal with L1 and L2 regularization (McMahan et al., 2013).

    Per coordinate :math:`i`, with gradient :math:`g_i`:

    .. math::

        \sigma_i &= \frac{\sqrt{n_i + g_i^2} - \sqrt{n_i}}{\alpha}, \qquad
        z_i \leftarrow z_i + g_i - \sigma_i w_i, \qquad
        n_i \leftarrow n_i + g_i^2, \\
        w_i &= \begin{cases}
            0 & \text{if } |z_i| \le \lambda_1 \\
            -\dfrac{z_i - \operatorname{sgn}(z_i)\lambda_1}
                   {(\beta + \sqrt{n_i}) / \alpha + \lambda_2}
            & \text{otherwise.}
        \end{cases}

    The L1 term sets weights exactly to zero, so the learned model is sparse.
    A sparse gradient (e.g. from ``nn.EmbeddingBag(sparse=True)``) updates
    only the rows it holds: the cost of a step does not grow with the number
    of rows of the parameter. A coordinate with a zero gradient keeps its
    weight, so sparse and dense steps give the same result.

    The state of a parameter starts from its current value (``z`` is set so
    that the formula above returns it), so a warm-started weight is kept
    until gradients move it.

    Parameters
    ----------
    params : iterable
        Parameters or parameter groups.
    lr : float, default=0.05
        The learning rate :math:`\alpha`.
    beta : float, default=1.0
        Smooths the per-coordinate learning rate at the start,
        :math:`\beta`.
    l1 : float, default=0.0
        L1 regularization strength :math:`\lambda_1`.
    l2 : float, default=0.0
        L2 regularization strength :math:`\lambda_2`.

    References
    ----------
    H. B. McMahan et al., "Ad Click Prediction: a View from the Trenches",
    KDD 2013, Algorithm 1.
    """

    def __init__(self, params, lr=0.05, beta=1.0, l1=0.0, l2=0.0):
        if lr <= 0 or beta < 0 or l1 < 0 or l2 < 0:
            raise ValueError(
                f"FTRL needs lr > 0 and beta, l1, l2 >= 0; got lr={lr}, beta={beta}, "
                f"l1={l1}, l2={l2}."
            )
        super().__init__(params, {"lr": lr, "beta": beta, "l1": l1, "l2": l2})

    @torch.no_grad()
    def step(self, closure=None):
        """Update every parameter that has a gradient.

        Parameters
        ----------
        closure : callable or None, default=None
            Recomputes the loss; called once, before the update, if given.

        Returns
        -------
        loss : Tensor or None
            What ``closure`` returned.
        """
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is not None:
                    self._update(param, group)
        return loss

    def _update(self, param, group):
        state = self.state[param]
        if not state:
            state["z"] = _z_for(param.detach(), group)
            state["n"] = torch.zeros_like(param)
        grad = param.grad
        if grad.is_sparse:
            grad = grad.coalesce()
            rows, grad = grad.indices()[0], grad.values()
            z, n, w = state["z"][rows], state["n"][rows], param[rows]
            z, n, w = _ftrl(z, n, w, grad, group)
            state["z"][rows], state["n"][rows], param[rows] = z, n, w
        else:
            z, n, w = _ftrl(state["z"], state["n"], param, grad, group)
            state["z"].copy_(z)
            state["n"].copy_(n)
            param.copy_(w)


def _ftrl(z, n, w, grad, group):
    """One FTRL-Proximal step on matching tensors; returns new (z, n, w)."""
    alpha, beta, l1, l2 = group["lr"], group["beta"], group["l1"], group["l2"]
    n_new = torch.addcmul(n, grad, grad)
    root = n_new.sqrt()
    sigma = (root - n.sqrt()) / alpha
    z_new = (z + grad).sub_(sigma.mul_(w))
    shrunk = z_new - z_new.sign() * l1 if l1 else z_new
    w_new = shrunk / root.add_(beta).div_(-alpha).sub_(l2)
    if l1:
        w_new = torch.where(z_new.abs() <= l1, 0.0, w_new)
    return z_new, n_new, w_new


def _z_for(w, group):
    """Compute the ``z`` that makes FTRL return weights ``w`` when ``n`` is 0."""
    alpha, beta, l1, l2 = group["lr"], group["beta"], group["l1"], group["l2"]
    return -w * (beta / alpha + l2) - w.sign() * l1
