"""GIFT's special characters and the patterns shared by export and import."""

import re

DEFAULT_EXPLANATION = "Imported from GIFT."
SPECIAL = "\\~=#{}:"
# Escaped characters become private-use placeholders while the structure is parsed.
PLACEHOLDER = {char: chr(0xE000 + i) for i, char in enumerate(SPECIAL + "n")}
RESTORE = {code: ("\n" if char == "n" else char) for char, code in PLACEHOLDER.items()}
ESCAPE_RE = re.compile(r"\\([\\~=#{}:n])")
WEIGHT_RE = re.compile(r"^%\s*(-?\d+(?:\.\d+)?)\s*%")
FORMAT_RE = re.compile(r"^\s*\[(markdown|html|plain|moodle)\]")
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
