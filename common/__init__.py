"""Helpers every layer needs and no layer owns: atomic file writes and progress messages.

It sits below ``corpus/`` and imports nothing of the project, so any package may use it.
"""
