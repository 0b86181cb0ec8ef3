"""The benchmark harness of issue 11: synthetic projects, the floor, and the tool measured against it.

``python -m benchmarks`` prints the table; ``python -m benchmarks --help`` lists the sizes.
"""
