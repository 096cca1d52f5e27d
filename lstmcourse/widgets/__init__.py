"""Interactive widgets: one JavaScript front end each, hosted in Jupyter and in the static book."""
