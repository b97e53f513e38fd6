"""RunPod serverless worker: renders Wan 2.2 TI2V clips, encodes MP4 and uploads them."""
