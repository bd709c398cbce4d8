FROM python:3.12-slim
RUN pip install --no-cache-dir jupyterlab==4.2.5
CMD jupyter lab --ip=0.0.0.0 --no-browser --NotebookApp.token='' --allow-root
