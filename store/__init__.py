"""Storage: the only code that touches TinyDB."""
