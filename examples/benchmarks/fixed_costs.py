"""The fixed cost of a fit: what a small table pays before any learning.

Each measurement runs in a fresh process, as every script, CLI call and
``GridSearchCV`` worker does. On a 2,000-row sample of Adult (or, without
the shared data, of ``make_app_installs``), with the defaults:

- ``import sk_widedeep`` (torch, skorch and scikit-learn with it);
- the first fit of the process and a second one, split into input checks
  and the transformers' fit, building the net, and training (the epochs);
- the same first fit after ``import torch._dynamo``, what every process paid
  before the optimizers stopped importing it (version 0.1);
- LightGBM's first and second fit of the same rows, for scale.

Run from ``examples/benchmarks`` (``--repeats`` fresh processes each; the
medians are printed)::

    python fixed_costs.py [--repeats 5]
"""

import argparse

import numpy as np
from harness import fresh_json

CHILD = """
import json, sys, time
start = time.perf_counter()
{preamble}
import sk_widedeep
from sk_widedeep import WideDeepClassifier
imported = time.perf_counter() - start
sys.path.insert(0, ".")
from corpus import DATA_HOME
if DATA_HOME is not None:
    from sk_widedeep.datasets import fetch_adult
    X = fetch_adult(data_home=DATA_HOME).sample(2000, random_state=0)
    y = (X.pop("income") == ">50K").to_numpy()
else:
    from sk_widedeep.datasets import make_app_installs
    X, y = make_app_installs(2000, random_state=0)
phases = {{}}
def timed(name, method):
    def run(self, *args, **kwargs):
        begin = time.perf_counter()
        try:
            return method(self, *args, **kwargs)
        finally:
            phases[name] = phases.get(name, 0.0) + time.perf_counter() - begin
    return run
if {split}:
    for name in ("_fit_parts", "_make_net", "_train"):
        method = getattr(WideDeepClassifier, name)
        setattr(WideDeepClassifier, name, timed(name, method))
out = {{"import": imported}}
for fit in ("first", "second"):
    phases.clear()
    begin = time.perf_counter()
    {fit_call}
    out[fit] = time.perf_counter() - begin
    out.update({{f"{{fit}} {{k}}": v for k, v in phases.items()}})
print(json.dumps(out))
"""

OURS = "WideDeepClassifier(random_state=0).fit(X, y)"
LIGHTGBM = (
    "__import__('lightgbm').LGBMClassifier(verbose=-1, random_state=0)"
    ".fit(X.astype({c: 'category' for c in X.select_dtypes(exclude='number')}), y)"
)


def child(preamble="", split=True, fit_call=OURS):
    code = CHILD.format(preamble=preamble, split=split, fit_call=fit_call)
    return fresh_json(code)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    runs = {"sk_widedeep": [], "sk_widedeep, torch._dynamo loaded": [], "LightGBM": []}
    for _ in range(args.repeats):  # alternating
        runs["sk_widedeep"].append(child())
        runs["sk_widedeep, torch._dynamo loaded"].append(
            child(preamble="import torch._dynamo", split=False)
        )
        runs["LightGBM"].append(child(split=False, fit_call=LIGHTGBM))
    for name, measured in runs.items():
        print(f"{name}:")
        for key in measured[0]:
            values = [m[key] for m in measured]
            print(f"  {key:22s} {np.median(values):7.3f} s")


if __name__ == "__main__":
    main()
