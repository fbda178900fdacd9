"""The cost engine: plain Python over Decimal, with no Django in it.

Models hold the facts; `figures.costing` turns them into the inputs defined here.
"""
