"""Estates in transition: developers and handover inspection, old compounds and their renovation,
准物业 bought by the streets, and the 回头看 follow-through (issue 17)."""
