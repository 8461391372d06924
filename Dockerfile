# Prachakhom server image: the Python package, its console script and the browser apps.
#
#   docker build -t prachakhom .
#   docker run --rm -p 8000:8000 prachakhom                      # embedded Valkey, data in /data
#   docker run --rm -p 8000:8000 prachakhom prachakhom serve --host 0.0.0.0 \
#       --redis-url redis://redis-host:6379/0 --workers 2           # an external Redis/Valkey
#
# docker-compose.yml runs it behind nginx with Valkey; see docs/operations.md.

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHAINLP_READ_ONLY=1

# Pango and HarfBuzz for the PDF report (WeasyPrint shapes Thai and breaks lines with Pango).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

# .dockerignore lets through only pyproject.toml, README.md, server/ and clients/.
# The browser apps are not package data: they are copied to where paths.clients_dir()
# looks first (<package>/clients; paths.clients_dir()), so the installed package serves /app/.
COPY . /tmp/src
RUN pip install /tmp/src \
    && if [ -d /tmp/src/clients ]; then \
         cp -r /tmp/src/clients "$(cd / && python -c 'import pathlib, prachakhom; print(pathlib.Path(prachakhom.__file__).parent)')/clients"; \
       fi \
    && rm -rf /tmp/src

# An unprivileged user; /data holds the admin token (and, with the embedded Valkey, its AOF).
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin prachakhom \
    && mkdir -p /data && chown prachakhom:prachakhom /data && chmod 700 /data
USER prachakhom
WORKDIR /data

ENV PRACHAKHOM_HOST=0.0.0.0 \
    PRACHAKHOM_PORT=8000 \
    PRACHAKHOM_DATA_DIR=/data

EXPOSE 8000
VOLUME ["/data"]

HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"]

CMD ["prachakhom", "serve", "--host", "0.0.0.0", "--port", "8000"]
