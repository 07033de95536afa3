"""Autoencoder Lab's library: datasets, models, training, metrics and the run store.

Importing this package is cheap: TensorFlow and Keras are imported only by the modules that
build or run models (``architectures``, ``training``, ``corruption``'s resizing, ``runs`` when it
loads weights), and only when those functions are called.
"""

from aemodels.errors import AemodelsError

__all__ = ["AemodelsError"]
__version__ = "0.1.0"
