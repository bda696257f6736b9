"""准物业 bought by the streets and communities: purchase contracts, monthly checks and the payment formula (issue 17 §8–9)."""
