"""``python -m tinygrad_adam``: the command line (see ``tinygrad_adam/cli.py``)."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
