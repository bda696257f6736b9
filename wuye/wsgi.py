import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")
application = get_wsgi_application()

from wuye.core.startup import prepare_process  # noqa: E402  (after Django is set up)

prepare_process()
