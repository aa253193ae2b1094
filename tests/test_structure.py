"""The shape of `courseware/`, held by a test so it stays true (docs/architecture.md has the map).

The import graph is read with `ast` from every module, imports inside functions included: a cycle
hidden in a function is still a cycle, it only fails later. `if TYPE_CHECKING:` imports count
too, so a type hint cannot smuggle one in. Each rule's message names what breaks it.
"""

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "courseware"
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60
MAX_FMT_SKIPS = 20


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted((ROOT / PACKAGE).rglob("*.py"))}


def is_migration(name: str) -> bool:
    return ".migrations." in name


def imported(name: str, path: Path) -> set[str]:
    """The modules of courseware that `name` imports, anywhere in its body."""
    known = modules()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # `from package import module` imports the module; `from module import name`, the module.
            targets = [f"{base}.{alias.name}" for alias in node.names]
            targets = [target if target in known else base for target in targets]
        else:
            continue
        for target in targets:
            while target and target not in known:  # `import a.b.c` where c is a name, not a file
                target = target.rpartition(".")[0]
            if target.startswith(PACKAGE + ".") and target != name:
                found.add(target)
    return found


@cache
def graph() -> dict[str, set[str]]:
    return {name: imported(name, path) for name, path in modules().items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)


def collapsed(package: str) -> dict[str, set[str]]:
    """The import graph between the direct children (modules and sub-packages) of `package`."""
    depth = len(package.split(".")) + 1

    def child(name: str) -> str | None:
        parts = name.split(".")
        inside = name.startswith(package + ".") and len(parts) >= depth
        return ".".join(parts[:depth]) if inside else None

    edges: dict[str, set[str]] = {}
    for name, targets in graph().items():
        source = child(name)
        if source is None:
            continue
        edges.setdefault(source, set())
        edges[source] |= {target for t in targets if (target := child(t)) and target != source}
    return edges


def packages() -> list[str]:
    return sorted({name for name, path in modules().items() if path.name == "__init__.py"})


def test_no_module_imports_itself_back():
    found = cycles(graph())
    assert not found, "import cycles between modules:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_no_package_imports_itself_back():
    """At every level: between the apps of courseware, and between the parts of each package."""
    found = [(package, c) for package in packages() if (c := cycles(collapsed(package)))]
    lines = [f"in {package}: " + "; ".join(" <-> ".join(c) for c in groups) for package, groups in found]
    assert not found, "import cycles between packages:\n" + "\n".join(lines)


def test_every_folder_of_code_is_a_package():
    """A folder without __init__.py is a namespace package, which an installed build leaves out."""
    folders = {path.parent for path in modules().values()}
    bare = sorted(str(folder.relative_to(ROOT)) for folder in folders if not (folder / "__init__.py").is_file())
    assert not bare, f"folders of modules without __init__.py: {bare}"


def test_no_module_is_over_300_lines():
    long = {
        name: count
        for name, path in modules().items()
        if not is_migration(name) and (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"


def test_no_function_is_over_60_lines():
    long = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = prefix
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                inner = f"{prefix}.{child.name}"
                length = child.end_lineno - child.lineno + 1
                if not isinstance(child, ast.ClassDef) and length > MAX_FUNCTION_LINES:
                    long[inner] = length
            visit(child, inner)

    for name, path in modules().items():
        if not is_migration(name):
            visit(ast.parse(path.read_text(encoding="utf-8")), name)
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"


def fmt_skips() -> list[tuple[str, int, str]]:
    """Every `# fmt: skip`, with its reason: a comment before it on its line (`# why  # fmt: skip`),
    or a comment line right above the statement it ends."""
    found = []
    for name, path in modules().items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        starts: dict[int, int] = {}  # last line -> first line of the innermost statement there
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.stmt):
                starts[node.end_lineno] = max(starts.get(node.end_lineno, 0), node.lineno)
        for number, line in enumerate(lines, 1):
            if line.rstrip().endswith("# fmt: skip"):
                before = line.rstrip().removesuffix("# fmt: skip").rstrip()
                inline = before.rpartition("#")[2].strip() if "  # " in before else ""
                first = starts.get(number, number)
                above = lines[first - 2].strip() if first > 1 else ""
                found.append((name, number, inline or (above if above.startswith("#") else "")))
    return found


def test_few_formatter_skips_each_with_its_reason():
    skips = fmt_skips()
    assert len(skips) <= MAX_FMT_SKIPS, f"{len(skips)} `# fmt: skip` (at most {MAX_FMT_SKIPS})"
    unexplained = [f"{name}:{line}" for name, line, reason in skips if not reason]
    assert not unexplained, f"`# fmt: skip` without a reason comment on the line above: {unexplained}"
