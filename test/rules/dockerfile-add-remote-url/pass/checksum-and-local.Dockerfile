FROM ubuntu:24.04
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://github.com/moby/buildkit/releases/download/v0.16.0/buildkit-v0.16.0.linux-amd64.tar.gz /tmp/
ADD rootfs.tar.gz /opt/
COPY model.gguf /models/
