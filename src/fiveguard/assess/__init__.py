"""Pure assessment engines: a model and the catalogue in, results out."""
