"""The throwaway database: the server it lives on, how migrations are applied to it, and how
everything a run creates is always taken back.

``server`` starts a private PostgreSQL (or names the user's); ``build`` applies the shim, the
migrations and the seed, sending each file as one message (``batch``) under the project's
statement timeout (``timeouts``), after ``build_checks`` refused what a file may not do and
``bridges`` and ``standins`` supplied what stock PostgreSQL lacks. ``scratch`` builds extra
databases from some files; ``pg_dump`` finds and runs the client of the server's version.

``secret`` keeps passwords out of everything pytest may print, ``owner`` marks what we create
with the process that owns it, ``signals`` turns SIGTERM into the same clean exit as Ctrl-C,
``processes`` finds a server by its data directory, and ``sweep`` removes what a killed run left;
``headstart``, ``pristine`` and ``location`` make the server cheap to get.
"""
