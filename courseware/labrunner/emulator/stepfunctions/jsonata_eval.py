"""JSONata for states written in it (`QueryLanguage: JSONata`, the console's default since 2024).

moto's engine parses JSONata states and builds each expression (with the state's variables
declared in it) but ships no evaluator: LocalStack runs the reference implementation,
jsonata-java, in a JVM, and moto leaves the hook empty, so every JSONata state fails. Here the
hook is jsonata-python, a port of jsonata-java, and its answer is made plain JSON as the JVM
bridge makes it. An expression that fails raises the engine's own JSONataException, which it
reports as `States.QueryEvaluationError`.
"""

import json

import jsonata
from moto.stepfunctions.parser.asl.jsonata import jsonata as hook


def evaluate(expression: str):
    try:
        result = jsonata.Jsonata(expression).evaluate(None)
        return json.loads(json.dumps(result))
    except Exception as error:  # the engine turns any failure into its own error, as its bridge does
        raise hook.JSONataException("UNKNOWN", str(error)) from error


def install() -> None:
    hook._eval_jsonata = evaluate
