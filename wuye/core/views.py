from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def not_ready(request, *args, **kwargs):
    raise Http404
