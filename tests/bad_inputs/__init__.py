"""A corpus of bad input files, each with one defect and its expected outcome (see generate.py)."""
