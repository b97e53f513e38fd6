"""Where each object lives in the bucket. Uploads sit under their owner's prefix, which is how a job proves
that the start image it names is the caller's own."""


def upload_prefix(uid: str) -> str:
    return f"uploads/{uid}/"


def upload_key(uid: str, upload_id: str, extension: str) -> str:
    return f"{upload_prefix(uid)}{upload_id}.{extension}"


def video_key(uid: str, job_id: str) -> str:
    return f"videos/{uid}/{job_id}.mp4"


def poster_key(uid: str, job_id: str) -> str:
    return f"posters/{uid}/{job_id}.jpg"
