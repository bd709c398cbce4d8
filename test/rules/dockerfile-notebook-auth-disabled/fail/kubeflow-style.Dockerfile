FROM quay.io/jupyter/scipy-notebook:2024-10-07
RUN echo "c.ServerApp.token = ''" >> /home/jovyan/.jupyter/jupyter_server_config.py
CMD ["start-notebook.py", "--ServerApp.token=", "--ServerApp.password=", "--ServerApp.ip=0.0.0.0"]
