FROM python:3.12-slim
RUN pip install --no-cache-dir gradio==5.4.0
COPY app.py /app/app.py
ENV GRADIO_SERVER_NAME="0.0.0.0"
EXPOSE 7860
CMD ["python", "/app/app.py"]
