"""Handover inspection (承接查验) between a developer and a property company, the filing with the district and early-delivery detection (issue 17 §2–4)."""
