"""What this site keeps of LTI beyond django-lti's registrations, deployments and keys:
the nonces already used, where a learner's grade goes back to (a line item), and each push."""

from django.conf import settings
from django.db import models


class UsedNonce(models.Model):
    """A launch's nonce, kept until its id_token expires so the same launch cannot be replayed.
    pylti1p3 only checks that the nonce was issued at login; it does not consume it."""

    issuer = models.CharField(max_length=255)
    nonce = models.CharField(max_length=255)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "nonce"], name="lti_nonce_once")]

    def __str__(self) -> str:
        return f"{self.issuer} {self.nonce}"


class Activity(models.TextChoices):
    LESSON = "lesson"
    QUIZ = "quiz"
    LAB = "lab"


class GradeTarget(models.Model):
    """A user launched a graded activity from a platform whose launch named a line item:
    its grades go back there (Assignment and Grade Services)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_targets")
    registration = models.ForeignKey("lti_tool.LtiRegistration", on_delete=models.CASCADE)
    kind = models.CharField(max_length=10, choices=Activity.choices)
    slug = models.SlugField(max_length=80)
    sub = models.CharField("platform user id", max_length=255)
    lineitem_url = models.URLField(max_length=500)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "slug", "lineitem_url"], name="lti_target_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.slug} -> {self.lineitem_url}"


class ScorePush(models.Model):
    """One score sent (or still to send) to a line item; its attempts and the platform's answer."""

    class State(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"
        FAILED = "failed"  # out of attempts; an instructor sees it with the platform's answer
        SUPERSEDED = "superseded"  # a newer score for the same line item came first: never sent after it

    target = models.ForeignKey(GradeTarget, on_delete=models.CASCADE, related_name="pushes")
    score_given = models.DecimalField(max_digits=9, decimal_places=2, null=True)
    score_maximum = models.PositiveIntegerField()
    timestamp = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status = models.PositiveSmallIntegerField(null=True)
    last_response = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-timestamp"]
        verbose_name_plural = "score pushes"

    def __str__(self) -> str:
        return f"{self.target} {self.score_given}/{self.score_maximum} ({self.state})"
