# syntax=docker/dockerfile:1
# Build: docker build -t policy-news-bot .
# Run:   docker run -d --name policy-news-bot -e TELEGRAM_BOT_TOKEN=… -v policy-news-data:/data policy-news-bot

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
# a C compiler for the BM25 kernel (index/_bm25kernel.c, an optional extension; only the build stage has it)
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml setup.py README.md ./
COPY index ./index
COPY bot ./bot
RUN pip install --no-cache-dir .
COPY corpus /data/corpus
# the index (and its paragraph vectors, /data/vectors.db) is built at image build time, so a new container answers at once
RUN python -m index build /data/corpus --db /data/index.db

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    INDEX_DB=/data/index.db \
    VECTORS_DB=/data/vectors.db \
    FEEDBACK_DB=/data/feedback.db \
    CORPUS_DIR=/data/corpus
RUN useradd --create-home --uid 10001 bot \
    && mkdir -p /data \
    && chown bot:bot /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=bot:bot /data /data
WORKDIR /home/bot
USER 10001
# corpus, index and feedback live here: mount a volume to keep uploads, the index and feedback
VOLUME ["/data"]
EXPOSE 8443
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "index", "stats", "--db", "/data/index.db"]
CMD ["python", "-m", "bot"]
