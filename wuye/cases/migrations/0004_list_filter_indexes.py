"""Indexes found with the megacity benchmarks (docs/PERFORMANCE.md, 接诉即办):

- (district, category, created_at): a district's list filtered by category — the capped count
  becomes an index-only scan (357 ms → 3 ms) and the page a backward index scan;
- (district, status) over open, non-confidential complaints: a district dispatcher's status
  counts, index-only (the planner otherwise walked all open complaints of the city: 120–180 ms → 1 ms).
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0003_officer_pages_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(fields=['district', 'category', 'created_at'], name='cases_compl_district_category'),
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(condition=models.Q(('confidential', False), ('status__in', ['accepted', 'dispatched', 'evaluated', 'in_progress', 'replied', 'reply_review', 'return_review', 'signed', 'submitted'])), fields=['district', 'status'], name='cases_compl_distr_open_status'),
        ),
    ]
