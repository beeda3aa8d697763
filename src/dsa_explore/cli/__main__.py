"""``python -m dsa_explore.cli``: the same as the ``dsa-explore`` command."""

import sys

from dsa_explore.cli import main

sys.exit(main())
