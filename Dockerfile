# The scheduled service: `docker build -t jen . && docker run jen` (see compose.yaml for Redis).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    JEN_DATA_DIR=/data \
    JEN_CONFIG=/app/config/settings.yaml

WORKDIR /app

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
RUN mkdir -p crawler dedupe && touch crawler/__init__.py dedupe/__init__.py \
    && pip install . && pip uninstall -y jen-syndication

COPY scrapy.cfg ./
COPY config ./config
COPY crawler ./crawler
COPY dedupe ./dedupe
RUN pip install --no-deps . \
    && useradd --create-home --uid 10001 jen \
    && mkdir -p /data && chown jen:jen /data

USER jen
VOLUME ["/data"]

HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 CMD ["jen", "health"]

CMD ["jen", "run"]
