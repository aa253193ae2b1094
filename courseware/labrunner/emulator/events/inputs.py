"""What a rule's target receives: the event, `Input`, `InputPath` or `InputTransformer`.

AWS's rules ("Amazon EventBridge input transformation"): JSON paths in dot notation with array
indices; up to 100 variables, none named `aws.*` (those are the predefined ones: rule-arn,
rule-name, event, event.json, event.ingestion-time). In the template, a variable inside a JSON
string is inserted as text (a string without its quotes); outside quotes in a JSON template
(`{...}` or `[...]`) it is inserted as JSON (a string with its quotes); in a plain-text template
it is inserted as text. A path that finds nothing inserts nothing (null outside quotes in a JSON
template). `aws.events.event` is the event without `detail`.
"""

import json
import re

from moto.events.exceptions import ValidationException

_SEGMENT = re.compile(r"\.([A-Za-z0-9_\-/]+)|\[(\d+)\]")
_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")
_VARIABLE = re.compile(r"[A-Za-z0-9_\-]+")
_NOTHING = object()


def check_target(target: dict) -> None:
    """PutTargets' checks on how a target's input is shaped (ValidationException otherwise)."""
    given = [key for key in ("Input", "InputPath", "InputTransformer") if target.get(key) is not None]
    if len(given) > 1:
        raise ValidationException(
            f"Target {target.get('Id')}: only one of Input, InputPath or InputTransformer may be given."
        )
    if target.get("Input") is not None:
        try:
            json.loads(target["Input"])
        except ValueError:
            raise ValidationException(f"Target {target.get('Id')}: Input is not valid JSON text.") from None
    if target.get("InputPath") is not None:
        path_segments(target["InputPath"])
    transformer = target.get("InputTransformer")
    if transformer is not None:
        if not transformer.get("InputTemplate"):
            raise ValidationException("InputTransformer needs an InputTemplate.")
        paths = transformer.get("InputPathsMap") or {}
        if len(paths) > 100:
            raise ValidationException("InputPathsMap may hold at most 100 variables.")
        for name, path in paths.items():
            if not _VARIABLE.fullmatch(name) or name.lower().startswith("aws"):
                raise ValidationException(f"InputPathsMap: {name!r} is not a valid variable name.")
            path_segments(path)


def path_segments(path: str) -> list:
    if not isinstance(path, str) or not path.startswith("$"):
        raise ValidationException(f"{path!r} is not a valid JSON path (it starts with $).")
    rest, segments = path[1:], []
    while rest:
        found = _SEGMENT.match(rest)
        if found is None:
            raise ValidationException(f"{path!r} is not a valid JSON path (dot notation and [index] only).")
        segments.append(found.group(1) if found.group(1) is not None else int(found.group(2)))
        rest = rest[found.end() :]
    return segments


def find(event, path: str):
    value = event
    for segment in path_segments(path):
        if isinstance(segment, int):
            if not isinstance(value, list) or segment >= len(value):
                return _NOTHING
            value = value[segment]
        elif isinstance(value, dict) and segment in value:
            value = value[segment]
        else:
            return _NOTHING
    return value


def target_input(target: dict, event: dict, *, rule_arn: str, rule_name: str, ingestion_time: str) -> str:
    """The text the target receives (JSON, or plain text from a plain-text template)."""
    if target.get("Input") is not None:
        return target["Input"]
    if target.get("InputPath") is not None:
        found = find(event, target["InputPath"])
        return "null" if found is _NOTHING else json.dumps(found)
    transformer = target.get("InputTransformer")
    if transformer is None:
        return json.dumps(event)
    values = {name: find(event, path) for name, path in (transformer.get("InputPathsMap") or {}).items()}
    values.update(
        {
            "aws.events.rule-arn": rule_arn,
            "aws.events.rule-name": rule_name,
            "aws.events.event.ingestion-time": ingestion_time,
            "aws.events.event": {key: value for key, value in event.items() if key != "detail"},
            "aws.events.event.json": event,
        }
    )
    return render(transformer["InputTemplate"], values)


def render(template: str, values: dict) -> str:
    is_json = template.lstrip()[:1] in ("{", "[")
    out, position, quoted = [], 0, _quoted_spans(template)
    for placeholder in _PLACEHOLDER.finditer(template):
        name = placeholder.group(1)
        if name not in values:
            continue  # not a variable: the text stays as written
        out.append(template[position : placeholder.start()])
        value = values[name]
        if any(start <= placeholder.start() < end for start, end in quoted):
            out.append(_as_text(value, escape=True))
        elif is_json:
            out.append("null" if value is _NOTHING else json.dumps(value))
        else:
            out.append(_as_text(value, escape=False))
        position = placeholder.end()
    out.append(template[position:])
    return "".join(out)


def _as_text(value, *, escape: bool) -> str:
    if value is _NOTHING:
        return ""
    text = value if isinstance(value, str) else json.dumps(value)
    return json.dumps(text)[1:-1] if escape else text


def _quoted_spans(template: str) -> list[tuple[int, int]]:
    """Where the template's JSON strings are (between unescaped double quotes)."""
    spans, start, escaped = [], None, False
    for index, char in enumerate(template):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            if start is None:
                start = index
            else:
                spans.append((start, index))
                start = None
    return spans
