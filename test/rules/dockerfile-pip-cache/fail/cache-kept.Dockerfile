FROM python:3.12-slim
RUN pip install torch==2.5.1
RUN python3 -m pip install -r requirements.txt
