"""The history itself: which files exist and in what order (``lockfile``), which are already
applied at a git ref (``premerge``) and on a live database (``history``).

What a new file must not do to history that others have applied is decided here, before any of
it runs; what it does to the schema is lint's.
"""
