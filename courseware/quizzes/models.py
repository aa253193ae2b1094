"""Quizzes (imported from lessons/*.quiz.yaml at sync), attempts and grades.

Question.spec holds the whole authored question, keys included; only `courseware.quizzes.spec`
turns it into what a page may show, so answers never reach a template by accident.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models

from courseware.catalog.models import Lesson


class Quiz(models.Model):
    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="quiz")
    title = models.CharField(max_length=200)
    settings = models.JSONField(default=dict)
    source_path = models.CharField(max_length=300)
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["lesson__order"]
        verbose_name_plural = "quizzes"

    def __str__(self) -> str:
        return self.title

    @property
    def slug(self) -> str:
        return self.lesson.slug


class Question(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=80)
    position = models.PositiveIntegerField()
    type = models.CharField(max_length=20)
    points = models.DecimalField(max_digits=7, decimal_places=2)
    spec = models.JSONField()
    retired = models.BooleanField(default=False, help_text="No longer in the quiz file; kept for past attempts.")

    class Meta:
        ordering = ["quiz", "position"]
        constraints = [models.UniqueConstraint(fields=["quiz", "key"], name="one_question_per_key")]

    def __str__(self) -> str:
        return f"{self.quiz.lesson.slug}/{self.key}"


class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.IN_PROGRESS)
    seed = models.BigIntegerField()
    layout = models.JSONField(help_text="Question order and each question's per-attempt layout.")
    settings = models.JSONField(help_text="The quiz settings when the attempt started.")
    started_at = models.DateTimeField(auto_now_add=True)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=9, decimal_places=4, default=Decimal(0))
    max_score = models.DecimalField(max_digits=9, decimal_places=4, default=Decimal(0))
    percent = models.DecimalField(max_digits=7, decimal_places=4, default=Decimal(0))

    class Meta:
        ordering = ["quiz", "user", "number"]
        constraints = [models.UniqueConstraint(fields=["quiz", "user", "number"], name="one_attempt_number")]
        indexes = [models.Index(fields=["user", "quiz", "state"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz} · attempt {self.number}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.IN_PROGRESS


class Response(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="responses")
    answer = models.JSONField(null=True)
    fraction = models.FloatField(null=True, help_text="0..1 once graded (checked or submitted).")
    checked = models.BooleanField(default=False, help_text="Finished while the attempt is open (checked): locked.")
    tries = models.PositiveIntegerField(default=0, help_text="Checks made (interactive mode counts each try).")
    awaiting_retry = models.BooleanField(
        default=False, help_text="Interactive mode: a wrong try is shown, with its hint, until 'Try again'."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="one_response_per_question")]

    def __str__(self) -> str:
        return f"{self.attempt} · {self.question.key}"


class QuizGrade(models.Model):
    """A learner's standing on a quiz, kept current at every submit and regrade (for the gradebook)."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="grades")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_grades")
    attempts = models.PositiveIntegerField(default=0)
    best = models.DecimalField(max_digits=7, decimal_places=4)
    last = models.DecimalField(max_digits=7, decimal_places=4)
    first = models.DecimalField(max_digits=7, decimal_places=4)
    average = models.DecimalField(max_digits=7, decimal_places=4)
    grade = models.DecimalField(max_digits=7, decimal_places=4, help_text="Per the quiz's grading method.")
    passed = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["quiz", "user"], name="one_grade_per_quiz")]
        indexes = [models.Index(fields=["quiz", "grade"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz}: {self.grade:.1f}%"
