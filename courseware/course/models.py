"""What the course keeps of its own: which labs are challenge labs, and the badge each earns.

A challenge lab is marked `challenge: true` in its lab.md (with its `badge`). The mark is kept
here, beside the lab's row, by `content sync`: a learner whose best score in the lab reaches full
marks has earned the badge (`selectors.learner_badges`), so nothing else needs storing.
"""

from django.db import models


class ChallengeLab(models.Model):
    lab = models.OneToOneField("labrunner.Lab", on_delete=models.CASCADE, related_name="challenge")
    badge = models.CharField(max_length=80)  # "Serverless course: capstone complete"

    class Meta:
        ordering = ["lab__order"]

    def __str__(self) -> str:
        return f"{self.lab} (badge: {self.badge})"
