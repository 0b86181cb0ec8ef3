"""Typed database types from the built schema (``schemaguard types``, the ``types`` item).

One model (``model.py``, read by ``reader.py`` from the catalog) and one renderer per language
(``typescript.py`` in the Supabase CLI's shape, ``python.py`` as TypedDicts); ``freshness.py``
puts a hash of the inputs on the first line so staleness can be told without a database.
"""
