"""`python -m malinews`: the same as the `malinews` command."""

from malinews.cli import main

raise SystemExit(main())
