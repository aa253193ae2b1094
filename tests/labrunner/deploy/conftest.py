import pytest

from courseware.labrunner.client.aws import AccountAws, new_account_id


@pytest.fixture
def aws(lab_backend):
    return AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id())
