"""Pure domain model: units, GWP sets, periods, boundary, factors, activities, methods.

Nothing in this package imports a framework or opens a file or a connection.
"""
