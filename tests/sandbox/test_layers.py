"""Unpacking a function's code (and merging layers) when several invocations do it at once."""

import io
import threading
import zipfile

from courseware.sandbox import layers


def test_one_archive_unpacked_by_many_at_once_gives_each_the_same_folder(tmp_path):
    archive = tmp_path / "code.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for number in range(200):  # enough files that the extractions overlap
            zipped.writestr(f"pkg/module_{number}.py", f"VALUE = {number}\n")
        zipped.writestr("handler.py", "def handler(event, context):\n    return 1\n")
    archive.write_bytes(buffer.getvalue())
    into, barrier, results, errors = tmp_path / "code", threading.Barrier(8), [], []

    def unpack():
        barrier.wait()
        try:
            results.append(layers.unpack(archive, into))
        except Exception as error:  # noqa: BLE001 (collected, asserted below)
            errors.append(error)

    threads = [threading.Thread(target=unpack) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(set(results)) == 1
    folder = results[0]
    assert (folder / "handler.py").read_text().startswith("def handler")
    assert len(list((folder / "pkg").iterdir())) == 200
    assert [p.name for p in into.iterdir()] == [folder.name]  # no scratch folder left behind
    merged = layers.merged((archive,), tmp_path / "work")
    assert (merged / "handler.py").exists()
