"""Use cases that orchestrate the engines, shared by the command line and (later) the web
application: a function per use case, inputs in, results out; entry points only parse
arguments and render."""
