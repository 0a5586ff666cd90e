"""Repositories: map rows to domain objects, encrypting and decrypting on the way.

They never commit; the unit of work does.
"""
