"""Quiz content: parsing, validating and grading questions. No Django imports."""
