"""Developers (建设单位), their estates and phases, and their record of violations (issue 17 §1)."""
