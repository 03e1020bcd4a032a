# aidcoord: the app (gunicorn) and the worker (`flask worker`) from one image. See compose.yaml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    FLASK_APP=wsgi AIDCOORD_ENV=production

WORKDIR /app
# The locked runtime requirements, hashes checked, in a layer of their own (rebuilt only when the lock changes).
COPY requirements.txt ./
RUN python -m pip install --require-hashes -r requirements.txt

COPY . .
RUN pybabel compile -d aidcoord/translations -f \
    && useradd --system --uid 10001 --home-dir /app aidcoord
USER aidcoord

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["gunicorn", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "wsgi:app"]
