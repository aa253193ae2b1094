"""Authored question dicts as YAML list items, for appending under `questions:`."""

import yaml


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)

    def represent_str(self, data):  # multi-line text as a `|` block
        return self.represent_scalar("tag:yaml.org,2002:str", data, "|" if "\n" in data else None)

    def represent_dict(self, data):  # a question in block style, a short choice in flow style
        flow = "id" not in data and short([*data, *data.values()])
        return self.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flow)

    def represent_list(self, data):
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=short(data))


def short(items) -> bool:
    plain = all(not isinstance(v, dict | list) and "\n" not in str(v) for v in items)
    return plain and sum(len(str(v)) + 4 for v in items) <= 72


_Dumper.add_representer(str, _Dumper.represent_str)
_Dumper.add_representer(dict, _Dumper.represent_dict)
_Dumper.add_representer(list, _Dumper.represent_list)


def questions_to_yaml(questions: list[dict]) -> str:
    """The items under a quiz file's `questions:` key, indented for appending to that line."""
    blocks = []
    for question in questions:
        text = yaml.dump([question], Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=96)
        blocks.append("".join(f"  {line}" if line.strip() else line for line in text.splitlines(True)))
    return "\n".join(blocks)
