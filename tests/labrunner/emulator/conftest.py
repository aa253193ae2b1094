import pytest

from courseware.labrunner.client.aws import AccountAws, new_account_id
from courseware.labrunner.emulator.backend import LabBackend
from courseware.labrunner.emulator.limits import AccountLimits
from courseware.sandbox import Sandbox, SandboxLimits

from .pollers.fixtures import stop_polling
from .tenancy_fixtures import RAW_SENDER, deploy_attacker, make_victim


@pytest.fixture(scope="module")
def open_backend(lab_backend):
    """A lab backend of its own whose rate limits let an attack suite run at full speed (moto's
    state is per process, so it shares the session backend's accounts)."""
    backend = LabBackend(
        sandbox=Sandbox(SandboxLimits(max_environments=4)),
        limits=AccountLimits(requests_per_second=5000, burst=5000, connections=32),
    ).start()
    yield backend
    backend.stop()
    backend.sandbox.shutdown()


@pytest.fixture(scope="module")
def victim(open_backend):
    return make_victim(open_backend.endpoint)


@pytest.fixture(scope="module")
def attacker(open_backend):
    aws = AccountAws(endpoint=open_backend.endpoint, account_id=new_account_id())
    deploy_attacker(aws, "raw-sender", RAW_SENDER)
    return aws


@pytest.fixture
def aws(lab_backend):
    """A fresh account on the session's lab backend; its event source mappings are deleted after
    the test, so no poller keeps invoking its functions while later tests run."""
    account = AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id())
    yield account
    stop_polling(account)


@pytest.fixture
def account(lab_backend):
    """A fresh account of the session's lab backend, for one test (its mappings deleted after)."""
    account = AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id())
    yield account
    stop_polling(account)
