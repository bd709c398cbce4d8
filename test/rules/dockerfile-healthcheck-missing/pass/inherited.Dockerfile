FROM python:3.12-slim AS base
HEALTHCHECK --interval=30s CMD curl -f http://localhost:8000/health || exit 1
FROM base
CMD ["python", "serve.py"]
