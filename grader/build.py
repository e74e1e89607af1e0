"""`python -m grader.build`: regenerates every file derived from the sources of truth.

The command keeps this name (README, Makefile, the generated files' headers name it); the work is done in
grader/authoring/generate.py.
"""

import sys

from grader.authoring.generate import main

if __name__ == "__main__":
    sys.exit(main())
