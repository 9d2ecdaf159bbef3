"""The optional C kernel of the BM25 serving loop and of a build worker's chunk memo (index/_bm25kernel.c,
index/_chunkmemo.c; index/kernel.py loads it with ctypes).
Everything else about the package is in pyproject.toml. Without a C compiler the install still succeeds and
numpy serves (optional=True)."""

import sys

from setuptools import Extension, setup

# Loops aligned: the serving loops' speed then no longer hinges on where other code puts them (a change to a
# function they never call moved a 3-term question's p50 by 5 %; aligned, both builds alike). No -fwrapv (Python's
# own flags add it; nothing here relies on signed overflow): ~2 % of the walk. On Linux only, where GCC (and a
# recent clang) take both: elsewhere an unknown flag would fail the optional build and leave numpy serving.
TUNING = ["-falign-loops=32", "-fno-wrapv"] if sys.platform.startswith("linux") else []

setup(
    ext_modules=[
        Extension(
            "index._bm25kernel",
            ["index/_bm25kernel.c", "index/_chunkmemo.c"],
            extra_compile_args=["-O3", "-ffp-contract=off", *TUNING],
            optional=True,
        )
    ]
)
