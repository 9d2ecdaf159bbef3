"""The optional C kernel of the BM25 serving loop and of a build worker's chunk memo (index/_bm25kernel.c,
index/_chunkmemo.c; index/kernel.py loads it with ctypes).
Everything else about the package is in pyproject.toml. Without a C compiler the install still succeeds and
numpy serves (optional=True)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "index._bm25kernel",
            ["index/_bm25kernel.c", "index/_chunkmemo.c"],
            # Loops aligned: the serving loops' speed then no longer hinges on where other code puts them (a change
            # to a function they never call moved a 3-term question's p50 by 5 %; aligned, both builds alike).
            # No -fwrapv (Python's own flags add it; nothing here relies on signed overflow): ~2 % of the walk
            extra_compile_args=["-O3", "-ffp-contract=off", "-falign-loops=32", "-fno-wrapv"],
            optional=True,
        )
    ]
)
