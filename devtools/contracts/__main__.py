"""python -m devtools.contracts [--check]: see devtools/contracts/files.py."""

import sys

from devtools.contracts.files import main

sys.exit(main())
