"""The rules of CineWeave, pure: no cloud SDK, no HTTP framework, no storage client.

See docs/architecture.md for which rule lives in which module.
"""
