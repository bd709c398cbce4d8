FROM python:3.12-slim
RUN huggingface-cli download Qwen/Qwen2.5-0.5B --revision 060db6499f32faf8b98477b0a26969ef7d8b9987 --local-dir /models
RUN curl -fsSLo /models/m.gguf https://example.com/m.gguf \
 && echo "4d6c1b2e9f0a8d7c6b5a4e3f2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c  /models/m.gguf" | sha256sum -c -
RUN curl -fsSL -o /models/config.json https://huggingface.co/org/model/resolve/5f1b2c3d4e5f60718293a4b5c6d7e8f901234567/config.json
RUN curl -fsSL -o /tmp/get-pip.py https://bootstrap.pypa.io/get-pip.py
