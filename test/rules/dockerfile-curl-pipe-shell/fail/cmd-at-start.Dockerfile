FROM python:3.12-slim
CMD ["bash", "-c", "curl -fsSL https://example.com/bootstrap.sh | bash && python serve.py"]
