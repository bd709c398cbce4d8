FROM quay.io/jupyter/base-notebook:2024-10-07
USER root
RUN apt-get update && apt-get install -y --no-install-recommends htop
USER ${NB_UID}
ENV GRANT_SUDO=no
