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
            extra_compile_args=["-O3", "-ffp-contract=off"],
            optional=True,
        )
    ]
)
