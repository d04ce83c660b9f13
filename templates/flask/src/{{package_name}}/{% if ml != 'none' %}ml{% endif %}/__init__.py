"""The prediction model: training, storage and inference."""
