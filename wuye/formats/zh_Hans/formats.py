"""Chinese number formats: thousands grouped with commas (12,345), as government statistics print
them. Django's zh_Hans locale defines no grouping, so ``intcomma`` printed 12345; everything else
falls back to Django's own zh_Hans formats."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
