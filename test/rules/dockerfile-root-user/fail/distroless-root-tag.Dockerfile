FROM gcr.io/distroless/python3-debian12:latest
COPY app.py /app.py
ENTRYPOINT ["python3", "/app.py"]
