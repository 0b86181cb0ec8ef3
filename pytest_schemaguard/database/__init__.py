"""What a run leaves on disk and on servers, and how it is always taken back.

``secret`` keeps passwords out of everything pytest may print, ``owner`` marks what we create
with the process that owns it, ``signals`` turns SIGTERM into the same clean exit as Ctrl-C,
``processes`` finds a server by its data directory, and ``sweep`` removes what a killed run left.
The server itself is still ``pytest_schemaguard.server``.
"""
