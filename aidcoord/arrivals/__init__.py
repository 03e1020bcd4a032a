"""Reported arrivals: cumulative counts of people arrived, each with its source and the time it was reported."""
