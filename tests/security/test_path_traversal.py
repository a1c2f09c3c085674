"""Path traversal: file names and download addresses cannot reach outside their directory."""

from __future__ import annotations

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile

from polku.core.storage import AtomicFileSystemStorage

pytestmark = pytest.mark.django_db

TRAVERSALS = ["../outside.txt", "../../etc/passwd", "/etc/passwd", "sub/../../outside.txt"]


@pytest.mark.parametrize("name", TRAVERSALS)
def test_storage_refuses_names_that_leave_its_directory(tmp_path, name):
    root = tmp_path / "files"
    store = AtomicFileSystemStorage(location=root)
    with pytest.raises(SuspiciousFileOperation):
        store.save(name, ContentFile(b"x"))
    assert not (tmp_path / "outside.txt").exists()
    assert not root.exists() or not any(root.rglob("*.part"))


@pytest.mark.parametrize("name", TRAVERSALS)
def test_network_attachment_storage_refuses_names_that_leave_its_directory(tmp_path, settings, name):
    network_models = pytest.importorskip("polku.network.models")
    settings.POLKU_NETWORK_ATTACHMENT_DIR = str(tmp_path / "attachments")
    with pytest.raises(SuspiciousFileOperation):
        network_models.attachment_storage().save(name, ContentFile(b"x"))
    assert not (tmp_path / "outside.txt").exists()


@pytest.mark.parametrize("path", ["/static/..%2f..%2fsettings.py", "/static/../settings.py",
                                  "/static/%2e%2e/%2e%2e/settings.py", "/static/polku/..%5c..%5csettings.py"])
def test_static_files_cannot_be_escaped_to_read_the_settings(client, path):
    response = client.get(path)
    assert response.status_code == 404
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"SECRET_KEY" not in body


@pytest.mark.parametrize("tail", ["..%2F..%2Fsettings.py/", "../../settings.py/", "1/..%2F2/"])
def test_download_addresses_take_numbers_only(client, nurse, tail):
    client.force_login(nurse)
    assert client.get(f"/konsultaatio/1/liite/{tail}").status_code == 404
    assert client.get(f"/tulkkaus/tilaus/{tail}kalenteri.ics").status_code == 404
