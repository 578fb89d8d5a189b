"""Command-line commands (train, eval, bench, ...), each with add_arguments(parser) and run(args)."""
