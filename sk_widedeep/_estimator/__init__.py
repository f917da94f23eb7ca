"""The estimators: the shared core, its two faces and what they need.

The core (``_base``: fit, predict, warm start through ``_warm_start``), the
target (``_targets``), the two faces (``_classifier``, ``_regressor``) and
their docstrings, the paper's preset (``_presets``) and the safe model file
(``_persistence``). Imports every layer below: ``_transformers``,
``_coding``, ``_network`` and ``_common``.
"""
