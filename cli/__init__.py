"""The ``rechtenloket`` command line (typer)."""
