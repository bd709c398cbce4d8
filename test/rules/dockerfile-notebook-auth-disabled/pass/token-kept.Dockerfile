FROM quay.io/jupyter/scipy-notebook:2024-10-07
# The token comes from the environment at run time (JUPYTER_TOKEN from a Secret).
CMD ["start-notebook.py", "--ServerApp.ip=0.0.0.0", "--IdentityProvider.token=${JUPYTER_TOKEN}"]
