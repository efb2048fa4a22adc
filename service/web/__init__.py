"""The HTTP edge: thin Litestar handlers over the domain, storage and report modules."""
