"""Reports that combine several slices' figures; this package sits above the slices and composes them.

Each slice exports its own data next to it (`needs/exports.py`, `pledges/exports.py`, `housing/exports.py`),
written with the shared CSV / HXL helpers in `common/csv_export.py`; no slice imports this package (see the
import-linter contracts in pyproject.toml). The dashboard (`services.py`: each figure one grouped SQL query over
the slices' tables, read-only; `charts.py`: SVG drawn on the server) and the 3W (`threew.py`) combine them here.
"""
