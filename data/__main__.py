"""``python -m data`` is the same command as ``python -m data.generate`` (docs/demo-data.md)."""

from data.generate import main

if __name__ == "__main__":
    raise SystemExit(main())
