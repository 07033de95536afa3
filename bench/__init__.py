"""Benchmarks of Autoencoder Lab: ``python bench/run.py`` (or ``python -m bench``)."""
