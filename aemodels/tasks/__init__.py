"""The tasks a model does (embedding, denoising, super-resolution), one module each, and what
runs any of them: training, scoring, the default settings and the verdict against the baseline."""
