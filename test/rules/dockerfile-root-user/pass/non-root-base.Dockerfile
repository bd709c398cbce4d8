# Both bases set a non-root USER (rules.d/data/base-images.yaml); this file sets none.
FROM quay.io/jupyter/scipy-notebook:2024-10-07 AS notebook
RUN pip install --no-cache-dir vllm==0.8.5
FROM gcr.io/distroless/python3-debian12:nonroot
COPY --from=notebook /opt/conda /opt/conda
ENTRYPOINT ["/opt/conda/bin/python", "-m", "app"]
