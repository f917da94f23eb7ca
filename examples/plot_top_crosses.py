"""
What the wide part memorized: the learned top crosses
=====================================================

The wide part is a linear model over named features, so its weights can be
read: each says how much a value, or a combination of values for a cross,
adds to the log-odds. Here the ``country`` × ``app_id`` cross should
memorize the local hit apps that
:func:`~sk_widedeep.datasets.make_app_installs` plants in each country.
"""

# %%
import matplotlib.pyplot as plt
import pandas as pd

from sk_widedeep import CrossProductTransformer, WideDeepClassifier
from sk_widedeep.datasets import make_app_installs
from sk_widedeep.plotting import plot_wide_weights

X, y = make_app_installs(40_000, random_state=0)
model = WideDeepClassifier(
    wide=CrossProductTransformer(
        columns=["app_id", "app_category"], crosses=[("country", "app_id")]
    ),
    wide_l1=10.0,  # FTRL's L1: features that do not help get a weight of exactly 0
    random_state=0,
)
model.fit(X, y)
weights = model.wide_weights()["weight"]
print(f"{(weights != 0).sum()} of {len(weights)} wide features have a weight")

# %%
# The largest weights, positive (blue) and negative (red).
plot_wide_weights(model, top=15)
plt.tight_layout()

# %%
# Are the largest crosses real local hits? For the 10 largest positive
# crosses, compare the install rate of that app in that country with the
# app's install rate everywhere else.
is_cross = weights.index.str.contains("&")
top = weights[is_cross & (weights > 0)].head(10)
rows = []
for feature, weight in top.items():
    country, app = (part.split("=")[1] for part in feature.split("&"))
    shown = X["app_id"] == app
    here = shown & (X["country"] == country)
    rows.append(
        {
            "cross": feature,
            "weight": weight,
            "impressions": int(here.sum()),
            "install rate here": y[here].mean(),
            "elsewhere": y[shown & ~here].mean(),
        }
    )
print(pd.DataFrame(rows).round(3).to_string(index=False))
