"""The mark on every column that holds personal data, read by tests/test_personal_data_inventory.py to keep
docs/personal-data.md (what each field is for, who sees it, when it is deleted) complete and true."""
from sqlalchemy import Column

# mapped_column(..., info=PERSONAL): the column's info dict, not the schema, so marking needs no migration.
# Shared by every marked column: read it, never change it.
PERSONAL: dict[str, bool] = {"personal": True}


def is_personal(column: Column) -> bool:
    """Whether the column is marked as holding personal data."""
    return bool(column.info.get("personal"))
