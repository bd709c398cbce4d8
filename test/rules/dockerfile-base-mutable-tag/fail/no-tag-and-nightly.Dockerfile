FROM python AS build
RUN pip wheel --no-cache-dir -w /wheels .
FROM nvcr.io/nvidia/tritonserver:nightly
COPY --from=build /wheels /wheels
