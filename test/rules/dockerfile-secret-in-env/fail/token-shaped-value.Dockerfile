FROM python:3.12-slim
ENV LLM_SETTINGS=sk-proj-AbCdEfGhIjKlMnOpQrStUvWx
