"""Audience segments: the model, the compiler, preview and export."""
