"""How good a run is: metrics, the classical and PCA baselines, the 2-D views, the verdict."""
