"""What the log keeps of a request Django refused."""

import logging


class TracebackOnlyForServerErrors(logging.Filter):
    """Keeps a traceback for a server error and drops it for a refusal (403, 404, 400):
    Django logs a refused request with the exception that refused it, so every forbidden
    page a prober tries would fill the log with a traceback of our own permission check,
    and hide the server errors that matter."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
