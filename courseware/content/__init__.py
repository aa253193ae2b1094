"""Content files: reading and validating what instructors write, before any database.

Front matter, Markdown, lessons, labs, and the problems found in them, each as
`path:line: message`. Nothing here imports Django or another app: every app that shows content
builds on this package (`courseware.course` loads it all together), and it builds on none.
"""
