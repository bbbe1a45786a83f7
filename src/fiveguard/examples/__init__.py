"""Example models shipped inside the package (the embedded demo)."""
