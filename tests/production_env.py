"""A production environment the settings accept: every secret long and real-looking, every endpoint public."""

SECRETS = {
    "INTERNAL_TASK_SECRET": "internal-task-secret-" + "i" * 40,
    "WEBHOOK_TOKEN_SECRET": "webhook-token-secret-" + "w" * 40,
    "RUNPOD_API_KEY": "rp_live_" + "r" * 40,
    "S3_SECRET_ACCESS_KEY": "r2-secret-" + "s" * 40,
    "TRUELAYER_CLIENT_SECRET": "tl-client-secret-" + "t" * 40,
    "TRUELAYER_SIGNING_PRIVATE_KEY": "-----BEGIN EC PRIVATE KEY-----" + "k" * 40,
    "MODERATION_AUDIT_SALT": "moderation-audit-salt-" + "m" * 40,
}

PRODUCTION_ENV = SECRETS | {
    "CINEWEAVE_ENV": "production",
    "GOOGLE_CLOUD_PROJECT": "cineweave-prod",
    "PUBLIC_BASE_URL": "https://cineweave.example",
    "S3_ENDPOINT_URL": "https://account.r2.cloudflarestorage.com",
    "QUEUE_BACKEND": "cloud_tasks",
    "DISPATCH_URL": "https://europe-west2-cineweave-prod.cloudfunctions.net/dispatch/api/tasks/dispatch",
    "TASKS_QUEUE": "projects/cineweave-prod/locations/europe-west2/queues/dispatch",
    "TASKS_SERVICE_ACCOUNT": "tasks@cineweave-prod.iam.gserviceaccount.com",
    "WEBHOOK_TASKS_QUEUE": "projects/cineweave-prod/locations/europe-west2/queues/webhooks",
    "INTERNAL_AUDIENCE": "https://europe-west2-cineweave-prod.cloudfunctions.net/health",
    "INTERNAL_INVOKERS": "tasks@cineweave-prod.iam.gserviceaccount.com,sched@cineweave-prod.iam.gserviceaccount.com",
    "RUNPOD_API_BASE": "https://api.runpod.ai/v2",
    "TRUELAYER_AUTH_URL": "https://auth.truelayer.com",
    "TRUELAYER_API_URL": "https://api.truelayer.com",
    "TRUELAYER_HPP_URL": "https://payment.truelayer.com",
    "TRUELAYER_WEBHOOK_JKUS": "https://webhooks.truelayer.com/.well-known/jwks",
}
