"""numpydoc validation of every public docstring (always on)."""

import inspect

import pytest
from numpydoc.validate import validate

import sk_widedeep
import sk_widedeep.datasets
import sk_widedeep.plotting

# Checks we do not enforce, and why:
# ES01 an extended summary is not needed for short methods;
# SA01 "See Also" is written for classes, not every method;
# RT02 return values are named, as in scikit-learn ("self : object").
IGNORED = {"ES01", "SA01", "RT02"}
# Methods are shown in their class's Examples section (EX01); classes and
# functions each have their own, run as doctests.
IGNORED_FOR_METHODS = IGNORED | {"EX01"}


def public_objects():
    for module in (sk_widedeep, sk_widedeep.datasets, sk_widedeep.plotting):
        for name in module.__all__:
            obj = getattr(module, name)
            if not callable(obj):
                continue
            yield f"{module.__name__}.{name}", False
            if inspect.isclass(obj):
                for method, member in vars(obj).items():
                    if not method.startswith("_") and callable(member):
                        yield f"{module.__name__}.{name}.{method}", True


@pytest.mark.parametrize(
    "name, is_method", [pytest.param(*o, id=o[0]) for o in sorted(public_objects())]
)
def test_docstring(name, is_method):
    result = validate(name)
    ignored = IGNORED_FOR_METHODS if is_method else IGNORED
    errors = [(code, msg) for code, msg in result["errors"] if code not in ignored]
    assert not errors, "\n".join(f"{code}: {msg}" for code, msg in errors)
