"""Saved runs: the run store, visitors' private stores, and exports to other tools."""
