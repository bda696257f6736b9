"""Periodic jobs (see the package tasks.py)."""
