"""Consent as records: what a person agreed to, the text they were shown, when, by whom; and its withdrawal."""
