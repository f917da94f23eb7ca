"""The test suite.

Imported before ``conftest.py`` and before scipy: scikit-learn's common
checks include ``check_array_api_input``, which runs the estimators with
array API dispatch on NumPy inputs, and is skipped ("SCIPY_ARRAY_API is not
set") unless scipy was imported with ``SCIPY_ARRAY_API=1``. NumPy inputs
behave the same with it; other array libraries are not tested (the
estimators do not declare array API support).
"""

import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")
