"""What a deploy ends with: the deployment, or the error a learner fixes (at its file and line)."""

from dataclasses import dataclass, field


class DeployError(Exception):
    def __init__(self, message: str, *, file: str = "", line: int | None = None):
        super().__init__(message)
        self.message, self.file, self.line = message, file, line

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return f"{where}: {self.message}" if where else self.message

    def to_dict(self) -> dict:
        return {"message": self.message, "file": self.file, "line": self.line, "text": str(self)}


@dataclass
class Deployment:
    function_name: str  # the function the Invoke panel targets
    resources: dict[str, dict] = field(default_factory=dict)  # logical id -> {type, id}
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "function_name": self.function_name,
            "resources": self.resources,
            "warnings": self.warnings,
        }
