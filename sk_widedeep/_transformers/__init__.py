"""The two transformers and what the network reads of them.

:class:`~sk_widedeep.CrossProductTransformer` (the wide part's one-hot
crosses) and :class:`~sk_widedeep.EmbeddingEncoder` (the deep part's codes
and numbers), their shared base (``_transformer``), and the arrays the
network is fed from any pair of parts (``_features``). Imports ``_coding``
and ``_common``.
"""
