FROM python:3.12-slim
ENTRYPOINT /app/entrypoint.sh
CMD python serve.py --port 8000
