"""What Step Functions checks in a definition before accepting it, beyond moto's parser.

moto's engine parses the grammar of a definition; AWS's validator also follows its transitions.
A definition whose `StartAt`, `Next`, `Default` or Catch target names no state is refused with
AWS's InvalidDefinition text ("MISSING_TRANSITION_TARGET ... at /States/X/Next"), at create time
and so at deploy. Distributed Map (a child workflow per batch, items read from S3) is not
emulated: it is refused naming the state, rather than run as something it is not.
"""

from collections.abc import Iterator


def _machines(definition: dict, path: str = "") -> Iterator[tuple[str, dict]]:
    """Each state machine in a definition (the top one, Parallel branches, Map processors), with its path."""
    yield path, definition
    for name, state in (definition.get("States") or {}).items():
        if not isinstance(state, dict):
            continue
        for key in ("ItemProcessor", "Iterator"):
            if isinstance(state.get(key), dict):
                yield from _machines(state[key], f"{path}/States/{name}/{key}")
        for index, branch in enumerate(state.get("Branches") or []):
            if isinstance(branch, dict):
                yield from _machines(branch, f"{path}/States/{name}/Branches[{index}]")


def _targets(name: str, state: dict) -> Iterator[tuple[str, object]]:
    yield f"/States/{name}/Next", state.get("Next")
    yield f"/States/{name}/Default", state.get("Default")
    for index, choice in enumerate(state.get("Choices") or []):
        yield f"/States/{name}/Choices[{index}]/Next", (choice or {}).get("Next")
    for index, catcher in enumerate(state.get("Catch") or []):
        yield f"/States/{name}/Catch[{index}]/Next", (catcher or {}).get("Next")


def missing_targets(definition: dict) -> list[str]:
    problems = []
    for path, machine in _machines(definition):
        states = machine.get("States") or {}
        if machine.get("StartAt") not in states:
            problems.append(
                f"MISSING_TRANSITION_TARGET: Missing 'Next' target: {machine.get('StartAt')} at {path}/StartAt"
            )
        for name, state in states.items():
            for where, target in _targets(name, state if isinstance(state, dict) else {}):
                if target is not None and target not in states:
                    problems.append(f"MISSING_TRANSITION_TARGET: Missing 'Next' target: {target} at {path}{where}")
    return problems


def distributed_maps(definition: dict) -> list[str]:
    """The names of the Map states a definition runs in Distributed mode (any depth)."""
    found = []
    for _, machine in _machines(definition):
        for name, state in (machine.get("States") or {}).items():
            if not isinstance(state, dict) or state.get("Type") != "Map":
                continue
            processor = state.get("ItemProcessor") or {}
            mode = (processor.get("ProcessorConfig") or {}).get("Mode") if isinstance(processor, dict) else None
            if mode == "DISTRIBUTED" or "ItemReader" in state or "ResultWriter" in state:
                found.append(name)
    return found
