"""Primitives every layer may use: text folding, URL canonicalisation and ids."""
