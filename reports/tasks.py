from django_tasks import task

from reports.models import RenderedReport
from reports.services import make_pdf


@task()
def render_pdf_task(render_id: int) -> None:
    """Lay out a long PDF in the worker (`manage.py db_worker`)."""
    make_pdf(RenderedReport.objects.select_related("plan__organisation").get(pk=render_id))
