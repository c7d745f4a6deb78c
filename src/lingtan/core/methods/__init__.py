"""Calculation methods that need more than "quantity × factor": named, versioned, pure.

The registry :data:`lingtan.core.methods.registry.METHODS` lists every method id used in emission
rows with its version, standard clause and a one-line formula.
"""
