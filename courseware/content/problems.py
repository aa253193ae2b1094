from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class ContentProblem:
    """One thing wrong with a content file, reported as `path:line: message`."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"
