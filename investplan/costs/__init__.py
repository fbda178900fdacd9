"""The cost engine: plain Python over Decimal, with no Django in it.

Models hold the facts; `investplan.costing` turns them into the inputs defined here.
"""
