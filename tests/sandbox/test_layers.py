"""Code and layers unpacked once, even when first invocations arrive together."""

import io
import threading
import zipfile

from courseware.sandbox import layers


def test_concurrent_first_unpacks_agree(tmp_path):
    archive = tmp_path / "code.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for n in range(200):
            zipped.writestr(f"pkg/module_{n}.py", "x = 1\n" * 50)
    archive.write_bytes(buffer.getvalue())
    results, errors, start = [], [], threading.Barrier(8)

    def unpack():
        start.wait()
        try:
            results.append(layers.unpack(archive, tmp_path / "code"))
        except Exception as error:  # noqa: BLE001  (what the test looks for)
            errors.append(error)

    threads = [threading.Thread(target=unpack) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(set(results)) == 1
    (target,) = set(results)
    assert len(list((target / "pkg").iterdir())) == 200
    assert [path.name for path in (tmp_path / "code").iterdir()] == [target.name]  # no scratch left behind
