ARG BASE=ollama/ollama:latest
FROM ${BASE}
EXPOSE 11434
