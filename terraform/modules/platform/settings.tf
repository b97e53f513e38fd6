# The environment shared/config.py reads, for every function that builds the settings. The secret-valued
# settings come from Secret Manager (local.secrets); INTERNAL_AUDIENCE is per function (functions.tf).
locals {
  truelayer_hosts = {
    sandbox = {
      auth = "https://auth.truelayer-sandbox.com"
      api  = "https://api.truelayer-sandbox.com"
      hpp  = "https://payment.truelayer-sandbox.com"
      jku  = "https://webhooks.truelayer-sandbox.com/.well-known/jwks"
    }
    production = {
      auth = "https://auth.truelayer.com"
      api  = "https://api.truelayer.com"
      hpp  = "https://payment.truelayer.com"
      jku  = "https://webhooks.truelayer.com/.well-known/jwks"
    }
  }
  truelayer = local.truelayer_hosts[var.truelayer_environment]

  # The categories Natural Language moderateText scores, spelt as it returns them
  # (https://cloud.google.com/natural-language/docs/moderating-text); var.moderation_text_thresholds names these.
  moderation_text_categories = [
    "Toxic", "Insult", "Profanity", "Derogatory", "Sexual", "Death, Harm & Tragedy", "Violent", "Firearms & Weapons",
    "Public Safety", "Health", "Religion & Belief", "Illicit Drugs", "War & Conflict", "Politics", "Finance", "Legal",
  ]

  settings_env = {
    CINEWEAVE_ENV        = "production"
    GOOGLE_CLOUD_PROJECT = var.project_id
    PUBLIC_BASE_URL      = var.public_base_url

    S3_ENDPOINT_URL  = var.r2_endpoint_url
    S3_BUCKET        = var.r2_bucket
    S3_ACCESS_KEY_ID = var.r2_access_key_id
    S3_REGION        = "auto"

    QUEUE_BACKEND         = "cloud_tasks"
    DISPATCH_URL          = local.dispatch_url
    TASKS_QUEUE           = google_cloud_tasks_queue.dispatch.id
    TASKS_SERVICE_ACCOUNT = google_service_account.invoker["tasks"].email
    WEBHOOK_TASKS_QUEUE   = google_cloud_tasks_queue.webhooks.id
    INTERNAL_INVOKERS     = join(",", [for role in keys(local.invoker_roles) : google_service_account.invoker[role].email])

    RUNPOD_API_BASE    = var.runpod_api_base
    RUNPOD_ENDPOINT_ID = var.runpod_endpoint_id

    TRUELAYER_AUTH_URL            = local.truelayer.auth
    TRUELAYER_API_URL             = local.truelayer.api
    TRUELAYER_HPP_URL             = local.truelayer.hpp
    TRUELAYER_WEBHOOK_JKUS        = local.truelayer.jku
    TRUELAYER_CLIENT_ID           = var.truelayer_client_id
    TRUELAYER_SIGNING_KEY_ID      = var.truelayer_signing_key_id
    TRUELAYER_MERCHANT_ACCOUNT_ID = var.truelayer_merchant_account_id

    PAYMENT_CURRENCY           = var.payment_currency
    PAYMENT_MINOR_PER_USD_CENT = var.payment_minor_per_usd_cent
    PAYMENT_MARKUP_PERCENT     = tostring(var.payment_markup_percent)
    GPU_COST_PER_SECOND_USD    = var.gpu_cost_per_second_usd

    # Content moderation on create. The blocklist is passed as terms only (MODERATION_BLOCKLIST_FILE stays
    # unset: a function has no place for the file), and LANGUAGE_API_ENDPOINT / VISION_API_ENDPOINT stay unset
    # so the clients call Google's own endpoints. The audit salt is a secret (secrets.tf).
    MODERATION_BLOCKLIST_TERMS       = join(",", var.moderation_blocklist_terms)
    MODERATION_TEXT_THRESHOLDS       = jsonencode(var.moderation_text_thresholds)
    MODERATION_IMAGE_LIKELIHOOD      = var.moderation_image_likelihood
    MODERATION_FAIL_OPEN             = tostring(var.moderation_fail_open)
    MODERATION_TIMEOUT_SEC           = tostring(var.moderation_timeout_sec)
    MODERATION_MAX_REFUSALS_PER_HOUR = tostring(var.moderation_max_refusals_per_hour)
  }
}
