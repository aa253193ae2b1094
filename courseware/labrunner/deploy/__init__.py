"""Deploying a learner's files to their emulated account: one function, or a SAM stack.

A single-function lab deploys `handler.py` with the Lambda API and the settings from the config
form. A SAM lab's template is translated (`.sam`) and deployed as a CloudFormation stack named
`lab`, replaced on every deploy; the code goes to an S3 bucket in the learner's account first, as
`sam deploy` does. Resource types moto's CloudFormation does not create (APIs, Cognito, SNS
subscriptions, ...) are applied around the stack through the APIs CloudFormation would call.

Following a learner's files: `deploy` -> `.function` (a function lab) or `.stack` (a SAM lab:
`.sam` reads and translates the template, `.code` uploads the zip, `.plan` orders what moto
cannot create around the stack, `.intrinsics` works out their `Ref`s and `GetAtt`s, and
`.resources` creates them) -> a `.outcome.Deployment`, or a `DeployError` at the line to fix.
"""

from ..client.aws import AccountAws
from .code import syntax_warnings
from .function import deploy_function, validate_config
from .outcome import DeployError, Deployment
from .stack import deploy_stack

__all__ = ["DeployError", "Deployment", "deploy", "validate_config"]


def deploy(*, aws: AccountAws, spec, files: dict[str, str], config: dict) -> Deployment:
    """Deploy `files` for the lab `spec` (deploy, handler, function, slug) into `aws`'s account."""
    if spec.deploy == "sam":
        deployment = deploy_stack(aws, spec, files)
    else:
        deployment = deploy_function(aws, spec, files, validate_config(config))
    deployment.warnings[:0] = syntax_warnings(files)
    return deployment
