"""Image data: the named datasets, their download cache, uploads, and the corruptions the tasks apply."""
