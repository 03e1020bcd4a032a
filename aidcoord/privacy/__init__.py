"""Retention and erasure: how long personal data is kept, and a person's own data (export, erasure)."""
