"""The local stack: emulators, the local GPU runner, the API router and the `make run` supervisor.

Development and test tooling only; nothing deployed imports this package.
"""
