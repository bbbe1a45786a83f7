"""Pure data types of fiveguard: the network model, evidence, the catalogue, results.

Nothing here reads files, a database or the clock.
"""
