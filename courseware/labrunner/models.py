"""Labs and what learners do in them. The database is the source of truth for what a learner
deployed: if the emulator loses its memory, a learner's next action re-provisions from here."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

STALE_AFTER = timedelta(minutes=20)  # a run a dead worker left behind stops blocking the lab


class Lab(models.Model):
    """The index of `labs/<slug>/`, filled by `content sync`. The solution and checks stay on
    disk (read only when grading), so nothing here can show them."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    order = models.PositiveIntegerField(db_index=True)
    summary = models.TextField()
    objectives = models.JSONField(default=list)
    services = models.JSONField(default=list)
    deploy = models.CharField(max_length=20)  # function | sam
    handler = models.CharField(max_length=200)
    function = models.CharField(max_length=200, blank=True)  # sam: the main function's logical id
    points = models.PositiveIntegerField()
    minutes = models.PositiveIntegerField()
    lesson_slug = models.SlugField(max_length=80, blank=True)
    body_html = models.TextField()
    starter = models.JSONField(default=dict)  # file name -> text
    config = models.JSONField(default=dict)  # the settings form's starting values
    events = models.JSONField(default=dict)  # saved test event name -> JSON text
    # visible check name -> its hints as HTML, gentlest first; a hidden check's are never stored
    hints = models.JSONField(default=dict)
    # A challenge lab (`challenge: true`, a brief and no steps) names the badge its full marks earn.
    badge = models.CharField(max_length=80, blank=True)
    source_path = models.CharField(max_length=300)
    content_hash = models.CharField(max_length=64)
    synced_at = models.DateTimeField()

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("labrunner:lab", args=[self.slug])

    @property
    def challenge(self) -> bool:
        return bool(self.badge)


class LabNode(models.Model):
    """A lab backend (`labs_backend --node NAME`): moto and the sandbox on one machine, with task
    workers beside it taking this node's queue. Emulated state lives only in its memory, so the
    workspaces placed on it are re-provisioned from the database when it is lost (`placement`)."""

    class State(models.TextChoices):
        ACTIVE = "active"  # takes new placements
        DRAINING = "draining"  # takes none; its workspaces move on their next step
        LOST = "lost"  # missed its heartbeats; its workspaces move on their next step

    name = models.SlugField(max_length=40, unique=True)
    endpoint = models.URLField(max_length=200)  # loopback, as the workers beside the node reach it
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    capacity = models.PositiveIntegerField(default=100)  # a weight: placements go where placed/capacity is least
    boot_id = models.CharField(max_length=32, blank=True)  # new at each start: a restart lost all state
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.state})"

    @property
    def queue_name(self) -> str:
        return f"labs-{self.name}"


class LabWorkspace(models.Model):
    """One learner's copy of a lab: an emulated account, drafts, and what is deployed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="workspaces")
    account_id = models.CharField(max_length=12)
    files = models.JSONField(default=dict)  # the draft, saved as the learner types
    config = models.JSONField(default=dict)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    deployed_version = models.ForeignKey(
        "LabVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    best_score = models.PositiveIntegerField(default=0)
    node = models.ForeignKey(LabNode, null=True, blank=True, on_delete=models.SET_NULL, related_name="workspaces")
    provisioned_on = models.CharField(max_length=32, blank=True)  # the node boot that holds deployed_version
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lab"], name="one_workspace_per_lab")]

    def __str__(self) -> str:
        return f"{self.user} in {self.lab} ({self.account_id})"


class LabVersion(models.Model):
    """The files and settings of one deploy, kept so nothing is lost and any can be restored."""

    workspace = models.ForeignKey(LabWorkspace, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    files = models.JSONField()
    config = models.JSONField()
    deployment = models.JSONField(null=True, blank=True)  # function name, resources, warnings
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["workspace", "number"], name="version_numbers_unique")]

    def __str__(self) -> str:
        return f"version {self.number} of {self.workspace}"


class LabRun(models.Model):
    """A deploy, invoke, grade, API request or state machine execution: queued as a task, polled
    by the page until it is done."""

    class Kind(models.TextChoices):
        DEPLOY = "deploy"
        INVOKE = "invoke"
        GRADE = "grade"
        REQUEST = "request"  # an HTTP request to the learner's API (API Gateway labs)
        EXECUTION = "execution"  # an execution of one of the learner's state machines

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    workspace = models.ForeignKey(LabWorkspace, on_delete=models.CASCADE, related_name="runs")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    version = models.ForeignKey(LabVersion, null=True, on_delete=models.SET_NULL)
    node = models.ForeignKey(LabNode, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs")
    moves = models.PositiveSmallIntegerField(default=0)  # times re-routed off a node that failed
    account_id = models.CharField(max_length=12)
    request = models.JSONField(default=dict)  # invoke: the event and its name; execution: machine, input
    result = models.JSONField(null=True, blank=True)
    score = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["workspace", "kind", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.state})"

    @property
    def active(self) -> bool:
        fresh = self.created_at is None or self.created_at >= timezone.now() - STALE_AFTER
        return fresh and self.state in (self.State.QUEUED, self.State.RUNNING)


class LabHintReveal(models.Model):
    """One tier of a check's hints, revealed by a learner after the check failed for them."""

    workspace = models.ForeignKey(LabWorkspace, on_delete=models.CASCADE, related_name="hint_reveals")
    check_name = models.CharField(max_length=100)  # the check function's name in checks.py
    tier = models.PositiveSmallIntegerField()  # 1 for the first hint
    run = models.ForeignKey(LabRun, null=True, on_delete=models.SET_NULL)  # a progress check it failed in
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["check_name", "tier"]
        constraints = [models.UniqueConstraint(fields=["workspace", "check_name", "tier"], name="one_reveal_per_hint")]

    def __str__(self) -> str:
        return f"hint {self.tier} of {self.check_name} for {self.workspace}"
