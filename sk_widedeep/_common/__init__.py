"""Helpers that every layer may use.

Version shims (``_compat``) and ragged arrays (``_ragged``); they import
nothing else of sk_widedeep.
"""
