"""Print the p50/p95/p99 of each request type from locust's CSV, as a Markdown table."""

import csv
import sys

path = sys.argv[1]
print("| request | count | failures | p50 ms | p95 ms | p99 ms |")
print("|---|---:|---:|---:|---:|---:|")
with open(path, newline="") as fh:
    for row in csv.DictReader(fh):
        if row["Name"] in ("login page", "login"):
            continue
        print(f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | {row['95%']} | {row['99%']} |")
