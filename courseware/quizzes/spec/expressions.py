"""A small, safe expression language for calculated questions.

Formulas are parsed with Python's `ast` and evaluated node by node over an allow-list: numbers,
parameter names, arithmetic, comparisons, conditional expressions and a few math functions.
Nothing is ever passed to `eval`, and attribute access, subscripts and other calls are refused.
"""

import ast
import math
import operator

FUNCTIONS = {
    "min": min,
    "max": max,
    "abs": abs,
    "round": round,
    "ceil": math.ceil,
    "floor": math.floor,
    "sqrt": math.sqrt,
}
BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}
COMPARE = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
MAX_EXPONENT = 100


class FormulaError(ValueError):
    pass


def parse_formula(text: str) -> ast.Expression:
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise FormulaError(f"formula is not valid: {error.msg}") from error
    for node in ast.walk(tree):
        allowed = (
            ast.Expression,
            ast.Constant,
            ast.Name,
            ast.Load,
            ast.BinOp,
            ast.UnaryOp,
            ast.Compare,
            ast.IfExp,
            ast.Call,
            *BINARY,
            *UNARY,
            *COMPARE,
        )
        if not isinstance(node, allowed):
            raise FormulaError(f"formula may not use {type(node).__name__}")
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float):
            raise FormulaError(f"formula may only contain numbers, not {node.value!r}")
        if isinstance(node, ast.Call) and (
            not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.keywords
        ):
            raise FormulaError(f"formula may only call {', '.join(sorted(FUNCTIONS))}")
    return tree


def formula_names(tree: ast.Expression) -> set[str]:
    called = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call)}
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    return names - called


def evaluate(tree: ast.Expression, variables: dict[str, float]) -> float:
    def visit(node):
        if isinstance(node, ast.Expression):
            return visit(node.body)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id not in variables:
                raise FormulaError(f"unknown name '{node.id}' in formula")
            return variables[node.id]
        if isinstance(node, ast.BinOp):
            left, right = visit(node.left), visit(node.right)
            if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
                raise FormulaError(f"exponent {right} is too large")
            try:
                return BINARY[type(node.op)](left, right)
            except ZeroDivisionError as error:
                raise FormulaError("division by zero") from error
        if isinstance(node, ast.UnaryOp):
            return UNARY[type(node.op)](visit(node.operand))
        if isinstance(node, ast.Compare):
            left = visit(node.left)
            for op, comparator in zip(node.ops, node.comparators, strict=True):
                right = visit(comparator)
                if not COMPARE[type(op)](left, right):
                    return False
                left = right
            return True
        if isinstance(node, ast.IfExp):
            return visit(node.body) if visit(node.test) else visit(node.orelse)
        if isinstance(node, ast.Call):
            try:
                return FUNCTIONS[node.func.id](*[visit(arg) for arg in node.args])
            except (TypeError, ValueError) as error:
                raise FormulaError(f"{node.func.id}(): {error}") from error
        raise FormulaError(f"formula may not use {type(node).__name__}")

    result = visit(tree)
    if isinstance(result, bool) or not isinstance(result, int | float) or not math.isfinite(result):
        raise FormulaError(f"formula gave {result!r}, not a finite number")
    return float(result)
