"""The column coders: raw columns in, integer codes and scaled numbers out.

Reading a DataFrame's columns (``_columns``, ``_bags`` for multi-valued
cells), the coders of one column (``_vocabulary``, ``_hashing``,
``_scaling``) and the one place a categorical column's coder is chosen
(``_coders``). Numpy and pandas only: no torch, no estimator. Imports only
``_common``.
"""
