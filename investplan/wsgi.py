import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "investplan.settings")

application = get_wsgi_application()

# Everything loaded so far lives as long as the process: keep the collector from scanning
# it again on every pass. Costing a large plan makes tens of thousands of small objects,
# and full collections over the whole heap were a fifth of a report page's time.
gc.collect()
gc.freeze()
# And collect the young generation after 10,000 new objects rather than 700: a comparison
# of two 2,000-line plans makes hundreds of thousands, and the default ran the collector
# hundreds of times in one request (about 60 ms of 600; docs/performance.md, session 13).
gc.set_threshold(10_000, 10, 10)
