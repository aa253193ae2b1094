"""Which processes `make serve` starts (test_serve_mode.py runs them all, on PostgreSQL)."""

from courseware.core.management.commands.serve import instances, niced


def test_each_lab_node_gets_its_port_and_its_own_workers_on_its_queue(monkeypatch):
    monkeypatch.setenv("LABS_PORT", "6000")
    assert instances("labs", workers=2, nodes=2) == [
        ("labs.1", {"LAB_NODE": "n1", "LABS_PORT": "6000"}),
        ("labs.2", {"LAB_NODE": "n2", "LABS_PORT": "6001"}),
    ]
    workers = instances("worker", workers=2, nodes=2)
    assert [label for label, _ in workers] == ["worker.1.1", "worker.1.2", "worker.2.1", "worker.2.2"]
    assert [env["TASK_QUEUES"] for _, env in workers] == ["labs-n1", "labs-n1", "labs-n2", "labs-n2"]
    assert instances("web", workers=2, nodes=2) == [("web.1", {"PROCESS_NUMBER": "1"})]


def test_without_nodes_one_backend_and_workers_on_the_default_queue():
    assert instances("labs", workers=3, nodes=0) == [("labs.1", {"PROCESS_NUMBER": "1"})]
    assert [label for label, _ in instances("worker", workers=3, nodes=0)] == ["worker.1", "worker.2", "worker.3"]


def test_lab_nodes_and_workers_yield_the_cpu_to_the_web(monkeypatch):
    assert niced("labs", "python manage.py labs_backend") == "nice -n 10 python manage.py labs_backend"
    assert niced("worker", "python manage.py db_worker").startswith("nice -n 10 ")
    assert niced("web", "gunicorn app") == "gunicorn app"
    monkeypatch.setenv("LABS_NICE", "0")
    assert niced("labs", "python manage.py labs_backend") == "python manage.py labs_backend"
