"""The 回头看 re-checks of last year's clean-up and confidential 扫黑除恶 clue reports (issue 17 §10–11)."""
