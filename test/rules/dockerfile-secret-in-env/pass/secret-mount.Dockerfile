FROM python:3.12-slim
# vLLM's OpenAI client needs some key; EMPTY is the documented dummy.
ENV HF_HOME=/models HF_TOKEN_FILE=/run/secrets/hf_token OPENAI_API_KEY=EMPTY
RUN --mount=type=secret,id=hf_token,env=HF_TOKEN huggingface-cli download Qwen/Qwen2.5-0.5B --revision 060db6499f32faf8b98477b0a26969ef7d8b9987
