"""The version of scaffold, which is also the version of its template."""

__version__ = "0.2.0.dev0"
