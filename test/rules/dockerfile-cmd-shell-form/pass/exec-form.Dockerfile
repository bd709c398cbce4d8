FROM python:3.12-slim AS dev
CMD python -m http.server
FROM python:3.12-slim
ENTRYPOINT ["/app/entrypoint.sh"]
CMD ["python", "serve.py", "--port", "8000"]
