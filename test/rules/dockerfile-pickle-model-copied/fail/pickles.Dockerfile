FROM pytorch/torchserve:0.12.0-cpu
COPY model.pt /home/model-server/model-store/
COPY checkpoints/epoch_10.ckpt artifacts/pytorch_model.bin /models/
COPY classifier.joblib /app/
