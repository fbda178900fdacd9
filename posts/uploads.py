"""An upload handler that caps a request's body before it is read: a file over the import
limit is refused as its bytes arrive, so it is never written to disk whole, and a request
that says it is larger than the limit is refused before its file is read at all."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

# The form's other fields and the multipart boundaries, beside the file itself.
_ENVELOPE_BYTES = 64 * 1024


def upload_refusal(request) -> str:
    """What the handler said of the request's file, or "" if it let it through."""
    return getattr(request, "upload_refused", "")


class CappedUploadHandler(FileUploadHandler):
    """First of the handlers: it passes every chunk on, counting, and stops the upload
    (without reading the rest of the body) once a file passes the limit."""

    body_length = received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.body_length = content_length or 0
        self.received = 0

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0
        if self.body_length > settings.IMPORT_LIMITS["file_bytes"] + _ENVELOPE_BYTES:
            self._refuse(f"is {self.body_length / 1024 / 1024:.1f} MB")

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.IMPORT_LIMITS["file_bytes"]:
            self._refuse(f"is over {self.received // 1024 // 1024} MB")
        return raw_data

    def file_complete(self, file_size):
        return None  # the handlers after this one make the file

    def _refuse(self, size: str) -> None:
        limit = f"{settings.IMPORT_LIMITS['file_bytes'] // 1024 // 1024} MB"
        self.request.upload_refused = f"“{self.file_name}” {size}; the limit is {limit}"
        # connection_reset: the rest of the body is not read, let alone kept.
        raise StopUpload(connection_reset=True)
