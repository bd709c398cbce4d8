FROM ubuntu:24.04
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates gnupg \
 && rm -rf /var/lib/apt/lists/*
RUN echo "deb [signed-by=/usr/share/keyrings/cuda.gpg] https://developer.download.nvidia.com/compute/cuda/repos/ubuntu2404/x86_64/ /" > /etc/apt/sources.list.d/cuda.list
RUN printf '[internal]\nbaseurl=https://repo.internal/el9\ngpgcheck=1\n' > /tmp/internal.repo
