"""The torch side: the Wide & Deep module, its skorch net and training.

The module (``_module``), the net and its loss (``_net``), the optimizers
(``_optim``), mini-batches (``_batches``), sharding and data-parallel
training (``_sharding``, ``_distributed``), the temperature
(``_calibration``) and the device (``_device``). Imports only ``_common``:
it knows arrays, not columns.
"""
