"""The build cache: a built cluster's data directory, reused by later runs with identical inputs.

``inputs`` says what determines the built database (and so the key), ``store`` keeps entries on
disk (atomic, locked, bounded), ``outcomes`` records what the build reported so a warm run reports
it identically (lint's findings are kept by the lint observer itself), ``spare`` copies an entry
ahead of the next hit, and ``run`` decides, for one session, between a hit, a miss and not caching
at all.
"""
