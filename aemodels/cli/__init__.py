"""The command line, ``python -m aemodels``: its parser and one function per command."""
