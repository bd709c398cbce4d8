# BuildKit reads this file; only the shell in the RUN is broken (another rule's concern).
FROM ubuntu:24.04
RUN echo "unterminated
