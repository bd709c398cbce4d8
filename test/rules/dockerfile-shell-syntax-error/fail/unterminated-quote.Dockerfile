FROM ubuntu:24.04
RUN echo "unterminated
CMD ["bash"]
