"""Moodle GIFT import and export for quiz questions (https://docs.moodle.org/en/GIFT_format).

`export_gift` writes stored question dicts (what the quiz loader returns) as GIFT text;
`parse_gift` reads GIFT into authored question dicts (the `.quiz.yaml` shape) plus problems;
`questions_to_yaml` writes those as the items under a quiz file's `questions:`.
What GIFT cannot say (units, patterns, distractors, ordering and calculated questions) is left
as `//` comments on export. Points and sections travel as `// points:` / `// section:` comments.
"""

from .export import export_gift
from .parse import parse_gift
from .syntax import DEFAULT_EXPLANATION
from .yaml_out import questions_to_yaml

__all__ = ["DEFAULT_EXPLANATION", "export_gift", "parse_gift", "questions_to_yaml"]
