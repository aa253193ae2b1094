"""Moodle GIFT import and export for quiz questions (https://docs.moodle.org/en/GIFT_format).

`export_gift` writes stored question dicts (what the quiz loader returns) as GIFT text;
`parse_gift` reads GIFT into authored question dicts (the `.quiz.yaml` shape) plus problems;
`questions_to_yaml` writes those as the items under a quiz file's `questions:`.
Moodle's per-answer weights travel as each answer's `credit`. What GIFT cannot say (units,
patterns, distractors, ordering and calculated questions) is left as `//` comments on export, and
what an import cannot keep is reported as a note. Points, sections and hints travel as
`// points:` / `// section:` / `// hint:` comments.
"""

from .export import export_gift
from .parse import GiftRead, parse_gift, read_gift
from .syntax import DEFAULT_EXPLANATION
from .yaml_out import questions_to_yaml

__all__ = ["DEFAULT_EXPLANATION", "GiftRead", "export_gift", "parse_gift", "questions_to_yaml", "read_gift"]
