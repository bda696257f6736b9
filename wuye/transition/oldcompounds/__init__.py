"""The register of old compounds, their renovation projects, acceptance and the enclosure target (issue 17 §5–7)."""
