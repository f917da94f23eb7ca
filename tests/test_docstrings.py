"""numpydoc validation of every public docstring (always on)."""

import inspect

import pytest
from numpydoc.validate import validate

import sk_widedeep
import sk_widedeep.datasets

# Checks we do not enforce, and why:
# ES01 an extended summary is not needed for short methods;
# SA01 "See Also" is written for classes, not every method;
# EX01 methods are shown in their class's Examples section;
# RT02 return values are named, as in scikit-learn ("self : object").
IGNORED = {"ES01", "SA01", "EX01", "RT02"}


def public_objects():
    for module in (sk_widedeep, sk_widedeep.datasets):
        for name in module.__all__:
            obj = getattr(module, name)
            if not callable(obj):
                continue
            yield f"{module.__name__}.{name}"
            if inspect.isclass(obj):
                for method, member in vars(obj).items():
                    if not method.startswith("_") and callable(member):
                        yield f"{module.__name__}.{name}.{method}"


@pytest.mark.parametrize("name", sorted(public_objects()))
def test_docstring(name):
    result = validate(name)
    errors = [(code, msg) for code, msg in result["errors"] if code not in IGNORED]
    assert not errors, "\n".join(f"{code}: {msg}" for code, msg in errors)
