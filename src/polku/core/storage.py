"""File storage that never leaves half a file behind (fault tests: disk full during an upload).

Django's FileSystemStorage writes straight into the final name, so a disk that fills mid-upload leaves a
truncated file which later reads as a valid attachment. This writes to a temporary file in the same
directory, fsyncs it, and renames it into place; on any error the temporary file is removed and the
OSError (ENOSPC, EDQUOT) propagates, which StorageFullMiddleware turns into a clear "nothing was saved".
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.files.storage import FileSystemStorage


def _open_for_writing(descriptor: int):
    # A seam for the fault tests, which point it at /dev/full to get a real ENOSPC from the kernel.
    return os.fdopen(descriptor, "wb")


class AtomicFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        full_path = Path(self.path(name))
        full_path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=full_path.parent, prefix=".upload-", suffix=".part")
        try:
            with _open_for_writing(descriptor) as out:
                if hasattr(content, "seek"):
                    content.seek(0)
                for chunk in content.chunks():
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if self.file_permissions_mode is not None:
                os.chmod(temporary, self.file_permissions_mode)
            name = self.get_available_name(name)
            os.replace(temporary, self.path(name))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return str(name).replace("\\", "/")
