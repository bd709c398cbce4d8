FROM nvidia/cuda:12.4.1-base-ubuntu22.04
ENV LD_LIBRARY_PATH=/usr/local/nvidia/lib64
# A preload for one build command does not stay in the image.
RUN LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 python3 -c "print(1)"
