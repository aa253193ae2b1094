"""The lab backend process: moto, with Lambda run in the sandbox, behind one ingress.

`backend.LabBackend` is the process (`manage.py labs_backend`). Around moto it holds the seam
that runs learner code (`lambda_patches`, `invoker`, `pollers`), the ingress every request
enters by (`ingress`, `routing`, `errors`), the per-account socket learner code calls through
(`account_socket`), API Gateway's front door (`apigw/`), and the rules that keep every emulated
account to itself (`tenancy`, `limits`, `quotas`, `outbound`, `stacks`); `cfn_lambda` adds the
Lambda aliases and versions moto's CloudFormation lacks. Functions' resource policies
(`permissions`, `lambda_policy`) are read by every service that invokes one (`s3_notifications`
with `s3_events`, `sns_delivery`, `apigw.grants`). Nothing here imports
Django: the site reaches this process only over HTTP, through `labrunner.client`.
"""
