FROM ubuntu:24.04 AS base
USER 0:0
FROM base AS final
CMD ["bash"]
