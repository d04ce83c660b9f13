"""The prediction model: training, the saved artifact, loading and inference."""
