"""The package's version, in a module that imports nothing.

The safe file format writes it into every model file; keeping it here lets
that module read it without importing the package.
"""

__version__ = "0.1.0"
