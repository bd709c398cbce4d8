FROM quay.io/jupyter/base-notebook:2024-10-07
USER root
RUN apt-get update
USER ${NB_UID}
RUN sudo apt-get install -y htop
RUN echo "jovyan ALL=(ALL) NOPASSWD: ALL" >> /etc/sudoers
ENV GRANT_SUDO=yes
